// SPDX-License-Identifier: GPL-2.0
/*
 * Paths whose frame size shrinks under frames already sent: the MTU goes
 * down, or the target's config answer advertises fewer sectors. Frames
 * that no longer fit are cut to the new size and sent again; the request
 * completes with its data, never with EIO. A limit only ever comes from
 * the target's own answer on that path.
 */
#include "sim_assert.h"

#define SHELF	4
#define SLOT	2
#define SECTORS	4096
#define JUMBO	9000
#define SMALL	1500
/* Sectors that fit a 1500-byte MTU with the AoE and ATA headers. */
#define SMALL_SECT	((SMALL + AOE_ETH_HLEN - AOE_ATA_HDR_LEN) / ATA_SECTOR_SIZE)

static struct sim *jumbo_target(unsigned int nifaces, unsigned int ifmask,
				struct sim_target **tp, struct aoe_dev **dp)
{
	struct sim *s = sim_start(NULL, nifaces, JUMBO, 0);

	*tp = sim_add_target(s, SHELF, SLOT, 16, SECTORS, ifmask);
	(*tp)->scnt = AOE_JUMBO_SECTORS;
	*dp = sim_attach_ok(s, SHELF, SLOT);
	return s;
}

static struct aoe_path *path_on(struct aoe_dev *d, unsigned int ifn)
{
	struct aoe_target *t = d->targets[0];

	for (unsigned int i = 0; i < t->npaths; i++)
		if (t->paths[i].ifc && t->paths[i].ifc->slot == ifn)
			return &t->paths[i];
	cr_assert_fail("no path on interface %u", ifn);
	return NULL;
}

/* Every frame sent from now on carries at most max sectors. */
static void expect_frames_at_most(struct sim *s, uint32_t max)
{
	for (unsigned int i = 0; i < sim_nsent(s); i++) {
		struct aoe_ata_view a;

		if (sim_pkt_cmd(sim_sent_at(s, i)) != AOE_CMD_ATA ||
		    sim_pkt_ata(sim_sent_at(s, i), &a))
			continue;
		cr_assert_leq(a.scnt, max, "a frame of %u sectors after the limit fell to %u",
			      a.scnt, max);
	}
}

/* A write sent whole, unanswered; the MTU falls; the config answer that
 * follows says so; the write goes out again in frames that fit. */
Test(engine_mtu, mtu_lowered_under_a_frame_resplits_it)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct sim_req *w, *r;

	t->silent = true;
	w = sim_submit(s, d, AOE_OP_WRITE, 100, 2 * AOE_JUMBO_SECTORS);
	cr_assert_eq(sim_nsent(s), 2, "sent whole at 9000");
	sim_drop_sent(s);
	t->silent = false;
	s->ifc[0]->mtu = SMALL;
	engine_discover(s->e);
	sim_step(s);
	expect_frames_at_most(s, SMALL_SECT);
	sim_serve(s);
	expect_done(w, 0);
	expect_disk_holds(t, 100, w->buf, 2 * AOE_JUMBO_SECTORS);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	cr_assert_gt(target_info(d, 0).st.resplits, 0, "counted");
	r = sim_submit(s, d, AOE_OP_READ, 100, 2 * AOE_JUMBO_SECTORS);
	expect_frames_at_most(s, SMALL_SECT);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(s->oversize, 0, "no frame past the interface's MTU");
	sim_finish(s);
}

/* The target's config answer lowers its sector count (its MTU went down):
 * a read in flight and its resend come back in frames of the new size. */
Test(engine_mtu, config_answer_with_fewer_sectors_resplits_the_resend)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct sim_req *r;

	t->silent = true;
	r = sim_submit(s, d, AOE_OP_READ, 7, AOE_JUMBO_SECTORS + 3);
	sim_drop_sent(s);
	/* The frames time out once, so they sit in flight again as resends. */
	sim_advance(s, 1 * SEC);
	sim_drop_sent(s);
	expect_pending(r);
	t->silent = false;
	t->scnt = 8;
	engine_discover(s->e);
	sim_serve(s);
	/* The 3-sector frame still fits: it waits for its own timeout. */
	sim_advance(s, 1 * SEC);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(path_on(d, 0)->max_sect, 8);
	sim_finish(s);
}

/*
 * A target on two interfaces: its config answer with fewer sectors on
 * one of them lowers that path only. A config answer for its shelf.slot
 * from another MAC lowers nothing of it.
 */
Test(engine_mtu, a_limit_is_the_paths_own)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(2, 3, &t, &d);
	struct sim_pkt *q, rsp;
	static const uint8_t other[AOE_ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x99, 0x01 };

	engine_discover(s->e);
	cr_assert_eq(sim_nsent(s), 2, "a query on each interface");
	q = sim_take_sent(s);
	if (q->ifn != 1) {
		free(q);
		q = sim_take_sent(s);
	}
	sim_drop_sent(s);
	t->scnt = 2;
	cr_assert_eq(sim_target_answer(t, q, &rsp), 0);
	sim_deliver(s, &rsp);
	cr_assert_eq(path_on(d, 1)->max_sect, 2, "the answer's own path");
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS, "not the other path");
	/* Another MAC's answer makes another target, not a lower limit. */
	q->ifn = 0;
	cr_assert_eq(sim_target_answer(t, q, &rsp), 0);
	sim_pkt_set_src(&rsp, other);
	sim_deliver(s, &rsp);
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS);
	free(q);
	t->scnt = AOE_JUMBO_SECTORS;
	sim_finish(s);
}

/* --- path MTU learned: a link on the way at 1500 between two 9000 ends -------- */

/* Serves and moves the clock on in steps of step_ns until r is done (or
 * for at most ns); the device must stay up throughout. */
static void serve_until_done(struct sim *s, const struct sim_req *r, uint64_t ns,
			     uint64_t step_ns)
{
	for (uint64_t t = 0; t < ns && !r->ndone; t += step_ns) {
		sim_serve(s);
		cr_assert_eq(s->downs, 0, "the device went down while small frames got through");
		if (!r->ndone)
			sim_advance(s, step_ns);
	}
	sim_serve(s);
}

static struct sim *black_hole(const struct engine_config *cfg, unsigned int nifaces,
			      unsigned int ifmask, struct sim_target **tp, struct aoe_dev **dp)
{
	struct sim *s = sim_start(cfg, nifaces, JUMBO, 0);

	*tp = sim_add_target(s, SHELF, SLOT, 16, SECTORS, ifmask);
	(*tp)->scnt = AOE_JUMBO_SECTORS;
	s->wire_mtu[0] = SMALL;
	*dp = sim_attach_ok(s, SHELF, SLOT);
	cr_assert_eq(path_on(*dp, 0)->max_sect, AOE_JUMBO_SECTORS,
		     "config and IDENTIFY pass the black hole: 17 sectors advertised");
	return s;
}

/* Writes and reads across the black hole: the path falls back 17 -> 8 ->
 * 2 sectors, frames in flight are re-split, nothing fails, the device stays
 * up, and the fall back is said (counted) once per size. */
Test(engine_mtu, black_hole_falls_back_and_io_completes)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = black_hole(NULL, 1, 1, &t, &d);
	struct sim_req *w, *r;
	struct aoe_target_info ti;

	w = sim_submit(s, d, AOE_OP_WRITE, 64, 4 * AOE_JUMBO_SECTORS);
	serve_until_done(s, w, 4 * SEC, 10 * MS);
	expect_done(w, 0);
	expect_disk_holds(t, 64, w->buf, 4 * AOE_JUMBO_SECTORS);
	cr_assert_gt(s->blackholed, 0, "the big frames did vanish");
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	ti = target_info(d, 0);
	cr_assert_eq(ti.npaths, 1);
	cr_assert_eq(ti.paths[0].sectors, SMALL_SECT);
	cr_assert_eq(ti.paths[0].pmtu_sectors, SMALL_SECT);
	cr_assert_eq(ti.paths[0].pmtu_falls, 2, "17 -> 8 -> 2: %llu falls",
		     (unsigned long long)ti.paths[0].pmtu_falls);
	/* Reads: the request is small, the answer big; it starts at 2 now. */
	r = sim_submit(s, d, AOE_OP_READ, 64, 4 * AOE_JUMBO_SECTORS);
	expect_frames_at_most(s, SMALL_SECT);
	serve_until_done(s, r, SEC, 10 * MS);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(target_info(d, 0).paths[0].pmtu_falls, 2, "no more falls");
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	sim_finish(s);
}

/* Only reads in flight (small requests, big answers): the path falls back
 * just the same, on the answer to a small probe. */
Test(engine_mtu, black_hole_for_reads_alone)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = black_hole(NULL, 1, 1, &t, &d);
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 3 * AOE_JUMBO_SECTORS);

	serve_until_done(s, r, 4 * SEC, 10 * MS);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	cr_assert_gt(target_info(d, 0).st.probes, 0, "a small probe showed the path alive");
	sim_finish(s);
}

/* One lost round of big frames is congestion as often as not: no fall back. */
Test(engine_mtu, one_lost_round_keeps_the_size)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct sim_req *r, *small;

	t->silent = true;
	r = sim_submit(s, d, AOE_OP_READ, 0, 2 * AOE_JUMBO_SECTORS);
	sim_drop_sent(s);
	t->silent = false;
	small = sim_submit(s, d, AOE_OP_READ, 500, 1);
	sim_serve(s);
	expect_done(small, 0);
	serve_until_done(s, r, SEC, 10 * MS);
	expect_done(r, 0);
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS);
	cr_assert_eq(target_info(d, 0).paths[0].pmtu_falls, 0);
	sim_finish(s);
}

/* Two paths to one target, a black hole on one: each learns its own. */
Test(engine_mtu, each_path_learns_its_own)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = black_hole(NULL, 2, 3, &t, &d);
	struct sim_req *w, *r;

	w = sim_submit(s, d, AOE_OP_WRITE, 0, 8 * AOE_JUMBO_SECTORS);
	serve_until_done(s, w, 4 * SEC, 10 * MS);
	expect_done(w, 0);
	r = sim_submit(s, d, AOE_OP_READ, 0, 8 * AOE_JUMBO_SECTORS);
	serve_until_done(s, r, 4 * SEC, 10 * MS);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(memcmp(r->buf, w->buf, 8 * AOE_JUMBO_SECTORS * ATA_SECTOR_SIZE), 0);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT, "the black-holed path");
	cr_assert_eq(path_on(d, 1)->max_sect, AOE_JUMBO_SECTORS, "the clean path");
	cr_assert_eq(path_on(d, 1)->pmtu_falls, 0);
	sim_finish(s);
}

/* --pmtu-probe: a larger size is tried again when due; kept once the link
 * is mended, given up again (without a fuss) while it is not. */
Test(engine_mtu, larger_size_probed_again)
{
	struct engine_config cfg;
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s;
	struct sim_req *r;

	sim_config_defaults(&cfg);
	cfg.pmtu_probe_s = 3;
	s = black_hole(&cfg, 1, 1, &t, &d);
	r = sim_submit(s, d, AOE_OP_READ, 0, 2 * AOE_JUMBO_SECTORS);
	serve_until_done(s, r, 4 * SEC, 10 * MS);
	expect_done(r, 0);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	/* Still broken: tried again at 8, lost, back to 2. */
	sim_run_for(s, 3 * SEC, 100 * MS);
	cr_assert_eq(path_on(d, 0)->max_sect, 8, "a larger size tried when due");
	r = sim_submit(s, d, AOE_OP_READ, 0, 2 * AOE_JUMBO_SECTORS);
	serve_until_done(s, r, 4 * SEC, 10 * MS);
	expect_done(r, 0);
	expect_disk_data(r, t);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	cr_assert_eq(path_on(d, 0)->pmtu_falls, 3);
	/* Mended: 8, then 17, each kept. */
	s->wire_mtu[0] = 0;
	for (unsigned int i = 0; i < 2; i++) {
		sim_run_for(s, 3 * SEC, 100 * MS);
		r = sim_submit(s, d, AOE_OP_READ, 0, 2 * AOE_JUMBO_SECTORS);
		serve_until_done(s, r, SEC, 10 * MS);
		expect_done(r, 0);
	}
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS);
	cr_assert_eq(path_on(d, 0)->pmtu_sect, 0, "no cap left");
	cr_assert_eq(path_on(d, 0)->pmtu_falls, 3);
	sim_finish(s);
}

/* --- the interface's own MTU changes while attached ---------------------------- */

/* Lowered under writes in flight, with no config answer to say so: within
 * a second the path follows, what is out goes again re-split, and no frame
 * leaves past the new MTU. */
Test(engine_mtu, own_mtu_lowered_while_attached)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct sim_req *w;

	t->silent = true;
	w = sim_submit(s, d, AOE_OP_WRITE, 300, 3 * AOE_JUMBO_SECTORS);
	sim_drop_sent(s);
	t->silent = false;
	s->ifc[0]->mtu = SMALL;
	s->wire_mtu[0] = SMALL;
	s->oversize = 0;
	sim_advance(s, SEC);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT, "the path follows the MTU");
	serve_until_done(s, w, SEC, 10 * MS);
	expect_done(w, 0);
	expect_disk_holds(t, 300, w->buf, 3 * AOE_JUMBO_SECTORS);
	cr_assert_eq(s->oversize, 0, "%llu frames past the new MTU",
		     (unsigned long long)s->oversize);
	cr_assert_eq(path_on(d, 0)->pmtu_falls, 0, "a known MTU, not a black hole");
	sim_finish(s);
}

/* Raised: the path grows to what the target's config answer allowed. */
Test(engine_mtu, own_mtu_raised_while_attached)
{
	struct sim *s = sim_start(NULL, 1, SMALL, 0);
	struct sim_target *t = sim_add_target(s, SHELF, SLOT, 16, SECTORS, 1);
	struct aoe_dev *d;
	struct sim_req *r;
	struct aoe_ata_view a;

	t->scnt = AOE_JUMBO_SECTORS;
	d = sim_attach_ok(s, SHELF, SLOT);
	cr_assert_eq(path_on(d, 0)->max_sect, SMALL_SECT);
	s->ifc[0]->mtu = JUMBO;
	sim_advance(s, SEC);
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS);
	r = sim_submit(s, d, AOE_OP_READ, 0, AOE_JUMBO_SECTORS);
	cr_assert_eq(sim_nsent(s), 1, "one frame at 9000");
	cr_assert_eq(sim_pkt_ata(sim_sent_at(s, 0), &a), 0);
	cr_assert_eq(a.scnt, AOE_JUMBO_SECTORS);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	/* Down again, and back: the target's advertised count still caps it. */
	t->scnt = 8;
	engine_discover(s->e);
	sim_serve(s);
	cr_assert_eq(path_on(d, 0)->max_sect, 8);
	sim_finish(s);
}

/*
 * The MTU falls between two checks: big frames sent meanwhile vanish as
 * in a black hole, and two rounds of them are on the path's record when
 * the engine reads the new MTU. That is evidence against the old size, not
 * the new one: a small answer then must not take the path below 2 sectors.
 */
Test(engine_mtu, losses_at_an_old_size_are_not_held_against_the_new_one)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct aoe_path *p = path_on(d, 0);
	struct sim_req *r;

	p->big_lost = 2;	/* as pmtu_lost() counts two lost rounds of 17 */
	p->big_lost_ns = s->now - MS;
	s->ifc[0]->mtu = SMALL;
	sim_advance(s, SEC);
	cr_assert_eq(p->max_sect, SMALL_SECT);
	r = sim_submit(s, d, AOE_OP_READ, 0, 1);
	sim_serve(s);
	expect_done(r, 0);
	cr_assert_eq(p->max_sect, SMALL_SECT, "what the MTU allows, not less");
	cr_assert_eq(p->pmtu_falls, 0);
	sim_finish(s);
}

/* Holds every answer to a READ or WRITE of more sectors than 1500 carries:
 * a target slow on big requests, not a black hole. */
static enum sim_verdict policy_hold_big(struct sim_target *t, const struct sim_pkt *req,
					struct sim_pkt *rsp, void *ctx)
{
	struct aoe_ata_view a;

	(void)t, (void)rsp, (void)ctx;
	if (sim_pkt_cmd(req) == AOE_CMD_ATA && !sim_pkt_ata(req, &a) && a.scnt > SMALL_SECT)
		return SIM_HOLD;
	return SIM_ANSWER;
}

/*
 * Big frames answered only after their timeouts while small ones are
 * answered at once look like a black hole, and the path falls back; the
 * late answers to the big frames show they got through, so the fall back
 * is undone (a slow or paused target must not leave a jumbo path at 2
 * sectors until the next probe, as make bench at MTU 9000 showed).
 */
Test(engine_mtu, late_big_answers_undo_the_fall_back)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = jumbo_target(1, 1, &t, &d);
	struct sim_req *r;

	t->policy = policy_hold_big;
	r = sim_submit(s, d, AOE_OP_READ, 0, 2 * AOE_JUMBO_SECTORS);
	for (unsigned int i = 0; i < 200 && path_on(d, 0)->max_sect == AOE_JUMBO_SECTORS; i++) {
		sim_serve(s);
		sim_advance(s, 10 * MS);
	}
	cr_assert_lt(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS,
		     "held big answers look like a black hole at first");
	t->policy = NULL;
	cr_assert_gt(sim_nheld(s), 0);
	while (sim_nheld(s))
		sim_release(s, 0);
	sim_serve(s);
	cr_assert_eq(path_on(d, 0)->max_sect, AOE_JUMBO_SECTORS,
		     "late answers of %u sectors leave the path at %u", AOE_JUMBO_SECTORS,
		     path_on(d, 0)->max_sect);
	serve_until_done(s, r, SEC, 10 * MS);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

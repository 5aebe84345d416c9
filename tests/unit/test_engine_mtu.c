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

// SPDX-License-Identifier: GPL-2.0
/*
 * The write guard on a simulated network (issue 9): an old copy of a write
 * that a target executes late must not roll back newer data acknowledged
 * meanwhile. In the simulation each target has its own disk and executes
 * a write when it is served; a held answer stands for a copy the target
 * still holds, and releasing it is the late execution.
 */
#include "sim_assert.h"

#define SHELF	1
#define SLOT	1
#define SECTORS	2048
#define LBA	64

static enum sim_verdict policy_hold_writes(struct sim_target *t, const struct sim_pkt *req,
					   struct sim_pkt *rsp, void *ctx)
{
	(void)t, (void)rsp, (void)ctx;
	return sim_pkt_ata_cmd(req) == ATA_CMD_WRITE_EXT ? SIM_HOLD : SIM_ANSWER;
}

static struct aoe_dev_info dev_info(const struct aoe_dev *d)
{
	struct aoe_dev_info info;

	aoe_dev_get_info(d, &info);
	return info;
}

/* The target a held answer comes from. */
static struct sim_target *held_from(struct sim *s, unsigned int i)
{
	const struct sim_pkt *p = sim_held_at(s, i);

	for (unsigned int k = 0; k < s->ntargets; k++)
		if (!memcmp(p->buf + AOE_ETH_ALEN, s->tgt[k].mac, AOE_ETH_ALEN))
			return &s->tgt[k];
	cr_assert_fail("a held answer from no target");
	return NULL;
}

/* What a late execution leaves on t's disk. */
static void disk_write(struct sim_target *t, uint64_t lba, const uint8_t *buf, uint32_t n)
{
	cr_assert_lt(lba + n, t->disk_sectors);
	memcpy(t->disk + lba * ATA_SECTOR_SIZE, buf, (size_t)n * ATA_SECTOR_SIZE);
	memset(t->written + lba, 1, n);
}

/* A WRITE at lba waits on the simulated wire. */
static bool sent_write_at(const struct sim *s, uint64_t lba)
{
	struct aoe_ata_view a;

	for (unsigned int i = 0; i < sim_nsent(s); i++)
		if (!sim_pkt_ata(sim_sent_at(s, i), &a) && (a.aflags & AOE_AFL_WRITE) && a.lba == lba)
			return true;
	return false;
}

/* Time passes in small steps, each answered, until r is done (its
 * timeouts resend it at once to a target that answers). */
static void serve_until_done(struct sim *s, struct sim_req *r)
{
	sim_serve(s);
	for (unsigned int i = 0; i < 500 && !r->ndone; i++) {
		sim_advance(s, 10 * MS);
		sim_serve(s);
	}
	expect_done(r, 0);
}

struct stale_write {
	struct sim *s;
	struct aoe_dev *d;
	struct sim_target *slow, *fast;
	struct sim_req *w1, *w2;
};

/*
 * W1 goes out to one target, whose answer is held (it keeps the copy);
 * the timeout sends it to the other, which answers: W1 is done, its first
 * copy orphaned. W2 then writes other data over the same sectors.
 */
static void stale_write_setup(struct stale_write *x, const struct engine_config *cfg)
{
	struct sim_target *a, *b;

	x->s = sim_start(cfg, 1, 1500, 0);
	x->d = attach_two_targets(x->s, SHELF, SLOT, 16, SECTORS, &a, &b);
	a->policy = b->policy = policy_hold_writes;
	x->w1 = sim_submit(x->s, x->d, AOE_OP_WRITE, LBA, 2);
	sim_serve(x->s);
	cr_assert_eq(sim_nheld(x->s), 1, "W1's first copy is held by one target");
	x->slow = held_from(x->s, 0);
	x->fast = x->slow == a ? b : a;
	x->fast->policy = NULL;
	serve_until_done(x->s, x->w1);
	cr_assert_eq(dev_info(x->d).in_doubt, 1, "W1's first copy is in doubt (%u, held %u, lost %llu)",
		     dev_info(x->d).in_doubt, sim_nheld(x->s),
		     (unsigned long long)dev_info(x->d).guard.copies_lost);
	x->w2 = sim_submit(x->s, x->d, AOE_OP_WRITE, LBA, 2);
	serve_until_done(x->s, x->w2);
}

/*
 * The orphaned copy of W1 is executed late: the sectors W2 wrote are
 * written again with W2's data (on whichever target carries it), reads of
 * them meanwhile are served W2's data, and once the rewrite is answered
 * nothing is kept any more.
 */
Test(engine_guard, late_old_write_is_written_over_again)
{
	struct stale_write x;
	struct aoe_dev_info info;
	struct sim_req *r;
	struct sim_target *t;
	unsigned int nsent;

	stale_write_setup(&x, NULL);
	info = dev_info(x.d);
	cr_assert_eq(info.guard_sectors, 2, "W2's data over W1's copy is kept");

	x.fast->policy = policy_hold_writes;	/* the rewrite's answer waits */
	nsent = sim_nsent(x.s);
	cr_assert_eq(sim_nheld(x.s), 1);
	sim_release(x.s, 0);			/* the slow target executed W1: late */
	info = dev_info(x.d);
	cr_assert_eq(info.guard.rollbacks_caught, 1);
	cr_assert_gt(sim_nsent(x.s), nsent, "a rewrite went out at once");
	sim_serve(x.s);
	cr_assert_eq(sim_nheld(x.s), 1, "the rewrite's answer is held");
	t = held_from(x.s, 0);
	expect_disk_holds(t, LBA, x.w2->buf, 2);

	/* Until the rewrite is answered, a target may still hold W1 there
	 * (this simulation executes writes as they arrive, so both disks are
	 * set back to W1 by hand): a read gets W2's data all the same. */
	disk_write(x.slow, LBA, x.w1->buf, 2);
	disk_write(x.fast, LBA, x.w1->buf, 2);
	x.slow->policy = x.fast->policy = NULL;
	r = sim_submit(x.s, x.d, AOE_OP_READ, LBA, 2);
	sim_serve(x.s);
	expect_done(r, 0);
	cr_assert_eq(memcmp(r->buf, x.w2->buf, 2 * ATA_SECTOR_SIZE), 0,
		     "a read before the rewrite is answered gets the newest data");
	cr_assert_eq(dev_info(x.d).guard.reads_served, 2);

	sim_release(x.s, 0);	/* the rewrite is answered */
	sim_serve(x.s);
	info = dev_info(x.d);
	cr_assert_eq(info.guard.rewrites, 2);
	cr_assert_eq(info.in_doubt, 0);
	cr_assert_eq(info.guard_sectors, 0, "nothing kept once the rewrite is done");
	sim_finish(x.s);
}

/* A FLUSH that arrives while the rewrite is out waits for it: an fsync
 * must cover the data written again. */
Test(engine_guard, flush_waits_for_the_rewrite)
{
	struct stale_write x;
	struct sim_req *f;
	unsigned int flushes;

	stale_write_setup(&x, NULL);
	x.fast->policy = x.slow->policy = policy_hold_writes;
	sim_release(x.s, 0);			/* late execution: a rewrite goes out */
	sim_serve(x.s);
	flushes = x.slow->n.flush + x.fast->n.flush;
	f = sim_submit(x.s, x.d, AOE_OP_FLUSH, 0, 0);
	sim_serve(x.s);
	expect_pending(f);
	cr_assert_eq(x.slow->n.flush + x.fast->n.flush, flushes, "no FLUSH sent before the rewrite");
	cr_assert_eq(dev_info(x.d).guard.flushes_held, 1);
	x.fast->policy = x.slow->policy = NULL;
	sim_release(x.s, 0);			/* rewrite answered */
	sim_serve(x.s);
	expect_done(f, 0);
	cr_assert_geq(x.slow->n.flush + x.fast->n.flush, flushes + 1);
	sim_finish(x.s);
}

/* The slow target never answers its copy: after --write-guard it is given
 * up (said and counted) and nothing is kept for it any more. */
Test(engine_guard, copy_never_answered_is_given_up)
{
	struct engine_config cfg;
	struct stale_write x;
	struct aoe_dev_info info;

	sim_config_defaults(&cfg);
	cfg.write_guard_s = 3;
	cfg.dead_timeout_s = 0;
	stale_write_setup(&x, &cfg);
	x.slow->silent = true;		/* no probe answer settles it either */
	sim_forget_held(x.s, 0);
	sim_run_for(x.s, 4 * SEC, 50 * MS);
	info = dev_info(x.d);
	cr_assert_eq(info.guard.given_up, 1);
	cr_assert_eq(info.in_doubt, 0);
	cr_assert_eq(info.guard_sectors, 0);
	sim_finish(x.s);
}

/* The slow target answers later frames but never the copy (it was lost on
 * the way): an IDENTIFY to settle it shows it lost, well before the guard
 * time, and nothing is kept any more. */
Test(engine_guard, copy_lost_on_the_way_is_settled_by_a_probe)
{
	struct stale_write x;
	struct aoe_dev_info info;

	stale_write_setup(&x, NULL);
	x.slow->policy = NULL;
	sim_forget_held(x.s, 0);	/* the copy's answer never comes */
	for (unsigned int i = 0; i < 400 && dev_info(x.d).in_doubt; i++) {
		sim_advance(x.s, 10 * MS);
		sim_serve(x.s);
	}
	info = dev_info(x.d);
	cr_assert_eq(info.in_doubt, 0, "still in doubt after 4 s: probes %llu checks %llu lost %llu",
		     (unsigned long long)target_info(x.d, target_index(x.d, x.slow)).st.probes,
		     (unsigned long long)target_info(x.d, target_index(x.d, x.slow)).st.identity_checks,
		     (unsigned long long)info.guard.copies_lost);
	cr_assert_eq(info.guard.copies_lost, 1);
	cr_assert_eq(info.guard.given_up, 0);
	cr_assert_eq(info.guard_sectors, 0);
	sim_finish(x.s);
}

/* With no room to keep W2's data, W2's completion waits until the copy
 * that needs it is settled: never acknowledged unguarded. */
Test(engine_guard, full_guard_holds_the_completion)
{
	struct engine_config cfg;
	struct sim *s;
	struct aoe_dev *d;
	struct sim_target *a, *b, *slow;
	struct sim_req *w1, *w2;

	sim_config_defaults(&cfg);
	cfg.guard_sectors = 1;	/* W2 needs 2 */
	s = sim_start(&cfg, 1, 1500, 0);
	d = attach_two_targets(s, SHELF, SLOT, 16, SECTORS, &a, &b);
	a->policy = b->policy = policy_hold_writes;
	w1 = sim_submit(s, d, AOE_OP_WRITE, LBA, 2);
	sim_serve(s);
	slow = held_from(s, 0);
	(slow == a ? b : a)->policy = NULL;
	serve_until_done(s, w1);
	w2 = sim_submit(s, d, AOE_OP_WRITE, LBA, 2);
	for (unsigned int i = 0; i < 10; i++) {
		sim_run_for(s, 10 * MS, 10 * MS);
		sim_serve(s);
	}
	expect_pending(w2);
	cr_assert_eq(dev_info(d).guard.held, 1);
	sim_release(s, 0);	/* the slow copy is answered: nothing to guard now */
	sim_serve(s);
	expect_done(w2, 0);
	sim_finish(s);
}

/*
 * The old copy is executed while a newer write over it is still out, after
 * part of that write was answered: the newer write goes out again before
 * it counts as done (its data is still the caller's), so no newer data is
 * acknowledged on top of an older one.
 */
Test(engine_guard, newer_write_in_progress_goes_out_again)
{
	struct stale_write x;
	struct sim_req *w3;
	struct aoe_dev_info info;
	unsigned int held_w1;

	stale_write_setup(&x, NULL);
	held_w1 = sim_nheld(x.s) - 1;	/* W1's copy: the first held */
	x.fast->policy = x.slow->policy = policy_hold_writes;
	w3 = sim_submit(x.s, x.d, AOE_OP_WRITE, LBA, 4);	/* two frames */
	sim_serve(x.s);
	cr_assert_eq(sim_nheld(x.s), held_w1 + 3);
	sim_release(x.s, held_w1 + 1);	/* one of W3's frames answered */
	expect_pending(w3);
	sim_release(x.s, 0);		/* W1 executed late, over W3's sectors */
	x.fast->policy = x.slow->policy = NULL;
	while (sim_nheld(x.s))
		sim_release(x.s, 0);	/* W3's other frame, and so on */
	/* W3's second half (LBA + 2, which no kept data covers) goes out again. */
	cr_assert(sent_write_at(x.s, LBA + 2), "W3 was not sent again");
	serve_until_done(x.s, w3);
	info = dev_info(x.d);
	cr_assert_eq(info.guard.rollbacks_caught, 1);
	sim_finish(x.s);
}

/* Holds the answer to the first frame of writes at LBA, once. */
static enum sim_verdict policy_hold_write_at_lba(struct sim_target *t, const struct sim_pkt *req,
						 struct sim_pkt *rsp, void *ctx)
{
	unsigned int *left = ctx;
	struct aoe_ata_view a;

	(void)t, (void)rsp;
	if (!*left || sim_pkt_ata(req, &a) || !(a.aflags & AOE_AFL_WRITE) || a.lba != LBA)
		return SIM_ANSWER;
	--*left;
	return SIM_HOLD;
}

/*
 * The first frame of a write is passed over by the answer to its second
 * and sent again early (not after an RTO): the copy it leaves is on
 * record like a timed-out one's. So a newer write over it is kept, and
 * when the old copy is executed after all, the newer data is written
 * again: the guard works the same for early retransmits.
 */
Test(engine_guard, early_retransmit_leaves_its_copy_on_record)
{
	struct sim *s = sim_start(NULL, 1, 1500, 0);
	struct sim_target *t = sim_add_target(s, SHELF, SLOT, 16, SECTORS, 1);
	struct aoe_dev *d = sim_attach_ok(s, SHELF, SLOT);
	unsigned int hold = 1;
	struct aoe_dev_info info;
	struct sim_req *w1, *w2;

	t->policy = policy_hold_write_at_lba;
	t->policy_ctx = &hold;
	w1 = sim_submit(s, d, AOE_OP_WRITE, LBA, 4);	/* two frames */
	sim_serve(s);
	sim_advance(s, rtt_reorder_ns(&d->targets[0]->rtt));
	cr_assert_eq(target_info(d, 0).st.early, 1);
	cr_assert_eq(target_info(d, 0).st.timeouts, 0);
	sim_serve(s);
	expect_done(w1, 0);
	cr_assert_eq(dev_info(d).in_doubt, 1, "the first copy of W1 is in doubt");
	w2 = sim_submit(s, d, AOE_OP_WRITE, LBA, 2);
	sim_serve(s);
	expect_done(w2, 0);
	cr_assert_eq(dev_info(d).guard_sectors, 2, "W2's data over W1's copy is kept");
	disk_write(t, LBA, w1->buf, 2);	/* W1's first copy executed late */
	sim_release(s, 0);
	cr_assert_eq(dev_info(d).guard.rollbacks_caught, 1);
	cr_assert_eq(target_info(d, 0).st.reordered, 1);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 0);
	sim_serve(s);
	expect_disk_holds(t, LBA, w2->buf, 2);
	info = dev_info(d);
	cr_assert_eq(info.guard.rewrites, 2);
	cr_assert_eq(info.in_doubt, 0);
	cr_assert_eq(info.guard_sectors, 0);
	sim_finish(s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The dead timeout on a simulated network: a device whose frames go
 * unanswered that long goes down (hook called once, every request failed
 * once, new ones failed at once), is looked for every DOWN_REDISCOVER_NS
 * and comes back by itself, same device, when a target answers again.
 */
#include "sim_assert.h"

#define SHELF	3
#define SLOT	0
#define SECTORS	2048
#define DEAD_S	2

static struct sim *dead_sim(uint32_t dead_s, struct sim_target **tp, struct aoe_dev **dp)
{
	struct engine_config cfg;
	struct sim *s;

	sim_config_defaults(&cfg);
	cfg.dead_timeout_s = dead_s;
	s = sim_start(&cfg, 1, 1500, 0);
	*tp = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	*dp = sim_attach_ok(s, SHELF, SLOT);
	return s;
}

static unsigned int config_queries(const struct sim *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < sim_nsent(s); i++)
		n += sim_pkt_cmd(sim_sent_at(s, i)) == AOE_CMD_CFG;
	return n;
}

/* Runs until d's state is `state` or `limit` passed; the time it took. */
static uint64_t run_until_state(struct sim *s, struct aoe_dev *d, enum aoe_dev_state state,
				uint64_t limit, uint64_t step)
{
	uint64_t t0 = s->now;

	while (aoe_dev_state(d) != state && s->now - t0 < limit)
		sim_advance(s, step);
	return s->now - t0;
}

Test(engine_dead, dead_timeout_fails_io_once_and_calls_the_hook)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(DEAD_S, &t, &d);
	struct sim_req *r, *w, *late;
	uint64_t took;

	t->silent = true;
	r = sim_submit(s, d, AOE_OP_READ, 0, 4);
	sim_run_for(s, SEC, 10 * MS);
	w = sim_submit(s, d, AOE_OP_WRITE, 8, 2);
	took = run_until_state(s, d, DEV_DOWN, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	cr_assert_eq(took + SEC, DEAD_S * SEC, "down %llu ms after the first frame, not %u s",
		     (unsigned long long)((took + SEC) / MS), DEAD_S);
	cr_assert_str_eq(aoe_dev_why(d), "no answer within the dead timeout");
	cr_assert_eq(s->downs, 1);
	cr_assert_eq(s->last_down, d);
	expect_done(r, -EIO);
	expect_done(w, -EIO);
	cr_assert_eq(target_info(d, 0).nout, 0);
	cr_assert_eq(s->e->ft.nfree, s->e->ft.n, "no frame left in the table");
	late = sim_submit(s, d, AOE_OP_READ, 0, 1);
	expect_done(late, -EIO);
	sim_run_for(s, SEC / 2, 10 * MS);
	cr_assert_eq(s->downs, 1, "down once");
	sim_finish(s);
}

/* Down, looked for every DOWN_REDISCOVER_NS, back by itself when the
 * target answers: same device, the hook called, I/O flowing again. */
Test(engine_dead, comes_back_by_itself)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(DEAD_S, &t, &d);
	unsigned int queries = 0;
	struct sim_req *r;

	t->silent = true;
	sim_submit(s, d, AOE_OP_READ, 0, 1);
	run_until_state(s, d, DEV_DOWN, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	sim_drop_sent(s);
	for (uint64_t ms = 0; ms < 3 * DOWN_REDISCOVER_NS / MS; ms += 10) {
		sim_advance(s, 10 * MS);
		queries += config_queries(s);
		sim_drop_sent(s);
	}
	cr_assert(queries >= 2 && queries <= 4, "%u queries in %llu s", queries,
		  (unsigned long long)(3 * DOWN_REDISCOVER_NS / SEC));
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);

	t->silent = false;
	run_until_state(s, d, DEV_IDENTIFYING, DOWN_REDISCOVER_NS + 10 * MS, 10 * MS);
	sim_serve(s);
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	cr_assert_eq(engine_find_dev(s->e, SHELF, SLOT), d, "the same device comes back");
	cr_assert_eq(s->ups, 2);
	cr_assert_eq(s->last_up, d);
	cr_assert_null(aoe_dev_why(d));
	cr_assert_eq(target_info(d, 0).maxout, 8, "the window starts afresh");
	r = sim_submit(s, d, AOE_OP_READ, 100, 3);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* --dead-timeout 0: resends go on at the RTO ceiling, the device stays up
 * and the request completes whenever the target answers again. */
Test(engine_dead, dead_timeout_zero_never_gives_up)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(0, &t, &d);
	struct sim_req *r;

	t->silent = true;
	r = sim_submit(s, d, AOE_OP_READ, 5, 2);
	sim_run_for(s, 30 * SEC, 50 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	cr_assert_eq(s->downs, 0);
	expect_pending(r);
	cr_assert_geq(target_info(d, 0).st.retransmits, 25, "resends at the 1 s ceiling");
	t->silent = false;
	sim_drop_sent(s);
	sim_run_for(s, 1100 * MS, 10 * MS);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* Nothing can be sent at all (the TX ring stays full): requests wait in
 * the queue, and the device goes down after the dead timeout all the same. */
Test(engine_dead, requests_that_cannot_be_sent_go_down_too)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(DEAD_S, &t, &d);
	struct sim_req *r;

	s->tx_fail = -EAGAIN;
	r = sim_submit(s, d, AOE_OP_WRITE, 0, 2);
	cr_assert_eq(sim_nsent(s), 0);
	expect_pending(r);
	run_until_state(s, d, DEV_DOWN, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	cr_assert_str_eq(aoe_dev_why(d), "no usable path to any target within the dead timeout");
	expect_done(r, -EIO);
	cr_assert_eq(s->downs, 1);
	sim_finish(s);
}

/* Shutdown: everything in flight, queued for resend or not yet framed is
 * failed once; answers that arrive afterwards are only late. */
Test(engine_dead, fail_all_io_ends_every_request_once)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(DEAD_S, &t, &d);
	struct sim_req *r[12];
	uint64_t late;

	/* Two requests' frames sent first, ten more a while later (a window
	 * of 8: four frames go, the rest wait); when the first four time out
	 * they cannot be resent (TX ring full) and wait for resend. */
	t->policy = policy_hold;
	for (unsigned int i = 0; i < 12; i++) {
		r[i] = sim_submit(s, d, i % 2 ? AOE_OP_WRITE : AOE_OP_READ, 4 * i, 4);
		if (i == 1)
			sim_run_for(s, 15 * MS, 5 * MS);
	}
	sim_serve(s);
	s->tx_fail = -EAGAIN;
	sim_advance(s, 10 * MS);
	cr_assert_not(list_empty(&d->resend), "frames queued for resend");
	cr_assert_eq(target_info(d, 0).nout, 4, "frames in flight: %u", target_info(d, 0).nout);
	cr_assert_not(list_empty(&d->pending), "requests not framed yet");
	s->tx_fail = 0;
	engine_fail_all_io(s->e);
	for (unsigned int i = 0; i < 12; i++)
		expect_done(r[i], -EIO);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	cr_assert_eq(s->downs, 0, "a shutdown is not a device going down");
	late = engine_rx_stats(s->e)->late;
	while (sim_nheld(s))
		sim_release(s, 0);
	cr_assert_gt(engine_rx_stats(s->e)->late, late);
	for (unsigned int i = 0; i < 12; i++)
		expect_done(r[i], -EIO);
	sim_finish(s);
}

static enum sim_verdict policy_no_identify(struct sim_target *t, const struct sim_pkt *req,
					   struct sim_pkt *rsp, void *ctx)
{
	(void)t, (void)rsp, (void)ctx;
	return sim_pkt_ata_cmd(req) == ATA_CMD_IDENTIFY ? SIM_DROP : SIM_ANSWER;
}

/*
 * The target answers the discovery query of a down device but its
 * IDENTIFY is lost until the dead timeout passes: the device goes down
 * again for want of answers (not "IDENTIFY failed", which would end the
 * search), is still looked for every DOWN_REDISCOVER_NS, and comes back
 * when IDENTIFY gets through.
 */
Test(engine_dead, lost_identify_while_coming_back_stays_down)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = dead_sim(DEAD_S, &t, &d);

	t->silent = true;
	sim_submit(s, d, AOE_OP_READ, 0, 1);
	run_until_state(s, d, DEV_DOWN, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	t->silent = false;
	t->policy = policy_no_identify;
	run_until_state(s, d, DEV_IDENTIFYING, DOWN_REDISCOVER_NS + 10 * MS, 10 * MS);
	sim_serve(s);
	cr_assert_eq(aoe_dev_state(d), DEV_IDENTIFYING);
	for (unsigned int i = 0; i < (DEAD_S + 3) * 100; i++) {
		sim_advance(s, 10 * MS);
		sim_serve(s);
		cr_assert_neq(aoe_dev_state(d), DEV_FAILED, "failed: %s", aoe_dev_why(d));
	}
	cr_assert_geq(s->downs, 2, "down again after the dead timeout");
	cr_assert_str_eq(aoe_dev_why(d), "no answer within the dead timeout");
	cr_assert_geq(t->n.cfg, 3, "and looked for again");
	t->policy = NULL;
	run_until_state(s, d, DEV_UP, 2 * DOWN_REDISCOVER_NS, 10 * MS);
	sim_serve(s);
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "not back: state %s",
		     aoe_dev_state_name(aoe_dev_state(d)));
	sim_finish(s);
}

/* A new device whose IDENTIFY is never answered within the dead timeout
 * has failed (`aoe-xdp discover` reports it so and exits 1). */
Test(engine_dead, new_device_without_identify_fails)
{
	struct engine_config cfg;
	struct sim_target *t;
	struct sim *s;
	struct aoe_dev *d;

	sim_config_defaults(&cfg);
	cfg.dead_timeout_s = DEAD_S;
	s = sim_start(&cfg, 1, 1500, 0);
	t = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	t->policy = policy_no_identify;
	cr_assert_null(sim_attach(s, SHELF, SLOT));
	d = engine_find_dev(s->e, SHELF, SLOT);
	cr_assert_not_null(d);
	cr_assert_eq(aoe_dev_state(d), DEV_IDENTIFYING);
	run_until_state(s, d, DEV_FAILED, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_FAILED);
	cr_assert_str_eq(aoe_dev_why(d), "IDENTIFY DEVICE got no valid answer");
	cr_assert_eq(s->ups, 0);
	sim_finish(s);
}

/* Every IDENTIFY is held back (the test releases or drops them). */
static enum sim_verdict policy_hold_identify(struct sim_target *t, const struct sim_pkt *req,
					     struct sim_pkt *rsp, void *ctx)
{
	(void)t, (void)rsp, (void)ctx;
	return sim_pkt_ata_cmd(req) == ATA_CMD_IDENTIFY ? SIM_HOLD : SIM_ANSWER;
}

/*
 * A device that failed while an IDENTIFY to a target was still out, then
 * looked for again: its targets start afresh, but the window still counts
 * the frame in flight (not forgotten), and the device comes up when an
 * IDENTIFY gets through.
 */
Test(engine_dead, identify_failing_with_a_probe_out_leaves_no_frame_behind)
{
	struct engine_config cfg;
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s;

	sim_config_defaults(&cfg);
	cfg.dead_timeout_s = DEAD_S;
	s = sim_start(&cfg, 1, 1500, 0);
	t = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	t->policy = policy_hold_identify;
	cr_assert_null(sim_attach(s, SHELF, SLOT));
	d = engine_find_dev(s->e, SHELF, SLOT);
	run_until_state(s, d, DEV_FAILED, 2 * DEAD_S * SEC, 10 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_FAILED);
	cr_assert_gt(sim_nheld(s), 0, "an IDENTIFY is still out");
	cr_assert_eq(sim_check(s), 0, "%s", s->why);

	engine_discover(s->e);	/* answered: the device is looked for again */
	sim_serve(s);
	cr_assert_eq(aoe_dev_state(d), DEV_IDENTIFYING);
	cr_assert_eq(sim_check(s), 0, "%s", s->why);
	t->policy = NULL;
	while (sim_nheld(s))
		sim_release(s, 0);	/* the late answers: one brings it up */
	sim_serve(s);
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "not up: %s", aoe_dev_state_name(aoe_dev_state(d)));
	cr_assert_eq(sim_check(s), 0, "%s", s->why);
	sim_run_for(s, 2 * SEC, 10 * MS);
	cr_assert_eq(sim_check(s), 0, "%s", s->why);
	sim_finish(s);
}

/* Every answer is held and let go SLOW_NS after it was made: a target
 * slower than the first RTO (a busy or spinning-up disk). */
#define SLOW_NS		(600 * MS)
#define SLOW_MAX_HELD	256

struct slow_ctx {
	struct sim *s;
	uint64_t made[SLOW_MAX_HELD];	/* per held answer, oldest first */
	unsigned int n;
};

static enum sim_verdict policy_slow(struct sim_target *t, const struct sim_pkt *req,
				    struct sim_pkt *rsp, void *ctx)
{
	struct slow_ctx *c = ctx;

	(void)t, (void)req, (void)rsp;
	if (c->n == SLOW_MAX_HELD)
		return SIM_DROP;
	c->made[c->n++] = c->s->now;
	return SIM_HOLD;
}

static void slow_release_due(struct slow_ctx *c)
{
	while (c->n && c->s->now - c->made[0] >= SLOW_NS) {
		sim_release(c->s, 0);
		memmove(c->made, c->made + 1, --c->n * sizeof(c->made[0]));
	}
}

/*
 * A target that answers everything, always, but only after SLOW_NS, more
 * than the first RTO: IDENTIFY is asked again with a longer wait each
 * time, so the device comes up. Each IDENTIFY used to wait the first RTO
 * only, and its answer came after it had been given up: never identified.
 */
Test(engine_dead, slow_target_is_identified)
{
	struct slow_ctx c = { 0 };
	struct engine_config cfg;
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s;

	sim_config_defaults(&cfg);
	cfg.dead_timeout_s = 10;
	s = sim_start(&cfg, 1, 1500, 0);
	c.s = s;
	t = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	t->policy = policy_slow;
	t->policy_ctx = &c;
	engine_discover(s->e);
	for (unsigned int i = 0; i < 800 && !s->ups; i++) {
		sim_serve(s);
		sim_advance(s, 10 * MS);
		slow_release_due(&c);
	}
	d = engine_find_dev(s->e, SHELF, SLOT);
	cr_assert_not_null(d);
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "not up after 8 s: %s (%s) cfg %u id %u held %u",
		     aoe_dev_state_name(aoe_dev_state(d)), aoe_dev_why(d), t->n.cfg, t->n.identify, c.n);
	t->policy = NULL;
	while (c.n) {
		sim_release(s, 0);
		c.n--;
	}
	sim_finish(s);
}

/*
 * A new device whose only target answers IDENTIFY with data no disk has
 * (no capacity) fails; with --rediscover 0 nothing else would ever ask
 * again. It is asked again by itself, less and less often, and comes up
 * once the target answers with a disk.
 */
Test(engine_dead, failed_identify_is_retried_with_backoff_without_rediscovery)
{
	struct sim_target *t;
	struct sim *s = sim_start(NULL, 1, 1500, 0);
	uint8_t good[ATA_SECTOR_SIZE];
	struct aoe_dev *d;
	unsigned int asked;

	cr_assert_eq(s->e->cfg.rediscover_s, 0);
	t = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	memcpy(good, t->identify, sizeof(good));
	memset(t->identify, 0, sizeof(t->identify));
	cr_assert_null(sim_attach(s, SHELF, SLOT));
	d = engine_find_dev(s->e, SHELF, SLOT);
	cr_assert_not_null(d);
	cr_assert_eq(aoe_dev_state(d), DEV_FAILED);
	asked = t->n.identify;
	for (unsigned int i = 0; i < 600; i++) {
		sim_advance(s, 100 * MS);
		sim_serve(s);
	}
	cr_assert_gt(t->n.identify, asked + 2, "asked again %u times in 60 s",
		     t->n.identify - asked);
	cr_assert_lt(t->n.identify, asked + 12, "asked again %u times in 60 s: no backoff",
		     t->n.identify - asked);
	memcpy(t->identify, good, sizeof(good));
	for (unsigned int i = 0; i < 700 && aoe_dev_state(d) != DEV_UP; i++) {
		sim_advance(s, 100 * MS);
		sim_serve(s);
	}
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "not up: %s", aoe_dev_state_name(aoe_dev_state(d)));
	cr_assert_eq(s->ups, 1);
	sim_finish(s);
}

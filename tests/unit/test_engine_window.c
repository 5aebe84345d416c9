// SPDX-License-Identifier: GPL-2.0
/*
 * The window and the TX frame pool as the I/O path uses them, on a
 * simulated network: frames in flight never pass the window, a loss halves
 * it once per round trip, answers grow it back, a buffer count of 1 works,
 * and slow TX completions take spares from the device pool up to its cap,
 * then wait (kick) without ever reusing a chunk the kernel holds.
 */
#include "sim_assert.h"

#define SHELF	4
#define SLOT	2
#define SECTORS	4096
#define RTO	(20 * MS)

static struct sim *window_sim(const struct engine_config *cfg, uint16_t bufcnt,
			      struct sim_target **tp, struct aoe_dev **dp)
{
	struct sim *s = sim_start(cfg, 1, 1500, 0);

	*tp = sim_add_target(s, SHELF, SLOT, bufcnt, SECTORS, 1);
	*dp = sim_attach_ok(s, SHELF, SLOT);
	return s;
}

/* Submits n one-frame reads (2 sectors each). */
static void submit_reads(struct sim *s, struct aoe_dev *d, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		sim_submit(s, d, AOE_OP_READ, 2 * i, 2);
}

Test(engine_window, frames_in_flight_never_pass_the_window)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = window_sim(NULL, 4, &t, &d);

	t->policy = policy_hold;
	submit_reads(s, d, 10);
	cr_assert_eq(sim_nsent(s), 4);
	cr_assert_eq(target_info(d, 0).nout, 4);
	sim_serve(s);
	for (unsigned int i = 0; i < 6; i++) {
		sim_release(s, 0);
		cr_assert_eq(target_info(d, 0).nout, 3);
		sim_step(s);
		cr_assert_eq(target_info(d, 0).nout, 4, "an answer lets one more frame go");
		sim_serve(s);
	}
	while (sim_nheld(s))
		sim_release(s, 0);
	cr_assert(sim_all_done_once(s));
	sim_finish(s);
}

/* Sixteen frames lost together (the newest goes as a tail loss probe, the
 * others time out): one cut (16 to 8), not four. */
Test(engine_window, loss_halves_the_window_once_per_round_trip)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = window_sim(NULL, 16, &t, &d);
	struct aoe_target_info ti;

	t->policy = policy_drop;
	submit_reads(s, d, 16);
	sim_serve(s);
	sim_advance(s, RTO);
	ti = target_info(d, 0);
	cr_assert_eq(ti.st.timeouts + ti.st.early, 16);
	cr_assert_eq(ti.st.early, 1, "one tail loss probe");
	cr_assert_eq(ti.maxout, 8, "maxout %u srtt %u", ti.maxout, ti.srtt_us);
	cr_assert_eq(ti.ssthresh, 8);
	/* A second loss a round trip later cuts again (no second probe: the
	 * first was not answered). */
	sim_serve(s);
	sim_advance(s, 2 * RTO);
	ti = target_info(d, 0);
	cr_assert_eq(ti.st.timeouts + ti.st.early, 32);
	cr_assert_eq(ti.st.early, 1);
	cr_assert_eq(ti.maxout, 4);
	t->policy = NULL;
	sim_run_for(s, SEC, 10 * MS);
	sim_serve(s);
	cr_assert(sim_all_done_once(s));
	sim_finish(s);
}

/* After a cut, congestion avoidance: one more frame per window of answers,
 * up to the buffer count. */
Test(engine_window, window_grows_back_by_one_per_window)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = window_sim(NULL, 16, &t, &d);
	uint32_t want = 8, acked = 0;

	/* Four frames sent back to back, all lost: overload. */
	t->policy = policy_drop;
	submit_reads(s, d, 4);
	sim_serve(s);
	sim_advance(s, RTO);
	cr_assert_eq(target_info(d, 0).maxout, 8);
	t->policy = NULL;
	sim_serve(s);	/* the resends' answers: the first acks */
	acked = 4;
	for (unsigned int i = 0; i < 120; i++) {
		submit_reads(s, d, 1);
		sim_serve(s);
		acked++;
		if (want < 16 && acked >= want) {
			want++;
			acked = 0;
		}
		cr_assert_eq(target_info(d, 0).maxout, want, "after answer %u", i + 2);
	}
	cr_assert_eq(want, 16, "the window reaches the buffer count again");
	sim_finish(s);
}

/* The kernel driver's known bug: a buffer count of 1 made the device
 * unusable. Here it is a window of one frame that works, through losses;
 * a buffer count of 0 is read as 1, not as "send nothing". */
Test(engine_window, buffer_count_one_or_zero_works)
{
	for (uint16_t bufcnt = 0; bufcnt < 2; bufcnt++) {
		struct sim_target *t;
		struct aoe_dev *d;
		struct sim *s = window_sim(NULL, bufcnt, &t, &d);
		struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 8);
		struct sim_req *w = sim_submit(s, d, AOE_OP_WRITE, 20, 4);

		cr_assert_eq(target_info(d, 0).maxout, 1);
		while (sim_nsent(s)) {
			cr_assert_eq(sim_nsent(s), 1, "one frame at a time");
			sim_serve_rounds(s, 1);
		}
		expect_done(r, 0);
		expect_disk_data(r, t);
		expect_done(w, 0);
		expect_disk_holds(t, 20, w->buf, 4);

		t->policy = policy_drop;
		r = sim_submit(s, d, AOE_OP_READ, 50, 2);
		sim_serve(s);
		t->policy = NULL;
		sim_advance(s, RTO);
		cr_assert_eq(target_info(d, 0).maxout, 1, "a loss leaves a window of one");
		sim_serve(s);
		expect_done(r, 0);
		sim_finish(s);
	}
}

/* A target that now reports fewer buffers: the window follows. */
Test(engine_window, smaller_buffer_count_caps_the_window)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = window_sim(NULL, 16, &t, &d);

	t->bufcnt = 4;
	engine_discover(s->e);
	sim_serve(s);
	cr_assert_eq(target_info(d, 0).bufcnt, 4);
	cr_assert_eq(target_info(d, 0).maxout, 4);
	t->policy = policy_hold;
	submit_reads(s, d, 10);
	cr_assert_eq(sim_nsent(s), 4);
	sim_serve(s);
	t->policy = NULL;
	while (sim_nheld(s))
		sim_release(s, 0);
	sim_serve(s);
	cr_assert(sim_all_done_once(s));
	sim_finish(s);
}

/*
 * The kernel holds every TX chunk (slow completions), on a target reached
 * through two interfaces: each path's own set (a window's worth) goes
 * first, then spares up to --pool-max for the device (not per interface),
 * then the device waits (a kick) until completions give chunks back. No
 * chunk is handed out while held (the sink checks), and the pool's
 * counters say it all.
 */
Test(engine_window, slow_completions_take_spares_then_wait)
{
	struct engine_config cfg;
	struct sim_target *t;
	struct aoe_dev_info info;
	struct aoe_dev *d;
	struct sim *s;

	sim_config_defaults(&cfg);
	cfg.pool_max = 2;
	s = sim_start(&cfg, 2, 1500, 0);
	t = sim_add_target(s, SHELF, SLOT, 4, SECTORS, 3);
	d = sim_attach_ok(s, SHELF, SLOT);
	s->hold_tx = true;
	submit_reads(s, d, 24);
	cr_assert_eq(sim_nsent(s), 4, "the window");
	sim_serve(s);	/* answered, but no chunk has come back */
	aoe_dev_get_info(d, &info);
	cr_assert_eq(sim_nsent(s), 0);
	cr_assert_eq(info.pool.held, 2 * 4 + 2, "both paths' sets and two spares");
	cr_assert_eq(info.pool.size, 2, "two spares for the device, not per interface");
	cr_assert_eq(info.pool.high_water, 2);
	cr_assert_geq(info.pool.kicks, 1, "then the device waits");
	cr_assert_eq(sim_check(s), 0, "%s", s->why);
	sim_complete_tx(s, UINT32_MAX);
	sim_step(s);
	cr_assert_gt(sim_nsent(s), 0, "completions let the device send again");
	while (sim_nsent(s)) {
		sim_serve_rounds(s, 1);
		cr_assert_eq(sim_check(s), 0, "%s", s->why);
		sim_complete_tx(s, 3);
		sim_step(s);
	}
	cr_assert(sim_all_done_once(s));
	aoe_dev_get_info(d, &info);
	cr_assert_leq(info.pool.high_water, 2, "the pool never passes its cap");
	sim_complete_tx(s, UINT32_MAX);
	aoe_dev_get_info(d, &info);
	cr_assert_eq(info.pool.held, 0);
	(void)t;
	sim_finish(s);
}

/* A target reachable on two interfaces gets its frames on both in turn,
 * and each answer is taken only on the interface its frame went out on. */
Test(engine_window, two_interfaces_take_turns)
{
	struct sim *s = sim_start(NULL, 2, 1500, 0);
	struct sim_target *t = sim_add_target(s, SHELF, SLOT, 16, SECTORS, 3);
	struct aoe_dev *d = sim_attach_ok(s, SHELF, SLOT);
	unsigned int on[2] = { 0, 0 };

	cr_assert_eq(target_info(d, 0).nifaces, 2);
	submit_reads(s, d, 8);
	for (unsigned int i = 0; i < sim_nsent(s); i++)
		on[sim_sent_at(s, i)->ifn]++;
	cr_assert_eq(on[0], 4);
	cr_assert_eq(on[1], 4);
	sim_serve(s);
	cr_assert(sim_all_done_once(s));
	cr_assert_eq(engine_rx_stats(s->e)->wrong_iface, 0);
	(void)t;
	sim_finish(s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Random loss on a simulated wire (issue 12): a closed-loop load (4 KiB
 * reads at queue depth 32, four frames each at MTU 1500) against one
 * target with 64 buffers, lossless and then with loss each way, on the
 * engine's own RTO bounds. The round trip is SIM_LATENCY_NS.
 */
#include <stdio.h>

#include "sim_assert.h"

#define SHELF	5
#define SLOT	1
#define BUFCNT	64
#define SECTORS	4096
#define RUN_NS	(100 * MS)

struct loss_run {
	struct sim *s;
	struct aoe_dev *d;
	struct sim_load l;
};

static void loss_start(struct loss_run *x)
{
	struct engine_config cfg;

	sim_config_defaults(&cfg);
	cfg.rto_min_us = RTO_MIN_US_DEFAULT;
	cfg.rto_max_us = RTO_MAX_US_DEFAULT;
	memset(x, 0, sizeof(*x));
	x->s = sim_start(&cfg, 1, 1500, 0);
	cr_assert_not_null(sim_add_target(x->s, SHELF, SLOT, BUFCNT, SECTORS, 1));
	x->d = sim_attach_ok(x->s, SHELF, SLOT);
	x->l = (struct sim_load){ .op = AOE_OP_READ, .nsect = 8, .qd = 32, .span = SECTORS,
				  .slow_ns = 20 * SIM_LATENCY_NS };
}

/* Requests per simulated second over one run of ns, with loss ppm each way. */
static double loss_rate(struct loss_run *x, uint32_t ppm, uint64_t ns)
{
	uint64_t done = x->l.done;

	x->s->loss_req_ppm = x->s->loss_rsp_ppm = ppm;
	cr_assert_eq(sim_load_run(x->s, x->d, &x->l, ns), 0);
	cr_assert_eq(x->l.failed, 0, "%llu requests failed", (unsigned long long)x->l.failed);
	cr_assert_eq(x->l.bad_data, 0, "%llu reads got the wrong data",
		     (unsigned long long)x->l.bad_data);
	return (double)(x->l.done - done) * SEC / ns;
}

static void loss_report(const char *what, const struct loss_run *x, double rate, double base)
{
	const struct aoe_target *t = x->d->targets[0];

	cr_log_info("%s: %.0f req/s (%.2f of lossless), window %u..%u avg %.1f, "
		"slow %llu avg %.1f RTT, max %.1f RTT, lost %llu+%llu, timeouts %llu "
		"retransmits %llu early %llu reordered %llu false alarms %llu overloads %llu, rto %u us srtt %u us",
		what, rate, rate / base, x->l.maxout_min, x->l.maxout_max,
		(double)x->l.maxout_sum / (double)x->l.rounds, (unsigned long long)x->l.slow,
		x->l.slow ? (double)x->l.slow_ns_sum / x->l.slow / SIM_LATENCY_NS : 0.0,
		(double)x->l.lat_max_ns / SIM_LATENCY_NS, (unsigned long long)x->s->lost_req,
		(unsigned long long)x->s->lost_rsp, (unsigned long long)t->st.timeouts,
		(unsigned long long)t->st.retransmits, (unsigned long long)t->st.early,
		(unsigned long long)t->st.reordered, (unsigned long long)t->st.false_alarms,
		(unsigned long long)t->st.overloads,
		rtt_rto_us(&t->rtt), t->rtt.srtt_us);
}

static void loss_finish(struct loss_run *x)
{
	sim_load_free(&x->l);
	sim_finish(x->s);
}

/* Lossless first (the reference), then the same load with loss. */
static void loss_measure(struct loss_run *x, uint32_t ppm, double *base, double *lossy)
{
	char what[32];

	loss_start(x);
	*base = loss_rate(x, 0, RUN_NS);
	loss_report("lossless", x, *base, *base);
	x->l.maxout_min = x->l.maxout_max = 0;
	x->l.maxout_sum = x->l.rounds = x->l.slow = x->l.slow_ns_sum = x->l.lat_max_ns = 0;
	*lossy = loss_rate(x, ppm, RUN_NS);
	snprintf(what, sizeof(what), "loss %u ppm each way", ppm);
	loss_report(what, x, *lossy, *base);
}

/*
 * 1% and 3% random loss each way: frames the wire loses say nothing about
 * the target's buffers, and the window stays at their count throughout.
 * Each loss is shown by the answers to frames sent after it (or by a tail
 * loss probe) and sent again within a few round trips, never an RTO: the
 * load keeps at least 80% of its lossless rate.
 */
Test(engine_loss, random_loss_is_recovered_early_and_leaves_the_window)
{
	static const uint32_t ppm[] = { 10000, 30000 };

	for (unsigned int i = 0; i < sizeof(ppm) / sizeof(ppm[0]); i++) {
		const struct aoe_target *t;
		struct loss_run x;
		double base, lossy;

		loss_measure(&x, ppm[i], &base, &lossy);
		t = x.d->targets[0];
		cr_assert_gt(x.s->lost_req + x.s->lost_rsp, 0);
		cr_assert_eq(x.l.maxout_min, BUFCNT, "%u ppm: the window fell to %u", ppm[i],
			     x.l.maxout_min);
		cr_assert_eq(t->st.overloads, 0);
		cr_assert_eq(t->st.timeouts, 0, "%u ppm: %llu losses waited for the RTO", ppm[i],
			     (unsigned long long)t->st.timeouts);
		cr_assert_eq(x.l.slow, 0, "%u ppm: %llu requests took over %llu round trips",
			     ppm[i], (unsigned long long)x.l.slow,
			     (unsigned long long)(x.l.slow_ns / SIM_LATENCY_NS));
		cr_assert_geq(lossy, 0.8 * base, "%u ppm: %.0f of %.0f requests/s", ppm[i], lossy,
			      base);
		loss_finish(&x);
	}
}

/*
 * At queue depth 1 every loss is the newest frame's, or one before it in
 * the same request: only the tail loss probe, two round trips after the
 * target went quiet, shows it. A request waits for the RTO only when its
 * probe was lost too, and the RTO follows the round trip down to its
 * floor (a few ms, not 20). The load keeps most of its lossless rate
 * (with the old 20 ms RTO floor and no probe it kept a fifth).
 */
Test(engine_loss, tail_losses_are_probed)
{
	const struct aoe_target *t;
	struct loss_run x;
	double base, lossy;

	loss_start(&x);
	t = x.d->targets[0];
	x.l.qd = 1;
	base = loss_rate(&x, 0, RUN_NS);
	x.l.maxout_min = x.l.maxout_max = 0;
	x.l.maxout_sum = x.l.rounds = x.l.slow = x.l.slow_ns_sum = x.l.lat_max_ns = 0;
	lossy = loss_rate(&x, 10000, RUN_NS);
	loss_report("QD1, 1% each way", &x, lossy, base);
	cr_assert_gt(t->st.early, 10 * t->st.timeouts, "%llu early, %llu timeouts",
		     (unsigned long long)t->st.early, (unsigned long long)t->st.timeouts);
	cr_assert_leq(x.l.slow, t->st.timeouts, "%llu requests took over %llu round trips",
		      (unsigned long long)x.l.slow,
		      (unsigned long long)(x.l.slow_ns / SIM_LATENCY_NS));
	cr_assert_lt(x.l.lat_max_ns, RTO_MIN_US_DEFAULT * NSEC_PER_USEC + x.l.slow_ns,
		     "a request took %llu us", (unsigned long long)(x.l.lat_max_ns / NSEC_PER_USEC));
	cr_assert_geq(lossy, 0.7 * base, "%.0f of %.0f requests/s", lossy, base);
	loss_finish(&x);
}

/* A target that says it has 64 buffers and takes 16 frames a round trip:
 * the rest of each burst is lost, back to back, at the top of the
 * window. That is overload: the window comes down near what it takes,
 * and what it dropped is sent again early. */
struct tail_drop {
	uint64_t round;
	unsigned int n, room;
};

static enum sim_verdict policy_tail_drop(struct sim_target *t, const struct sim_pkt *req,
					 struct sim_pkt *rsp, void *ctx)
{
	struct tail_drop *td = ctx;

	(void)req, (void)rsp;
	if (td->round != t->sim->now) {
		td->round = t->sim->now;	/* one round: what arrived together */
		td->n = 0;
	}
	return ++td->n > td->room ? SIM_DROP : SIM_ANSWER;
}

Test(engine_loss, overload_brings_the_window_down)
{
	struct tail_drop td = { .room = BUFCNT / 4 };
	struct loss_run x;
	double base, full;

	loss_start(&x);
	base = loss_rate(&x, 0, RUN_NS);
	x.s->tgt[0].policy = policy_tail_drop;
	x.s->tgt[0].policy_ctx = &td;
	x.l.maxout_min = x.l.maxout_max = 0;
	x.l.maxout_sum = x.l.rounds = x.l.slow = x.l.slow_ns_sum = x.l.lat_max_ns = 0;
	full = loss_rate(&x, 0, RUN_NS);
	loss_report("overload", &x, full, base);
	cr_assert_gt(x.d->targets[0]->st.overloads, 0);
	cr_assert_leq((double)x.l.maxout_sum / x.l.rounds, 2 * td.room,
		      "the window stays near what the target takes");
	cr_assert_eq(x.d->targets[0]->st.timeouts, 0, "what it dropped waited for the RTO");
	loss_finish(&x);
}

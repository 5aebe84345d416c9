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
#define RUN_NS	(300 * MS)

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
		"retransmits %llu false alarms %llu, rto %u us srtt %u us\n",
		what, rate, rate / base, x->l.maxout_min, x->l.maxout_max,
		(double)x->l.maxout_sum / (double)x->l.rounds, (unsigned long long)x->l.slow,
		x->l.slow ? (double)x->l.slow_ns_sum / x->l.slow / SIM_LATENCY_NS : 0.0,
		(double)x->l.lat_max_ns / SIM_LATENCY_NS, (unsigned long long)x->s->lost_req,
		(unsigned long long)x->s->lost_rsp, (unsigned long long)t->st.timeouts,
		(unsigned long long)t->st.retransmits, (unsigned long long)t->st.false_alarms,
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

/* Mean time a slow request took, in round trips. */
static double slow_rtts(const struct sim_load *l)
{
	return l->slow ? (double)l->slow_ns_sum / (double)l->slow / SIM_LATENCY_NS : 0;
}

/*
 * Today: 1% random loss each way treats every lost frame as congestion.
 * The window halves on each loss a round trip apart and falls to a few
 * frames; each loss waits out the RTO floor (about 200 round trips here);
 * the load gets a fraction of its lossless rate.
 */
Test(engine_loss, random_loss_collapses_the_window_today)
{
	struct loss_run x;
	double base, lossy;

	loss_measure(&x, 10000, &base, &lossy);
	cr_assert_gt(x.l.slow, 0, "some requests lost a frame");
	cr_assert_leq(x.l.maxout_min, BUFCNT / 16, "the window fell to %u only",
		      x.l.maxout_min);
	cr_assert_geq(slow_rtts(&x.l), RTO_MIN_US_DEFAULT * NSEC_PER_USEC / SIM_LATENCY_NS / 2,
		      "a loss waited %.1f round trips", slow_rtts(&x.l));
	cr_assert_lt(lossy, base / 2, "%.0f of %.0f requests/s", lossy, base);
	loss_finish(&x);
}

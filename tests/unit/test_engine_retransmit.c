// SPDX-License-Identifier: GPL-2.0
/*
 * Lost frames on a simulated network: a timeout resends with a new tag
 * (to another target when there is one), backs off, and halves the window;
 * an answer to the old tag is a false alarm that undoes the cut and raises
 * the RTO floor; a target that stays silent is tainted, its frames move to
 * the others, and a probe brings it back when it answers again.
 */
#include "sim_assert.h"

#define SHELF	2
#define SLOT	7
#define SECTORS	4096
/* After IDENTIFY answered in SIM_LATENCY_NS the RTO sits on its floor. */
#define RTO	(20 * MS)

/* Drops the first `left` ATA answers, then answers. */
static enum sim_verdict policy_drop_n(struct sim_target *t, const struct sim_pkt *req,
				      struct sim_pkt *rsp, void *ctx)
{
	unsigned int *left = ctx;

	(void)t, (void)req;
	if (sim_pkt_cmd(rsp) != AOE_CMD_ATA || !*left)
		return SIM_ANSWER;
	--*left;
	return SIM_DROP;
}

static struct sim *one_target(struct sim_target **tp, struct aoe_dev **dp)
{
	struct sim *s = sim_start(NULL, 1, 1500, 0);

	*tp = sim_add_target(s, SHELF, SLOT, 16, SECTORS, 1);
	*dp = sim_attach_ok(s, SHELF, SLOT);
	return s;
}

Test(engine_retransmit, timeout_resends_with_a_new_tag)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	unsigned int drops = 1;
	struct aoe_ata_view a;
	struct sim_req *r;
	uint32_t tag;

	t->policy = policy_drop_n;
	t->policy_ctx = &drops;
	r = sim_submit(s, d, AOE_OP_READ, 40, 2);
	tag = sim_pkt_tag(sim_sent_at(s, 0));
	sim_serve(s);
	sim_advance(s, RTO - 2 * SIM_LATENCY_NS);
	cr_assert_eq(sim_nsent(s), 0, "resent before the RTO");
	sim_advance(s, 2 * SIM_LATENCY_NS);
	cr_assert_eq(sim_nsent(s), 1, "not resent at the RTO");
	cr_assert_neq(sim_pkt_tag(sim_sent_at(s, 0)), tag, "a resend needs a new tag");
	cr_assert_eq(sim_pkt_ata(sim_sent_at(s, 0), &a), 0);
	cr_assert_eq(a.lba, 40);
	cr_assert_eq(a.scnt, 2);
	cr_assert_eq(target_info(d, 0).st.timeouts, 1);
	cr_assert_eq(target_info(d, 0).st.retransmits, 1);
	cr_assert_eq(target_info(d, 0).maxout, 8, "a loss halves the window");
	expect_pending(r);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* A target that never answers: each resend waits twice as long as the
 * one before, up to the RTO ceiling; the only target is never tainted. */
Test(engine_retransmit, resends_back_off_to_the_ceiling)
{
	static const uint64_t gaps_ms[] = { 20, 40, 80, 160, 320, 640, 1000, 1000 };
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	uint64_t last;
	unsigned int i = 0;

	t->silent = true;
	sim_submit(s, d, AOE_OP_READ, 0, 1);
	sim_drop_sent(s);
	last = s->now;
	while (i < sizeof(gaps_ms) / sizeof(gaps_ms[0])) {
		sim_advance(s, MS);
		if (!sim_nsent(s))
			continue;
		cr_assert_eq(sim_nsent(s), 1);
		cr_assert_eq(s->now - last, gaps_ms[i] * MS, "resend %u after %llu ms, not %llu",
			     i + 1, (unsigned long long)((s->now - last) / MS),
			     (unsigned long long)gaps_ms[i]);
		sim_drop_sent(s);
		last = s->now;
		i++;
	}
	cr_assert_not(target_info(d, 0).tainted, "the only target is not tainted");
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	sim_finish(s);
}

/* Two targets on one disk; the one that lost a frame is avoided. */
Test(engine_retransmit, resend_goes_to_another_target)
{
	struct sim *s = sim_start(NULL, 1, 1500, 0);
	struct sim_target *a, *b;
	struct aoe_dev *d = attach_two_targets(s, SHELF, SLOT, 16, SECTORS, &a, &b);
	unsigned int to_a = 0;
	struct sim_req *r[8];

	a->silent = true;
	for (unsigned int i = 0; i < 8; i++)
		r[i] = sim_submit(s, d, AOE_OP_READ, 10 * i, 2);
	for (unsigned int i = 0; i < sim_nsent(s); i++)
		to_a += !memcmp(sim_pkt_dst(sim_sent_at(s, i)), a->mac, AOE_ETH_ALEN);
	cr_assert(to_a > 0 && to_a < 8, "frames should spread over both targets (%u to a)", to_a);
	sim_serve(s);
	sim_advance(s, RTO);
	cr_assert_eq(sim_nsent(s), to_a, "every frame a lost is resent");
	for (unsigned int i = 0; i < sim_nsent(s); i++)
		cr_assert_eq(memcmp(sim_pkt_dst(sim_sent_at(s, i)), b->mac, AOE_ETH_ALEN), 0,
			     "resend %u went to the target that lost it", i);
	sim_serve(s);
	for (unsigned int i = 0; i < 8; i++) {
		expect_done(r[i], 0);
		expect_disk_data(r[i], b);
	}
	cr_assert_eq(target_info(d, target_index(d, a)).st.timeouts, to_a);
	cr_assert_eq(target_info(d, target_index(d, a)).st.retransmits, to_a);
	cr_assert_eq(target_info(d, target_index(d, b)).st.timeouts, 0);
	sim_finish(s);
}

/*
 * The answer to the first send arrives after the resend went out: the
 * request waits for the resend's answer (it is not done twice), the
 * window cut is undone, and the RTO floor rises above what was seen.
 */
Test(engine_retransmit, false_alarm_undoes_the_cut)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	const struct engine_rx_stats *rx = engine_rx_stats(s->e);
	struct sim_pkt *first = malloc(sizeof(*first));
	uint64_t sent, late;
	struct sim_req *r;

	cr_assert_not_null(first);
	t->policy = policy_hold;
	r = sim_submit(s, d, AOE_OP_READ, 77, 2);
	sent = s->now;
	sim_serve(s);
	t->policy = NULL;
	sim_advance(s, RTO);
	cr_assert_eq(sim_nsent(s), 1);
	cr_assert_eq(target_info(d, 0).maxout, 8);
	cr_assert_eq(target_info(d, 0).ssthresh, 8);
	memcpy(first, sim_held_at(s, 0), sizeof(*first));
	late = rx->late;
	sim_release(s, 0);
	expect_pending(r);
	cr_assert_eq(rx->late, late + 1);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 1);
	cr_assert_eq(target_info(d, 0).maxout, 16, "the cut is undone");
	cr_assert_eq(target_info(d, 0).ssthresh, 16);
	cr_assert_eq(target_info(d, 0).rto_us, (s->now - sent) / NSEC_PER_USEC * 3 / 2,
		     "the RTO floor is 1.5 times the time the answer took");
	/* Once per resend: a second copy is only late. */
	sim_deliver(s, first);
	free(first);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 1);
	cr_assert_eq(rx->late, late + 2);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* A burst of reads, more than one target's window holds (so every target
 * gets some), served; then the clock moves on. */
static void read_burst(struct sim *s, struct aoe_dev *d, uint64_t then_wait)
{
	for (unsigned int i = 0; i < 24; i++)
		sim_submit(s, d, AOE_OP_READ, 2 * i, 2);
	sim_serve(s);
	sim_advance(s, then_wait);
}

static unsigned int sent_to(const struct sim *s, const struct sim_target *t, uint8_t ata_cmd)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < sim_nsent(s); i++)
		n += !memcmp(sim_pkt_dst(sim_sent_at(s, i)), t->mac, AOE_ETH_ALEN) &&
		     sim_pkt_ata_cmd(sim_sent_at(s, i)) == ata_cmd;
	return n;
}

/*
 * One of two targets goes silent: after three timeouts in a row and two
 * RTOs of silence it is tainted and gets no new frames; a probe (IDENTIFY)
 * goes to it every PROBE_INTERVAL_NS; when it answers a probe it rejoins
 * with a small window that slow-starts.
 */
Test(engine_retransmit, silent_target_is_tainted_probed_and_rejoins)
{
	struct sim *s = sim_start(NULL, 1, 1500, 0);
	struct sim_target *a, *b;
	struct aoe_dev *d = attach_two_targets(s, SHELF, SLOT, 16, SECTORS, &a, &b);
	unsigned int ia = target_index(d, a), probes;
	struct aoe_target_info ti;
	uint64_t tainted_at = 0;

	a->silent = true;
	for (unsigned int i = 0; i < 100 && !tainted_at; i++) {
		read_burst(s, d, 5 * MS);
		if (target_info(d, ia).tainted)
			tainted_at = s->now;
	}
	cr_assert_neq(tainted_at, 0, "a silent target must be tainted");
	cr_assert_geq(target_info(d, ia).st.timeouts, TAINT_TIMEOUTS);

	/* Tainted: new frames go to b only; a gets probes, nothing else. */
	sim_serve(s);
	for (unsigned int i = 0; i < 20; i++) {
		sim_submit(s, d, AOE_OP_READ, i, 2);
		cr_assert_eq(sent_to(s, a, ATA_CMD_READ_EXT), 0, "a tainted target got a read");
		cr_assert_eq(sent_to(s, b, ATA_CMD_READ_EXT), 1);
		sim_serve(s);
	}
	probes = target_info(d, ia).st.probes;
	sim_run_for(s, 3 * PROBE_INTERVAL_NS, MS);
	ti = target_info(d, ia);
	cr_assert(ti.tainted);
	cr_assert_geq(ti.st.probes - probes, 2, "probes every %llu ms",
		      (unsigned long long)(PROBE_INTERVAL_NS / MS));
	cr_assert_leq(ti.st.probes - probes, 4);
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "probes never take a device down");

	/* a answers again: its next probe brings it back with a window of 1. */
	a->silent = false;
	sim_drop_sent(s);
	for (unsigned int i = 0; i <= PROBE_INTERVAL_NS / MS && !sent_to(s, a, ATA_CMD_IDENTIFY);
	     i++)
		sim_advance(s, MS);
	cr_assert_eq(sent_to(s, a, ATA_CMD_IDENTIFY), 1, "no probe within an interval");
	sim_serve_rounds(s, 1);
	ti = target_info(d, ia);
	cr_assert_not(ti.tainted, "answering the probe ends the taint");
	cr_assert_eq(ti.ssthresh, 8, "a target that rejoins slow-starts to half its buffers");
	cr_assert_eq(ti.maxout, 2, "from one frame, opened by the probe's own answer");
	/* Slow start: with plenty to send, a gets what its window holds (b
	 * the rest); the window doubles each round trip up to ssthresh, then
	 * grows by one per round trip. */
	for (unsigned int i = 0; i < 200; i++)
		sim_submit(s, d, AOE_OP_READ, i, 1);
	for (unsigned int i = 0; i < 4; i++) {
		static const uint32_t want[] = { 4, 8, 9, 10 };

		sim_serve_rounds(s, 1);
		cr_assert_eq(target_info(d, ia).maxout, want[i], "round %u: window %u, not %u", i,
			     target_info(d, ia).maxout, want[i]);
	}
	sim_serve(s);
	cr_assert(sim_all_done_once(s));
	sim_finish(s);
}

static enum sim_verdict policy_unavailable_once(struct sim_target *t, const struct sim_pkt *req,
						struct sim_pkt *rsp, void *ctx)
{
	unsigned int *left = ctx;

	(void)t;
	if (sim_pkt_ata_cmd(req) == ATA_CMD_READ_EXT && *left) {
		--*left;
		sim_pkt_make_aoe_error(rsp, AOE_ERR_DEVUNAVAIL);
	}
	return SIM_ANSWER;
}

/* A target tainted by "device unavailable" (not by timeouts) is probed
 * PROBE_INTERVAL_NS later like any other, even with no timer due before
 * (a long RTO here). */
Test(engine_retransmit, unavailable_target_is_probed_on_time)
{
	struct engine_config cfg;
	struct sim_target *a, *b;
	unsigned int once = 1, ia;
	struct aoe_dev *d;
	struct sim_req *r;
	struct sim *s;

	sim_config_defaults(&cfg);
	cfg.rto_min_us = 2000000;
	cfg.rto_max_us = 4000000;
	s = sim_start(&cfg, 1, 1500, 0);
	d = attach_two_targets(s, SHELF, SLOT, 16, SECTORS, &a, &b);
	a->policy = b->policy = policy_unavailable_once;
	a->policy_ctx = b->policy_ctx = &once;
	r = sim_submit(s, d, AOE_OP_READ, 0, 2);
	ia = !memcmp(sim_pkt_dst(sim_sent_at(s, 0)), a->mac, AOE_ETH_ALEN) ? target_index(d, a) :
									      target_index(d, b);
	sim_serve(s);
	expect_done(r, 0);
	cr_assert(target_info(d, ia).tainted);
	sim_run_for(s, PROBE_INTERVAL_NS, 10 * MS);
	cr_assert_eq(target_info(d, ia).st.probes, 1, "no probe %llu ms after the taint",
		     (unsigned long long)(PROBE_INTERVAL_NS / MS));
	sim_serve(s);
	cr_assert_not(target_info(d, ia).tainted, "the probe's answer ends the taint");
	sim_finish(s);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Lost frames on a simulated network: a frame goes again with a new tag
 * (to another target when there is one), two round trips after the send
 * when it is the newest (a tail loss probe), else when its RTO runs out,
 * backing off; a target silent for an RTO gets its window halved; an
 * answer to a timed-out copy is a false alarm that undoes the cut and
 * raises the RTO floor; a target that stays silent is tainted, its frames
 * move to the others, and a probe brings it back when it answers again.
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

/*
 * The answer to a target's only frame is lost: two round trips after it
 * went out (a tail loss probe, not a whole RTO) the frame goes again with
 * a new tag, as an early retransmit. One frame lost at random is not
 * overload: the window stays.
 */
Test(engine_retransmit, lost_answer_resends_with_a_new_tag)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	unsigned int drops = 1;
	struct aoe_ata_view a;
	struct sim_req *r;
	uint32_t tag;
	uint64_t pto = 2 * SIM_LATENCY_NS;	/* srtt is the simulated round trip */

	t->policy = policy_drop_n;
	t->policy_ctx = &drops;
	r = sim_submit(s, d, AOE_OP_READ, 40, 2);
	tag = sim_pkt_tag(sim_sent_at(s, 0));
	sim_serve(s);	/* one round: the answer is lost */
	sim_advance(s, pto - SIM_LATENCY_NS - 1);
	cr_assert_eq(sim_nsent(s), 0, "resent before two round trips");
	sim_advance(s, 1);
	cr_assert_eq(sim_nsent(s), 1, "not resent two round trips after the send");
	cr_assert_neq(sim_pkt_tag(sim_sent_at(s, 0)), tag, "a resend needs a new tag");
	cr_assert_eq(sim_pkt_ata(sim_sent_at(s, 0), &a), 0);
	cr_assert_eq(a.lba, 40);
	cr_assert_eq(a.scnt, 2);
	cr_assert_eq(target_info(d, 0).st.early, 1);
	cr_assert_eq(target_info(d, 0).st.timeouts, 0);
	cr_assert_eq(target_info(d, 0).st.retransmits, 1);
	cr_assert_eq(target_info(d, 0).maxout, 16, "one lost frame is not overload");
	expect_pending(r);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* A target that never answers: a tail loss probe two round trips after
 * the send (seen at the next 1 ms step), then an RTO (a probe does not
 * back off), then each resend waits twice as long as the one before, up
 * to the RTO ceiling; the only target is never tainted. */
Test(engine_retransmit, resends_back_off_to_the_ceiling)
{
	static const uint64_t gaps_ms[] = { 1, 20, 40, 80, 160, 320, 640, 1000, 1000 };
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
	cr_assert_eq(target_info(d, target_index(d, a)).st.early, 1,
		     "the newest as a tail loss probe");
	for (unsigned int i = 0; i < sim_nsent(s); i++)
		cr_assert_eq(memcmp(sim_pkt_dst(sim_sent_at(s, i)), b->mac, AOE_ETH_ALEN), 0,
			     "resend %u went to the target that lost it", i);
	sim_serve(s);
	for (unsigned int i = 0; i < 8; i++) {
		expect_done(r[i], 0);
		expect_disk_data(r[i], b);
	}
	cr_assert_eq(target_info(d, target_index(d, a)).st.timeouts, to_a - 1);
	cr_assert_eq(target_info(d, target_index(d, a)).st.retransmits, to_a);
	cr_assert_eq(target_info(d, target_index(d, b)).st.timeouts, 0);
	sim_finish(s);
}

/*
 * A target holds its answers: two round trips after the send the frame
 * goes again as a tail loss probe (tag B), and an RTO after that once
 * more (tag C), which cuts the window (a target silent that long). Then
 * the answers come: B's is a false alarm (the RTO was too short) that
 * undoes the cut and raises the RTO floor above what was seen; the first
 * send's (A) was only passed over early, so it counts as reordered, not
 * as a false alarm, and leaves the RTO alone. The request waits for C's
 * answer and is done once.
 */
Test(engine_retransmit, false_alarm_undoes_the_cut)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	const struct engine_rx_stats *rx = engine_rx_stats(s->e);
	struct sim_pkt *dup = malloc(sizeof(*dup));
	uint64_t sent_b, late;
	uint32_t rto;
	struct sim_req *r;

	cr_assert_not_null(dup);
	t->policy = policy_hold;
	r = sim_submit(s, d, AOE_OP_READ, 77, 2);
	sim_serve(s);				/* A held */
	sim_advance(s, SIM_LATENCY_NS);	/* two round trips: the probe */
	cr_assert_eq(sim_nsent(s), 1);
	sent_b = s->now;
	sim_serve(s);				/* B held */
	cr_assert_eq(target_info(d, 0).st.early, 1);
	cr_assert_eq(target_info(d, 0).maxout, 16, "a probe cuts nothing");
	t->policy = NULL;
	sim_advance(s, 2 * RTO);		/* B's RTO, doubled: C goes */
	cr_assert_eq(sim_nsent(s), 1);
	cr_assert_eq(target_info(d, 0).st.timeouts, 1);
	cr_assert_eq(target_info(d, 0).maxout, 8, "silent for an RTO: cut");
	cr_assert_eq(target_info(d, 0).ssthresh, 8);
	cr_assert_eq(sim_nheld(s), 2);
	memcpy(dup, sim_held_at(s, 1), sizeof(*dup));
	late = rx->late;
	sim_release(s, 1);			/* B's answer */
	expect_pending(r);
	cr_assert_eq(rx->late, late + 1);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 1);
	cr_assert_eq(target_info(d, 0).maxout, 16, "the cut is undone");
	cr_assert_eq(target_info(d, 0).ssthresh, 16);
	rto = target_info(d, 0).rto_us;
	cr_assert_eq(rto, (s->now - sent_b) / NSEC_PER_USEC * 3 / 2,
		     "the RTO floor is 1.5 times the time the answer took");
	sim_release(s, 0);			/* A's answer */
	cr_assert_eq(rx->late, late + 2);
	cr_assert_eq(target_info(d, 0).st.reordered, 1);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 1, "a probe's copy is no false alarm");
	cr_assert_eq(target_info(d, 0).rto_us, rto);
	/* Once per copy: a second answer to B is only late. */
	sim_deliver(s, dup);
	free(dup);
	cr_assert_eq(target_info(d, 0).st.false_alarms, 1);
	cr_assert_eq(rx->late, late + 3);
	sim_serve(s);
	expect_done(r, 0);
	expect_disk_data(r, t);
	sim_finish(s);
}

/* Holds the answer to the command at lba, once. */
struct hold_lba {
	uint64_t lba;
	unsigned int left;
};

static enum sim_verdict policy_hold_lba(struct sim_target *t, const struct sim_pkt *req,
					struct sim_pkt *rsp, void *ctx)
{
	struct hold_lba *h = ctx;
	struct aoe_ata_view a;

	(void)t, (void)rsp;
	if (!h->left || sim_pkt_ata(req, &a) || a.lba != h->lba)
		return SIM_ANSWER;
	h->left--;
	return SIM_HOLD;
}

/* Four one-frame reads sent together; the first one's answer is held. */
static void passed_over_setup(struct sim *s, struct aoe_dev *d, struct sim_target *t,
			      struct hold_lba *h, struct sim_req **r)
{
	*h = (struct hold_lba){ .lba = 0, .left = 1 };
	t->policy = policy_hold_lba;
	t->policy_ctx = h;
	for (unsigned int i = 0; i < 4; i++)
		r[i] = sim_submit(s, d, AOE_OP_READ, 2 * i, 2);
	sim_serve_rounds(s, 1);	/* the other three are answered */
	cr_assert_eq(sim_nsent(s), 0, "resent at once: answers may come a little out of order");
}

/*
 * Targets answer in order: the answers to frames sent after one that is
 * still unanswered show it lost. It goes again the reordering allowance
 * (a quarter of the least RTT) after them, not an RTO later; when its
 * first answer comes after all it was only reordered: counted so, not as
 * a false alarm, the RTO stays and the allowance grows.
 */
Test(engine_retransmit, answer_passed_over_is_resent_early)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	uint64_t reo = rtt_reorder_ns(&d->targets[0]->rtt);
	uint32_t rto = target_info(d, 0).rto_us;
	struct aoe_target_info ti;
	struct hold_lba h;
	struct sim_req *r[4];

	cr_assert_eq(reo, SIM_LATENCY_NS / 4, "a quarter of the least RTT");
	passed_over_setup(s, d, t, &h, r);
	sim_advance(s, reo - 1);
	cr_assert_eq(sim_nsent(s), 0, "resent within the allowance");
	sim_advance(s, 1);
	cr_assert_eq(sim_nsent(s), 1, "not resent when the allowance ran out");
	ti = target_info(d, 0);
	cr_assert_eq(ti.st.early, 1);
	cr_assert_eq(ti.st.timeouts, 0);
	cr_assert_eq(ti.maxout, 16, "one lost frame is not overload");
	sim_release(s, 0);	/* the first answer, late */
	expect_pending(r[0]);
	ti = target_info(d, 0);
	cr_assert_eq(ti.st.reordered, 1);
	cr_assert_eq(ti.st.false_alarms, 0);
	cr_assert_eq(ti.rto_us, rto, "the RTO was not wrong");
	cr_assert_gt(rtt_reorder_ns(&d->targets[0]->rtt), reo, "the allowance grows");
	sim_serve(s);
	for (unsigned int i = 0; i < 4; i++) {
		expect_done(r[i], 0);
		expect_disk_data(r[i], t);
	}
	sim_finish(s);
}

/* An answer a little out of order (within the allowance) is no loss. */
Test(engine_retransmit, reordering_within_the_allowance_is_no_loss)
{
	struct sim_target *t;
	struct aoe_dev *d;
	struct sim *s = one_target(&t, &d);
	struct hold_lba h;
	struct sim_req *r[4];

	passed_over_setup(s, d, t, &h, r);
	sim_release(s, 0);
	sim_run_for(s, RTO, SIM_LATENCY_NS);
	cr_assert_eq(sim_nsent(s), 0);
	cr_assert_eq(target_info(d, 0).st.retransmits, 0);
	for (unsigned int i = 0; i < 4; i++) {
		expect_done(r[i], 0);
		expect_disk_data(r[i], t);
	}
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

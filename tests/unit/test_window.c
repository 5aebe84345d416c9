// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>

#include "engine/window.h"

#define MS 1000000ull

Test(window, starts_at_buffer_count)
{
	struct aoe_window w;

	window_init(&w, 16);
	cr_assert_eq(w.maxout, 16);
	window_init(&w, 1000);
	cr_assert_eq(w.maxout, WINDOW_MAX);
}

Test(window, buffer_count_one_sends_one_at_a_time)
{
	struct aoe_window w;

	window_init(&w, 1);
	cr_assert(window_open(&w));
	w.nout++;
	cr_assert_not(window_open(&w));
	window_on_ack(&w);
	cr_assert(window_open(&w));
	window_cut(&w, 0, MS);
	cr_assert_eq(w.maxout, 1, "a window of one must stay usable");
	window_init(&w, 0);
	cr_assert_eq(w.maxout, 1, "buffer count 0 is treated as 1");
}

Test(window, overload_halves_once_per_round_trip)
{
	struct aoe_window w;

	window_init(&w, 64);
	window_cut(&w, 10 * MS, MS);
	cr_assert_eq(w.maxout, 32);
	window_cut(&w, 10 * MS + MS / 2, MS);
	cr_assert_eq(w.maxout, 32, "second cut inside one RTT");
	window_cut(&w, 12 * MS, MS);
	cr_assert_eq(w.maxout, 16);
	cr_assert_eq(w.ssthresh, 16);
}

/* Losses one in ten frames apart, a round trip apart: random loss, which
 * says nothing about the target's buffers. */
Test(window, isolated_losses_leave_the_window)
{
	struct aoe_window w;

	window_init(&w, 64);
	for (uint32_t i = 0; i < 1000; i++)
		cr_assert_not(window_on_loss(&w, 10 * i + 1, false, (uint64_t)i * 2 * MS, MS),
			      "loss %u taken for overload", i);
	cr_assert_eq(w.maxout, 64);
}

/* Frames sent back to back, all lost: the tail a full buffer drops. */
Test(window, a_run_of_losses_is_overload)
{
	struct aoe_window w;
	uint64_t t = 0;

	window_init(&w, 64);
	for (uint32_t seq = 100; seq < 103; seq++)
		cr_assert_not(window_on_loss(&w, seq, false, t, MS));
	/* a frame answered in between breaks the run */
	cr_assert_not(window_on_loss(&w, 104, false, t += 2 * MS, MS));
	for (uint32_t seq = 105; seq < 107; seq++)
		cr_assert_not(window_on_loss(&w, seq, false, t += 2 * MS, MS));
	cr_assert(window_on_loss(&w, 107, false, t, MS), "the fourth in a row");
	cr_assert_eq(w.maxout, 32);
	/* A window of two loses both: that is a run too. */
	window_init(&w, 2);
	cr_assert_not(window_on_loss(&w, 7, false, 0, MS));
	cr_assert(window_on_loss(&w, 8, false, 0, MS));
	cr_assert_eq(w.maxout, 1);
}

/* A quarter of the window lost within one round trip, none of them next
 * to another: the target is dropping, not the wire. */
Test(window, many_losses_in_one_round_trip_are_overload)
{
	struct aoe_window w;
	uint64_t t = 10 * MS;

	window_init(&w, 64);
	for (uint32_t i = 0; i < 15; i++)
		cr_assert_not(window_on_loss(&w, 3 * i + 1, false, t + i * MS / 16, MS),
			      "loss %u", i);
	cr_assert(window_on_loss(&w, 3 * 15 + 1, false, t + 15 * MS / 16, MS), "16 of 64");
	cr_assert_eq(w.maxout, 32);
	/* the same count spread over round trips is random loss */
	window_init(&w, 64);
	for (uint32_t i = 0; i < 64; i++)
		cr_assert_not(window_on_loss(&w, 3 * i + 1, false, t + i * MS / 4, MS));
}

/* The caller's own signs (the RTT rising, a silent target) make any loss
 * overload. */
Test(window, a_loss_with_signs_of_overload_is_overload)
{
	struct aoe_window w;

	window_init(&w, 64);
	cr_assert(window_on_loss(&w, 5, true, 0, MS));
	cr_assert_eq(w.maxout, 32);
}

Test(window, additive_increase_above_ssthresh)
{
	struct aoe_window w;

	window_init(&w, 64);
	window_cut(&w, 0, MS);	/* maxout = ssthresh = 32 */
	for (int i = 0; i < 31; i++) {
		w.nout++;
		window_on_ack(&w);
	}
	cr_assert_eq(w.maxout, 32);
	w.nout++;
	window_on_ack(&w);
	cr_assert_eq(w.maxout, 33, "one more frame per window of acks");
}

Test(window, restart_slow_starts_to_ssthresh)
{
	struct aoe_window w;
	int acks = 0;

	window_init(&w, 64);
	window_cut(&w, 0, MS);
	window_restart(&w);
	cr_assert_eq(w.maxout, 1);
	while (w.maxout < w.ssthresh) {
		w.nout++;
		window_on_ack(&w);
		acks++;
	}
	cr_assert_eq(acks, 31, "slow start adds one per ack");
	for (int i = 0; i < 100000; i++) {
		w.nout++;
		window_on_ack(&w);
	}
	cr_assert_eq(w.maxout, 64, "never above the buffer count");
}

Test(rtt, first_sample_and_clamps)
{
	struct aoe_rtt r;

	rtt_init(&r, 1000, 100000);
	cr_assert_eq(rtt_rto_us(&r), 100000, "initial RTO clamped to max");
	rtt_sample(&r, 100, 0);
	cr_assert_eq(r.srtt_us, 100);
	cr_assert_eq(r.rttvar_us, 50);
	cr_assert_eq(rtt_rto_us(&r), 1000, "clamped to the minimum");
	cr_assert_eq(rtt_backoff_us(&r, 3), 8000);
	cr_assert_eq(rtt_backoff_us(&r, 40), 100000);
}

Test(rtt, adapts_within_a_few_samples)
{
	struct aoe_rtt r;
	int n = 0;

	rtt_init(&r, 1, 10000000);
	for (int i = 0; i < 50; i++)
		rtt_sample(&r, 1000, 0);
	/* The path slows down tenfold: the estimate must follow quickly
	 * (the kernel's 1/256 gain needs hundreds of samples). */
	while (r.srtt_us < 9000 && n < 1000) {
		rtt_sample(&r, 10000, 0);
		n++;
	}
	cr_assert_lt(n, 25, "took %d samples", n);
	cr_assert_geq(rtt_rto_us(&r), r.srtt_us);
}

/* A false alarm's floor holds against any amount of traffic for a
 * moment, then halves every quarter second: gone within two seconds. */
Test(rtt, false_alarm_floor_holds_then_sinks_quickly)
{
	struct aoe_rtt r;
	uint64_t t = 1000 * MS;

	rtt_init(&r, 2000, 4000000);
	rtt_sample(&r, 500, t);
	rtt_false_alarm(&r, 60000, t);	/* an answer came 60 ms late */
	cr_assert_eq(rtt_rto_us(&r), 90000, "floor at 1.5x what was seen");
	for (int i = 0; i < 100000; i++)
		rtt_sample(&r, 500, t + 200 * MS);	/* heavy traffic, within 200 ms */
	cr_assert_eq(rtt_rto_us(&r), 90000, "traffic alone must not erase the floor");
	rtt_sample(&r, 500, t + 250 * MS);
	cr_assert_eq(rtt_rto_us(&r), 2000 + 88000 / 2, "halved after a quarter second");
	rtt_sample(&r, 500, t + 2000 * MS);
	cr_assert_lt(rtt_rto_us(&r), 2400, "two seconds later the floor is gone: %u",
		     rtt_rto_us(&r));
	/* a false alarm after a quiet spell starts its own time */
	rtt_false_alarm(&r, 60000, t + 60000 * MS);
	rtt_sample(&r, 500, t + 60100 * MS);
	cr_assert_eq(rtt_rto_us(&r), 90000);
}

/* A path that stalls for 40 ms every second (TCG, an overcommitted host):
 * the floor must stop sinking between stalls so the RTO stops firing on
 * each of them, and once the stalls stop for long enough it sinks fast
 * again. */
static int stalls_firing_the_rto(struct aoe_rtt *r, uint64_t *t, int stalls)
{
	int fired = 0;

	for (int i = 0; i < stalls; i++) {
		for (int j = 0; j < 100; j++)
			rtt_sample(r, 500, *t + (uint64_t)j * 9 * MS);
		*t += 1000 * MS;
		rtt_sample(r, 500, *t);
		if (rtt_rto_us(r) < 40000) {
			fired++;
			rtt_false_alarm(r, 40000, *t);
			/* the rest of that window, same stall */
			for (int k = 0; k < 31; k++)
				rtt_false_alarm(r, 40000, *t + 2 * MS);
		}
	}
	return fired;
}

Test(rtt, recurring_stalls_keep_the_floor)
{
	struct aoe_rtt r;
	uint64_t t = 1000 * MS;
	int fired;

	rtt_init(&r, 5000, 4000000);
	rtt_sample(&r, 500, t);
	fired = stalls_firing_the_rto(&r, &t, 30);
	cr_assert_leq(fired, 8, "the RTO fired on %d of 30 stalls a second apart", fired);
	cr_assert_geq(fired, 2, "the first stalls must fire it (%d)", fired);
	/* quiet for five minutes: the floor is gone, and one new stall is
	 * forgotten within a few seconds as before */
	for (int s = 0; s < 300; s++)
		rtt_sample(&r, 500, t + (uint64_t)s * 1000 * MS);
	t += 300000 * MS;
	cr_assert_eq(rtt_rto_us(&r), 5000, "floor gone after a long quiet spell: %u",
		     rtt_rto_us(&r));
	rtt_false_alarm(&r, 40000, t);
	rtt_sample(&r, 500, t + 2000 * MS);
	cr_assert_lt(rtt_rto_us(&r), 6000, "one stall after the quiet spell sinks fast: %u",
		     rtt_rto_us(&r));
}

/* The RTO is srtt + 4 rttvar as the path changes, up and down, within a
 * few dozen samples; only the floor stops it on a fast path. */
Test(rtt, rto_follows_the_rtt)
{
	struct aoe_rtt r;
	int n;

	rtt_init(&r, 2000, 4000000);
	for (int i = 0; i < 100; i++)
		rtt_sample(&r, 100, 0);
	cr_assert_eq(rtt_rto_us(&r), 2000, "a fast path sits on the floor");
	for (n = 0; rtt_rto_us(&r) < 30000 && n < 1000; n++)
		rtt_sample(&r, 30000, 0);
	cr_assert_lt(n, 20, "up to a 30 ms RTT after %d samples", n);
	for (int i = 0; i < 100; i++)
		rtt_sample(&r, 30000, 0);
	cr_assert_lt(rtt_rto_us(&r), 32000, "steady at 30 ms: %u", rtt_rto_us(&r));
	for (n = 0; rtt_rto_us(&r) > 2000 && n < 1000; n++)
		rtt_sample(&r, 100, 0);
	cr_assert_lt(n, 60, "back down to the floor after %d samples", n);
}

/* Steady, noisy samples are not a rise; a jump to several times the
 * usual is, until the usual catches up. */
Test(rtt, rising_means_well_above_the_usual)
{
	struct aoe_rtt r;
	int n = 0;

	rtt_init(&r, 1000, 100000);
	cr_assert_not(rtt_rising(&r), "no samples, no rise");
	for (int i = 0; i < 1000; i++)
		rtt_sample(&r, i % 2 ? 100 : 300, 0);
	cr_assert_not(rtt_rising(&r), "noise around 200 us");
	for (int i = 0; i < 10; i++)
		rtt_sample(&r, 2000, 0);
	cr_assert(rtt_rising(&r), "srtt %u base %llu", r.srtt_us,
		  (unsigned long long)(r.base_x64 / 64));
	while (rtt_rising(&r) && n < 10000) {
		rtt_sample(&r, 2000, 0);
		n++;
	}
	cr_assert_lt(n, 200, "the usual caught up only after %d samples", n);
	/* On a fast path a doubling is noise, not queueing. */
	rtt_init(&r, 1000, 100000);
	for (int i = 0; i < 100; i++)
		rtt_sample(&r, 10, 0);
	for (int i = 0; i < 100; i++)
		rtt_sample(&r, 40, 0);
	cr_assert_not(rtt_rising(&r));
}

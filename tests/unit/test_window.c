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
	window_on_loss(&w, 0, MS);
	cr_assert_eq(w.maxout, 1, "a window of one must stay usable");
	window_init(&w, 0);
	cr_assert_eq(w.maxout, 1, "buffer count 0 is treated as 1");
}

Test(window, loss_halves_once_per_round_trip)
{
	struct aoe_window w;

	window_init(&w, 64);
	window_on_loss(&w, 10 * MS, MS);
	cr_assert_eq(w.maxout, 32);
	window_on_loss(&w, 10 * MS + MS / 2, MS);
	cr_assert_eq(w.maxout, 32, "second cut inside one RTT");
	window_on_loss(&w, 12 * MS, MS);
	cr_assert_eq(w.maxout, 16);
	cr_assert_eq(w.ssthresh, 16);
}

Test(window, additive_increase_above_ssthresh)
{
	struct aoe_window w;

	window_init(&w, 64);
	window_on_loss(&w, 0, MS);	/* maxout = ssthresh = 32 */
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
	window_on_loss(&w, 0, MS);
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

Test(rtt, false_alarm_floor_holds_then_sinks_with_time)
{
	struct aoe_rtt r;
	uint64_t t = 1000 * MS;

	rtt_init(&r, 20000, 4000000);
	rtt_sample(&r, 500, t);
	rtt_false_alarm(&r, 60000);	/* an answer came 60 ms late */
	cr_assert_eq(rtt_rto_us(&r), 90000, "floor at 1.5x what was seen");
	for (int i = 0; i < 100000; i++)
		rtt_sample(&r, 500, t);	/* heavy traffic within one second */
	cr_assert_eq(rtt_rto_us(&r), 90000, "traffic alone must not erase the floor");
	for (int s = 1; s <= 60; s++)
		rtt_sample(&r, 500, t + s * 1000 * MS);
	cr_assert_lt(rtt_rto_us(&r), 21000, "a minute later the floor is gone: %u",
		     rtt_rto_us(&r));
}

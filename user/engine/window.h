/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Congestion window and round-trip estimate per target (remote MAC).
 *
 * Where this departs from the kernel aoe driver (drivers/block/aoe, v85):
 *  - the window starts at the target's buffer count, not half of it, and a
 *    buffer count of 1 is a window of 1 that works;
 *  - only a loss that looks like overload cuts the window, by half (at
 *    most once per round trip) instead of to 1: the window is there to
 *    stay within the target's buffers, and a frame lost at random on the
 *    way (a noisy link, netem) says nothing about them, so it costs a
 *    retransmit, not the window (window_on_loss() tells them apart);
 *  - the RTT estimate uses RFC 6298 gains (1/8, 1/4), not 1/256, so it
 *    follows a changing path within a few round trips, and the RTO
 *    (srtt + 4 rttvar) follows it down to a floor of a few milliseconds,
 *    not a 100 ms timer tick; what a false alarm adds to the floor halves
 *    every quarter second, more slowly while false alarms keep coming.
 */
#ifndef AOE_WINDOW_H
#define AOE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#define WINDOW_MAX		256	/* frames in flight per target */
/* The RTO is the last resort: early retransmits and the tail loss probe
 * follow the RTT itself. Its floor only keeps it above scheduling stalls
 * (false alarms raise it for a while: rtt_false_alarm()). */
#define RTO_MIN_US_DEFAULT	5000u
#define RTO_MAX_US_DEFAULT	4000000u
#define RTO_INITIAL_US		250000u

struct aoe_window {
	uint32_t maxout;	/* frames allowed in flight */
	uint32_t nout;		/* frames in flight */
	uint32_t ssthresh;	/* below: +1 per ack; above: +1 per window */
	uint32_t limit;		/* the target's buffer count, capped */
	uint32_t acked;		/* acks toward the next additive step */
	uint64_t cut_until_ns;	/* no second cut for one round trip */
	uint32_t undo_maxout;	/* before the last cut, to undo a false alarm */
	uint32_t undo_ssthresh;
	/* What tells overload from random loss (window_on_loss()). */
	uint32_t seq;		/* frames sent so far: the next one's number */
	uint32_t lost_seq;	/* number of the last frame found lost */
	uint32_t run;		/* frames sent back to back, all lost */
	uint64_t epoch_ns;	/* losses counted from then, for a round trip */
	uint32_t epoch_losses;
};

struct aoe_rtt {
	uint32_t srtt_us;
	uint32_t rttvar_us;
	bool sampled;
	uint32_t rto_min_us;	/* configured floor */
	uint32_t rto_max_us;
	uint32_t floor_us;	/* raised by false alarms, decays to rto_min_us */
	uint64_t floor_decay_ns;	/* when the floor last sank */
	uint64_t floor_half_life_ns;	/* grows while false alarms recur */
	uint64_t floor_raised_ns;	/* the last false alarm */
	uint64_t base_x64;	/* the usual RTT: a slow average (gain 1/64), us x 64 */
	/* The least RTT seen in this period and the last (rtt_min_us()). */
	uint32_t min_us, min_prev_us;
	uint64_t min_since_ns;
	/* Reordering allowance, in quarters of the least RTT: grows when an
	 * early retransmit proves wrong, sinks back with time. */
	uint32_t reo_quarters;
	uint64_t reo_since_ns;	/* when it last grew or sank */
};

void window_init(struct aoe_window *w, uint32_t bufcnt);
static inline bool window_open(const struct aoe_window *w)
{
	return w->nout < w->maxout;
}
static inline uint32_t window_space(const struct aoe_window *w)
{
	return w->nout < w->maxout ? w->maxout - w->nout : 0;
}
/* A frame went out: one more in flight. Returns its number (frames to
 * the target are numbered in the order sent). */
static inline uint32_t window_on_send(struct aoe_window *w)
{
	w->nout++;
	return ++w->seq;
}
/* The target's buffer count changed: the window's ceiling follows. */
void window_set_limit(struct aoe_window *w, uint32_t bufcnt);
/* A frame answered: one fewer in flight, and the window may grow. */
void window_on_ack(struct aoe_window *w);
/* A frame left without an answer (timeout, error, cancel). */
static inline void window_release(struct aoe_window *w)
{
	if (w->nout)
		w->nout--;
}
/* Overload at now: the window halves, unless it was cut less than rtt_ns
 * (the current smoothed RTT) ago. */
void window_cut(struct aoe_window *w, uint64_t now_ns, uint64_t rtt_ns);
/*
 * The frame numbered seq was found lost at now. It is taken for overload,
 * and the window cut, when the target looks full: the loss ends a run of
 * frames sent back to back and all lost (a full buffer drops what
 * arrives), a good share of the window was lost within one round trip, or
 * the caller saw signs of its own (signs: the RTT rising, the target
 * silent since the frame went out). Anything else is random loss and
 * leaves the window alone. Returns true for overload.
 */
bool window_on_loss(struct aoe_window *w, uint32_t seq, bool signs, uint64_t now_ns,
		    uint64_t rtt_ns);
/* The target starts afresh (its device came back), with what it still has
 * in flight counted. */
void window_reset(struct aoe_window *w);
/* A tainted target that answered its probe starts over from one frame and
 * slow-starts back to where it was. */
void window_restart(struct aoe_window *w);
/* The timeout that caused the last cut was a false alarm (the answer came
 * after all): put the window back as it was. */
void window_undo(struct aoe_window *w);

void rtt_init(struct aoe_rtt *r, uint32_t rto_min_us, uint32_t rto_max_us);
/* An RTT sample taken at now_ns (which also lets a raised floor sink). */
void rtt_sample(struct aoe_rtt *r, uint32_t sample_us, uint64_t now_ns);
uint32_t rtt_rto_us(const struct aoe_rtt *r);
/* The smoothed RTT is well above the usual (the slow average): the
 * target is queueing more than it did. */
bool rtt_rising(const struct aoe_rtt *r);
/* The least RTT seen over the last 10 to 20 seconds (0: none yet). */
uint32_t rtt_min_us(const struct aoe_rtt *r);
/*
 * How much later than a frame sent after it an earlier frame may still be
 * answered before it counts as lost (early retransmit): a quarter of the
 * least RTT (RFC 8985's reordering window), more after early retransmits
 * that proved wrong, never more than the smoothed RTT.
 */
uint64_t rtt_reorder_ns(const struct aoe_rtt *r);
/* An early retransmit proved wrong (the first answer came after all): the
 * allowance grows by a quarter of the least RTT. */
void rtt_reordered(struct aoe_rtt *r, uint64_t now_ns);
/* How long a target with frames out may stay quiet before its newest frame
 * goes again as a tail loss probe: two smoothed RTTs (UINT64_MAX before
 * the first sample). */
uint64_t rtt_pto_ns(const struct aoe_rtt *r);
/* RTO for a frame whose RTO ran out `rtos` times before: doubles each
 * time, clamped. */
uint32_t rtt_backoff_us(const struct aoe_rtt *r, unsigned int rtos);
/* An answer came elapsed_us after its send (at now_ns), when the frame had
 * already been retransmitted for its RTO: the RTO was too short for this
 * path (a scheduling hiccup, a busy target). The floor rises above what
 * was seen, and sinks back within a couple of seconds. */
void rtt_false_alarm(struct aoe_rtt *r, uint32_t elapsed_us, uint64_t now_ns);

#endif /* AOE_WINDOW_H */

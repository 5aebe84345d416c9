/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Congestion window and round-trip estimate per target (remote MAC).
 *
 * Where this departs from the kernel aoe driver (drivers/block/aoe, v85):
 *  - the window starts at the target's buffer count, not half of it, and a
 *    buffer count of 1 is a window of 1 that works;
 *  - a loss halves the window (at most once per round trip) instead of
 *    collapsing it to 1;
 *  - the RTT estimate uses RFC 6298 gains (1/8, 1/4), not 1/256, so it
 *    follows a changing path within a few round trips.
 */
#ifndef AOE_WINDOW_H
#define AOE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#define WINDOW_MAX		256	/* frames in flight per target */
#define RTO_MIN_US_DEFAULT	20000u
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
};

struct aoe_rtt {
	uint32_t srtt_us;
	uint32_t rttvar_us;
	bool sampled;
	uint32_t rto_min_us;	/* configured floor */
	uint32_t rto_max_us;
	uint32_t floor_us;	/* raised by false alarms, decays to rto_min_us */
	uint64_t floor_decay_ns;	/* when the floor last sank */
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
/* A frame went out: one more in flight. */
static inline void window_on_send(struct aoe_window *w)
{
	w->nout++;
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
/* A timeout at now; rtt_ns is the current smoothed RTT (no second cut
 * within it). */
void window_on_loss(struct aoe_window *w, uint64_t now_ns, uint64_t rtt_ns);
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
/* RTO for a frame sent `retries` times before: doubles each time, clamped. */
uint32_t rtt_backoff_us(const struct aoe_rtt *r, unsigned int retries);
/* An answer came elapsed_us after its first send, when the frame had
 * already been retransmitted: the RTO was too short for this path (a
 * scheduling hiccup, a busy target). Raise the floor above what was seen. */
void rtt_false_alarm(struct aoe_rtt *r, uint32_t elapsed_us);

#endif /* AOE_WINDOW_H */

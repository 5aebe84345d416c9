// SPDX-License-Identifier: GPL-2.0
#include "window.h"

void window_init(struct aoe_window *w, uint32_t bufcnt)
{
	uint32_t limit = bufcnt ? bufcnt : 1;

	if (limit > WINDOW_MAX)
		limit = WINDOW_MAX;
	*w = (struct aoe_window){ .maxout = limit, .ssthresh = limit, .limit = limit };
}

void window_set_limit(struct aoe_window *w, uint32_t bufcnt)
{
	struct aoe_window fresh;

	window_init(&fresh, bufcnt);
	w->limit = fresh.limit;
	if (w->maxout > w->limit)
		w->maxout = w->limit;
	if (w->ssthresh > w->limit)
		w->ssthresh = w->limit;
}

void window_on_ack(struct aoe_window *w)
{
	if (w->nout)
		w->nout--;
	if (w->maxout >= w->limit)
		return;
	if (w->maxout < w->ssthresh) {
		w->maxout++;
		return;
	}
	if (++w->acked >= w->maxout) {
		w->acked = 0;
		w->maxout++;
	}
}

void window_cut(struct aoe_window *w, uint64_t now_ns, uint64_t rtt_ns)
{
	if (now_ns < w->cut_until_ns)
		return;
	w->undo_maxout = w->maxout;
	w->undo_ssthresh = w->ssthresh;
	w->ssthresh = w->maxout / 2 ? w->maxout / 2 : 1;
	w->maxout = w->ssthresh;
	w->acked = 0;
	w->cut_until_ns = now_ns + rtt_ns;
}

/* Back-to-back frames lost that make a full buffer's tail (or a window
 * of fewer frames, all lost). With 6% of frames lost at random (3% each
 * way), 4 in a row happen once in about 80,000 frames. */
#define OVERLOAD_RUN	4
/* Losses within one round trip that make overload: a quarter of the
 * window, and at least 2. At 6% random loss a window of 64 loses 16 in a
 * round trip less than once in 10^5. */
#define OVERLOAD_SHARE	4
#define OVERLOAD_LOSSES_MIN	2

/* Counts the loss in its run and its round trip; true when either says
 * the target is full. */
static bool loss_clustered(struct aoe_window *w, uint32_t seq, uint64_t now_ns, uint64_t rtt_ns)
{
	uint32_t run_min = w->maxout < OVERLOAD_RUN ? w->maxout : OVERLOAD_RUN;
	uint32_t share_min = w->maxout / OVERLOAD_SHARE;

	if (share_min < OVERLOAD_LOSSES_MIN)
		share_min = OVERLOAD_LOSSES_MIN;
	w->run = w->run && seq == w->lost_seq + 1 ? w->run + 1 : 1;
	w->lost_seq = seq;
	if (!w->epoch_losses || now_ns - w->epoch_ns > rtt_ns) {
		w->epoch_ns = now_ns;
		w->epoch_losses = 0;
	}
	w->epoch_losses++;
	return w->run >= run_min || w->epoch_losses >= share_min;
}

bool window_on_loss(struct aoe_window *w, uint32_t seq, bool signs, uint64_t now_ns,
		    uint64_t rtt_ns)
{
	if (!loss_clustered(w, seq, now_ns, rtt_ns) && !signs)
		return false;
	window_cut(w, now_ns, rtt_ns);
	return true;
}

void window_reset(struct aoe_window *w)
{
	uint32_t nout = w->nout, seq = w->seq;

	window_init(w, w->limit);
	w->nout = nout;
	w->seq = seq;	/* frames in flight keep their numbers */
}

void window_restart(struct aoe_window *w)
{
	if (w->ssthresh < 2)
		w->ssthresh = w->limit / 2 ? w->limit / 2 : 1;
	w->maxout = 1;
	w->acked = 0;
}

void window_undo(struct aoe_window *w)
{
	if (!w->undo_maxout)
		return;
	w->maxout = w->undo_maxout;
	w->ssthresh = w->undo_ssthresh;
	w->undo_maxout = 0;
	w->cut_until_ns = 0;
}

#define FLOOR_HALF_LIFE_NS	250000000ull	/* the excess halves 4 times a second */
#define FLOOR_HALF_LIFE_MAX_NS	8000000000ull

void rtt_init(struct aoe_rtt *r, uint32_t rto_min_us, uint32_t rto_max_us)
{
	*r = (struct aoe_rtt){ .rto_min_us = rto_min_us, .rto_max_us = rto_max_us,
			       .floor_us = rto_min_us,
			       .floor_half_life_ns = FLOOR_HALF_LIFE_NS };
}

/* A raised floor sinks back with time, not with traffic: a path that
 * stalls every second or so keeps some of it whatever its rate, and one
 * stall is forgotten within a few seconds. Once it is all gone, the next
 * stall starts from the short half-life again. */
static void floor_decay(struct aoe_rtt *r, uint64_t now_ns)
{
	uint32_t excess;

	if (r->floor_us <= r->rto_min_us) {
		r->floor_decay_ns = now_ns;
		r->floor_half_life_ns = FLOOR_HALF_LIFE_NS;
		return;
	}
	excess = r->floor_us - r->rto_min_us;
	while (excess && now_ns >= r->floor_decay_ns + r->floor_half_life_ns) {
		excess /= 2;
		r->floor_decay_ns += r->floor_half_life_ns;
	}
	r->floor_us = r->rto_min_us + excess;
}

/* A false alarm that comes before the last one's floor has sunk away, and
 * not from the same stall (a stall makes a whole window of them at once),
 * says the stalls recur (an emulated or overcommitted host, a target that
 * pauses now and then): the floor then sinks half as fast each time, up
 * to a half-life of 8 s, instead of letting every stall fire the RTO
 * again. */
void rtt_false_alarm(struct aoe_rtt *r, uint32_t elapsed_us, uint64_t now_ns)
{
	uint64_t want = (uint64_t)elapsed_us * 3 / 2;

	floor_decay(r, now_ns);
	if (r->floor_us > r->rto_min_us && now_ns >= r->floor_raised_ns + FLOOR_HALF_LIFE_NS &&
	    r->floor_half_life_ns < FLOOR_HALF_LIFE_MAX_NS)
		r->floor_half_life_ns *= 2;
	if (want > r->rto_max_us)
		want = r->rto_max_us;
	if (want > r->floor_us) {
		r->floor_us = (uint32_t)want;
		r->floor_decay_ns = now_ns;
	}
	r->floor_raised_ns = now_ns;
}

#define MIN_RTT_PERIOD_NS	(10 * 1000000000ull)
#define REORDER_QUARTERS_MAX	16	/* four times the least RTT */
#define REORDER_SINK_NS		1000000000ull	/* a quarter less a second */
#define REORDER_MIN_NS		20000ull	/* event loop and RX batch jitter */

/* A windowed minimum in two periods: a path that got slower for good
 * shows its new least RTT within two periods. */
static void min_track(struct aoe_rtt *r, uint32_t m, uint64_t now_ns)
{
	if (!r->min_us || now_ns - r->min_since_ns >= MIN_RTT_PERIOD_NS) {
		r->min_prev_us = r->min_us;
		r->min_us = m;
		r->min_since_ns = now_ns;
	} else if (m < r->min_us) {
		r->min_us = m;
	}
}

uint32_t rtt_min_us(const struct aoe_rtt *r)
{
	if (r->min_prev_us && r->min_prev_us < r->min_us)
		return r->min_prev_us;
	return r->min_us;
}

static void reorder_sink(struct aoe_rtt *r, uint64_t now_ns)
{
	if (r->reo_quarters <= 1) {
		r->reo_quarters = 1;
		r->reo_since_ns = now_ns;
		return;
	}
	if (now_ns - r->reo_since_ns >= REORDER_SINK_NS) {
		r->reo_quarters--;
		r->reo_since_ns = now_ns;
	}
}

void rtt_reordered(struct aoe_rtt *r, uint64_t now_ns)
{
	if (r->reo_quarters < REORDER_QUARTERS_MAX)
		r->reo_quarters++;
	r->reo_since_ns = now_ns;
}

uint64_t rtt_reorder_ns(const struct aoe_rtt *r)
{
	uint64_t q = r->reo_quarters ? r->reo_quarters : 1;
	uint64_t reo = (uint64_t)rtt_min_us(r) * 1000 / 4 * q;

	if (reo > (uint64_t)r->srtt_us * 1000)
		reo = (uint64_t)r->srtt_us * 1000;
	return reo < REORDER_MIN_NS ? REORDER_MIN_NS : reo;
}

uint64_t rtt_pto_ns(const struct aoe_rtt *r)
{
	uint64_t pto = 2ull * r->srtt_us * 1000;

	if (!r->sampled)
		return UINT64_MAX;
	return pto < 2 * REORDER_MIN_NS ? 2 * REORDER_MIN_NS : pto;
}

void rtt_sample(struct aoe_rtt *r, uint32_t m, uint64_t now_ns)
{
	uint32_t err;

	floor_decay(r, now_ns);
	reorder_sink(r, now_ns);
	min_track(r, m, now_ns);

	if (!r->sampled) {
		r->srtt_us = m;
		r->rttvar_us = m / 2;
		r->base_x64 = 64ull * m;
		r->sampled = true;
		return;
	}
	err = m > r->srtt_us ? m - r->srtt_us : r->srtt_us - m;
	r->rttvar_us = r->rttvar_us - r->rttvar_us / 4 + err / 4;
	r->srtt_us = r->srtt_us - r->srtt_us / 8 + m / 8;
	r->base_x64 = r->base_x64 - r->base_x64 / 64 + m;
}

/* Twice the usual, and by more than scheduling noise on a fast path. */
#define RTT_RISE_MIN_US	50u

bool rtt_rising(const struct aoe_rtt *r)
{
	return r->sampled && r->srtt_us > r->base_x64 / 32 + RTT_RISE_MIN_US;
}

static uint32_t clamp_rto(const struct aoe_rtt *r, uint64_t rto)
{
	uint32_t floor = r->floor_us > r->rto_min_us ? r->floor_us : r->rto_min_us;

	if (rto < floor)
		return floor;
	if (rto > r->rto_max_us)
		return r->rto_max_us;
	return (uint32_t)rto;
}

uint32_t rtt_rto_us(const struct aoe_rtt *r)
{
	if (!r->sampled)
		return clamp_rto(r, RTO_INITIAL_US);
	return clamp_rto(r, (uint64_t)r->srtt_us + 4ull * r->rttvar_us);
}

uint32_t rtt_backoff_us(const struct aoe_rtt *r, unsigned int rtos)
{
	uint64_t rto = rtt_rto_us(r);

	if (rtos > 16)
		rtos = 16;
	return clamp_rto(r, rto << rtos);
}

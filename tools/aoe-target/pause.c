// SPDX-License-Identifier: GPL-2.0
/*
 * The pause fault: a target that stops as a stopped process does. Requests
 * keep arriving and wait, in a queue bounded like a socket buffer; nothing
 * is executed or answered; on resume the queue runs in arrival order, so
 * writes the initiator has long given up on (and re-sent elsewhere) land
 * on the disk late. That is the rollback of issue 9, made reproducible.
 *
 * The queue is ours rather than the RX ring's so that its bound is exact
 * and independent of the MTU (the ring holds 1024 frames at MTU 1500).
 */
#include <stdlib.h>

#include "target.h"

#define NS_PER_MS		1000000ull

void pause_init(struct target *t)
{
	t->pause = (struct tgt_pause){
		.after_armed = t->opt.pause.after_set,
		.resume_ns = UINT64_MAX,
	};
}

void pause_begin(struct target *t, const char *why)
{
	struct tgt_pause *p = &t->pause;
	const struct pause_cfg *cfg = &t->opt.pause;

	p->after_armed = false;
	if (p->active)
		return;
	p->active = true;
	p->resume_ns = cfg->ms ? t->now_ns + cfg->ms * NS_PER_MS : UINT64_MAX;
	t->stats.pause_started++;
	if (cfg->ms)
		pr_info("%s: paused, queueing up to %u requests for %u ms\n", why, cfg->backlog,
			cfg->ms);
	else
		pr_info("%s: paused, queueing up to %u requests until SIGUSR1\n", why,
			cfg->backlog);
}

/* A copy at the queue's tail; false when it is full (or memory is). */
static bool enqueue(struct target *t, const uint8_t *frame, size_t len)
{
	struct held_frame *h;

	if (t->pause.queue.count >= t->opt.pause.backlog)
		return false;
	h = held_new(frame, len);
	if (!h)
		return false;
	held_fifo_push(&t->pause.queue, h);
	return true;
}

bool pause_intake(struct target *t, const uint8_t *frame, size_t len)
{
	struct tgt_pause *p = &t->pause;
	uint8_t cmd;

	/* No pause to come: no second parse on the fast path. What a socket
	 * filter would not let through is only counted, by the usual path,
	 * paused or not. */
	if ((!p->active && !p->after_armed) || !tgt_is_request(t, frame, len, &cmd))
		return false;
	if (p->after_armed && cmd == AOE_CMD_ATA && p->ata_seen++ == t->opt.pause.after)
		pause_begin(t, "--pause-after");
	if (!p->active)
		return false;
	if (enqueue(t, frame, len))
		t->stats.pause_queued++;
	else
		t->stats.pause_dropped++;
	return true;
}

void pause_end(struct target *t, const char *why)
{
	struct tgt_pause *p = &t->pause;
	struct held_frame *h;
	unsigned int n = p->queue.count;

	p->after_armed = false;
	if (!p->active)
		return;
	p->active = false;
	p->resume_ns = UINT64_MAX;
	pr_info("%s: resuming, executing %u queued requests in arrival order\n", why, n);
	while ((h = held_fifo_pop(&p->queue))) {
		t->stats.pause_replayed++;
		tgt_handle_frame(t, h->data, h->len);
		free(h);
	}
}

void pause_tick(struct target *t)
{
	if (t->pause.active && t->now_ns >= t->pause.resume_ns)
		pause_end(t, "--pause-ms");
}

void pause_free(struct target *t)
{
	held_fifo_free(&t->pause.queue);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The way out: answers are built straight into the next sendmmsg buffer,
 * then sent, duplicated, held for reordering or delayed as the faults say.
 * Held answers are copies; the TX backlog keeps order when the socket
 * buffer is full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

/* A reordered answer waits for later ones, but never longer than this,
 * so an initiator with one request outstanding still gets it. */
#define REORDER_MAX_HOLD_NS	(100ull * 1000 * 1000)

static unsigned int held_total(const struct target *t)
{
	return t->delayed.count + t->reordered.count + t->backlog.count;
}

static struct held_frame *hold_copy(struct target *t, const uint8_t *buf, size_t len)
{
	struct held_frame *h = NULL;

	if (held_total(t) < TGT_HELD_MAX)
		h = held_new(buf, len);
	if (!h) {
		t->stats.answers_held_overflow++;
		return NULL;
	}
	h->seq = t->held_seq++;
	return h;
}

/* The next free TX buffer, flushing a full batch first; NULL while answers
 * wait in the backlog (they go first) or the socket buffer is full. */
static uint8_t *tx_room(struct target *t)
{
	uint8_t *buf;

	if (t->backlog.count)
		return NULL;
	buf = pkt_tx_buf(&t->io);
	if (!buf && resp_flush(t) == 0)
		buf = pkt_tx_buf(&t->io);
	return buf;
}

uint8_t *resp_buf(struct target *t)
{
	uint8_t *buf = tx_room(t);

	return buf ? buf : t->scratch;
}

/* Queues a copy of a frame that lives outside the TX buffers. */
static void emit_copy(struct target *t, const uint8_t *frame, size_t len)
{
	uint8_t *dst = tx_room(t);
	struct held_frame *h;

	if (dst) {
		memcpy(dst, frame, len);
		pkt_tx_commit(&t->io, len);
		return;
	}
	h = hold_copy(t, frame, len);
	if (h)
		held_fifo_push(&t->backlog, h);
}

/* buf is either the TX buffer resp_buf() handed out, or outside them. */
static void emit(struct target *t, uint8_t *buf, size_t len, bool dup)
{
	if (dup) {
		/* Committing buf may flush and reuse it: copy first. */
		memcpy(t->dup_copy, buf, len);
		t->stats.faults_duplicated++;
	}
	if (!t->backlog.count && buf == pkt_tx_buf(&t->io))
		pkt_tx_commit(&t->io, len);
	else
		emit_copy(t, buf, len);
	if (dup)
		emit_copy(t, t->dup_copy, len);
}

/* Every answer that goes out brings reordered ones closer to release. */
static void reorder_tick(struct target *t)
{
	struct held_fifo keep = { 0 };
	struct held_frame *h;

	while ((h = held_fifo_pop(&t->reordered))) {
		if (h->countdown > 1) {
			h->countdown--;
			held_fifo_push(&keep, h);
			continue;
		}
		emit(t, h->data, h->len, h->dup);
		free(h);
	}
	t->reordered = keep;
}

static void hold_for_reorder(struct target *t, const uint8_t *buf, size_t len, bool dup)
{
	struct held_frame *h = hold_copy(t, buf, len);

	if (!h)
		return;
	h->dup = dup;
	h->countdown = fault_reorder_depth(&t->faults);
	h->due_ns = t->now_ns + REORDER_MAX_HOLD_NS;
	held_fifo_push(&t->reordered, h);
	t->stats.faults_reordered++;
}

static void hold_for_delay(struct target *t, const uint8_t *buf, size_t len, bool dup,
			   uint64_t delay_ns)
{
	struct held_frame *h = hold_copy(t, buf, len);

	if (!h)
		return;
	h->dup = dup;
	h->due_ns = t->now_ns + delay_ns;
	if (held_heap_push(&t->delayed, h)) {
		free(h);
		t->stats.answers_held_overflow++;
		return;
	}
	t->stats.faults_delayed++;
}

void resp_send(struct target *t, uint8_t *buf, size_t len, bool faultable)
{
	struct faults *f = &t->faults;
	bool dup = false;
	uint64_t delay_ns = 0;

	if (faultable) {
		dup = fault_roll(f, FAULT_DUP, f->cfg.dup_ppm);
		if (fault_roll(f, FAULT_REORDER, f->cfg.reorder_ppm)) {
			hold_for_reorder(t, buf, len, dup);
			return;
		}
		if (f->cfg.delay_ms || f->cfg.jitter_ms)
			delay_ns = fault_delay_ns(f);
	}
	if (delay_ns) {
		hold_for_delay(t, buf, len, dup, delay_ns);
		return;
	}
	emit(t, buf, len, dup);
	reorder_tick(t);
}

/*
 * ggaoed cuts an AoE error answer to its AoE header; the kvblade, qaoed and
 * ggaoed TX ring leave short frames unpadded (on veth nobody pads them).
 * The codec always pads, so the padding is taken off here.
 */
void resp_answer(struct target *t, uint8_t *buf, size_t len, size_t bare_len,
		 const struct aoe_addr *a, bool faultable)
{
	size_t hdr = tgt_hdr_len(a);

	if ((a->flags & AOE_FLAG_ERR) && bare_len > hdr && quirk_use(t, QUIRK_ERR_HDR_ONLY)) {
		/* What followed the header becomes padding: zeros, as the
		 * codec's. (Every header is shorter than the minimum frame.) */
		bare_len = hdr;
		len = AOE_ETH_ZLEN;
		memset(buf + hdr, 0, len - hdr);
	}
	if (bare_len < len && quirk_use(t, QUIRK_NO_PAD))
		len = bare_len;
	resp_send(t, buf, len, faultable);
}

void resp_release_due(struct target *t)
{
	struct held_frame *h;

	while ((h = held_heap_pop_due(&t->delayed, t->now_ns))) {
		emit(t, h->data, h->len, h->dup);
		free(h);
		reorder_tick(t);
	}
	/* Reordered answers are queued in order of their deadlines. */
	while (t->reordered.head && t->reordered.head->due_ns <= t->now_ns) {
		h = held_fifo_pop(&t->reordered);
		emit(t, h->data, h->len, h->dup);
		free(h);
	}
}

static int flush_batch(struct target *t)
{
	unsigned int dropped;
	int n = pkt_tx_flush(&t->io, &dropped);

	t->stats.answers_tx_dropped += dropped;
	if (n >= 0) {
		t->stats.answers_sent += (unsigned int)n;
		return pkt_tx_pending(&t->io) ? -EAGAIN : 0;
	}
	if (n != -EAGAIN) {
		pr_debug("sendmmsg failed, %u answers lost: %s\n", dropped, strerror(-n));
		return 0;
	}
	return -EAGAIN;
}

int resp_flush(struct target *t)
{
	int err = flush_batch(t);

	while (!err && t->backlog.count) {
		struct held_frame *h;
		uint8_t *dst;

		while (t->backlog.count && (dst = pkt_tx_buf(&t->io))) {
			h = held_fifo_pop(&t->backlog);
			memcpy(dst, h->data, h->len);
			pkt_tx_commit(&t->io, h->len);
			free(h);
		}
		err = flush_batch(t);
	}
	return err;
}

uint64_t resp_next_due(const struct target *t)
{
	const struct held_frame *top = held_heap_top(&t->delayed);
	uint64_t due = top ? top->due_ns : UINT64_MAX;

	if (t->reordered.head && t->reordered.head->due_ns < due)
		due = t->reordered.head->due_ns;
	return due;
}

void resp_free_held(struct target *t)
{
	held_heap_free(&t->delayed);
	held_fifo_free(&t->reordered);
	held_fifo_free(&t->backlog);
}

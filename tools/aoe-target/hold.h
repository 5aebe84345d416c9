/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Answers that are not sent at once: delayed ones wait in a min-heap ordered
 * by due time, reordered ones and the TX backlog wait in FIFOs.
 */
#ifndef AOE_TARGET_HOLD_H
#define AOE_TARGET_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct held_frame {
	struct held_frame *next;	/* FIFO link */
	uint64_t due_ns;		/* CLOCK_MONOTONIC */
	uint64_t seq;			/* keeps equal due times in arrival order */
	unsigned int countdown;		/* reorder: later answers still to go out */
	bool dup;			/* send twice when released */
	size_t len;
	uint8_t data[];
};

struct held_fifo {
	struct held_frame *head, *tail;
	unsigned int count;
};

struct held_heap {
	struct held_frame **v;
	unsigned int count, cap;
};

/* A copy of len bytes of frame, or NULL when out of memory. */
struct held_frame *held_new(const void *frame, size_t len);

void held_fifo_push(struct held_fifo *q, struct held_frame *h);
struct held_frame *held_fifo_pop(struct held_fifo *q);
void held_fifo_free(struct held_fifo *q);

int held_heap_push(struct held_heap *hp, struct held_frame *h);
/* The earliest frame if it is due at now_ns, else NULL. */
struct held_frame *held_heap_pop_due(struct held_heap *hp, uint64_t now_ns);
static inline const struct held_frame *held_heap_top(const struct held_heap *hp)
{
	return hp->count ? hp->v[0] : NULL;
}
void held_heap_free(struct held_heap *hp);

#endif /* AOE_TARGET_HOLD_H */

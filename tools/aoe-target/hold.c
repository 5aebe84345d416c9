// SPDX-License-Identifier: GPL-2.0
/* Held answers: a binary min-heap for delays, FIFOs for the rest. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hold.h"

#define HEAP_MIN_CAP	64

struct held_frame *held_new(const void *frame, size_t len)
{
	struct held_frame *h = malloc(sizeof(*h) + len);

	if (!h)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->len = len;
	memcpy(h->data, frame, len);
	return h;
}

void held_fifo_push(struct held_fifo *q, struct held_frame *h)
{
	h->next = NULL;
	if (q->tail)
		q->tail->next = h;
	else
		q->head = h;
	q->tail = h;
	q->count++;
}

struct held_frame *held_fifo_pop(struct held_fifo *q)
{
	struct held_frame *h = q->head;

	if (!h)
		return NULL;
	q->head = h->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	return h;
}

void held_fifo_free(struct held_fifo *q)
{
	struct held_frame *h;

	while ((h = held_fifo_pop(q)))
		free(h);
}

static bool earlier(const struct held_frame *a, const struct held_frame *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void swap(struct held_frame **a, struct held_frame **b)
{
	struct held_frame *t = *a;

	*a = *b;
	*b = t;
}

int held_heap_push(struct held_heap *hp, struct held_frame *h)
{
	unsigned int i;

	if (hp->count == hp->cap) {
		unsigned int cap = hp->cap ? hp->cap * 2 : HEAP_MIN_CAP;
		struct held_frame **v = realloc(hp->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		hp->v = v;
		hp->cap = cap;
	}
	i = hp->count++;
	hp->v[i] = h;
	while (i && earlier(hp->v[i], hp->v[(i - 1) / 2])) {
		swap(&hp->v[i], &hp->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	return 0;
}

static void sift_down(struct held_heap *hp)
{
	unsigned int i = 0;

	for (;;) {
		unsigned int l = 2 * i + 1, r = l + 1, m = i;

		if (l < hp->count && earlier(hp->v[l], hp->v[m]))
			m = l;
		if (r < hp->count && earlier(hp->v[r], hp->v[m]))
			m = r;
		if (m == i)
			return;
		swap(&hp->v[i], &hp->v[m]);
		i = m;
	}
}

struct held_frame *held_heap_pop_due(struct held_heap *hp, uint64_t now_ns)
{
	struct held_frame *h;

	if (!hp->count || hp->v[0]->due_ns > now_ns)
		return NULL;
	h = hp->v[0];
	hp->v[0] = hp->v[--hp->count];
	sift_down(hp);
	return h;
}

void held_heap_free(struct held_heap *hp)
{
	for (unsigned int i = 0; i < hp->count; i++)
		free(hp->v[i]);
	free(hp->v);
	hp->v = NULL;
	hp->count = hp->cap = 0;
}

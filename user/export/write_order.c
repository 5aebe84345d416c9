// SPDX-License-Identifier: GPL-2.0
/* Write ordering: which write waits for which (see write_order.h). */
#include "write_order.h"

void write_order_init(struct write_order *wo, void (*start)(struct ordered_write *, void *),
		      void *ctx)
{
	list_init(&wo->started);
	list_init(&wo->waiting);
	wo->start = start;
	wo->ctx = ctx;
	wo->scanning = false;
}

/* Same device, shared sectors, and one of the two rewrites around its data. */
static bool writes_conflict(const struct ordered_write *a, const struct ordered_write *b)
{
	return (a->rmw || b->rmw) && a->dev == b->dev &&
	       a->lba < b->lba + b->nsect && b->lba < a->lba + a->nsect;
}

/* Whether w conflicts with a write on list h before stop (NULL: all of h). */
static bool conflicts_on(const struct ordered_write *w, const struct list_node *h,
			 const struct list_node *stop)
{
	for (const struct list_node *p = h->next; p != h && p != stop; p = p->next)
		if (writes_conflict(w, container_of(p, const struct ordered_write, node)))
			return true;
	return false;
}

static void write_start(struct write_order *wo, struct ordered_write *w)
{
	list_add_tail(&wo->started, &w->node);
	wo->start(w, wo->ctx);
}

/*
 * Starts the waiting writes that nothing started or waiting before them
 * holds back. Every start ends a pass and the scan begins again, since a
 * start may finish at once (a device that is down) and change the lists.
 * That finish comes back here through write_order_done(): the inner call
 * returns at once, the outer scan sees what it would have.
 */
static void writes_unblock(struct write_order *wo)
{
	bool again = true;

	if (wo->scanning)
		return;
	wo->scanning = true;
	while (again) {
		again = false;
		for (struct list_node *p = wo->waiting.next; p != &wo->waiting; p = p->next) {
			struct ordered_write *w = container_of(p, struct ordered_write, node);

			if (conflicts_on(w, &wo->started, NULL) || conflicts_on(w, &wo->waiting, p))
				continue;
			list_del(&w->node);
			write_start(wo, w);
			again = true;
			break;
		}
	}
	wo->scanning = false;
}

void write_order_arrive(struct write_order *wo, struct ordered_write *w)
{
	/* After every waiting write it meets, so arrival order holds. */
	if (conflicts_on(w, &wo->started, NULL) || conflicts_on(w, &wo->waiting, NULL))
		list_add_tail(&wo->waiting, &w->node);
	else
		write_start(wo, w);
}

void write_order_done(struct write_order *wo, struct ordered_write *w)
{
	list_del(&w->node);
	writes_unblock(wo);
}

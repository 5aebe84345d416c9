/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Write ordering for an export whose writes need not be whole sectors.
 *
 * A read-modify-write (RMW) rewrites whole sectors, the bytes around the
 * caller's included, so another write into those sectors between its read
 * and its write would be undone. The kernel serializes plain writes to a
 * file but not asynchronous direct ones (libaio or io_uring on an O_DIRECT
 * descriptor), so a write whose sectors meet those of an earlier write still
 * in progress, where either of the two is an RMW, waits for it. Whole-sector
 * writes among themselves go out at once, as on a block device. Writes that
 * wait start in the order they arrived, each as soon as nothing earlier
 * that it meets is in progress or waiting.
 *
 * No I/O happens here: the owner says when a write arrives and when it is
 * done, and is called back when one may start.
 */
#ifndef AOE_WRITE_ORDER_H
#define AOE_WRITE_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"

struct aoe_dev;

/* One write, embedded in the owner's request. */
struct ordered_write {
	const struct aoe_dev *dev;	/* writes to different devices never meet */
	uint64_t lba;			/* the sectors it rewrites */
	uint32_t nsect;
	bool rmw;
	struct list_node node;		/* on started or waiting */
};

struct write_order {
	struct list_node started;	/* started, not done */
	struct list_node waiting;	/* in arrival order */
	/* Called when w may go; w counts as started from then on. It may
	 * call write_order_done(w) before it returns (a write that fails at
	 * once). */
	void (*start)(struct ordered_write *w, void *ctx);
	void *ctx;
	bool scanning;			/* in the scan that starts waiting writes */
};

void write_order_init(struct write_order *wo, void (*start)(struct ordered_write *, void *),
		      void *ctx);
/* A new write, its fields filled in: started now, or when what it meets
 * is done. */
void write_order_arrive(struct write_order *wo, struct ordered_write *w);
/* A started write finished (done or failed): the writes it held back
 * start, in arrival order. */
void write_order_done(struct write_order *wo, struct ordered_write *w);

#endif /* AOE_WRITE_ORDER_H */

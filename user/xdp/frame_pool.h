/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UMEM TX chunks play the part of the kernel aoe driver's skbs (the seed
 * patch, in user space). A chunk on the TX ring belongs to the kernel until
 * its address comes back on the completion ring, so it is never rewritten
 * before then: a retransmit takes another chunk.
 *
 *  - Each path (target x interface) owns a set of chunks sized to the
 *    target's window, taken when the path is made, never on the I/O path.
 *  - When all of a path's chunks are held, a spare comes from the device's
 *    pool, which grows on demand from the interface's UMEM up to a cap
 *    (the seed's NSKBPOOLMAX, default 128 per device).
 *  - Past the cap the device is marked to be kicked: it stops sending and
 *    resumes when completions return chunks.
 */
#ifndef AOE_FRAME_POOL_H
#define AOE_FRAME_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "umem.h"

#define POOL_MAX_DEFAULT	128
#define POOL_MAX_IFACES		8	/* interfaces one engine serves */

struct frame_pool;

/* Chunks with one home: a path's own set, or one interface's share of a
 * device pool. */
struct txpool {
	struct umem_area *umem;
	struct frame_pool *dev;	/* device whose counters this set feeds */
	uint64_t *stack;	/* free chunks */
	uint32_t nfree;
	uint32_t size;		/* chunks that live here, free or held */
	uint32_t cap;
	uint32_t held;		/* taken and not yet given back */
	bool is_spare;		/* part of the device pool (grows on demand) */
};

/* Per device: spares per interface, one cap across them, counters. */
struct frame_pool {
	uint32_t cap;		/* --pool-max */
	uint32_t size;		/* spares taken from UMEMs so far */
	uint32_t high_water;	/* largest size reached */
	uint32_t held;		/* chunks of this device the kernel holds now */
	uint64_t kicks;		/* times a frame waited: pool at cap */
	bool kick_pending;	/* waiting for completions to send again */
	bool spare_taken;	/* a spare went out since the last shrink check */
	uint64_t shrunk;	/* spares given back to the UMEM after bursts */
	struct txpool spare[POOL_MAX_IFACES];
};

int frame_pool_init(struct frame_pool *fp, uint32_t cap);
/* Gives back every spare; chunks the kernel still holds go home to their
 * UMEM when their completion comes. */
void frame_pool_destroy(struct frame_pool *fp);
/* Binds the device's spare set for interface slot `ifslot` to that UMEM. */
int frame_pool_add_iface(struct frame_pool *fp, unsigned int ifslot, struct umem_area *u);
void frame_pool_del_iface(struct frame_pool *fp, unsigned int ifslot);

/* A path's own set of `n` chunks from u (at path creation). */
int txpool_init_path(struct txpool *p, struct frame_pool *dev, struct umem_area *u,
		     uint32_t n);
void txpool_destroy(struct txpool *p);

/*
 * A chunk for the next frame on a path: the path's own set first, then the
 * device pool's spares for that interface, growing them up to the cap.
 * -EAGAIN when fp is at its cap (it is then marked kick_pending).
 */
int frame_pool_get(struct frame_pool *fp, struct txpool *path, unsigned int ifslot,
		   uint64_t *addr);
/*
 * After a burst: when no spare was taken since the last call, the free
 * spares go back to their UMEMs (those the kernel holds stay until they
 * come back, and are kept then). Returns how many went back.
 */
uint32_t frame_pool_shrink(struct frame_pool *fp);
/* The kernel gave the chunk back (completion ring), or it never left. */
void frame_pool_complete(struct umem_area *u, uint64_t addr);

#endif /* AOE_FRAME_POOL_H */

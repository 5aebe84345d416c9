// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame_pool.h"

static int txpool_alloc(struct txpool *p, struct frame_pool *dev, struct umem_area *u,
			uint32_t cap, bool is_spare)
{
	memset(p, 0, sizeof(*p));
	p->stack = calloc(cap ? cap : 1, sizeof(*p->stack));
	if (!p->stack)
		return -ENOMEM;
	p->umem = u;
	p->dev = dev;
	p->cap = cap;
	p->is_spare = is_spare;
	return 0;
}

/* Moves one chunk from the UMEM's free stack into p (as a free chunk). */
static int txpool_grow(struct txpool *p)
{
	uint64_t addr;
	int err;

	if (p->size >= p->cap)
		return -ENOSPC;
	err = umem_chunk_get(p->umem, &addr);
	if (err)
		return err;
	p->umem->home[umem_chunk_index(addr)] = p;
	p->stack[p->nfree++] = addr;
	p->size++;
	return 0;
}

int txpool_init_path(struct txpool *p, struct frame_pool *dev, struct umem_area *u,
		     uint32_t n)
{
	int err = txpool_alloc(p, dev, u, n, false);

	for (uint32_t i = 0; !err && i < n; i++)
		err = txpool_grow(p);
	if (err)
		txpool_destroy(p);
	return err;
}

void txpool_destroy(struct txpool *p)
{
	struct umem_area *u = p->umem;

	if (!p->stack)
		return;
	while (p->nfree)
		umem_chunk_put(u, p->stack[--p->nfree]);
	/* Chunks still on a ring go straight to the UMEM when they complete. */
	for (uint32_t i = 0; p->held && i < u->nchunks; i++) {
		if (u->home[i] == p) {
			u->home[i] = NULL;
			p->held--;
			if (p->dev)
				p->dev->held--;
		}
	}
	if (p->is_spare && p->dev)
		p->dev->size -= p->size;
	free(p->stack);
	memset(p, 0, sizeof(*p));
}

int frame_pool_init(struct frame_pool *fp, uint32_t cap)
{
	memset(fp, 0, sizeof(*fp));
	fp->cap = cap;
	return 0;
}

int frame_pool_add_iface(struct frame_pool *fp, unsigned int ifslot, struct umem_area *u)
{
	if (ifslot >= POOL_MAX_IFACES)
		return -EINVAL;
	if (fp->spare[ifslot].stack)
		return 0;
	/* Any one interface may end up holding the whole cap. */
	return txpool_alloc(&fp->spare[ifslot], fp, u, fp->cap, true);
}

void frame_pool_del_iface(struct frame_pool *fp, unsigned int ifslot)
{
	if (ifslot < POOL_MAX_IFACES)
		txpool_destroy(&fp->spare[ifslot]);
}

void frame_pool_destroy(struct frame_pool *fp)
{
	for (unsigned int i = 0; i < POOL_MAX_IFACES; i++)
		txpool_destroy(&fp->spare[i]);
}

static int txpool_take(struct txpool *p, uint64_t *addr)
{
	if (!p->nfree)
		return -EAGAIN;
	*addr = p->stack[--p->nfree];
	p->held++;
	if (p->dev)
		p->dev->held++;
	return 0;
}

int frame_pool_get(struct frame_pool *fp, struct txpool *path, unsigned int ifslot,
		   uint64_t *addr)
{
	struct txpool *spare;

	if (!txpool_take(path, addr))
		return 0;
	if (!fp || ifslot >= POOL_MAX_IFACES || !fp->spare[ifslot].stack)
		return -EAGAIN;
	spare = &fp->spare[ifslot];
	fp->spare_taken = true;
	if (!txpool_take(spare, addr))
		return 0;
	if (fp->size < fp->cap && !txpool_grow(spare)) {
		fp->size++;
		if (fp->size > fp->high_water)
			fp->high_water = fp->size;
		return txpool_take(spare, addr);
	}
	fp->kicks++;
	fp->kick_pending = true;
	return -EAGAIN;
}

uint32_t frame_pool_shrink(struct frame_pool *fp)
{
	uint32_t n = 0;

	if (fp->spare_taken) {
		fp->spare_taken = false;
		return 0;
	}
	for (unsigned int i = 0; i < POOL_MAX_IFACES; i++) {
		struct txpool *p = &fp->spare[i];

		while (p->nfree) {
			umem_chunk_put(p->umem, p->stack[--p->nfree]);
			p->size--;
			fp->size--;
			n++;
		}
	}
	fp->shrunk += n;
	return n;
}

void frame_pool_complete(struct umem_area *u, uint64_t addr)
{
	uint32_t idx = umem_chunk_index(addr);
	struct txpool *p;

	if (idx >= u->nchunks)
		return;	/* not ours: the kernel never returns these */
	p = u->home[idx];
	if (!p) {
		umem_chunk_put(u, addr);
		return;
	}
	p->held--;
	if (p->dev)
		p->dev->held--;
	p->stack[p->nfree++] = addr;
}

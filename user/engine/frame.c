// SPDX-License-Identifier: GPL-2.0
/*
 * Frames: the table of AoE commands in flight, their tags, and how one is
 * built into UMEM chunks and put on a TX ring.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"

/*
 * Each slot's generation starts at a random value and moves on by a random
 * odd step of its own on every send: odd, so it runs through all 2^15
 * values before it repeats, and random, so the next tag cannot be guessed
 * from the last one.
 */
int frame_table_init(struct frame_table *ft, uint32_t n, struct aoe_engine *e)
{
	if (n > TAG_DISCOVER_IDX)
		return -EINVAL;	/* the discovery tag's index is never a frame's */
	ft->f = calloc(n, sizeof(*ft->f));
	ft->free = calloc(n, sizeof(*ft->free));
	ft->placed = calloc(n, sizeof(*ft->placed));
	if (!ft->f || !ft->free || !ft->placed) {
		frame_table_fini(ft);
		return -ENOMEM;
	}
	ft->n = n;
	for (uint32_t i = 0; i < n; i++) {
		ft->free[i] = i;
		ft->f[i].gen = engine_random(e) & TAG_GEN_MASK;
		ft->f[i].step = (engine_random(e) | 1) & TAG_GEN_MASK;
	}
	ft->head = 0;
	ft->nfree = n;
	return 0;
}

void frame_table_fini(struct frame_table *ft)
{
	free(ft->f);
	free(ft->free);
	free(ft->placed);
	memset(ft, 0, sizeof(*ft));
}

struct aoe_frame *frame_alloc(struct aoe_engine *e)
{
	struct aoe_frame *f;
	uint32_t gen, step;

	if (!e->ft.nfree)
		return NULL;
	f = &e->ft.f[e->ft.free[e->ft.head]];
	e->ft.head = (e->ft.head + 1) % e->ft.n;
	e->ft.nfree--;
	gen = f->gen;	/* both survive reuse: see frame_retag() */
	step = f->step;
	memset(f, 0, sizeof(*f));
	f->gen = gen;
	f->step = step;
	list_init(&f->node);
	list_init(&f->copies);
	return f;
}

void frame_release(struct aoe_engine *e, struct aoe_frame *f)
{
	copy_orphan_all(f);
	f->tag = 0;
	f->req = NULL;
	e->ft.free[(e->ft.head + e->ft.nfree) % e->ft.n] = (uint32_t)(f - e->ft.f);
	e->ft.nfree++;
}

/*
 * A new tag for f: the slot's next generation that no copy on record
 * still carries, so no tag is used again while an answer to it could
 * still arrive (and a stale answer never completes another request).
 */
void frame_retag(struct aoe_engine *e, struct aoe_frame *f)
{
	uint32_t idx = (uint32_t)(f - e->ft.f);

	do {
		f->gen = (f->gen + f->step) & TAG_GEN_MASK;
		f->tag = tag_make(f->gen, idx);
	} while (copy_tag_in_use(e, f->tag));
}

uint8_t frame_rw_cmd(const struct aoe_dev *d, bool write)
{
	if (d->id.lba48)
		return write ? ATA_CMD_WRITE_EXT : ATA_CMD_READ_EXT;
	return write ? ATA_CMD_WRITE : ATA_CMD_READ;
}

static void frame_ata_args(const struct aoe_frame *f, struct aoe_ata_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cmdstat = f->ata_cmd;
	switch (f->ata_cmd) {
	case ATA_CMD_READ_EXT:
	case ATA_CMD_WRITE_EXT:
		a->aflags = AOE_AFL_EXT;
		a->lba = f->lba;
		break;
	case ATA_CMD_READ:
	case ATA_CMD_WRITE:
		a->lba = aoe_lba28_encode((uint32_t)f->lba);
		break;
	case ATA_CMD_FLUSH_EXT:
		a->aflags = AOE_AFL_EXT;
		break;
	default:
		break;
	}
	if (f->ata_cmd == ATA_CMD_WRITE_EXT || f->ata_cmd == ATA_CMD_WRITE)
		a->aflags |= AOE_AFL_WRITE;
	if (f->ata_cmd == ATA_CMD_IDENTIFY)
		a->scnt = 1;
	else if (f->nsect)
		a->scnt = (uint8_t)f->nsect;
}

bool frame_is_write(const struct aoe_frame *f)
{
	return f->ata_cmd == ATA_CMD_WRITE_EXT || f->ata_cmd == ATA_CMD_WRITE;
}

/* One chunk: an IDENTIFY (check or probe) from the UMEM's control reserve,
 * which no device's I/O can exhaust; I/O from the path and the pool. */
static int take_chunk(struct aoe_path *path, bool probe, uint64_t *addr)
{
	struct aoe_dev *d = path->t->dev;

	if (probe) {
		if (!umem_chunk_get_ctl(&path->ifc->umem, addr))
			return 0;
		limit_hit(d->eng, LIMIT_CTL_UMEM, d->name, path->ifc->name);
		return -EAGAIN;
	}
	if (frame_pool_get(&d->pool, &path->tx, path->ifc->slot, addr))
		return -EAGAIN;
	if (d->pool.size)
		limits_wake(d->eng);	/* spares to give back after the burst */
	return 0;
}

/* Chunks for one frame of len bytes; on failure none are kept. */
static int take_chunks(struct aoe_path *path, bool probe, unsigned int n, uint64_t *addr)
{
	for (unsigned int i = 0; i < n; i++) {
		if (take_chunk(path, probe, &addr[i])) {
			while (i--)
				frame_pool_complete(&path->ifc->umem, addr[i]);
			return -EAGAIN;
		}
	}
	return 0;
}

/*
 * Builds f into fresh TX chunks of path (one, or several on a multi-buffer
 * socket for jumbo frames) and puts it on the TX ring. Chunks the kernel
 * may still hold are never reused: each send takes new ones.
 */
int frame_send(struct aoe_engine *e, struct aoe_frame *f, struct aoe_path *path)
{
	struct aoe_target *t = path->t;
	struct aoe_dev *d = t->dev;
	struct aoe_iface *ifc = path->ifc;
	size_t data_len = frame_is_write(f) ? (size_t)f->nsect * ATA_SECTOR_SIZE : 0;
	size_t hdr_len = aoe_ata_data_offset(path->has_vlan), len, done;
	uint64_t addr[XSK_MAX_SEGS];
	uint32_t seg_len[XSK_MAX_SEGS];
	unsigned int nseg;
	struct aoe_ata_args ata;
	struct aoe_addr a;
	int built;

	len = hdr_len + data_len < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : hdr_len + data_len;
	nseg = (unsigned int)((len + UMEM_CHUNK_SIZE - 1) / UMEM_CHUNK_SIZE);
	if (nseg > XSK_MAX_SEGS || take_chunks(path, f->probe, nseg, addr))
		return -EAGAIN;
	memset(&a, 0, sizeof(a));
	memcpy(a.dst, t->mac, AOE_ETH_ALEN);
	memcpy(a.src, ifc->mac, AOE_ETH_ALEN);
	a.has_vlan = path->has_vlan;
	a.vlan = path->vlan;
	a.shelf = d->shelf;
	a.slot = d->slot;
	a.tag = f->tag;
	frame_ata_args(f, &ata);
	/* The builder writes the header (and pads short frames) in the first
	 * chunk only; the data that follows is laid out chunk by chunk. */
	built = aoe_build_ata_hdr(umem_ptr(&ifc->umem, addr[0]), len, &a, &ata, data_len);
	for (unsigned int i = 0, off = 0; i < nseg; i++, off += UMEM_CHUNK_SIZE)
		seg_len[i] = (uint32_t)(len - off < UMEM_CHUNK_SIZE ? len - off : UMEM_CHUNK_SIZE);
	/* The data goes in before the descriptors are published: from then on
	 * the kernel (or a zero-copy NIC) may read the chunks at any moment. */
	done = 0;
	for (unsigned int i = 0; i < nseg && data_len; i++) {
		size_t at = i ? 0 : hdr_len, n = seg_len[i] - at;

		if (n > data_len - done)
			n = data_len - done;
		memcpy((uint8_t *)umem_ptr(&ifc->umem, addr[i]) + at, f->req->buf + f->off + done, n);
		done += n;
	}
	if (data_len) {
		e->loop.copies++;
		e->loop.copy_bytes += data_len;
	}
	if (built < 0 || iface_tx(ifc, addr, seg_len, nseg) < 0) {
		for (unsigned int i = 0; i < nseg; i++)
			frame_pool_complete(&ifc->umem, addr[i]);
		return -EAGAIN;
	}
	f->path = path;
	stages_placed(e, f);
	f->sent_ns = e->now_ns;
	if (!f->first_ns)
		f->first_ns = e->now_ns;
	f->deadline_ns = e->now_ns + (uint64_t)rtt_backoff_us(&t->rtt, f->rtos) * NSEC_PER_USEC;
	if (f->deadline_ns < e->next_timer_ns)
		e->next_timer_ns = f->deadline_ns;
	list_add_tail(&t->inflight, &f->node);
	f->seq = window_on_send(&t->win);
	t->st.frames++;
	path->frames++;
	d->st.frames++;
	return 0;
}

uint32_t frame_units(const struct aoe_frame *f)
{
	if (f->ata_cmd == ATA_CMD_READ_EXT || f->ata_cmd == ATA_CMD_READ || frame_is_write(f))
		return f->nsect;
	return 1;
}

/* Retransmits first (they hold up requests), each to the best path,
 * avoiding the target that failed them when another one can serve. */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One UMEM per interface: a locked memory area cut into chunks, registered
 * with AF_XDP through libxdp. Chunks are handed out once (RX fill, TX sets)
 * and come back to their home set when the kernel returns them.
 *
 * Why per interface and not one shared UMEM: libxdp binds the first socket
 * on the UMEM's own fd and can never unbind it, so detaching that interface
 * would break every other one.
 */
#ifndef AOE_UMEM_H
#define AOE_UMEM_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/xsk.h>

#define UMEM_CHUNK_SIZE		4096u
/* Headroom the kernel keeps in front of an RX frame; the largest frame one
 * chunk holds is UMEM_CHUNK_SIZE - XDP_PACKET_HEADROOM (3840 bytes). */
#define UMEM_RX_HEADROOM	256u
#define UMEM_RX_FRAME_MAX	(UMEM_CHUNK_SIZE - UMEM_RX_HEADROOM)

struct txpool;

struct umem_area {
	uint8_t *base;
	uint64_t size;
	uint32_t nchunks;
	uint64_t *free;		/* stack of free chunk addresses */
	uint32_t nfree;
	struct txpool **home;	/* per chunk: set it returns to, NULL = free stack */
	/* Chunks umem_chunk_get() leaves for umem_chunk_get_ctl(): control
	 * frames (discovery, IDENTIFY, probes, admin) always find one, however
	 * many the devices' paths and pools took. */
	uint32_t reserve;
	bool locked;		/* mlock succeeded */
	bool simulated;		/* no xsk_umem (unit tests) */
	struct xsk_umem *xsk;
	/* Rings made with the UMEM; libxdp copies them into the first socket. */
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
};

/*
 * Maps and locks nchunks chunks and registers them with AF_XDP (fill and
 * completion rings of fill_size/comp_size). With register_xsk false the
 * area is only memory (for unit tests of the pools).
 */
int umem_create(struct umem_area *u, uint32_t nchunks, uint32_t fill_size,
		uint32_t comp_size, bool register_xsk);
void umem_destroy(struct umem_area *u);

static inline void *umem_ptr(const struct umem_area *u, uint64_t addr)
{
	return u->base + addr;
}

static inline uint32_t umem_chunk_index(uint64_t addr)
{
	return (uint32_t)(addr / UMEM_CHUNK_SIZE);
}

/* Takes a free chunk off the stack, leaving the reserve: 0 or -ENOBUFS. */
int umem_chunk_get(struct umem_area *u, uint64_t *addr);
/* The same for a control frame: may take the reserve's last chunk. */
int umem_chunk_get_ctl(struct umem_area *u, uint64_t *addr);
void umem_chunk_put(struct umem_area *u, uint64_t addr);

#endif /* AOE_UMEM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interface the engine uses: the classifier attached to it, its UMEM and
 * one AF_XDP socket per RX queue.
 */
#ifndef AOE_IFACE_H
#define AOE_IFACE_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "aoe_wire.h"
#include "umem.h"
#include "xdp_prog.h"
#include "xsk.h"

#define IFACE_TX_CHUNKS_DEFAULT	4096	/* UMEM chunks for sending, per interface */

struct aoe_iface;

/*
 * Where a simulated interface's frames go: unit tests and fuzzers run the
 * engine with no network. tx() gets each frame as the chunks it occupies
 * (read them with umem_ptr()) and owns them until it hands each back with
 * frame_pool_complete(), as the kernel's completion ring would.
 */
struct iface_sink {
	int (*tx)(void *ctx, struct aoe_iface *ifc, const uint64_t *addr, const uint32_t *len,
		  unsigned int n);
	void *ctx;
};

struct aoe_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[AOE_ETH_ALEN];
	uint32_t mtu;
	unsigned int slot;	/* index in the engine's table, and in frame pools */
	struct xdp_prog prog;
	struct umem_area umem;
	uint32_t nqueues;
	bool sg;		/* every socket takes frames that span chunks */
	struct xsk_sock *socks;
	uint32_t next_tx;	/* socket the next frame goes out on */
	struct iface_sink sink;	/* set: simulated, no XDP and no sockets */
	int announce_fd;	/* unsolicited config answers (announce.h), or -1 */
};

/* Attaches the classifier and opens one socket per RX queue. */
int iface_open(struct aoe_iface *ifc, const char *name, unsigned int slot,
	       enum aoe_xdp_mode mode, uint32_t tx_chunks);
/* A simulated interface: UMEM in plain memory, frames to sink. */
int iface_open_sim(struct aoe_iface *ifc, const char *name, unsigned int slot,
		   const uint8_t mac[AOE_ETH_ALEN], uint32_t mtu, uint32_t tx_chunks,
		   const struct iface_sink *sink);
void iface_close(struct aoe_iface *ifc);
/* Puts one frame (n chunks) on a TX ring: 0 or -EAGAIN. */
int iface_tx(struct aoe_iface *ifc, const uint64_t *addr, const uint32_t *len, unsigned int n);
/* Re-reads the MAC and the MTU (they may change while attached). */
int iface_refresh(struct aoe_iface *ifc);
/* The MTU alone: one ioctl, cheap enough to ask every second. */
int iface_refresh_mtu(struct aoe_iface *ifc);

/* Largest AoE frame this interface can carry: what the MTU allows, within
 * one UMEM chunk, or XSK_MAX_SEGS of them with multi-buffer sockets. */
static inline uint32_t iface_frame_max(const struct aoe_iface *ifc)
{
	uint32_t l2 = ifc->mtu + 14;	/* MTU counts from after the Ethernet header */
	uint32_t cap = ifc->sg ? XSK_MAX_SEGS * UMEM_RX_FRAME_MAX : UMEM_RX_FRAME_MAX;

	return l2 < cap ? l2 : cap;
}


#endif /* AOE_IFACE_H */

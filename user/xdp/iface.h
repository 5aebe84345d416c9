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

#include "umem.h"
#include "xdp_prog.h"
#include "xsk.h"

#define IFACE_TX_CHUNKS_DEFAULT	4096	/* UMEM chunks for sending, per interface */

struct aoe_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	unsigned int slot;	/* index in the engine's table, and in frame pools */
	struct xdp_prog prog;
	struct umem_area umem;
	uint32_t nqueues;
	bool sg;		/* every socket takes frames that span chunks */
	struct xsk_sock *socks;
	uint32_t next_tx;	/* socket the next frame goes out on */
};

/* Attaches the classifier and opens one socket per RX queue. */
int iface_open(struct aoe_iface *ifc, const char *name, unsigned int slot,
	       enum aoe_xdp_mode mode, uint32_t tx_chunks);
void iface_close(struct aoe_iface *ifc);
/* Re-reads the MTU (it may change while attached). */
int iface_refresh(struct aoe_iface *ifc);

/* Largest AoE frame this interface can carry: what the MTU allows, within
 * one UMEM chunk, or XSK_MAX_SEGS of them with multi-buffer sockets. */
static inline uint32_t iface_frame_max(const struct aoe_iface *ifc)
{
	uint32_t l2 = ifc->mtu + 14;	/* MTU counts from after the Ethernet header */
	uint32_t cap = ifc->sg ? XSK_MAX_SEGS * UMEM_RX_FRAME_MAX : UMEM_RX_FRAME_MAX;

	return l2 < cap ? l2 : cap;
}

static inline struct xsk_sock *iface_tx_sock(struct aoe_iface *ifc)
{
	struct xsk_sock *s = &ifc->socks[ifc->next_tx];

	if (++ifc->next_tx >= ifc->nqueues)
		ifc->next_tx = 0;
	return s;
}

#endif /* AOE_IFACE_H */

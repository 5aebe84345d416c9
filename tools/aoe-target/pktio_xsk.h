/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aoe-target's AF_XDP packet I/O (--io xdp): an XDP program steers AoE frames
 * into one AF_XDP socket on queue 0 with its own UMEM, in copy mode (veth,
 * any driver). RX is read in place from the UMEM (a frame in pieces, a
 * jumbo write, is gathered into one buffer first); TX copies the frames
 * pktio.c's batch built into UMEM chunks and sends them with one kick.
 * Used through pktio.h's functions, which pick this or AF_PACKET.
 *
 * One queue: frames the NIC steers to another RX queue pass the program
 * to no socket and go unanswered; veth has one queue unless made with more.
 */
#ifndef AOE_TARGET_PKTIO_XSK_H
#define AOE_TARGET_PKTIO_XSK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

#include "xsk_setup.h"

#define PKT_XSK_CHUNK		XSK_SETUP_CHUNK
#define PKT_XSK_RX_CHUNKS	2048u
#define PKT_XSK_TX_CHUNKS	2048u
#define PKT_XSK_RING		2048u
#define PKT_XSK_MAX_PIECES	8	/* a 9000-byte MTU frame spans 3 */

struct bench_xsk_bpf;

struct pkt_xsk {
	struct bench_xsk_bpf *skel;
	int ifindex;
	uint32_t xdp_flags;
	uint8_t *area;
	size_t area_size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t tx_free[PKT_XSK_TX_CHUNKS];
	uint32_t ntx_free;
	bool sg;
	/* The frame the last peek returned: its descriptors and data. */
	uint32_t rx_idx, rx_n;
	uint8_t *lin;		/* gathered pieces, frame_cap bytes */
	uint64_t dropped_seen;	/* kernel drop counters already reported */
};

struct pkt_io;

int pkt_xsk_open(struct pkt_io *io, const char *ifname, bool skb_mode, const char **what);
void pkt_xsk_close(struct pkt_io *io);
/* Data and length of the next frame (in place, or gathered), false if none. */
bool pkt_xsk_peek(struct pkt_io *io, const uint8_t **data, size_t *len, bool *truncated);
void pkt_xsk_release(struct pkt_io *io);
/* Sends up to count frames of lengths len[] at bufs[]; returns how many
 * went on the ring (the rest wait for completions). */
unsigned int pkt_xsk_send(struct pkt_io *io, uint8_t *const *bufs, const size_t *len,
			  unsigned int count);
unsigned int pkt_xsk_drops(struct pkt_io *io);

#endif /* AOE_TARGET_PKTIO_XSK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* One AF_XDP socket on one RX/TX queue of an interface (libxdp rings). */
#ifndef AOE_XSK_H
#define AOE_XSK_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/xsk.h>

#include "umem.h"

#define XSK_RING_SIZE		1024	/* RX, TX and completion rings */
#define XSK_FILL_SIZE		2048
#define XSK_RX_CHUNKS		1024	/* UMEM chunks each socket receives into */
#define XSK_BATCH		64
/* Pieces one frame may take (multi-buffer): 4 chunks carry a 9000 MTU. */
#define XSK_MAX_SEGS		4
/* Copy-mode TX sends at most 32 descriptors per kick. */
#define XSK_KICK_BUDGET		64

struct xsk_sock_stats {
	uint64_t rx_frames;
	uint64_t tx_frames;
	uint64_t tx_kicks;	/* sendto() calls: copy mode sends only from them */
	uint64_t fill_wakeups;	/* recvfrom() calls: the fill ring asked for one */
	uint64_t kicks_saved;	/* sendto() left out: the driver needed no wake-up */
	uint64_t tx_ring_full;	/* a frame waited for room on the TX ring */
	uint64_t kick_errors;
};

struct xsk_sock {
	struct umem_area *umem;
	uint32_t queue;
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	bool sg;		/* bound with XDP_USE_SG: frames may span chunks */
	bool rx_skip;		/* dropping the pieces of a frame too long to read */
	uint32_t tx_unkicked;	/* descriptors put on the ring since the last kick */
	uint32_t tx_inflight;	/* descriptors not yet completed */
	struct xsk_sock_stats st;
};

/* Creates the socket on ifname/queue over u, gives it XSK_RX_CHUNKS chunks
 * to receive into and enters it in the XSKMAP (xsks_map_fd). */
int xsk_sock_open(struct xsk_sock *s, const char *ifname, uint32_t queue,
		  struct umem_area *u, int xsks_map_fd);
void xsk_sock_close(struct xsk_sock *s);

/* Puts one frame on the TX ring, in n pieces (n > 1 only on an SG
 * socket): all or nothing, 0 or -EAGAIN. */
int xsk_sock_tx(struct xsk_sock *s, const uint64_t *addr, const uint32_t *len, unsigned int n);
/* Makes the kernel send what is on the TX ring (copy mode needs repeated
 * kicks). Returns 0 or -errno for a lasting error. */
int xsk_sock_kick(struct xsk_sock *s);
/* Returns completed TX chunks to their pools; returns how many. */
unsigned int xsk_sock_drain_completions(struct xsk_sock *s);

/* Received frames, in batches: peek, handle, then release (which hands
 * the chunks back to the fill ring). */
unsigned int xsk_sock_rx_peek(struct xsk_sock *s, unsigned int max, uint32_t *idx);
static inline const struct xdp_desc *xsk_sock_rx_desc(struct xsk_sock *s, uint32_t idx)
{
	return xsk_ring_cons__rx_desc(&s->rx, idx);
}
void xsk_sock_rx_release(struct xsk_sock *s, uint32_t idx, unsigned int n);
/* Something waits on the RX ring (no system call, for busy polling). */
static inline bool xsk_sock_rx_ready(struct xsk_sock *s)
{
	return xsk_cons_nb_avail(&s->rx, 1) > 0;
}
/* Gives back the last n peeked descriptors unread (a frame cut by the
 * batch); the next peek returns them again. */
static inline void xsk_sock_rx_unpeek(struct xsk_sock *s, unsigned int n)
{
	xsk_ring_cons__cancel(&s->rx, n);
}

#endif /* AOE_XSK_H */

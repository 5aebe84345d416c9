/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xsk-rtt's AF_XDP socket: one UMEM, one socket on queue 0, copy mode,
 * bench_xsk_rx steering one EtherType into it; or the XDP_TX reflector.
 * As little as an AF_XDP round trip can do: the reference the engine is
 * measured against.
 */
#ifndef XSK_RTT_SOCK_H
#define XSK_RTT_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

#include "xsk_setup.h"

#define RTT_CHUNK_SIZE	XSK_SETUP_CHUNK
#define RTT_RX_CHUNKS	2048u	/* chunks [0, RTT_RX_CHUNKS) receive */
#define RTT_TX_CHUNKS	2048u	/* the rest send */
#define RTT_RING_SIZE	2048u
#define RTT_FILL_SIZE	4096u

struct bench_xsk_bpf;

struct rtt_sock {
	struct bench_xsk_bpf *skel;
	int ifindex;
	uint32_t xdp_flags;
	uint8_t mac[6];
	uint8_t *area;
	size_t area_size;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	int fd;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t tx_free[RTT_TX_CHUNKS];
	uint32_t ntx_free;
	bool sg;		/* multi-buffer: answers may span chunks */
	uint64_t kicks;		/* sendto() calls */
};

/* Loads bench_xsk_rx for frames of ethertype on ifname (native mode, or
 * generic with skb_mode) and binds a copy-mode socket to queue 0. */
int rtt_sock_open(struct rtt_sock *s, const char *ifname, uint16_t ethertype, bool skb_mode);
void rtt_sock_close(struct rtt_sock *s);

/* Puts len bytes at chunk addr on the TX ring (submitted by rtt_sock_kick). */
int rtt_sock_put(struct rtt_sock *s, uint64_t addr, uint32_t len);
/* Submits what rtt_sock_put queued and makes the kernel send it. */
void rtt_sock_kick(struct rtt_sock *s, uint32_t queued);
/* Takes sent chunks back. */
void rtt_sock_reap(struct rtt_sock *s);
/* Hands a received chunk back to the kernel. */
void rtt_sock_refill(struct rtt_sock *s, const uint64_t *addr, uint32_t n);

/* The XDP_TX reflector on ifname until rtt_reflect_detach. */
int rtt_reflect_attach(struct rtt_sock *s, const char *ifname, bool skb_mode);
void rtt_reflect_detach(struct rtt_sock *s);

#endif /* XSK_RTT_SOCK_H */

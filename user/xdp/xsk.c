// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "xdp_compat.h"

#include "frame_pool.h"
#include "lib/log.h"
#include "xsk.h"

static uint64_t chunk_base(uint64_t addr)
{
	return addr & ~((uint64_t)UMEM_CHUNK_SIZE - 1);
}

static int xsk_sock_fill_initial(struct xsk_sock *s)
{
	uint32_t idx;
	uint64_t addr;

	if (xsk_ring_prod__reserve(&s->fill, XSK_RX_CHUNKS, &idx) != XSK_RX_CHUNKS)
		return -ENOSPC;
	for (uint32_t i = 0; i < XSK_RX_CHUNKS; i++) {
		if (umem_chunk_get(s->umem, &addr)) {
			pr_err("UMEM too small: no chunk left for receive buffers\n");
			return -ENOBUFS;
		}
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = addr;
	}
	xsk_ring_prod__submit(&s->fill, XSK_RX_CHUNKS);
	return 0;
}

int xsk_sock_open(struct xsk_sock *s, const char *ifname, uint32_t queue,
		  struct umem_area *u, int xsks_map_fd)
{
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_SIZE,
		.tx_size = XSK_RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_USE_NEED_WAKEUP | XDP_USE_SG,
	};
	int err;

	memset(s, 0, sizeof(*s));
	s->umem = u;
	s->queue = queue;
	s->fd = -1;
	err = xsk_socket__create_shared(&s->xsk, ifname, queue, u->xsk, &s->rx, &s->tx,
					&s->fill, &s->comp, &cfg);
	if (err == -EINVAL || err == -EOPNOTSUPP) {
		/* Before Linux 6.6: one chunk per frame, 7 sectors at most. */
		pr_info("%s queue %u: no multi-buffer AF_XDP in this kernel; frames are "
			"limited to one %u-byte chunk\n", ifname, queue, UMEM_RX_FRAME_MAX);
		cfg.bind_flags = XDP_USE_NEED_WAKEUP;
		err = xsk_socket__create_shared(&s->xsk, ifname, queue, u->xsk, &s->rx, &s->tx,
						&s->fill, &s->comp, &cfg);
	} else if (!err) {
		s->sg = true;
	}
	if (err) {
		pr_err("creating an AF_XDP socket on %s queue %u failed: %s; "
		       "is another AF_XDP program bound to that queue?\n",
		       ifname, queue, strerror(-err));
		s->xsk = NULL;
		return err;
	}
	s->fd = xsk_socket__fd(s->xsk);
	err = xsk_sock_fill_initial(s);
	if (err)
		goto fail;
	err = xsk_socket__update_xskmap(s->xsk, xsks_map_fd);
	if (err) {
		pr_err("entering the AF_XDP socket of %s queue %u in the XSKMAP failed: %s\n",
		       ifname, queue, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	xsk_sock_close(s);
	return err;
}

void xsk_sock_close(struct xsk_sock *s)
{
	if (s->xsk)
		xsk_socket__delete(s->xsk);
	s->xsk = NULL;
	s->fd = -1;
}

int xsk_sock_tx(struct xsk_sock *s, const uint64_t *addr, const uint32_t *len, unsigned int n)
{
	uint32_t idx;

	if (n > 1 && !s->sg)
		return -EMSGSIZE;
	if (xsk_ring_prod__reserve(&s->tx, n, &idx) != n) {
		s->st.tx_ring_full++;
		return -EAGAIN;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx + i);

		d->addr = addr[i];
		d->len = len[i];
		d->options = i + 1 < n ? XDP_PKT_CONTD : 0;
	}
	xsk_ring_prod__submit(&s->tx, n);
	s->tx_unkicked += n;
	s->tx_inflight += n;
	s->st.tx_frames++;
	return 0;
}

/* Descriptors the kernel has not yet taken off the TX ring. */
static uint32_t tx_ring_pending(const struct xsk_sock *s)
{
	uint32_t cons = __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);

	return *s->tx.producer - cons;
}

int xsk_sock_kick(struct xsk_sock *s)
{
	if (!s->tx_unkicked)
		return 0;
	/* A zero-copy driver that is already sending takes new descriptors
	 * by itself; copy mode (veth, generic XDP) always asks for the call. */
	if (!xsk_ring_prod__needs_wakeup(&s->tx)) {
		s->st.kicks_saved++;
		s->tx_unkicked = 0;
		return 0;
	}
	for (int i = 0; i < XSK_KICK_BUDGET && tx_ring_pending(s); i++) {
		s->st.tx_kicks++;
		if (sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
			continue;
		switch (errno) {
		case EAGAIN:	/* completion ring full: drain it, go on */
		case EBUSY:
			xsk_sock_drain_completions(s);
			continue;
		case ENOBUFS:	/* out of skbs for now: the next pass retries */
			return 0;
		default:
			s->st.kick_errors++;
			return -errno;
		}
	}
	if (!tx_ring_pending(s))
		s->tx_unkicked = 0;
	return 0;
}

unsigned int xsk_sock_drain_completions(struct xsk_sock *s)
{
	unsigned int total = 0, n;
	uint32_t idx;

	while ((n = xsk_ring_cons__peek(&s->comp, XSK_BATCH, &idx)) > 0) {
		for (unsigned int i = 0; i < n; i++)
			frame_pool_complete(s->umem,
					    chunk_base(*xsk_ring_cons__comp_addr(&s->comp, idx + i)));
		xsk_ring_cons__release(&s->comp, n);
		total += n;
	}
	s->tx_inflight -= total < s->tx_inflight ? total : s->tx_inflight;
	return total;
}

unsigned int xsk_sock_rx_peek(struct xsk_sock *s, unsigned int max, uint32_t *idx)
{
	return xsk_ring_cons__peek(&s->rx, max, idx);
}

void xsk_sock_rx_release(struct xsk_sock *s, uint32_t idx, unsigned int n)
{
	uint32_t fidx;

	/* The fill ring is twice the chunks we own, so this cannot fail. */
	if (xsk_ring_prod__reserve(&s->fill, n, &fidx) != n) {
		pr_err("AF_XDP fill ring of queue %u unexpectedly full\n", s->queue);
		xsk_ring_cons__release(&s->rx, n);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, fidx + i) =
			chunk_base(xsk_ring_cons__rx_desc(&s->rx, idx + i)->addr);
	xsk_ring_prod__submit(&s->fill, n);
	xsk_ring_cons__release(&s->rx, n);
	s->st.rx_frames += n;
	if (xsk_ring_prod__needs_wakeup(&s->fill)) {
		s->st.fill_wakeups++;
		recvfrom(s->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
}

// SPDX-License-Identifier: GPL-2.0
/* AF_XDP packet I/O for aoe-target (--io xdp); see pktio_xsk.h. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "aoe_wire.h"
#include "pktio.h"
#include "pktio_xsk.h"
#include "xdp_compat.h"
#include "xsk_setup.h"

int pkt_xsk_open(struct pkt_io *io, const char *ifname, bool skb_mode, const char **what)
{
	struct pkt_xsk *x = calloc(1, sizeof(*x));
	int err;

	if (!x) {
		*what = "allocate its AF_XDP state";
		return -ENOMEM;
	}
	io->xsk = x;
	x->fd = -1;
	x->ifindex = io->ifindex;
	x->lin = malloc(io->frame_cap);
	if (!x->lin) {
		*what = "allocate its AF_XDP state";
		return -ENOMEM;
	}
	err = xsk_setup_attach(x->ifindex, AOE_ETHERTYPE, false, skb_mode, &x->skel,
			       &x->xdp_flags, what);
	if (!err)
		err = xsk_setup_umem(PKT_XSK_RX_CHUNKS + PKT_XSK_TX_CHUNKS, 2 * PKT_XSK_RING,
				     PKT_XSK_RING, &x->area, &x->area_size, &x->umem, &x->fill,
				     &x->comp, what);
	if (!err)
		err = xsk_setup_socket(ifname, x->umem, PKT_XSK_RING, x->skel, PKT_XSK_RX_CHUNKS,
				       &x->xsk, &x->rx, &x->tx, &x->fill, &x->sg, what);
	if (err)
		return err;
	x->fd = xsk_socket__fd(x->xsk);
	for (uint32_t i = 0; i < PKT_XSK_TX_CHUNKS; i++)
		x->tx_free[i] = (uint64_t)(PKT_XSK_RX_CHUNKS + i) * PKT_XSK_CHUNK;
	x->ntx_free = PKT_XSK_TX_CHUNKS;
	/* What the SIGSTOP notice calls the RX ring. */
	io->rx.nframes = PKT_XSK_RING;
	return 0;
}

void pkt_xsk_close(struct pkt_io *io)
{
	struct pkt_xsk *x = io->xsk;

	if (!x)
		return;
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_size);
	xsk_setup_detach(x->ifindex, x->skel, x->xdp_flags);
	free(x->lin);
	free(x);
	io->xsk = NULL;
}

static const uint8_t *rx_piece(struct pkt_xsk *x, uint32_t i, uint32_t *len, bool *more)
{
	const struct xdp_desc *d = xsk_ring_cons__rx_desc(&x->rx, x->rx_idx + i);

	*len = d->len;
	*more = d->options & XDP_PKT_CONTD;
	return x->area + xsk_umem__add_offset_to_addr(d->addr);
}

bool pkt_xsk_peek(struct pkt_io *io, const uint8_t **data, size_t *len, bool *truncated)
{
	struct pkt_xsk *x = io->xsk;
	const uint8_t *p;
	uint32_t n, plen;
	bool more;
	size_t off = 0;

	n = xsk_ring_cons__peek(&x->rx, PKT_XSK_MAX_PIECES, &x->rx_idx);
	if (!n)
		return false;
	p = rx_piece(x, 0, &plen, &more);
	*data = p;
	*len = plen;
	*truncated = false;
	x->rx_n = 1;
	if (more) {
		/* Gather the pieces; a frame longer than frame_cap is cut. */
		for (x->rx_n = 0; x->rx_n < n; ) {
			p = rx_piece(x, x->rx_n++, &plen, &more);
			if (off + plen <= io->frame_cap)
				memcpy(x->lin + off, p, plen);
			else
				*truncated = true;
			off += plen;
			if (!more)
				break;
		}
		if (more) {	/* the rest is not on the ring yet */
			xsk_ring_cons__cancel(&x->rx, n);
			return false;
		}
		*data = x->lin;
		*len = *truncated ? 0 : off;
	}
	/* Keep only this frame's descriptors peeked: the next peek sees the rest. */
	xsk_ring_cons__cancel(&x->rx, n - x->rx_n);
	return true;
}

void pkt_xsk_release(struct pkt_io *io)
{
	struct pkt_xsk *x = io->xsk;
	uint32_t fidx;

	/* The fill ring holds twice the receive chunks: always room. */
	if (xsk_ring_prod__reserve(&x->fill, x->rx_n, &fidx) == x->rx_n) {
		for (uint32_t i = 0; i < x->rx_n; i++) {
			uint64_t a = xsk_ring_cons__rx_desc(&x->rx, x->rx_idx + i)->addr;

			*xsk_ring_prod__fill_addr(&x->fill, fidx + i) =
				xsk_umem__extract_addr(a) & ~(uint64_t)(PKT_XSK_CHUNK - 1);
		}
		xsk_ring_prod__submit(&x->fill, x->rx_n);
	}
	xsk_ring_cons__release(&x->rx, x->rx_n);
	x->rx_n = 0;
	if (xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

static void reap(struct pkt_xsk *x)
{
	uint32_t idx, n;

	while ((n = xsk_ring_cons__peek(&x->comp, 64, &idx)) > 0) {
		for (uint32_t i = 0; i < n; i++)
			x->tx_free[x->ntx_free++] = *xsk_ring_cons__comp_addr(&x->comp, idx + i);
		xsk_ring_cons__release(&x->comp, n);
	}
}

/* One frame into as many chunks as it takes; false when out of room. */
static bool put_frame(struct pkt_xsk *x, const uint8_t *buf, size_t len)
{
	uint32_t pieces = (uint32_t)((len + PKT_XSK_CHUNK - 1) / PKT_XSK_CHUNK), idx;

	if (pieces > 1 && !x->sg)
		return true;	/* cannot go out whole: drop it, as a NIC would */
	if (pieces > x->ntx_free || xsk_ring_prod__reserve(&x->tx, pieces, &idx) != pieces)
		return false;
	for (uint32_t i = 0; i < pieces; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx + i);
		size_t off = (size_t)i * PKT_XSK_CHUNK;
		uint32_t n = (uint32_t)(len - off < PKT_XSK_CHUNK ? len - off : PKT_XSK_CHUNK);

		d->addr = x->tx_free[--x->ntx_free];
		d->len = n;
		d->options = i + 1 < pieces ? XDP_PKT_CONTD : 0;
		memcpy(x->area + d->addr, buf + off, n);
	}
	xsk_ring_prod__submit(&x->tx, pieces);
	return true;
}

bool pkt_xsk_tx_busy(const struct pkt_io *io)
{
	const struct pkt_xsk *x = io->xsk;

	return *x->tx.producer != __atomic_load_n(x->tx.consumer, __ATOMIC_ACQUIRE);
}

unsigned int pkt_xsk_send(struct pkt_io *io, uint8_t *const *bufs, const size_t *len,
			  unsigned int count)
{
	struct pkt_xsk *x = io->xsk;
	unsigned int sent = 0;

	reap(x);
	while (sent < count && put_frame(x, bufs[sent], len[sent]))
		sent++;
	/* Copy mode sends from the system call only, at most 32 frames a
	 * call: kick until the kernel has taken all of them. What it still
	 * refuses (veth's queue to the peer is full) stays on the ring, and
	 * pkt_tx_pending() says so: the main loop comes back for it instead
	 * of sleeping until the next request, which with every answer of
	 * the initiator's window stuck here would never come. */
	for (int i = 0; i < 64 && pkt_xsk_tx_busy(io); i++) {
		if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
			break;
		reap(x);
	}
	reap(x);
	return sent;
}

unsigned int pkt_xsk_drops(struct pkt_io *io)
{
	struct pkt_xsk *x = io->xsk;
	struct xdp_statistics st;
	socklen_t optlen = sizeof(st);
	uint64_t total, delta;

	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &optlen) < 0)
		return 0;
	total = st.rx_dropped + st.rx_ring_full + st.rx_fill_ring_empty_descs;
	delta = total - x->dropped_seen;
	x->dropped_seen = total;
	return (unsigned int)delta;
}

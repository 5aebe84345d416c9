// SPDX-License-Identifier: GPL-2.0
/* AF_PACKET I/O for aoe-target: TPACKET_V2 RX ring, sendmmsg TX batches. */
#include <errno.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aoe_wire.h"
#include "pktio.h"
#include "pktio_xsk.h"

#define RX_RING_BYTES		(4u << 20)	/* aim for this much ring memory */
#define RX_RING_MIN_FRAMES	64
#define RX_RING_MAX_FRAMES	1024
#define RX_FRAME_MIN		2048
#define RX_BLOCK_MIN		(16u << 10)
/* Room for a burst of jumbo answers while veth hands them to the peer. */
#define TX_SNDBUF_BYTES		(4 << 20)

static unsigned int round_up_pow2(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static int query_interface(struct pkt_io *io, const char *ifname, const char **what)
{
	struct ifreq ifr;

	if (strlen(ifname) >= IFNAMSIZ) {
		*what = "use it (the name is too long)";
		return -ENAMETOOLONG;
	}
	io->ifindex = (int)if_nametoindex(ifname);
	if (!io->ifindex) {
		*what = "find it (check the name with 'ip link')";
		return -ENODEV;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(io->fd, SIOCGIFMTU, &ifr) < 0) {
		*what = "read its MTU";
		return -errno;
	}
	io->mtu = (unsigned int)ifr.ifr_mtu;
	if (ioctl(io->fd, SIOCGIFHWADDR, &ifr) < 0) {
		*what = "read its MAC address";
		return -errno;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		*what = "use it (AoE needs an Ethernet interface)";
		return -EOPNOTSUPP;
	}
	memcpy(io->mac, ifr.ifr_hwaddr.sa_data, 6);
	io->frame_cap = AOE_ETH_HLEN + AOE_VLAN_HLEN + io->mtu;
	return 0;
}

static int setup_rx_ring(struct pkt_io *io, const char **what)
{
	/* Where the kernel puts the MAC header: after the tpacket2 header and
	 * sockaddr_ll, aligned so that the network header is 16-byte aligned. */
	unsigned int hdr_room = TPACKET_ALIGN(TPACKET2_HDRLEN + AOE_ETH_HLEN + 2);
	unsigned int frame = round_up_pow2(hdr_room + (unsigned int)io->frame_cap);
	unsigned int block, nframes, per_block;
	struct tpacket_req req;
	int version = TPACKET_V2;

	if (frame < RX_FRAME_MIN)
		frame = RX_FRAME_MIN;
	block = frame > RX_BLOCK_MIN ? frame : RX_BLOCK_MIN;
	per_block = block / frame;
	nframes = RX_RING_BYTES / frame;
	if (nframes < RX_RING_MIN_FRAMES)
		nframes = RX_RING_MIN_FRAMES;
	if (nframes > RX_RING_MAX_FRAMES)
		nframes = RX_RING_MAX_FRAMES;
	nframes -= nframes % per_block;

	if (setsockopt(io->fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) {
		*what = "select TPACKET_V2";
		return -errno;
	}
	req = (struct tpacket_req){
		.tp_block_size = block,
		.tp_block_nr = nframes / per_block,
		.tp_frame_size = frame,
		.tp_frame_nr = nframes,
	};
	if (setsockopt(io->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		*what = "create the PACKET_RX_RING";
		return -errno;
	}
	io->rx.map_len = (size_t)block * req.tp_block_nr;
	io->rx.map = mmap(NULL, io->rx.map_len, PROT_READ | PROT_WRITE, MAP_SHARED, io->fd, 0);
	if (io->rx.map == MAP_FAILED) {
		io->rx.map = NULL;
		*what = "mmap the RX ring";
		return -errno;
	}
	io->rx.frame_size = frame;
	io->rx.nframes = nframes;
	io->rx.head = 0;
	return 0;
}

static int setup_tx(struct pkt_io *io, const char **what)
{
	struct pkt_tx_batch *tx = &io->tx;
	int one = 1, sndbuf = TX_SNDBUF_BYTES;

	/* Straight to the driver: no qdisc to queue (or drop) our answers. */
	if (setsockopt(io->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0) {
		*what = "set PACKET_QDISC_BYPASS";
		return -errno;
	}
	if (setsockopt(io->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) < 0 &&
	    setsockopt(io->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)) < 0) {
		*what = "set the socket send buffer";
		return -errno;
	}
	tx->bufs = calloc(PKT_TX_BATCH, io->frame_cap);
	if (!tx->bufs) {
		*what = "allocate TX buffers";
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < PKT_TX_BATCH; i++) {
		tx->iov[i].iov_base = tx->bufs + i * io->frame_cap;
		tx->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &tx->iov[i], .msg_iovlen = 1 };
	}
	tx->count = 0;
	return 0;
}

static int bind_aoe(struct pkt_io *io, const char **what)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(AOE_ETHERTYPE),
		.sll_ifindex = io->ifindex,
	};
	int one = 1;

	/* Our own answers would come back to us otherwise; they are
	 * responses and would be ignored, but why copy them at all.
	 * Kernels before 4.20 lack the option: not fatal. */
	(void)setsockopt(io->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (bind(io->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		*what = "bind a packet socket to it";
		return -errno;
	}
	return 0;
}

/* AF_XDP: the packet socket served only for the interface's ioctls. */
static int open_xsk(struct pkt_io *io, const char *ifname, enum pkt_mode mode,
		    const char **what)
{
	int err = setup_tx(io, what);

	close(io->fd);
	io->fd = -1;
	if (!err)
		err = pkt_xsk_open(io, ifname, mode == PKT_MODE_XDP_SKB, what);
	if (!err)
		io->fd = io->xsk->fd;
	return err;
}

int pkt_io_open(struct pkt_io *io, const char *ifname, enum pkt_mode mode, const char **what)
{
	int err;

	memset(io, 0, sizeof(*io));
	/* Protocol 0: receive nothing until the ring exists and bind() says
	 * which ethertype we want. */
	io->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (io->fd < 0) {
		*what = "open an AF_PACKET socket for it (run as root or with CAP_NET_RAW)";
		return -errno;
	}
	err = query_interface(io, ifname, what);
	if (!err && mode != PKT_MODE_PACKET) {
		err = open_xsk(io, ifname, mode, what);
		if (err)
			pkt_io_close(io);
		return err;
	}
	if (!err)
		err = setup_rx_ring(io, what);
	if (!err)
		err = setup_tx(io, what);
	if (!err)
		err = bind_aoe(io, what);
	if (err)
		pkt_io_close(io);
	return err;
}

void pkt_io_close(struct pkt_io *io)
{
	if (io->rx.map)
		munmap(io->rx.map, io->rx.map_len);
	free(io->tx.bufs);
	if (io->xsk)
		pkt_xsk_close(io);	/* closes its socket, io->fd */
	else if (io->fd >= 0)
		close(io->fd);
	io->rx.map = NULL;
	io->tx.bufs = NULL;
	io->fd = -1;
}

static struct tpacket2_hdr *rx_frame(struct pkt_io *io, unsigned int idx)
{
	return (struct tpacket2_hdr *)(io->rx.map + (size_t)idx * io->rx.frame_size);
}

/* What AF_PACKET would say of an AF_XDP frame (XDP sees no outgoing ones). */
static uint8_t xsk_pkttype(const struct pkt_io *io, const uint8_t *data, size_t len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (len < AOE_ETH_HLEN)
		return PACKET_HOST;
	if (!memcmp(data, bcast, 6))
		return PACKET_BROADCAST;
	if (data[0] & 1)
		return PACKET_MULTICAST;
	return memcmp(data, io->mac, 6) ? PACKET_OTHERHOST : PACKET_HOST;
}

static bool xsk_rx_peek(struct pkt_io *io, struct pkt_rx *rx)
{
	if (!pkt_xsk_peek(io, &rx->data, &rx->len, &rx->truncated))
		return false;
	rx->pkttype = xsk_pkttype(io, rx->data, rx->len);
	return true;
}

bool pkt_rx_peek(struct pkt_io *io, struct pkt_rx *rx)
{
	struct tpacket2_hdr *h = rx_frame(io, io->rx.head);
	const struct sockaddr_ll *sll;
	uint32_t status;

	if (io->xsk)
		return xsk_rx_peek(io, rx);
	status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
	if (!(status & TP_STATUS_USER))
		return false;
	sll = (const struct sockaddr_ll *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));
	rx->pkttype = sll->sll_pkttype;
	rx->data = (const uint8_t *)h + h->tp_mac;
	rx->len = h->tp_snaplen;
	rx->truncated = h->tp_snaplen < h->tp_len ||
			(size_t)h->tp_mac + h->tp_snaplen > io->rx.frame_size;
	if (rx->truncated)
		rx->len = 0;
	return true;
}

void pkt_rx_release(struct pkt_io *io)
{
	struct tpacket2_hdr *h;

	if (io->xsk) {
		pkt_xsk_release(io);
		return;
	}
	h = rx_frame(io, io->rx.head);
	__atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	io->rx.head = (io->rx.head + 1) % io->rx.nframes;
}

uint8_t *pkt_tx_buf(struct pkt_io *io)
{
	if (io->tx.count >= PKT_TX_BATCH)
		return NULL;
	return io->tx.iov[io->tx.count].iov_base;
}

void pkt_tx_commit(struct pkt_io *io, size_t len)
{
	io->tx.iov[io->tx.count].iov_len = len;
	io->tx.count++;
}

/* ENOBUFS for the same first frame this many times in a row: dropped. */
#define PKT_TX_NOBUFS_TRIES	4

/* Moves the frames sendmmsg() did not take to the front, keeping order. */
static void tx_keep_unsent(struct pkt_io *io, unsigned int sent)
{
	struct pkt_tx_batch *tx = &io->tx;

	for (unsigned int i = sent; i < tx->count; i++) {
		memcpy(tx->iov[i - sent].iov_base, tx->iov[i].iov_base, tx->iov[i].iov_len);
		tx->iov[i - sent].iov_len = tx->iov[i].iov_len;
	}
	tx->count -= sent;
}

static int xsk_tx_flush(struct pkt_io *io)
{
	uint8_t *bufs[PKT_TX_BATCH];
	size_t len[PKT_TX_BATCH];
	unsigned int n;

	for (unsigned int i = 0; i < io->tx.count; i++) {
		bufs[i] = io->tx.iov[i].iov_base;
		len[i] = io->tx.iov[i].iov_len;
	}
	n = pkt_xsk_send(io, bufs, len, io->tx.count);
	tx_keep_unsent(io, n);
	io->tx_deferred += pkt_xsk_tx_busy(io);
	return n || !io->tx.count ? (int)n : -EAGAIN;
}

int pkt_tx_flush(struct pkt_io *io, unsigned int *dropped)
{
	unsigned int total = 0;

	*dropped = 0;
	if (io->xsk)
		return xsk_tx_flush(io);
	while (io->tx.count) {
		int n = sendmmsg(io->fd, io->tx.msgs, io->tx.count, MSG_DONTWAIT);

		if (n < 0) {
			int err = -errno;

			if (err == -EINTR)
				continue;
			if (err == -EAGAIN)
				return total ? (int)total : -EAGAIN;
			/* ENOBUFS is also how a send bypassing the qdisc hears
			 * that the device dropped the frame (veth: larger than
			 * the peer's MTU): the same frame would fail for ever
			 * and hold every answer behind it. A few tries, then
			 * it is lost like a frame on the wire. */
			if (err == -ENOBUFS && ++io->tx_nobufs < PKT_TX_NOBUFS_TRIES)
				return total ? (int)total : -EAGAIN;
			/* The first frame failed on its own (EMSGSIZE: an answer
			 * larger than a lowered MTU): it alone is lost, as one
			 * write() per frame would lose it, not the answers
			 * queued behind it. */
			(*dropped)++;
			io->tx_nobufs = 0;
			tx_keep_unsent(io, 1);
			continue;
		}
		io->tx_nobufs = 0;
		tx_keep_unsent(io, (unsigned int)n);
		total += (unsigned int)n;
	}
	return (int)total;
}

bool pkt_io_still_there(struct pkt_io *io, const char *ifname)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	return (int)if_nametoindex(ifname) == io->ifindex;
}

unsigned int pkt_rx_ring_drops(struct pkt_io *io)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	if (io->xsk)
		return pkt_xsk_drops(io);
	/* Reading the statistics also resets them. */
	if (getsockopt(io->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0)
		return 0;
	return st.tp_drops;
}

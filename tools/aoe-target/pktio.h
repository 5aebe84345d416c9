/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet I/O for aoe-target: one AF_PACKET socket bound to the AoE
 * ethertype on one interface, or (--xdp) an AF_XDP socket: pktio_xsk.h.
 *
 * RX is a TPACKET_V2 mmap ring: frames are read in place, in batches, with
 * no syscall while the ring holds work. V2 rather than V3 because V3 hands
 * out whole blocks, and a block is only retired when full or when its
 * timer (>= 1 ms) fires: that would add a millisecond to every answer at
 * low queue depth.
 *
 * TX is sendmmsg() of up to PKT_TX_BATCH frames built in our own buffers.
 * Not a TX ring: TPACKET TX frames are sent zero-copy as page fragments and
 * handed back to user space when the receiving socket takes ownership of
 * the skb, before it has copied the data. On veth that lets a recycled ring
 * frame overwrite an answer the peer has not read yet.
 */
#ifndef AOE_TARGET_PKTIO_H
#define AOE_TARGET_PKTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#define PKT_TX_BATCH		64	/* frames per sendmmsg() */

struct pkt_rx_ring {
	uint8_t *map;
	size_t map_len;
	unsigned int frame_size;
	unsigned int nframes;
	unsigned int head;	/* next frame to look at */
};

struct pkt_tx_batch {
	uint8_t *bufs;		/* PKT_TX_BATCH buffers of frame_cap bytes */
	struct mmsghdr msgs[PKT_TX_BATCH];
	struct iovec iov[PKT_TX_BATCH];
	unsigned int count;	/* frames filled, waiting for sendmmsg */
};

enum pkt_mode {
	PKT_MODE_PACKET,	/* AF_PACKET */
	PKT_MODE_XDP,		/* AF_XDP, XDP in the driver (native) */
	PKT_MODE_XDP_SKB,	/* AF_XDP, generic XDP */
};

struct pkt_xsk;

struct pkt_io {
	int fd;			/* the socket to poll: AF_PACKET or AF_XDP */
	int ifindex;
	uint8_t mac[6];
	unsigned int mtu;
	size_t frame_cap;	/* largest frame we build: MTU + Ethernet + VLAN */
	struct pkt_rx_ring rx;
	struct pkt_tx_batch tx;
	struct pkt_xsk *xsk;	/* AF_XDP mode, else NULL */
	uint64_t tx_deferred;	/* AF_XDP: flushes that left frames on the ring */
	unsigned int tx_nobufs;	/* ENOBUFS in a row on the same first frame */
};

/* One received frame, valid until pkt_rx_release(). */
struct pkt_rx {
	const uint8_t *data;
	size_t len;
	uint8_t pkttype;	/* PACKET_HOST, PACKET_BROADCAST, ... */
	bool truncated;		/* the ring frame was too small for it */
};

/*
 * Opens the socket on ifname and sets up both directions. On failure returns
 * -errno and points *what at the step that failed, worded to follow
 * "interface 'eth0': cannot ".
 */
int pkt_io_open(struct pkt_io *io, const char *ifname, enum pkt_mode mode, const char **what);
void pkt_io_close(struct pkt_io *io);

/* The next frame the kernel has filled, or false when the ring is empty. */
bool pkt_rx_peek(struct pkt_io *io, struct pkt_rx *rx);
/* Gives the frame returned by the last pkt_rx_peek() back to the kernel. */
void pkt_rx_release(struct pkt_io *io);

/* Buffer for the next TX frame (frame_cap bytes), or NULL when the batch is
 * full and must be flushed first. */
uint8_t *pkt_tx_buf(struct pkt_io *io);
/* Queues the frame built in the buffer pkt_tx_buf() returned. */
void pkt_tx_commit(struct pkt_io *io, size_t len);
/*
 * Sends the queued frames. Returns the number sent (the rest stay queued,
 * in order), -EAGAIN when the socket buffer is full (wait for POLLOUT), or
 * another -errno (the batch is then discarded; *dropped says how many).
 */
int pkt_tx_flush(struct pkt_io *io, unsigned int *dropped);
/* AF_XDP: frames on the TX ring the kernel has not taken yet (veth
 * refused them for now); pktio_xsk.c. */
bool pkt_xsk_tx_busy(const struct pkt_io *io);
static inline bool pkt_tx_pending(const struct pkt_io *io)
{
	return io->tx.count > 0 || (io->xsk && pkt_xsk_tx_busy(io));
}

/*
 * After POLLERR: clears the socket error (the link went down; the socket
 * works again once it is up) and says whether the interface still exists.
 */
bool pkt_io_still_there(struct pkt_io *io, const char *ifname);

/* Frames the kernel dropped because the RX ring was full (since last call). */
unsigned int pkt_rx_ring_drops(struct pkt_io *io);

#endif /* AOE_TARGET_PKTIO_H */

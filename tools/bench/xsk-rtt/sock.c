// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sock.h"
#include "xsk_setup.h"

static int iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

static int load_and_attach(struct rtt_sock *s, const char *ifname, uint16_t ethertype,
			   bool reflect, bool skb_mode)
{
	const char *what = "";
	int err;

	s->ifindex = (int)if_nametoindex(ifname);
	if (!s->ifindex) {
		fprintf(stderr, "xsk-rtt: no interface '%s'\n", ifname);
		return -ENODEV;
	}
	err = xsk_setup_attach(s->ifindex, ethertype, reflect, skb_mode, &s->skel,
			       &s->xdp_flags, &what);
	if (err)
		fprintf(stderr, "xsk-rtt: %s: cannot %s: %s\n", ifname, what, strerror(-err));
	return err;
}

static void detach(struct rtt_sock *s)
{
	xsk_setup_detach(s->ifindex, s->skel, s->xdp_flags);
	s->xdp_flags = 0;
	s->skel = NULL;
}

static int open_port(struct rtt_sock *s, const char *ifname)
{
	const char *what = "";
	int err;

	err = xsk_setup_umem(RTT_RX_CHUNKS + RTT_TX_CHUNKS, RTT_FILL_SIZE, RTT_RING_SIZE,
			     &s->area, &s->area_size, &s->umem, &s->fill, &s->comp, &what);
	if (!err)
		err = xsk_setup_socket(ifname, s->umem, RTT_RING_SIZE, s->skel, RTT_RX_CHUNKS,
				       &s->xsk, &s->rx, &s->tx, &s->fill, &s->sg, &what);
	if (err) {
		fprintf(stderr, "xsk-rtt: %s: cannot %s: %s\n", ifname, what, strerror(-err));
		return err;
	}
	s->fd = xsk_socket__fd(s->xsk);
	for (uint32_t i = 0; i < RTT_TX_CHUNKS; i++)
		s->tx_free[i] = (uint64_t)(RTT_RX_CHUNKS + i) * RTT_CHUNK_SIZE;
	s->ntx_free = RTT_TX_CHUNKS;
	return 0;
}

int rtt_sock_open(struct rtt_sock *s, const char *ifname, uint16_t ethertype, bool skb_mode)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	err = iface_mac(ifname, s->mac);
	if (err) {
		fprintf(stderr, "xsk-rtt: no MAC address for '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	err = load_and_attach(s, ifname, ethertype, false, skb_mode);
	if (!err)
		err = open_port(s, ifname);
	if (err)
		rtt_sock_close(s);
	return err;
}

void rtt_sock_close(struct rtt_sock *s)
{
	if (s->xsk)
		xsk_socket__delete(s->xsk);
	if (s->umem)
		xsk_umem__delete(s->umem);
	if (s->area)
		munmap(s->area, s->area_size);
	s->xsk = NULL;
	s->umem = NULL;
	s->area = NULL;
	detach(s);
}

int rtt_sock_put(struct rtt_sock *s, uint64_t addr, uint32_t len)
{
	uint32_t idx;
	struct xdp_desc *d;

	if (xsk_ring_prod__reserve(&s->tx, 1, &idx) != 1)
		return -EAGAIN;
	d = xsk_ring_prod__tx_desc(&s->tx, idx);
	d->addr = addr;
	d->len = len;
	d->options = 0;
	return 0;
}

void rtt_sock_kick(struct rtt_sock *s, uint32_t queued)
{
	if (!queued)
		return;
	xsk_ring_prod__submit(&s->tx, queued);
	/* Copy mode sends only from the system call (at most 32 a call), and
	 * always asks for it: one call per pass, the next pass sends more. */
	if (xsk_ring_prod__needs_wakeup(&s->tx)) {
		s->kicks++;
		sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	}
}

void rtt_sock_reap(struct rtt_sock *s)
{
	uint32_t idx, n;

	/* Copy mode sends at most 32 a call: nudge it for the rest. */
	if (*s->tx.producer != __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE) &&
	    xsk_ring_prod__needs_wakeup(&s->tx)) {
		s->kicks++;
		sendto(s->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	}
	while ((n = xsk_ring_cons__peek(&s->comp, 64, &idx)) > 0) {
		for (uint32_t i = 0; i < n; i++)
			s->tx_free[s->ntx_free++] = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
		xsk_ring_cons__release(&s->comp, n);
	}
}

void rtt_sock_refill(struct rtt_sock *s, const uint64_t *addr, uint32_t n)
{
	uint32_t idx;

	/* The fill ring is twice the receive chunks: there is always room. */
	if (xsk_ring_prod__reserve(&s->fill, n, &idx) != n)
		return;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = addr[i];
	xsk_ring_prod__submit(&s->fill, n);
	if (xsk_ring_prod__needs_wakeup(&s->fill))
		recvfrom(s->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

int rtt_reflect_attach(struct rtt_sock *s, const char *ifname, bool skb_mode)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	err = load_and_attach(s, ifname, 0, true, skb_mode);
	if (err)
		detach(s);
	return err;
}

void rtt_reflect_detach(struct rtt_sock *s)
{
	detach(s);
}

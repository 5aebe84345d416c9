// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "xdp_compat.h"
#include "bench_xsk.skel.h"
#include "sock.h"

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
	struct bpf_program *prog;
	int err;

	s->ifindex = (int)if_nametoindex(ifname);
	if (!s->ifindex) {
		fprintf(stderr, "xsk-rtt: no interface '%s'\n", ifname);
		return -ENODEV;
	}
	s->skel = bench_xsk_bpf__open();
	if (!s->skel)
		return -errno;
	s->skel->rodata->rx_ethertype = ethertype;
	err = bench_xsk_bpf__load(s->skel);
	if (err) {
		fprintf(stderr, "xsk-rtt: loading the XDP programs failed: %s (root? BPF?)\n",
			strerror(-err));
		return err;
	}
	s->xdp_flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
		       (skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	prog = reflect ? s->skel->progs.bench_reflect : s->skel->progs.bench_xsk_rx;
	err = bpf_xdp_attach(s->ifindex, bpf_program__fd(prog), s->xdp_flags, NULL);
	if (err) {
		fprintf(stderr, "xsk-rtt: attaching XDP to %s failed: %s; is another "
			"program attached (ip link show %s)?\n", ifname, strerror(-err), ifname);
		s->xdp_flags = 0;
	}
	return err;
}

static void detach(struct rtt_sock *s)
{
	if (s->xdp_flags)
		bpf_xdp_detach(s->ifindex, s->xdp_flags & ~XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	s->xdp_flags = 0;
	bench_xsk_bpf__destroy(s->skel);
	s->skel = NULL;
}

static int umem_open(struct rtt_sock *s)
{
	struct xsk_umem_config cfg = {
		.fill_size = RTT_FILL_SIZE,
		.comp_size = RTT_RING_SIZE,
		.frame_size = RTT_CHUNK_SIZE,
	};
	int err;

	s->area_size = (uint64_t)(RTT_RX_CHUNKS + RTT_TX_CHUNKS) * RTT_CHUNK_SIZE;
	s->area = mmap(NULL, s->area_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (s->area == MAP_FAILED) {
		s->area = NULL;
		return -ENOMEM;
	}
	err = xsk_umem__create(&s->umem, s->area, s->area_size, &s->fill, &s->comp, &cfg);
	if (err)
		fprintf(stderr, "xsk-rtt: registering the UMEM failed: %s\n", strerror(-err));
	for (uint32_t i = 0; i < RTT_TX_CHUNKS; i++)
		s->tx_free[i] = (uint64_t)(RTT_RX_CHUNKS + i) * RTT_CHUNK_SIZE;
	s->ntx_free = RTT_TX_CHUNKS;
	return err;
}

static int bind_socket(struct rtt_sock *s, const char *ifname)
{
	struct xsk_socket_config cfg = {
		.rx_size = RTT_RING_SIZE,
		.tx_size = RTT_RING_SIZE,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP | XDP_USE_SG,
	};
	int err;

	err = xsk_socket__create(&s->xsk, ifname, 0, s->umem, &s->rx, &s->tx, &cfg);
	s->sg = !err;
	if (err == -EINVAL || err == -EOPNOTSUPP) {
		cfg.bind_flags &= ~XDP_USE_SG;
		err = xsk_socket__create(&s->xsk, ifname, 0, s->umem, &s->rx, &s->tx, &cfg);
	}
	if (err) {
		fprintf(stderr, "xsk-rtt: AF_XDP socket on %s queue 0 failed: %s\n", ifname,
			strerror(-err));
		s->xsk = NULL;
		return err;
	}
	s->fd = xsk_socket__fd(s->xsk);
	return xsk_socket__update_xskmap(s->xsk, bpf_map__fd(s->skel->maps.bench_xsks));
}

static int fill_all(struct rtt_sock *s)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(&s->fill, RTT_RX_CHUNKS, &idx) != RTT_RX_CHUNKS)
		return -ENOSPC;
	for (uint32_t i = 0; i < RTT_RX_CHUNKS; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = (uint64_t)i * RTT_CHUNK_SIZE;
	xsk_ring_prod__submit(&s->fill, RTT_RX_CHUNKS);
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
		err = umem_open(s);
	if (!err)
		err = bind_socket(s, ifname);
	if (!err)
		err = fill_all(s);
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

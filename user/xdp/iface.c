// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "announce.h"
#include "iface.h"
#include "lib/log.h"
#include "proto/aoe_codec.h"

static int iface_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	memset(ifr->ifr_name, 0, sizeof(ifr->ifr_name));
	strncpy(ifr->ifr_name, name, IF_NAMESIZE - 1);
	if (ioctl(fd, req, ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* RX queues the driver has; an AF_XDP socket is needed on each. */
static uint32_t iface_rx_queues(const char *name)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr = { .ifr_data = (void *)&ch };
	uint32_t n;

	if (iface_ioctl(name, SIOCETHTOOL, &ifr))
		return 1;	/* drivers without channels have one queue */
	n = ch.rx_count + ch.combined_count;
	if (n == 0)
		n = 1;
	return n > AOE_XDP_MAX_QUEUES ? AOE_XDP_MAX_QUEUES : n;
}

/* A new MAC (ip link set dev X address ...): frames go out from it, and
 * the classifier keeps the answers sent to it. */
static void iface_refresh_mac(struct aoe_iface *ifc)
{
	char was[AOE_MAC_STR_LEN], now[AOE_MAC_STR_LEN];
	int err = xdp_prog_refresh_mac(&ifc->prog);

	if (err < 0)
		pr_warn("%s: cannot re-read the MAC address: %s\n", ifc->name, strerror(-err));
	if (err <= 0)
		return;
	aoe_format_mac(was, ifc->mac);
	memcpy(ifc->mac, ifc->prog.mac, AOE_ETH_ALEN);
	aoe_format_mac(now, ifc->mac);
	pr_info("%s: MAC address changed from %s to %s; answers to %s are ours now\n",
		ifc->name, was, now, now);
}

int iface_refresh(struct aoe_iface *ifc)
{
	if (ifc->sink.tx)
		return 0;	/* a simulated MTU changes only when a test sets it */
	iface_refresh_mac(ifc);
	return iface_refresh_mtu(ifc);
}

int iface_refresh_mtu(struct aoe_iface *ifc)
{
	struct ifreq ifr = { 0 };
	int err;

	if (ifc->sink.tx)
		return 0;
	err = iface_ioctl(ifc->name, SIOCGIFMTU, &ifr);
	if (err)
		return err;
	ifc->mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

static int iface_read_identity(struct aoe_iface *ifc)
{
	/* The loader read it for the classifier: both use the same one. */
	memcpy(ifc->mac, ifc->prog.mac, AOE_ETH_ALEN);
	return iface_refresh(ifc);
}

int iface_open(struct aoe_iface *ifc, const char *name, unsigned int slot,
	       enum aoe_xdp_mode mode, uint32_t tx_chunks)
{
	uint32_t nchunks;
	int err;

	memset(ifc, 0, sizeof(*ifc));
	ifc->announce_fd = -1;
	if (strlen(name) >= IF_NAMESIZE) {
		pr_err("interface name '%s' is too long (at most %d characters)\n", name,
		       IF_NAMESIZE - 1);
		return -ENODEV;
	}
	strcpy(ifc->name, name);
	ifc->slot = slot;
	err = xdp_prog_attach(&ifc->prog, name, mode);
	if (err)
		return err;
	ifc->ifindex = ifc->prog.ifindex;
	err = iface_read_identity(ifc);
	if (err)
		goto fail;
	ifc->nqueues = iface_rx_queues(name);
	nchunks = ifc->nqueues * XSK_RX_CHUNKS + tx_chunks;
	err = umem_create(&ifc->umem, nchunks, XSK_FILL_SIZE, XSK_RING_SIZE, true);
	if (err)
		goto fail;
	ifc->socks = calloc(ifc->nqueues, sizeof(*ifc->socks));
	if (!ifc->socks) {
		err = -ENOMEM;
		goto fail;
	}
	ifc->sg = true;
	for (uint32_t q = 0; q < ifc->nqueues; q++) {
		err = xsk_sock_open(&ifc->socks[q], name, q, &ifc->umem, ifc->prog.xsks_fd);
		if (err)
			goto fail;
		ifc->sg &= ifc->socks[q].sg;
	}
	ifc->announce_fd = announce_open(ifc->ifindex);
	if (ifc->announce_fd < 0)
		pr_warn("%s: no socket for target announcements (%s): a target restarted on "
			"another disk is noticed at the next discovery instead\n", name,
			strerror(-ifc->announce_fd));
	pr_debug("%s: attached in %s mode, %u queue%s, MTU %u\n", name,
		xdp_mode_str(ifc->prog.mode), ifc->nqueues, ifc->nqueues == 1 ? "" : "s",
		ifc->mtu);
	return 0;
fail:
	iface_close(ifc);
	return err;
}

int iface_open_sim(struct aoe_iface *ifc, const char *name, unsigned int slot,
		   const uint8_t mac[AOE_ETH_ALEN], uint32_t mtu, uint32_t tx_chunks,
		   const struct iface_sink *sink)
{
	memset(ifc, 0, sizeof(*ifc));
	ifc->announce_fd = -1;
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->slot = slot;
	memcpy(ifc->mac, mac, AOE_ETH_ALEN);
	ifc->mtu = mtu;
	ifc->sg = true;
	ifc->sink = *sink;
	return umem_create(&ifc->umem, tx_chunks, 0, 0, false);
}

int iface_tx(struct aoe_iface *ifc, const uint64_t *addr, const uint32_t *len, unsigned int n)
{
	struct xsk_sock *s;

	if (ifc->sink.tx)
		return ifc->sink.tx(ifc->sink.ctx, ifc, addr, len, n);
	s = &ifc->socks[ifc->next_tx];
	if (++ifc->next_tx >= ifc->nqueues)
		ifc->next_tx = 0;
	return xsk_sock_tx(s, addr, len, n);
}

void iface_close(struct aoe_iface *ifc)
{
	/* The program goes first so nothing is redirected to a closing socket. */
	xdp_prog_detach(&ifc->prog);
	if (ifc->announce_fd >= 0)
		close(ifc->announce_fd);
	ifc->announce_fd = -1;
	for (uint32_t q = 0; ifc->socks && q < ifc->nqueues; q++)
		xsk_sock_close(&ifc->socks[q]);
	free(ifc->socks);
	ifc->socks = NULL;
	umem_destroy(&ifc->umem);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-flood: a hostile peer on a crowded segment, for tests. AoE has no
 * authentication and a discovery query is a broadcast anyone hears, with
 * its tag in the clear. For every config query it sees, aoe-flood answers
 * with COUNT forged config answers: distinct shelf.slots from shelf BASE
 * on (250 slots a shelf), buffer count 256, a made-up MAC each
 * (02:f1:xx:xx:xx:xx), the query's own tag. Every IDENT-th of those MACs
 * also answers IDENTIFY DEVICE with a made-up disk, so the initiator takes
 * it for a real one. And it sends each config answer a second time to a
 * host that is not the asker (another MAC on the segment), as traffic
 * meant for someone else.
 *
 *   aoe-flood IFACE [COUNT [IDENT [SECONDS [BASE]]]]
 *
 * Defaults: 3000 forgeries per query, IDENTIFY for every 500th, 3600 s,
 * shelf 100. Prints what it sent on exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/aoe_codec.h"
#include "proto/ata_identify.h"

#define FLOOD_SLOTS	250
#define FLOOD_MAX	60000

struct flood {
	int fd;
	int ifindex;
	unsigned int count, ident_every;
	unsigned int base;
	unsigned long queries, forged, to_others, identify;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int flood_send(struct flood *f, const void *buf, size_t len)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_ifindex = f->ifindex,
				  .sll_halen = 6 };

	memcpy(sa.sll_addr, buf, 6);
	return sendto(f->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

/* Forgery i: its MAC, and the shelf.slot it claims. */
static void forged_mac(unsigned int i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0xf1;
	mac[2] = 0;
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

static unsigned int forged_index(const uint8_t mac[6])
{
	return (unsigned int)mac[3] << 16 | (unsigned int)mac[4] << 8 | mac[5];
}

static bool is_forged(const uint8_t mac[6])
{
	return mac[0] == 0x02 && mac[1] == 0xf1 && mac[2] == 0;
}

static void send_config(struct flood *f, const struct aoe_view *q, unsigned int i,
			const uint8_t dst[6])
{
	struct aoe_cfg_args c = { .bufcnt = 256, .fwver = 0x4019, .scnt = 2,
				  .ccmd = AOE_CCMD_READ, .cfgstr = "flood", .cslen = 5 };
	struct aoe_addr a = { .shelf = (uint16_t)(f->base + i / FLOOD_SLOTS),
			      .slot = (uint8_t)(i % FLOOD_SLOTS), .tag = q->tag,
			      .flags = AOE_FLAG_RSP, .has_vlan = q->has_vlan, .vlan = q->vlan };
	uint8_t frame[AOE_ETH_ZLEN + AOE_VLAN_HLEN + 64];
	int len;

	memcpy(a.dst, dst, 6);
	forged_mac(i, a.src);
	len = aoe_build_cfg(frame, sizeof(frame), &a, &c);
	if (len > 0 && !flood_send(f, frame, (size_t)len)) {
		if (dst == q->src)
			f->forged++;
		else
			f->to_others++;
	}
}

static void on_config_query(struct flood *f, const struct aoe_view *q)
{
	static const uint8_t other[6] = { 0x02, 0x0e, 0x0e, 0x0e, 0x0e, 0x01 };

	f->queries++;
	for (unsigned int i = 0; i < f->count; i++) {
		send_config(f, q, i, q->src);
		send_config(f, q, i, other);
	}
}

/* IDENTIFY to one of the forged MACs that answer it: a made-up disk. */
static void on_ata(struct flood *f, const struct aoe_view *q)
{
	struct aoe_ata_view av;
	struct aoe_ata_args ata = { .cmdstat = 0x40 };
	struct aoe_addr a = { .shelf = q->shelf, .slot = q->slot, .tag = q->tag,
			      .flags = AOE_FLAG_RSP, .has_vlan = q->has_vlan, .vlan = q->vlan };
	uint8_t id[ATA_SECTOR_SIZE], frame[AOE_ATA_HDR_LEN + AOE_VLAN_HLEN + ATA_SECTOR_SIZE];
	char serial[32];
	unsigned int i = forged_index(q->dst);
	int len;

	if (!is_forged(q->dst) || !f->ident_every || i % f->ident_every || i >= f->count ||
	    aoe_parse_ata(q, &av, NULL) || av.cmdstat != ATA_CMD_IDENTIFY)
		return;
	snprintf(serial, sizeof(serial), "FLOOD%u", i);
	ata_identity_build(id, 2048, "aoe-flood forged disk", serial, "F1");
	memcpy(a.dst, q->src, 6);
	memcpy(a.src, q->dst, 6);
	ata.scnt = 1;
	len = aoe_build_ata(frame, sizeof(frame), &a, &ata, id, sizeof(id));
	if (len > 0 && !flood_send(f, frame, (size_t)len))
		f->identify++;
}

static void on_frame(struct flood *f, const uint8_t *buf, size_t len)
{
	struct aoe_view v;

	if (aoe_parse(buf, len, &v, NULL) || aoe_is_response(&v))
		return;
	if (v.cmd == AOE_CMD_CFG)
		on_config_query(f, &v);
	else if (v.cmd == AOE_CMD_ATA)
		on_ata(f, &v);
}

static int flood_open(struct flood *f, const char *ifname)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(AOE_ETHERTYPE) };
	int sndbuf = 8 << 20;

	f->ifindex = (int)if_nametoindex(ifname);
	if (!f->ifindex) {
		fprintf(stderr, "aoe-flood: no interface %s\n", ifname);
		return -ENODEV;
	}
	f->fd = socket(AF_PACKET, SOCK_RAW, htons(AOE_ETHERTYPE));
	if (f->fd < 0)
		return -errno;
	setsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	sa.sll_ifindex = f->ifindex;
	if (bind(f->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	return 0;
}

static unsigned int arg_uint(int argc, char **argv, int i, unsigned int def, unsigned int max)
{
	unsigned long v;

	if (argc <= i)
		return def;
	v = strtoul(argv[i], NULL, 10);
	return v > max ? max : (unsigned int)v;
}

int main(int argc, char **argv)
{
	struct flood f = { .fd = -1 };
	uint8_t buf[9216];
	time_t end;

	if (argc < 2) {
		fprintf(stderr, "usage: aoe-flood IFACE [COUNT [IDENT [SECONDS [BASE]]]]\n");
		return 2;
	}
	f.count = arg_uint(argc, argv, 2, 3000, FLOOD_MAX);
	f.ident_every = arg_uint(argc, argv, 3, 500, FLOOD_MAX);
	end = time(NULL) + arg_uint(argc, argv, 4, 3600, 86400);
	f.base = arg_uint(argc, argv, 5, 100, 65534 - FLOOD_MAX / FLOOD_SLOTS);
	if (flood_open(&f, argv[1])) {
		perror("aoe-flood: packet socket");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGTERM, on_term);
	printf("flooding %s: %u forgeries per query\n", argv[1], f.count);
	while (!stop && time(NULL) < end) {
		struct pollfd p = { .fd = f.fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		while ((n = recv(f.fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
			on_frame(&f, buf, (size_t)n);
	}
	printf("queries %lu\nforged %lu\nto_others %lu\nidentify %lu\n", f.queries, f.forged,
	       f.to_others, f.identify);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-spoof: a hostile peer for tests. It watches AoE ATA requests on an
 * interface and, for each, answers at once with forged responses: from a
 * third MAC, with a wrong tag, with a wrong length and for another
 * shelf.slot. Each forgery carries garbage data, so an initiator that
 * accepted one would corrupt what it reads.
 *
 *   aoe-spoof IFACE TARGET_MAC [SECONDS]
 *
 * TARGET_MAC is the real target's MAC, used as the source of the forgeries
 * that must be caught by other checks than the source address. Prints the
 * number of forgeries sent per kind on exit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/aoe_codec.h"

enum forgery { F_THIRD_MAC, F_BAD_TAG, F_BAD_LEN, F_BAD_ADDR, F_COUNT };

static const char *const forgery_name[F_COUNT] = { "third_mac", "bad_tag", "bad_len",
						   "bad_addr" };

struct spoof {
	int fd;
	int ifindex;
	uint8_t target_mac[6];
	uint8_t third_mac[6];
	unsigned long sent[F_COUNT];
};

static int spoof_send(struct spoof *s, const void *buf, size_t len)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_ifindex = s->ifindex,
				  .sll_halen = 6 };

	memcpy(sa.sll_addr, buf, 6);
	return sendto(s->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

/* One forged answer of the given kind to request v. */
static void forge(struct spoof *s, const struct aoe_view *v, const struct aoe_ata_view *a,
		  enum forgery kind)
{
	static uint8_t garbage[8192];
	uint8_t frame[9216];
	struct aoe_addr ad = { 0 };
	struct aoe_ata_args ata = { .aflags = a->aflags, .scnt = a->scnt, .cmdstat = 0x40,
				    .lba = a->lba };
	size_t data = 0;
	int len;

	memset(garbage, 0xa5, sizeof(garbage));
	if (!(a->aflags & AOE_AFL_WRITE) && a->cmdstat != ATA_CMD_FLUSH &&
	    a->cmdstat != ATA_CMD_FLUSH_EXT)
		data = (size_t)(a->scnt ? a->scnt : 1) * ATA_SECTOR_SIZE;
	memcpy(ad.dst, v->src, 6);
	memcpy(ad.src, kind == F_THIRD_MAC ? s->third_mac : s->target_mac, 6);
	ad.has_vlan = v->has_vlan;
	ad.vlan = v->vlan;
	ad.shelf = v->shelf;
	ad.slot = v->slot;
	ad.tag = v->tag;
	ad.flags = AOE_FLAG_RSP;
	if (kind == F_BAD_TAG)
		ad.tag ^= 0x00ff0000;	/* keeps bit 31: still "ours" to the classifier */
	if (kind == F_BAD_ADDR)
		ad.slot ^= 1;
	if (kind == F_BAD_LEN)
		data = data ? data - ATA_SECTOR_SIZE / 2 : ATA_SECTOR_SIZE;
	if (data > sizeof(garbage))
		return;
	len = aoe_build_ata(frame, sizeof(frame), &ad, &ata, garbage, data);
	if (len > 0 && !spoof_send(s, frame, (size_t)len))
		s->sent[kind]++;
}

static void on_frame(struct spoof *s, const uint8_t *buf, size_t len)
{
	struct aoe_view v;
	struct aoe_ata_view a;

	if (aoe_parse(buf, len, &v, NULL) || aoe_is_response(&v) || v.cmd != AOE_CMD_ATA)
		return;
	if (!(v.tag & AOE_TAG_USER_BIT) || aoe_parse_ata(&v, &a, NULL))
		return;
	for (int k = 0; k < F_COUNT; k++)
		forge(s, &v, &a, (enum forgery)k);
}

static int spoof_open(struct spoof *s, const char *ifname)
{
	struct sockaddr_ll sa = { .sll_family = AF_PACKET, .sll_protocol = htons(AOE_ETHERTYPE) };

	s->ifindex = (int)if_nametoindex(ifname);
	if (!s->ifindex) {
		fprintf(stderr, "aoe-spoof: no interface %s\n", ifname);
		return -ENODEV;
	}
	s->fd = socket(AF_PACKET, SOCK_RAW, htons(AOE_ETHERTYPE));
	if (s->fd < 0)
		return -errno;
	sa.sll_ifindex = s->ifindex;
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	struct spoof s = { .third_mac = { 0x02, 0x5b, 0x00, 0xf0, 0x0f, 0x01 } };
	uint8_t buf[9216];
	time_t end;

	if (argc < 3 || aoe_parse_mac(argv[2], s.target_mac)) {
		fprintf(stderr, "usage: aoe-spoof IFACE TARGET_MAC [SECONDS]\n");
		return 2;
	}
	if (spoof_open(&s, argv[1])) {
		perror("aoe-spoof: packet socket");
		return 1;
	}
	end = time(NULL) + (argc > 3 ? atoi(argv[3]) : 3600);
	while (time(NULL) < end) {
		struct pollfd p = { .fd = s.fd, .events = POLLIN };
		ssize_t n;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			on_frame(&s, buf, (size_t)n);
	}
	for (int k = 0; k < F_COUNT; k++)
		printf("%s %lu\n", forgery_name[k], s.sent[k]);
	return 0;
}

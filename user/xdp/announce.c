// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announce.h"
#include "aoe_wire.h"

/*
 * Accepts AoE (EtherType at 12, or behind one 802.1Q tag at 16) whose
 * flags have the response bit, whose command is config and whose tag has
 * bit 31 clear: an answer to nobody's query of ours.
 */
static struct sock_filter announce_filter[] = {
	/* 0 */ BPF_STMT(BPF_LDX | BPF_IMM, 0),
	/* 1 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
	/* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_8021Q_VLAN, 0, 2),
	/* 3 */ BPF_STMT(BPF_LDX | BPF_IMM, AOE_VLAN_HLEN),
	/* 4 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, 12),
	/* 5 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AOE_ETHERTYPE, 0, 7),
	/* 6 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, AOE_ETH_HLEN),
	/* 7 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, AOE_FLAG_RSP, 0, 5),
	/* 8 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, AOE_ETH_HLEN + 5),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AOE_CMD_CFG, 0, 3),
	/* 10 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, AOE_ETH_HLEN + 6),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80, 1, 0),
	/* 12 */ BPF_STMT(BPF_RET | BPF_K, 0xffff),
	/* 13 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

int announce_open(int ifindex)
{
	struct sock_fprog prog = {
		.len = sizeof(announce_filter) / sizeof(announce_filter[0]),
		.filter = announce_filter,
	};
	struct sockaddr_ll sa = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(AOE_ETHERTYPE),
		.sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(AOE_ETHERTYPE));

	if (fd < 0)
		return -errno;
	/* The filter goes on before the bind: no other frame gets queued. */
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int announce_read(int fd, uint8_t *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return n > (ssize_t)len ? (int)len : (int)n;
}

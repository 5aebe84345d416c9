/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP tests share: a private network + mount namespace per test
 * process (so interface names, the lock directory and the bpffs are the
 * test's own), veth pairs, frames built from a short description, AF_XDP
 * and packet sockets, and counter comparisons. Helpers fail the running
 * Criterion test themselves when the environment cannot be set up.
 */
#ifndef XDP_FIXTURE_H
#define XDP_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <xdp/xsk.h>

#include "aoe_wire.h"
#include "aoe_xdp_shared.h"

#define VETH_LOCAL	"aoe0"	/* the classifier goes here */
#define VETH_PEER	"aoe1"	/* frames are sent from here */
#define JUMBO_MTU	9000
#define FRAME_MAX	(AOE_ETH_HLEN + AOE_VLAN_HLEN + JUMBO_MTU)
#define RECV_TIMEOUT_MS	1000	/* for a frame that must arrive */

/* Private netns + mount ns, no bpffs mounted, private /run/aoe-xdp. */
void fixture_enter_private_ns(void);

/* A shell command line; returns its exit status. */
int run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* VETH_LOCAL (address local_mac) <-> VETH_PEER with rx/tx queue counts,
 * both up. */
void veth_create(unsigned int queues);

/* A trivial XDP_PASS program that is not ours; returns its fd. */
int foreign_prog_load(void);

/* Id of the XDP program attached to ifname in mode_flag (XDP_FLAGS_*_MODE), or 0. */
unsigned int xdp_attached_id(const char *ifname, unsigned int mode_flag);
/* Any mode: 0 when the interface has no XDP program at all. */
unsigned int xdp_any_attached_id(const char *ifname);
void prog_name_by_id(unsigned int id, char *name, size_t size);

bool path_exists(const char *path);

/* VETH_LOCAL's address, and what the table tests tell the classifier. */
extern const unsigned char local_mac[AOE_ETH_ALEN];

/* Where a frame is sent: the classifier keeps only responses to our MAC. */
enum frame_dst {
	DST_US,		/* local_mac */
	DST_BCAST,	/* ff:ff:ff:ff:ff:ff */
	DST_MCAST,	/* a multicast group */
	DST_OTHER,	/* another host's unicast MAC */
	DST_NEAR_FIRST,	/* local_mac with the first byte changed */
	DST_NEAR_LAST,	/* local_mac with the last byte changed */
};

/* A frame described by the fields the classifier looks at. */
struct frame_spec {
	enum frame_dst dst;
	bool vlan;			/* one 802.1Q tag before the EtherType */
	unsigned short ethertype;	/* 0 means AOE_ETHERTYPE */
	unsigned char flags;		/* AOE_FLAG_RSP | AOE_FLAG_ERR */
	unsigned char error;
	unsigned char cmd;
	unsigned int tag;
	size_t len;			/* bytes handed over; may cut the header */
};

/* Fills buf (FRAME_MAX bytes) and returns spec->len. */
size_t frame_build(const struct frame_spec *spec, unsigned char *buf);

/* Tells a loaded classifier its interface's MAC (what the loader does). */
void prog_set_mac(int cfg_fd, const unsigned char mac[AOE_ETH_ALEN]);

/* One BPF_PROG_TEST_RUN; copies the output frame into out (FRAME_MAX). */
unsigned int prog_test_run(int prog_fd, const unsigned char *frame, size_t len,
			   unsigned char *out, size_t *out_len);

/* Checks after - before == want for every counter, naming what differs. */
void stats_expect_delta(const char *what, const struct aoe_xdp_stats *before,
			const struct aoe_xdp_stats *after, const struct aoe_xdp_stats *want);

/* An AF_XDP socket (copy mode, libxdp, no program load) in an XSKMAP. */
struct test_xsk {
	void *area;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill;
	struct xsk_ring_cons comp;
	struct xsk_ring_cons rx;
	struct xsk_ring_prod tx;
	struct xsk_socket *xsk;
	unsigned int last_pieces;	/* descriptors the last frame came in */
};

/* sg: bind with XDP_USE_SG, so frames larger than a chunk arrive in pieces. */
void test_xsk_open(struct test_xsk *x, const char *ifname, unsigned int queue, int xsks_fd,
		   bool sg);
/* Length of the next received frame, pieces gathered into buf, or 0 on timeout. */
size_t test_xsk_recv(struct test_xsk *x, unsigned char *buf, size_t cap, int timeout_ms);
void test_xsk_close(struct test_xsk *x);

/* AF_PACKET: send one frame out of ifname; a receiver of AoE on ifname. */
void raw_send(const char *ifname, const unsigned char *frame, size_t len);
int raw_aoe_listener(const char *ifname);
/* Length of the next frame on fd, or 0 on timeout. */
size_t raw_recv(int fd, unsigned char *buf, size_t cap, int timeout_ms);

/* A process sitting in its own netns, to put a veth end in. */
pid_t peer_ns_start(void);
void peer_ns_stop(pid_t pid);

#endif /* XDP_FIXTURE_H */

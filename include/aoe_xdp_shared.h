/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the XDP classifier and user space agree on: map names, the stats
 * struct (printed with field names by bpftool thanks to BTF), pin paths.
 */
#ifndef AOE_XDP_SHARED_H
#define AOE_XDP_SHARED_H

#include <linux/types.h>

#define AOE_XDP_PROG_NAME	"aoe_xdp_rx"	/* BPF names are at most 15 chars */
#define AOE_XDP_PIN_ROOT	"/sys/fs/bpf/aoe-xdp"	/* + "/<ifname>/<map>" */
#define AOE_XDP_STATS_MAP	"aoe_stats"
#define AOE_XDP_XSKS_MAP	"aoe_xsks"
#define AOE_XDP_CFG_MAP		"aoe_cfg"
#define AOE_XDP_MAX_QUEUES	64
#define AOE_XDP_MAC_LEN		6

/*
 * The one entry (key 0) of the aoe_cfg array: what the classifier needs to
 * know about its interface, written by user space before the program is
 * attached (and again when the interface's MAC changes). A zero MAC, a
 * program nobody configured, keeps nothing.
 */
struct aoe_xdp_config {
	__u8 mac[AOE_XDP_MAC_LEN];	/* the interface's own address: only
					 * responses sent to it are ours */
	__u8 pad[2];
};

/*
 * One per-CPU entry (key 0) of the aoe_stats map. Every field is a __u64
 * counter so user space can sum CPUs field by field.
 */
struct aoe_xdp_stats {
	__u64 aoe_responses;		/* AoE frames with the response flag */
	__u64 redirected;		/* responses handed to an AF_XDP socket */
	__u64 pass_no_socket;		/* ours, but no socket on this queue */
	__u64 multibuf_responses;	/* ours, in several buffers (jumbo): the
					 * socket must be bound with XDP_USE_SG
					 * or the kernel drops them */
	__u64 pass_kernel_tag;		/* tag bit 31 clear: the kernel aoe driver's */
	__u64 pass_other_mac;		/* tag bit 31 set but sent to another MAC
					 * (broadcast, or a host behind a bridge
					 * or a promiscuous NIC): not ours */
	__u64 aoe_requests_passed;	/* requests (a target on this host) */
	__u64 non_aoe_passed;		/* everything else, untouched */
	__u64 malformed_dropped;	/* AoE ethertype, too short for its header */
	__u64 pass_vlan;		/* AoE behind an 802.1Q tag: a VLAN
					 * interface's, passed to it */
	__u64 error_responses;		/* responses with the error flag set */
	__u64 cmd_ata;			/* responses per AoE command ... */
	__u64 cmd_config;
	__u64 cmd_mac_mask;
	__u64 cmd_reserve;
	__u64 cmd_vendor;
	__u64 cmd_unknown;
};

#define AOE_XDP_STATS_NFIELDS	(sizeof(struct aoe_xdp_stats) / sizeof(__u64))

#endif /* AOE_XDP_SHARED_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe_xdp_rx: steer aoe-xdp's AoE responses into AF_XDP sockets.
 *
 * A frame takes exactly one of these paths:
 *   not AoE (after at most one 802.1Q tag)        -> XDP_PASS, untouched
 *   AoE, shorter than Ethernet(+VLAN) + AoE header -> XDP_DROP
 *   AoE request (a target on this host)            -> XDP_PASS
 *   AoE response, tag bit 31 clear (kernel aoe's)  -> XDP_PASS
 *   AoE response, tag bit 31 set (ours)            -> XSKMAP[rx queue],
 *                                                     XDP_PASS if no socket
 * Every path bumps a counter in the per-CPU aoe_stats map.
 *
 * "xdp.frags": the program accepts multi-buffer frames, so the interface can
 * keep a jumbo MTU in native mode. Only the linear part is read; every driver
 * puts at least the first few hundred bytes there, far more than the 28-byte
 * header, so a frame whose linear part is too short really is too short.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "aoe_wire.h"
#include "aoe_xdp_shared.h"

/* The 4 bytes an 802.1Q tag inserts before the real EtherType. */
struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, AOE_XDP_MAX_QUEUES);
	__type(key, __u32);	/* RX queue index */
	__type(value, __u32);	/* AF_XDP socket fd (from user space) */
} aoe_xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aoe_xdp_stats);
} aoe_stats SEC(".maps");

/* Per-CPU entry: a plain increment cannot race with another CPU. */
#define STAT_INC(stats, field) ((stats)->field++)

static __always_inline void count_command(struct aoe_xdp_stats *stats, __u8 cmd)
{
	switch (cmd) {
	case AOE_CMD_ATA:
		STAT_INC(stats, cmd_ata);
		break;
	case AOE_CMD_CFG:
		STAT_INC(stats, cmd_config);
		break;
	case AOE_CMD_MASK:
		STAT_INC(stats, cmd_mac_mask);
		break;
	case AOE_CMD_RESERVE:
		STAT_INC(stats, cmd_reserve);
		break;
	default:
		if (cmd >= AOE_CMD_VENDOR_MIN)
			STAT_INC(stats, cmd_vendor);
		else
			STAT_INC(stats, cmd_unknown);
	}
}

/* A response: ours goes to the socket bound to this RX queue, if any. */
static __always_inline int steer_response(struct xdp_md *ctx, struct aoe_xdp_stats *stats,
					  const struct aoe_hdr *aoe)
{
	int verdict;

	STAT_INC(stats, aoe_responses);
	count_command(stats, aoe->cmd);
	if (aoe->verfl & AOE_FLAG_ERR)
		STAT_INC(stats, error_responses);

	if (!(bpf_ntohl(aoe->tag) & AOE_TAG_USER_BIT)) {
		STAT_INC(stats, pass_kernel_tag);
		return XDP_PASS;
	}
	/* A jumbo frame in several buffers: an AF_XDP socket without
	 * XDP_USE_SG drops it after XDP_REDIRECT (its rx_dropped). */
	if (bpf_xdp_get_buff_len(ctx) > (__u64)(ctx->data_end - ctx->data))
		STAT_INC(stats, multibuf_responses);
	/* The flags argument is the verdict when the queue has no socket. */
	verdict = bpf_redirect_map(&aoe_xsks, ctx->rx_queue_index, XDP_PASS);
	if (verdict == XDP_REDIRECT)
		STAT_INC(stats, redirected);
	else
		STAT_INC(stats, pass_no_socket);
	return verdict;
}

SEC("xdp.frags")
int aoe_xdp_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct aoe_xdp_stats *stats;
	struct aoe_hdr *aoe;
	__u32 key = 0;
	__be16 proto;
	int vlan = 0;

	stats = bpf_map_lookup_elem(&aoe_stats, &key);
	if (!stats)	/* cannot happen for an array; the verifier wants it */
		return XDP_PASS;

	if ((void *)(eth + 1) > data_end) {
		STAT_INC(stats, non_aoe_passed);
		return XDP_PASS;
	}
	proto = eth->h_proto;
	aoe = (void *)(eth + 1);
	if (proto == bpf_htons(ETH_P_8021Q_VLAN)) {
		struct vlan_tag *tag = (void *)(eth + 1);

		if ((void *)(tag + 1) > data_end) {
			STAT_INC(stats, non_aoe_passed);
			return XDP_PASS;
		}
		proto = tag->encap_proto;
		aoe = (void *)(tag + 1);
		vlan = 1;
	}
	if (proto != bpf_htons(AOE_ETHERTYPE)) {
		STAT_INC(stats, non_aoe_passed);
		return XDP_PASS;
	}

	if (vlan)
		STAT_INC(stats, vlan_aoe);
	if ((void *)(aoe + 1) > data_end) {
		STAT_INC(stats, malformed_dropped);
		return XDP_DROP;
	}
	if (!(aoe->verfl & AOE_FLAG_RSP)) {
		STAT_INC(stats, aoe_requests_passed);
		return XDP_PASS;
	}
	return steer_response(ctx, stats, aoe);
}

char LICENSE[] SEC("license") = "GPL";

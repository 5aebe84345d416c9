// SPDX-License-Identifier: GPL-2.0
/*
 * aoe_xdp_rx: steer aoe-xdp's AoE responses into AF_XDP sockets.
 *
 * A frame takes exactly one of these paths:
 *   not AoE                                        -> XDP_PASS, untouched
 *   AoE behind one 802.1Q tag                      -> XDP_PASS: a VLAN interface's
 *   AoE, shorter than Ethernet + AoE header        -> XDP_DROP
 *   AoE request (a target on this host)            -> XDP_PASS
 *   AoE response, tag bit 31 clear (kernel aoe's)  -> XDP_PASS
 *   AoE response, tag bit 31 set, to another MAC   -> XDP_PASS: not for us
 *   AoE response, tag bit 31 set, to our MAC       -> XSKMAP[rx queue],
 *                                                     XDP_PASS if no socket
 * Every path bumps a counter in the per-CPU aoe_stats map.
 *
 * Our MAC: on a bridge port, a promiscuous NIC or a host with VMs, answers
 * meant for another aoe-xdp (a guest's, a container's) arrive here too, tag
 * bit 31 and all; taking them would hang that initiator. Broadcast target
 * announcements have bit 31 clear and pass anyway (user space hears them on
 * a packet socket); answers to our broadcast query come back to our MAC.
 *
 * VLANs: an interface's engine sends untagged frames, so a tagged answer is
 * never its own: it belongs to the VLAN interface on top (eth0.42), where
 * the kernel removes the tag and that interface's classifier, if any, sees
 * it. Where the NIC strips tags before XDP runs, the parent cannot tell them
 * apart; user space refuses to attach a parent and its VLAN at once.
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
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct aoe_xdp_config);
} aoe_cfg SEC(".maps");

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

/* Sent to this interface's own address (a zero one matches nothing). */
static __always_inline int to_our_mac(const struct ethhdr *eth)
{
	const struct aoe_xdp_config *cfg;
	__u32 key = 0;
	__u8 diff = 0, any = 0;

	cfg = bpf_map_lookup_elem(&aoe_cfg, &key);
	if (!cfg)
		return 0;
#pragma unroll
	for (int i = 0; i < AOE_XDP_MAC_LEN; i++) {
		diff |= eth->h_dest[i] ^ cfg->mac[i];
		any |= cfg->mac[i];
	}
	return any && !diff;
}

/* A response: ours goes to the socket bound to this RX queue, if any. */
static __always_inline int steer_response(struct xdp_md *ctx, struct aoe_xdp_stats *stats,
					  const struct ethhdr *eth, const struct aoe_hdr *aoe)
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
	if (!to_our_mac(eth)) {
		STAT_INC(stats, pass_other_mac);
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

	stats = bpf_map_lookup_elem(&aoe_stats, &key);
	if (!stats)	/* cannot happen for an array; the verifier wants it */
		return XDP_PASS;

	if ((void *)(eth + 1) > data_end) {
		STAT_INC(stats, non_aoe_passed);
		return XDP_PASS;
	}
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q_VLAN)) {
		struct vlan_tag *tag = (void *)(eth + 1);

		if ((void *)(tag + 1) > data_end || tag->encap_proto != bpf_htons(AOE_ETHERTYPE)) {
			STAT_INC(stats, non_aoe_passed);
			return XDP_PASS;
		}
		STAT_INC(stats, pass_vlan);
		return XDP_PASS;
	}
	if (proto != bpf_htons(AOE_ETHERTYPE)) {
		STAT_INC(stats, non_aoe_passed);
		return XDP_PASS;
	}

	aoe = (void *)(eth + 1);
	if ((void *)(aoe + 1) > data_end) {
		STAT_INC(stats, malformed_dropped);
		return XDP_DROP;
	}
	if (!(aoe->verfl & AOE_FLAG_RSP)) {
		STAT_INC(stats, aoe_requests_passed);
		return XDP_PASS;
	}
	return steer_response(ctx, stats, eth, aoe);
}

char LICENSE[] SEC("license") = "GPL";

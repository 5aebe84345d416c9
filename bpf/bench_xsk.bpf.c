// SPDX-License-Identifier: GPL-2.0
/*
 * The raw AF_XDP reference of the benchmarks (tools/bench/xsk-rtt):
 *
 *   bench_xsk_rx    frames of EtherType rx_ethertype -> XSKMAP[rx queue]
 *                   (XDP_PASS if no socket); everything else XDP_PASS.
 *   bench_reflect   frames of EtherType BENCH_REFLECT_ETHERTYPE go back out
 *                   of the interface they came in on (XDP_TX), source and
 *                   destination MAC swapped; everything else XDP_PASS.
 *
 * The reflector is the pure ceiling of a veth pair: a round trip without
 * any user space on the far side. Nothing here is on aoe-xdp's own path.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench_xsk_shared.h"

/* Set before load: AoE (0x88A2) for a target, or the reflector's type. */
const volatile __u16 rx_ethertype = BENCH_REFLECT_ETHERTYPE;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, BENCH_XSK_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} bench_xsks SEC(".maps");

SEC("xdp.frags")
int bench_xsk_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(rx_ethertype))
		return XDP_PASS;
	return bpf_redirect_map(&bench_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp.frags")
int bench_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 tmp[ETH_ALEN];

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(BENCH_REFLECT_ETHERTYPE))
		return XDP_PASS;
	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";

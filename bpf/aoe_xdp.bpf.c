// SPDX-License-Identifier: GPL-2.0
/* placeholder replaced by the classifier work */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp")
int aoe_xdp_rx(struct xdp_md *ctx)
{
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";

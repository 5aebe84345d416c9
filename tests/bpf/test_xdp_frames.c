// SPDX-License-Identifier: GPL-2.0
/*
 * The classifier, frame by frame: BPF_PROG_TEST_RUN over a table of crafted
 * frames (verdict and counter deltas for every branch), then the redirect
 * branch with a real AF_XDP socket, then real frames through a veth pair.
 */
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aoe_wire.h"
#include "aoe_xdp.skel.h"
#include "xdp_fixture.h"
#include "xdp/xdp_prog.h"

#define OUR_TAG		(AOE_TAG_USER_BIT | 0x1234)
#define KERNEL_TAG	0x00050001u	/* the kernel driver's shape: bit 31 clear */
#define ZLEN		AOE_ETH_ZLEN
#define RSP		AOE_FLAG_RSP
#define RSP_ERR		(AOE_FLAG_RSP | AOE_FLAG_ERR)
/* A read of AOE_JUMBO_SECTORS: more than one 4 KiB buffer holds. */
#define JUMBO_RSP_LEN	(AOE_ATA_HDR_LEN + AOE_JUMBO_SECTORS * ATA_SECTOR_SIZE)

struct frame_case {
	char desc[64];	/* an array: Criterion copies parameters between processes */
	struct frame_spec frame;
	unsigned int verdict;
	struct aoe_xdp_stats delta;
};

/* A response of ours with no socket in the map: everything but the command. */
#define NO_SOCKET(extra...) { .aoe_responses = 1, .pass_no_socket = 1, extra }

static struct frame_case frame_cases[] = {
	{ "ATA response, our tag, no socket",
	  { .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_ata = 1) },
	{ "config response, our tag",
	  { .flags = RSP, .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_config = 1) },
	{ "MAC mask response",
	  { .flags = RSP, .cmd = AOE_CMD_MASK, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_mac_mask = 1) },
	{ "reserve/release response",
	  { .flags = RSP, .cmd = AOE_CMD_RESERVE, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_reserve = 1) },
	{ "vendor command 0xf0 response",
	  { .flags = RSP, .cmd = 0xf0, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_vendor = 1) },
	{ "vendor command 0xff response",
	  { .flags = RSP, .cmd = 0xff, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_vendor = 1) },
	{ "unknown command 4 response",
	  { .flags = RSP, .cmd = 4, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_unknown = 1) },
	{ "unknown command 0xef response",
	  { .flags = RSP, .cmd = 0xef, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_unknown = 1) },
	{ "error response (device unavailable), our tag",
	  { .flags = RSP_ERR, .error = AOE_ERR_DEVUNAVAIL, .cmd = AOE_CMD_CFG, .tag = OUR_TAG,
	    .len = ZLEN },
	  XDP_PASS, NO_SOCKET(.cmd_config = 1, .error_responses = 1) },
	{ "kernel-tag ATA response goes to the kernel",
	  { .flags = RSP, .cmd = AOE_CMD_ATA, .tag = KERNEL_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_kernel_tag = 1, .cmd_ata = 1 } },
	{ "kernel-tag error response",
	  { .flags = RSP_ERR, .error = AOE_ERR_BADARG, .cmd = AOE_CMD_ATA, .tag = KERNEL_TAG,
	    .len = ZLEN },
	  XDP_PASS,
	  { .aoe_responses = 1, .pass_kernel_tag = 1, .cmd_ata = 1, .error_responses = 1 } },
	{ "ATA response of ours to broadcast is not ours",
	  { .dst = DST_BCAST, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1 } },
	{ "config response, our tag bit, another host's (bridge, promisc)",
	  { .dst = DST_OTHER, .flags = RSP, .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_config = 1 } },
	{ "ATA response with our tag bit to another host",
	  { .dst = DST_OTHER, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1 } },
	{ "response of ours to a multicast group",
	  { .dst = DST_MCAST, .flags = RSP, .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_config = 1 } },
	{ "our MAC but for the first byte",
	  { .dst = DST_NEAR_FIRST, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG,
	    .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1 } },
	{ "our MAC but for the last byte",
	  { .dst = DST_NEAR_LAST, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG,
	    .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1 } },
	{ "error response of ours to another host",
	  { .dst = DST_OTHER, .flags = RSP_ERR, .error = AOE_ERR_BADARG, .cmd = AOE_CMD_ATA,
	    .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS,
	  { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1, .error_responses = 1 } },
	{ "broadcast announcement (tag bit 31 clear): the kernel's",
	  { .dst = DST_BCAST, .flags = RSP, .cmd = AOE_CMD_CFG, .tag = 0, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_kernel_tag = 1, .cmd_config = 1 } },
	{ "kernel-tag response to another host",
	  { .dst = DST_OTHER, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = KERNEL_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_kernel_tag = 1, .cmd_ata = 1 } },
	{ "VLAN ATA response, our tag: the VLAN interface's",
	  { .vlan = true, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "VLAN kernel-tag config response",
	  { .vlan = true, .flags = RSP, .cmd = AOE_CMD_CFG, .tag = KERNEL_TAG, .len = ZLEN },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "ATA request (a target on this host)",
	  { .cmd = AOE_CMD_ATA, .tag = KERNEL_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_requests_passed = 1 } },
	{ "config request with our tag bit is still a request",
	  { .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_requests_passed = 1 } },
	{ "broadcast config request (another initiator's discovery)",
	  { .dst = DST_BCAST, .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .aoe_requests_passed = 1 } },
	{ "VLAN request",
	  { .vlan = true, .cmd = AOE_CMD_CFG, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "shortest whole response: 24 bytes",
	  { .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = AOE_FULL_HDR_LEN },
	  XDP_PASS, NO_SOCKET(.cmd_ata = 1) },
	{ "shortest whole VLAN response: 28 bytes",
	  { .vlan = true, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG,
	    .len = AOE_FULL_HDR_LEN + AOE_VLAN_HLEN },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "truncated AoE: 23 bytes, tag cut",
	  { .flags = RSP, .tag = OUR_TAG, .len = AOE_FULL_HDR_LEN - 1 },
	  XDP_DROP, { .malformed_dropped = 1 } },
	{ "truncated AoE: Ethernet header only",
	  { .flags = RSP, .tag = OUR_TAG, .len = AOE_ETH_HLEN },
	  XDP_DROP, { .malformed_dropped = 1 } },
	{ "truncated VLAN AoE: 27 bytes is the VLAN interface's to judge",
	  { .vlan = true, .flags = RSP, .tag = OUR_TAG,
	    .len = AOE_FULL_HDR_LEN + AOE_VLAN_HLEN - 1 },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "VLAN AoE EtherType and nothing after it: 18 bytes",
	  { .vlan = true, .flags = RSP, .tag = OUR_TAG, .len = AOE_ETH_HLEN + AOE_VLAN_HLEN },
	  XDP_PASS, { .pass_vlan = 1 } },
	{ "jumbo response of ours in several buffers",
	  { .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = JUMBO_RSP_LEN },
	  XDP_PASS, NO_SOCKET(.cmd_ata = 1, .multibuf_responses = 1) },
	{ "jumbo kernel-tag response is not counted as ours",
	  { .flags = RSP, .cmd = AOE_CMD_ATA, .tag = KERNEL_TAG, .len = JUMBO_RSP_LEN },
	  XDP_PASS, { .aoe_responses = 1, .pass_kernel_tag = 1, .cmd_ata = 1 } },
	{ "ARP", { .ethertype = ETH_P_ARP, .len = 42 }, XDP_PASS, { .non_aoe_passed = 1 } },
	{ "IPv4", { .ethertype = ETH_P_IP, .len = ZLEN }, XDP_PASS, { .non_aoe_passed = 1 } },
	{ "IPv6 behind a VLAN tag",
	  { .vlan = true, .ethertype = ETH_P_IPV6, .len = ZLEN }, XDP_PASS,
	  { .non_aoe_passed = 1 } },
	{ "VLAN tag cut short: 17 bytes",
	  { .vlan = true, .len = AOE_ETH_HLEN + 3 }, XDP_PASS, { .non_aoe_passed = 1 } },
	{ "VLAN tag cut short: 16 bytes",
	  { .vlan = true, .len = AOE_ETH_HLEN + 2 }, XDP_PASS, { .non_aoe_passed = 1 } },
	{ "AoE behind two 802.1Q tags is not ours",
	  { .vlan = true, .ethertype = ETH_P_8021Q, .flags = RSP, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .non_aoe_passed = 1 } },
	{ "802.1ad (QinQ) outer tag is not parsed",
	  { .ethertype = ETH_P_8021AD, .flags = RSP, .tag = OUR_TAG, .len = ZLEN },
	  XDP_PASS, { .non_aoe_passed = 1 } },
};

static struct aoe_xdp_bpf *skel;

/* As the loader leaves it: told the interface's MAC. */
static void load_skel(void)
{
	skel = aoe_xdp_bpf__open_and_load();
	cr_assert_not_null(skel, "cannot load the classifier (are we root?)");
	prog_set_mac(bpf_map__fd(skel->maps.aoe_cfg), local_mac);
}

static void load_skel_unconfigured(void)
{
	skel = aoe_xdp_bpf__open_and_load();
	cr_assert_not_null(skel, "cannot load the classifier (are we root?)");
}

static void destroy_skel(void)
{
	aoe_xdp_bpf__destroy(skel);
	skel = NULL;
}

static void read_stats(int stats_fd, struct aoe_xdp_stats *s)
{
	const struct xdp_prog view = { .stats_fd = stats_fd };

	cr_assert_eq(xdp_prog_stats(&view, s), 0);
}

/* Runs one frame and checks verdict, counters, and that it left the bytes alone. */
static void check_case(int prog_fd, int stats_fd, const struct frame_case *c)
{
	unsigned char in[FRAME_MAX], out[FRAME_MAX];
	struct aoe_xdp_stats before, after;
	size_t len = frame_build(&c->frame, in), out_len = 0;
	unsigned int verdict;

	read_stats(stats_fd, &before);
	verdict = prog_test_run(prog_fd, in, len, out, &out_len);
	read_stats(stats_fd, &after);
	cr_expect_eq(verdict, c->verdict, "%s: verdict %u, expected %u", c->desc, verdict,
		     c->verdict);
	stats_expect_delta(c->desc, &before, &after, &c->delta);
	cr_expect_eq(out_len, len, "%s: frame length changed", c->desc);
	cr_expect_arr_eq(out, in, len, "%s: frame bytes changed", c->desc);
}

ParameterizedTestParameters(xdp_frames, table)
{
	return cr_make_param_array(struct frame_case, frame_cases,
				   sizeof(frame_cases) / sizeof(frame_cases[0]));
}

ParameterizedTest(struct frame_case *c, xdp_frames, table, .init = load_skel,
		  .fini = destroy_skel)
{
	check_case(bpf_program__fd(skel->progs.aoe_xdp_rx),
		   bpf_map__fd(skel->maps.aoe_stats), c);
}

/* A program nobody told its MAC (all zero) takes nothing: fail closed. */
Test(xdp_frames, unconfigured_keeps_nothing, .init = load_skel_unconfigured,
     .fini = destroy_skel)
{
	const struct frame_case c = {
		"response of ours, program without a MAC",
		{ .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN },
		XDP_PASS, { .aoe_responses = 1, .pass_other_mac = 1, .cmd_ata = 1 },
	};

	check_case(bpf_program__fd(skel->progs.aoe_xdp_rx), bpf_map__fd(skel->maps.aoe_stats),
		   &c);
}

/* The program's BTF, the shared header and the printing table agree. */
Test(xdp_frames, stat_fields_match_btf, .init = load_skel, .fini = destroy_skel)
{
	const struct btf *btf = bpf_object__btf(skel->obj);
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i = 0;

	cr_assert_not_null(btf);
	id = btf__find_by_name_kind(btf, "aoe_xdp_stats", BTF_KIND_STRUCT);
	cr_assert_gt(id, 0, "struct aoe_xdp_stats is not in the program's BTF");
	t = btf__type_by_id(btf, id);
	cr_assert_eq(btf_vlen(t), AOE_XDP_STATS_NFIELDS);
	cr_assert_eq(t->size, sizeof(struct aoe_xdp_stats));
	for (m = btf_members(t); i < btf_vlen(t); i++, m++) {
		cr_assert_not_null(xdp_stat_fields[i].name);
		cr_expect_str_eq(btf__name_by_offset(btf, m->name_off), xdp_stat_fields[i].name);
		cr_expect_eq(btf_member_bit_offset(t, i) / 8, xdp_stat_fields[i].offset,
			     "%s", xdp_stat_fields[i].name);
	}
	cr_expect_null(xdp_stat_fields[i].name, "xdp_stat_fields has extra rows");
}

/* --- with a real AF_XDP socket --------------------------------------------- */

static struct xdp_prog prog;
static struct test_xsk xsk;

struct veth_setup {
	enum aoe_xdp_mode mode;
	unsigned int queues;
	unsigned int mtu;
	bool sg;	/* socket bound with XDP_USE_SG */
};

static void veth_with_socket(const struct veth_setup *s)
{
	fixture_enter_private_ns();
	veth_create(s->queues);
	cr_assert_eq(run_cmd("ip link set dev %s mtu %u", VETH_PEER, s->mtu), 0);
	cr_assert_eq(run_cmd("ip link set dev %s mtu %u", VETH_LOCAL, s->mtu), 0);
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, s->mode), 0);
	test_xsk_open(&xsk, VETH_LOCAL, 0, prog.xsks_fd, s->sg);
}

static void setup_two_queues(void)
{
	veth_with_socket(&(struct veth_setup){ AOE_XDP_MODE_NATIVE, 2, ETH_DATA_LEN, false });
}

static void teardown_socket(void)
{
	test_xsk_close(&xsk);
	xdp_prog_detach(&prog);
}

static const struct frame_spec our_ata_rsp = {
	.flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN,
};

Test(xdp_frames, redirect_to_socket_on_queue, .init = setup_two_queues,
     .fini = teardown_socket)
{
	const struct frame_case c = {
		"ATA response with a socket on queue 0", our_ata_rsp, XDP_REDIRECT,
		{ .aoe_responses = 1, .redirected = 1, .cmd_ata = 1 },
	};

	/* Without ctx_in the test run is on queue 0, where the socket is. */
	check_case(bpf_program__fd(prog.skel->progs.aoe_xdp_rx), prog.stats_fd, &c);
}

Test(xdp_frames, no_socket_on_other_queue, .init = setup_two_queues,
     .fini = teardown_socket)
{
	struct xdp_md ctx = {
		.ingress_ifindex = if_nametoindex(VETH_LOCAL),
		.rx_queue_index = 1,
	};
	unsigned char in[FRAME_MAX], out[FRAME_MAX];
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = in, .data_out = out, .data_size_out = sizeof(out),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	struct aoe_xdp_stats before, after;
	const struct aoe_xdp_stats want = NO_SOCKET(.cmd_ata = 1);

	opts.data_size_in = frame_build(&our_ata_rsp, in);
	ctx.data_end = opts.data_size_in;	/* the kernel wants the frame's extent */
	read_stats(prog.stats_fd, &before);
	cr_assert_eq(bpf_prog_test_run_opts(bpf_program__fd(prog.skel->progs.aoe_xdp_rx),
					    &opts), 0);
	read_stats(prog.stats_fd, &after);
	cr_expect_eq(opts.retval, XDP_PASS, "queue 1 has no socket: expected XDP_PASS");
	stats_expect_delta("response on queue 1", &before, &after, &want);
}

/*
 * Real frames from the peer: ours arrives on the AF_XDP socket and nowhere
 * else; the kernel driver's, and one with our tag bit but for another host
 * (as a bridge port or a promiscuous NIC sees it), reach the stack (a
 * packet socket) and not the AF_XDP socket. One queue, so every frame lands
 * where the socket is. The loader told the program VETH_LOCAL's MAC.
 */
static void frames_through_veth(void)
{
	const struct frame_spec kernel_rsp = {
		.flags = RSP, .cmd = AOE_CMD_CFG, .tag = KERNEL_TAG, .len = ZLEN,
	};
	const struct frame_spec elsewhere_rsp = {
		.dst = DST_OTHER, .flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = ZLEN,
	};
	unsigned char ours[FRAME_MAX], theirs[FRAME_MAX], elsewhere[FRAME_MAX], got[FRAME_MAX];
	struct aoe_xdp_stats before, after;
	const struct aoe_xdp_stats want = {
		.aoe_responses = 3, .redirected = 1, .pass_kernel_tag = 1, .pass_other_mac = 1,
		.cmd_ata = 2, .cmd_config = 1,
	};
	int listener = raw_aoe_listener(VETH_LOCAL);
	size_t n;

	frame_build(&our_ata_rsp, ours);
	frame_build(&kernel_rsp, theirs);
	frame_build(&elsewhere_rsp, elsewhere);
	cr_assert_eq(xdp_prog_stats(&prog, &before), 0);
	raw_send(VETH_PEER, ours, ZLEN);
	raw_send(VETH_PEER, theirs, ZLEN);
	raw_send(VETH_PEER, elsewhere, ZLEN);

	n = test_xsk_recv(&xsk, got, sizeof(got), RECV_TIMEOUT_MS);
	cr_assert_eq(n, ZLEN, "our response did not arrive on the AF_XDP socket (%zu bytes)", n);
	cr_expect_arr_eq(got, ours, ZLEN);
	n = raw_recv(listener, got, sizeof(got), RECV_TIMEOUT_MS);
	cr_assert_eq(n, ZLEN, "the kernel-tag response did not reach the stack");
	cr_expect_arr_eq(got, theirs, ZLEN);
	n = raw_recv(listener, got, sizeof(got), RECV_TIMEOUT_MS);
	cr_assert_eq(n, ZLEN, "the response for another host did not reach the stack");
	cr_expect_arr_eq(got, elsewhere, ZLEN);

	/* One queue delivers in order: both frames have been classified by now. */
	cr_expect_eq(test_xsk_recv(&xsk, got, sizeof(got), 0), 0,
		     "the kernel-tag response or the other host's reached the AF_XDP socket");
	cr_expect_eq(raw_recv(listener, got, sizeof(got), 0), 0,
		     "our response also reached the stack");
	close(listener);

	cr_assert_eq(xdp_prog_stats(&prog, &after), 0);
	stats_expect_delta("two frames through the veth", &before, &after, &want);
}

static void setup_native_one_queue(void)
{
	veth_with_socket(&(struct veth_setup){ AOE_XDP_MODE_NATIVE, 1, ETH_DATA_LEN, false });
}

static void setup_skb_one_queue(void)
{
	veth_with_socket(&(struct veth_setup){ AOE_XDP_MODE_SKB, 1, ETH_DATA_LEN, false });
}

Test(xdp_frames, veth_native_frames, .init = setup_native_one_queue,
     .fini = teardown_socket)
{
	frames_through_veth();
}

Test(xdp_frames, veth_skb_frames, .init = setup_skb_one_queue, .fini = teardown_socket)
{
	frames_through_veth();
}

/*
 * A jumbo read response (17 sectors) through a 9000-MTU veth: xdp.frags lets
 * the program see it, and an XDP_USE_SG socket gets it in pieces, intact.
 */
static void jumbo_through_veth(void)
{
	const struct frame_spec jumbo = {
		.flags = RSP, .cmd = AOE_CMD_ATA, .tag = OUR_TAG, .len = JUMBO_RSP_LEN,
	};
	const struct aoe_xdp_stats want = {
		.aoe_responses = 1, .redirected = 1, .multibuf_responses = 1, .cmd_ata = 1,
	};
	static unsigned char sent[FRAME_MAX], got[FRAME_MAX];
	struct aoe_xdp_stats before, after;
	size_t n;

	frame_build(&jumbo, sent);
	for (size_t i = AOE_ATA_HDR_LEN; i < JUMBO_RSP_LEN; i++)
		sent[i] = (unsigned char)(i * 7);	/* a pattern that shows misplaced pieces */
	cr_assert_eq(xdp_prog_stats(&prog, &before), 0);
	raw_send(VETH_PEER, sent, JUMBO_RSP_LEN);

	n = test_xsk_recv(&xsk, got, sizeof(got), RECV_TIMEOUT_MS);
	cr_assert_eq(n, JUMBO_RSP_LEN, "the jumbo response did not arrive whole (%zu bytes)", n);
	cr_expect_arr_eq(got, sent, JUMBO_RSP_LEN);
	cr_expect_gt(xsk.last_pieces, 1, "a jumbo frame in one piece: multi-buffer untested");
	cr_assert_eq(xdp_prog_stats(&prog, &after), 0);
	stats_expect_delta("jumbo response", &before, &after, &want);
}

static void setup_native_jumbo(void)
{
	veth_with_socket(&(struct veth_setup){ AOE_XDP_MODE_NATIVE, 1, JUMBO_MTU, true });
}

static void setup_skb_jumbo(void)
{
	veth_with_socket(&(struct veth_setup){ AOE_XDP_MODE_SKB, 1, JUMBO_MTU, true });
}

Test(xdp_frames, veth_native_jumbo_sg, .init = setup_native_jumbo, .fini = teardown_socket)
{
	jumbo_through_veth();
}

Test(xdp_frames, veth_skb_jumbo_sg, .init = setup_skb_jumbo, .fini = teardown_socket)
{
	jumbo_through_veth();
}

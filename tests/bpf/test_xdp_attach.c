// SPDX-License-Identifier: GPL-2.0
/*
 * The loader on a veth pair in a private namespace: modes, ownership,
 * leftovers, foreign programs, cleanup, errors, pins, and that ordinary
 * traffic still flows while the classifier is attached.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "aoe_wire.h"
#include "aoe_xdp.skel.h"
#include "xdp_fixture.h"
#include "xdp/iface_lock.h"
#include "xdp/xdp_prog.h"

#define PIN_DIR		AOE_XDP_PIN_ROOT "/" VETH_LOCAL
#define STATS_PIN	PIN_DIR "/" AOE_XDP_STATS_MAP
#define XSKS_PIN	PIN_DIR "/" AOE_XDP_XSKS_MAP
#define UNPRIVILEGED_ID	65534	/* nobody */
#define BPFTOOL_OUT_MAX	65536

static struct xdp_prog prog, other;

static void setup(void)
{
	fixture_enter_private_ns();
	veth_create(1);
}

static void teardown(void)
{
	xdp_prog_detach(&other);
	xdp_prog_detach(&prog);
}

TestSuite(xdp_attach, .init = setup, .fini = teardown);

static unsigned int our_id(const struct xdp_prog *p)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	cr_assert_eq(bpf_obj_get_info_by_fd(bpf_program__fd(p->skel->progs.aoe_xdp_rx),
					    &info, &len), 0);
	return info.id;
}

static unsigned int map_id(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	return info.id;
}

static unsigned int pinned_map_id(const char *path)
{
	int fd = bpf_obj_get(path);
	unsigned int id;

	cr_assert_geq(fd, 0, "%s is not pinned", path);
	id = map_id(fd);
	close(fd);
	return id;
}

static long lock_file_pid(void)
{
	char text[32] = "", path[128];
	FILE *f;

	cr_assert_eq(iface_lock_path(path, sizeof(path), VETH_LOCAL), 0);
	f = fopen(path, "r");
	cr_assert_not_null(f, "no lock file %s", path);
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	return strtol(text, NULL, 10);
}

/* Attached in mode, pinned, locked by us. */
static void expect_attached(const struct xdp_prog *p, enum aoe_xdp_mode mode)
{
	unsigned int flag = mode == AOE_XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	unsigned int other_flag = mode == AOE_XDP_MODE_NATIVE ? XDP_FLAGS_SKB_MODE :
								 XDP_FLAGS_DRV_MODE;
	char name[BPF_OBJ_NAME_LEN];

	cr_assert_eq(p->mode, mode, "attached in %s mode, wanted %s", xdp_mode_str(p->mode),
		     xdp_mode_str(mode));
	cr_assert_eq(xdp_attached_id(VETH_LOCAL, flag), our_id(p));
	cr_expect_eq(xdp_attached_id(VETH_LOCAL, other_flag), 0);
	prog_name_by_id(our_id(p), name, sizeof(name));
	cr_expect_str_eq(name, AOE_XDP_PROG_NAME);
	cr_expect_eq(pinned_map_id(STATS_PIN), map_id(p->stats_fd));
	cr_expect_eq(pinned_map_id(XSKS_PIN), map_id(p->xsks_fd));
	cr_expect_eq(lock_file_pid(), getpid());
}

static void expect_nothing_left(void)
{
	cr_expect_eq(xdp_any_attached_id(VETH_LOCAL), 0, "an XDP program is still attached");
	cr_expect_not(path_exists(PIN_DIR), "%s still exists", PIN_DIR);
}

Test(xdp_attach, native)
{
	struct statfs st;

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_NATIVE), 0);
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
	cr_assert_eq(statfs("/sys/fs/bpf", &st), 0);
	cr_expect_eq(st.f_type, BPF_FS_MAGIC, "the loader did not mount the missing bpffs");
}

Test(xdp_attach, skb)
{
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_SKB), 0);
	expect_attached(&prog, AOE_XDP_MODE_SKB);
}

Test(xdp_attach, auto_picks_native_on_veth)
{
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
}

/* lo has no native XDP: auto falls back to skb mode, native says no. */
Test(xdp_attach, auto_falls_back_to_skb_without_driver_support)
{
	cr_assert_eq(run_cmd("ip link set dev lo up"), 0);
	cr_assert_eq(xdp_prog_attach(&prog, "lo", AOE_XDP_MODE_AUTO), 0);
	cr_expect_eq(prog.mode, AOE_XDP_MODE_SKB);
	cr_expect_eq(xdp_attached_id("lo", XDP_FLAGS_SKB_MODE), our_id(&prog));
	xdp_prog_detach(&prog);

	cr_expect_eq(xdp_prog_attach(&prog, "lo", AOE_XDP_MODE_NATIVE), -EOPNOTSUPP);
	cr_expect_eq(xdp_any_attached_id("lo"), 0);
	cr_expect_not(path_exists(AOE_XDP_PIN_ROOT "/lo"));
}

/* xdp.frags: native XDP on veth no longer caps the MTU. */
Test(xdp_attach, native_with_jumbo_mtu)
{
	cr_assert_eq(run_cmd("ip link set dev %s mtu %d", VETH_PEER, JUMBO_MTU), 0);
	cr_assert_eq(run_cmd("ip link set dev %s mtu %d", VETH_LOCAL, JUMBO_MTU), 0);
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_NATIVE), 0);
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
	xdp_prog_detach(&prog);

	cr_assert_eq(run_cmd("ip link set dev %s mtu 1500", VETH_PEER), 0);
	cr_assert_eq(run_cmd("ip link set dev %s mtu 1500", VETH_LOCAL), 0);
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_NATIVE), 0);
	cr_expect_eq(run_cmd("ip link set dev %s mtu %d", VETH_PEER, JUMBO_MTU), 0,
		     "peer MTU cannot go jumbo with the classifier attached");
	cr_expect_eq(run_cmd("ip link set dev %s mtu %d", VETH_LOCAL, JUMBO_MTU), 0,
		     "MTU cannot go jumbo with the classifier attached");
}

Test(xdp_attach, detach_leaves_nothing)
{
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	xdp_prog_detach(&prog);
	expect_nothing_left();
	cr_expect_not(path_exists(AOE_XDP_PIN_ROOT), "empty %s left behind", AOE_XDP_PIN_ROOT);
	cr_expect_eq(lock_file_pid(), 0, "our pid is still in the lock file");
	cr_expect_eq(prog.lock_fd, -1);
	xdp_prog_detach(&prog);	/* twice is harmless */

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_SKB), 0,
		     "cannot attach again after detach");
	expect_attached(&prog, AOE_XDP_MODE_SKB);
}

Test(xdp_attach, detach_of_unattached_is_harmless)
{
	struct xdp_prog never = {};

	xdp_prog_detach(&never);
	cr_expect_eq(xdp_prog_attach(&prog, "aoe-nosuch", AOE_XDP_MODE_AUTO), -ENODEV);
	xdp_prog_detach(&prog);
	cr_expect_eq(prog.lock_fd, -1);
}

Test(xdp_attach, unknown_interface)
{
	cr_expect_eq(xdp_prog_attach(&prog, "aoe-nosuch", AOE_XDP_MODE_AUTO), -ENODEV);
	cr_expect_eq(xdp_prog_attach(&prog, "../etc", AOE_XDP_MODE_AUTO), -EINVAL);
	cr_expect_eq(xdp_prog_attach(&prog, "a-name-far-too-long", AOE_XDP_MODE_AUTO), -EINVAL);
}

Test(xdp_attach, interface_down)
{
	cr_assert_eq(run_cmd("ip link set dev %s down", VETH_LOCAL), 0);
	cr_expect_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), -ENETDOWN);
	expect_nothing_left();
}

Test(xdp_attach, not_root)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct xdp_prog p;

		if (setresgid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID) ||
		    setresuid(UNPRIVILEGED_ID, UNPRIVILEGED_ID, UNPRIVILEGED_ID))
			_exit(2);
		_exit(xdp_prog_attach(&p, VETH_LOCAL, AOE_XDP_MODE_AUTO) == -EPERM ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "an unprivileged attach did not fail with -EPERM (status %#x)", status);
	expect_nothing_left();
}

Test(xdp_attach, second_attach_is_busy)
{
	unsigned int id;

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	id = our_id(&prog);
	cr_expect_eq(xdp_prog_attach(&other, VETH_LOCAL, AOE_XDP_MODE_AUTO), -EBUSY);
	cr_expect_eq(other.ifindex, 0, "a failed attach left state behind");
	xdp_prog_detach(&other);
	cr_expect_eq(xdp_attached_id(VETH_LOCAL, XDP_FLAGS_DRV_MODE), id,
		     "the second attach disturbed the first");
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
}

/* A child attaches and dies without detaching: program and pins stay. */
static unsigned int crash_after_attach(enum aoe_xdp_mode mode)
{
	int status;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct xdp_prog p;

		_exit(xdp_prog_attach(&p, VETH_LOCAL, mode) ? 1 : 0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child could not attach");
	cr_assert(path_exists(STATS_PIN), "the crashed run left no pins");
	return xdp_any_attached_id(VETH_LOCAL);
}

Test(xdp_attach, leftover_of_crashed_run_is_replaced)
{
	unsigned int stale = crash_after_attach(AOE_XDP_MODE_SKB);

	cr_assert_neq(stale, 0, "the crashed run left no program");
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	cr_expect_neq(our_id(&prog), stale);
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
}

Test(xdp_attach, remove_stale)
{
	crash_after_attach(AOE_XDP_MODE_NATIVE);
	cr_assert_eq(xdp_prog_remove_stale(VETH_LOCAL), 0);
	expect_nothing_left();
	cr_expect_eq(xdp_prog_remove_stale(VETH_LOCAL), 0, "nothing to remove is not an error");
}

Test(xdp_attach, remove_stale_refuses_a_live_owner)
{
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	cr_expect_eq(xdp_prog_remove_stale(VETH_LOCAL), -EBUSY);
	expect_attached(&prog, AOE_XDP_MODE_NATIVE);
}

static void refuse_foreign(unsigned int foreign_flag, enum aoe_xdp_mode ask)
{
	int fd = foreign_prog_load();
	unsigned int id;

	cr_assert_eq(bpf_xdp_attach(if_nametoindex(VETH_LOCAL), fd, foreign_flag, NULL), 0);
	id = xdp_attached_id(VETH_LOCAL, foreign_flag);
	cr_expect_eq(xdp_prog_attach(&prog, VETH_LOCAL, ask), -EBUSY);
	cr_expect_eq(xdp_attached_id(VETH_LOCAL, foreign_flag), id,
		     "the foreign program was touched");
	cr_expect_not(path_exists(PIN_DIR), "pins made although the attach failed");

	/* The failed attach dropped the lock: once the interface is free, it works. */
	cr_assert_eq(bpf_xdp_detach(if_nametoindex(VETH_LOCAL), foreign_flag, NULL), 0);
	close(fd);
	cr_expect_eq(xdp_prog_attach(&prog, VETH_LOCAL, ask), 0);
}

Test(xdp_attach, foreign_native_program_is_refused)
{
	refuse_foreign(XDP_FLAGS_DRV_MODE, AOE_XDP_MODE_AUTO);
}

Test(xdp_attach, foreign_skb_program_is_refused_in_native_mode)
{
	refuse_foreign(XDP_FLAGS_SKB_MODE, AOE_XDP_MODE_NATIVE);
}

/* Ordinary traffic (ARP, ICMP) still flows with the classifier attached. */
Test(xdp_attach, ping_across_veth)
{
	pid_t peer = peer_ns_start();
	struct aoe_xdp_stats st;
	int rc;

	cr_assert_eq(run_cmd("ip link set dev %s netns %d", VETH_PEER, (int)peer), 0);
	cr_assert_eq(run_cmd("nsenter -t %d -n ip addr add 10.213.0.2/24 dev %s", (int)peer,
			     VETH_PEER), 0);
	cr_assert_eq(run_cmd("nsenter -t %d -n ip link set dev %s up", (int)peer, VETH_PEER), 0);
	cr_assert_eq(run_cmd("ip addr add 10.213.0.1/24 dev %s", VETH_LOCAL), 0);
	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);

	rc = run_cmd("ping -q -c 3 -i 0.2 -W 2 10.213.0.2 >/dev/null");
	peer_ns_stop(peer);
	cr_expect_eq(rc, 0, "ping across the veth failed with the classifier attached");
	cr_assert_eq(xdp_prog_stats(&prog, &st), 0);
	cr_expect_geq(st.non_aoe_passed, 3, "the replies did not pass the classifier");
}

static void run_some_frames(const struct xdp_prog *p)
{
	const struct frame_spec rsp = {
		.flags = AOE_FLAG_RSP, .cmd = AOE_CMD_CFG, .tag = 7, .len = AOE_ETH_ZLEN,
	};
	unsigned char in[FRAME_MAX], out[FRAME_MAX];
	size_t len = frame_build(&rsp, in), out_len;

	prog_test_run(bpf_program__fd(p->skel->progs.aoe_xdp_rx), in, len, out, &out_len);
}

Test(xdp_attach, pinned_stats_match)
{
	struct aoe_xdp_stats mine, pinned;

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	run_some_frames(&prog);
	cr_assert_eq(xdp_prog_stats(&prog, &mine), 0);
	cr_assert_eq(xdp_stats_read_pinned(VETH_LOCAL, &pinned), 0);
	cr_expect_eq(mine.cmd_config, 1);
	cr_expect_arr_eq(&mine, &pinned, sizeof(mine));
}

Test(xdp_attach, pinned_stats_missing)
{
	struct aoe_xdp_stats st;

	cr_expect_eq(xdp_stats_read_pinned(VETH_LOCAL, &st), -ENOENT);
	cr_expect_eq(xdp_stats_read_pinned("..", &st), -EINVAL);
}

Test(xdp_attach, pinned_stats_of_another_layout)
{
	struct aoe_xdp_stats st;
	int fd;

	cr_assert_eq(mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL), 0);
	cr_assert_eq(mkdir(AOE_XDP_PIN_ROOT, 0700), 0);
	cr_assert_eq(mkdir(PIN_DIR, 0700), 0);
	fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, AOE_XDP_STATS_MAP, sizeof(__u32),
			    sizeof(__u64), 1, NULL);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bpf_obj_pin(fd, STATS_PIN), 0);
	cr_expect_eq(xdp_stats_read_pinned(VETH_LOCAL, &st), -EPROTO);
	close(fd);
}

/* BTF makes bpftool print the counters by name. */
Test(xdp_attach, bpftool_dump_names_fields)
{
	static char out[BPFTOOL_OUT_MAX];
	size_t n;
	FILE *p;

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	p = popen("bpftool -j map dump pinned " STATS_PIN, "r");
	cr_assert_not_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	cr_assert_eq(pclose(p), 0, "bpftool failed: %s", out);
	for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++) {
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "\"%s\":", f->name);
		cr_expect_not_null(strstr(out, quoted), "bpftool output lacks %s: %s", f->name, out);
	}
}

/*
 * Any name the kernel accepts: dots (VLANs; bpffs refuses them, so pins go
 * under the escaped name of xdp/ifname.h), dashes, '@', IFNAMSIZ - 1
 * characters. Attach, pins, pinned counters, bpftool, the lock, detach,
 * and a crashed run's leftovers removed by name.
 */
struct odd_name {
	char ifname[IF_NAMESIZE];
	char pin_dir[64];
};

static struct odd_name odd_names[] = {
	{ "v0.42", AOE_XDP_PIN_ROOT "/v0%2e42" },
	{ "a.b-c@d.e.f1234", AOE_XDP_PIN_ROOT "/a%2eb-c@d%2ee%2ef1234" },
	{ "x@y", AOE_XDP_PIN_ROOT "/x@y" },
	{ "...", AOE_XDP_PIN_ROOT "/%2e%2e%2e" },
};

ParameterizedTestParameters(xdp_attach, any_interface_name)
{
	return cr_make_param_array(struct odd_name, odd_names,
				   sizeof(odd_names) / sizeof(odd_names[0]));
}

static void expect_pinned_under(const struct odd_name *n, const struct xdp_prog *p)
{
	char stats[128], xsks[128], lock[128], cmd[256];

	snprintf(stats, sizeof(stats), "%s/%s", n->pin_dir, AOE_XDP_STATS_MAP);
	snprintf(xsks, sizeof(xsks), "%s/%s", n->pin_dir, AOE_XDP_XSKS_MAP);
	cr_expect_str_eq(p->pin_dir, n->pin_dir);
	cr_expect_eq(pinned_map_id(stats), map_id(p->stats_fd));
	cr_expect_eq(pinned_map_id(xsks), map_id(p->xsks_fd));
	snprintf(cmd, sizeof(cmd), "bpftool map dump pinned '%s' >/dev/null", stats);
	cr_expect_eq(run_cmd("%s", cmd), 0, "%s failed", cmd);
	cr_assert_eq(iface_lock_path(lock, sizeof(lock), n->ifname), 0);
	cr_expect(path_exists(lock), "no lock file %s", lock);
}

ParameterizedTest(struct odd_name *n, xdp_attach, any_interface_name, .init = setup,
		  .fini = teardown)
{
	struct aoe_xdp_stats st;
	int status;
	pid_t pid;

	cr_assert_eq(run_cmd("ip link add '%s' type veth peer name aoe-odd-peer", n->ifname), 0);
	cr_assert_eq(run_cmd("ip link set dev '%s' up && ip link set dev aoe-odd-peer up",
			     n->ifname), 0);
	cr_assert_eq(xdp_prog_attach(&prog, n->ifname, AOE_XDP_MODE_AUTO), 0,
		     "cannot attach to %s", n->ifname);
	expect_pinned_under(n, &prog);
	cr_expect_eq(xdp_stats_read_pinned(n->ifname, &st), 0);
	xdp_prog_detach(&prog);
	cr_expect_eq(xdp_any_attached_id(n->ifname), 0);
	cr_expect_not(path_exists(n->pin_dir), "%s left behind", n->pin_dir);

	/* A run that dies attached; then cleanup by name, as `detach IFACE` does. */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(xdp_prog_attach(&other, n->ifname, AOE_XDP_MODE_SKB) ? 1 : 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child could not attach");
	cr_assert(path_exists(n->pin_dir), "the crashed run left no pins");
	cr_expect_eq(xdp_prog_remove_stale(n->ifname), 0);
	cr_expect_eq(xdp_any_attached_id(n->ifname), 0, "the leftover program stayed");
	cr_expect_not(path_exists(n->pin_dir), "the leftover pins stayed");
}

/* The loader tells the classifier the interface's MAC, and the new one
 * after `ip link set dev X address ...`. */
static unsigned int run_to(const struct xdp_prog *p, enum frame_dst dst,
			   struct aoe_xdp_stats *delta)
{
	const struct frame_spec rsp = {
		.dst = dst, .flags = AOE_FLAG_RSP, .cmd = AOE_CMD_ATA,
		.tag = AOE_TAG_USER_BIT | 1, .len = AOE_ETH_ZLEN,
	};
	unsigned char in[FRAME_MAX], out[FRAME_MAX];
	struct aoe_xdp_stats before, after;
	size_t len = frame_build(&rsp, in), out_len;
	unsigned int verdict;

	cr_assert_eq(xdp_prog_stats(p, &before), 0);
	verdict = prog_test_run(bpf_program__fd(p->skel->progs.aoe_xdp_rx), in, len, out,
				&out_len);
	cr_assert_eq(xdp_prog_stats(p, &after), 0);
	for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++)
		*(__u64 *)((char *)delta + f->offset) = xdp_stat_get(&after, f) -
							 xdp_stat_get(&before, f);
	return verdict;
}

Test(xdp_attach, classifier_knows_the_mac)
{
	const unsigned char new_mac[AOE_ETH_ALEN] = { 0x02, 0, 0, 0, 0xae, 0x10 };
	struct aoe_xdp_stats d;

	cr_assert_eq(xdp_prog_attach(&prog, VETH_LOCAL, AOE_XDP_MODE_AUTO), 0);
	cr_expect_arr_eq(prog.mac, local_mac, AOE_ETH_ALEN);
	run_to(&prog, DST_US, &d);
	cr_expect_eq(d.pass_no_socket, 1, "a response to our MAC was not taken as ours");
	cr_expect_eq(xdp_prog_refresh_mac(&prog), 0, "the MAC did not change");

	cr_assert_eq(run_cmd("ip link set dev %s address 02:00:00:00:ae:10", VETH_LOCAL), 0);
	cr_expect_eq(xdp_prog_refresh_mac(&prog), 1, "the new MAC was not noticed");
	cr_expect_arr_eq(prog.mac, new_mac, AOE_ETH_ALEN);
	run_to(&prog, DST_US, &d);
	cr_expect_eq(d.pass_other_mac, 1, "a response to the old MAC is still taken");
	cr_expect_eq(d.pass_no_socket, 0);
	cr_assert_eq(run_cmd("ip link set dev %s address 02:00:00:00:ae:00", VETH_LOCAL), 0);
	cr_expect_eq(xdp_prog_refresh_mac(&prog), 1);
	run_to(&prog, DST_US, &d);
	cr_expect_eq(d.pass_no_socket, 1);
}

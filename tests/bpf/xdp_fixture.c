// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/magic.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "aoe_wire.h"
#include "xdp_compat.h"
#include "xdp_fixture.h"
#include "xdp/iface_lock.h"
#include "xdp/xdp_prog.h"

#define BPFFS_MOUNT	"/sys/fs/bpf"
#define XSK_FRAMES	64
#define XSK_FRAME_SIZE	XSK_UMEM__DEFAULT_FRAME_SIZE
#define CMD_MAX		512


const unsigned char local_mac[AOE_ETH_ALEN] = { 0x02, 0, 0, 0, 0xae, 0x00 };
static const unsigned char peer_mac[AOE_ETH_ALEN] = { 0x02, 0, 0, 0, 0xae, 0x01 };
static const unsigned char bcast_mac[AOE_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const unsigned char mcast_mac[AOE_ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const unsigned char other_mac[AOE_ETH_ALEN] = { 0x02, 0, 0, 0, 0xbe, 0x02 };

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

void fixture_enter_private_ns(void)
{
	cr_assert_eq(unshare(CLONE_NEWNET | CLONE_NEWNS), 0, "unshare: %s", strerror(errno));
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0,
		     "make mounts private: %s", strerror(errno));
	/* The loader must find no bpffs and mount its own, as under `ip netns exec`. */
	while (is_bpffs(BPFFS_MOUNT))
		cr_assert_eq(umount2(BPFFS_MOUNT, MNT_DETACH), 0, "umount bpffs: %s",
			     strerror(errno));
	if (mkdir(IFACE_LOCK_DIR, 0755))
		cr_assert_eq(errno, EEXIST, "mkdir %s: %s", IFACE_LOCK_DIR, strerror(errno));
	cr_assert_eq(mount("tmpfs", IFACE_LOCK_DIR, "tmpfs", 0, "mode=0755,size=64k"), 0,
		     "private %s: %s", IFACE_LOCK_DIR, strerror(errno));
}

int run_cmd(const char *fmt, ...)
{
	char cmd[CMD_MAX];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void ipv6_disable(const char *ifname)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	f = fopen(path, "w");
	if (!f)	/* no IPv6 in this kernel: nothing to silence */
		return;
	fputs("1\n", f);
	cr_assert_eq(fclose(f), 0, "cannot disable IPv6 on %s", ifname);
}

void veth_create(unsigned int queues)
{
	cr_assert_eq(run_cmd("ip link add %s address %02x:%02x:%02x:%02x:%02x:%02x numtxqueues %u "
			     "numrxqueues %u type veth peer name %s numtxqueues %u numrxqueues %u",
			     VETH_LOCAL, local_mac[0], local_mac[1], local_mac[2], local_mac[3],
			     local_mac[4], local_mac[5], queues, queues, VETH_PEER, queues, queues),
		     0, "cannot create veth pair");
	/* No IPv6 neighbour discovery chatter in the counters. */
	ipv6_disable(VETH_LOCAL);
	ipv6_disable(VETH_PEER);
	cr_assert_eq(run_cmd("ip link set dev %s up", VETH_LOCAL), 0);
	cr_assert_eq(run_cmd("ip link set dev %s up", VETH_PEER), 0);
}

int foreign_prog_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "foreign_pass", "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	cr_assert_geq(fd, 0, "cannot load the foreign XDP program: %s", strerror(-fd));
	return fd;
}

static void xdp_query(const char *ifname, struct bpf_xdp_query_opts *q)
{
	int ifindex = if_nametoindex(ifname);

	cr_assert_neq(ifindex, 0, "no interface %s", ifname);
	cr_assert_eq(bpf_xdp_query(ifindex, 0, q), 0, "bpf_xdp_query(%s)", ifname);
}

unsigned int xdp_attached_id(const char *ifname, unsigned int mode_flag)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	xdp_query(ifname, &q);
	if (mode_flag == XDP_FLAGS_DRV_MODE)
		return q.drv_prog_id;
	if (mode_flag == XDP_FLAGS_SKB_MODE)
		return q.skb_prog_id;
	return q.hw_prog_id;
}

unsigned int xdp_any_attached_id(const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	xdp_query(ifname, &q);
	return q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
}

void prog_name_by_id(unsigned int id, char *name, size_t size)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	cr_assert_geq(fd, 0, "no program with id %u", id);
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	snprintf(name, size, "%s", info.name);
	close(fd);
}

bool path_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

static void dst_mac(enum frame_dst dst, unsigned char *out)
{
	switch (dst) {
	case DST_US:
	case DST_NEAR_FIRST:
	case DST_NEAR_LAST:
		memcpy(out, local_mac, AOE_ETH_ALEN);
		if (dst == DST_NEAR_FIRST)
			out[0] ^= 0x04;	/* still unicast, locally administered */
		if (dst == DST_NEAR_LAST)
			out[AOE_ETH_ALEN - 1] ^= 0x01;
		break;
	case DST_BCAST:
		memcpy(out, bcast_mac, AOE_ETH_ALEN);
		break;
	case DST_MCAST:
		memcpy(out, mcast_mac, AOE_ETH_ALEN);
		break;
	case DST_OTHER:
		memcpy(out, other_mac, AOE_ETH_ALEN);
		break;
	}
}

void prog_set_mac(int cfg_fd, const unsigned char mac[AOE_ETH_ALEN])
{
	struct aoe_xdp_config cfg = {};
	__u32 key = 0;

	memcpy(cfg.mac, mac, AOE_ETH_ALEN);
	cr_assert_eq(bpf_map_update_elem(cfg_fd, &key, &cfg, BPF_ANY), 0,
		     "cannot configure the classifier: %s", strerror(errno));
}

size_t frame_build(const struct frame_spec *spec, unsigned char *buf)
{
	struct aoe_hdr aoe = {
		.verfl = AOE_VERSION << AOE_VER_SHIFT | spec->flags,
		.error = spec->error,
		.major = htons(1),
		.minor = 2,
		.cmd = spec->cmd,
		.tag = htonl(spec->tag),
	};
	__be16 ethertype = htons(spec->ethertype ? spec->ethertype : AOE_ETHERTYPE);
	size_t off = 2 * AOE_ETH_ALEN;

	cr_assert_leq(spec->len, FRAME_MAX);
	memset(buf, 0, FRAME_MAX);
	dst_mac(spec->dst, buf);
	memcpy(buf + AOE_ETH_ALEN, peer_mac, AOE_ETH_ALEN);
	if (spec->vlan) {
		__be16 tpid = htons(ETH_P_8021Q_VLAN), tci = htons(42);

		memcpy(buf + off, &tpid, sizeof(tpid));
		memcpy(buf + off + sizeof(tpid), &tci, sizeof(tci));
		off += AOE_VLAN_HLEN;
	}
	memcpy(buf + off, &ethertype, sizeof(ethertype));
	off += sizeof(ethertype);
	memcpy(buf + off, &aoe, sizeof(aoe));
	return spec->len;
}

unsigned int prog_test_run(int prog_fd, const unsigned char *frame, size_t len,
			   unsigned char *out, size_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = frame,
		    .data_size_in = len,
		    .data_out = out,
		    .data_size_out = FRAME_MAX,
		    .repeat = 1);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	cr_assert_eq(err, 0, "BPF_PROG_TEST_RUN: %s", strerror(-err));
	*out_len = opts.data_size_out;
	return opts.retval;
}

void stats_expect_delta(const char *what, const struct aoe_xdp_stats *before,
			const struct aoe_xdp_stats *after, const struct aoe_xdp_stats *want)
{
	for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++) {
		__u64 got = xdp_stat_get(after, f) - xdp_stat_get(before, f);

		cr_expect_eq(got, xdp_stat_get(want, f), "%s: %s went up by %llu, expected %llu",
			     what, f->name, (unsigned long long)got,
			     (unsigned long long)xdp_stat_get(want, f));
	}
}

void test_xsk_open(struct test_xsk *x, const char *ifname, unsigned int queue, int xsks_fd,
		   bool sg)
{
	struct xsk_umem_config ucfg = {
		.fill_size = XSK_FRAMES,
		.comp_size = XSK_FRAMES,
		.frame_size = XSK_FRAME_SIZE,
	};
	struct xsk_socket_config scfg = {
		.rx_size = XSK_FRAMES,
		.tx_size = XSK_FRAMES,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | (sg ? XDP_USE_SG : 0),
	};
	size_t size = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
	__u32 idx = 0;
	int err;

	/* Zeroed rings: libxdp 1.3.1 leaves their cached indices uninitialised. */
	memset(x, 0, sizeof(*x));
	x->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(x->area, MAP_FAILED);
	err = xsk_umem__create(&x->umem, x->area, size, &x->fill, &x->comp, &ucfg);
	cr_assert_eq(err, 0, "xsk_umem__create: %s", strerror(-err));
	err = xsk_socket__create(&x->xsk, ifname, queue, x->umem, &x->rx, &x->tx, &scfg);
	cr_assert_eq(err, 0, "xsk_socket__create(%s, queue %u): %s", ifname, queue,
		     strerror(-err));
	err = xsk_socket__update_xskmap(x->xsk, xsks_fd);
	cr_assert_eq(err, 0, "xsk_socket__update_xskmap: %s", strerror(-err));
	cr_assert_eq(xsk_ring_prod__reserve(&x->fill, XSK_FRAMES, &idx), XSK_FRAMES);
	for (__u32 i = 0; i < XSK_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = (__u64)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&x->fill, XSK_FRAMES);
}

size_t test_xsk_recv(struct test_xsk *x, unsigned char *buf, size_t cap, int timeout_ms)
{
	struct pollfd pfd = { .fd = xsk_socket__fd(x->xsk), .events = POLLIN };
	const struct xdp_desc *desc = NULL;
	__u32 idx = 0, avail, i;
	size_t len = 0;

	x->last_pieces = 0;
	if (!xsk_cons_nb_avail(&x->rx, 1) && poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	/* The kernel publishes all pieces of a frame at once. */
	avail = xsk_ring_cons__peek(&x->rx, XSK_FRAMES, &idx);
	for (i = 0; i < avail; i++) {
		desc = xsk_ring_cons__rx_desc(&x->rx, idx + i);
		cr_assert_leq(len + desc->len, cap, "received frame is larger than %zu", cap);
		memcpy(buf + len, xsk_umem__get_data(x->area, desc->addr), desc->len);
		len += desc->len;
		if (!(desc->options & XDP_PKT_CONTD))
			break;
	}
	cr_assert(desc && !(desc->options & XDP_PKT_CONTD), "frame without its last piece");
	x->last_pieces = i + 1;
	xsk_ring_cons__cancel(&x->rx, avail - x->last_pieces);
	xsk_ring_cons__release(&x->rx, x->last_pieces);
	return len;
}

void test_xsk_close(struct test_xsk *x)
{
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area && x->area != MAP_FAILED)
		munmap(x->area, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
	memset(x, 0, sizeof(*x));
}

static struct sockaddr_ll link_addr(const char *ifname, unsigned short proto)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(proto),
		.sll_ifindex = if_nametoindex(ifname),
		.sll_halen = AOE_ETH_ALEN,
	};

	cr_assert_neq(sll.sll_ifindex, 0, "no interface %s", ifname);
	return sll;
}

void raw_send(const char *ifname, const unsigned char *frame, size_t len)
{
	struct sockaddr_ll sll = link_addr(ifname, 0);
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	memcpy(sll.sll_addr, frame, AOE_ETH_ALEN);
	cr_assert_eq(sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)),
		     (ssize_t)len, "send on %s: %s", ifname, strerror(errno));
	close(fd);
}

int raw_aoe_listener(const char *ifname)
{
	struct sockaddr_ll sll = link_addr(ifname, AOE_ETHERTYPE);
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(AOE_ETHERTYPE));

	cr_assert_geq(fd, 0, "packet socket: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0, "bind to %s: %s",
		     ifname, strerror(errno));
	return fd;
}

size_t raw_recv(int fd, unsigned char *buf, size_t cap, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = recv(fd, buf, cap, MSG_DONTWAIT);
	return n > 0 ? (size_t)n : 0;
}

pid_t peer_ns_start(void)
{
	int ready[2];
	char c = 0;
	pid_t pid;

	cr_assert_eq(pipe(ready), 0);
	pid = fork();
	cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		if (unshare(CLONE_NEWNET) || write(ready[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	cr_assert_eq(read(ready[0], &c, 1), 1, "peer netns process failed");
	close(ready[0]);
	return pid;
}

void peer_ns_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Attach/detach of the AoE classifier: checks that say what to do, the
 * interface lock, leftover cleanup, native-then-skb attach, map pins.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "aoe_xdp.skel.h"
#include "iface_lock.h"
#include "iface_links.h"
#include "ifname.h"
#include "lib/log.h"
#include "xdp_prog.h"

#define BPFFS_MOUNT	"/sys/fs/bpf"

const char *xdp_mode_str(enum aoe_xdp_mode mode)
{
	switch (mode) {
	case AOE_XDP_MODE_NATIVE: return "native";
	case AOE_XDP_MODE_SKB: return "skb";
	default: return "auto";
	}
}

/* --- checks before touching anything ---------------------------------------- */

/* One SIOCGIF* request about ifname (a checked name: it fits ifr_name). */
static int ifreq_get(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	memset(ifr, 0, sizeof(*ifr));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(ifr->ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

static int iface_is_up(const char *ifname, bool *up)
{
	struct ifreq ifr;
	int err = ifreq_get(ifname, SIOCGIFFLAGS, &ifr);

	if (!err)
		*up = ifr.ifr_flags & IFF_UP;
	return err;
}

/* Returns the ifindex, or -ENODEV/-ENETDOWN after saying what to do. */
static int iface_usable(const char *ifname, bool need_up)
{
	int ifindex, err;
	bool up = false;

	err = ifname_check(ifname);
	if (err)
		return err;
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		pr_err("no interface named %s in this network namespace; list them with: ip link\n",
		       ifname);
		return -ENODEV;
	}
	if (!need_up)
		return ifindex;
	err = iface_is_up(ifname, &up);
	if (err) {
		pr_err("cannot read the flags of %s: %s\n", ifname, strerror(-err));
		return err;
	}
	if (!up) {
		pr_err("%s is down; bring it up with: ip link set dev %s up\n", ifname, ifname);
		return -ENETDOWN;
	}
	return ifindex;
}

static int iface_read_mac(const char *ifname, __u8 mac[AOE_XDP_MAC_LEN])
{
	struct ifreq ifr;
	int err = ifreq_get(ifname, SIOCGIFHWADDR, &ifr);

	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, AOE_XDP_MAC_LEN);
	return err;
}

static bool has_cap(const struct __user_cap_data_struct *caps, int cap)
{
	return caps[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap);
}

/* XDP attach needs CAP_NET_ADMIN, loading needs CAP_BPF (or CAP_SYS_ADMIN). */
static int check_privileges(const char *ifname)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[_LINUX_CAPABILITY_U32S_3] = {};

	if (syscall(SYS_capget, &hdr, caps))
		return -errno;
	if (has_cap(caps, CAP_NET_ADMIN) &&
	    (has_cap(caps, CAP_BPF) || has_cap(caps, CAP_SYS_ADMIN)))
		return 0;
	pr_err("attaching XDP to %s needs root (CAP_NET_ADMIN and CAP_BPF); run aoe-xdp as root\n",
	       ifname);
	return -EPERM;
}

static int bpffs_ensure_mounted(void)
{
	struct statfs st;

	if (!statfs(BPFFS_MOUNT, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	/* Typical inside `ip netns exec`, which mounts a fresh /sys. */
	if (mount("bpf", BPFFS_MOUNT, "bpf", 0, "mode=0700")) {
		int err = -errno;

		pr_err("%s is not a BPF filesystem and mounting one failed: %s; "
		       "mount it with: mount -t bpf bpf %s\n", BPFFS_MOUNT, strerror(-err),
		       BPFFS_MOUNT);
		return err;
	}
	pr_debug("mounted a BPF filesystem on %s\n", BPFFS_MOUNT);
	return 0;
}

/* --- what is on the interface now ---------------------------------------------- */

struct attached_prog {
	__u32 id;
	__u32 mode_flag;	/* XDP_FLAGS_DRV_MODE, _SKB_MODE or _HW_MODE */
	const char *mode;
	char name[BPF_OBJ_NAME_LEN];
};

#define MAX_ATTACHED 3	/* one per mode bpf_xdp_query() reports */

static int list_attached(int ifindex, struct attached_prog *out, int *n)
{
	struct bpf_xdp_query_opts q = { .sz = sizeof(q) };
	const struct attached_prog slots[MAX_ATTACHED] = {
		{ .mode_flag = XDP_FLAGS_DRV_MODE, .mode = "native" },
		{ .mode_flag = XDP_FLAGS_SKB_MODE, .mode = "skb" },
		{ .mode_flag = XDP_FLAGS_HW_MODE, .mode = "offload" },
	};
	int err = bpf_xdp_query(ifindex, 0, &q);
	const __u32 ids[MAX_ATTACHED] = { q.drv_prog_id, q.skb_prog_id, q.hw_prog_id };

	if (err)
		return err;
	*n = 0;
	for (int i = 0; i < MAX_ATTACHED; i++) {
		__u32 id = ids[i];
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd;

		if (!id)
			continue;
		out[*n] = slots[i];
		out[*n].id = id;
		snprintf(out[*n].name, sizeof(out[*n].name), "?");
		fd = bpf_prog_get_fd_by_id(id);
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(out[*n].name, sizeof(out[*n].name), "%s", info.name);
		if (fd >= 0)
			close(fd);
		(*n)++;
	}
	return 0;
}

static bool is_ours(const struct attached_prog *a)
{
	return a->mode_flag != XDP_FLAGS_HW_MODE && !strcmp(a->name, AOE_XDP_PROG_NAME);
}

static void report_foreign(const char *ifname, const struct attached_prog *a)
{
	const char *ip_kw = a->mode_flag == XDP_FLAGS_DRV_MODE ? "xdpdrv" :
			    a->mode_flag == XDP_FLAGS_SKB_MODE ? "xdpgeneric" : "xdpoffload";

	pr_err("%s already has XDP program '%s' (id %u, %s mode) and aoe-xdp never replaces "
	       "another program; remove it with 'ip link set dev %s %s off' (or "
	       "'xdp-loader unload %s --all' if xdp-loader put it there) and retry\n",
	       ifname, a->name, a->id, a->mode, ifname, ip_kw, ifname);
}

/* Names whatever is attached now; for when the kernel said "busy". */
static void report_current(const char *ifname, int ifindex)
{
	struct attached_prog att[MAX_ATTACHED];
	int n = 0;

	if (list_attached(ifindex, att, &n) || !n) {
		pr_err("%s: another XDP program was attached at the same time; retry\n", ifname);
		return;
	}
	report_foreign(ifname, &att[0]);
}

static int detach_prog_id(int ifindex, const struct attached_prog *a)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int fd, err;

	fd = bpf_prog_get_fd_by_id(a->id);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;	/* gone meanwhile */
	/* old_prog_fd makes it XDP_FLAGS_REPLACE: only this exact program goes. */
	opts.old_prog_fd = fd;
	err = bpf_xdp_detach(ifindex, a->mode_flag, &opts);
	close(fd);
	return err;
}

static int pin_path(char *out, size_t size, const char *pin_dir, const char *map)
{
	int n = snprintf(out, size, "%s/%s", pin_dir, map);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Removes our pins under pin_dir; returns how many there were. */
static int unpin_maps(const char *pin_dir)
{
	static const char *const maps[] = { AOE_XDP_STATS_MAP, AOE_XDP_XSKS_MAP };
	char path[PATH_MAX];
	int removed = 0;

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (pin_path(path, sizeof(path), pin_dir, maps[i]))
			continue;
		if (!unlink(path))
			removed++;
		else if (errno != ENOENT)
			pr_warn("cannot remove pin %s: %s\n", path, strerror(errno));
	}
	rmdir(pin_dir);
	rmdir(AOE_XDP_PIN_ROOT);	/* fails while other interfaces use it: fine */
	return removed;
}

/*
 * With the interface lock held, an aoe_xdp_rx program or pins on ifname can
 * only be a crashed run's: remove them. Anything else is not ours to touch.
 */
static int clear_leftovers(const char *ifname, int ifindex, const char *pin_dir)
{
	struct attached_prog att[MAX_ATTACHED];
	char what[128] = "";
	int n = 0, err, pins;

	err = list_attached(ifindex, att, &n);
	if (err) {
		pr_err("cannot query the XDP programs on %s: %s\n", ifname, strerror(-err));
		return err;
	}
	for (int i = 0; i < n; i++) {
		if (!is_ours(&att[i])) {
			report_foreign(ifname, &att[i]);
			return -EBUSY;
		}
	}
	for (int i = 0; i < n; i++) {
		err = detach_prog_id(ifindex, &att[i]);
		if (err) {
			pr_err("cannot remove the leftover %s (id %u) from %s: %s\n",
			       att[i].name, att[i].id, ifname, strerror(-err));
			return err;
		}
		snprintf(what, sizeof(what), "program %s id %u (%s mode)", att[i].name,
			 att[i].id, att[i].mode);
	}
	pins = unpin_maps(pin_dir);
	if (n || pins)
		pr_warn("%s: removed a crashed aoe-xdp run's leftovers: %s%s%s\n", ifname, what,
			n && pins ? " and " : "", pins ? "stale map pins" : "");
	return 0;
}

/* --- a parent and its VLAN ------------------------------------------------------ */

#define VLAN_RELATIVES_MAX 64

/* An aoe_xdp_rx program on ifindex, or 0. */
static __u32 our_prog_on(int ifindex)
{
	struct attached_prog att[MAX_ATTACHED];
	int n = 0;

	if (list_attached(ifindex, att, &n))
		return 0;
	for (int i = 0; i < n; i++)
		if (is_ours(&att[i]))
			return att[i].id;
	return 0;
}

/*
 * aoe-xdp on eth0 and on eth0.42 at once cannot work where the NIC strips
 * VLAN tags before XDP runs (most do, and veth does): eth0's classifier
 * sees eth0.42's answers untagged, sent to the same MAC, and takes them.
 * So one of the two, and a message that says which is there.
 */
static int check_vlan_relatives(const char *ifname, int ifindex)
{
	struct iface_link *links;
	int rel[VLAN_RELATIVES_MAX];
	size_t n, nrel;
	int err = iface_links_read(&links, &n);

	if (err) {
		pr_warn("%s: cannot list the interfaces (%s), so cannot check that aoe-xdp is not "
			"also on a VLAN of it or on its parent\n", ifname, strerror(-err));
		return 0;
	}
	nrel = iface_vlan_relatives(links, n, ifindex, rel, VLAN_RELATIVES_MAX);
	for (size_t i = 0; i < nrel && i < VLAN_RELATIVES_MAX && !err; i++) {
		char other[IF_NAMESIZE] = "?";
		__u32 id = our_prog_on(rel[i]);
		bool below = iface_vlan_of(links, n, ifindex, rel[i]);

		if (!id)
			continue;
		for (size_t k = 0; k < n; k++)
			if (links[k].ifindex == rel[i])
				snprintf(other, sizeof(other), "%s", links[k].name);
		pr_err("%s: aoe-xdp is attached to %s (program id %u), %s; aoe-xdp serves either "
		       "an interface or VLANs on it, not both: where the NIC strips VLAN tags, the "
		       "parent's classifier would take the VLAN's answers. Detach it first "
		       "('aoe-xdp detach %s'), or attach only the VLAN interfaces\n", ifname,
		       other, id, below ? "the interface this VLAN sits on" : "a VLAN on it", other);
		err = -EBUSY;
	}
	free(links);
	return err;
}

/* --- attach -------------------------------------------------------------------- */

static __u32 mode_flags(enum aoe_xdp_mode mode)
{
	/* Never silently replace: the kernel refuses if anything is there. */
	return XDP_FLAGS_UPDATE_IF_NOEXIST |
	       (mode == AOE_XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE);
}

static bool attach_busy(int err)
{
	return err == -EBUSY || err == -EEXIST;
}

static int attach_one_mode(struct xdp_prog *p, enum aoe_xdp_mode mode)
{
	int err = bpf_xdp_attach(p->ifindex, bpf_program__fd(p->skel->progs.aoe_xdp_rx),
				 mode_flags(mode), NULL);

	if (!err)
		p->mode = mode;
	return err;
}

static int attach_prog(struct xdp_prog *p, enum aoe_xdp_mode want)
{
	int err;

	if (want != AOE_XDP_MODE_SKB) {
		err = attach_one_mode(p, AOE_XDP_MODE_NATIVE);
		if (!err)
			return 0;
		if (attach_busy(err)) {
			report_current(p->ifname, p->ifindex);
			return -EBUSY;
		}
		if (want == AOE_XDP_MODE_NATIVE) {
			pr_err("native XDP attach on %s failed: %s (the kernel's reason, if it "
			       "gave one, is logged above); use skb mode or auto mode instead\n",
			       p->ifname, strerror(-err));
			return err;
		}
		pr_warn("native XDP is not available on %s (%s); using skb (generic) mode, "
			"which works everywhere but is slower\n", p->ifname, strerror(-err));
	}
	err = attach_one_mode(p, AOE_XDP_MODE_SKB);
	if (attach_busy(err)) {
		report_current(p->ifname, p->ifindex);
		return -EBUSY;
	}
	if (err)
		pr_err("skb-mode XDP attach on %s failed: %s\n", p->ifname, strerror(-err));
	return err;
}

static int pin_maps(struct xdp_prog *p)
{
	struct bpf_map *maps[] = { p->skel->maps.aoe_stats, p->skel->maps.aoe_xsks };
	char path[PATH_MAX];
	int err;

	if ((mkdir(AOE_XDP_PIN_ROOT, 0700) && errno != EEXIST) ||
	    (mkdir(p->pin_dir, 0700) && errno != EEXIST)) {
		err = -errno;
		pr_err("cannot create %s: %s\n", p->pin_dir, strerror(-err));
		return err;
	}
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		err = pin_path(path, sizeof(path), p->pin_dir, bpf_map__name(maps[i]));
		if (!err)
			err = bpf_obj_pin(bpf_map__fd(maps[i]), path);
		if (err) {
			pr_err("cannot pin map at %s: %s\n", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

static int load_prog(struct xdp_prog *p)
{
	int err;

	p->skel = aoe_xdp_bpf__open_and_load();
	if (!p->skel) {
		err = -errno;
		pr_err("cannot load the AoE XDP program: %s (run with -v for the verifier log)\n",
		       strerror(-err));
		return err;
	}
	p->xsks_fd = bpf_map__fd(p->skel->maps.aoe_xsks);
	p->stats_fd = bpf_map__fd(p->skel->maps.aoe_stats);
	p->cfg_fd = bpf_map__fd(p->skel->maps.aoe_cfg);
	return 0;
}

static int write_config(struct xdp_prog *p, const __u8 mac[AOE_XDP_MAC_LEN])
{
	struct aoe_xdp_config cfg = {};
	__u32 key = 0;

	memcpy(cfg.mac, mac, AOE_XDP_MAC_LEN);
	if (bpf_map_update_elem(p->cfg_fd, &key, &cfg, BPF_ANY))
		return -errno;
	memcpy(p->mac, mac, AOE_XDP_MAC_LEN);
	return 0;
}

/* Before the program goes on: it must know from its first frame which
 * responses are ours. */
static int configure_prog(struct xdp_prog *p)
{
	__u8 mac[AOE_XDP_MAC_LEN];
	int err = iface_read_mac(p->ifname, mac);

	if (err) {
		pr_err("cannot read the MAC address of %s: %s\n", p->ifname, strerror(-err));
		return err;
	}
	err = write_config(p, mac);
	if (err)
		pr_err("cannot give the XDP program the MAC address of %s: %s\n", p->ifname,
		       strerror(-err));
	return err;
}

int xdp_prog_refresh_mac(struct xdp_prog *p)
{
	__u8 mac[AOE_XDP_MAC_LEN];
	int err;

	if (!p->ifindex || p->cfg_fd < 0)
		return -EBADF;
	err = iface_read_mac(p->ifname, mac);
	if (err || !memcmp(mac, p->mac, AOE_XDP_MAC_LEN))
		return err;
	err = write_config(p, mac);
	return err ? err : 1;
}

static void prog_reset(struct xdp_prog *p)
{
	memset(p, 0, sizeof(*p));
	p->xsks_fd = p->stats_fd = p->cfg_fd = p->lock_fd = -1;
}

/* Everything before the program goes on; returns the lock fd or -errno. */
static int claim_iface(const char *ifname, int ifindex, const char *pin_dir)
{
	int fd, err;

	fd = iface_lock_acquire(ifname);
	if (fd < 0)
		return fd;
	err = bpffs_ensure_mounted();
	if (!err)
		err = clear_leftovers(ifname, ifindex, pin_dir);
	if (err) {
		iface_lock_release(&fd);
		return err;
	}
	return fd;
}

/* Checks shared by attach and remove_stale; returns the ifindex or -errno. */
static int iface_prepare(const char *ifname, bool need_up, char *pin_dir, size_t size)
{
	int ifindex, err;

	ifindex = iface_usable(ifname, need_up);
	if (ifindex < 0)
		return ifindex;
	err = check_privileges(ifname);
	if (err)
		return err;
	err = ifname_pin_dir(pin_dir, size, ifname);
	return err ? err : ifindex;
}

int xdp_prog_attach(struct xdp_prog *p, const char *ifname, enum aoe_xdp_mode mode)
{
	int ifindex, err;

	prog_reset(p);
	ifindex = iface_prepare(ifname, true, p->pin_dir, sizeof(p->pin_dir));
	if (ifindex < 0) {
		prog_reset(p);
		return ifindex;
	}
	snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	p->lock_fd = claim_iface(ifname, ifindex, p->pin_dir);
	if (p->lock_fd < 0) {
		err = p->lock_fd;
		prog_reset(p);
		return err;
	}
	err = check_vlan_relatives(ifname, ifindex);
	if (err) {
		iface_lock_release(&p->lock_fd);
		prog_reset(p);
		return err;
	}
	/* From here on xdp_prog_detach() undoes whatever got done. */
	p->ifindex = ifindex;
	err = load_prog(p);
	if (!err)
		err = configure_prog(p);
	if (!err)
		err = attach_prog(p, mode);
	if (!err)
		err = pin_maps(p);
	if (err) {
		xdp_prog_detach(p);
		return err;
	}
	pr_info("attached %s to %s in %s mode; counters: bpftool map dump pinned %s/%s\n",
		AOE_XDP_PROG_NAME, ifname, xdp_mode_str(p->mode), p->pin_dir, AOE_XDP_STATS_MAP);
	return 0;
}

/* --- detach -------------------------------------------------------------------- */

static void detach_prog(struct xdp_prog *p)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	__u32 flag = p->mode == AOE_XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	int err;

	/* Only our exact program: never take away something that replaced it. */
	opts.old_prog_fd = bpf_program__fd(p->skel->progs.aoe_xdp_rx);
	err = bpf_xdp_detach(p->ifindex, flag, &opts);
	if (err && err != -ENODEV)
		pr_warn("cannot detach %s from %s: %s\n", AOE_XDP_PROG_NAME, p->ifname,
			strerror(-err));
}

void xdp_prog_detach(struct xdp_prog *p)
{
	if (!p->ifindex)
		return;
	if (p->skel && p->mode != AOE_XDP_MODE_AUTO)
		detach_prog(p);
	unpin_maps(p->pin_dir);
	aoe_xdp_bpf__destroy(p->skel);
	iface_lock_release(&p->lock_fd);
	prog_reset(p);
}

int xdp_prog_remove_stale(const char *ifname)
{
	char pin_dir[PATH_MAX];
	int ifindex, fd;

	ifindex = iface_prepare(ifname, false, pin_dir, sizeof(pin_dir));
	if (ifindex < 0)
		return ifindex;
	fd = claim_iface(ifname, ifindex, pin_dir);
	if (fd < 0)
		return fd;
	iface_lock_release(&fd);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the AoE classifier (bpf/aoe_xdp.bpf.c) onto one interface, owns it
 * while attached, and reads its counters.
 *
 * Ownership: one aoe-xdp process per interface, enforced by a flock on
 * /run/aoe-xdp/iface-<ifname>.lock held for as long as the program is
 * attached. Whoever holds the lock and finds an aoe_xdp_rx program already
 * on the interface knows it is a crashed run's leftover and replaces it; any
 * other XDP program is left alone and reported.
 *
 * Maps are pinned at AOE_XDP_PIN_ROOT/<pin name>/{aoe_stats,aoe_xsks} so
 * that `aoe-xdp stat` and bpftool can read them from another process; the
 * pin name is the interface name with dots escaped (ifname.h: eth0.42 pins
 * under eth0%2e42, bpffs refuses dots).
 */
#ifndef AOE_XDP_PROG_H
#define AOE_XDP_PROG_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>

#include "aoe_xdp_shared.h"

enum aoe_xdp_mode {
	AOE_XDP_MODE_AUTO,	/* native, else skb (generic) */
	AOE_XDP_MODE_NATIVE,	/* driver mode (XDP_FLAGS_DRV_MODE) */
	AOE_XDP_MODE_SKB,	/* generic mode (XDP_FLAGS_SKB_MODE) */
};

struct aoe_xdp_bpf;

struct xdp_prog {
	char ifname[IF_NAMESIZE];
	int ifindex;		/* 0 when not attached */
	enum aoe_xdp_mode mode;	/* mode actually attached: NATIVE or SKB */
	struct aoe_xdp_bpf *skel;
	int xsks_fd;		/* XSKMAP, key = RX queue index */
	int stats_fd;		/* per-CPU struct aoe_xdp_stats, key 0 */
	int cfg_fd;		/* struct aoe_xdp_config, key 0 */
	__u8 mac[AOE_XDP_MAC_LEN];	/* the interface's, as the classifier knows it */
	int lock_fd;		/* flock on the interface's lock file */
	char pin_dir[PATH_MAX];	/* ifname_pin_dir(): AOE_XDP_PIN_ROOT "/" pin name */
};

/*
 * Loads the classifier and attaches it to ifname; p is overwritten, so it
 * must not hold an attached program. On failure p is left detached (and
 * xdp_prog_detach() on it is a no-op) and the log says what to do:
 *   -ENODEV   no such interface        -ENETDOWN  interface is down
 *   -EPERM    not root / no CAP_BPF+CAP_NET_ADMIN
 *   -EBUSY    another aoe-xdp holds the interface, or a foreign XDP program
 *             is attached (never replaced)
 *   -EOPNOTSUPP  native mode was asked for and the driver cannot do it
 */
int xdp_prog_attach(struct xdp_prog *p, const char *ifname, enum aoe_xdp_mode mode);

/*
 * Re-reads the interface's MAC and, when it changed, gives the classifier
 * the new one (responses are ours only when sent to it): 1 when it
 * changed, 0 when not, or -errno.
 */
int xdp_prog_refresh_mac(struct xdp_prog *p);

/* Detach, unpin, destroy, unlock. Safe on a failed or repeated call. */
void xdp_prog_detach(struct xdp_prog *p);

/*
 * Removes a crashed run's leftover (aoe_xdp_rx program and pins) from
 * ifname without attaching anything. 0 when nothing was there either;
 * -EBUSY when a live aoe-xdp holds the interface or the program is foreign.
 */
int xdp_prog_remove_stale(const char *ifname);

/* Counters summed over all CPUs. */
int xdp_prog_stats(const struct xdp_prog *p, struct aoe_xdp_stats *sum);
/* Same, from the pinned map of another process's attach. */
int xdp_stats_read_pinned(const char *ifname, struct aoe_xdp_stats *sum);

const char *xdp_mode_str(enum aoe_xdp_mode mode);

/* One row per struct aoe_xdp_stats field, for tables and JSON. */
struct xdp_stat_field {
	const char *name;
	size_t offset;
};

extern const struct xdp_stat_field xdp_stat_fields[];	/* NULL-name terminated */

static inline __u64 xdp_stat_get(const struct aoe_xdp_stats *s,
				 const struct xdp_stat_field *f)
{
	return *(const __u64 *)((const char *)s + f->offset);
}

#endif /* AOE_XDP_PROG_H */

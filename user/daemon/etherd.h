/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/etherd/eS.N, the names the kernel aoe driver gives its disks, as
 * links to each device's export, so an fstab line written for the kernel
 * driver works unchanged. Where udev runs, its rule (60-aoe-xdp.rules,
 * installed with the package) links the ublk block devices and the daemon
 * leaves those to it; it makes every other link itself: all of them where
 * udev is absent (a container, a small VM), and FUSE files always.
 */
#ifndef AOE_ETHERD_H
#define AOE_ETHERD_H

#include <limits.h>
#include <stdbool.h>

#include "engine/engine.h"

struct etherd_link {
	char name[AOE_NAME_LEN];
	char target[PATH_MAX];	/* "" when udev links it, or none is wanted */
	bool made;		/* the daemon made the link */
};

struct etherd {
	char dir[PATH_MAX];	/* "": make no links */
	struct etherd_link *links;
	unsigned int n;
	bool dir_warned;
};

/* The folder from $AOE_XDP_ETHERD_DIR (default /dev/etherd). */
void etherd_init(struct etherd *ed);
/* path(d) is where d is exported now ("" for nowhere): every device's link
 * follows it, each pass. */
void etherd_sync(struct etherd *ed, struct aoe_engine *e,
		 void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len),
		 void *priv);
/* Removes every link the daemon made. */
void etherd_fini(struct etherd *ed);

#endif /* AOE_ETHERD_H */

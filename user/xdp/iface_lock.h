/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One aoe-xdp per interface: a non-blocking flock on
 * /run/aoe-xdp/iface-<ifname>@<netns inode>.lock, holding the owner's pid
 * for messages. The name goes into the file name as it is (dots, dashes
 * and '@' are fine on the run directory's filesystem); the namespace inode
 * is what follows the last '@'.
 * The kernel drops the lock when the owner dies, so a crash never leaves
 * the interface locked; what it may leave is handled by whoever locks next.
 */
#ifndef AOE_IFACE_LOCK_H
#define AOE_IFACE_LOCK_H

#include <stddef.h>

#include "ifname.h"
#include "lib/paths.h"

#define IFACE_LOCK_DIR	AOE_RUN_DIR_DEFAULT

/* The lock file's path for ifname in this network namespace. */
int iface_lock_path(char *path, size_t size, const char *ifname);

/*
 * Takes the lock and records our pid: returns the lock fd (>= 0), or -EBUSY
 * (naming the owner's pid) when another process holds it, or -errno.
 */
int iface_lock_acquire(const char *ifname);
/* Clears the pid and drops the lock; *fd becomes -1. Safe when *fd < 0. */
void iface_lock_release(int *fd);

#endif /* AOE_IFACE_LOCK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Where aoe-xdp keeps its files at run time. */
#ifndef AOE_PATHS_H
#define AOE_PATHS_H

/* The daemon's socket, pid file, log, FUSE mount and by-aoe links live in
 * $AOE_XDP_RUN_DIR, by default here. Interface locks always live here:
 * they guard interfaces against every aoe-xdp on the machine, whatever
 * run directory each uses. */
#define AOE_RUN_DIR_DEFAULT	"/run/aoe-xdp"
#define AOE_RUN_DIR_ENV		"AOE_XDP_RUN_DIR"

#endif /* AOE_PATHS_H */

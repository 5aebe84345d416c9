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

/* Where the daemon links eS.N to each device's export when udev does not
 * (the names the kernel aoe driver gives); empty: no links. */
#define AOE_ETHERD_DIR_DEFAULT	"/dev/etherd"
#define AOE_ETHERD_DIR_ENV	"AOE_XDP_ETHERD_DIR"
/* udev's control socket: it exists while udev runs (systemd checks so). */
#define UDEV_CONTROL_PATH	"/run/udev/control"

#endif /* AOE_PATHS_H */

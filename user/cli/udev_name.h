/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AOE_UDEV_NAME_H
#define AOE_UDEV_NAME_H

#include <stdio.h>

/* Prints eS.N (or eS.NpM) for a ublk disk (partition) the daemon exports:
 * 0, -EINVAL (not a ublk block device name), -ENOENT (none of ours). */
int udev_name(const char *kernel, FILE *out);

#endif /* AOE_UDEV_NAME_H */

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AOE_BLK_IN_USE_H
#define AOE_BLK_IN_USE_H

#include <stddef.h>

/* 1 when block device `disk` ("ublkb0") or a partition of it is mounted,
 * swap, held by another block device, or open in another process, with
 * why said in why; else 0. */
int blk_in_use(const char *disk, char *why, size_t len);

#endif /* AOE_BLK_IN_USE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Announcements: the config answer a target sends unasked when it starts
 * (vblade, kvblade, ggaoed do). Its tag is not ours (bit 31 clear), so the
 * classifier passes it on to the kernel, where the kernel aoe driver may
 * want it too; a packet socket gets a copy of it there, filtered in the
 * kernel to unsolicited AoE config answers, so nothing else wakes us.
 */
#ifndef AOE_ANNOUNCE_H
#define AOE_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

/* A non-blocking packet socket on ifindex: the fd, or -errno. */
int announce_open(int ifindex);
/* The next announcement into buf (0 when none waits): its length, or -errno. */
int announce_read(int fd, uint8_t *buf, size_t len);

#endif /* AOE_ANNOUNCE_H */

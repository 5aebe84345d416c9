/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service manager's notification protocol (sd_notify(3)), without
 * libsystemd: one datagram of "KEY=value" lines to the unix socket named
 * by $NOTIFY_SOCKET (a path, or an abstract name written with '@').
 */
#ifndef AOE_SD_NOTIFY_H
#define AOE_SD_NOTIFY_H

#define SD_NOTIFY_ENV	"NOTIFY_SOCKET"

/* Sends state ("READY=1\nSTATUS=..."): 0, also when nobody listens (no
 * $NOTIFY_SOCKET), or -errno. */
int sd_notify_send(const char *state);

#endif /* AOE_SD_NOTIFY_H */

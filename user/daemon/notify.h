/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What systemd hears of the daemon (Type=notify): READY=1 once the first
 * discovery is over and every device found is exported, STATUS= whenever
 * the devices' states change, STOPPING=1 at the end.
 */
#ifndef AOE_NOTIFY_H
#define AOE_NOTIFY_H

#include <stdbool.h>

#include "engine/engine.h"

struct daemon_notify {
	bool ready;
	char status[128];	/* the last STATUS= sent */
};

/* "2 devices: 2 up, 0 down; 2 exported" into buf. */
void notify_status_text(struct aoe_engine *e,
			void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len),
			void *priv, char *buf, size_t len);
void notify_ready(struct daemon_notify *n, const char *status);
/* Sends STATUS= when it changed (after READY). */
void notify_status(struct daemon_notify *n, const char *status);
void notify_stopping(struct daemon_notify *n);

#endif /* AOE_NOTIFY_H */

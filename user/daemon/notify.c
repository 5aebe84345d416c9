// SPDX-License-Identifier: GPL-2.0
/* systemd notifications: see notify.h. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"
#include "lib/sd_notify.h"
#include "notify.h"

void notify_status_text(struct aoe_engine *e,
			void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len),
			void *priv, char *buf, size_t len)
{
	unsigned int n = 0, up = 0, down = 0, exported = 0;
	char where[PATH_MAX];
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		n++;
		up += aoe_dev_state(d) == DEV_UP;
		down += aoe_dev_state(d) == DEV_DOWN || aoe_dev_state(d) == DEV_FAILED;
		where[0] = '\0';
		if (path)
			path(priv, d, where, sizeof(where));
		exported += where[0] != '\0';
	}
	snprintf(buf, len, "%u device%s: %u up, %u down; %u exported", n, n == 1 ? "" : "s",
		 up, down, exported);
}

static void notify_send(const char *what, const char *state)
{
	int err = sd_notify_send(state);

	if (err)
		pr_warn("telling systemd %s failed: %s\n", what, strerror(-err));
}

void notify_ready(struct daemon_notify *n, const char *status)
{
	char msg[sizeof(n->status) + 32];

	n->ready = true;
	snprintf(n->status, sizeof(n->status), "%s", status);
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=%s", status);
	notify_send("it is ready", msg);
}

void notify_status(struct daemon_notify *n, const char *status)
{
	char msg[sizeof(n->status) + 16];

	if (!n->ready || !strcmp(n->status, status))
		return;
	snprintf(n->status, sizeof(n->status), "%s", status);
	snprintf(msg, sizeof(msg), "STATUS=%s", status);
	notify_send("the status", msg);
}

void notify_stopping(struct daemon_notify *n)
{
	(void)n;
	notify_send("it stops", "STOPPING=1\nSTATUS=stopping");
}

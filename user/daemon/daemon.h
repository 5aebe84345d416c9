/* SPDX-License-Identifier: GPL-2.0 */
/* The attach daemon: engine + control socket + an export, one loop. */
#ifndef AOE_DAEMON_H
#define AOE_DAEMON_H

#include <limits.h>
#include <stdbool.h>

#include "ctl.h"
#include "etherd.h"
#include "lib/paths.h"
#include "metrics_http.h"
#include "notify.h"
#include "engine/engine.h"
#include "engine/engine_config.h"
#include "export/export.h"

#define ATTACH_TIMEOUT_DEFAULT_S 2

struct bench;

struct daemon_config {
	struct engine_config eng;
	enum export_kind export;
	const char *fuse_dir;
	unsigned int discover_timeout_s;
	unsigned int ublk_depth;	/* 0: default */
	unsigned int ublk_max_io;	/* bytes, 0: default */
	const char *ctl_group;	/* besides root, its members may run stat; or NULL */
	bool foreground;
	const char *metrics_listen;	/* ADDR:PORT, or NULL */
};

/* A control connection waiting for discovery to settle. */
struct discover_wait {
	struct list_node node;
	struct ctl_conn *conn;
	uint64_t answers_ns;	/* when answers stop counting */
	uint64_t hard_ns;	/* answer by then whatever IDENTIFY does */
	bool json;
	const char *what;	/* "discover" or "attach" */
};

struct daemon {
	struct daemon_config cfg;
	struct aoe_engine *eng;
	struct ctl_server ctl;
	const struct export_ops *exp;
	void *exp_priv;
	struct export_ctx exp_ctx;
	char run_dir[256];
	char ctl_path[PATH_MAX];
	char pid_path[PATH_MAX];
	bool pid_written;	/* the pid file is ours to remove */
	int log_fd;		/* the log, opened before it is needed; or -1 */
	struct list_node waits;	/* struct discover_wait */
	struct list_node flushes;	/* flush.c */
	struct bench *bench;
	bool shutting_down;
	/* The first discovery: answers until ready_answers_ns, IDENTIFY and
	 * exports until ready_hard_ns at most; then the daemon is ready. */
	bool ready;
	uint64_t ready_answers_ns, ready_hard_ns;
	uint64_t next_service_ns;	/* links, status, idle metrics clients */
	struct etherd etherd;
	struct daemon_notify notify;
	struct metrics_server metrics;
};

/* Where the control socket, pid file and links live ($AOE_XDP_RUN_DIR). */
const char *daemon_run_dir(char *buf, size_t len);
void daemon_ctl_path(char *buf, size_t len);

/* Where d is exported (/dev/ublkbN, a FUSE file), or "" when it is not. */
void daemon_export_path(struct daemon *dm, const struct aoe_dev *d, char *buf, size_t len);

/* Runs the daemon until detach or a signal. ready_fd (or -1) gets the
 * status line and the attach report once initial discovery is done. */
int daemon_run(struct daemon *dm, int argc, char **argv, int ready_fd);

#endif /* AOE_DAEMON_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands the daemon answers on its control socket, as option tables
 * (bench's is in bench.h). The CLI parses its argv with them and sends the
 * user's words as they are; the daemon parses those words with the same
 * tables (ctl_parse): one parser, one set of defaults and ranges.
 */
#ifndef AOE_DAEMON_COMMANDS_H
#define AOE_DAEMON_COMMANDS_H

#include "daemon.h"
#include "lib/cli.h"

#define DISCOVER_TIMEOUT_DEFAULT_S 2
#define REVALIDATE_TIMEOUT_DEFAULT_S 10
#define BUSY_POLL_US_DEFAULT	0		/* never spin */

struct attach_opts {
	int export;
	const char *fuse_dir;
	unsigned int dead_timeout;
	int mode;
	int foreground;
	unsigned int pool_max;
	unsigned int timeout;
	unsigned int rto_min_ms;
	unsigned int rto_max_ms;
	unsigned int rediscover;
	unsigned int tx_chunks;
	unsigned int ublk_depth;
	unsigned int ublk_max_io_kb;
	unsigned int busy_poll_us;
	unsigned int write_guard;
	unsigned int write_guard_mb;
	const char *ctl_group;
};

struct detach_opts {
	int all;
};

struct discover_opts {
	unsigned int timeout;
	int json;
	int mode;
};

struct stat_opts {
	int json;
};

struct revalidate_opts {
	unsigned int timeout;
};

extern const struct cli_cmd attach_cmd;
extern const struct cli_cmd detach_cmd;
extern const struct cli_cmd discover_cmd;
extern const struct cli_cmd stat_cmd;
extern const struct cli_cmd revalidate_cmd;

/* The configuration a daemon starts with, from attach's options. */
void daemon_config_from_attach(struct daemon_config *dc, const struct attach_opts *o);

#endif /* AOE_DAEMON_COMMANDS_H */

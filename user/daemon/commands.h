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
#include "engine/engine_config.h"
#include "lib/cli.h"

#define DISCOVER_TIMEOUT_DEFAULT_S 2
#define REVALIDATE_TIMEOUT_DEFAULT_S 10
#define BUSY_POLL_US_DEFAULT	0		/* never spin */
/* How long a target gets to answer a config, mask or reserve request, or
 * one IDENTIFY of ping. */
#define ADMIN_TIMEOUT_MS_DEFAULT	1000
#define PING_COUNT_DEFAULT	3
#define PING_COUNT_MAX		1000
/* flush: how long removing an export may take before the answer. */
#define FLUSH_TIMEOUT_DEFAULT_S	10

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
	unsigned int pmtu_probe;
	unsigned int tx_chunks;
	unsigned int ublk_depth;
	unsigned int ublk_max_io_kb;
	unsigned int busy_poll_us;
	unsigned int write_guard;
	unsigned int write_guard_mb;
	const char *metrics_listen;	/* ADDR:PORT for /metrics, or NULL */
	const char *ctl_group;
	unsigned int max_devices;
	unsigned int max_targets;
	unsigned int max_paths;
	unsigned int forget_unidentified;
	unsigned int forget_gone;
	struct aoe_select only, exclude;
};

struct detach_opts {
	int all;
};

struct discover_opts {
	unsigned int timeout;
	int json;
	int mode;
	struct aoe_select only, exclude;	/* marked, not left out */
};

struct stat_opts {
	int json;
	int prometheus;
};

/* A MAC address option (CLI_CUSTOM); `given` says whether it appeared. */
struct mac_opt {
	uint8_t mac[AOE_ETH_ALEN];
};

struct flush_opts {
	int all;
	int json;
	unsigned int timeout;
};

struct config_opts {
	const char *set, *test, *prefix, *force_set;
	unsigned int timeout_ms;
	int json;
};

struct mask_opts {
	struct mac_opt add, del;
	int add_given, del_given;
	int list;
	unsigned int timeout_ms;
	int json;
};

struct reserve_opts {
	int set, release, list, force;
	unsigned int timeout_ms;
	int json;
};

struct ping_opts {
	unsigned int count;
	unsigned int timeout_ms;
	int json;
};

struct interfaces_opts {
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
extern const struct cli_cmd flush_cmd;
extern const struct cli_cmd config_cmd;
extern const struct cli_cmd mask_cmd;
extern const struct cli_cmd reserve_cmd;
extern const struct cli_cmd ping_cmd;
extern const struct cli_cmd interfaces_cmd;

/* The configuration a daemon starts with, from attach's options. */
void daemon_config_from_attach(struct daemon_config *dc, const struct attach_opts *o);

#endif /* AOE_DAEMON_COMMANDS_H */

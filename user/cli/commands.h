/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every aoe-xdp subcommand, one file each (cmd_<name>.c). A command's name,
 * help and option table are a struct cli_cmd; the ones the daemon also
 * answers live in daemon/ (commands.h, bench.h), so both sides parse with
 * the same table.
 */
#ifndef AOE_COMMANDS_H
#define AOE_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/cli.h"

#define AOE_XDP_VERSION "0.1.0"

/* A command's run() returns 0, -errno, or CMD_STATUS(n) to exit with n
 * after the message was already printed (e.g. relayed from the daemon). */
#define CMD_STATUS_BASE	1000
#define CMD_STATUS(n)	(-(CMD_STATUS_BASE + (n)))

/* What a command runs with. */
struct cmd_args {
	void *opts;		/* the parsed options: the cli_cmd's cfg */
	int argc;		/* the positional words */
	char **argv;
	int nwords;		/* every word the user gave, the command first: */
	char **words;		/* what goes to the daemon, as it is */
};

struct command {
	const struct cli_cmd *cmd;
	int (*run)(const struct cmd_args *a);
};

extern const struct command cmd_attach;
extern const struct command cmd_bench;
extern const struct command cmd_detach;
extern const struct command cmd_discover;
extern const struct command cmd_stat;
extern const struct command cmd_revalidate;
extern const struct command cmd_version;
extern const struct command cmd_flush;
extern const struct command cmd_config;
extern const struct command cmd_mask;
extern const struct command cmd_reserve;
extern const struct command cmd_ping;
extern const struct command cmd_interfaces;

/* 0, or -EPERM after telling the user that `what` needs root. */
int cmd_require_root(const char *what);
/* Sends the user's words to the running daemon, which parses them with the
 * same table, and prints its answer; 0, -ENOENT (no daemon: said so), or
 * CMD_STATUS(the daemon's status). */
int cmd_call_daemon(const struct cmd_args *a, int timeout_s);
/* The same, for a command the daemon answers after a discovery that waits
 * timeout_s for answers. */
int cmd_call_daemon_discovering(const struct cmd_args *a, unsigned int timeout_s);
bool cmd_daemon_running(void);

#endif /* AOE_COMMANDS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Every aoe-xdp subcommand, one file each (cmd_<name>.c). */
#ifndef AOE_COMMANDS_H
#define AOE_COMMANDS_H

#include <stdbool.h>

#include "lib/cli.h"

#define AOE_XDP_VERSION "0.1.0"

/* A command's run() returns 0, -errno, or CMD_STATUS(n) to exit with n
 * after the message was already printed (e.g. relayed from the daemon). */
#define CMD_STATUS_BASE	1000
#define CMD_STATUS(n)	(-(CMD_STATUS_BASE + (n)))

extern const struct cli_cmd cmd_attach;
extern const struct cli_cmd cmd_bench;
extern const struct cli_cmd cmd_detach;
extern const struct cli_cmd cmd_discover;
extern const struct cli_cmd cmd_stat;
extern const struct cli_cmd cmd_version;

extern const struct cli_enum_val cmd_mode_vals[];

/* 0, or -EPERM after telling the user that `what` needs root. */
int cmd_require_root(const char *what);
/* Sends argv to the running daemon and prints its answer; 0, -ENOENT
 * (no daemon: said so), or CMD_STATUS(the daemon's status). */
int cmd_call_daemon(int argc, char **argv, int timeout_s);
bool cmd_daemon_running(void);

#endif /* AOE_COMMANDS_H */

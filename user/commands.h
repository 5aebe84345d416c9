/* SPDX-License-Identifier: GPL-2.0 */
/* Every aoe-xdp subcommand, one file each (cmd_<name>.c). */
#ifndef AOE_COMMANDS_H
#define AOE_COMMANDS_H

#include "cli.h"

#define AOE_XDP_VERSION "0.1.0"

extern const struct cli_cmd cmd_version;
extern const struct cli_cmd cmd_discover;

/* 0, or -EPERM after telling the user that `what` needs root. */
int cmd_require_root(const char *what);

#endif /* AOE_COMMANDS_H */

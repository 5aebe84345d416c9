// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp stat [--json]: the daemon's devices, targets and counters. */
#include "commands.h"
#include "daemon/commands.h"

#define STAT_TIMEOUT_S 10

static int stat_run(const struct cmd_args *a)
{
	return cmd_call_daemon(a, STAT_TIMEOUT_S);
}

const struct command cmd_stat = { .cmd = &stat_cmd, .run = stat_run };

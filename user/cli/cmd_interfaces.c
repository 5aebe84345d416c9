// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp interfaces [--json]: what the daemon is attached to. */
#include "commands.h"
#include "daemon/commands.h"

#define INTERFACES_TIMEOUT_S 10

static int interfaces_run(const struct cmd_args *a)
{
	return cmd_call_daemon(a, INTERFACES_TIMEOUT_S);
}

const struct command cmd_interfaces = { .cmd = &interfaces_cmd, .run = interfaces_run };

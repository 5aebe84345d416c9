// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp revalidate eS.N: accept the disk the targets serve now. */
#include "commands.h"
#include "daemon/commands.h"

static int revalidate_run(const struct cmd_args *a)
{
	const struct revalidate_opts *o = a->opts;

	return cmd_call_daemon(a, (int)o->timeout + 10);
}

const struct command cmd_revalidate = { .cmd = &revalidate_cmd, .run = revalidate_run };

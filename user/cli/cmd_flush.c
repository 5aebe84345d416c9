// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp flush [-a] [eS.N...]: forget devices, as aoe-flush does. */
#include "commands.h"
#include "daemon/commands.h"

#define FLUSH_REPLY_MARGIN_S 10

static int flush_run(const struct cmd_args *a)
{
	const struct flush_opts *o = a->opts;

	return cmd_call_daemon(a, (int)o->timeout + FLUSH_REPLY_MARGIN_S);
}

const struct command cmd_flush = { .cmd = &flush_cmd, .run = flush_run };

// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp bench eS.N: load the engine directly inside the daemon. */
#include "commands.h"
#include "daemon/bench.h"

#define BENCH_REPLY_MARGIN_S 60

static int bench_run(const struct cmd_args *a)
{
	const struct bench_opts *o = a->opts;

	/* The run, a verify pass as long again, and a margin. */
	return cmd_call_daemon(a, (int)o->seconds * 3 + BENCH_REPLY_MARGIN_S);
}

const struct command cmd_bench = { .cmd = &bench_cmd, .run = bench_run };

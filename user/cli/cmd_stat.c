// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp stat [--json]: the daemon's devices, targets and counters. */
#include "commands.h"

struct stat_cfg {
	int json;
};

static const struct cli_opt stat_opts[] = {
	{ .name = "json", .short_name = 'j', .type = CLI_BOOL,
	  .offset = offsetof(struct stat_cfg, json), .help = "print JSON" },
	CLI_OPT_END,
};

static int stat_run(void *p, int argc, char **argv)
{
	struct stat_cfg *c = p;
	char *words[] = { "stat", c->json ? "--json" : NULL };

	(void)argc;
	(void)argv;
	return cmd_call_daemon(c->json ? 2 : 1, words, 10);
}

const struct cli_cmd cmd_stat = {
	.name = "stat",
	.summary = "Show devices (aoe-stat style), targets, windows, RTT, frame pools and "
		   "counters of the running daemon.",
	.opts = stat_opts,
	.cfg_size = sizeof(struct stat_cfg),
	.run = stat_run,
};

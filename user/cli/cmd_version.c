// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <bpf/libbpf.h>

#include "commands.h"
#include "daemon/ctl.h"

static const struct cli_cmd version_cmd = {
	.name = "version",
	.summary = "Print the version of aoe-xdp and the libbpf it runs with.",
};

static int version_run(const struct cmd_args *a)
{
	(void)a;
	printf(AOE_XDP_PROG " %s (libbpf %s)\n", AOE_XDP_VERSION, libbpf_version_string());
	return 0;
}

const struct command cmd_version = { .cmd = &version_cmd, .run = version_run };

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <bpf/libbpf.h>

#include "commands.h"

static int version_run(void *cfg, int argc, char **argv)
{
	(void)cfg;
	(void)argc;
	(void)argv;
	printf("aoe-xdp %s (libbpf %s)\n", AOE_XDP_VERSION, libbpf_version_string());
	return 0;
}

const struct cli_cmd cmd_version = {
	.name = "version",
	.summary = "Print the version of aoe-xdp and the libbpf it runs with.",
	.run = version_run,
};

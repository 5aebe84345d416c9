// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp: user-space ATA-over-Ethernet initiator. Command dispatch only. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "lib/log.h"
#include "manpage.h"
#include "xdp/lib_log.h"

static const struct cli_cmd *const commands[] = {
	&cmd_attach,
	&cmd_detach,
	&cmd_discover,
	&cmd_stat,
	&cmd_bench,
	&cmd_version,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fputs("Usage: aoe-xdp [-v|-q] COMMAND [options] [args]\n\n"
	      "ATA over Ethernet initiator in user space: XDP steers AoE responses into\n"
	      "AF_XDP, remote disks appear as ublk block devices.\n\nCommands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nGlobal options: -v (debug log), -q (errors only).\n"
	      "Run 'aoe-xdp COMMAND --help' for a command's options; see aoe-xdp(8).\n", out);
}

int main(int argc, char **argv)
{
	int i = 1, first_pos, err;

	log_set_prog("aoe-xdp");
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log_set_level(LOG_LVL_DEBUG);
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			log_set_level(LOG_LVL_ERROR);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--man")) {
			manpage_write(stdout, commands, NCOMMANDS);
			return 0;
		} else {
			fprintf(stderr, "aoe-xdp: unknown option '%s'; see 'aoe-xdp --help'\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	log_route_libs();
	/* A peer that went away (the attaching process, a control client)
	 * is an EPIPE to handle, never a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t c = 0; c < NCOMMANDS; c++) {
		const struct cli_cmd *cmd = commands[c];
		void *cfg;

		if (strcmp(cmd->name, argv[i]))
			continue;
		cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
		if (!cfg) {
			fprintf(stderr, "aoe-xdp: out of memory\n");
			return 1;
		}
		err = cli_parse(cmd, cfg, argc - i, argv + i, &first_pos);
		if (err) {
			free(cfg);
			return err == 1 ? 0 : 2;	/* --help, or a usage error */
		}
		err = cmd->run(cfg, argc - i - first_pos, argv + i + first_pos);
		free(cfg);
		if (err <= -CMD_STATUS_BASE)
			return -err - CMD_STATUS_BASE;
		return err ? 1 : 0;
	}
	fprintf(stderr, "aoe-xdp: unknown command '%s'; see 'aoe-xdp --help'\n", argv[i]);
	return 2;
}

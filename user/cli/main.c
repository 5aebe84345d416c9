// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp: user-space ATA-over-Ethernet initiator. Command dispatch only. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "complete.h"
#include "daemon/ctl.h"
#include "lib/log.h"
#include "manpage.h"
#include "udev_name.h"
#include "xdp/lib_log.h"

static const struct command *const commands[] = {
	&cmd_attach,
	&cmd_detach,
	&cmd_discover,
	&cmd_stat,
	&cmd_interfaces,
	&cmd_revalidate,
	&cmd_flush,
	&cmd_config,
	&cmd_mask,
	&cmd_reserve,
	&cmd_ping,
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
		fprintf(out, "  %-10s %s\n", commands[i]->cmd->name, commands[i]->cmd->summary);
	fputs("\nGlobal options: -v (debug log), -q (errors only).\n"
	      "Run 'aoe-xdp COMMAND --help' for a command's options; see aoe-xdp(8).\n", out);
}

static int exit_status(int err)
{
	if (err <= -CMD_STATUS_BASE)
		return -err - CMD_STATUS_BASE;
	return err ? 1 : 0;
}

/* Parses the command's words (words[0] is its name) and runs it; returns
 * the exit status. */
static int run_command(const struct command *c, int nwords, char **words)
{
	const struct cli_env env = { .prog = AOE_XDP_PROG, .out = stdout, .err = stderr };
	struct cmd_args a = { .nwords = nwords, .words = words };
	int status, err;

	a.opts = calloc(1, c->cmd->cfg_size ? c->cmd->cfg_size : 1);
	a.argv = calloc((size_t)nwords, sizeof(*a.argv));
	if (!a.opts || !a.argv) {
		fprintf(stderr, AOE_XDP_PROG ": out of memory\n");
		status = 1;
	} else {
		err = cli_parse(&env, c->cmd, a.opts, nwords, words, a.argv, &a.argc);
		if (err)	/* --help, or a usage error already said */
			status = err == 1 ? 0 : 2;
		else
			status = exit_status(c->run(&a));
	}
	free(a.opts);
	free(a.argv);
	return status;
}

int main(int argc, char **argv)
{
	int i = 1;

	log_set_prog(AOE_XDP_PROG);
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
		} else if (!strcmp(argv[i], "--complete")) {
			/* For the shell's completion (aoe-xdp.bash-completion). */
			return complete_main(commands, NCOMMANDS, argc - i - 1, argv + i + 1);
		} else if (!strcmp(argv[i], "--udev-name") && i + 1 < argc) {
			/* For udev's rule (60-aoe-xdp.rules), not for people. */
			return udev_name(argv[i + 1], stdout) ? 1 : 0;
		} else {
			fprintf(stderr, AOE_XDP_PROG ": unknown option '%s'; see 'aoe-xdp --help'\n",
				argv[i]);
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
	for (size_t c = 0; c < NCOMMANDS; c++)
		if (!strcmp(commands[c]->cmd->name, argv[i]))
			return run_command(commands[c], argc - i, argv + i);
	fprintf(stderr, AOE_XDP_PROG ": unknown command '%s'; see 'aoe-xdp --help'\n", argv[i]);
	return 2;
}

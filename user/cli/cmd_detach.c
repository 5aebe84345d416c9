// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp detach IFACE...|--all: give interfaces back; the last one stops
 * the daemon. */
#include <errno.h>
#include <stdlib.h>

#include "commands.h"
#include "lib/log.h"
#include "xdp/xdp_prog.h"

struct detach_cfg {
	int all;
};

static const struct cli_opt detach_opts[] = {
	{ .name = "all", .short_name = 'a', .type = CLI_BOOL,
	  .offset = offsetof(struct detach_cfg, all),
	  .help = "detach every interface and stop the daemon" },
	CLI_OPT_END,
};

/* Without a daemon, detach still clears a crashed run's leftovers. */
static int detach_stale(int argc, char **argv)
{
	int err = 0;

	for (int i = 0; i < argc; i++) {
		int e = xdp_prog_remove_stale(argv[i]);

		if (e)
			err = e;
		else
			pr_info("%s: nothing of aoe-xdp is left on it\n", argv[i]);
	}
	return err;
}

static int detach_run(void *p, int argc, char **argv)
{
	struct detach_cfg *c = p;
	char **words;
	int n = 0, err;

	err = cmd_require_root("aoe-xdp detach");
	if (err)
		return err;
	if (!c->all && !argc) {
		pr_err("name the interfaces to detach, or --all\n");
		return -EINVAL;
	}
	if (!cmd_daemon_running()) {
		if (argc)
			return detach_stale(argc, argv);
		pr_err("aoe-xdp is not running; nothing to detach\n");
		return -ENOENT;
	}
	words = calloc((size_t)argc + 2, sizeof(*words));
	if (!words)
		return -ENOMEM;
	words[n++] = "detach";
	if (c->all)
		words[n++] = "--all";
	for (int i = 0; i < argc; i++)
		words[n++] = argv[i];
	err = cmd_call_daemon(n, words, 60);
	free(words);
	return err;
}

const struct cli_cmd cmd_detach = {
	.name = "detach",
	.usage = "[IFACE...]",
	.summary = "Detach interfaces; detaching the last stops the daemon after failing "
		   "what is in flight.",
	.opts = detach_opts,
	.cfg_size = sizeof(struct detach_cfg),
	.run = detach_run,
};

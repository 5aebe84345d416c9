// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp detach IFACE...|--all: give interfaces back; the last one stops
 * the daemon. */
#include <errno.h>

#include "commands.h"
#include "daemon/commands.h"
#include "lib/log.h"
#include "xdp/xdp_prog.h"

#define DETACH_TIMEOUT_S 60

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

static int detach_run(const struct cmd_args *a)
{
	const struct detach_opts *o = a->opts;
	int err;

	err = cmd_require_root("aoe-xdp detach");
	if (err)
		return err;
	if (!o->all && !a->argc) {
		pr_err("name the interfaces to detach, or --all\n");
		return -EINVAL;
	}
	if (!cmd_daemon_running()) {
		if (a->argc)
			return detach_stale(a->argc, a->argv);
		pr_err("aoe-xdp is not running; nothing to detach\n");
		return -ENOENT;
	}
	return cmd_call_daemon(a, DETACH_TIMEOUT_S);
}

const struct command cmd_detach = { .cmd = &detach_cmd, .run = detach_run };

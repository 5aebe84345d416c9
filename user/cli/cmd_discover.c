// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp discover IFACE...: find every AoE disk on the wire. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "daemon/commands.h"
#include "engine/engine.h"
#include "engine/engine_config.h"
#include "lib/log.h"
#include "daemon/report.h"

/* Answers for `timeout` seconds, then IDENTIFY gets as long again. */
static int discover_wait(struct aoe_engine *e, unsigned int timeout)
{
	uint64_t start = engine_now(e), answers = start + timeout * NSEC_PER_SEC;
	uint64_t hard = answers + timeout * NSEC_PER_SEC + NSEC_PER_SEC;
	int err;

	while (!engine_stopping(e)) {
		err = engine_run_once(e, 10 * NSEC_PER_MSEC);
		if (err)
			return err;
		if (engine_now(e) >= answers && !engine_identifying(e))
			return 0;
		if (engine_now(e) >= hard)
			return 0;
	}
	pr_err("interrupted by signal %d before discovery finished\n", engine_stop_signal(e));
	return -EINTR;
}

static int discover_run(const struct cmd_args *a)
{
	const struct discover_opts *o = a->opts;
	struct engine_config ecfg;
	struct aoe_engine *e;
	int err, failed;

	err = cmd_require_root("aoe-xdp discover");
	if (err)
		return err;
	/* A running daemon owns the interfaces: it looks again, on all of them. */
	if (cmd_daemon_running())
		return cmd_call_daemon_discovering(a, o->timeout);
	engine_config_defaults(&ecfg);
	ecfg.mode = o->mode;
	ecfg.rediscover_s = 0;
	ecfg.dead_timeout_s = o->timeout;	/* IDENTIFY gets no longer */
	ecfg.only = o->only;
	ecfg.exclude = o->exclude;
	ecfg.select_marks = true;	/* shows everything */
	err = engine_create(&ecfg, NULL, &e);
	if (err)
		return err;
	err = engine_watch_signals(e);
	for (int i = 0; i < a->argc && !err; i++)
		err = engine_add_iface(e, a->argv[i]);
	if (!err) {
		engine_discover(e);
		err = discover_wait(e, o->timeout);
	}
	if (!err) {
		failed = report_discover(stdout, e, o->json);
		fflush(stdout);
		if (failed) {
			pr_err("%d device%s failed IDENTIFY; see the state column above\n", failed,
			       failed == 1 ? "" : "s");
			err = -EIO;
		}
	}
	engine_destroy(e);
	return err;
}

const struct command cmd_discover = { .cmd = &discover_cmd, .run = discover_run };

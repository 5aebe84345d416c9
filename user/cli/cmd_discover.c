// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp discover IFACE...: find every AoE disk on the wire. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "engine/engine.h"
#include "engine/engine_config.h"
#include "lib/log.h"
#include "daemon/report.h"

#define DISCOVER_TIMEOUT_DEFAULT_S 2

struct discover_cfg {
	unsigned int timeout;
	int json;
	int mode;
};

static const struct cli_opt discover_opts[] = {
	{ .name = "timeout", .short_name = 't', .type = CLI_UINT,
	  .offset = offsetof(struct discover_cfg, timeout), .metavar = "SEC",
	  .help = "seconds to wait for answers (default 2)", .min = 1, .max = 3600 },
	{ .name = "json", .short_name = 'j', .type = CLI_BOOL,
	  .offset = offsetof(struct discover_cfg, json), .help = "print JSON" },
	{ .name = "mode", .short_name = 'm', .type = CLI_ENUM,
	  .offset = offsetof(struct discover_cfg, mode), .metavar = "MODE",
	  .help = "XDP attach mode", .enum_vals = cmd_mode_vals },
	CLI_OPT_END,
};

static void discover_defaults(void *p)
{
	struct discover_cfg *c = p;

	c->timeout = DISCOVER_TIMEOUT_DEFAULT_S;
	c->mode = AOE_XDP_MODE_AUTO;
}

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

/* A running daemon owns the interfaces: ask it to look again. */
static int discover_via_daemon(const struct discover_cfg *c, int argc, char **argv)
{
	char timeout[16];
	char *words[] = { "discover", "--timeout", timeout, c->json ? "--json" : NULL };

	(void)argc;
	(void)argv;
	snprintf(timeout, sizeof(timeout), "%u", c->timeout);
	return cmd_call_daemon(c->json ? 4 : 3, words, (int)c->timeout * 3 + 10);
}

static int discover_run(void *p, int argc, char **argv)
{
	struct discover_cfg *c = p;
	struct engine_config ecfg;
	struct aoe_engine *e;
	int err, failed;

	err = cmd_require_root("aoe-xdp discover");
	if (err)
		return err;
	if (cmd_daemon_running())
		return discover_via_daemon(c, argc, argv);
	engine_config_defaults(&ecfg);
	ecfg.mode = c->mode;
	ecfg.rediscover_s = 0;
	ecfg.dead_timeout_s = c->timeout;	/* IDENTIFY gets no longer */
	err = engine_create(&ecfg, NULL, &e);
	if (err)
		return err;
	err = engine_watch_signals(e);
	for (int i = 0; i < argc && !err; i++)
		err = engine_add_iface(e, argv[i]);
	if (!err) {
		engine_discover(e);
		err = discover_wait(e, c->timeout);
	}
	if (!err) {
		failed = report_discover(stdout, e, c->json);
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

const struct cli_cmd cmd_discover = {
	.name = "discover",
	.usage = "IFACE [IFACE...]",
	.summary = "Find the AoE disks reachable on the interfaces and describe them.",
	.min_args = 1,
	.opts = discover_opts,
	.cfg_size = sizeof(struct discover_cfg),
	.defaults = discover_defaults,
	.run = discover_run,
};

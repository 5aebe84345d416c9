// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp attach IFACE...: start the daemon, or give it more interfaces. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commands.h"
#include "daemon/daemon.h"
#include "lib/log.h"

struct attach_cfg {
	int export;
	const char *fuse_dir;
	unsigned int dead_timeout;
	int mode;
	int foreground;
	unsigned int pool_max;
	unsigned int timeout;
	unsigned int rto_min_ms;
	unsigned int rto_max_ms;
	unsigned int rediscover;
	unsigned int tx_chunks;
	unsigned int ublk_depth;
	unsigned int ublk_max_io_kb;
	unsigned int busy_poll_us;
};

static const struct cli_enum_val export_vals[] = {
	{ "auto", EXPORT_AUTO },
	{ "ublk", EXPORT_UBLK },
	{ "fuse", EXPORT_FUSE },
	{ "none", EXPORT_NONE },
	{ NULL, 0 },
};

#define OPT(n, s, t, f, m, h, ...) { .name = n, .short_name = s, .type = t, \
	.offset = offsetof(struct attach_cfg, f), .metavar = m, .help = h, __VA_ARGS__ }

static const struct cli_opt attach_opts[] = {
	OPT("export", 'e', CLI_ENUM, export, "KIND",
	    "how devices appear; auto is ublk where the kernel has it, else fuse",
	    .enum_vals = export_vals),
	OPT("ublk-depth", 0, CLI_UINT, ublk_depth, "N", "ublk queue depth (default 128)",
	    .min = 1, .max = 4096),
	OPT("ublk-max-io-kb", 0, CLI_UINT, ublk_max_io_kb, "KB",
	    "largest ublk request (default 1024)", .min = 4, .max = 4096),
	OPT("fuse-dir", 0, CLI_STRING, fuse_dir, "DIR",
	    "directory of the FUSE export (default $AOE_XDP_RUN_DIR/fuse)"),
	OPT("dead-timeout", 'd', CLI_UINT, dead_timeout, "SEC",
	    "fail I/O after a frame goes unanswered this long; 0 never (default 180)",
	    .min = 0, .max = 86400),
	OPT("mode", 'm', CLI_ENUM, mode, "MODE", "XDP attach mode", .enum_vals = cmd_mode_vals),
	OPT("foreground", 'f', CLI_BOOL, foreground, NULL, "stay in the foreground (systemd)"),
	OPT("pool-max", 0, CLI_UINT, pool_max, "N",
	    "spare TX frames per device (default 128)", .min = 1, .max = 65536),
	OPT("timeout", 't', CLI_UINT, timeout, "SEC",
	    "wait this long for targets to answer before returning (default 2)",
	    .min = 1, .max = 3600),
	OPT("rto-min-ms", 0, CLI_UINT, rto_min_ms, "MS",
	    "lower bound of the retransmit timeout (default 20)", .min = 1, .max = 60000),
	OPT("rto-max-ms", 0, CLI_UINT, rto_max_ms, "MS",
	    "upper bound of the retransmit timeout (default 4000)", .min = 1, .max = 600000),
	OPT("rediscover", 0, CLI_UINT, rediscover, "SEC",
	    "seconds between discovery broadcasts; 0 only on demand (default 60)",
	    .min = 0, .max = 86400),
	OPT("busy-poll-us", 0, CLI_UINT, busy_poll_us, "US",
	    "with I/O in flight, spin this long for answers before sleeping (default 0)",
	    .min = 0, .max = 10000),
	OPT("tx-chunks", 0, CLI_UINT, tx_chunks, "N",
	    "UMEM chunks for sending, per interface (default 4096)", .min = 256, .max = 262144),
	CLI_OPT_END,
};

static void attach_defaults(void *p)
{
	struct attach_cfg *c = p;

	c->export = EXPORT_AUTO;
	c->ublk_depth = 128;
	c->ublk_max_io_kb = 1024;
	c->dead_timeout = DEAD_TIMEOUT_DEFAULT_S;
	c->mode = AOE_XDP_MODE_AUTO;
	c->pool_max = POOL_MAX_DEFAULT;
	c->timeout = ATTACH_TIMEOUT_DEFAULT_S;
	c->rto_min_ms = RTO_MIN_US_DEFAULT / 1000;
	c->rto_max_ms = RTO_MAX_US_DEFAULT / 1000;
	c->rediscover = REDISCOVER_DEFAULT_S;
	c->tx_chunks = IFACE_TX_CHUNKS_DEFAULT;
}

static void daemon_config_from(struct daemon_config *dc, const struct attach_cfg *c)
{
	engine_config_defaults(&dc->eng);
	dc->eng.mode = c->mode;
	dc->eng.pool_max = c->pool_max;
	dc->eng.dead_timeout_s = c->dead_timeout;
	dc->eng.rto_min_us = c->rto_min_ms * 1000;
	dc->eng.rto_max_us = c->rto_max_ms * 1000;
	dc->eng.rediscover_s = c->rediscover;
	dc->eng.tx_chunks = c->tx_chunks;
	dc->eng.busy_poll_us = c->busy_poll_us;
	dc->export = c->export;
	dc->ublk_depth = c->ublk_depth;
	dc->ublk_max_io = c->ublk_max_io_kb * 1024;
	dc->fuse_dir = c->fuse_dir;
	dc->discover_timeout_s = c->timeout;
	dc->foreground = c->foreground;
}

/* Copies the daemon's readiness report; returns its status. */
static int relay_ready(int fd, pid_t child)
{
	char buf[4096];
	int status = -1, ws;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t skip = 0;

		if (status < 0) {
			char *nl = memchr(buf, '\n', (size_t)n);

			status = atoi(buf);
			skip = nl ? (size_t)(nl - buf) + 1 : (size_t)n;
		}
		fwrite(buf + skip, 1, (size_t)n - skip, status ? stderr : stdout);
	}
	close(fd);
	if (status >= 0)
		return status;
	/* No report: the daemon died during setup; its own message said why. */
	if (waitpid(child, &ws, 0) == child && WIFEXITED(ws))
		return WEXITSTATUS(ws) ? WEXITSTATUS(ws) : 1;
	return 1;
}

static int attach_to_running(const struct attach_cfg *c, int argc, char **argv)
{
	char **words = calloc((size_t)argc + 4, sizeof(*words));
	char timeout[16];
	int n = 0, err;

	if (!words)
		return -ENOMEM;
	snprintf(timeout, sizeof(timeout), "%u", c->timeout);
	words[n++] = "attach";
	words[n++] = "--timeout";
	words[n++] = timeout;
	for (int i = 0; i < argc; i++)
		words[n++] = argv[i];
	err = cmd_call_daemon(n, words, (int)c->timeout * 3 + 10);
	free(words);
	return err;
}

static int attach_run(void *p, int argc, char **argv)
{
	struct attach_cfg *c = p;
	struct daemon *dm;
	int pipefd[2], err;
	pid_t pid;

	err = cmd_require_root("aoe-xdp attach");
	if (err)
		return err;
	if (c->rto_min_ms > c->rto_max_ms) {
		pr_err("--rto-min-ms must not exceed --rto-max-ms\n");
		return -EINVAL;
	}
	if (cmd_daemon_running())
		return attach_to_running(c, argc, argv);
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	daemon_config_from(&dm->cfg, c);
	if (dm->cfg.export == EXPORT_AUTO) {
		dm->cfg.export = ublk_available() ? EXPORT_UBLK : EXPORT_FUSE;
		if (dm->cfg.export == EXPORT_FUSE)
			pr_info("this kernel has no ublk (no /dev/ublk-control, modprobe ublk_drv "
				"failed): exporting devices as FUSE files instead\n");
	}
	if (c->foreground) {
		err = daemon_run(dm, argc, argv, -1);
		free(dm);
		return err;
	}
	if (pipe2(pipefd, O_CLOEXEC)) {
		free(dm);
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free(dm);
		return -errno;
	}
	if (pid == 0) {
		close(pipefd[0]);
		setsid();
		err = daemon_run(dm, argc, argv, pipefd[1]);
		free(dm);
		_exit(err ? 1 : 0);	/* the daemon's end: no atexit of the CLI */
	}
	close(pipefd[1]);
	free(dm);
	err = relay_ready(pipefd[0], pid);
	return err ? CMD_STATUS(err) : 0;
}

const struct cli_cmd cmd_attach = {
	.name = "attach",
	.usage = "IFACE [IFACE...]",
	.summary = "Start the daemon on the interfaces (or add them to it), export every "
		   "device found, print them.",
	.min_args = 1,
	.opts = attach_opts,
	.cfg_size = sizeof(struct attach_cfg),
	.defaults = attach_defaults,
	.run = attach_run,
};

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
#include "daemon/commands.h"
#include "lib/log.h"

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

static int attach_run(const struct cmd_args *a)
{
	const struct attach_opts *o = a->opts;
	struct daemon *dm;
	int pipefd[2], err;
	pid_t pid;

	err = cmd_require_root("aoe-xdp attach");
	if (err)
		return err;
	if (o->rto_min_ms > o->rto_max_ms) {
		pr_err("--rto-min-ms must not exceed --rto-max-ms\n");
		return -EINVAL;
	}
	if (cmd_daemon_running())
		return cmd_call_daemon_discovering(a, o->timeout);	/* it attaches them */
	dm = calloc(1, sizeof(*dm));
	if (!dm)
		return -ENOMEM;
	daemon_config_from_attach(&dm->cfg, o);
	if (dm->cfg.export == EXPORT_AUTO) {
		dm->cfg.export = ublk_available() ? EXPORT_UBLK : EXPORT_FUSE;
		if (dm->cfg.export == EXPORT_FUSE)
			pr_info("this kernel has no ublk (no /dev/ublk-control, modprobe ublk_drv "
				"failed): exporting devices as FUSE files instead\n");
	}
	if (o->foreground) {
		err = daemon_run(dm, a->argc, a->argv, -1);
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
		err = daemon_run(dm, a->argc, a->argv, pipefd[1]);
		free(dm);
		_exit(err ? 1 : 0);	/* the daemon's end: no atexit of the CLI */
	}
	close(pipefd[1]);
	free(dm);
	err = relay_ready(pipefd[0], pid);
	return err ? CMD_STATUS(err) : 0;
}

const struct command cmd_attach = { .cmd = &attach_cmd, .run = attach_run };

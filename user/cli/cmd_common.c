// SPDX-License-Identifier: GPL-2.0
/* What several commands share: checks, the daemon call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "daemon/ctl.h"
#include "daemon/daemon.h"
#include "lib/log.h"

#define DAEMON_REPLY_MARGIN_S 10

int cmd_require_root(const char *what)
{
	if (geteuid() == 0)
		return 0;
	pr_err("%s needs root (it attaches an XDP program and AF_XDP sockets); "
	       "run it with sudo\n", what);
	return -EPERM;
}

int cmd_call_daemon(const struct cmd_args *a, int timeout_s)
{
	char path[PATH_MAX];
	int status;

	daemon_ctl_path(path, sizeof(path));
	status = ctl_call(path, a->nwords, a->words, stdout, stderr, timeout_s);
	if (status == -ENOENT || status == -ECONNREFUSED) {
		pr_err("aoe-xdp is not running (no daemon on %s); start it with "
		       "'aoe-xdp attach IFACE'\n", path);
		return -ENOENT;
	}
	if (status == -EACCES) {
		pr_err("permission denied on %s: the daemon answers root, and the members of the "
		       "group it was started with ('attach --ctl-group GROUP'); run as root or join "
		       "that group\n", path);
		return status;
	}
	if (status == -E2BIG) {
		pr_err("the command is too long for the daemon (at most %d words, %d bytes); "
		       "split it up\n", CTL_MAX_ARGS, CTL_REQUEST_MAX);
		return status;
	}
	if (status < 0) {
		pr_err("talking to the daemon on %s failed: %s\n", path, strerror(-status));
		return status;
	}
	return status ? CMD_STATUS(status) : 0;
}

int cmd_call_daemon_discovering(const struct cmd_args *a, unsigned int timeout_s)
{
	/* timeout_s for answers, as long again for IDENTIFY, and a margin. */
	return cmd_call_daemon(a, (int)timeout_s * 3 + DAEMON_REPLY_MARGIN_S);
}

bool cmd_daemon_running(void)
{
	char path[PATH_MAX];

	daemon_ctl_path(path, sizeof(path));
	return ctl_daemon_running(path);
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iface_lock.h"
#include "lib/log.h"

#define PID_TEXT_MAX	16	/* "4194304\n" and some */

/*
 * Interface names are per network namespace: eth0 in a container is not
 * the host's eth0. The lock names the namespace by its inode.
 */
int iface_lock_path(char *path, size_t size, const char *ifname)
{
	struct stat st;
	int n;

	if (stat("/proc/self/ns/net", &st))
		st.st_ino = 0;
	n = snprintf(path, size, "%s/iface-%s@%llu.lock", IFACE_LOCK_DIR, ifname,
		     (unsigned long long)st.st_ino);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* The owner's pid as written in the lock file, or 0 when unknown. */
static long read_owner_pid(int fd)
{
	char text[PID_TEXT_MAX + 1];
	ssize_t n = pread(fd, text, PID_TEXT_MAX, 0);

	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtol(text, NULL, 10);
}

static int write_our_pid(int fd)
{
	char text[PID_TEXT_MAX];
	int n = snprintf(text, sizeof(text), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) || pwrite(fd, text, n, 0) != n)
		return -errno;
	return 0;
}

/* The daemon runs as `aoe-xdp attach ...`; discover and bench do not. */
static bool owner_is_daemon(long pid)
{
	char path[64], args[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i += (ssize_t)strlen(args + i) + 1) {
		args[n] = '\0';
		if (!strcmp(args + i, "attach"))
			return true;
	}
	return false;
}

static void report_owner(const char *ifname, int fd)
{
	long pid = read_owner_pid(fd);

	if (pid > 0 && owner_is_daemon(pid))
		pr_err("%s is attached by the aoe-xdp daemon (pid %ld); run 'aoe-xdp detach %s' "
		       "to give it back\n", ifname, pid, ifname);
	else if (pid > 0)
		pr_err("%s is in use by another aoe-xdp command (pid %ld); wait for it to end, "
		       "or stop it with 'kill %ld'\n", ifname, pid, pid);
	else
		pr_err("%s is in use by another aoe-xdp process; wait for it to end\n", ifname);
}

int iface_lock_acquire(const char *ifname)
{
	char path[96];
	int fd, err;

	err = ifname_check(ifname);
	if (!err)
		err = iface_lock_path(path, sizeof(path), ifname);
	if (err)
		return err;
	if (mkdir(IFACE_LOCK_DIR, 0755) && errno != EEXIST) {
		err = -errno;
		pr_err("cannot create %s: %s; aoe-xdp needs root to attach\n", IFACE_LOCK_DIR,
		       strerror(-err));
		return err;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		err = -errno;
		pr_err("cannot open lock file %s: %s\n", path, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		if (err == -EWOULDBLOCK) {
			report_owner(ifname, fd);
			err = -EBUSY;
		} else {
			pr_err("cannot lock %s: %s\n", path, strerror(-err));
		}
		close(fd);
		return err;
	}
	err = write_our_pid(fd);
	if (err) {
		pr_err("cannot write our pid into %s: %s\n", path, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

void iface_lock_release(int *fd)
{
	if (*fd < 0)
		return;
	/* Truncate first: a stale pid would point the next message at a
	 * process that is no longer ours. The file stays: unlinking a lock
	 * file races with a process that has just opened it. */
	if (ftruncate(*fd, 0))
		pr_debug("cannot clear the pid in the interface lock: %s\n", strerror(errno));
	close(*fd);
	*fd = -1;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "run_dir.h"

static int check_dir(const char *dir)
{
	struct stat st;
	int err;

	if (lstat(dir, &st))
		goto cannot;
	/* A link is as safe as its owner: only ours may point elsewhere. */
	if (S_ISLNK(st.st_mode) && st.st_uid != geteuid()) {
		pr_err("run directory %s is a symbolic link owned by uid %u: whoever owns it can "
		       "point it elsewhere; use a directory of root's as %s\n", dir,
		       (unsigned int)st.st_uid, "AOE_XDP_RUN_DIR");
		return -EPERM;
	}
	if (stat(dir, &st))
		goto cannot;
	if (!S_ISDIR(st.st_mode)) {
		pr_err("run directory %s is not a directory; remove it or set AOE_XDP_RUN_DIR to "
		       "another path\n", dir);
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid()) {
		pr_err("run directory %s belongs to uid %u, not to root: its owner could replace "
		       "the daemon's socket, pid file and log; fix it with 'chown root %s' or set "
		       "AOE_XDP_RUN_DIR to a directory of root's\n", dir, (unsigned int)st.st_uid,
		       dir);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		pr_err("run directory %s is writable by others (mode %04o): anyone could put links "
		       "there for the daemon to write through; fix it with 'chmod go-w %s' or set "
		       "AOE_XDP_RUN_DIR to another directory\n", dir,
		       (unsigned int)(st.st_mode & 07777), dir);
		return -EPERM;
	}
	return 0;
cannot:
	err = -errno;
	pr_err("cannot look at run directory %s: %s\n", dir, strerror(-err));
	return err;
}

int run_dir_prepare(const char *dir)
{
	mode_t old = umask(0);
	int err = mkdir(dir, RUN_DIR_MODE) ? -errno : 0;

	umask(old);
	if (err && err != -EEXIST) {
		pr_err("cannot create run directory %s: %s\n", dir, strerror(-err));
		return err;
	}
	return check_dir(dir);
}

#define WHY_LINK	"is a symbolic link; the daemon does not write through links"
#define WHY_NOT_OWN	"is not a plain file of its own (a device, a FIFO, a hard link)"

/* 0 when st is a plain file of its own, else -errno and *why. */
static int file_problem(const struct stat *st, const char **why)
{
	if (S_ISLNK(st->st_mode)) {
		*why = WHY_LINK;
		return -ELOOP;
	}
	/* A second name (a hard link) would make this some other file too. */
	if (!S_ISREG(st->st_mode) || st->st_nlink != 1) {
		*why = WHY_NOT_OWN;
		return -EINVAL;
	}
	return 0;
}

static int refuse_file(const char *path, const char *what, const char *why, int err)
{
	pr_err("%s %s %s: remove it (rm %s) and try again\n", what, path, why, path);
	return err;
}

int run_file_check(const char *path, const char *what)
{
	const char *why;
	struct stat st;
	int err;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	err = file_problem(&st, &why);
	return err ? refuse_file(path, what, why, err) : 0;
}

int run_file_open(const char *path, int flags, mode_t mode, const char *what)
{
	/* O_NONBLOCK: a FIFO put there must not hang the daemon in open().
	 * O_TRUNC only once the file is known to be ours. */
	mode_t old = umask(0);
	int fd = open(path, (flags & ~O_TRUNC) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, mode);
	int err = fd < 0 ? -errno : 0;
	const char *why = NULL;
	struct stat st;

	umask(old);
	if (err == -ELOOP)
		return refuse_file(path, what, WHY_LINK, err);
	if (err) {
		pr_err("cannot open %s %s: %s\n", what, path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		why = "cannot be looked at";
	} else {
		err = file_problem(&st, &why);
	}
	if (!err && (flags & O_TRUNC) && ftruncate(fd, 0)) {
		err = -errno;
		why = "cannot be emptied";
	}
	if (err) {
		close(fd);
		return refuse_file(path, what, why, err);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

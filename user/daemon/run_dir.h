/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run directory ($AOE_XDP_RUN_DIR) and the files the daemon writes in
 * it. The daemon runs as root and writes its pid file and log by name: if
 * anyone else could write to the directory, they could put a symbolic link
 * (or a file of their own) there and have root write through it. So the
 * directory must be root's and writable by nobody else, and the files are
 * opened without following links (O_NOFOLLOW) and must be regular files.
 */
#ifndef AOE_RUN_DIR_H
#define AOE_RUN_DIR_H

#include <sys/types.h>

#define RUN_DIR_MODE	0755	/* made so when missing: commands look inside */

/* Creates dir if missing, then checks it (see above): 0, or -errno after
 * saying what is wrong and how to fix it. */
int run_dir_prepare(const char *dir);

/* Before the daemon does anything: 0 when path is missing or a plain file
 * of its own, else -errno after saying what to do. */
int run_file_check(const char *path, const char *what);

/*
 * Opens path (flags as for open(2), plus O_NOFOLLOW and O_CLOEXEC) as a
 * regular file, mode when it is created whatever the umask: the fd, or
 * -errno after saying what is wrong ("what" names the file: "pid file").
 */
int run_file_open(const char *path, int flags, mode_t mode, const char *what);

#endif /* AOE_RUN_DIR_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-xdp --udev-name KERNEL: what udev's rule (60-aoe-xdp.rules) names a
 * ublk disk or partition under /dev/etherd: the eS.N whose by-aoe link
 * (the daemon makes it at ADD_DEV, before the block device appears) points
 * at /dev/KERNEL's disk, with the partition's pM after it, as the kernel
 * aoe driver names them (e1.1, e1.1p1).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "udev_name.h"

#define BY_AOE	"by-aoe"

/* "ublkb3p2": disk "ublkb3", partition "p2"; "ublkb3": no partition. */
static int split_kernel(const char *kernel, char *disk, size_t len, const char **part)
{
	size_t n = strspn(kernel + strlen("ublkb"), "0123456789");

	if (strncmp(kernel, "ublkb", strlen("ublkb")) || !n || strlen("ublkb") + n >= len)
		return -EINVAL;
	memcpy(disk, kernel, strlen("ublkb") + n);
	disk[strlen("ublkb") + n] = '\0';
	*part = kernel + strlen(disk);
	if (**part && (**part != 'p' || !(*part)[1] ||
		       strspn(*part + 1, "0123456789") != strlen(*part + 1)))
		return -EINVAL;
	return 0;
}

/* The eS.N whose link points at /dev/disk, into name. */
static int find_link(const char *disk, char *name, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 260], want[64], got[64];
	struct dirent *de;
	int err = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", daemon_run_dir(path, sizeof(path)), BY_AOE);
	snprintf(want, sizeof(want), "/dev/%s", disk);
	d = opendir(dir);
	if (!d)
		return -errno;
	while (err && (de = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, got, sizeof(got) - 1);
		if (n <= 0)
			continue;
		got[n] = '\0';
		if (!strcmp(got, want) && strlen(de->d_name) < len) {
			snprintf(name, len, "%s", de->d_name);
			err = 0;
		}
	}
	closedir(d);
	return err;
}

int udev_name(const char *kernel, FILE *out)
{
	char disk[32], name[AOE_NAME_LEN];
	const char *part;
	int err;

	if (split_kernel(kernel, disk, sizeof(disk), &part))
		return -EINVAL;
	err = find_link(disk, name, sizeof(name));
	if (err)
		return err;
	fprintf(out, "%s%s\n", name, part);
	return 0;
}

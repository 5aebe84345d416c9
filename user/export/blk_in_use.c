// SPDX-License-Identifier: GPL-2.0
/*
 * Whether a block device (or one of its partitions) is in use: mounted,
 * held by another block device (device mapper, md), swap, or open in some
 * process. Read from /proc and /sys, never by opening the device: the
 * daemon serves the device's I/O itself, and an open that rescans
 * partitions would wait for the very loop that makes the call.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "blk_in_use.h"

#define BLK_MAX_PARTS	64

/* The disk and its partitions: name and "maj:min" each. */
struct blk_set {
	char name[BLK_MAX_PARTS + 1][64];
	char devt[BLK_MAX_PARTS + 1][24];
	unsigned int n;
};

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return -errno;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void set_add(struct blk_set *s, const char *sysdir, const char *name)
{
	char path[512];

	if (s->n > BLK_MAX_PARTS)
		return;
	snprintf(path, sizeof(path), "%s/dev", sysdir);
	if (read_line(path, s->devt[s->n], sizeof(s->devt[0])))
		return;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
	s->n++;
}

/* The disk's own entry and every partition's (subfolders with a "dev"
 * file that begin with the disk's name). */
static int set_load(struct blk_set *s, const char *disk)
{
	char dir[256], sub[512];
	DIR *d;
	struct dirent *de;

	s->n = 0;
	snprintf(dir, sizeof(dir), "/sys/block/%s", disk);
	set_add(s, dir, disk);
	if (!s->n)
		return -ENOENT;
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, disk, strlen(disk)) || !de->d_name[strlen(disk)])
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		set_add(s, sub, de->d_name);
	}
	closedir(d);
	return 0;
}

static bool has_holders(const char *disk, const char *name)
{
	char path[512];
	struct dirent *de;
	bool any = false;
	DIR *d;

	if (!strcmp(disk, name))
		snprintf(path, sizeof(path), "/sys/block/%s/holders", disk);
	else
		snprintf(path, sizeof(path), "/sys/block/%s/%s/holders", disk, name);
	d = opendir(path);
	if (!d)
		return false;
	while (!any && (de = readdir(d)))
		any = de->d_name[0] != '.';
	closedir(d);
	return any;
}

/* mountinfo's third field is the mounted device's "maj:min". */
static bool mounted(const struct blk_set *s, unsigned int *which, char *where, size_t len)
{
	char line[4096], devt[24], point[2048];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool hit = false;

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %*u %23s %*s %2047s", devt, point) != 2)
			continue;
		for (unsigned int i = 0; i < s->n && !hit; i++) {
			if (strcmp(devt, s->devt[i]))
				continue;
			hit = true;
			*which = i;
			snprintf(where, len, "%.*s", (int)len - 1, point);
		}
	}
	fclose(f);
	return hit;
}

static bool swapped_on(const struct blk_set *s, unsigned int *which)
{
	char line[1024], path[1000], devt[24];
	FILE *f = fopen("/proc/swaps", "r");
	bool hit = false;
	struct stat st;

	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%999s", path) != 1 || stat(path, &st) || !S_ISBLK(st.st_mode))
			continue;
		snprintf(devt, sizeof(devt), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		for (unsigned int i = 0; i < s->n && !hit; i++)
			if (!strcmp(devt, s->devt[i])) {
				hit = true;
				*which = i;
			}
	}
	fclose(f);
	return hit;
}

/* A process (not this one) with /dev/NAME of the set open: its pid, or 0. */
static long opened_by(const struct blk_set *s, unsigned int *which)
{
	char path[64], fdpath[320], target[80], want[80];
	struct dirent *p, *fd;
	long pid = 0;
	DIR *proc = opendir("/proc"), *fds;

	while (proc && !pid && (p = readdir(proc))) {
		long id = strtol(p->d_name, NULL, 10);

		if (id <= 0 || id == (long)getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", id);
		fds = opendir(path);
		while (fds && !pid && (fd = readdir(fds))) {
			ssize_t n;

			snprintf(fdpath, sizeof(fdpath), "%s/%s", path, fd->d_name);
			n = readlink(fdpath, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			for (unsigned int i = 0; i < s->n && !pid; i++) {
				snprintf(want, sizeof(want), "/dev/%s", s->name[i]);
				if (!strcmp(target, want)) {
					pid = id;
					*which = i;
				}
			}
		}
		if (fds)
			closedir(fds);
	}
	if (proc)
		closedir(proc);
	return pid;
}

int blk_in_use(const char *disk, char *why, size_t len)
{
	struct blk_set s;
	char where[256];
	unsigned int i;
	long pid;

	if (set_load(&s, disk))
		return 0;	/* no such disk (any more): nobody uses it */
	if (mounted(&s, &i, where, sizeof(where))) {
		snprintf(why, len, "/dev/%s is mounted on %s", s.name[i], where);
		return 1;
	}
	if (swapped_on(&s, &i)) {
		snprintf(why, len, "/dev/%s is swap", s.name[i]);
		return 1;
	}
	for (i = 0; i < s.n; i++) {
		if (has_holders(disk, s.name[i])) {
			snprintf(why, len, "/dev/%s is held by another device (see "
				 "/sys/class/block/%s/holders)", s.name[i], s.name[i]);
			return 1;
		}
	}
	pid = opened_by(&s, &i);
	if (pid) {
		snprintf(why, len, "/dev/%s is open in process %ld", s.name[i], pid);
		return 1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* /dev/etherd/eS.N links: see etherd.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etherd.h"
#include "lib/log.h"
#include "lib/paths.h"

#define UBLK_BLOCK_PREFIX	"/dev/ublkb"

void etherd_init(struct etherd *ed)
{
	const char *env = getenv(AOE_ETHERD_DIR_ENV);

	memset(ed, 0, sizeof(*ed));
	snprintf(ed->dir, sizeof(ed->dir), "%s", env ? env : AOE_ETHERD_DIR_DEFAULT);
}

/* udev's rule names ublk block devices, where udev runs. */
static bool udev_links(const char *target)
{
	return !strncmp(target, UBLK_BLOCK_PREFIX, strlen(UBLK_BLOCK_PREFIX)) &&
	       !access(UDEV_CONTROL_PATH, F_OK);
}

static void link_path(const struct etherd *ed, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", ed->dir, name);
}

/* Only a link can be ours: a block node of the kernel aoe driver (or
 * anything else) with that name stays. */
static void link_remove(struct etherd *ed, struct etherd_link *l)
{
	char path[PATH_MAX + AOE_NAME_LEN + 2];
	struct stat st;

	if (!l->made)
		return;
	l->made = false;
	link_path(ed, l->name, path, sizeof(path));
	if (!lstat(path, &st) && S_ISLNK(st.st_mode))
		unlink(path);
}

/* Made anew under a temporary name and renamed over: never a moment
 * without a link, nor one that points at the old export. */
static void link_make(struct etherd *ed, struct etherd_link *l)
{
	char path[PATH_MAX + AOE_NAME_LEN + 2], tmp[PATH_MAX + AOE_NAME_LEN + 16];
	struct stat st;

	link_path(ed, l->name, path, sizeof(path));
	if (!lstat(path, &st) && !S_ISLNK(st.st_mode)) {
		pr_warn("%s: %s exists and is not a link (the kernel aoe driver's?); "
			"leaving it\n", l->name, path);
		return;
	}
	if (mkdir(ed->dir, 0755) && errno != EEXIST) {
		if (!ed->dir_warned)
			pr_warn("cannot create %s: %s; no %s/eS.N links\n", ed->dir,
				strerror(errno), ed->dir);
		ed->dir_warned = true;
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", ed->dir, l->name);
	unlink(tmp);
	if (symlink(l->target, tmp) || rename(tmp, path)) {
		pr_warn("%s: cannot link %s to %s: %s\n", l->name, path, l->target,
			strerror(errno));
		unlink(tmp);
		return;
	}
	l->made = true;
	pr_info("%s: %s -> %s\n", l->name, path, l->target);
}

static struct etherd_link *link_of(struct etherd *ed, const char *name)
{
	struct etherd_link *l;

	for (unsigned int i = 0; i < ed->n; i++)
		if (!strcmp(ed->links[i].name, name))
			return &ed->links[i];
	l = realloc(ed->links, (ed->n + 1) * sizeof(*l));
	if (!l)
		return NULL;
	ed->links = l;
	l = &ed->links[ed->n++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	return l;
}

static void link_follow(struct etherd *ed, struct etherd_link *l, const char *target)
{
	if (!strcmp(l->target, target))
		return;	/* the export did not move: nothing to do (each pass) */
	link_remove(ed, l);
	snprintf(l->target, sizeof(l->target), "%s", target);
	if (target[0] && !udev_links(target))
		link_make(ed, l);
}

static bool dev_known(struct aoe_engine *e, const char *name)
{
	return engine_find_dev_name(e, name) != NULL;
}

void etherd_sync(struct etherd *ed, struct aoe_engine *e,
		 void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len),
		 void *priv)
{
	char target[PATH_MAX];
	struct aoe_dev *d;

	if (!ed->dir[0])
		return;
	engine_for_each_dev(e, d) {
		struct etherd_link *l = link_of(ed, aoe_dev_name(d));

		target[0] = '\0';
		if (path)
			path(priv, d, target, sizeof(target));
		if (l)
			link_follow(ed, l, target);
	}
	/* Devices forgotten (flush): their links go. */
	for (unsigned int i = 0; i < ed->n; i++)
		if (ed->links[i].target[0] && !dev_known(e, ed->links[i].name))
			link_follow(ed, &ed->links[i], "");
}

void etherd_fini(struct etherd *ed)
{
	for (unsigned int i = 0; i < ed->n; i++)
		link_remove(ed, &ed->links[i]);
	free(ed->links);
	ed->links = NULL;
	ed->n = 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-xdp --complete CWORD WORD...: shell completion from the binary's own
 * tables (tools/aoe-xdp.bash-completion calls it with bash's COMP_CWORD and
 * COMP_WORDS): commands, each command's options and an ENUM option's
 * values, network interfaces, and the running daemon's device names. One
 * candidate per line, those that begin with the word being completed;
 * "__files__" alone asks the shell for file names (a PATH option).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "daemon/ctl.h"
#include "daemon/daemon.h"

#define COMPLETE_FILES	"__files__"
#define STAT_TIMEOUT_S	2

static const char *const global_opts[] = { "-v", "-q", "--verbose", "--quiet", "--help", NULL };

static void offer(const char *word, const char *cur)
{
	if (!strncmp(word, cur, strlen(cur)))
		printf("%s\n", word);
}

static bool is_global_opt(const char *w)
{
	for (const char *const *g = global_opts; *g; g++)
		if (!strcmp(*g, w))
			return true;
	return false;
}

static const struct cli_opt *opt_named(const struct cli_cmd *c, const char *w)
{
	for (const struct cli_opt *o = c->opts; o && o->name; o++) {
		if (w[0] == '-' && w[1] == '-' && !strcmp(w + 2, o->name))
			return o;
		if (w[0] == '-' && w[1] == o->short_name && o->short_name && !w[2])
			return o;
	}
	return NULL;
}

static void offer_options(const struct cli_cmd *c, const char *cur)
{
	char name[64];

	for (const struct cli_opt *o = c->opts; o && o->name; o++) {
		snprintf(name, sizeof(name), "--%s", o->name);
		offer(name, cur);
	}
	offer("--help", cur);
}

static void offer_ifaces(const char *cur)
{
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "lo"))
			offer(de->d_name, cur);
	closedir(d);
}

/* The first column of `stat`'s device lines: the daemon's devices. */
static void offer_devices(const char *cur)
{
	char path[PATH_MAX], *text = NULL, *line, *save = NULL;
	char *words[] = { "stat" };
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	daemon_ctl_path(path, sizeof(path));
	ctl_call(path, 1, words, f, f, STAT_TIMEOUT_S);
	fclose(f);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int shelf, slot;
		char name[AOE_NAME_LEN];
		int end = 0;

		if (sscanf(line, "e%u.%u%n", &shelf, &slot, &end) != 2 ||
		    (line[end] != ' ' && line[end]))
			continue;
		snprintf(name, sizeof(name), "e%u.%u", shelf, slot);
		offer(name, cur);
	}
	free(text);
}

/* How many positional words come before index cword (options and their
 * values are not). */
static int positional_before(const struct cli_cmd *c, char **words, int from, int cword)
{
	int n = 0;

	for (int i = from; i < cword; i++) {
		const struct cli_opt *o = opt_named(c, words[i]);

		if (o && cli_opt_takes_value(o))
			i++;
		else if (words[i][0] != '-')
			n++;
	}
	return n;
}

static void offer_args(const struct cli_cmd *c, char **words, int from, int cword)
{
	const char *cur = words[cword];

	switch (c->args) {
	case CLI_ARGS_IFACES:
		offer_ifaces(cur);
		return;
	case CLI_ARGS_DEVICES:
		offer_devices(cur);
		return;
	case CLI_ARGS_DEVICE:
		if (!positional_before(c, words, from, cword))
			offer_devices(cur);
		return;
	default:
		return;
	}
}

static void complete_command(const struct cli_cmd *c, char **words, int from, int cword)
{
	const char *cur = words[cword], *prev = words[cword - 1];
	const struct cli_opt *o = cword > from ? opt_named(c, prev) : NULL;

	if (o && cli_opt_takes_value(o)) {
		if (o->type == CLI_ENUM)
			for (const struct cli_enum_val *v = o->enum_vals; v && v->name; v++)
				offer(v->name, cur);
		else if (o->type == CLI_PATH)
			printf(COMPLETE_FILES "\n");
		return;
	}
	if (cur[0] == '-')
		offer_options(c, cur);
	else
		offer_args(c, words, from, cword);
}

int complete_main(const struct command *const *cmds, size_t ncmds, int argc, char **argv)
{
	int cword, nwords = argc - 1, i = 1;
	char **words = argv + 1;
	const char *cur;

	if (argc < 2)
		return 2;
	cword = atoi(argv[0]);
	if (cword < 1 || cword >= nwords)
		return 0;	/* nothing typed yet past the program: nothing to say */
	cur = words[cword];
	while (i < cword && is_global_opt(words[i]))
		i++;
	if (i == cword) {
		for (size_t k = 0; k < ncmds; k++)
			offer(cmds[k]->cmd->name, cur);
		for (const char *const *g = global_opts; cur[0] == '-' && *g; g++)
			offer(*g, cur);
		return 0;
	}
	for (size_t k = 0; k < ncmds; k++)
		if (!strcmp(cmds[k]->cmd->name, words[i]))
			complete_command(cmds[k]->cmd, words, i + 1, cword);
	return 0;
}

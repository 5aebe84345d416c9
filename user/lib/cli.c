// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CLI_MAX_OPTS 32

const char *cli_enum_name(const struct cli_enum_val *vals, int value)
{
	for (; vals && vals->name; vals++)
		if (vals->value == value)
			return vals->name;
	return "?";
}

static size_t count_opts(const struct cli_opt *opts)
{
	size_t n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

static void print_enum_choices(const struct cli_enum_val *vals, FILE *out)
{
	for (const struct cli_enum_val *v = vals; v->name; v++)
		fprintf(out, "%s%s", v == vals ? "" : "|", v->name);
}

void cli_print_help(const struct cli_cmd *cmd, FILE *out)
{
	fprintf(out, "Usage: aoe-xdp %s [options]%s%s\n\n%s\n\nOptions:\n", cmd->name,
		cmd->usage ? " " : "", cmd->usage ? cmd->usage : "", cmd->summary);
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		char left[64];
		int n = 0;

		if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
		n += snprintf(left + n, sizeof(left) - n, "--%s", o->name);
		if (o->type != CLI_BOOL && o->metavar)
			snprintf(left + n, sizeof(left) - n, " %s", o->metavar);
		fprintf(out, "  %-28s %s", left, o->help);
		if (o->type == CLI_ENUM) {
			fputs(" (", out);
			print_enum_choices(o->enum_vals, out);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
}

static int set_uint(const struct cli_opt *o, void *cfg, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < o->min || v > o->max) {
		fprintf(stderr, "aoe-xdp: --%s wants a number in %lu..%lu, got '%s'\n",
			o->name, o->min, o->max, arg);
		return -EINVAL;
	}
	*(unsigned int *)((char *)cfg + o->offset) = (unsigned int)v;
	return 0;
}

static int set_enum(const struct cli_opt *o, void *cfg, const char *arg)
{
	for (const struct cli_enum_val *v = o->enum_vals; v->name; v++) {
		if (!strcmp(v->name, arg)) {
			*(int *)((char *)cfg + o->offset) = v->value;
			return 0;
		}
	}
	fprintf(stderr, "aoe-xdp: --%s wants one of ", o->name);
	print_enum_choices(o->enum_vals, stderr);
	fprintf(stderr, ", got '%s'\n", arg);
	return -EINVAL;
}

static int set_opt(const struct cli_opt *o, void *cfg, const char *arg)
{
	char *field = (char *)cfg + o->offset;

	switch (o->type) {
	case CLI_BOOL:
		*(int *)field = 1;
		return 0;
	case CLI_UINT:
		return set_uint(o, cfg, arg);
	case CLI_STRING:
		*(const char **)field = arg;
		return 0;
	case CLI_ENUM:
		return set_enum(o, cfg, arg);
	}
	return -EINVAL;
}

int cli_parse(const struct cli_cmd *cmd, void *cfg, int argc, char **argv,
	      int *first_pos)
{
	struct option lopts[CLI_MAX_OPTS + 2];
	char sopts[CLI_MAX_OPTS * 2 + 3] = "h";
	size_t n = count_opts(cmd->opts), sl = 1;
	int c, idx, npos;

	if (n > CLI_MAX_OPTS)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		const struct cli_opt *o = &cmd->opts[i];

		lopts[i] = (struct option){ o->name,
			o->type == CLI_BOOL ? no_argument : required_argument, NULL, 0x100 + (int)i };
		if (o->short_name) {
			sopts[sl++] = o->short_name;
			if (o->type != CLI_BOOL)
				sopts[sl++] = ':';
		}
	}
	lopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	sopts[sl] = '\0';

	if (cmd->defaults)
		cmd->defaults(cfg);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, sopts, lopts, &idx)) != -1) {
		const struct cli_opt *o = NULL;

		if (c == 'h') {
			cli_print_help(cmd, stdout);
			return 1;
		}
		if (c >= 0x100 && c < 0x100 + (int)n) {
			o = &cmd->opts[c - 0x100];
		} else {
			for (size_t i = 0; i < n; i++)
				if (cmd->opts[i].short_name && cmd->opts[i].short_name == c)
					o = &cmd->opts[i];
		}
		if (!o) {
			fprintf(stderr, "aoe-xdp %s: unknown or incomplete option '%s'; see 'aoe-xdp %s --help'\n",
				cmd->name, argv[optind - 1], cmd->name);
			return -EINVAL;
		}
		if (set_opt(o, cfg, optarg))
			return -EINVAL;
	}
	npos = argc - optind;
	if ((unsigned int)npos < cmd->min_args ||
	    (cmd->max_args && (unsigned int)npos > cmd->max_args)) {
		fprintf(stderr, "aoe-xdp %s: expected %s; see 'aoe-xdp %s --help'\n", cmd->name,
			cmd->usage ? cmd->usage : "no arguments", cmd->name);
		return -EINVAL;
	}
	*first_pos = optind;
	return 0;
}

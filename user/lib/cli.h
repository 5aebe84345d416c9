/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven command line: each command declares its options once, and
 * parsing, --help and the man page's option list come from that table.
 */
#ifndef AOE_CLI_H
#define AOE_CLI_H

#include <stddef.h>
#include <stdio.h>

enum cli_opt_type {
	CLI_BOOL,	/* int, set to 1 */
	CLI_UINT,	/* unsigned int, range [min, max] */
	CLI_STRING,	/* const char *, points into argv */
	CLI_ENUM,	/* int, one of enum_vals */
};

struct cli_enum_val {
	const char *name;
	int value;
};

struct cli_opt {
	const char *name;
	char short_name;	/* 0 for none */
	enum cli_opt_type type;
	size_t offset;		/* into the command's config struct */
	const char *metavar;
	const char *help;
	const struct cli_enum_val *enum_vals;	/* NULL-name terminated */
	unsigned long min, max;
};

#define CLI_OPT_END { .name = NULL }

struct cli_cmd {
	const char *name;
	const char *usage;	/* positional part, e.g. "IFACE [IFACE...]" */
	const char *summary;
	unsigned int min_args, max_args;	/* max_args 0: unlimited */
	const struct cli_opt *opts;
	size_t cfg_size;
	void (*defaults)(void *cfg);
	int (*run)(void *cfg, int argc, char **argv);	/* 0 or -errno */
};

/*
 * Parses argv (argv[0] is the command name) into cfg. Returns 0, 1 when
 * --help was printed, or -EINVAL after printing what was wrong.
 */
int cli_parse(const struct cli_cmd *cmd, void *cfg, int argc, char **argv,
	      int *first_pos);
void cli_print_help(const struct cli_cmd *cmd, FILE *out);
const char *cli_enum_name(const struct cli_enum_val *vals, int value);

#endif /* AOE_CLI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Table-driven options: each command declares its options once, and parsing
 * (of argv, or of the words a client sent over a socket), the defaults,
 * --help and the man page's option list all come from that table.
 *
 * Errors go to a sink the caller chooses: stderr for a command line, the
 * reply for a daemon parsing what a client sent.
 */
#ifndef AOE_CLI_H
#define AOE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum cli_opt_type {
	CLI_BOOL,	/* int, set to 1 */
	CLI_SET,	/* int, set to .value: several options onto one field (-q, -v) */
	CLI_UINT,	/* unsigned int in [min, max], a multiple of step */
	CLI_U64,	/* uint64_t in [min, max], a multiple of step */
	CLI_STRING,	/* const char *, points into the words */
	CLI_PATH,	/* const char *, a file name: see cli_env.other_cwd */
	CLI_ENUM,	/* int, one of enum_vals */
	CLI_CUSTOM,	/* whatever .parse writes; the only unchecked field */
};

struct cli_enum_val {
	const char *name;
	int value;
};

struct cli_opt;
/* CUSTOM: 0, or -EINVAL after writing what it wants ("a MAC address") to want. */
typedef int (*cli_parse_fn)(const struct cli_opt *o, void *field, const char *arg,
			    char *want, size_t want_len);

struct cli_opt {
	const char *name;
	char short_name;	/* 0 for none */
	enum cli_opt_type type;
	size_t offset;		/* of the field in the command's config struct */
	size_t given;		/* 0, or 1 + offset of an int set when the option appears */
	const char *metavar;
	const char *help;
	unsigned long long min, max;	/* UINT, U64; max 0: the type's largest */
	unsigned long long step;	/* UINT, U64; 0 or 1: any value */
	unsigned long long def;		/* the default: UINT, U64, ENUM, SET, BOOL */
	const char *def_text;	/* how help shows a default that is not def */
	int value;		/* SET */
	const struct cli_enum_val *enum_vals;	/* ENUM; NULL-name terminated */
	cli_parse_fn parse;	/* CUSTOM */
};

/*
 * The offset of `field` in T, for an option of the given type: a field of
 * another type stops the build here, instead of being overwritten with a
 * value of the wrong size when the option is parsed.
 */
#define CLI_FIELD(T, field, ftype)	_Generic(((T *)0)->field, ftype: offsetof(T, field))
#define CLI_FIELD_BOOL(T, f)		CLI_FIELD(T, f, int)
#define CLI_FIELD_SET(T, f)		CLI_FIELD(T, f, int)
#define CLI_FIELD_UINT(T, f)		CLI_FIELD(T, f, unsigned int)
#define CLI_FIELD_U64(T, f)		CLI_FIELD(T, f, uint64_t)
#define CLI_FIELD_STRING(T, f)		CLI_FIELD(T, f, const char *)
#define CLI_FIELD_PATH(T, f)		CLI_FIELD(T, f, const char *)
#define CLI_FIELD_ENUM(T, f)		CLI_FIELD(T, f, int)
#define CLI_FIELD_CUSTOM(T, f)		offsetof(T, f)

/*
 * One table row: CLI_OPT(struct cfg, UINT, field, "long-name", 's', "METAVAR",
 * "help", .min = 1, .max = 9, .def = NAMED_DEFAULT). The help text never
 * spells the default: --help and the man page add it from .def.
 */
#define CLI_OPT(T, kind, field, long_name, short_opt, meta, help_text, ...)		\
	{ .name = (long_name), .short_name = (short_opt), .type = CLI_##kind,		\
	  .offset = CLI_FIELD_##kind(T, field), .metavar = (meta), .help = (help_text),	\
	  __VA_ARGS__ }
/* .given = CLI_GIVEN(T, f): the int f becomes 1 when the option appears. */
#define CLI_GIVEN(T, f)			(CLI_FIELD(T, f, int) + 1)
#define CLI_OPT_END			{ .name = NULL }

/* What a command's positional words name, for shell completion. */
enum cli_args {
	CLI_ARGS_OTHER,		/* nothing a shell can list */
	CLI_ARGS_IFACES,	/* network interfaces */
	CLI_ARGS_DEVICE,	/* the first is an AoE device (eS.N) */
	CLI_ARGS_DEVICES,	/* each is an AoE device */
};

struct cli_cmd {
	const char *name;	/* the subcommand; NULL for a program without */
	const char *usage;	/* positional part, e.g. "IFACE [IFACE...]" */
	const char *summary;
	const char *epilog;	/* --help's last paragraph, or NULL */
	const char *version;	/* non-NULL: -V, --version print it */
	unsigned int min_args, max_args;	/* max_args 0: unlimited */
	enum cli_args args;
	const struct cli_opt *opts;
	size_t cfg_size;
};

/* Who parses, and where its words go. */
struct cli_env {
	const char *prog;	/* messages begin with it: "aoe-xdp", "aoe-target" */
	FILE *out;		/* --help, --version */
	FILE *err;		/* the error sink */
	/* The words come from a process in another directory (a client of the
	 * daemon): a relative PATH would name another file here, so refuse it. */
	bool other_cwd;
};

/*
 * Sets every option's field in cfg to its default, then parses the words
 * argv[1..argc) (argv[0] is the command). Options may come before, between
 * or after the positional words; "--" ends them. The positional words go
 * to pos (room for argc pointers), in order, and their count to *npos;
 * argv is left as it was. Returns 0, 1 when --help or --version was
 * printed to env->out, or -EINVAL after writing what was wrong to env->err.
 */
int cli_parse(const struct cli_env *env, const struct cli_cmd *cmd, void *cfg,
	      int argc, char *const *argv, char **pos, int *npos);
void cli_print_help(const struct cli_env *env, const struct cli_cmd *cmd);
/* The default as --help and the man page show it, or NULL when none is shown;
 * buf holds numbers. */
const char *cli_opt_default(const struct cli_opt *o, char *buf, size_t len);
const char *cli_enum_name(const struct cli_enum_val *vals, int value);
bool cli_opt_takes_value(const struct cli_opt *o);

#endif /* AOE_CLI_H */

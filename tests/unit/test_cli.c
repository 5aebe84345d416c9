// SPDX-License-Identifier: GPL-2.0
/* lib/cli: the table-driven parser, on a table with every kind of option. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"

#define N_DEFAULT	4
#define BIG_DEFAULT	7
#define MODE_DEFAULT	MODE_B
#define LEVEL_DEFAULT	1

enum { MODE_A = 10, MODE_B = 20, MODE_C = 30 };

struct t_opts {
	unsigned int n;
	unsigned int bs;
	uint64_t big;
	int big_given;
	int flag;
	int level;
	int mode;
	const char *name;
	const char *path;
	unsigned int half;	/* CUSTOM: an even number, halved */
};

static const struct cli_enum_val mode_vals[] = {
	{ "a", MODE_A }, { "b", MODE_B }, { "c", MODE_C }, { NULL, 0 },
};

static int parse_half(const struct cli_opt *o, void *field, const char *arg, char *want,
		      size_t len)
{
	unsigned long v = strtoul(arg, NULL, 10);

	(void)o;
	if (v % 2) {
		snprintf(want, len, "an even number");
		return -EINVAL;
	}
	*(unsigned int *)field = (unsigned int)(v / 2);
	return 0;
}

static const struct cli_opt t_opts[] = {
	CLI_OPT(struct t_opts, UINT, n, "n", 'n', "N", "a count", .min = 1, .max = 10,
		.def = N_DEFAULT),
	CLI_OPT(struct t_opts, UINT, bs, "bs", 0, "BYTES", "block size", .min = 512,
		.max = 4096, .step = 512, .def = 1024),
	CLI_OPT(struct t_opts, U64, big, "big", 0, "N", "any 64-bit number",
		.given = CLI_GIVEN(struct t_opts, big_given), .def = BIG_DEFAULT),
	CLI_OPT(struct t_opts, BOOL, flag, "flag", 'f', NULL, "a flag"),
	CLI_OPT(struct t_opts, SET, level, "quiet", 'q', NULL, "less", .value = 0,
		.def = LEVEL_DEFAULT),
	CLI_OPT(struct t_opts, SET, level, "verbose", 'v', NULL, "more", .value = 2,
		.def = LEVEL_DEFAULT),
	CLI_OPT(struct t_opts, ENUM, mode, "mode", 'm', "MODE", "a mode", .enum_vals = mode_vals,
		.def = MODE_DEFAULT),
	CLI_OPT(struct t_opts, STRING, name, "name", 0, "NAME", "a name", .def_text = "none"),
	CLI_OPT(struct t_opts, PATH, path, "path", 'p', "FILE", "a file"),
	CLI_OPT(struct t_opts, CUSTOM, half, "half", 0, "EVEN", "half of it", .parse = parse_half),
	CLI_OPT_END,
};

static const struct cli_cmd t_cmd = {
	.name = "test",
	.usage = "WORD [WORD]",
	.summary = "A command for tests.",
	.min_args = 1,
	.max_args = 2,
	.opts = t_opts,
	.cfg_size = sizeof(struct t_opts),
};

/* One parse, with its output and error sink captured. */
struct run {
	struct t_opts o;
	char *pos[32];
	int npos;
	int rc;
	char *out, *err;
	size_t out_len, err_len;
};

static void run_cmd(struct run *r, const struct cli_cmd *cmd, bool other_cwd,
		    const char *const *words)
{
	struct cli_env env = { .prog = "prog", .other_cwd = other_cwd };
	char *argv[32];
	int argc = 0;

	memset(r, 0, sizeof(*r));
	memset(&r->o, 0xa5, sizeof(r->o));	/* defaults must overwrite this */
	for (; words[argc]; argc++)
		argv[argc] = (char *)words[argc];
	env.out = open_memstream(&r->out, &r->out_len);
	env.err = open_memstream(&r->err, &r->err_len);
	cr_assert(env.out && env.err);
	r->rc = cli_parse(&env, cmd, &r->o, argc, argv, r->pos, &r->npos);
	fclose(env.out);
	fclose(env.err);
	for (int i = 0; i < argc; i++)
		cr_assert_eq(argv[i], words[i], "the words are left as they were");
}

#define PARSE(r, ...) run_cmd((r), &t_cmd, false, (const char *const[]){ "test", __VA_ARGS__, NULL })

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

/* The parse failed, said so in the sink only, and the message holds `what`. */
static void assert_refused(struct run *r, const char *what)
{
	cr_assert_eq(r->rc, -EINVAL, "rc %d, sink: %s", r->rc, r->err);
	cr_assert(strstr(r->err, what), "wanted '%s' in: %s", what, r->err);
	cr_assert(!strncmp(r->err, "prog test: ", 11), "message begins with the command: %s", r->err);
	cr_assert_eq(r->out_len, 0);
	run_free(r);
}

Test(cli, defaults_come_from_the_table)
{
	struct run r;

	PARSE(&r, "w");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n, N_DEFAULT);
	cr_assert_eq(r.o.bs, 1024);
	cr_assert_eq(r.o.big, BIG_DEFAULT);
	cr_assert_eq(r.o.big_given, 0);
	cr_assert_eq(r.o.flag, 0);
	cr_assert_eq(r.o.level, LEVEL_DEFAULT);
	cr_assert_eq(r.o.mode, MODE_DEFAULT);
	cr_assert_null(r.o.name);
	cr_assert_null(r.o.path);
	cr_assert_eq(r.npos, 1);
	cr_assert_str_eq(r.pos[0], "w");
	cr_assert_eq(r.err_len, 0);
	run_free(&r);
}

Test(cli, every_kind_takes_its_value)
{
	struct run r;

	PARSE(&r, "--n", "10", "--bs=4096", "--big", "18446744073709551615", "-f", "-v",
	      "--mode", "c", "--name", "", "-p", "rel/file", "--half", "6", "w");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n, 10);
	cr_assert_eq(r.o.bs, 4096);
	cr_assert_eq(r.o.big, UINT64_MAX);
	cr_assert_eq(r.o.big_given, 1);
	cr_assert_eq(r.o.flag, 1);
	cr_assert_eq(r.o.level, 2);
	cr_assert_eq(r.o.mode, MODE_C);
	cr_assert_str_eq(r.o.name, "", "an empty value is a value");
	cr_assert_str_eq(r.o.path, "rel/file", "on the command line a relative path is fine");
	cr_assert_eq(r.o.half, 3);
	run_free(&r);
}

Test(cli, short_options_bundle_and_take_inline_values)
{
	struct run r;

	PARSE(&r, "-fqn7", "w", "-m", "a");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.o.flag, 1);
	cr_assert_eq(r.o.level, 0);
	cr_assert_eq(r.o.n, 7);
	cr_assert_eq(r.o.mode, MODE_A);
	run_free(&r);
}

Test(cli, numbers_as_c_writes_them)
{
	struct run r;

	PARSE(&r, "--n", "1", "w");
	cr_assert_eq(r.rc, 0);
	cr_assert_eq(r.o.n, 1);
	run_free(&r);
	PARSE(&r, "--n", "0x0a", "w");
	cr_assert_eq(r.o.n, 10, "hex as C writes it");
	run_free(&r);
}

/* Words the parser refuses, and what it says (after "prog test: "). */
static const struct refusal {
	const char *words[6];
	const char *says;
} refusals[] = {
	/* ranges */
	{ { "--n", "0", "w" }, "--n wants a number in 1..10, got '0'" },
	{ { "--n", "11", "w" }, "--n wants a number in 1..10, got '11'" },
	{ { "--n", "-1", "w" }, "got '-1'" },
	{ { "--n", "+5", "w" }, "got '+5'" },
	{ { "--n", " 5", "w" }, "got ' 5'" },
	{ { "--n", "5x", "w" }, "got '5x'" },
	{ { "--n", "", "w" }, "got ''" },
	{ { "--big", "18446744073709551616", "w" }, "--big wants a number in 0..18446744073709551615" },
	{ { "--bs", "1000", "w" }, "--bs wants a multiple of 512 in 512..4096, got '1000'" },
	{ { "--bs", "8192", "w" }, "got '8192'" },
	/* enums: by name only */
	{ { "--mode", "20", "w" }, "--mode wants one of a|b|c, got '20'" },
	{ { "--mode", "A", "w" }, "one of a|b|c" },
	/* unknown options */
	{ { "--bogus", "w" }, "unknown option '--bogus'; see 'prog test --help'" },
	{ { "-z", "w" }, "unknown option '-z'" },
	{ { "--bogus=1", "w" }, "unknown option '--bogus=1'" },
	{ { "--n5", "w" }, "unknown option '--n5'" },
	{ { "-V", "w" }, "unknown option '-V'" },	/* no version in this table */
	/* missing values, values where none belong */
	{ { "w", "--n" }, "--n needs a value (N); see 'prog test --help'" },
	{ { "w", "-fn" }, "-n needs a value (N)" },
	{ { "--flag=1", "w" }, "--flag takes no value, got '1'" },
	/* positional words */
	{ { "--flag" }, "expected WORD [WORD]; see 'prog test --help'" },
	{ { "a", "b", "c" }, "expected WORD [WORD], got 3 arguments" },
	/* a CUSTOM row's own complaint */
	{ { "--half", "3", "w" }, "--half wants an even number, got '3'" },
};

Test(cli, refusals_say_what_is_wrong_in_the_sink)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const char *words[8] = { "test" };
		struct run r;

		memcpy(words + 1, refusals[i].words, sizeof(refusals[i].words));
		run_cmd(&r, &t_cmd, false, words);
		assert_refused(&r, refusals[i].says);
	}
}

/* An unsigned int field never gets more than it holds, whatever max says. */
Test(cli, uint_is_capped_by_its_type)
{
	static const struct cli_opt opts[] = {
		CLI_OPT(struct t_opts, UINT, n, "n", 0, "N", "n"),
		CLI_OPT_END,
	};
	static const struct cli_cmd cmd = { .name = "test", .opts = opts };
	struct run r;

	run_cmd(&r, &cmd, false, (const char *const[]){ "test", "--n", "4294967295", NULL });
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.o.n, 4294967295u);
	run_free(&r);
	run_cmd(&r, &cmd, false, (const char *const[]){ "test", "--n", "4294967296", NULL });
	assert_refused(&r, "a number in 0..4294967295");
}

Test(cli, enum_values_by_name)
{
	struct run r;

	PARSE(&r, "--mode", "b", "w");
	cr_assert_eq(r.o.mode, MODE_B);
	run_free(&r);
}

/* As with getopt, the next word is the value, whatever it looks like. */
Test(cli, a_value_may_look_like_an_option)
{
	struct run r;

	PARSE(&r, "--name", "--flag", "w");
	cr_assert_eq(r.rc, 0);
	cr_assert_str_eq(r.o.name, "--flag");
	cr_assert_eq(r.o.flag, 0);
	run_free(&r);
}

Test(cli, positional_words_anywhere_and_after_double_dash)
{
	struct run r;

	PARSE(&r, "one", "--flag", "--", "-two");
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_eq(r.o.flag, 1);
	cr_assert_eq(r.npos, 2);
	cr_assert_str_eq(r.pos[0], "one");
	cr_assert_str_eq(r.pos[1], "-two");
	run_free(&r);
	PARSE(&r, "-", "--n", "3");
	cr_assert_eq(r.rc, 0, "a lone '-' is a word");
	cr_assert_str_eq(r.pos[0], "-");
	run_free(&r);
}



Test(cli, relative_paths_refused_from_another_directory)
{
	struct run r;

	run_cmd(&r, &t_cmd, true, (const char *const[]){ "test", "-p", "rel", "w", NULL });
	assert_refused(&r, "--path wants an absolute path");
	run_cmd(&r, &t_cmd, true, (const char *const[]){ "test", "-p", "/abs", "w", NULL });
	cr_assert_eq(r.rc, 0, "%s", r.err);
	cr_assert_str_eq(r.o.path, "/abs");
	run_free(&r);
	/* Other strings are not file names: they stay as given. */
	run_cmd(&r, &t_cmd, true, (const char *const[]){ "test", "--name", "rel", "w", NULL });
	cr_assert_eq(r.rc, 0, "%s", r.err);
	run_free(&r);
}

Test(cli, later_options_win)
{
	struct run r;

	PARSE(&r, "-q", "-v", "--n", "2", "--n", "3", "w");
	cr_assert_eq(r.o.level, 2);
	cr_assert_eq(r.o.n, 3);
	run_free(&r);
}

Test(cli, help_goes_to_out_with_defaults_from_the_table)
{
	struct run r;

	PARSE(&r, "w", "--help", "--bogus");
	cr_assert_eq(r.rc, 1, "--help stops the parse: %s", r.err);
	cr_assert_eq(r.err_len, 0);
	cr_assert(strstr(r.out, "Usage: prog test [options] WORD [WORD]\n"), "%s", r.out);
	cr_assert(strstr(r.out, "--n N "), "%s", r.out);
	cr_assert(strstr(r.out, "a count (default 4)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "block size (a multiple of 512; default 1024)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "a mode (a|b|c; default b)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "a name (default none)\n"), "%s", r.out);
	cr_assert(strstr(r.out, "  -f, --flag "), "%s", r.out);
	cr_assert(strstr(r.out, "a flag\n"), "a flag shows no default: %s", r.out);
	cr_assert(strstr(r.out, "-h, --help"), "%s", r.out);
	cr_assert_null(strstr(r.out, "--version"), "%s", r.out);
	run_free(&r);
	PARSE(&r, "-h");
	cr_assert_eq(r.rc, 1);
	run_free(&r);
}

Test(cli, version_and_a_program_without_subcommands)
{
	const struct cli_cmd cmd = { .usage = "X", .summary = "s", .epilog = "The end.",
				     .version = "1.2", .opts = t_opts };
	struct run r;

	run_cmd(&r, &cmd, false, (const char *const[]){ "tool", "-V", NULL });
	cr_assert_eq(r.rc, 1);
	cr_assert_str_eq(r.out, "prog 1.2\n");
	run_free(&r);
	run_cmd(&r, &cmd, false, (const char *const[]){ "tool", "--help", NULL });
	cr_assert(strstr(r.out, "Usage: prog [options] X\n"), "%s", r.out);
	cr_assert(strstr(r.out, "-V, --version"), "%s", r.out);
	cr_assert(strstr(r.out, "\nThe end.\n"), "%s", r.out);
	run_free(&r);
	run_cmd(&r, &cmd, false, (const char *const[]){ "tool", "--n", "0", NULL });
	cr_assert_eq(r.rc, -EINVAL);
	cr_assert(!strncmp(r.err, "prog: --n wants", 15), "%s", r.err);
	run_free(&r);
}

Test(cli, shown_defaults)
{
	char buf[32];

	cr_assert_str_eq(cli_opt_default(&t_opts[0], buf, sizeof(buf)), "4");
	cr_assert_str_eq(cli_opt_default(&t_opts[6], buf, sizeof(buf)), "b");
	cr_assert_str_eq(cli_opt_default(&t_opts[7], buf, sizeof(buf)), "none");
	cr_assert_null(cli_opt_default(&t_opts[3], buf, sizeof(buf)));
	cr_assert_str_eq(cli_enum_name(mode_vals, 99), "?");
}

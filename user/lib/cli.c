// SPDX-License-Identifier: GPL-2.0
/*
 * The option parser. It is not getopt: getopt keeps global state, prints
 * by itself and reads POSIXLY_CORRECT from the environment, and a daemon
 * parsing a client's words must read them exactly as the client's own
 * parse did, whatever its environment, with the errors going to the client.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HELP_COLUMN	28	/* where --help starts an option's description */
#define WANT_MAX	256	/* "one of read|write|..." */

/* One parse: the table, the config it fills, the words it reads. */
struct cli_run {
	const struct cli_env *env;
	const struct cli_cmd *cmd;
	void *cfg;
	int argc;
	char *const *argv;
	int next;		/* the next word to read */
	char **pos;		/* the positional words so far */
	int npos;
};

const char *cli_enum_name(const struct cli_enum_val *vals, int value)
{
	for (; vals && vals->name; vals++)
		if (vals->value == value)
			return vals->name;
	return "?";
}

bool cli_opt_takes_value(const struct cli_opt *o)
{
	return o->type != CLI_BOOL && o->type != CLI_SET;
}

/* "aoe-xdp attach", or "aoe-target" for a program without subcommands. */
static void cmd_title(const struct cli_env *env, const struct cli_cmd *cmd, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s%s%s", env->prog, cmd->name ? " " : "",
		 cmd->name ? cmd->name : "");
}

static void say(const struct cli_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct cli_run *r, const char *fmt, ...)
{
	char title[128];
	va_list ap;

	cmd_title(r->env, r->cmd, title, sizeof(title));
	fprintf(r->env->err, "%s: ", title);
	va_start(ap, fmt);
	vfprintf(r->env->err, fmt, ap);
	va_end(ap);
}

/* Errors the user fixes by reading --help end by pointing there. */
static void say_see_help(const struct cli_run *r, const char *what)
{
	char title[128];

	cmd_title(r->env, r->cmd, title, sizeof(title));
	say(r, "%s; see '%s --help'\n", what, title);
}

static void enum_choices(const struct cli_enum_val *vals, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (const struct cli_enum_val *v = vals; v && v->name && n < len; v++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", v == vals ? "" : "|", v->name);
}

const char *cli_opt_default(const struct cli_opt *o, char *buf, size_t len)
{
	if (o->def_text)
		return o->def_text;
	switch (o->type) {
	case CLI_UINT:
	case CLI_U64:
		snprintf(buf, len, "%llu", o->def);
		return buf;
	case CLI_ENUM:
		return cli_enum_name(o->enum_vals, (int)o->def);
	default:
		return NULL;	/* flags are off, strings unset, unless def_text says */
	}
}

/* --- defaults and values ----------------------------------------------------- */

static void *field_of(void *cfg, size_t offset)
{
	return (char *)cfg + offset;
}

/* UINT and U64: v is in range for the field already. */
static void store_number(const struct cli_opt *o, void *field, unsigned long long v)
{
	if (o->type == CLI_UINT)
		*(unsigned int *)field = (unsigned int)v;
	else
		*(uint64_t *)field = v;
}

/* Every option's field gets its default before the words are read. */
static void set_defaults(const struct cli_cmd *cmd, void *cfg)
{
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++) {
		void *field = field_of(cfg, o->offset);

		switch (o->type) {
		case CLI_BOOL:
		case CLI_SET:	/* every SET row of one field carries the same def */
		case CLI_ENUM:
			*(int *)field = (int)o->def;
			break;
		case CLI_UINT:
		case CLI_U64:
			store_number(o, field, o->def);
			break;
		case CLI_STRING:
		case CLI_PATH:
			*(const char **)field = NULL;
			break;
		case CLI_CUSTOM:
			break;	/* its type is its own: the caller's zeroing stands */
		}
		if (o->given)
			*(int *)field_of(cfg, o->given - 1) = 0;
	}
}

static unsigned long long number_max(const struct cli_opt *o)
{
	unsigned long long type_max = o->type == CLI_UINT ? UINT_MAX : UINT64_MAX;

	return o->max && o->max < type_max ? o->max : type_max;
}

/* A whole number as C writes it (0x hex too), nothing before or after. */
static int parse_number(const char *arg, unsigned long long *v)
{
	char *end;

	if (!isdigit((unsigned char)arg[0]))
		return -EINVAL;	/* strtoull would take " 5", "+5" and "-5" */
	errno = 0;
	*v = strtoull(arg, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int check_number(const struct cli_opt *o, const char *arg, unsigned long long *v,
			char *want, size_t len)
{
	unsigned long long max = number_max(o);

	if (!parse_number(arg, v) && *v >= o->min && *v <= max &&
	    (o->step <= 1 || *v % o->step == 0))
		return 0;
	if (o->step > 1)
		snprintf(want, len, "a multiple of %llu in %llu..%llu", o->step, o->min, max);
	else
		snprintf(want, len, "a number in %llu..%llu", o->min, max);
	return -EINVAL;
}

static int check_enum(const struct cli_opt *o, const char *arg, int *value, char *want,
		      size_t len)
{
	static const char lead[] = "one of ";

	for (const struct cli_enum_val *v = o->enum_vals; v && v->name; v++) {
		if (!strcmp(v->name, arg)) {
			*value = v->value;
			return 0;
		}
	}
	snprintf(want, len, "%s", lead);
	enum_choices(o->enum_vals, want + strlen(lead), len - strlen(lead));
	return -EINVAL;
}

static int check_path(const struct cli_run *r, const char *arg, char *want, size_t len)
{
	if (!r->env->other_cwd || arg[0] == '/')
		return 0;
	snprintf(want, len, "an absolute path (%s runs in another directory than yours)",
		 r->env->prog);
	return -EINVAL;
}

/* Checks arg (NULL for a flag) and stores it in the option's field. */
static int set_value(const struct cli_run *r, const struct cli_opt *o, const char *arg)
{
	void *field = field_of(r->cfg, o->offset);
	char want[WANT_MAX];
	unsigned long long v = 0;
	int err = 0;

	switch (o->type) {
	case CLI_BOOL:
		*(int *)field = 1;
		break;
	case CLI_SET:
		*(int *)field = o->value;
		break;
	case CLI_UINT:
	case CLI_U64:
		err = check_number(o, arg, &v, want, sizeof(want));
		if (!err)
			store_number(o, field, v);
		break;
	case CLI_PATH:
		err = check_path(r, arg, want, sizeof(want));
		/* fall through */
	case CLI_STRING:
		if (!err)
			*(const char **)field = arg;
		break;
	case CLI_ENUM:
		err = check_enum(o, arg, (int *)field, want, sizeof(want));
		break;
	case CLI_CUSTOM:
		err = o->parse(o, field, arg, want, sizeof(want));
		break;
	}
	if (err) {
		say(r, "--%s wants %s, got '%s'\n", o->name, want, arg);
		return -EINVAL;
	}
	if (o->given)
		*(int *)field_of(r->cfg, o->given - 1) = 1;
	return 0;
}

/* --- words ------------------------------------------------------------------- */

static const struct cli_opt *find_long(const struct cli_cmd *cmd, const char *name, size_t len)
{
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

static const struct cli_opt *find_short(const struct cli_cmd *cmd, char c)
{
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* -h/--help and -V/--version: 1 after printing, -ENOENT when it is neither. */
static int builtin(const struct cli_run *r, const char *name, size_t len, char short_name)
{
	if (short_name == 'h' || (len == 4 && !strncmp(name, "help", 4))) {
		cli_print_help(r->env, r->cmd);
		return 1;
	}
	if (r->cmd->version && (short_name == 'V' || (len == 7 && !strncmp(name, "version", 7)))) {
		fprintf(r->env->out, "%s %s\n", r->env->prog, r->cmd->version);
		return 1;
	}
	return -ENOENT;
}

/* Applies o, whose value is inline ("--bs=4096", "-b4096"), the next word, or none. */
static int take_value(struct cli_run *r, const struct cli_opt *o, const char *inline_val,
		      const char *shown)
{
	char what[128];

	if (!cli_opt_takes_value(o)) {
		if (inline_val) {
			say(r, "--%s takes no value, got '%s'\n", o->name, inline_val);
			return -EINVAL;
		}
		return set_value(r, o, NULL);
	}
	if (inline_val)
		return set_value(r, o, inline_val);
	if (r->next >= r->argc) {
		snprintf(what, sizeof(what), "%s needs a value (%s)", shown,
			 o->metavar ? o->metavar : "VALUE");
		say_see_help(r, what);
		return -EINVAL;
	}
	return set_value(r, o, r->argv[r->next++]);
}

static int unknown(const struct cli_run *r, const char *shown)
{
	char what[160];

	snprintf(what, sizeof(what), "unknown option '%s'", shown);
	say_see_help(r, what);
	return -EINVAL;
}

/* word is "--name" or "--name=value". */
static int take_long(struct cli_run *r, const char *word)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_opt *o = find_long(r->cmd, name, len);
	int err;

	if (o)
		return take_value(r, o, eq ? eq + 1 : NULL, word);
	err = eq ? -ENOENT : builtin(r, name, len, 0);
	return err == -ENOENT ? unknown(r, word) : err;
}

/* word is '-' and one or more short options: "-j", "-jv", "-t5". */
static int take_short(struct cli_run *r, const char *word)
{
	for (const char *c = word + 1; *c; c++) {
		const struct cli_opt *o = find_short(r->cmd, *c);
		char shown[3] = { '-', *c, '\0' };
		int err;

		if (!o) {
			err = builtin(r, NULL, 0, *c);
			if (err == -ENOENT)
				return unknown(r, shown);
			return err;
		}
		if (cli_opt_takes_value(o))	/* the rest of the word is its value */
			return take_value(r, o, c[1] ? c + 1 : NULL, shown);
		err = take_value(r, o, NULL, shown);
		if (err)
			return err;
	}
	return 0;
}

static int check_count(const struct cli_run *r)
{
	const struct cli_cmd *cmd = r->cmd;
	char what[160];

	if ((unsigned int)r->npos >= cmd->min_args &&
	    (!cmd->max_args || (unsigned int)r->npos <= cmd->max_args))
		return 0;
	if ((unsigned int)r->npos < cmd->min_args)
		snprintf(what, sizeof(what), "expected %s", cmd->usage ? cmd->usage : "no arguments");
	else
		snprintf(what, sizeof(what), "expected %s, got %d arguments",
			 cmd->usage ? cmd->usage : "no arguments", r->npos);
	say_see_help(r, what);
	return -EINVAL;
}

int cli_parse(const struct cli_env *env, const struct cli_cmd *cmd, void *cfg,
	      int argc, char *const *argv, char **pos, int *npos)
{
	struct cli_run r = { .env = env, .cmd = cmd, .cfg = cfg, .argc = argc, .argv = argv,
			     .next = 1, .pos = pos };
	bool options = true;
	int err = 0;

	set_defaults(cmd, cfg);
	while (!err && r.next < r.argc) {
		char *word = r.argv[r.next++];

		if (options && !strcmp(word, "--"))
			options = false;
		else if (options && word[0] == '-' && word[1] == '-')
			err = take_long(&r, word);
		else if (options && word[0] == '-' && word[1])
			err = take_short(&r, word);
		else
			r.pos[r.npos++] = word;
	}
	if (!err)
		err = check_count(&r);
	*npos = r.npos;
	return err;
}

/* --- help -------------------------------------------------------------------- */

/* What --help adds after an option's text: its choices, step and default. */
static void help_notes(const struct cli_opt *o, char *buf, size_t len)
{
	char dflt[32];
	const char *d = cli_opt_default(o, dflt, sizeof(dflt));
	size_t n = 0;

	buf[0] = '\0';
	if (o->type == CLI_ENUM)
		enum_choices(o->enum_vals, buf, len);
	n = strlen(buf);
	if (o->step > 1 && n < len)
		n += (size_t)snprintf(buf + n, len - n, "%sa multiple of %llu", n ? "; " : "",
				      o->step);
	if (d && n < len)
		snprintf(buf + n, len - n, "%sdefault %s", n ? "; " : "", d);
}

static void help_row(FILE *out, const struct cli_opt *o)
{
	char left[64], notes[WANT_MAX];
	int n = 0;

	if (o->short_name)
		n = snprintf(left, sizeof(left), "-%c, ", o->short_name);
	n += snprintf(left + n, sizeof(left) - (size_t)n, "--%s", o->name);
	if (cli_opt_takes_value(o) && o->metavar)
		snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->metavar);
	help_notes(o, notes, sizeof(notes));
	fprintf(out, "  %-*s %s%s%s%s\n", HELP_COLUMN, left, o->help, notes[0] ? " (" : "",
		notes, notes[0] ? ")" : "");
}

void cli_print_help(const struct cli_env *env, const struct cli_cmd *cmd)
{
	FILE *out = env->out;
	char title[128];

	cmd_title(env, cmd, title, sizeof(title));
	fprintf(out, "Usage: %s [options]%s%s\n\n%s\n\nOptions:\n", title, cmd->usage ? " " : "",
		cmd->usage ? cmd->usage : "", cmd->summary);
	for (const struct cli_opt *o = cmd->opts; o && o->name; o++)
		help_row(out, o);
	fprintf(out, "  %-*s %s\n", HELP_COLUMN, "-h, --help", "show this help");
	if (cmd->version)
		fprintf(out, "  %-*s %s\n", HELP_COLUMN, "-V, --version", "show the version");
	if (cmd->epilog)
		fprintf(out, "\n%s\n", cmd->epilog);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of the one parser: a client's words go through
 * ctl_parse with the tables the CLI uses, the options come out, and errors
 * (or --help) go into the answer on the socket instead of stderr. Then the
 * tables themselves: defaults from the named constants, consistent rows.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/bench.h"
#include "daemon/commands.h"
#include "daemon/ctl.h"

/* A connection as the server has it; what it answers arrives on *peer. */
static struct ctl_conn *conn_pair(int *peer)
{
	struct ctl_conn *c = calloc(1, sizeof(*c));
	int sv[2];

	cr_assert(c);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	c->fd = sv[0];
	list_init(&c->node);
	*peer = sv[1];
	return c;
}

/* Everything the daemon answered, until it closed the connection. */
static char *answer(int peer)
{
	static char buf[8192];
	size_t len = 0;
	ssize_t n;

	while ((n = read(peer, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	close(peer);
	return buf;
}

/* Parses words as the daemon does; returns ctl_parse's result. With 0 the
 * connection is still open and nothing was answered: both are checked. */
static int parse_words(const struct cli_cmd *cmd, void *opts, const char *const *words,
		       char **pos, int *npos, int *peer)
{
	struct ctl_conn *c = conn_pair(peer);
	char *argv[CTL_MAX_ARGS];
	int argc = 0, rc;

	for (; words[argc]; argc++)
		argv[argc] = (char *)words[argc];
	rc = ctl_parse(c, cmd, opts, argc, argv, pos, npos);
	if (!rc) {
		char byte;

		fcntl(*peer, F_SETFL, O_NONBLOCK);
		cr_assert_eq(read(*peer, &byte, 1), -1, "no answer yet after a good parse");
		cr_assert_eq(errno, EAGAIN);
		close(c->fd);
		free(c);
		close(*peer);
	}
	return rc;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

Test(ctl_parse, bench_words_in_options_out)
{
	struct bench_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&bench_cmd, &o,
				 WORDS("bench", "e1.1", "--rw", "randwrite", "--bs", "8192",
				       "-q", "4", "--verify"), pos, &npos, &peer), 0);
	cr_assert_eq(o.rw, BENCH_RANDWRITE);
	cr_assert_eq(o.bs, 8192);
	cr_assert_eq(o.qd, 4);
	cr_assert_eq(o.seconds, BENCH_SECONDS_DEFAULT);
	cr_assert_eq(o.size_mb, BENCH_SIZE_MB_DEFAULT);
	cr_assert_eq(o.verify, 1);
	cr_assert_eq(o.json, 0);
	cr_assert_eq(npos, 1);
	cr_assert_str_eq(pos[0], "e1.1");
}

Test(ctl_parse, errors_go_to_the_client_with_status_2)
{
	struct bench_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&bench_cmd, &o, WORDS("bench", "e1.1", "--bs", "1000"), pos,
				 &npos, &peer), -EINVAL);
	cr_assert_str_eq(answer(peer),
			 "2\naoe-xdp bench: --bs wants a multiple of 512 in 512..1048576, "
			 "got '1000'\n");
	cr_assert_eq(parse_words(&bench_cmd, &o, WORDS("bench", "--qd"), pos, &npos, &peer),
		     -EINVAL);
	cr_assert_str_eq(answer(peer),
			 "2\naoe-xdp bench: --qd needs a value (N); see 'aoe-xdp bench --help'\n");
	cr_assert_eq(parse_words(&bench_cmd, &o, WORDS("bench"), pos, &npos, &peer), -EINVAL);
	cr_assert(strstr(answer(peer), "expected eS.N"));
}

Test(ctl_parse, a_relative_path_from_a_client_is_refused)
{
	struct attach_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&attach_cmd, &o, WORDS("attach", "--fuse-dir", "mnt", "eth0"),
				 pos, &npos, &peer), -EINVAL);
	cr_assert(strstr(answer(peer), "2\naoe-xdp attach: --fuse-dir wants an absolute path"));
	cr_assert_eq(parse_words(&attach_cmd, &o, WORDS("attach", "--fuse-dir", "/mnt", "eth0"),
				 pos, &npos, &peer), 0);
	cr_assert_str_eq(o.fuse_dir, "/mnt");
}

Test(ctl_parse, help_is_the_answer)
{
	struct stat_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&stat_cmd, &o, WORDS("stat", "--help"), pos, &npos, &peer), 1);
	cr_assert(!strncmp(answer(peer), "0\nUsage: aoe-xdp stat [options]\n", 32));
}

Test(ctl_parse, words_as_the_user_gave_them)
{
	struct discover_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&discover_cmd, &o, WORDS("discover", "eth0", "-j", "eth 1", ""),
				 pos, &npos, &peer), 0);
	cr_assert_eq(o.json, 1);
	cr_assert_eq(o.timeout, DISCOVER_TIMEOUT_DEFAULT_S);
	cr_assert_eq(o.mode, AOE_XDP_MODE_AUTO);
	cr_assert_eq(npos, 3);
	cr_assert_str_eq(pos[1], "eth 1");
	cr_assert_str_eq(pos[2], "");
}

/* attach's defaults are the named constants, and make the engine's own defaults. */
Test(ctl_parse, attach_defaults_are_the_named_constants)
{
	struct engine_config eng;
	struct daemon_config dc;
	struct attach_opts o;
	char *pos[CTL_MAX_ARGS];
	int npos, peer;

	cr_assert_eq(parse_words(&attach_cmd, &o, WORDS("attach", "eth0"), pos, &npos, &peer), 0);
	cr_assert_eq(o.export, EXPORT_AUTO);
	cr_assert_eq(o.timeout, ATTACH_TIMEOUT_DEFAULT_S);
	cr_assert_eq(o.ublk_depth, UBLK_DEPTH_DEFAULT);
	cr_assert_null(o.fuse_dir);
	daemon_config_from_attach(&dc, &o);
	engine_config_defaults(&eng);
	cr_assert_eq(dc.ublk_max_io, UBLK_MAX_IO_DEFAULT);
	cr_assert_eq(dc.eng.mode, eng.mode);
	cr_assert_eq(dc.eng.pool_max, eng.pool_max);
	cr_assert_eq(dc.eng.dead_timeout_s, eng.dead_timeout_s);
	cr_assert_eq(dc.eng.rto_min_us, eng.rto_min_us);
	cr_assert_eq(dc.eng.rto_max_us, eng.rto_max_us);
	cr_assert_eq(dc.eng.tx_chunks, eng.tx_chunks);
	cr_assert_eq(dc.eng.rediscover_s, eng.rediscover_s);
	cr_assert_eq(dc.eng.busy_poll_us, eng.busy_poll_us);
}

static bool enum_has(const struct cli_enum_val *vals, int value)
{
	for (; vals->name; vals++)
		if (vals->value == value)
			return true;
	return false;
}

static void check_row(const struct cli_cmd *cmd, const struct cli_opt *o)
{
	for (const struct cli_opt *p = cmd->opts; p < o; p++) {
		cr_assert_str_neq(p->name, o->name, "%s: --%s twice", cmd->name, o->name);
		cr_assert(!o->short_name || p->short_name != o->short_name,
			  "%s: -%c twice", cmd->name, o->short_name);
	}
	cr_assert(o->short_name != 'h' && strcmp(o->name, "help"), "%s: --help is built in",
		  cmd->name);
	cr_assert(o->help && *o->help, "%s --%s has no help", cmd->name, o->name);
	if (o->type == CLI_ENUM)
		cr_assert(enum_has(o->enum_vals, (int)o->def), "%s --%s: default not a value",
			  cmd->name, o->name);
	if (o->type == CLI_UINT && !o->def_text) {
		cr_assert(o->def >= o->min && o->def <= o->max, "%s --%s: default out of range",
			  cmd->name, o->name);
		cr_assert(o->step <= 1 || o->def % o->step == 0, "%s --%s: default off step",
			  cmd->name, o->name);
	}
}

/* What a table may get wrong that the compiler does not see. */
Test(ctl_parse, every_table_is_consistent)
{
	const struct cli_cmd *const cmds[] = {
		&attach_cmd, &detach_cmd, &discover_cmd, &stat_cmd, &bench_cmd, &revalidate_cmd,
		&flush_cmd, &config_cmd, &mask_cmd, &reserve_cmd, &ping_cmd, &interfaces_cmd,
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		cr_assert(cmds[i]->cfg_size > 0);
		for (const struct cli_opt *o = cmds[i]->opts; o->name; o++)
			check_row(cmds[i], o);
	}
}

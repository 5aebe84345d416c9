// SPDX-License-Identifier: GPL-2.0
/*
 * The attach daemon. One loop owns the engine, the control socket, the
 * export and any running benchmark; nothing here runs on another thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "commands.h"
#include "daemon.h"
#include "lib/log.h"
#include "reply.h"
#include "report.h"
#include "run_dir.h"
#include "verbs.h"

#define DAEMON_TICK_NS		(100 * NSEC_PER_MSEC)
/* Links, systemd's status and idle metrics clients are looked at this often. */
#define DAEMON_SERVICE_NS	(100 * NSEC_PER_MSEC)
#define DAEMON_LOG_NAME		"aoe-xdp.log"
#define DAEMON_LOG_MODE		0600
#define DAEMON_PID_MODE		0644

const char *daemon_run_dir(char *buf, size_t len)
{
	const char *env = getenv(AOE_RUN_DIR_ENV);

	snprintf(buf, len, "%s", env && *env ? env : AOE_RUN_DIR_DEFAULT);
	return buf;
}

void daemon_ctl_path(char *buf, size_t len)
{
	char dir[PATH_MAX];

	snprintf(buf, len, "%s/aoe-xdp.sock", daemon_run_dir(dir, sizeof(dir)));
}

static void hook_dev_up(void *ctx, struct aoe_dev *d)
{
	struct daemon *dm = ctx;
	int err;

	/* A device being flushed is not exported again. */
	if (!dm->exp || dm->shutting_down || flush_claims(dm, d))
		return;
	err = dm->exp->dev_up(dm->exp_priv, d);
	if (err)
		pr_err("%s: exporting it over %s failed: %s\n", aoe_dev_name(d), dm->exp->name,
		       strerror(-err));
}

static void hook_dev_down(void *ctx, struct aoe_dev *d)
{
	struct daemon *dm = ctx;

	if (dm->exp && !dm->shutting_down)
		dm->exp->dev_down(dm->exp_priv, d);
}

static void hook_dev_changed(void *ctx, struct aoe_dev *d)
{
	struct daemon *dm = ctx;

	if (dm->exp && dm->exp->dev_changed && !dm->shutting_down && !flush_claims(dm, d))
		dm->exp->dev_changed(dm->exp_priv, d);
}

void daemon_export_path(struct daemon *dm, const struct aoe_dev *d, char *buf, size_t len)
{
	buf[0] = '\0';
	if (dm->exp)
		dm->exp->path(dm->exp_priv, d, buf, len);
}

static void export_path(void *priv, const struct aoe_dev *d, char *buf, size_t len)
{
	daemon_export_path(priv, d, buf, len);
}

/* --- answers that wait for discovery ---------------------------------------- */

/* Answers come in for answers_s; then IDENTIFY gets until hard_s. */
static void wait_add_span(struct daemon *dm, struct ctl_conn *c, unsigned int answers_s,
			  unsigned int hard_s, bool json, const char *what)
{
	struct discover_wait *w = calloc(1, sizeof(*w));
	uint64_t now = engine_now(dm->eng);

	if (!w) {
		ctl_replyf(c, 1, "out of memory\n");
		return;
	}
	w->conn = c;
	w->json = json;
	w->what = what;
	w->answers_ns = now + (uint64_t)answers_s * NSEC_PER_SEC;
	w->hard_ns = now + (uint64_t)hard_s * NSEC_PER_SEC;
	list_add_tail(&dm->waits, &w->node);
}

/* A discovery: answers for timeout_s, IDENTIFY as long again and a second. */
static void wait_add(struct daemon *dm, struct ctl_conn *c, unsigned int timeout_s,
		     bool json, const char *what)
{
	wait_add_span(dm, c, timeout_s, 2 * timeout_s + 1, json, what);
}

static void attach_report(struct daemon *dm, FILE *f)
{
	struct report_export ex = { .path = export_path, .priv = dm };

	report_attached(f, dm->eng, &ex);
}

static void wait_answer(struct daemon *dm, struct discover_wait *w)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int failed = 0;

	if (!f) {
		ctl_replyf(w->conn, 1, "out of memory\n");
		return;
	}
	if (!strcmp(w->what, "discover"))
		failed = report_discover(f, dm->eng, w->json);
	else
		attach_report(dm, f);	/* attach, revalidate: the devices' lines */
	fclose(f);
	ctl_reply(w->conn, failed ? 1 : 0, text, len);
	free(text);
}

static void waits_check(struct daemon *dm, bool all)
{
	struct list_node *pos, *tmp;
	bool identifying = engine_identifying(dm->eng);

	list_for_each_safe(pos, tmp, &dm->waits) {
		struct discover_wait *w = container_of(pos, struct discover_wait, node);
		uint64_t now = engine_now(dm->eng);

		if (!all && now < w->hard_ns && (now < w->answers_ns || identifying))
			continue;
		list_del(&w->node);
		wait_answer(dm, w);
		free(w);
	}
}

/* --- control commands ------------------------------------------------------ */

struct stat_reply {
	struct daemon *dm;
	const struct stat_opts *o;
};

static int stat_render(FILE *out, void *ctx)
{
	const struct stat_reply *r = ctx;
	struct report_export ex = { .path = export_path, .priv = r->dm };

	if (r->o->prometheus)
		report_stat_prometheus(out, r->dm->eng, &ex);
	else
		report_stat(out, r->dm->eng, r->o->json, &ex);
	return 0;
}

static void ctl_stat(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		     char **argv)
{
	struct stat_reply r = { .dm = dm, .o = opts };

	(void)argc;
	(void)argv;
	if (r.o->json && r.o->prometheus) {
		ctl_replyf(c, 2, AOE_XDP_PROG " stat: --json or --prometheus, not both\n");
		return;
	}
	reply_rendered(c, stat_render, &r);
}

/* What /metrics serves: the same as stat --prometheus. */
static void metrics_render(void *ctx, FILE *out)
{
	struct daemon *dm = ctx;
	struct report_export ex = { .path = export_path, .priv = dm };

	report_stat_prometheus(out, dm->eng, &ex);
}

struct interfaces_reply {
	struct aoe_engine *eng;
	bool json;
};

static int interfaces_render(FILE *out, void *ctx)
{
	const struct interfaces_reply *r = ctx;

	report_interfaces(out, r->eng, r->json);
	return 0;
}

static void ctl_interfaces(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
			   char **argv)
{
	const struct interfaces_opts *o = opts;
	struct interfaces_reply r = { .eng = dm->eng, .json = o->json };

	(void)argc;
	(void)argv;
	reply_rendered(c, interfaces_render, &r);
}

/* The daemon looks on all its interfaces; the ones named are the client's
 * (it had to name some to run without a daemon). */
static void ctl_discover(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
			 char **argv)
{
	const struct discover_opts *o = opts;

	(void)argc;
	(void)argv;
	engine_discover(dm->eng);
	wait_add(dm, c, o->timeout, o->json, "discover");
}

static void daemon_begin_shutdown(struct daemon *dm, const char *why)
{
	if (engine_stopping(dm->eng))
		return;
	pr_info("stopping: %s\n", why);
	engine_stop(dm->eng);
}

/* Only the interfaces and --timeout apply: the other options configure a
 * daemon as it starts, and this one runs already. */
static void ctl_attach(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		       char **argv)
{
	const struct attach_opts *o = opts;

	for (int i = 0; i < argc; i++) {
		int err;

		if (engine_has_iface(dm->eng, argv[i]))
			continue;	/* attached already */
		err = engine_add_iface(dm->eng, argv[i]);
		if (err) {
			ctl_replyf(c, 1, "aoe-xdp: cannot attach %s: %s (details in %s/%s)\n",
				   argv[i], strerror(-err), dm->run_dir, DAEMON_LOG_NAME);
			return;
		}
	}
	engine_discover(dm->eng);
	wait_add(dm, c, o->timeout, false, "attach");
}

static void ctl_detach(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		       char **argv)
{
	const struct detach_opts *o = opts;

	if (o->all) {
		ctl_reply(c, 0, "", 0);
		daemon_begin_shutdown(dm, "detach --all");
		return;
	}
	for (int i = 0; i < argc; i++) {
		if (engine_del_iface(dm->eng, argv[i])) {
			ctl_replyf(c, 1, "aoe-xdp: %s is not attached\n", argv[i]);
			return;
		}
		pr_info("%s: detached\n", argv[i]);
	}
	ctl_reply(c, 0, "", 0);
	if (!engine_iface_count(dm->eng))
		daemon_begin_shutdown(dm, "no interface left");
}

/* The next IDENTIFY answer becomes the device's identity; the answer
 * comes when it did (or the timeout passed), with the device's line. */
static void ctl_revalidate(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
			   char **argv)
{
	const struct revalidate_opts *o = opts;
	struct aoe_dev *d = engine_find_dev_name(dm->eng, argv[0]);

	(void)argc;
	if (!d) {
		ctl_replyf(c, 1, "aoe-xdp: no device '%s'; see 'aoe-xdp stat'\n", argv[0]);
		return;
	}
	if (engine_revalidate(dm->eng, d)) {
		ctl_replyf(c, 1, "aoe-xdp: %s has no target to ask; run 'aoe-xdp discover'\n",
			   argv[0]);
		return;
	}
	wait_add_span(dm, c, 0, o->timeout, false, "revalidate");
}

static void ctl_bench(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		      char **argv)
{
	(void)argc;	/* bench_cmd takes exactly one */
	bench_start(dm, c, opts, argv[0]);
}

/* What the control socket answers: each command's words are parsed with
 * the option table the CLI parsed them with. */
static const struct ctl_command {
	const struct cli_cmd *cmd;
	void (*run)(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		    char **argv);
	bool for_group;		/* --ctl-group's members may run it: it only reads */
} ctl_commands[] = {
	{ &stat_cmd, ctl_stat, true },
	{ &discover_cmd, ctl_discover, false },
	{ &attach_cmd, ctl_attach, false },
	{ &detach_cmd, ctl_detach, false },
	{ &bench_cmd, ctl_bench, false },
	{ &revalidate_cmd, ctl_revalidate, false },
	{ &interfaces_cmd, ctl_interfaces, true },
	{ &flush_cmd, verb_flush, false },
	{ &config_cmd, verb_config, false },
	{ &mask_cmd, verb_mask, false },
	{ &reserve_cmd, verb_reserve, false },
	{ &ping_cmd, verb_ping, false },
};

static const struct ctl_command *ctl_find(const char *name)
{
	for (size_t i = 0; i < sizeof(ctl_commands) / sizeof(ctl_commands[0]); i++)
		if (!strcmp(ctl_commands[i].cmd->name, name))
			return &ctl_commands[i];
	return NULL;
}

static void ctl_handle(void *ctx, struct ctl_conn *c, int argc, char **argv)
{
	const struct ctl_command *cc = ctl_find(argv[0]);
	struct daemon *dm = ctx;
	char *pos[CTL_MAX_ARGS];
	void *opts;
	int npos;

	if (engine_stopping(dm->eng)) {
		ctl_replyf(c, 1, "aoe-xdp: the daemon is stopping\n");
		return;
	}
	if (!cc) {
		ctl_replyf(c, 2, "aoe-xdp: the daemon does not know '%s'\n", argv[0]);
		return;
	}
	if (!cc->for_group && !ctl_peer_is_root(c)) {
		ctl_replyf(c, 1, "aoe-xdp: '%s' needs root; members of group %s may only run "
			   "'aoe-xdp stat' and 'aoe-xdp interfaces'\n", argv[0],
			   dm->ctl.access.group);
		return;
	}
	opts = calloc(1, cc->cmd->cfg_size);
	if (!opts) {
		ctl_replyf(c, 1, "out of memory\n");
		return;
	}
	if (!ctl_parse(c, cc->cmd, opts, argc, argv, pos, &npos))
		cc->run(dm, c, opts, npos, pos);
	free(opts);
}

/* --- life cycle ------------------------------------------------------------ */

static int write_pid_file(struct daemon *dm)
{
	int fd = run_file_open(dm->pid_path, O_WRONLY | O_CREAT | O_TRUNC, DAEMON_PID_MODE,
			       "pid file");
	int err = 0;

	if (fd < 0)
		return fd;
	if (dprintf(fd, "%d\n", (int)getpid()) < 0)
		err = -errno;
	close(fd);
	if (err)
		pr_err("cannot write pid file %s: %s\n", dm->pid_path, strerror(-err));
	dm->pid_written = true;
	return err;
}

/* Opened while the attaching process still shows our messages, so a log
 * that cannot be (a link put there) is said, not silently lost. */
static int open_log(struct daemon *dm)
{
	char path[PATH_MAX + 32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dm->run_dir, DAEMON_LOG_NAME);
	fd = run_file_open(path, O_WRONLY | O_CREAT | O_APPEND, DAEMON_LOG_MODE, "log");
	if (fd < 0)
		return fd;
	dm->log_fd = fd;
	return 0;
}

/* The parent of a background attach prints this and exits with status. */
static void ready_report(struct daemon *dm, int ready_fd, int status, const char *msg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (ready_fd < 0)
		return;
	f = open_memstream(&text, &len);
	if (f) {
		fprintf(f, "%d\n", status);
		if (msg)
			fputs(msg, f);
		else
			attach_report(dm, f);
		fclose(f);
		if (write(ready_fd, text, len) < 0)
			pr_debug("the attaching process went away before the report\n");
	}
	free(text);
	close(ready_fd);
}

/* From now on the daemon talks to its log file only. */
static void detach_stdio(struct daemon *dm)
{
	int fd;

	if (dm->log_fd >= 0) {
		dup2(dm->log_fd, STDERR_FILENO);
		close(dm->log_fd);
		dm->log_fd = -1;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	log_set_daemon(1);
}

static int daemon_setup(struct daemon *dm, int argc, char **argv)
{
	struct engine_hooks hooks = {
		.ctx = dm, .dev_up = hook_dev_up, .dev_down = hook_dev_down,
		.dev_changed = hook_dev_changed,
	};
	struct ctl_access access = {};
	int err;

	dm->log_fd = -1;
	list_init(&dm->waits);
	daemon_run_dir(dm->run_dir, sizeof(dm->run_dir));
	err = run_dir_prepare(dm->run_dir);
	if (err)
		return err;
	snprintf(dm->ctl_path, sizeof(dm->ctl_path), "%s/aoe-xdp.sock", dm->run_dir);
	snprintf(dm->pid_path, sizeof(dm->pid_path), "%s/aoe-xdp.pid", dm->run_dir);
	list_init(&dm->flushes);
	etherd_init(&dm->etherd);
	/* Said now, before anything is attached; written once we run. */
	err = run_file_check(dm->pid_path, "pid file");
	if (err)
		return err;
	if (!dm->cfg.foreground) {
		err = open_log(dm);
		if (err)
			return err;
	}
	if (dm->cfg.ctl_group) {
		err = ctl_access_group(&access, dm->cfg.ctl_group);
		if (err)
			return err;
	}
	err = engine_create(&dm->cfg.eng, &hooks, &dm->eng);
	if (err)
		return err;
	err = engine_watch_signals(dm->eng);
	if (!err)
		err = ctl_server_open(&dm->ctl, dm->eng, dm->ctl_path, &access, ctl_handle, dm);
	if (!err && dm->cfg.metrics_listen)
		err = metrics_open(&dm->metrics, dm->eng, dm->cfg.metrics_listen, metrics_render,
				   dm);
	if (err)
		return err;
	if (dm->cfg.export == EXPORT_FUSE)
		dm->exp = &export_fuse_ops;
	else if (dm->cfg.export == EXPORT_UBLK)
		dm->exp = &export_ublk_ops;
	if (dm->exp) {
		dm->exp_ctx = (struct export_ctx){
			.eng = dm->eng,
			.run_dir = dm->run_dir,
			.ublk_depth = dm->cfg.ublk_depth,
			.ublk_max_io = dm->cfg.ublk_max_io,
			.fuse_dir = dm->cfg.fuse_dir,
			.dead_timeout_s = dm->cfg.eng.dead_timeout_s,
		};
		err = dm->exp->init(&dm->exp_ctx, &dm->exp_priv);
		if (err) {
			dm->exp = NULL;
			return err;
		}
	}
	for (int i = 0; i < argc; i++) {
		err = engine_add_iface(dm->eng, argv[i]);
		if (err)
			return err;
	}
	return write_pid_file(dm);
}

static void daemon_teardown(struct daemon *dm)
{
	dm->shutting_down = true;
	dm->exp_ctx.stopping = true;
	if (dm->eng) {
		notify_stopping(&dm->notify);
		waits_check(dm, true);
		bench_abort(dm);
		flush_abort(dm);
		/* Every request the system gave us is answered before the
		 * exports go: nothing is left hanging in a caller or in ublk. */
		engine_fail_all_io(dm->eng);
		if (dm->exp)
			dm->exp->fini(dm->exp_priv);
		dm->exp = NULL;
		etherd_fini(&dm->etherd);
		metrics_close(&dm->metrics);
		if (dm->ctl.eng)
			ctl_server_close(&dm->ctl);
		engine_destroy(dm->eng);
		dm->eng = NULL;
	}
	if (dm->pid_written)
		unlink(dm->pid_path);
	dm->pid_written = false;
	if (dm->log_fd >= 0)
		close(dm->log_fd);
	dm->log_fd = -1;
}

/* Every device that is up has its export (or the daemon exports none). */
static bool devices_exported(struct daemon *dm)
{
	char path[PATH_MAX];
	struct aoe_dev *d;

	if (!dm->exp)
		return true;
	engine_for_each_dev(dm->eng, d) {
		if (aoe_dev_state(d) != DEV_UP || flush_claims(dm, d))
			continue;
		export_path(dm, d, path, sizeof(path));
		if (!path[0])
			return false;
	}
	return true;
}

/* The first discovery is over and what it found is exported (or the time
 * for it is up): answer the attaching process, tell systemd. */
static void check_ready(struct daemon *dm, int *ready_fd)
{
	uint64_t now = engine_now(dm->eng);
	char status[sizeof(dm->notify.status)];

	if (dm->ready)
		return;
	if (now < dm->ready_hard_ns &&
	    (now < dm->ready_answers_ns || engine_identifying(dm->eng) || !devices_exported(dm)))
		return;
	dm->ready = true;
	etherd_sync(&dm->etherd, dm->eng, export_path, dm);	/* before fstab mounts */
	ready_report(dm, *ready_fd, 0, NULL);
	*ready_fd = -1;
	notify_status_text(dm->eng, export_path, dm, status, sizeof(status));
	notify_ready(&dm->notify, status);
	if (!dm->cfg.foreground)
		detach_stdio(dm);
}

/* What is looked at every DAEMON_SERVICE_NS, not every pass. */
static void daemon_service(struct daemon *dm)
{
	char status[sizeof(dm->notify.status)];

	if (engine_now(dm->eng) < dm->next_service_ns)
		return;
	dm->next_service_ns = engine_now(dm->eng) + DAEMON_SERVICE_NS;
	etherd_sync(&dm->etherd, dm->eng, export_path, dm);
	metrics_tick(&dm->metrics);
	notify_status_text(dm->eng, export_path, dm, status, sizeof(status));
	notify_status(&dm->notify, status);
}

int daemon_run(struct daemon *dm, int argc, char **argv, int ready_fd)
{
	uint64_t timeout_ns;
	int err;

	err = daemon_setup(dm, argc, argv);
	if (err) {
		ready_report(dm, ready_fd, 1, "");
		daemon_teardown(dm);
		return err;
	}
	engine_discover(dm->eng);
	/* Answers come in for the timeout; IDENTIFY and exports get as long
	 * again and a second (as a discovery the daemon is asked for). */
	timeout_ns = (uint64_t)dm->cfg.discover_timeout_s * NSEC_PER_SEC;
	dm->ready_answers_ns = engine_now(dm->eng) + timeout_ns;
	dm->ready_hard_ns = dm->ready_answers_ns + timeout_ns + NSEC_PER_SEC;
	while (!engine_stopping(dm->eng) && !err) {
		err = engine_run_once(dm->eng, DAEMON_TICK_NS);
		if (dm->exp && dm->exp->tick)
			dm->exp->tick(dm->exp_priv);
		check_ready(dm, &ready_fd);
		waits_check(dm, false);
		bench_tick(dm);
		flush_tick(dm);
		if (dm->ready)
			daemon_service(dm);
	}
	if (ready_fd >= 0)
		ready_report(dm, ready_fd, 1, "aoe-xdp: stopped before discovery finished\n");
	if (engine_stop_signal(dm->eng))
		pr_info("stopping on signal %d\n", engine_stop_signal(dm->eng));
	daemon_teardown(dm);
	return err;
}

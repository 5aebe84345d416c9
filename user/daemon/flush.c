// SPDX-License-Identifier: GPL-2.0
/*
 * flush (aoetools' aoe-flush): forget devices. Which: those down or
 * failed; with --all every one; or the ones named. A device in use stays:
 * its export is mounted, open or held, it has I/O in flight, or a
 * benchmark runs on it. For the others the export lets go first (a ublk
 * device is stopped and deleted: that takes a few passes), then the engine
 * forgets the device. Meanwhile the device is the flush's: the daemon
 * exports it no more if it comes up again (flush_claims). The answer comes
 * when every device chosen is forgotten or kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "commands.h"
#include "daemon.h"
#include "lib/json.h"
#include "reply.h"
#include "verbs.h"

#define FLUSH_MAX	256	/* devices one flush looks at */

enum flush_state {
	FL_WAITING,	/* its export is letting go */
	FL_FLUSHED,
	FL_KEPT,	/* in use */
	FL_UNKNOWN,	/* named, but no such device */
};

struct flush_dev {
	char name[AOE_NAME_LEN];
	enum flush_state st;
	bool named;
	char why[192];
};

struct flush_job {
	struct list_node node;	/* dm->flushes */
	struct ctl_conn *conn;
	bool json;
	uint64_t deadline_ns;
	unsigned int n;
	struct flush_dev devs[FLUSH_MAX];
};

static bool flush_wanted(const struct flush_opts *o, const struct aoe_dev *d)
{
	enum aoe_dev_state st = aoe_dev_state(d);

	return o->all || st == DEV_DOWN || st == DEV_FAILED;
}

static void job_add(struct flush_job *j, const char *name, bool named)
{
	struct flush_dev *f;

	if (j->n == FLUSH_MAX)
		return;
	f = &j->devs[j->n++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->named = named;
	f->st = FL_WAITING;
}

static void job_choose(struct daemon *dm, struct flush_job *j, const struct flush_opts *o,
		       int argc, char **argv)
{
	struct aoe_dev *d;

	for (int i = 0; i < argc; i++) {
		job_add(j, argv[i], true);
		if (!engine_find_dev_name(dm->eng, argv[i])) {
			j->devs[j->n - 1].st = FL_UNKNOWN;
			snprintf(j->devs[j->n - 1].why, sizeof(j->devs[0].why),
				 "no such device; see 'aoe-xdp stat'");
		}
	}
	if (argc)
		return;
	engine_for_each_dev(dm->eng, d)
		if (flush_wanted(o, d))
			job_add(j, aoe_dev_name(d), false);
}

static bool bench_on(const struct daemon *dm, const struct aoe_dev *d)
{
	return dm->bench && bench_device(dm->bench) == d;
}

/* One step for one device: kept, forgotten, or still waiting. */
static void flush_one(struct daemon *dm, struct flush_dev *f)
{
	struct aoe_dev *d = engine_find_dev_name(dm->eng, f->name);
	int err = 0;

	if (!d) {
		f->st = FL_FLUSHED;	/* gone already: another flush took it */
		return;
	}
	if (bench_on(dm, d)) {
		snprintf(f->why, sizeof(f->why), "a benchmark runs on it");
		f->st = FL_KEPT;
		return;
	}
	if (aoe_dev_busy(d)) {
		snprintf(f->why, sizeof(f->why), "it has I/O in flight");
		f->st = FL_KEPT;
		return;
	}
	if (dm->exp && dm->exp->release)
		err = dm->exp->release(dm->exp_priv, d, f->why, sizeof(f->why));
	if (err == -EAGAIN)
		return;
	if (!err)
		err = engine_forget_dev(dm->eng, d);
	if (err == -EBUSY && !f->why[0])
		snprintf(f->why, sizeof(f->why), "it has I/O in flight");
	else if (err && !f->why[0])
		snprintf(f->why, sizeof(f->why), "%s", strerror(-err));
	f->st = err ? FL_KEPT : FL_FLUSHED;
}

static const char *const state_names[] = {
	[FL_WAITING] = "waiting", [FL_FLUSHED] = "flushed", [FL_KEPT] = "kept",
	[FL_UNKNOWN] = "unknown",
};

static void flush_render(const struct flush_job *j, FILE *out)
{
	struct json js;

	if (!j->json) {
		for (unsigned int i = 0; i < j->n; i++) {
			const struct flush_dev *f = &j->devs[i];

			if (f->st == FL_FLUSHED)
				fprintf(out, "flushed %s\n", f->name);
			else
				fprintf(out, "%s: %s: %s\n", f->name,
					f->st == FL_UNKNOWN ? "not flushed" : "kept", f->why);
		}
		return;
	}
	json_init(&js, out);
	json_obj_begin(&js);
	json_key(&js, "devices");
	json_arr_begin(&js);
	for (unsigned int i = 0; i < j->n; i++) {
		json_obj_begin(&js);
		json_kstr(&js, "name", j->devs[i].name);
		json_kstr(&js, "result", state_names[j->devs[i].st]);
		if (j->devs[i].st != FL_FLUSHED)
			json_kstr(&js, "why", j->devs[i].why);
		json_obj_end(&js);
	}
	json_arr_end(&js);
	json_obj_end(&js);
	fputc('\n', out);
}

/* Exit 1 when a device named could not be forgotten; devices flush chose
 * itself that are in use are only said. */
static int flush_status(const struct flush_job *j)
{
	for (unsigned int i = 0; i < j->n; i++)
		if (j->devs[i].named && j->devs[i].st != FL_FLUSHED)
			return 1;
	return 0;
}

static int flush_render_status(FILE *out, void *ctx)
{
	const struct flush_job *j = ctx;

	flush_render(j, out);
	return flush_status(j);
}

static void flush_answer(struct flush_job *j)
{
	list_del(&j->node);
	reply_rendered(j->conn, flush_render_status, j);
	free(j);
}

/* Moves j on; true when it was answered. */
static bool flush_step(struct daemon *dm, struct flush_job *j, bool give_up)
{
	bool waiting = false;

	for (unsigned int i = 0; i < j->n; i++) {
		struct flush_dev *f = &j->devs[i];

		if (f->st != FL_WAITING)
			continue;
		flush_one(dm, f);
		if (f->st == FL_WAITING && give_up) {
			f->st = FL_KEPT;
			snprintf(f->why, sizeof(f->why), "its export did not go in time");
		}
		waiting |= f->st == FL_WAITING;
	}
	if (waiting)
		return false;
	flush_answer(j);
	return true;
}

void verb_flush(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		char **argv)
{
	const struct flush_opts *o = opts;
	struct flush_job *j = calloc(1, sizeof(*j));

	if (!j) {
		ctl_replyf(c, 1, "out of memory\n");
		return;
	}
	j->conn = c;
	j->json = o->json;
	j->deadline_ns = engine_now(dm->eng) + (uint64_t)o->timeout * NSEC_PER_SEC;
	list_add_tail(&dm->flushes, &j->node);
	job_choose(dm, j, o, argc, argv);
	flush_step(dm, j, false);
}

void flush_tick(struct daemon *dm)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &dm->flushes) {
		struct flush_job *j = container_of(pos, struct flush_job, node);

		flush_step(dm, j, engine_now(dm->eng) >= j->deadline_ns);
	}
}

bool flush_claims(const struct daemon *dm, const struct aoe_dev *d)
{
	const struct flush_job *j;

	list_for_each_entry(j, &dm->flushes, struct flush_job, node)
		for (unsigned int i = 0; i < j->n; i++)
			if (j->devs[i].st == FL_WAITING && !strcmp(j->devs[i].name, aoe_dev_name(d)))
				return true;
	return false;
}

void flush_abort(struct daemon *dm)
{
	while (!list_empty(&dm->flushes))
		flush_step(dm, list_first_entry(&dm->flushes, struct flush_job, node), true);
}

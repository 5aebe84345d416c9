// SPDX-License-Identifier: GPL-2.0
/*
 * What `discover`, `stat` and `interfaces` print. Each object (a device as
 * discovered, a device's counters, a target, an interface, the drop
 * counters) is described once, as a list of fields; the same list is
 * rendered as JSON (every field with a key), as text (every field with a
 * label) and as Prometheus metrics (every field with a metric kind), so
 * they cannot drift apart.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "proto/aoe_codec.h"
#include "report.h"
#include "report_record.h"
#include "xdp/iface.h"

/* --- records: one description, three renderings (report_record.h) --------- */

static void field_text(FILE *out, const struct rfield *f)
{
	char val[256];

	switch (f->kind) {
	case R_STR:
		snprintf(val, sizeof(val), "%s", f->v.s ? f->v.s : "");
		break;
	case R_U64:
		snprintf(val, sizeof(val), "%llu", (unsigned long long)f->v.u);
		break;
	case R_US_AS_MS:
		snprintf(val, sizeof(val), "%.*f", f->prec, (double)f->v.u / 1000.0);
		break;
	case R_FLAG:
		if (f->v.b)
			fputs(f->label, out);
		return;
	case R_YESNO:
		snprintf(val, sizeof(val), "%s", f->v.b ? "yes" : "no");
		break;
	case R_STRV:
		if (!f->n)
			return;	/* nothing to list: no label either */
		val[0] = '\0';
		for (unsigned int i = 0, off = 0; i < f->n && off < sizeof(val); i++)
			off += (unsigned int)snprintf(val + off, sizeof(val) - off, "%s%s",
						      i ? " " : "", f->v.sv[i]);
		break;
	default:
		return;
	}
	if (f->keyed)
		fprintf(out, " %s %s", f->key, val);
	else
		fprintf(out, "%s%*s%s", f->label, f->width, val, f->suffix ? f->suffix : "");
}

static void rec_text(FILE *out, const struct record *r)
{
	for (unsigned int i = 0; i < r->n; i++)
		if ((r->f[i].label || r->f[i].keyed) && !r->f[i].metric_only)
			field_text(out, &r->f[i]);
	fputc('\n', out);
}

static void field_json(struct json *j, const struct rfield *f)
{
	if (f->key)
		json_key(j, f->key);
	switch (f->kind) {
	case R_STR:
		json_str(j, f->v.s ? f->v.s : "");
		break;
	case R_U64:
	case R_US_AS_MS:
		json_u64(j, f->v.u);
		break;
	case R_FLAG:
	case R_YESNO:
		json_bool(j, f->v.b);
		break;
	case R_STRV:
		json_arr_begin(j);
		for (unsigned int i = 0; i < f->n; i++)
			json_str(j, f->v.sv[i]);
		json_arr_end(j);
		break;
	case R_OBJ:
		json_obj_begin(j);
		break;
	case R_OBJ_END:
		json_obj_end(j);
		break;
	case R_ARR:
		json_arr_begin(j);
		break;
	case R_ARR_END:
		json_arr_end(j);
		break;
	}
}

static void rec_json(struct json *j, const struct record *r)
{
	for (unsigned int i = 0; i < r->n; i++) {
		const struct rfield *f = &r->f[i];
		bool closes = f->kind == R_OBJ_END || f->kind == R_ARR_END;
		bool opens = f->kind == R_OBJ || f->kind == R_ARR;

		/* Text-only fields have neither key nor structure. */
		if ((f->key || closes || opens) && !f->metric_only)
			field_json(j, f);
	}
}

/* --- devices as discovered -------------------------------------------------- */

void report_human_size(char *out, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "B", "KB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1000.0 && u < sizeof(units) / sizeof(units[0]) - 1) {
		v /= 1000.0;
		u++;
	}
	if (u == 0)
		snprintf(out, len, "%lluB", (unsigned long long)bytes);
	else
		snprintf(out, len, "%.3f%s", v, units[u]);
}

/* Strings a record points at live here until it is rendered. */
struct dev_view {
	struct aoe_dev_info info;
	struct aoe_target_info t[AOE_MAX_TARGETS];
	char macs[AOE_MAX_TARGETS][AOE_MAC_STR_LEN];
	char size[32];
	char ifaces[128];
	char path[256];
};

static void dev_view_ifaces(struct dev_view *v);

static void dev_view_load(struct dev_view *v, const struct aoe_dev *d,
			  const struct report_export *ex)
{
	aoe_dev_get_info(d, &v->info);
	for (unsigned int i = 0; i < v->info.ntargets; i++) {
		aoe_dev_get_target(d, i, &v->t[i]);
		aoe_format_mac(v->macs[i], v->t[i].mac);
	}
	report_human_size(v->size, sizeof(v->size), v->info.bytes);
	v->path[0] = '\0';
	if (ex && ex->path)
		ex->path(ex->priv, d, v->path, sizeof(v->path));
	dev_view_ifaces(v);
}

static void dev_discover_record(struct record *r, const struct dev_view *v)
{
	const struct aoe_dev_info *d = &v->info;
	const struct ata_identity *id = &d->id;

	FIELD(r, R_OBJ);
	FIELD(r, R_STR, .key = "name", .label = "", .width = -8, .v.s = d->name);
	FIELD(r, R_STR, .label = " ", .width = 10, .v.s = v->size);
	FIELD(r, R_U64, .key = "shelf", .v.u = d->shelf);
	FIELD(r, R_U64, .key = "slot", .v.u = d->slot);
	FIELD(r, R_U64, .key = "sectors", .label = "  ", .suffix = " sectors", .v.u = id->sectors);
	FIELD(r, R_STR, .key = "state", .label = "  ", .v.s = aoe_dev_state_name(d->state));
	if (d->why)
		FIELD(r, R_STR, .key = "error", .label = ": ", .v.s = d->why);
	if (d->left_out)
		FIELD(r, R_STR, .key = "attach", .label = "  ",
		      .v.s = "left out by --only/--exclude");
	FIELD(r, R_U64, .key = "bytes", .v.u = d->bytes);
	FIELD(r, R_STR, .key = "model", .label = "\n         model \"", .suffix = "\"",
	      .v.s = id->model);
	FIELD(r, R_STR, .key = "serial", .label = " serial \"", .suffix = "\"", .v.s = id->serial);
	FIELD(r, R_STR, .key = "firmware", .label = " firmware \"", .suffix = "\"",
	      .v.s = id->firmware);
	FIELD(r, R_YESNO, .key = "lba48", .label = " lba48 ", .v.b = id->lba48);
	FIELD(r, R_YESNO, .key = "flush", .label = " flush ", .v.b = id->flush || id->flush_ext);
	FIELD(r, R_U64, .key = "payload", .label = "\n         payload ", .suffix = " bytes/frame,",
	      .v.u = d->payload);
	FIELD(r, R_STR, .key = "config", .label = " config \"", .suffix = "\"", .v.s = d->config);
	FIELD(r, R_ARR, .key = "targets");
	for (unsigned int i = 0; i < d->ntargets; i++) {
		const struct aoe_target_info *t = &v->t[i];

		FIELD(r, R_OBJ);
		FIELD(r, R_STR, .key = "mac", .label = "\n         target ", .v.s = v->macs[i]);
		FIELD(r, R_U64, .key = "bufcnt", .label = " bufcnt ", .v.u = t->bufcnt);
		FIELD(r, R_U64, .key = "fwver", .v.u = t->fwver);
		FIELD(r, R_U64, .key = "max_sectors", .v.u = t->max_sectors);
		FIELD(r, R_STRV, .key = "interfaces", .label = " on ", .v.sv = t->ifaces,
		      .n = t->nifaces);
		FIELD(r, R_OBJ_END);
	}
	FIELD(r, R_ARR_END);
	FIELD(r, R_OBJ_END);
}

typedef void (*dev_record_fn)(struct record *r, const struct dev_view *v);

/* Where a record goes: text, JSON, or Prometheus samples. */
struct rsink {
	FILE *out;
	struct json *j;
	struct prom *p;
	const char *root;	/* Prometheus: the object's metric name */
};

static void rec_render(const struct rsink *k, const struct record *r)
{
	if (k->p)
		prom_add(k->p, r, k->root);
	else if (k->j)
		rec_json(k->j, r);
	else
		rec_text(k->out, r);
}

/* Every device's record into k; a JSON caller opens the array around it. */
static void devices_render(const struct rsink *k, struct aoe_engine *e, dev_record_fn fn,
			   const struct report_export *ex)
{
	struct dev_view *v = calloc(1, sizeof(*v));
	struct record *r = calloc(1, sizeof(*r));
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		if (!v || !r)
			break;
		dev_view_load(v, d, ex);
		r->n = 0;
		fn(r, v);
		rec_render(k, r);
	}
	free(v);
	free(r);
}

static void devices_json(struct json *j, struct aoe_engine *e, dev_record_fn fn,
			 const struct report_export *ex)
{
	struct rsink k = { .j = j };

	json_key(j, "devices");
	json_arr_begin(j);
	devices_render(&k, e, fn, ex);
	json_arr_end(j);
}

int report_discover(FILE *out, struct aoe_engine *e, bool json)
{
	struct aoe_dev *d;
	int failed = 0, n = 0;
	struct json j;

	engine_for_each_dev(e, d) {
		n++;
		failed += aoe_dev_state(d) == DEV_FAILED;
	}
	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		devices_json(&j, e, dev_discover_record, NULL);
		json_obj_end(&j);
		return failed;
	}
	if (!n)
		fprintf(out, "no AoE devices found\n");
	devices_render(&(struct rsink){ .out = out }, e, dev_discover_record, NULL);
	return failed;
}

/* --- what attach prints ----------------------------------------------------- */

static void dev_attached_record(struct record *r, const struct dev_view *v)
{
	FIELD(r, R_STR, .label = "", .width = -10, .v.s = v->info.name);
	FIELD(r, R_STR, .label = " ", .width = 10, .v.s = v->size);
	FIELD(r, R_STR, .label = "  ", .width = -11, .v.s = aoe_dev_state_name(v->info.state));
	FIELD(r, R_STR, .label = " ", .v.s = v->path[0] ? v->path : "-");
	if (v->info.why)
		FIELD(r, R_STR, .label = "  ", .v.s = v->info.why);
}

void report_attached(FILE *out, struct aoe_engine *e, const struct report_export *ex)
{
	if (!engine_first_dev(e))
		fprintf(out, "no AoE devices found yet; aoe-xdp keeps looking every %u s\n",
			engine_rediscover_s(e));
	devices_render(&(struct rsink){ .out = out }, e, dev_attached_record, ex);
}

/* --- stat ----------------------------------------------------------------------- */

/* "i0,i1": the interfaces any target of the device is reachable on. */
static void dev_view_ifaces(struct dev_view *v)
{
	size_t off = 0;

	v->ifaces[0] = '\0';
	for (unsigned int i = 0; i < v->info.ntargets; i++) {
		for (unsigned int k = 0; k < v->t[i].nifaces; k++) {
			const char *name = v->t[i].ifaces[k];
			size_t nl = strlen(name);
			const char *hit = strstr(v->ifaces, name);

			/* Listed already (as a whole name)? */
			while (hit && ((hit != v->ifaces && hit[-1] != ',') ||
				       (hit[nl] && hit[nl] != ',')))
				hit = strstr(hit + 1, name);
			if (!hit && off < sizeof(v->ifaces))
				off += (size_t)snprintf(v->ifaces + off, sizeof(v->ifaces) - off,
							"%s%s", off ? "," : "", name);
		}
	}
}

static unsigned int strv_len(const char *const *v)
{
	unsigned int n = 0;

	while (v[n])
		n++;
	return n;
}

/* Metric kinds, short: they end most field descriptions below. */
#define CNT	.m = M_COUNTER
#define GAUGE	.m = M_GAUGE
#define INFO	.m = M_INFO

/* Each way to the target, with what the path MTU learned. */
static void target_paths_record(struct record *r, const struct aoe_target_info *t)
{
	FIELD(r, R_ARR, .key = "paths", .metric = "path");
	for (unsigned int i = 0; i < t->npaths; i++) {
		const struct aoe_path_info *p = &t->paths[i];

		FIELD(r, R_OBJ);
		FIELD(r, R_STR, .key = "interface", .label = "\n      path ", .v.s = p->iface,
		      .m = M_LABEL, .metric = "interface");
		FIELD(r, R_U64, .key = "sectors", .label = " sectors/frame ", .v.u = p->sectors,
		      GAUGE);
		FIELD(r, R_U64, .key = "pmtu_sectors", .label = " pmtu-fallback ",
		      .v.u = p->pmtu_sectors, GAUGE);
		FIELD(r, R_U64, .key = "pmtu_falls", .label = " falls ", .v.u = p->pmtu_falls,
		      CNT);
		FIELD(r, R_OBJ_END);
	}
	FIELD(r, R_ARR_END);
}

static void target_stat_record(struct record *r, const struct aoe_target_info *t,
			       const char *mac)
{
	FIELD(r, R_OBJ);
	FIELD(r, R_STR, .key = "mac", .label = "\n    target ", .v.s = mac, .m = M_LABEL,
	      .metric = "target");
	FIELD(r, R_U64, .key = "bufcnt", .v.u = t->bufcnt, GAUGE);
	FIELD(r, R_STRV, .key = "interfaces", .v.sv = t->ifaces, .n = t->nifaces);
	FIELD(r, R_FLAG, .key = "tainted", .label = " TAINTED", .v.b = t->tainted, GAUGE);
	FIELD(r, R_FLAG, .key = "no_flush", .label = " NO-FLUSH", .v.b = t->no_flush, GAUGE);
	FIELD(r, R_STR, .key = "identity", .v.s = t->identity, INFO);
	if (t->id_diff[0])
		FIELD(r, R_STR, .key = "refused", .label = " REFUSED: ", .v.s = t->id_diff);
	FIELD(r, R_STRV, .key = "quirks", .label = " quirks ", .v.sv = t->quirks,
	      .n = strv_len(t->quirks));
	FIELD(r, R_U64, .key = "nout", .label = " window ", .v.u = t->nout, GAUGE);
	FIELD(r, R_U64, .key = "maxout", .label = "/", .v.u = t->maxout, GAUGE);
	FIELD(r, R_U64, .key = "ssthresh", .label = "/", .v.u = t->ssthresh, GAUGE);
	FIELD(r, R_US_AS_MS, .key = "rtt_us", .label = " rtt ", .prec = 3, .v.u = t->srtt_us,
	      GAUGE);
	FIELD(r, R_US_AS_MS, .key = "rttvar_us", .label = "/", .suffix = " ms", .prec = 3,
	      .v.u = t->rttvar_us, GAUGE);
	FIELD(r, R_US_AS_MS, .key = "rto_us", .label = " rto ", .suffix = " ms", .prec = 1,
	      .v.u = t->rto_us, GAUGE);
	FIELD(r, R_U64, .key = "frames", .label = " frames ", .v.u = t->st.frames, CNT);
	FIELD(r, R_U64, .key = "retransmits", .label = " retransmits ", .v.u = t->st.retransmits,
	      CNT);
	FIELD(r, R_U64, .key = "timeouts", .label = " timeouts ", .v.u = t->st.timeouts, CNT);
	FIELD(r, R_U64, .key = "errors", .label = " errors ", .v.u = t->st.errors, CNT);
	FIELD(r, R_U64, .key = "false_alarms", .label = " false-alarms ",
	      .v.u = t->st.false_alarms, CNT);
	FIELD(r, R_U64, .key = "overloads", .label = " overloads ", .v.u = t->st.overloads, CNT);
	FIELD(r, R_U64, .key = "early", .label = " early ", .v.u = t->st.early, CNT);
	FIELD(r, R_U64, .key = "reordered", .label = " reordered ", .v.u = t->st.reordered, CNT);
	FIELD(r, R_U64, .key = "resplits", .label = " resplits ", .v.u = t->st.resplits, CNT);
	FIELD(r, R_U64, .key = "probes", .label = " probes ", .v.u = t->st.probes, CNT);
	FIELD(r, R_U64, .key = "identity_checks", .label = " identity-checks ",
	      .v.u = t->st.identity_checks, CNT);
	target_paths_record(r, t);
	FIELD(r, R_OBJ_END);
}

static void dev_guard_record(struct record *r, const struct aoe_dev_info *d)
{
	FIELD(r, R_OBJ, .key = "guard");
	FIELD(r, R_U64, .key = "in_doubt", .label = "\n    guard: in-doubt ", .v.u = d->in_doubt,
	      GAUGE);
	FIELD(r, R_U64, .key = "sectors", .label = " kept ", .suffix = " sectors",
	      .v.u = d->guard_sectors, GAUGE);
	FIELD(r, R_U64, .key = "rollbacks_caught", .label = " rollbacks-caught ",
	      .v.u = d->guard.rollbacks_caught, CNT);
	FIELD(r, R_U64, .key = "rewrites", .label = " rewritten ", .v.u = d->guard.rewrites, CNT);
	FIELD(r, R_U64, .key = "reads_served", .label = " served ", .v.u = d->guard.reads_served,
	      CNT);
	FIELD(r, R_U64, .key = "given_up", .label = " given-up ", .v.u = d->guard.given_up, CNT);
	FIELD(r, R_U64, .key = "copies_lost", .label = " lost ", .v.u = d->guard.copies_lost, CNT);
	FIELD(r, R_U64, .key = "copies_dropped", .label = " dropped ",
	      .v.u = d->guard.copies_dropped, CNT);
	FIELD(r, R_U64, .key = "held", .label = " held ", .v.u = d->guard.held, CNT);
	FIELD(r, R_U64, .key = "flushes_held", .label = " flushes-held ",
	      .v.u = d->guard.flushes_held, CNT);
	FIELD(r, R_OBJ_END);
}

static void dev_pool_record(struct record *r, const struct aoe_dev_info *d)
{
	FIELD(r, R_OBJ, .key = "pool");
	FIELD(r, R_U64, .key = "size", .label = "\n    pool ", .v.u = d->pool.size, GAUGE);
	FIELD(r, R_U64, .key = "cap", .label = "/", .v.u = d->pool.cap, GAUGE);
	FIELD(r, R_U64, .key = "high_water", .label = " high ", .v.u = d->pool.high_water, GAUGE);
	FIELD(r, R_U64, .key = "held", .label = " held ", .v.u = d->pool.held, GAUGE);
	FIELD(r, R_U64, .key = "kicks", .label = " kicks ", .v.u = d->pool.kicks, CNT);
	FIELD(r, R_OBJ_END);
}

static void dev_stat_record(struct record *r, const struct dev_view *v)
{
	const struct aoe_dev_info *d = &v->info;

	FIELD(r, R_OBJ);
	FIELD(r, R_STR, .key = "name", .label = "", .width = -10, .v.s = d->name, .m = M_LABEL,
	      .metric = "device");
	FIELD(r, R_U64, .key = "shelf", .v.u = d->shelf, INFO);
	FIELD(r, R_U64, .key = "slot", .v.u = d->slot, INFO);
	FIELD(r, R_U64, .key = "bytes", .v.u = d->bytes, GAUGE);
	FIELD(r, R_STR, .label = " ", .width = 10, .v.s = v->size);
	FIELD(r, R_U64, .key = "sectors", .v.u = d->id.sectors, GAUGE);
	FIELD(r, R_STR, .key = "interfaces", .label = "  ", .width = -12,
	      .v.s = v->ifaces[0] ? v->ifaces : "-", INFO);
	FIELD(r, R_U64, .key = "payload", .label = " ", .width = 5, .v.u = d->payload, GAUGE);
	FIELD(r, R_STR, .key = "state", .label = "  ", .width = -11,
	      .v.s = aoe_dev_state_name(d->state), INFO);
	/* The state as a number a rule can compare: 1 while up. */
	FIELD(r, R_YESNO, .key = "up", .v.b = d->state == DEV_UP, GAUGE, .metric_only = true);
	FIELD(r, R_STR, .key = "export", .label = " ", .v.s = v->path[0] ? v->path : "-", INFO);
	FIELD(r, R_STR, .key = "config", .v.s = d->config);
	if (d->why)
		FIELD(r, R_STR, .key = "error", .label = "\n    why: ", .v.s = d->why);
	FIELD(r, R_U64, .key = "requests", .label = "\n    requests ", .v.u = d->st.requests, CNT);
	FIELD(r, R_U64, .key = "frames", .label = " frames ", .v.u = d->st.frames, CNT);
	FIELD(r, R_U64, .key = "errors", .label = " errors ", .v.u = d->st.errors, CNT);
	FIELD(r, R_U64, .key = "read_bytes", .label = " read ", .suffix = " B",
	      .v.u = d->st.read_bytes, CNT);
	FIELD(r, R_U64, .key = "write_bytes", .label = " written ", .suffix = " B",
	      .v.u = d->st.write_bytes, CNT);
	FIELD(r, R_U64, .key = "flushes", .label = " flushes ", .v.u = d->st.flushes, CNT);
	FIELD(r, R_U64, .key = "flushes_unsent", .label = " unsent-flushes ",
	      .v.u = d->flushes_unsent, CNT);
	dev_guard_record(r, d);
	dev_pool_record(r, d);
	FIELD(r, R_ARR, .key = "targets", .metric = "target");
	for (unsigned int i = 0; i < d->ntargets; i++)
		target_stat_record(r, &v->t[i], v->macs[i]);
	FIELD(r, R_ARR_END);
	FIELD(r, R_OBJ_END);
}

static void iface_record(struct record *r, const struct aoe_iface *ifc,
			 const struct aoe_xdp_stats *xs, bool have_xs)
{
	uint64_t rx = 0, tx = 0, kicks = 0, full = 0;

	for (uint32_t q = 0; q < ifc->nqueues; q++) {
		rx += ifc->socks[q].st.rx_frames;
		tx += ifc->socks[q].st.tx_frames;
		kicks += ifc->socks[q].st.tx_kicks;
		full += ifc->socks[q].st.tx_ring_full;
	}
	FIELD(r, R_OBJ);
	FIELD(r, R_STR, .key = "name", .label = "", .suffix = ":", .v.s = ifc->name,
	      .m = M_LABEL, .metric = "interface");
	FIELD(r, R_STR, .key = "mode", .label = " ", .suffix = " mode,",
	      .v.s = xdp_mode_str(ifc->prog.mode), INFO);
	FIELD(r, R_U64, .key = "queues", .label = " ",
	      .suffix = ifc->nqueues == 1 ? " queue," : " queues,", .v.u = ifc->nqueues, GAUGE);
	FIELD(r, R_U64, .key = "mtu", .label = " MTU ", .suffix = ",", .v.u = ifc->mtu, GAUGE);
	FIELD(r, R_U64, .label = " rx ", .v.u = rx);
	FIELD(r, R_U64, .label = " tx ", .v.u = tx);
	FIELD(r, R_U64, .label = " kicks ", .v.u = kicks);
	FIELD(r, R_U64, .label = " tx-ring-full ", .v.u = full);
	/* UMEM chunks not taken by RX, paths, pools or frames out: what a
	 * crowded segment must not use up (README: on a shared segment). */
	FIELD(r, R_U64, .key = "umem_free", .label = " umem-free ", .v.u = ifc->umem.nfree, GAUGE);
	FIELD(r, R_U64, .key = "umem_reserve", .v.u = ifc->umem.reserve, GAUGE);
	FIELD(r, R_ARR, .key = "sockets", .metric = "socket");
	for (uint32_t q = 0; q < ifc->nqueues; q++) {
		const struct xsk_sock_stats *st = &ifc->socks[q].st;

		FIELD(r, R_OBJ);
		FIELD(r, R_U64, .key = "queue", .v.u = q, .m = M_LABEL, .metric = "queue");
		FIELD(r, R_U64, .key = "rx_frames", .v.u = st->rx_frames, CNT);
		FIELD(r, R_U64, .key = "tx_frames", .v.u = st->tx_frames, CNT);
		FIELD(r, R_U64, .key = "tx_kicks", .v.u = st->tx_kicks, CNT);
		FIELD(r, R_U64, .key = "fill_wakeups", .v.u = st->fill_wakeups, CNT);
		FIELD(r, R_U64, .key = "kicks_saved", .v.u = st->kicks_saved, CNT);
		FIELD(r, R_U64, .key = "tx_ring_full", .v.u = st->tx_ring_full, CNT);
		FIELD(r, R_U64, .key = "kick_errors", .v.u = st->kick_errors, CNT);
		FIELD(r, R_OBJ_END);
	}
	FIELD(r, R_ARR_END);
	if (have_xs) {
		FIELD(r, R_OBJ, .key = "xdp", .metric = "xdp");
		FIELD(r, R_STR, .label = "\n    xdp:");
		for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++)
			FIELD(r, R_U64, .key = f->name, .keyed = true, .v.u = xdp_stat_get(xs, f),
			      CNT);
		FIELD(r, R_OBJ_END);
	}
	FIELD(r, R_OBJ_END);
}

#define LIMIT_STATS(X) X(excluded) X(devices_capped) X(targets_capped) \
	X(paths_capped) X(path_umem_short) X(ctl_umem_short) X(unidentified_forgotten) \
	X(gone_forgotten) X(targets_forgotten) X(spares_returned)

/* What the bounds on kept state turned away or freed (engine/limits.c). */
static void limits_record(struct record *r, const struct engine_limit_stats *l)
{
	FIELD(r, R_OBJ, .key = "limits", .metric = "limits");
	FIELD(r, R_STR, .label = "\nlimits:");
	FIELD(r, R_U64, .key = "devices", .keyed = true, .v.u = l->devices, GAUGE);
#define X(n) FIELD(r, R_U64, .key = #n, .keyed = true, .v.u = l->n, CNT);
	LIMIT_STATS(X)
#undef X
	FIELD(r, R_OBJ_END);
}

#define RX_STATS(X) X(frames) X(malformed) X(not_response) X(wrong_dst) X(bad_tag) \
	X(late) X(bad_src) X(bad_addr) X(bad_cmd) X(bad_len) X(bad_echo) X(wrong_iface) X(config) \
	X(config_bad) X(config_hint)

static void rx_record(struct record *r, const struct engine_rx_stats *rx)
{
	FIELD(r, R_OBJ, .key = "received", .metric = "received");
	FIELD(r, R_STR, .label = "received:");
#define X(n) FIELD(r, R_U64, .key = #n, .keyed = true, .v.u = rx->n, CNT);
	RX_STATS(X)
#undef X
	FIELD(r, R_OBJ_END);
}

#define LOOP_STATS(X) X(passes) X(sleeps) X(submits) X(early_commits) X(spins) X(spin_misses) X(copies) \
	X(copy_bytes)

/* The event loop's costs: system calls, wake-ups, copies. */
static void loop_record(struct record *r, const struct engine_loop_stats *l)
{
	FIELD(r, R_OBJ, .key = "loop", .metric = "loop");
	FIELD(r, R_STR, .label = "\nloop:");
#define X(n) FIELD(r, R_U64, .key = #n, .keyed = true, .v.u = l->n, CNT);
	LOOP_STATS(X)
#undef X
	FIELD(r, R_OBJ_END);
}

/* Where requests' time goes (engine.h, enum engine_stage): raw sums in
 * JSON and metrics; the text is stages_text(). */
static void stages_record(struct record *r, const struct engine_stage_stats *s)
{
	FIELD(r, R_OBJ, .key = "stages", .metric = "stage");
	for (int i = 0; i < ENGINE_STAGES; i++) {
		const struct engine_stage_stat *st = &s->st[i];
		const char *name = engine_stage_name((enum engine_stage)i);

		FIELD(r, R_OBJ, .key = name, .metric = "stage");
		FIELD(r, R_STR, .key = "stage", .v.s = name, .m = M_LABEL, .metric_only = true);
		FIELD(r, R_U64, .key = "count", .v.u = st->count, CNT);
		FIELD(r, R_U64, .key = "sum_ns", .v.u = st->sum_ns, CNT);
		FIELD(r, R_U64, .key = "max_ns", .v.u = st->max_ns, GAUGE);
		FIELD(r, R_OBJ_END);
	}
	FIELD(r, R_OBJ_END);
}

/* Per stage the average and the longest, in microseconds; then what the
 * averages add up to: a request's time, stage by stage. */
static void stages_text(FILE *out, const struct engine_stage_stats *s)
{
	double total = 0;

	fprintf(out, "\nstages (us):   %9s %9s %12s\n", "avg", "max", "requests");
	for (int i = 0; i < ENGINE_STAGES; i++) {
		const struct engine_stage_stat *st = &s->st[i];
		double avg = st->count ? (double)st->sum_ns / (double)st->count / 1e3 : 0;

		total += avg;
		fprintf(out, "  %-12s %9.1f %9.1f %12llu\n", engine_stage_name((enum engine_stage)i),
			avg, (double)st->max_ns / 1e3, (unsigned long long)st->count);
	}
	fprintf(out, "  %-12s %9.1f\n", "per request", total);
}

typedef void (*iface_record_fn)(struct record *r, const struct aoe_iface *ifc);

static void iface_stat_record(struct record *r, const struct aoe_iface *ifc)
{
	struct aoe_xdp_stats xs;

	iface_record(r, ifc, &xs, !xdp_prog_stats(&ifc->prog, &xs));
}

static void ifaces_render(const struct rsink *k, struct aoe_engine *e, iface_record_fn fn)
{
	struct record *r = calloc(1, sizeof(*r));

	for (unsigned int i = 0; r && i < ENGINE_MAX_IFACES; i++) {
		struct aoe_iface *ifc = engine_iface_at(e, i);

		if (!ifc)
			continue;
		r->n = 0;
		fn(r, ifc);
		rec_render(k, r);
	}
	free(r);
}

void report_stat(FILE *out, struct aoe_engine *e, bool json, const struct report_export *ex)
{
	struct record *r = calloc(1, sizeof(*r));
	struct json j;
	struct rsink k = { .out = out, .j = json ? &j : NULL };

	if (!r)
		return;
	rx_record(r, engine_rx_stats(e));
	limits_record(r, engine_limit_stats(e));
	loop_record(r, engine_loop_stats(e));
	stages_record(r, engine_stage_stats(e));
	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		devices_json(&j, e, dev_stat_record, ex);
		json_key(&j, "interfaces");
		json_arr_begin(&j);
		ifaces_render(&k, e, iface_stat_record);
		json_arr_end(&j);
		rec_json(&j, r);
		json_obj_end(&j);
	} else {
		fprintf(out, "%-10s %10s  %-12s %5s  %-11s %s\n", "DEVICE", "SIZE", "INTERFACES",
			"PAYLD", "STATE", "EXPORT");
		devices_render(&k, e, dev_stat_record, ex);
		ifaces_render(&k, e, iface_stat_record);
		rec_text(out, r);
		stages_text(out, engine_stage_stats(e));
	}
	free(r);
}

void report_stat_prometheus(FILE *out, struct aoe_engine *e, const struct report_export *ex)
{
	struct record *r = calloc(1, sizeof(*r));
	struct prom *p = prom_new();
	struct rsink k = { .out = out, .p = p, .root = "device" };

	if (!r || !p) {
		free(r);
		prom_write(p, NULL);
		return;
	}
	devices_render(&k, e, dev_stat_record, ex);
	k.root = "interface";
	ifaces_render(&k, e, iface_stat_record);
	rx_record(r, engine_rx_stats(e));
	prom_add(p, r, "received");
	r->n = 0;
	limits_record(r, engine_limit_stats(e));
	prom_add(p, r, "limits");
	loop_record(r, engine_loop_stats(e));
	prom_add(p, r, "loop");
	r->n = 0;
	stages_record(r, engine_stage_stats(e));
	prom_add(p, r, "stage");
	prom_write(p, out);
	free(r);
}

/* --- interfaces ------------------------------------------------------------------ */

/* mac: the interface's, formatted by the caller (the record points at it). */
static void iface_list_record(struct record *r, const struct aoe_iface *ifc, const char *mac)
{
	FIELD(r, R_OBJ);
	FIELD(r, R_STR, .key = "name", .label = "", .width = -16, .v.s = ifc->name);
	FIELD(r, R_U64, .key = "ifindex", .v.u = (uint64_t)ifc->ifindex);
	FIELD(r, R_STR, .key = "mode", .label = " ", .width = -7,
	      .v.s = xdp_mode_str(ifc->prog.mode));
	FIELD(r, R_U64, .key = "queues", .label = " ", .width = 6, .v.u = ifc->nqueues);
	FIELD(r, R_U64, .key = "mtu", .label = " ", .width = 6, .v.u = ifc->mtu);
	FIELD(r, R_YESNO, .key = "multi_buffer", .label = " ", .width = 9, .v.b = ifc->sg);
	FIELD(r, R_STR, .key = "mac", .label = "  ", .v.s = mac);
	FIELD(r, R_OBJ_END);
}

void report_interfaces(FILE *out, struct aoe_engine *e, bool json)
{
	struct record *r = calloc(1, sizeof(*r));
	struct json j;
	char mac[AOE_MAC_STR_LEN];

	if (!r)
		return;
	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		json_key(&j, "interfaces");
		json_arr_begin(&j);
	} else {
		fprintf(out, "%-16s %-7s %6s %6s %9s  %s\n", "INTERFACE", "MODE", "QUEUES", "MTU",
			"MULTIBUF", "MAC");
	}
	for (unsigned int i = 0; i < ENGINE_MAX_IFACES; i++) {
		struct aoe_iface *ifc = engine_iface_at(e, i);

		if (!ifc)
			continue;
		r->n = 0;
		aoe_format_mac(mac, ifc->mac);
		iface_list_record(r, ifc, mac);
		if (json)
			rec_json(&j, r);
		else
			rec_text(out, r);
	}
	if (json) {
		json_arr_end(&j);
		json_obj_end(&j);
		fputc('\n', out);
	}
	free(r);
}

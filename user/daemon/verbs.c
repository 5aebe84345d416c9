// SPDX-License-Identifier: GPL-2.0
/*
 * config (aoecfg), mask, reserve and ping (aoeping): each is one engine
 * admin request (ping: one per round) to every target of a device. The
 * control connection waits; the request's done() answers it with one line
 * per target (ping: per target and path), or one JSON document.
 *
 * Exit status, as aoetools' tools give it: 0 when every target answered
 * and did what was asked (config --test/--prefix: when one matched; ping:
 * when every target answered on some path), 1 otherwise (each line says
 * why), 2 for a usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "daemon.h"
#include "lib/json.h"
#include "proto/aoe_codec.h"
#include "reply.h"
#include "verbs.h"

#define PING_PATHS	(AOE_MAX_TARGETS * AOE_MAX_PATHS)

struct verb_job;

/* How a verb shows its replies: text lines or JSON fields for one reply,
 * and whether that reply is a success. */
struct verb_kind {
	const char *name;
	void (*text)(const struct verb_job *j, const struct aoe_admin_reply *r, FILE *out);
	void (*json)(const struct verb_job *j, const struct aoe_admin_reply *r, struct json *js);
	bool (*ok)(const struct verb_job *j, const struct aoe_admin_reply *r);
	/* Exit 0 when any reply is ok (config tests), rather than all. */
	bool any;
};

/* Round trips of one path (ping). */
struct ping_path {
	uint8_t mac[AOE_ETH_ALEN];
	char iface[IF_NAMESIZE];
	unsigned int sent, answered, errors;
	uint64_t min_ns, max_ns, sum_ns;
};

struct verb_job {
	struct aoe_admin a;
	struct daemon *dm;
	struct ctl_conn *conn;
	const struct verb_kind *kind;
	char dev_name[AOE_NAME_LEN];	/* looked up for each request: flush may
					 * take the device meanwhile */
	bool json;
	/* What the request points at. */
	uint8_t str[AOE_CFG_STR_MAX];
	struct aoe_mask_dir dirs[2];
	uint8_t macs[CTL_MAX_ARGS][AOE_ETH_ALEN];
	/* ping */
	unsigned int rounds_left, count;
	struct ping_path paths[PING_PATHS];
	unsigned int npaths;
};

/* --- what every reply says ----------------------------------------------------- */

/* Bytes from a target, printable: '?' for the others. */
static void printable(char *out, const uint8_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = isprint(in[i]) ? (char)in[i] : '?';
	out[n] = '\0';
}

static void reply_where(const struct aoe_admin_reply *r, char *buf, size_t len)
{
	char mac[AOE_MAC_STR_LEN];

	aoe_format_mac(mac, r->mac);
	if (r->has_vlan)
		snprintf(buf, len, "target %s on %s vlan %u", mac, r->iface, r->vlan & 0xfff);
	else
		snprintf(buf, len, "target %s on %s", mac, r->iface);
}

/* What went wrong with a reply, for a person. */
static void reply_problem(const struct verb_job *j, const struct aoe_admin_reply *r, char *buf,
			  size_t len)
{
	switch (r->res) {
	case -ETIMEDOUT:
		/* A target stays silent when its string does not match. */
		snprintf(buf, len, "%sno answer within %u ms", j->kind->any ? "no match: " : "",
			 j->a.timeout_ms);
		return;
	case -EREMOTEIO:
		snprintf(buf, len, "refused: %s (AoE error %u)", aoe_error_str(r->aoe_error),
			 r->aoe_error);
		return;
	case -EIO:
		snprintf(buf, len, "ATA error: status 0x%02x error 0x%02x", r->ata_status,
			 r->ata_error);
		return;
	case -EMSGSIZE:
		snprintf(buf, len, "the request does not fit the interface's MTU");
		return;
	default:
		snprintf(buf, len, "not sent: %s", strerror(-r->res));
		return;
	}
}

static const char *reply_result(const struct aoe_admin_reply *r)
{
	switch (r->res) {
	case 0: return "ok";
	case -ETIMEDOUT: return "no-answer";
	case -EREMOTEIO: return "aoe-error";
	case -EIO: return "ata-error";
	default: return "not-sent";
	}
}

static void reply_json_head(const struct verb_job *j, const struct aoe_admin_reply *r,
			    struct json *js)
{
	char mac[AOE_MAC_STR_LEN], why[160];

	aoe_format_mac(mac, r->mac);
	json_kstr(js, "mac", mac);
	json_kstr(js, "interface", r->iface);
	if (r->has_vlan)
		json_ku64(js, "vlan", r->vlan & 0xfff);
	json_kstr(js, "result", reply_result(r));
	if (r->res) {
		reply_problem(j, r, why, sizeof(why));
		json_kstr(js, "error", why);
	}
	if (r->res == -EREMOTEIO)
		json_ku64(js, "aoe_error", r->aoe_error);
	if (!r->res)
		json_ku64(js, "rtt_us", r->rtt_ns / NSEC_PER_USEC);
}

/* "e1.1 target MAC on IFACE: " and, for a reply that failed, why. True
 * when the verb's own text follows. */
static bool reply_text_head(const struct verb_job *j, const struct aoe_admin_reply *r,
			    FILE *out)
{
	char where[96], why[160];

	reply_where(r, where, sizeof(where));
	fprintf(out, "%s %s: ", j->dev_name, where);
	if (!r->res)
		return true;
	reply_problem(j, r, why, sizeof(why));
	fprintf(out, "%s\n", why);
	return false;
}

static bool reply_ok(const struct verb_job *j, const struct aoe_admin_reply *r)
{
	(void)j;
	return !r->res;
}

static void json_macs(struct json *js, const char *key, const uint8_t (*macs)[AOE_ETH_ALEN],
		      size_t stride, unsigned int n)
{
	char mac[AOE_MAC_STR_LEN];

	json_key(js, key);
	json_arr_begin(js);
	for (unsigned int i = 0; i < n; i++) {
		aoe_format_mac(mac, (const uint8_t *)macs + i * stride);
		json_str(js, mac);
	}
	json_arr_end(js);
}

static void text_macs(FILE *out, const uint8_t *macs, size_t stride, unsigned int n)
{
	char mac[AOE_MAC_STR_LEN];

	for (unsigned int i = 0; i < n; i++) {
		aoe_format_mac(mac, macs + i * stride);
		fprintf(out, " %s", mac);
	}
}

/* --- answering -------------------------------------------------------------------- */

static void job_free(struct verb_job *j)
{
	free(j);
}

static int render_replies(const struct verb_job *j, const struct aoe_admin *a, FILE *out)
{
	unsigned int good = 0;
	struct json js;

	for (unsigned int i = 0; i < a->nreplies; i++)
		good += j->kind->ok(j, &a->replies[i]);
	if (j->json) {
		json_init(&js, out);
		json_obj_begin(&js);
		json_kstr(&js, "device", j->dev_name);
		json_kstr(&js, "command", j->kind->name);
		json_key(&js, "targets");
		json_arr_begin(&js);
		for (unsigned int i = 0; i < a->nreplies; i++) {
			json_obj_begin(&js);
			reply_json_head(j, &a->replies[i], &js);
			if (!a->replies[i].res)
				j->kind->json(j, &a->replies[i], &js);
			json_obj_end(&js);
		}
		json_arr_end(&js);
		json_obj_end(&js);
		fputc('\n', out);
	} else {
		for (unsigned int i = 0; i < a->nreplies; i++)
			if (reply_text_head(j, &a->replies[i], out))
				j->kind->text(j, &a->replies[i], out);
	}
	if (j->kind->any)
		return good ? 0 : 1;
	return good == a->nreplies ? 0 : 1;
}

static int job_render(FILE *out, void *ctx)
{
	const struct verb_job *j = ctx;

	return render_replies(j, &j->a, out);
}

/* done() of config, mask and reserve. */
static void job_done(struct aoe_admin *a)
{
	struct verb_job *j = container_of(a, struct verb_job, a);

	reply_rendered(j->conn, job_render, j);
	job_free(j);
}

/* A job for the device named, or NULL when the answer is given already. */
static struct verb_job *job_new(struct daemon *dm, struct ctl_conn *c, const char *name,
				const struct verb_kind *kind, bool json, uint32_t timeout_ms)
{
	struct verb_job *j;

	if (!engine_find_dev_name(dm->eng, name)) {
		ctl_replyf(c, 1, AOE_XDP_PROG ": no device '%s'; see 'aoe-xdp stat'\n", name);
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		ctl_replyf(c, 1, "out of memory\n");
		return NULL;
	}
	j->dm = dm;
	j->conn = c;
	j->kind = kind;
	j->json = json;
	snprintf(j->dev_name, sizeof(j->dev_name), "%s", name);
	j->a.timeout_ms = timeout_ms;
	j->a.done = job_done;
	j->a.priv = j;
	return j;
}

/* Sends the job's request to the device it names now: 0, or -errno. */
static int job_send(struct verb_job *j)
{
	struct aoe_dev *d = engine_find_dev_name(j->dm->eng, j->dev_name);

	return d ? engine_admin(j->dm->eng, d, &j->a) : -ENOENT;
}

static void job_start(struct verb_job *j)
{
	int err = job_send(j);

	if (!err)
		return;
	if (err == -ENOENT)
		ctl_replyf(j->conn, 1, AOE_XDP_PROG ": %s was forgotten (flush)\n", j->dev_name);
	else if (err == -ENODEV)
		ctl_replyf(j->conn, 1, AOE_XDP_PROG ": %s has no target reachable now; see "
			   "'aoe-xdp stat'\n", j->dev_name);
	else
		ctl_replyf(j->conn, 1, AOE_XDP_PROG ": asking %s's targets failed: %s\n",
			   j->dev_name, strerror(-err));
	job_free(j);
}

/* --- config ------------------------------------------------------------------------ */

static void config_text(const struct verb_job *j, const struct aoe_admin_reply *r, FILE *out)
{
	char str[AOE_CFG_STR_MAX + 1];

	printable(str, r->cfg.str, r->cfg.cslen);
	fprintf(out, "%s\"%s\" (buffers %u, firmware 0x%04x, sectors %u)\n",
		j->a.ccmd == AOE_CCMD_TEST || j->a.ccmd == AOE_CCMD_PTEST ? "matches: " : "",
		str, r->cfg.bufcnt, r->cfg.fwver, r->cfg.scnt ? r->cfg.scnt : 2);
}

static void config_json(const struct verb_job *j, const struct aoe_admin_reply *r,
			struct json *js)
{
	char str[AOE_CFG_STR_MAX + 1];

	(void)j;
	printable(str, r->cfg.str, r->cfg.cslen);
	json_kstr(js, "config", str);
	json_ku64(js, "bufcnt", r->cfg.bufcnt);
	json_ku64(js, "fwver", r->cfg.fwver);
	json_ku64(js, "max_sectors", r->cfg.scnt ? r->cfg.scnt : 2);
}

static const struct verb_kind config_kind = {
	.name = "config", .text = config_text, .json = config_json, .ok = reply_ok,
};

static const struct verb_kind config_test_kind = {
	.name = "config", .text = config_text, .json = config_json, .ok = reply_ok, .any = true,
};

/* The one string option given, and its ccmd; -EINVAL for more than one. */
static int config_what(const struct config_opts *o, const char **str, uint8_t *ccmd)
{
	const struct { const char *s; uint8_t ccmd; } given[] = {
		{ o->set, AOE_CCMD_SET }, { o->force_set, AOE_CCMD_FSET },
		{ o->test, AOE_CCMD_TEST }, { o->prefix, AOE_CCMD_PTEST },
	};
	unsigned int n = 0;

	*str = "";
	*ccmd = AOE_CCMD_READ;
	for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); i++) {
		if (!given[i].s)
			continue;
		n++;
		*str = given[i].s;
		*ccmd = given[i].ccmd;
	}
	return n > 1 ? -EINVAL : 0;
}

void verb_config(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		 char **argv)
{
	const struct config_opts *o = opts;
	struct verb_job *j;
	const char *str;
	uint8_t ccmd;
	size_t len;

	(void)argc;
	if (config_what(o, &str, &ccmd)) {
		ctl_replyf(c, 2, AOE_XDP_PROG " config: give one of --set, --force-set, --test, "
			   "--prefix\n");
		return;
	}
	len = strlen(str);
	if (len > AOE_CFG_STR_MAX) {
		ctl_replyf(c, 2, AOE_XDP_PROG " config: the string is %zu bytes; AoE carries at "
			   "most %d\n", len, AOE_CFG_STR_MAX);
		return;
	}
	j = job_new(dm, c, argv[0], ccmd == AOE_CCMD_TEST || ccmd == AOE_CCMD_PTEST ?
		    &config_test_kind : &config_kind, o->json, o->timeout_ms);
	if (!j)
		return;
	memcpy(j->str, str, len);
	j->a.op = AOE_ADMIN_CONFIG;
	j->a.ccmd = ccmd;
	j->a.cfgstr = j->str;
	j->a.cslen = (uint16_t)len;
	job_start(j);
}

/* --- mask ----------------------------------------------------------------------------- */

static const char *merror_str(uint8_t merror)
{
	switch (merror) {
	case 1: return "unspecified error";
	case 2: return "bad directive";
	case 3: return "the list is full";
	default: return "unknown error";
	}
}

static void mask_text(const struct verb_job *j, const struct aoe_admin_reply *r, FILE *out)
{
	(void)j;
	if (r->mask.merror) {
		fprintf(out, "refused directive %u: %s (mask error %u)\n", r->mask.dircount + 1u,
			merror_str(r->mask.merror), r->mask.merror);
		return;
	}
	if (!r->mask.dircount) {
		fputs("mask list empty: every initiator may use it\n", out);
		return;
	}
	fputs("mask list:", out);
	text_macs(out, r->mask.dirs[0].mac, sizeof(r->mask.dirs[0]), r->mask.dircount);
	fputc('\n', out);
}

static void mask_json(const struct verb_job *j, const struct aoe_admin_reply *r,
		      struct json *js)
{
	(void)j;
	json_ku64(js, "merror", r->mask.merror);
	if (!r->mask.merror)
		json_macs(js, "masks", (const uint8_t (*)[AOE_ETH_ALEN])r->mask.dirs[0].mac,
			  sizeof(r->mask.dirs[0]), r->mask.dircount);
}

static bool mask_ok(const struct verb_job *j, const struct aoe_admin_reply *r)
{
	(void)j;
	return !r->res && !r->mask.merror;
}

static const struct verb_kind mask_kind = {
	.name = "mask", .text = mask_text, .json = mask_json, .ok = mask_ok,
};

void verb_mask(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
	       char **argv)
{
	const struct mask_opts *o = opts;
	struct verb_job *j;
	uint8_t n = 0;

	(void)argc;
	if (o->list && (o->add_given || o->del_given)) {
		ctl_replyf(c, 2, AOE_XDP_PROG " mask: --list reads; --add and --del edit: one "
			   "or the other\n");
		return;
	}
	j = job_new(dm, c, argv[0], &mask_kind, o->json, o->timeout_ms);
	if (!j)
		return;
	if (o->add_given) {
		j->dirs[n].dcmd = AOE_DCMD_ADD;
		memcpy(j->dirs[n++].mac, o->add.mac, AOE_ETH_ALEN);
	}
	if (o->del_given) {
		j->dirs[n].dcmd = AOE_DCMD_DEL;
		memcpy(j->dirs[n++].mac, o->del.mac, AOE_ETH_ALEN);
	}
	j->a.op = AOE_ADMIN_MASK;
	j->a.mcmd = n ? AOE_MCMD_EDIT : AOE_MCMD_READ;
	j->a.dirs = j->dirs;
	j->a.ndirs = n;
	job_start(j);
}

/* --- reserve -------------------------------------------------------------------------- */

static void reserve_text(const struct verb_job *j, const struct aoe_admin_reply *r, FILE *out)
{
	(void)j;
	if (!r->resv.nmacs) {
		fputs("not reserved\n", out);
		return;
	}
	fputs("reserved for", out);
	text_macs(out, r->resv.macs[0], AOE_ETH_ALEN, r->resv.nmacs);
	fputc('\n', out);
}

static void reserve_json(const struct verb_job *j, const struct aoe_admin_reply *r,
			 struct json *js)
{
	(void)j;
	json_macs(js, "reserved", (const uint8_t (*)[AOE_ETH_ALEN])r->resv.macs, AOE_ETH_ALEN,
		  r->resv.nmacs);
}

static const struct verb_kind reserve_kind = {
	.name = "reserve", .text = reserve_text, .json = reserve_json, .ok = reply_ok,
};

/* The MACs of the daemon's interfaces: "this host". */
static unsigned int host_macs(struct aoe_engine *e, uint8_t (*macs)[AOE_ETH_ALEN])
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < ENGINE_MAX_IFACES; i++) {
		const struct aoe_iface *ifc = engine_iface_at(e, i);

		if (ifc)
			memcpy(macs[n++], ifc->mac, AOE_ETH_ALEN);
	}
	return n;
}

static int reserve_macs(struct verb_job *j, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (aoe_parse_mac(argv[i], j->macs[i - 1])) {
			ctl_replyf(j->conn, 2, AOE_XDP_PROG " reserve: '%s' is not a MAC address "
				   "(like 02:00:5e:10:00:01)\n", argv[i]);
			return -EINVAL;
		}
	}
	return argc - 1;
}

void verb_reserve(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		  char **argv)
{
	const struct reserve_opts *o = opts;
	struct verb_job *j;
	int n;

	if (o->set + o->release + o->list > 1 || (argc > 1 && !o->set) ||
	    (o->force && !o->set && !o->release)) {
		ctl_replyf(c, 2, AOE_XDP_PROG " reserve: one of --set [MAC...], --release, --list; "
			   "--force with --set or --release\n");
		return;
	}
	j = job_new(dm, c, argv[0], &reserve_kind, o->json, o->timeout_ms);
	if (!j)
		return;
	n = reserve_macs(j, argc, argv);
	if (n < 0) {
		job_free(j);
		return;
	}
	if (o->set && !n)
		n = (int)host_macs(dm->eng, j->macs);
	j->a.op = AOE_ADMIN_RESERVE;
	j->a.rcmd = !o->set && !o->release ? AOE_RCMD_READ :
		    o->force ? AOE_RCMD_FSET : AOE_RCMD_SET;
	j->a.macs = (const uint8_t (*)[AOE_ETH_ALEN])j->macs;
	j->a.nmacs = o->release ? 0 : (uint8_t)n;
	job_start(j);
}

/* --- ping ------------------------------------------------------------------------------- */

static struct ping_path *ping_path_of(struct verb_job *j, const struct aoe_admin_reply *r)
{
	struct ping_path *p;

	for (unsigned int i = 0; i < j->npaths; i++) {
		p = &j->paths[i];
		if (!memcmp(p->mac, r->mac, AOE_ETH_ALEN) && !strcmp(p->iface, r->iface))
			return p;
	}
	if (j->npaths == PING_PATHS)
		return NULL;
	p = &j->paths[j->npaths++];
	memcpy(p->mac, r->mac, AOE_ETH_ALEN);
	memcpy(p->iface, r->iface, sizeof(p->iface));
	return p;
}

static void ping_count(struct verb_job *j, const struct aoe_admin *a)
{
	for (unsigned int i = 0; i < a->nreplies; i++) {
		const struct aoe_admin_reply *r = &a->replies[i];
		struct ping_path *p = ping_path_of(j, r);

		if (!p)
			continue;
		p->sent++;
		if (r->res) {
			p->errors += r->res != -ETIMEDOUT;
			continue;
		}
		if (!p->answered || r->rtt_ns < p->min_ns)
			p->min_ns = r->rtt_ns;
		if (r->rtt_ns > p->max_ns)
			p->max_ns = r->rtt_ns;
		p->sum_ns += r->rtt_ns;
		p->answered++;
	}
}

/* Every target answered on some path. */
static bool ping_all_answered(const struct verb_job *j)
{
	for (unsigned int i = 0; i < j->npaths; i++) {
		bool heard = false;

		for (unsigned int k = 0; k < j->npaths; k++)
			heard |= !memcmp(j->paths[k].mac, j->paths[i].mac, AOE_ETH_ALEN) &&
				 j->paths[k].answered;
		if (!heard)
			return false;
	}
	return j->npaths > 0;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static void ping_text(const struct verb_job *j, FILE *out)
{
	for (unsigned int i = 0; i < j->npaths; i++) {
		const struct ping_path *p = &j->paths[i];
		char mac[AOE_MAC_STR_LEN];

		aoe_format_mac(mac, p->mac);
		fprintf(out, "%s target %s via %s: %u/%u answered", j->dev_name, mac, p->iface,
			p->answered, p->sent);
		if (p->errors)
			fprintf(out, ", %u errors", p->errors);
		if (p->answered)
			fprintf(out, ", rtt min/avg/max %.3f/%.3f/%.3f ms", ms(p->min_ns),
				ms(p->sum_ns / p->answered), ms(p->max_ns));
		fputc('\n', out);
	}
}

static void ping_json(const struct verb_job *j, FILE *out)
{
	struct json js;

	json_init(&js, out);
	json_obj_begin(&js);
	json_kstr(&js, "device", j->dev_name);
	json_ku64(&js, "count", j->count);
	json_key(&js, "paths");
	json_arr_begin(&js);
	for (unsigned int i = 0; i < j->npaths; i++) {
		const struct ping_path *p = &j->paths[i];
		char mac[AOE_MAC_STR_LEN];

		aoe_format_mac(mac, p->mac);
		json_obj_begin(&js);
		json_kstr(&js, "mac", mac);
		json_kstr(&js, "interface", p->iface);
		json_ku64(&js, "sent", p->sent);
		json_ku64(&js, "answered", p->answered);
		json_ku64(&js, "errors", p->errors);
		if (p->answered) {
			json_ku64(&js, "rtt_min_us", p->min_ns / NSEC_PER_USEC);
			json_ku64(&js, "rtt_avg_us", p->sum_ns / p->answered / NSEC_PER_USEC);
			json_ku64(&js, "rtt_max_us", p->max_ns / NSEC_PER_USEC);
		}
		json_obj_end(&js);
	}
	json_arr_end(&js);
	json_obj_end(&js);
	fputc('\n', out);
}

static int ping_render(FILE *out, void *ctx)
{
	const struct verb_job *j = ctx;

	if (j->json)
		ping_json(j, out);
	else
		ping_text(j, out);
	return ping_all_answered(j) ? 0 : 1;
}

static void ping_answer(struct verb_job *j)
{
	reply_rendered(j->conn, ping_render, j);
	job_free(j);
}

/* One round is over: the next one, back to back, or the answer. */
static void ping_round_done(struct aoe_admin *a)
{
	struct verb_job *j = container_of(a, struct verb_job, a);

	ping_count(j, a);
	if (--j->rounds_left && !engine_stopping(j->dm->eng) && !job_send(j))
		return;
	ping_answer(j);
}

static const struct verb_kind ping_kind = { .name = "ping" };

void verb_ping(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
	       char **argv)
{
	const struct ping_opts *o = opts;
	struct verb_job *j;

	(void)argc;
	j = job_new(dm, c, argv[0], &ping_kind, o->json, o->timeout_ms);
	if (!j)
		return;
	j->a.op = AOE_ADMIN_IDENTIFY;
	j->a.done = ping_round_done;
	j->count = o->count;
	j->rounds_left = o->count;
	job_start(j);
}

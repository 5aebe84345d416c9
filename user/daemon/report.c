// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "lib/json.h"
#include "report.h"

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

#define for_each_dev(e, d) \
	for (struct list_node *pos_ = (e)->devs.next; \
	     pos_ != &(e)->devs && ((d) = container_of(pos_, struct aoe_dev, node)); \
	     pos_ = pos_->next)

static void target_ifaces_json(struct json *j, const struct aoe_target *t)
{
	json_key(j, "interfaces");
	json_arr_begin(j);
	for (unsigned int p = 0; p < t->npaths; p++)
		if (t->paths[p].ifc)
			json_str(j, t->paths[p].ifc->name);
	json_arr_end(j);
}

static void dev_discover_json(struct json *j, const struct aoe_dev *d,
			      const struct report_export *ex)
{
	char mac[18];

	(void)ex;
	json_obj_begin(j);
	json_kstr(j, "name", d->name);
	json_ku64(j, "shelf", d->shelf);
	json_ku64(j, "slot", d->slot);
	json_kstr(j, "state", dev_state_str(d->state));
	if (d->why)
		json_kstr(j, "error", d->why);
	json_ku64(j, "sectors", d->id.sectors);
	json_ku64(j, "bytes", dev_bytes(d));
	json_kstr(j, "model", d->id.model);
	json_kstr(j, "serial", d->id.serial);
	json_kstr(j, "firmware", d->id.firmware);
	json_kbool(j, "lba48", d->id.lba48);
	json_kbool(j, "flush", d->id.flush || d->id.flush_ext);
	json_ku64(j, "payload", dev_payload(d));
	json_kstr(j, "config", d->config);
	json_key(j, "targets");
	json_arr_begin(j);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		const struct aoe_target *t = d->targets[i];

		aoe_format_mac(mac, t->mac);
		json_obj_begin(j);
		json_kstr(j, "mac", mac);
		json_ku64(j, "bufcnt", t->bufcnt);
		json_ku64(j, "fwver", t->fwver);
		json_ku64(j, "max_sectors", t->scnt ? t->scnt : 2);
		target_ifaces_json(j, t);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void dev_discover_text(FILE *out, const struct aoe_dev *d)
{
	char size[32], mac[18];

	report_human_size(size, sizeof(size), dev_bytes(d));
	fprintf(out, "%-8s %10s  %llu sectors  %s%s%s\n", d->name, size,
		(unsigned long long)d->id.sectors, dev_state_str(d->state),
		d->why ? ": " : "", d->why ? d->why : "");
	fprintf(out, "         model \"%s\" serial \"%s\" firmware \"%s\" lba48 %s flush %s\n",
		d->id.model, d->id.serial, d->id.firmware, d->id.lba48 ? "yes" : "no",
		d->id.flush || d->id.flush_ext ? "yes" : "no");
	fprintf(out, "         payload %u bytes/frame, config \"%s\"\n", dev_payload(d), d->config);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		const struct aoe_target *t = d->targets[i];

		aoe_format_mac(mac, t->mac);
		fprintf(out, "         target %s bufcnt %u on", mac, t->bufcnt);
		for (unsigned int p = 0; p < t->npaths; p++)
			if (t->paths[p].ifc)
				fprintf(out, " %s", t->paths[p].ifc->name);
		fputc('\n', out);
	}
}

typedef void (*dev_json_fn)(struct json *j, const struct aoe_dev *d,
			    const struct report_export *ex);

static void json_devices(struct json *j, struct aoe_engine *e, dev_json_fn one,
			 const struct report_export *ex)
{
	struct aoe_dev *d;

	json_key(j, "devices");
	json_arr_begin(j);
	for_each_dev(e, d)
		one(j, d, ex);
	json_arr_end(j);
}

static void dev_stat_json(struct json *j, const struct aoe_dev *d,
			  const struct report_export *ex);

int report_discover(FILE *out, struct aoe_engine *e, bool json)
{
	struct aoe_dev *d;
	int failed = 0, n = 0;
	struct json j;

	for_each_dev(e, d) {
		n++;
		failed += d->state == DEV_FAILED;
	}
	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		json_devices(&j, e, dev_discover_json, NULL);
		json_obj_end(&j);
		return failed;
	}
	if (!n) {
		fprintf(out, "no AoE devices found\n");
		return 0;
	}
	for_each_dev(e, d)
		dev_discover_text(out, d);
	return failed;
}

static void export_path_of(const struct report_export *ex, const struct aoe_dev *d, char *buf,
			   size_t len)
{
	buf[0] = '\0';
	if (ex && ex->path)
		ex->path(ex->priv, d, buf, len);
}

/* "i0,i1": the interfaces any target of d is reachable on. */
static void dev_ifaces(const struct aoe_dev *d, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int s = 0; s < POOL_MAX_IFACES; s++) {
		const struct aoe_iface *ifc = d->eng->ifaces[s];
		bool used = false;

		for (unsigned int i = 0; ifc && i < d->ntargets && !used; i++)
			for (unsigned int p = 0; p < d->targets[i]->npaths; p++)
				used |= d->targets[i]->paths[p].ifc == ifc;
		if (used && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? "," : "",
						ifc->name);
	}
}

void report_attached(FILE *out, struct aoe_engine *e, const struct report_export *ex)
{
	char size[32], path[256];
	struct aoe_dev *d;
	int n = 0;

	for_each_dev(e, d) {
		report_human_size(size, sizeof(size), dev_bytes(d));
		export_path_of(ex, d, path, sizeof(path));
		fprintf(out, "%-10s %10s  %-11s %s%s%s\n", d->name, size, dev_state_str(d->state),
			path[0] ? path : "-", d->why ? "  " : "", d->why ? d->why : "");
		n++;
	}
	if (!n)
		fprintf(out, "no AoE devices found yet; aoe-xdp keeps looking every %u s\n",
			e->cfg.rediscover_s);
}

static double us_to_ms(uint32_t us)
{
	return us / 1000.0;
}

static void target_stat_text(FILE *out, const struct aoe_target *t)
{
	char mac[18];

	aoe_format_mac(mac, t->mac);
	fprintf(out, "    target %s%s window %u/%u/%u rtt %.3f/%.3f ms rto %.1f ms "
		"frames %llu retransmits %llu timeouts %llu false-alarms %llu errors %llu\n",
		mac, t->tainted ? " TAINTED" : "", t->win.nout, t->win.maxout, t->win.ssthresh,
		us_to_ms(t->rtt.srtt_us), us_to_ms(t->rtt.rttvar_us), us_to_ms(rtt_rto_us(&t->rtt)),
		(unsigned long long)t->st.frames, (unsigned long long)t->st.retransmits,
		(unsigned long long)t->st.timeouts, (unsigned long long)t->st.false_alarms,
		(unsigned long long)t->st.errors);
}

static void dev_stat_text(FILE *out, const struct aoe_dev *d, const struct report_export *ex)
{
	char size[32], ifs[128], path[256];
	const struct frame_pool *fp = &d->pool;

	report_human_size(size, sizeof(size), dev_bytes(d));
	dev_ifaces(d, ifs, sizeof(ifs));
	export_path_of(ex, d, path, sizeof(path));
	fprintf(out, "%-10s %10s  %-12s %5u  %-11s %s\n", d->name, size, ifs[0] ? ifs : "-",
		dev_payload(d), dev_state_str(d->state), path[0] ? path : "-");
	if (d->why)
		fprintf(out, "    why: %s\n", d->why);
	fprintf(out, "    requests %llu frames %llu errors %llu read %llu B written %llu B flushes %llu\n",
		(unsigned long long)d->st.requests, (unsigned long long)d->st.frames,
		(unsigned long long)d->st.errors, (unsigned long long)d->st.read_bytes,
		(unsigned long long)d->st.write_bytes, (unsigned long long)d->st.flushes);
	fprintf(out, "    pool %u/%u high %u held %u kicks %llu\n", fp->size, fp->cap,
		fp->high_water, fp->held, (unsigned long long)fp->kicks);
	for (unsigned int i = 0; i < d->ntargets; i++)
		target_stat_text(out, d->targets[i]);
}

static void iface_stat_text(FILE *out, const struct aoe_iface *ifc)
{
	struct aoe_xdp_stats xs;
	uint64_t rx = 0, tx = 0, kicks = 0, full = 0;

	for (uint32_t q = 0; q < ifc->nqueues; q++) {
		rx += ifc->socks[q].st.rx_frames;
		tx += ifc->socks[q].st.tx_frames;
		kicks += ifc->socks[q].st.tx_kicks;
		full += ifc->socks[q].st.tx_ring_full;
	}
	fprintf(out, "%s: %s mode, %u queue%s, MTU %u, rx %llu tx %llu kicks %llu tx-ring-full %llu\n",
		ifc->name, xdp_mode_str(ifc->prog.mode), ifc->nqueues, ifc->nqueues == 1 ? "" : "s",
		ifc->mtu, (unsigned long long)rx, (unsigned long long)tx,
		(unsigned long long)kicks, (unsigned long long)full);
	if (xdp_prog_stats(&ifc->prog, &xs))
		return;
	fputs("    xdp:", out);
	for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++)
		fprintf(out, " %s %llu", f->name, (unsigned long long)xdp_stat_get(&xs, f));
	fputc('\n', out);
}

#define RX_STATS(X) X(frames) X(malformed) X(not_response) X(wrong_dst) X(bad_tag) \
	X(late) X(bad_src) X(bad_addr) X(bad_cmd) X(bad_len) X(wrong_iface) X(config) X(config_bad)

static void rx_stat_text(FILE *out, const struct engine_rx_stats *rx)
{
	fputs("received:", out);
#define X(n) fprintf(out, " " #n " %llu", (unsigned long long)rx->n);
	RX_STATS(X)
#undef X
	fputc('\n', out);
}

static void rx_stat_json(struct json *j, const struct engine_rx_stats *rx)
{
	json_key(j, "received");
	json_obj_begin(j);
#define X(n) json_ku64(j, #n, rx->n);
	RX_STATS(X)
#undef X
	json_obj_end(j);
}

static void target_stat_json(struct json *j, const struct aoe_target *t)
{
	char mac[18];

	aoe_format_mac(mac, t->mac);
	json_obj_begin(j);
	json_kstr(j, "mac", mac);
	json_ku64(j, "bufcnt", t->bufcnt);
	target_ifaces_json(j, t);
	json_kbool(j, "tainted", t->tainted);
	json_ku64(j, "nout", t->win.nout);
	json_ku64(j, "maxout", t->win.maxout);
	json_ku64(j, "ssthresh", t->win.ssthresh);
	json_ku64(j, "rtt_us", t->rtt.srtt_us);
	json_ku64(j, "rttvar_us", t->rtt.rttvar_us);
	json_ku64(j, "rto_us", rtt_rto_us(&t->rtt));
	json_ku64(j, "frames", t->st.frames);
	json_ku64(j, "retransmits", t->st.retransmits);
	json_ku64(j, "timeouts", t->st.timeouts);
	json_ku64(j, "errors", t->st.errors);
	json_ku64(j, "false_alarms", t->st.false_alarms);
	json_ku64(j, "probes", t->st.probes);
	json_obj_end(j);
}

static void dev_stat_json(struct json *j, const struct aoe_dev *d, const struct report_export *ex)
{
	char path[256], ifs[128];

	export_path_of(ex, d, path, sizeof(path));
	dev_ifaces(d, ifs, sizeof(ifs));
	json_obj_begin(j);
	json_kstr(j, "name", d->name);
	json_ku64(j, "shelf", d->shelf);
	json_ku64(j, "slot", d->slot);
	json_ku64(j, "bytes", dev_bytes(d));
	json_ku64(j, "sectors", d->id.sectors);
	json_kstr(j, "state", dev_state_str(d->state));
	if (d->why)
		json_kstr(j, "error", d->why);
	json_ku64(j, "payload", dev_payload(d));
	json_kstr(j, "interfaces", ifs);
	json_kstr(j, "export", path);
	json_ku64(j, "requests", d->st.requests);
	json_ku64(j, "frames", d->st.frames);
	json_ku64(j, "errors", d->st.errors);
	json_ku64(j, "read_bytes", d->st.read_bytes);
	json_ku64(j, "write_bytes", d->st.write_bytes);
	json_ku64(j, "flushes", d->st.flushes);
	json_key(j, "pool");
	json_obj_begin(j);
	json_ku64(j, "size", d->pool.size);
	json_ku64(j, "cap", d->pool.cap);
	json_ku64(j, "high_water", d->pool.high_water);
	json_ku64(j, "held", d->pool.held);
	json_ku64(j, "kicks", d->pool.kicks);
	json_obj_end(j);
	json_key(j, "targets");
	json_arr_begin(j);
	for (unsigned int i = 0; i < d->ntargets; i++)
		target_stat_json(j, d->targets[i]);
	json_arr_end(j);
	json_obj_end(j);
}

static void iface_stat_json(struct json *j, const struct aoe_iface *ifc)
{
	struct aoe_xdp_stats xs;

	json_obj_begin(j);
	json_kstr(j, "name", ifc->name);
	json_kstr(j, "mode", xdp_mode_str(ifc->prog.mode));
	json_ku64(j, "queues", ifc->nqueues);
	json_ku64(j, "mtu", ifc->mtu);
	json_key(j, "sockets");
	json_arr_begin(j);
	for (uint32_t q = 0; q < ifc->nqueues; q++) {
		const struct xsk_sock_stats *st = &ifc->socks[q].st;

		json_obj_begin(j);
		json_ku64(j, "queue", q);
		json_ku64(j, "rx_frames", st->rx_frames);
		json_ku64(j, "tx_frames", st->tx_frames);
		json_ku64(j, "tx_kicks", st->tx_kicks);
		json_ku64(j, "tx_ring_full", st->tx_ring_full);
		json_ku64(j, "kick_errors", st->kick_errors);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (!xdp_prog_stats(&ifc->prog, &xs)) {
		json_key(j, "xdp");
		json_obj_begin(j);
		for (const struct xdp_stat_field *f = xdp_stat_fields; f->name; f++)
			json_ku64(j, f->name, xdp_stat_get(&xs, f));
		json_obj_end(j);
	}
	json_obj_end(j);
}

void report_stat(FILE *out, struct aoe_engine *e, bool json, const struct report_export *ex)
{
	struct aoe_dev *d;
	struct json j;

	if (json) {
		json_init(&j, out);
		json_obj_begin(&j);
		json_devices(&j, e, dev_stat_json, ex);
		json_key(&j, "interfaces");
		json_arr_begin(&j);
		for (unsigned int i = 0; i < POOL_MAX_IFACES; i++)
			if (e->ifaces[i])
				iface_stat_json(&j, e->ifaces[i]);
		json_arr_end(&j);
		rx_stat_json(&j, &e->rx);
		json_obj_end(&j);
		return;
	}
	fprintf(out, "%-10s %10s  %-12s %5s  %-11s %s\n", "DEVICE", "SIZE", "INTERFACES",
		"PAYLD", "STATE", "EXPORT");
	for_each_dev(e, d)
		dev_stat_text(out, d, ex);
	for (unsigned int i = 0; i < POOL_MAX_IFACES; i++)
		if (e->ifaces[i])
			iface_stat_text(out, e->ifaces[i]);
	rx_stat_text(out, &e->rx);
}

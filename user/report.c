// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "json.h"
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

static void dev_discover_json(struct json *j, const struct aoe_dev *d)
{
	char mac[18];

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
		json_key(&j, "devices");
		json_arr_begin(&j);
		for_each_dev(e, d)
			dev_discover_json(&j, d);
		json_arr_end(&j);
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

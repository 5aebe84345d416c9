// SPDX-License-Identifier: GPL-2.0
/* JSON dump of the aoe-target counters. */
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "target.h"

struct stat_entry {
	const char *group;
	const char *name;
	uint64_t value;
};

/* One object per group of TGT_STATS, one key per counter; then "quirks",
 * one key per quirk (0 for those not asked for). */
static void print_json(FILE *out, const void *arg)
{
	const struct tgt_stats *st = arg;
	const struct stat_entry entries[] = {
#define TGT_STAT_ENTRY(g, n) { #g, #n, st->g##_##n },
		TGT_STATS(TGT_STAT_ENTRY)
#undef TGT_STAT_ENTRY
	};
	const char *group = NULL;
	struct json j;

	json_init(&j, out);
	json_obj_begin(&j);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		if (!group || strcmp(group, entries[i].group)) {
			if (group)
				json_obj_end(&j);
			group = entries[i].group;
			json_key(&j, group);
			json_obj_begin(&j);
		}
		json_ku64(&j, entries[i].name, entries[i].value);
	}
	if (group)
		json_obj_end(&j);
	json_key(&j, "quirks");
	json_obj_begin(&j);
	for (unsigned int q = 0; q < TGT_NQUIRKS; q++)
		json_ku64(&j, quirk_key(q), st->quirks[q]);
	json_obj_end(&j);
	json_obj_end(&j);
}

int tgt_stats_write(const struct tgt_stats *st, const char *path)
{
	return tgt_write_file_atomic(path, print_json, st);
}

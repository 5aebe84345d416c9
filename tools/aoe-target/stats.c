// SPDX-License-Identifier: GPL-2.0
/* JSON dump of the aoe-target counters. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "target.h"

struct stat_entry {
	const char *group;
	const char *name;
	uint64_t value;
};

static void print_json(FILE *out, const void *arg)
{
	const struct tgt_stats *st = arg;
	const struct stat_entry entries[] = {
#define TGT_STAT_ENTRY(g, n) { #g, #n, st->g##_##n },
		TGT_STATS(TGT_STAT_ENTRY)
#undef TGT_STAT_ENTRY
	};
	const size_t n = sizeof(entries) / sizeof(entries[0]);
	const char *group = NULL;

	fputs("{", out);
	for (size_t i = 0; i < n; i++) {
		bool first_in_group = !group || strcmp(group, entries[i].group);

		if (first_in_group) {
			fprintf(out, "%s\n  \"%s\": {", group ? "\n  }," : "", entries[i].group);
			group = entries[i].group;
		}
		fprintf(out, "%s\n    \"%s\": %" PRIu64, first_in_group ? "" : ",",
			entries[i].name, entries[i].value);
	}
	fputs("\n  }\n}\n", out);
}

int tgt_stats_write(const struct tgt_stats *st, const char *path)
{
	return tgt_write_file_atomic(path, print_json, st);
}

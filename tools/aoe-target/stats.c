// SPDX-License-Identifier: GPL-2.0
/* JSON dump of the aoe-target counters. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stats.h"

struct stat_entry {
	const char *group;
	const char *name;
	uint64_t value;
};

static void print_json(const struct tgt_stats *st, FILE *out)
{
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
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	print_json(st, f);
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

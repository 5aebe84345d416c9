// SPDX-License-Identifier: GPL-2.0
/* The quirk table's names and help; what each quirk does is where the
 * answer is built (ata.c, respond.c). */
#include <stdio.h>
#include <string.h>

#include "quirk.h"

_Static_assert(TGT_NQUIRKS < 31, "quirk bits must stay below TGT_QUIRK_HELP");

static const struct {
	const char *name, *key, *help;
} quirks[TGT_NQUIRKS] = {
#define TGT_QUIRK_ROW(e, k, n, h) [QUIRK_##e] = { n, #k, h },
	TGT_QUIRKS(TGT_QUIRK_ROW)
#undef TGT_QUIRK_ROW
};

const char *quirk_name(enum tgt_quirk q)
{
	return quirks[q].name;
}

const char *quirk_key(enum tgt_quirk q)
{
	return quirks[q].key;
}

unsigned int quirk_bit(const char *name)
{
	for (unsigned int q = 0; q < TGT_NQUIRKS; q++)
		if (!strcmp(name, quirks[q].name))
			return 1u << q;
	return 0;
}

int quirk_format_list(char *buf, size_t len)
{
	size_t off = 0;

	for (unsigned int q = 0; q < TGT_NQUIRKS; q++) {
		/* Past the end only count: no pointer beyond the buffer. */
		int n = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0,
				 "  %-16s %s\n", quirks[q].name, quirks[q].help);

		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return (int)off;
}

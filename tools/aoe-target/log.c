// SPDX-License-Identifier: GPL-2.0
/* aoe-target messages: stderr, filtered by --quiet/--verbose. */
#include <stdarg.h>
#include <stdio.h>

#include "target.h"

void tgt_log(const struct target *t, enum tgt_verbosity min, const char *fmt, ...)
{
	va_list ap;

	if (t->opt.verbosity < min)
		return;
	va_start(ap, fmt);
	fputs(TGT_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

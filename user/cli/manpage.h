/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AOE_MANPAGE_H
#define AOE_MANPAGE_H

#include <stddef.h>
#include <stdio.h>

#include "commands.h"

/* Writes aoe-xdp.8 (roff) from the command and option tables. */
void manpage_write(FILE *out, const struct command *const *cmds, size_t n);

#endif /* AOE_MANPAGE_H */

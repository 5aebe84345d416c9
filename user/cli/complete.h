/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AOE_COMPLETE_H
#define AOE_COMPLETE_H

#include <stddef.h>

#include "commands.h"

/* aoe-xdp --complete CWORD WORD...: argv[0] is CWORD, then the words (the
 * program's name first). Prints the candidates; returns the exit status. */
int complete_main(const struct command *const *cmds, size_t ncmds, int argc, char **argv);

#endif /* AOE_COMPLETE_H */

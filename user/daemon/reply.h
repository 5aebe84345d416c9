/* SPDX-License-Identifier: GPL-2.0 */
#ifndef AOE_REPLY_H
#define AOE_REPLY_H

#include <stdio.h>

#include "ctl.h"

/* Writes an answer's text to out; returns the exit status it carries. */
typedef int (*reply_render_fn)(FILE *out, void *ctx);

/* Renders into memory and answers c with it (or says out of memory). */
void reply_rendered(struct ctl_conn *c, reply_render_fn render, void *ctx);

#endif /* AOE_REPLY_H */

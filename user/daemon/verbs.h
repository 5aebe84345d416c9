/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aoetools' verbs the daemon answers on its control socket: config, mask,
 * reserve and ping ask a device's targets (verbs.c); flush forgets devices
 * (flush.c). Each keeps the connection and answers it when the targets
 * have (or the time is up). Their option tables are in commands.c.
 */
#ifndef AOE_VERBS_H
#define AOE_VERBS_H

#include "ctl.h"

struct daemon;

void verb_config(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		 char **argv);
void verb_mask(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
	       char **argv);
void verb_reserve(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		  char **argv);
void verb_ping(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
	       char **argv);

void verb_flush(struct daemon *dm, struct ctl_conn *c, const void *opts, int argc,
		char **argv);
/* Moves flushes on: exports gone, devices forgotten, answers sent. */
void flush_tick(struct daemon *dm);
/* True while d is being flushed: the daemon exports it no more. */
bool flush_claims(const struct daemon *dm, const struct aoe_dev *d);
/* Answers every flush still waiting (the daemon stops). */
void flush_abort(struct daemon *dm);

#endif /* AOE_VERBS_H */

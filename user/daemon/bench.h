/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `aoe-xdp bench`: a load generator inside the daemon's loop that drives
 * the engine directly (no export), for engine-only numbers.
 */
#ifndef AOE_BENCH_H
#define AOE_BENCH_H

#include "ctl.h"

struct daemon;

/* argv: bench DEV [--rw read|write|randread|randwrite] [--bs BYTES]
 *       [--qd N] [--seconds N] [--size BYTES] [--verify] [--json] */
void bench_start(struct daemon *dm, struct ctl_conn *c, int argc, char **argv);
void bench_tick(struct daemon *dm);
void bench_abort(struct daemon *dm);

#endif /* AOE_BENCH_H */

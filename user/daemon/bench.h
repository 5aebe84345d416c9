/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `aoe-xdp bench`: a load generator inside the daemon's loop that drives
 * the engine directly (no export), for engine-only numbers.
 */
#ifndef AOE_BENCH_H
#define AOE_BENCH_H

#include "ctl.h"
#include "lib/cli.h"

#define BENCH_BS_DEFAULT	4096
#define BENCH_BS_MAX		(1u << 20)
#define BENCH_QD_DEFAULT	32
#define BENCH_QD_MAX		256
#define BENCH_SECONDS_DEFAULT	10
#define BENCH_SIZE_MB_DEFAULT	256

struct daemon;
struct bench;
struct aoe_dev;

enum bench_rw { BENCH_READ, BENCH_WRITE, BENCH_RANDREAD, BENCH_RANDWRITE };

struct bench_opts {
	int rw;			/* enum bench_rw */
	unsigned int bs;
	unsigned int qd;
	unsigned int seconds;
	unsigned int size_mb;
	int verify;
	int json;
	int force;		/* write to a device that is exported */
};

/* bench eS.N [options]: the CLI's and the daemon's table. */
extern const struct cli_cmd bench_cmd;

/* Runs a benchmark on dev_name and answers c when it is done. */
void bench_start(struct daemon *dm, struct ctl_conn *c, const struct bench_opts *o,
		 const char *dev_name);
void bench_tick(struct daemon *dm);
/* The device a running benchmark uses. */
const struct aoe_dev *bench_device(const struct bench *b);
void bench_abort(struct daemon *dm);

#endif /* AOE_BENCH_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deterministic fault injection. Every kind of fault draws from its own
 * pseudo-random stream, seeded from --seed, so a run is reproducible and
 * turning one fault on does not change which requests another one hits.
 */
#ifndef AOE_TARGET_FAULT_H
#define AOE_TARGET_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#define FAULT_PPM_MAX		1000000u	/* 100 % in parts per million */

enum fault_stream {
	FAULT_DROP,
	FAULT_DUP,
	FAULT_REORDER,
	FAULT_REORDER_DEPTH,
	FAULT_DELAY,
	FAULT_ATA_ERROR,
	FAULT_NSTREAMS,
};

/* Set by the command line: the flags are ints, as lib/cli sets them. */
struct fault_cfg {
	uint64_t seed;
	int seed_set;
	uint32_t drop_ppm;
	uint32_t dup_ppm;
	uint32_t reorder_ppm;
	uint32_t ata_error_ppm;
	uint32_t delay_ms;
	uint32_t jitter_ms;
	uint64_t stall_after;	/* ATA requests answered before the stall */
	int stall_after_set;
	int fault_all;		/* config/mask/reserve too, not just ATA */
};

struct faults {
	struct fault_cfg cfg;
	uint64_t rng[FAULT_NSTREAMS];
	uint64_t ata_seen;
	bool stalled;
};

void faults_init(struct faults *f, const struct fault_cfg *cfg);
bool faults_enabled(const struct fault_cfg *cfg);

/* True with probability ppm / 1e6; draws nothing when ppm is 0. */
bool fault_roll(struct faults *f, enum fault_stream s, uint32_t ppm);
/* How long to hold an answer: delay +- jitter (never negative), in ns. */
uint64_t fault_delay_ns(struct faults *f);
/* How many later answers a reordered one waits for: 1..FAULT_REORDER_SPAN. */
#define FAULT_REORDER_SPAN	3
unsigned int fault_reorder_depth(struct faults *f);

/* Counts one ATA request; true when the target is (now) stalled. */
bool fault_stall_on_ata(struct faults *f);
/* SIGUSR1: answer again, and forget --stall-after. */
void fault_resume(struct faults *f);

#endif /* AOE_TARGET_FAULT_H */

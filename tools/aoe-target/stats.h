/* SPDX-License-Identifier: GPL-2.0 */
/* aoe-target counters, written as JSON on exit and on SIGUSR2. */
#ifndef AOE_TARGET_STATS_H
#define AOE_TARGET_STATS_H

#include <stdint.h>

#include "quirk.h"

/* X(group, name): one JSON object per group, one key per counter. Groups
 * must stay contiguous. */
#define TGT_STATS(X)						\
	X(requests, ata_read)		/* READ SECTORS (EXT) */	\
	X(requests, ata_write)		/* WRITE SECTORS (EXT) */	\
	X(requests, ata_identify)					\
	X(requests, ata_flush)		/* FLUSH CACHE (EXT) */		\
	X(requests, ata_other)		/* aborted: unsupported */	\
	X(requests, config)						\
	X(requests, mask)						\
	X(requests, reserve)						\
	X(requests, unknown)		/* AoE error 1 */		\
	X(bytes, read)							\
	X(bytes, written)						\
	X(faults, dropped)						\
	X(faults, duplicated)						\
	X(faults, reordered)						\
	X(faults, delayed)						\
	X(faults, errored)		/* injected ATA errors */	\
	X(faults, stalled_ignored)	/* frames ignored while stalled */ \
	X(pause, started)		/* pauses begun */		\
	X(pause, queued)		/* requests taken in while paused */ \
	X(pause, dropped)		/* ... beyond --pause-backlog */	\
	X(pause, replayed)		/* queued ones executed on resume */ \
	X(answers, sent)		/* frames handed to the kernel */ \
	X(answers, ata_errors)		/* ATA error status, any cause */ \
	X(answers, aoe_errors)		/* AoE error flag, any cause */	\
	X(answers, tx_dropped)		/* sendmmsg failed for good */	\
	X(answers, held_overflow)	/* too many held answers: lost */ \
	X(answers, flushes_synced)	/* fdatasync() calls */		\
	X(ignored, invalid)		/* failed validation */		\
	X(ignored, responses)		/* R flag set: not a request */	\
	X(ignored, not_addressed)	/* other shelf.slot */		\
	X(ignored, masked)		/* source MAC not allowed */	\
	X(ignored, other_host)		/* unicast to another MAC */	\
	X(ignored, config_mismatch)	/* test/prefix test failed */	\
	X(ignored, rx_ring_full)	/* kernel dropped: ring full */

struct tgt_stats {
#define TGT_STAT_FIELD(group, name) uint64_t group##_##name;
	TGT_STATS(TGT_STAT_FIELD)
#undef TGT_STAT_FIELD
	uint64_t quirks[TGT_NQUIRKS];	/* answers each quirk shaped */
};

/* Writes the counters as JSON to path (atomically: temp file + rename). */
int tgt_stats_write(const struct tgt_stats *st, const char *path);

#endif /* AOE_TARGET_STATS_H */

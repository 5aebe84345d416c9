/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --quirk NAME: answers shaped like those of real AoE targets, so that an
 * initiator's tolerance of them is tested without third-party code. Each
 * quirk changes the answer path only, and is counted in the stats file
 * ("quirks" object) every time it shapes an answer. Sources: the target
 * survey of issue 9 (vblade 25, kvblade, ggaoed 1.1, qaoed, Plan 9 vblade).
 */
#ifndef AOE_TARGET_QUIRK_H
#define AOE_TARGET_QUIRK_H

#include <stddef.h>

/* Q(ENUM, json_key, "cli-name", "help: one line, the targets that do it") */
#define TGT_QUIRKS(Q)								\
	Q(FLUSH_ECHO, flush_echo, "flush-echo",					\
	  "FLUSH (EXT): status = command code, error = feature; flushed (ggaoed)")	\
	Q(FLUSH_ABORT, flush_abort, "flush-abort",				\
	  "FLUSH (EXT): status 0x41, error ABRT, not flushed (Plan 9 vblade)")	\
	Q(FLUSH_BADARG, flush_badarg, "flush-badarg",				\
	  "FLUSH (EXT): AoE error 2 (bad argument), not flushed (Plan 9 vblade)")	\
	Q(FLUSH_STATUS0, flush_status0, "flush-status0",			\
	  "FLUSH (EXT): status 0x00 (no DRDY), error 0xa5 (garbage); flushed (vblade)") \
	Q(FLUSH_EXT_ABORT, flush_ext_abort, "flush-ext-abort",			\
	  "FLUSH EXT aborted, IDENTIFY announces FLUSH CACHE only (vblade, kvblade)") \
	Q(SCNT_ECHO, scnt_echo, "scnt-echo",					\
	  "sector count echoed in every ATA answer, not 0 on success (ggaoed, qaoed)") \
	Q(LBA_ADVANCE, lba_advance, "lba-advance",				\
	  "READ/WRITE success: LBA = request LBA + sector count (Plan 9 vblade)")	\
	Q(NO_PAD, no_pad, "no-pad",						\
	  "no padding to 60 bytes: 36-byte ATA, 32+len config answers (kvblade, qaoed)") \
	Q(ERR_HDR_ONLY, err_hdr_only, "err-hdr-only",				\
	  "AoE error answers: the 24-byte AoE header only, zero padded (ggaoed)")

enum tgt_quirk {
#define TGT_QUIRK_ENUM(e, key, name, help) QUIRK_##e,
	TGT_QUIRKS(TGT_QUIRK_ENUM)
#undef TGT_QUIRK_ENUM
	TGT_NQUIRKS
};

/* The quirks that each say how FLUSH is answered: one at a time. */
#define TGT_QUIRKS_FLUSH_ANSWER	(1u << QUIRK_FLUSH_ECHO | 1u << QUIRK_FLUSH_ABORT |	\
				 1u << QUIRK_FLUSH_BADARG | 1u << QUIRK_FLUSH_STATUS0)
/* A bit above the quirks in tgt_options.quirks: --quirk help was given. */
#define TGT_QUIRK_HELP		(1u << 31)

/* The error register flush-status0 answers with: vblade leaves whatever
 * the register held; a fixed value with ABRT (0x04) among its bits shows
 * an initiator that reads it although ERR is clear. */
#define QUIRK_GARBAGE_ERR	0xa5

/* "flush-echo" etc., by enum; the stats file's key ("flush_echo"). */
const char *quirk_name(enum tgt_quirk q);
const char *quirk_key(enum tgt_quirk q);
/* The bit of the quirk called name, or 0. */
unsigned int quirk_bit(const char *name);
/* One line per quirk, "  flush-echo       help", into buf (like
 * snprintf: the length it needs, which may be more than len). */
int quirk_format_list(char *buf, size_t len);

#endif /* AOE_TARGET_QUIRK_H */

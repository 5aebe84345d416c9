/* SPDX-License-Identifier: GPL-2.0 */
/* ATA IDENTIFY DEVICE data (512 bytes of little-endian 16-bit words). */
#ifndef ATA_IDENTIFY_H
#define ATA_IDENTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ATA_ID_WORDS		256
#define ATA_ID_MODEL_LEN	40
#define ATA_ID_SERIAL_LEN	20
#define ATA_ID_FW_LEN		8

struct ata_identity {
	uint64_t sectors;	/* capacity in 512-byte sectors */
	bool lba48;		/* words 83/86 bit 10, and words 100-103 non-zero */
	bool flush;		/* FLUSH CACHE supported: words 83/86 bit 12 */
	bool flush_ext;		/* FLUSH CACHE EXT supported: words 83/86 bit 13 */
	char model[ATA_ID_MODEL_LEN + 1];	/* byte-swapped, trailing spaces cut */
	char serial[ATA_ID_SERIAL_LEN + 1];
	char firmware[ATA_ID_FW_LEN + 1];
};

/*
 * Parses 512 bytes of IDENTIFY data; -EBADMSG when len < 512, -EINVAL when
 * the data describes no usable capacity (id is still filled, so a log can
 * name the device). Feature words count only with their validity signature
 * (bits 15:14 = 01 in word 83, and in word 87 for word 86). Capacity is
 * capped at what the addressing can reach: 2^48 sectors with LBA48, 2^28
 * without. Strings are printable ASCII only: trailing spaces and NULs are
 * cut, any other byte outside 0x20-0x7e becomes '?'.
 */
int ata_identity_parse(const void *data, size_t len, struct ata_identity *id);

/*
 * Whether b is the same disk as a: serial, model, firmware, capacity,
 * LBA48 and flush support all equal. Returns how many of those differ;
 * out (len bytes, may be NULL) says which, e.g.
 * "serial 'A1' -> 'B2', sectors 131072 -> 262144".
 */
int ata_identity_diff(const struct ata_identity *a, const struct ata_identity *b, char *out,
		      size_t len);

/* Builds IDENTIFY data for a target of `sectors` (< 2^48) sectors
 * (tools/aoe-target, tests): LBA48, FLUSH CACHE and FLUSH CACHE EXT set,
 * words 60-61 = min(sectors, 0x0fffffff). Strings are space-padded and cut
 * at their field length; NULL reads as empty. */
void ata_identity_build(uint8_t out[512], uint64_t sectors, const char *model,
			const char *serial, const char *firmware);

/* What ata_identity_build_flags() leaves out, so a test target can look
 * like the disks that lack it: */
#define ATA_ID_BUILD_NO_FLUSH_EXT	(1u << 0)	/* FLUSH CACHE EXT (vblade, kvblade) */
#define ATA_ID_BUILD_NO_FLUSH		(1u << 1)	/* FLUSH CACHE (qaoed, aoeserver) */

/* ata_identity_build() with the features in flags (ATA_ID_BUILD_*) left
 * out of words 83 and 86; flags 0 builds the same data. */
void ata_identity_build_flags(uint8_t out[512], uint64_t sectors, const char *model,
			      const char *serial, const char *firmware, unsigned int flags);

#endif /* ATA_IDENTIFY_H */

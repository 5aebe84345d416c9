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
	bool lba48;		/* words 83/86 bit 10 */
	bool flush;		/* FLUSH CACHE (word 82 bit 12... see .c) */
	bool flush_ext;		/* words 83/86 bit 13 */
	char model[ATA_ID_MODEL_LEN + 1];	/* byte-swapped, trailing spaces cut */
	char serial[ATA_ID_SERIAL_LEN + 1];
	char firmware[ATA_ID_FW_LEN + 1];
};

/* Parses 512 bytes of IDENTIFY data; -EBADMSG when len < 512, -EINVAL when
 * the data describes no usable capacity. Strings are printable ASCII only. */
int ata_identity_parse(const void *data, size_t len, struct ata_identity *id);

/* Builds IDENTIFY data for a target of `sectors` sectors (tools/aoe-target,
 * tests): LBA48, FLUSH CACHE and FLUSH CACHE EXT set. */
void ata_identity_build(uint8_t out[512], uint64_t sectors, const char *model,
			const char *serial, const char *firmware);

#endif /* ATA_IDENTIFY_H */

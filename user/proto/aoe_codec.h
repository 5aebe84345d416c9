/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AoE frame encode/decode. Decoders treat every frame as hostile: they never
 * read past len, return 0 or -errno, and on error point *why at a static
 * string that says what was wrong (for counters and debug logs).
 *
 *   -EBADMSG   truncated, or a length field that runs past the frame
 *   -EPROTO    not AoE (ethertype), or wrong AoE version
 *   -EINVAL    a field with a value the protocol forbids (e.g. cslen > 1024),
 *              or a command decoder given another command's frame
 *
 * why may be NULL. On error the view holds only what was decoded before the
 * fault (the rest is zeroed).
 *
 * Encoders write into a caller buffer of cap bytes and return the frame
 * length (padded with zeros to the 60-byte Ethernet minimum, so cap must be
 * at least 60 for short frames), -ENOSPC when cap is too small, or -EINVAL
 * for arguments the protocol cannot carry (cslen > 1024, lba >= 2^48, NULL
 * data with a non-zero length).
 */
#ifndef AOE_CODEC_H
#define AOE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aoe_wire.h"

/* A decoded AoE header; pointers point into the frame. */
struct aoe_view {
	const uint8_t *dst;	/* destination MAC */
	const uint8_t *src;	/* source MAC */
	uint16_t vlan;		/* 802.1Q TCI, valid when has_vlan */
	bool has_vlan;
	uint8_t version;
	uint8_t flags;		/* AOE_FLAG_RSP | AOE_FLAG_ERR */
	uint8_t error;
	uint16_t shelf;
	uint8_t slot;
	uint8_t cmd;
	uint32_t tag;
	const uint8_t *arg;	/* command argument, right after the AoE header */
	size_t arg_len;		/* bytes from arg to the end of the frame */
	size_t hdr_len;		/* Ethernet (+VLAN) + AoE header */
};

struct aoe_ata_view {
	uint8_t aflags;
	uint8_t errfeat;
	uint8_t scnt;
	uint8_t cmdstat;
	uint64_t lba;		/* 48 bits */
	const uint8_t *data;	/* bytes after the ATA argument */
	size_t data_len;
};

static inline bool ata_is_flush(uint8_t ata_cmd)
{
	return ata_cmd == ATA_CMD_FLUSH || ata_cmd == ATA_CMD_FLUSH_EXT;
}

/*
 * A quirk of some targets (ggaoed): FLUSH CACHE (EXT) answered with the
 * AoE error flag clear and the ATA status byte left as the command code
 * (0xE7/0xEA), never filled in. Such an answer means the flush was done.
 */
static inline bool ata_flush_status_echo(uint8_t ata_cmd, uint8_t status)
{
	return ata_is_flush(ata_cmd) && status == ata_cmd;
}

struct aoe_cfg_view {
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t scnt;		/* raw; use aoe_cfg_max_sectors() */
	uint8_t aoever;
	uint8_t ccmd;
	uint16_t cslen;
	const uint8_t *cfgstr;	/* cslen bytes, not NUL-terminated */
};

struct aoe_mask_view {
	uint8_t mcmd;
	uint8_t merror;
	uint8_t dircount;
	const struct aoe_mask_dir *dirs;	/* dircount entries, all inside the frame */
};

struct aoe_reserve_view {
	uint8_t rcmd;
	uint8_t nmacs;
	const uint8_t *macs;	/* nmacs * 6 bytes, all inside the frame */
};

/*
 * Ethernet (+ one 802.1Q tag) + AoE header. Checks ethertype and version.
 * The command decoders below also check that v->cmd is theirs (-EINVAL).
 * Short frames arrive padded to 60 bytes: arg_len (and an ATA data_len)
 * then includes the padding; compare lengths with aoe_len_matches().
 */
int aoe_parse(const void *frame, size_t len, struct aoe_view *v, const char **why);
int aoe_parse_ata(const struct aoe_view *v, struct aoe_ata_view *a, const char **why);
int aoe_parse_cfg(const struct aoe_view *v, struct aoe_cfg_view *c, const char **why);
int aoe_parse_mask(const struct aoe_view *v, struct aoe_mask_view *m, const char **why);
int aoe_parse_reserve(const struct aoe_view *v, struct aoe_reserve_view *r,
		      const char **why);

static inline unsigned int aoe_cfg_max_sectors(const struct aoe_cfg_view *c)
{
	return c->scnt ? c->scnt : 2;
}

static inline bool aoe_is_response(const struct aoe_view *v)
{
	return v->flags & AOE_FLAG_RSP;
}

/* Addressing and identity common to every frame we build. */
struct aoe_addr {
	uint8_t dst[AOE_ETH_ALEN];
	uint8_t src[AOE_ETH_ALEN];
	uint16_t vlan;		/* TCI, used when has_vlan */
	bool has_vlan;
	uint16_t shelf;
	uint8_t slot;
	uint32_t tag;
	uint8_t flags;		/* 0 for requests; targets set AOE_FLAG_RSP... */
	uint8_t error;
};

/* Writes Ethernet (+VLAN) + AoE header; returns its length or -ENOSPC. */
int aoe_put_header(void *buf, size_t cap, const struct aoe_addr *a, uint8_t cmd);

/*
 * ATA command frame. data/data_len are copied after the ATA argument (write
 * payload, or a response's read data); pass NULL/0 for none.
 */
struct aoe_ata_args {
	uint8_t aflags;
	uint8_t errfeat;
	uint8_t scnt;
	uint8_t cmdstat;
	uint64_t lba;
};
int aoe_build_ata(void *buf, size_t cap, const struct aoe_addr *a,
		  const struct aoe_ata_args *ata, const void *data, size_t data_len);

/* Where an ATA frame's data starts. */
static inline size_t aoe_ata_data_offset(bool has_vlan)
{
	return AOE_ATA_HDR_LEN + (has_vlan ? AOE_VLAN_HLEN : 0);
}

/*
 * Header + ATA argument only; the caller places data_len bytes at
 * aoe_ata_data_offset(a->has_vlan) itself (zero-copy into a UMEM frame).
 * Writes only outside the data area (it zeroes the padding after it).
 * Returns the frame length including data (padded), -ENOSPC or -EINVAL.
 */
int aoe_build_ata_hdr(void *buf, size_t cap, const struct aoe_addr *a,
		      const struct aoe_ata_args *ata, size_t data_len);

/* LBA fields are 48 bits: lba0..lba5 on the wire, lba0 least significant. */
#define AOE_LBA48_MAX		((1ULL << 48) - 1)

/*
 * LBA28 commands (READ/WRITE SECTORS 0x20/0x30, AOE_AFL_EXT clear) carry
 * the address in lba0..lba2 and the low nibble of lba3; the high nibble of
 * lba3 is the ATA device register: 0xE0 = LBA mode (bit 6) plus obsolete
 * bits 7 and 5, which are set by convention. So a request passes
 * aoe_ata_args.lba = aoe_lba28_encode(lba) for lba < ATA_LBA28_MAX (higher
 * bits are dropped), and aoe_lba28_decode() takes the device bits off again
 * (what a target does with an LBA28 command's lba).
 */
#define AOE_LBA28_DEVICE	0xE0

static inline uint64_t aoe_lba28_encode(uint32_t lba)
{
	uint64_t low = lba & 0x00ffffffu;
	uint64_t lba3 = AOE_LBA28_DEVICE | ((lba >> 24) & 0x0f);

	return low | lba3 << 24;
}

static inline uint32_t aoe_lba28_decode(uint64_t lba)
{
	return (uint32_t)(lba & (ATA_LBA28_MAX - 1));
}

/* Config command (query from an initiator, or a target's answer). */
struct aoe_cfg_args {
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t scnt;
	uint8_t ccmd;
	const void *cfgstr;
	uint16_t cslen;		/* at most AOE_CFG_STR_MAX */
};
int aoe_build_cfg(void *buf, size_t cap, const struct aoe_addr *a,
		  const struct aoe_cfg_args *cfg);

int aoe_build_mask(void *buf, size_t cap, const struct aoe_addr *a, uint8_t mcmd,
		   uint8_t merror, const struct aoe_mask_dir *dirs, uint8_t dircount);
int aoe_build_reserve(void *buf, size_t cap, const struct aoe_addr *a, uint8_t rcmd,
		      const uint8_t (*macs)[AOE_ETH_ALEN], uint8_t nmacs);

/* Frame lengths the initiator expects back, before Ethernet padding. */
static inline size_t aoe_ata_rsp_len(bool has_vlan, size_t data_len)
{
	return aoe_ata_data_offset(has_vlan) + data_len;
}

/*
 * True when a received frame of got bytes is exactly a frame of want bytes,
 * allowing only the padding up to the Ethernet minimum that short frames get.
 */
static inline bool aoe_len_matches(size_t got, size_t want)
{
	if (got == want)
		return true;
	return want < AOE_ETH_ZLEN && got == AOE_ETH_ZLEN;
}

/*
 * An answer's length as real targets send it (README: compatibility): at
 * least want bytes, padded or not (36-byte write answers are common), and
 * at most a few bytes more than either (a CRC, a stray header), never a
 * frame with room for data it should not carry.
 */
#define AOE_ANSWER_SLACK	16

static inline bool aoe_answer_len_ok(size_t got, size_t want)
{
	size_t max = want + AOE_ANSWER_SLACK;

	if (max < AOE_ETH_ZLEN + AOE_VLAN_HLEN)
		max = AOE_ETH_ZLEN + AOE_VLAN_HLEN;
	return got >= want && got <= max;
}

/* Human strings for logs and stat output (never NULL). */
const char *aoe_error_str(uint8_t error);
const char *aoe_cmd_str(uint8_t cmd);
/* "aa:bb:cc:dd:ee:ff" and its NUL. */
#define AOE_MAC_STR_LEN		18
/* Lower case, NUL-terminated; returns 0. */
int aoe_format_mac(char out[AOE_MAC_STR_LEN], const uint8_t mac[AOE_ETH_ALEN]);
/* Exactly that form (either case of hex digits); -EINVAL otherwise, and
 * mac is left untouched. */
int aoe_parse_mac(const char *s, uint8_t mac[AOE_ETH_ALEN]);

#endif /* AOE_CODEC_H */

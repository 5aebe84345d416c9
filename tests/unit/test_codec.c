// SPDX-License-Identifier: GPL-2.0
/*
 * AoE codec tests. Tables hold no pointers: Criterion runs each case in a
 * fresh process, so a case names its frame (kind, VLAN, variable-part size),
 * what to cut or overwrite, and what the decoders must say. Frames under
 * test are copied into a heap block of exactly their length, so any read
 * past the end is an AddressSanitizer failure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "proto/aoe_codec.h"

#define FRAME_CAP	9216	/* jumbo frame and then some */
#define MAX_POKES	3
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum frame_kind { FK_ATA, FK_CFG, FK_MASK, FK_RESERVE };

/* A frame the builders make: n is ATA data bytes, cslen, dircount or nmacs. */
struct frame_spec {
	enum frame_kind kind;
	bool vlan;
	unsigned int n;
	unsigned int extra;	/* trailing bytes appended after the frame */
};

/* Offsets in a case are relative to one of these points of the frame;
 * W_NONE (a zeroed entry) means no cut or no poke. */
enum where { W_NONE, W_FRAME, W_ETHERTYPE, W_AOE, W_ARG };

struct poke {
	enum where at;
	int off;
	uint8_t val;
};

/* --- frames with known contents ------------------------------------------ */

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + 1);
}

static void fill_pattern(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(i);
}

static void fill_cfgstr(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = (char)('a' + i % 26);
}

static void fill_dirs(struct aoe_mask_dir *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		d[i].res = 0;
		d[i].dcmd = i % 3;
		fill_pattern(d[i].mac, AOE_ETH_ALEN);
		d[i].mac[5] = (uint8_t)i;
	}
}

static struct aoe_addr default_addr(bool vlan)
{
	struct aoe_addr a = {
		.dst = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },
		.src = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
		.vlan = 0x2005,		/* priority 1, VLAN 5 */
		.has_vlan = vlan,
		.shelf = 7,
		.slot = 3,
		.tag = AOE_TAG_USER_BIT | 0x1234,
	};
	return a;
}

static const struct aoe_ata_args default_ata = {
	.aflags = AOE_AFL_EXT | AOE_AFL_WRITE,
	.scnt = 2,
	.cmdstat = ATA_CMD_WRITE_EXT,
	.lba = 0x123456789abcULL,
};

/* The variable parts every frame of a kind carries, filled once per test. */
struct payloads {
	uint8_t data[FRAME_CAP];
	char cfgstr[AOE_CFG_STR_MAX];
	struct aoe_mask_dir dirs[255];
	uint8_t macs[255][AOE_ETH_ALEN];
};

static struct payloads pl;

static void payloads_init(void)
{
	fill_pattern(pl.data, sizeof(pl.data));
	fill_cfgstr(pl.cfgstr, sizeof(pl.cfgstr));
	fill_dirs(pl.dirs, ARRAY_SIZE(pl.dirs));
	fill_pattern(pl.macs, sizeof(pl.macs));
}

static int build(const struct frame_spec *s, const struct aoe_addr *a,
		 const struct aoe_ata_args *ata, uint8_t *buf, size_t cap)
{
	struct aoe_cfg_args cfg = {
		.bufcnt = 16, .fwver = 0x4019, .scnt = 2, .ccmd = AOE_CCMD_READ,
		.cfgstr = pl.cfgstr, .cslen = (uint16_t)s->n,
	};

	switch (s->kind) {
	case FK_ATA:
		return aoe_build_ata(buf, cap, a, ata, pl.data, s->n);
	case FK_CFG:
		return aoe_build_cfg(buf, cap, a, &cfg);
	case FK_MASK:
		return aoe_build_mask(buf, cap, a, AOE_MCMD_EDIT, 0, pl.dirs, (uint8_t)s->n);
	case FK_RESERVE:
		return aoe_build_reserve(buf, cap, a, AOE_RCMD_SET,
					 (const uint8_t (*)[6])pl.macs, (uint8_t)s->n);
	}
	return -ENOTSUP;
}

static size_t arg_fixed_len(enum frame_kind kind)
{
	static const size_t len[] = {
		[FK_ATA] = AOE_ATA_LEN, [FK_CFG] = AOE_CFG_LEN,
		[FK_MASK] = AOE_MASK_LEN, [FK_RESERVE] = AOE_RESERVE_LEN,
	};
	return len[kind];
}

static size_t var_len(const struct frame_spec *s)
{
	switch (s->kind) {
	case FK_MASK:
		return s->n * AOE_MASK_DIR_LEN;
	case FK_RESERVE:
		return s->n * AOE_ETH_ALEN;
	default:
		return s->n;
	}
}

static size_t unpadded_len(const struct frame_spec *s)
{
	return AOE_FULL_HDR_LEN + (s->vlan ? AOE_VLAN_HLEN : 0) +
	       arg_fixed_len(s->kind) + var_len(s);
}

static size_t padded_len(const struct frame_spec *s)
{
	size_t len = unpadded_len(s);

	return len < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : len;
}

static size_t where_offset(enum where w, bool vlan)
{
	size_t tag = vlan ? AOE_VLAN_HLEN : 0;

	switch (w) {
	case W_ETHERTYPE:
		return 2 * AOE_ETH_ALEN + tag;
	case W_AOE:
		return AOE_ETH_HLEN + tag;
	case W_ARG:
		return AOE_FULL_HDR_LEN + tag;
	default:
		return 0;
	}
}

/* A heap copy of exactly len bytes: reading past it trips ASan. */
static uint8_t *exact_copy(const uint8_t *frame, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	cr_assert_not_null(p);
	memcpy(p, frame, len);
	return p;
}

/* Reads every byte a successful decode points at (ASan checks the range). */
static unsigned int touch(const void *p, size_t len)
{
	const volatile uint8_t *b = p;
	unsigned int sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* Runs the decoder of the frame's kind, and touches what it decoded. */
static int decode(enum frame_kind kind, const struct aoe_view *v, const char **why)
{
	struct aoe_ata_view a;
	struct aoe_cfg_view c;
	struct aoe_mask_view m;
	struct aoe_reserve_view r;
	int rc = -ENOTSUP;

	switch (kind) {
	case FK_ATA:
		rc = aoe_parse_ata(v, &a, why);
		if (!rc)
			touch(a.data, a.data_len);
		break;
	case FK_CFG:
		rc = aoe_parse_cfg(v, &c, why);
		if (!rc)
			touch(c.cfgstr, c.cslen);
		break;
	case FK_MASK:
		rc = aoe_parse_mask(v, &m, why);
		if (!rc)
			touch(m.dirs, (size_t)m.dircount * AOE_MASK_DIR_LEN);
		break;
	case FK_RESERVE:
		rc = aoe_parse_reserve(v, &r, why);
		if (!rc)
			touch(r.macs, (size_t)r.nmacs * AOE_ETH_ALEN);
		break;
	}
	return rc;
}

/* --- decoder table ------------------------------------------------------- */

struct parse_case {
	char name[64];
	struct frame_spec frame;
	enum where cut_at;	/* W_NONE: keep the whole frame */
	int cut_off;
	struct poke pokes[MAX_POKES];
	int want_parse;		/* aoe_parse */
	int want_cmd;		/* the kind's decoder, run when aoe_parse passes */
	char why[48];		/* part of the failing decoder's message */
};

#define ATA_1K(v)	{ FK_ATA, v, 1024, 0 }
#define CFG_0(v)	{ FK_CFG, v, 0, 0 }
#define CFG_64(v)	{ FK_CFG, v, 64, 0 }
#define MASK_2(v)	{ FK_MASK, v, 2, 0 }	/* padded: room for 4, 3 with VLAN */
#define MASK_8(v)	{ FK_MASK, v, 8, 0 }
#define RES_2(v)	{ FK_RESERVE, v, 2, 0 }	/* padded: room for 5 */
#define RES_8(v)	{ FK_RESERVE, v, 8, 0 }

#define KEEP		W_NONE, 0
#define CUT(w, off)	w, off
#define POKE(w, off, val)	{ w, off, val }
#define POKE16(w, off, val)	POKE(w, off, (val) >> 8), POKE(w, (off) + 1, (val) & 0xff)
#define CSLEN		((int)offsetof(struct aoe_cfg, cslen))
#define DIRCOUNT	((int)offsetof(struct aoe_mask, dircount))
#define NMACS		((int)offsetof(struct aoe_reserve, nmacs))
#define VERFL		((int)offsetof(struct aoe_hdr, verfl))
#define CMD		((int)offsetof(struct aoe_hdr, cmd))
#define OK		0, 0, ""

/* Cases that mean the same with and without an 802.1Q tag. */
#define PARSE_CASES(v, sfx)						\
	{ "cut at 0" sfx, ATA_1K(v), CUT(W_FRAME, 0), {{0}},		\
	  -EBADMSG, 0, "truncated Ethernet header" },			\
	{ "cut inside ethertype" sfx, ATA_1K(v), CUT(W_FRAME, 13), {{0}},	\
	  -EBADMSG, 0, "truncated Ethernet header" },			\
	{ "cut at AoE header" sfx, ATA_1K(v), CUT(W_AOE, 0), {{0}},	\
	  -EBADMSG, 0, "truncated AoE header" },			\
	{ "cut at AoE tag" sfx, ATA_1K(v), CUT(W_AOE, 9), {{0}},		\
	  -EBADMSG, 0, "truncated AoE header" },			\
	{ "ATA cut at argument" sfx, ATA_1K(v), CUT(W_ARG, 0), {{0}},	\
	  0, -EBADMSG, "truncated ATA argument" },			\
	{ "ATA cut in argument" sfx, ATA_1K(v), CUT(W_ARG, 11), {{0}},	\
	  0, -EBADMSG, "truncated ATA argument" },			\
	{ "ATA cut after argument" sfx, ATA_1K(v), CUT(W_ARG, 12), {{0}}, OK }, \
	{ "ATA whole" sfx, ATA_1K(v), KEEP, {{0}}, OK },			\
	{ "cfg cut in argument" sfx, CFG_64(v), CUT(W_ARG, 7), {{0}},	\
	  0, -EBADMSG, "truncated config argument" },			\
	{ "cfg cut in string" sfx, CFG_64(v), CUT(W_ARG, 8 + 63), {{0}},	\
	  0, -EBADMSG, "config string runs past the frame" },		\
	{ "cfg string to the last byte" sfx, CFG_64(v), CUT(W_ARG, 8 + 64), {{0}}, OK }, \
	{ "cfg empty string, padded" sfx, CFG_0(v), KEEP, {{0}}, OK },	\
	{ "cfg cslen one past" sfx, CFG_64(v), KEEP,			\
	  { POKE16(W_ARG, CSLEN, 65) }, 0, -EBADMSG, "runs past the frame" }, \
	{ "cfg cslen 1025" sfx, CFG_64(v), KEEP,			\
	  { POKE16(W_ARG, CSLEN, 1025) }, 0, -EINVAL, "longer than 1024" }, \
	{ "cfg cslen 0xffff" sfx, CFG_64(v), KEEP,			\
	  { POKE16(W_ARG, CSLEN, 0xffff) }, 0, -EINVAL, "longer than 1024" }, \
	{ "cfg string of 1024" sfx, { FK_CFG, v, 1024, 0 }, KEEP, {{0}}, OK }, \
	{ "cfg string of 1025 in the frame" sfx, { FK_CFG, v, 1024, 1 }, KEEP, \
	  { POKE16(W_ARG, CSLEN, 1025) }, 0, -EINVAL, "longer than 1024" }, \
	{ "mask cut in argument" sfx, MASK_8(v), CUT(W_ARG, 3), {{0}},	\
	  0, -EBADMSG, "truncated MAC mask argument" },			\
	{ "mask cut in last directive" sfx, MASK_8(v), CUT(W_ARG, 4 + 63), {{0}}, \
	  0, -EBADMSG, "directives run past the frame" },		\
	{ "mask directives to the last byte" sfx, MASK_8(v), CUT(W_ARG, 4 + 64), {{0}}, OK }, \
	{ "mask dircount 9 of 8" sfx, MASK_8(v), KEEP,			\
	  { POKE(W_ARG, DIRCOUNT, 9) }, 0, -EBADMSG, "directives run past" }, \
	{ "mask dircount 255" sfx, MASK_8(v), KEEP,			\
	  { POKE(W_ARG, DIRCOUNT, 255) }, 0, -EBADMSG, "directives run past" }, \
	{ "reserve cut in argument" sfx, RES_8(v), CUT(W_ARG, 1), {{0}},	\
	  0, -EBADMSG, "truncated reserve/release argument" },		\
	{ "reserve cut in last MAC" sfx, RES_8(v), CUT(W_ARG, 2 + 47), {{0}}, \
	  0, -EBADMSG, "MAC list runs past the frame" },		\
	{ "reserve MACs to the last byte" sfx, RES_8(v), CUT(W_ARG, 2 + 48), {{0}}, OK }, \
	{ "reserve nmacs 9 of 8" sfx, RES_8(v), KEEP,			\
	  { POKE(W_ARG, NMACS, 9) }, 0, -EBADMSG, "MAC list runs past" }, \
	{ "reserve nmacs 255" sfx, RES_8(v), KEEP,			\
	  { POKE(W_ARG, NMACS, 255) }, 0, -EBADMSG, "MAC list runs past" }, \
	{ "reserve nmacs filling the padding" sfx, RES_2(v), KEEP,	\
	  { POKE(W_ARG, NMACS, 5) }, OK },				\
	{ "reserve nmacs past the padding" sfx, RES_2(v), KEEP,	\
	  { POKE(W_ARG, NMACS, 6) }, 0, -EBADMSG, "MAC list runs past" }, \
	{ "version 0" sfx, ATA_1K(v), KEEP, { POKE(W_AOE, VERFL, 0x00) }, \
	  -EPROTO, 0, "unsupported AoE version" },			\
	{ "version 2" sfx, CFG_0(v), KEEP, { POKE(W_AOE, VERFL, 0x28) }, \
	  -EPROTO, 0, "unsupported AoE version" },			\
	{ "version 15" sfx, MASK_8(v), KEEP, { POKE(W_AOE, VERFL, 0xfc) }, \
	  -EPROTO, 0, "unsupported AoE version" },			\
	{ "version 1 all flags" sfx, RES_8(v), KEEP, { POKE(W_AOE, VERFL, 0x1f) }, OK }, \
	{ "ethertype 0x88a3" sfx, ATA_1K(v), KEEP,			\
	  { POKE(W_ETHERTYPE, 1, 0xa3) }, -EPROTO, 0, "not an AoE ethertype" }, \
	{ "ethertype IPv4" sfx, CFG_0(v), KEEP,				\
	  { POKE16(W_ETHERTYPE, 0, 0x0800) }, -EPROTO, 0, "not an AoE ethertype" }, \
	{ "ATA frame, vendor command" sfx, ATA_1K(v), KEEP,		\
	  { POKE(W_AOE, CMD, 0xf0) }, 0, -EINVAL, "another AoE command" }, \
	{ "cfg decoder on an ATA command" sfx, CFG_64(v), KEEP,		\
	  { POKE(W_AOE, CMD, AOE_CMD_ATA) }, 0, -EINVAL, "another AoE command" }, \
	{ "mask decoder on a reserve command" sfx, MASK_8(v), KEEP,	\
	  { POKE(W_AOE, CMD, AOE_CMD_RESERVE) }, 0, -EINVAL, "another AoE command" }, \
	{ "reserve decoder on a cfg command" sfx, RES_8(v), KEEP,	\
	  { POKE(W_AOE, CMD, AOE_CMD_CFG) }, 0, -EINVAL, "another AoE command" }

static struct parse_case parse_cases[] = {
	PARSE_CASES(false, ""),
	PARSE_CASES(true, " (VLAN)"),
	{ "no tag: cut after ethertype", ATA_1K(false), CUT(W_FRAME, 14), {{0}},
	  -EBADMSG, 0, "truncated AoE header" },
	{ "tag: cut after the 0x8100", ATA_1K(true), CUT(W_FRAME, 14), {{0}},
	  -EBADMSG, 0, "truncated 802.1Q tag" },
	{ "tag: cut inside inner ethertype", ATA_1K(true), CUT(W_FRAME, 17), {{0}},
	  -EBADMSG, 0, "truncated 802.1Q tag" },
	{ "two 802.1Q tags", ATA_1K(true), KEEP,
	  { POKE16(W_ETHERTYPE, 0, ETH_P_8021Q_VLAN) }, -EPROTO, 0, "not an AoE ethertype" },
	{ "mask dircount filling the padding", MASK_2(false), KEEP,
	  { POKE(W_ARG, DIRCOUNT, 4) }, OK },
	{ "mask dircount past the padding", MASK_2(false), KEEP,
	  { POKE(W_ARG, DIRCOUNT, 5) }, 0, -EBADMSG, "directives run past" },
	{ "mask dircount filling the padding (VLAN)", MASK_2(true), KEEP,
	  { POKE(W_ARG, DIRCOUNT, 3) }, OK },
	{ "mask dircount past the padding (VLAN)", MASK_2(true), KEEP,
	  { POKE(W_ARG, DIRCOUNT, 4) }, 0, -EBADMSG, "directives run past" },
	{ "802.1ad outer tag", ATA_1K(true), KEEP,
	  { POKE16(W_FRAME, 12, 0x88a8) }, -EPROTO, 0, "not an AoE ethertype" },
};

ParameterizedTestParameters(parse, table)
{
	return cr_make_param_array(struct parse_case, parse_cases, ARRAY_SIZE(parse_cases));
}

static size_t apply_case(const struct parse_case *c, uint8_t *buf, size_t len)
{
	bool vlan = c->frame.vlan;
	const struct poke *p;
	size_t cut;

	memset(buf + len, 0x5a, c->frame.extra);
	len += c->frame.extra;
	for (p = c->pokes; p < c->pokes + MAX_POKES && p->at != W_NONE; p++)
		buf[where_offset(p->at, vlan) + p->off] = p->val;
	if (c->cut_at == W_NONE)
		return len;
	cut = where_offset(c->cut_at, vlan) + c->cut_off;
	cr_assert_leq(cut, len, "%s: cut %zu past the frame (%zu)", c->name, cut, len);
	return cut;
}

ParameterizedTest(struct parse_case *c, parse, table)
{
	static uint8_t buf[FRAME_CAP];
	struct aoe_addr a = default_addr(c->frame.vlan);
	const char *why = "";
	struct aoe_view v;
	uint8_t *frame;
	int len, rc;
	size_t n;

	payloads_init();
	len = build(&c->frame, &a, &default_ata, buf, sizeof(buf));
	cr_assert_gt(len, 0, "%s: building the frame gave %d", c->name, len);
	n = apply_case(c, buf, (size_t)len);
	frame = exact_copy(buf, n);

	rc = aoe_parse(frame, n, &v, &why);
	cr_expect_eq(rc, c->want_parse, "%s: aoe_parse gave %d (%s), want %d",
		     c->name, rc, why, c->want_parse);
	if (!rc) {
		cr_expect_eq(v.hdr_len + v.arg_len, n, "%s: hdr_len + arg_len", c->name);
		cr_expect_eq(v.has_vlan, c->frame.vlan, "%s: has_vlan", c->name);
		rc = decode(c->frame.kind, &v, &why);
		cr_expect_eq(rc, c->want_cmd, "%s: decoder gave %d (%s), want %d",
			     c->name, rc, why, c->want_cmd);
	}
	if (rc)
		cr_expect(strstr(why, c->why), "%s: message \"%s\" lacks \"%s\"",
			  c->name, why, c->why);
	free(frame);
}

/* --- round trips --------------------------------------------------------- */

struct rt_case {
	char name[64];
	struct frame_spec frame;
	uint16_t shelf;
	uint8_t slot;
	uint8_t flags;
	uint8_t error;
	uint32_t tag;
	uint64_t lba;
};

#define RT_CASES(v, sfx)						\
	{ "ATA read request" sfx, { FK_ATA, v, 0, 0 }, 1, 0, 0, 0, 0x80000001u, 0 }, \
	{ "ATA one sector" sfx, { FK_ATA, v, 512, 0 }, 1, 1, AOE_FLAG_RSP, 0, 7, 1 }, \
	{ "ATA 1 KiB write" sfx, ATA_1K(v), 0, 0, 0, 0, 0xffffffffu, AOE_LBA48_MAX }, \
	{ "ATA jumbo 17 sectors" sfx, { FK_ATA, v, AOE_JUMBO_SECTORS * 512, 0 }, \
	  65534, 254, AOE_FLAG_RSP, 0, 0, 0x0000ffffffffULL },		\
	{ "ATA error response" sfx, { FK_ATA, v, 0, 0 }, 9, 9,		\
	  AOE_FLAG_RSP | AOE_FLAG_ERR, AOE_ERR_DEVUNAVAIL, 42, 0 },	\
	{ "ATA LBA28" sfx, { FK_ATA, v, 512, 0 }, 2, 3, 0, 0, 5,	\
	  0xea0bcdefULL /* aoe_lba28_encode(0x0a0bcdef) */ },		\
	{ "cfg broadcast query" sfx, CFG_0(v), AOE_SHELF_BCAST, AOE_SLOT_BCAST, \
	  0, 0, AOE_TAG_USER_BIT, 0 },					\
	{ "cfg broadcast shelf" sfx, CFG_0(v), AOE_SHELF_BCAST, 4, 0, 0, 1, 0 }, \
	{ "cfg response" sfx, CFG_64(v), 3, 1, AOE_FLAG_RSP, 0, 99, 0 },	\
	{ "cfg string of 1024" sfx, { FK_CFG, v, 1024, 0 }, 3, 1,	\
	  AOE_FLAG_RSP | AOE_FLAG_ERR, AOE_ERR_CFG_SET, 99, 0 },	\
	{ "mask read" sfx, { FK_MASK, v, 0, 0 }, 1, 2, 0, 0, 3, 0 },	\
	{ "mask 8 directives" sfx, MASK_8(v), 1, 2, AOE_FLAG_RSP, 0, 3, 0 }, \
	{ "mask 255 directives" sfx, { FK_MASK, v, 255, 0 }, 1, 2, 0, 0, 3, 0 }, \
	{ "reserve read" sfx, { FK_RESERVE, v, 0, 0 }, 5, 6, 0, 0, 7, 0 }, \
	{ "reserve 2 MACs" sfx, RES_2(v), 5, 6, AOE_FLAG_RSP, 0, 7, 0 },	\
	{ "reserve 255 MACs" sfx, { FK_RESERVE, v, 255, 0 }, 5, 6,	\
	  AOE_FLAG_RSP | AOE_FLAG_ERR, AOE_ERR_RESERVED, 7, 0 }

static struct rt_case rt_cases[] = {
	RT_CASES(false, ""),
	RT_CASES(true, " (VLAN)"),
};

ParameterizedTestParameters(roundtrip, table)
{
	return cr_make_param_array(struct rt_case, rt_cases, ARRAY_SIZE(rt_cases));
}

static void expect_header(const struct rt_case *c, const struct aoe_addr *a,
			  const struct aoe_view *v, uint8_t cmd)
{
	cr_expect_arr_eq(v->dst, a->dst, AOE_ETH_ALEN, "%s: dst", c->name);
	cr_expect_arr_eq(v->src, a->src, AOE_ETH_ALEN, "%s: src", c->name);
	cr_expect_eq(v->has_vlan, a->has_vlan, "%s: has_vlan", c->name);
	cr_expect_eq(v->vlan, a->has_vlan ? a->vlan : 0, "%s: vlan", c->name);
	cr_expect_eq(v->version, AOE_VERSION, "%s: version", c->name);
	cr_expect_eq(v->flags, c->flags, "%s: flags", c->name);
	cr_expect_eq(aoe_is_response(v), !!(c->flags & AOE_FLAG_RSP), "%s: rsp", c->name);
	cr_expect_eq(v->error, c->error, "%s: error", c->name);
	cr_expect_eq(v->shelf, c->shelf, "%s: shelf", c->name);
	cr_expect_eq(v->slot, c->slot, "%s: slot", c->name);
	cr_expect_eq(v->cmd, cmd, "%s: cmd", c->name);
	cr_expect_eq(v->tag, c->tag, "%s: tag", c->name);
	cr_expect_eq(v->hdr_len, where_offset(W_ARG, a->has_vlan), "%s: hdr_len", c->name);
}

static void expect_ata(const struct rt_case *c, const struct aoe_view *v,
		       const struct aoe_ata_args *args)
{
	struct aoe_ata_view a;

	cr_assert_eq(aoe_parse_ata(v, &a, NULL), 0, "%s: aoe_parse_ata", c->name);
	cr_expect_eq(a.aflags, args->aflags, "%s: aflags", c->name);
	cr_expect_eq(a.errfeat, args->errfeat, "%s: errfeat", c->name);
	cr_expect_eq(a.scnt, args->scnt, "%s: scnt", c->name);
	cr_expect_eq(a.cmdstat, args->cmdstat, "%s: cmdstat", c->name);
	cr_expect_eq(a.lba, args->lba, "%s: lba %#llx", c->name, (unsigned long long)a.lba);
	cr_expect_geq(a.data_len, c->frame.n, "%s: data_len", c->name);
	cr_expect_arr_eq(a.data, pl.data, c->frame.n, "%s: data", c->name);
	cr_expect(aoe_len_matches(v->hdr_len + v->arg_len,
				  aoe_ata_rsp_len(v->has_vlan, c->frame.n)),
		  "%s: aoe_len_matches", c->name);
}

static void expect_cfg(const struct rt_case *c, const struct aoe_view *v)
{
	struct aoe_cfg_view cfg;

	cr_assert_eq(aoe_parse_cfg(v, &cfg, NULL), 0, "%s: aoe_parse_cfg", c->name);
	cr_expect_eq(cfg.bufcnt, 16, "%s: bufcnt", c->name);
	cr_expect_eq(cfg.fwver, 0x4019, "%s: fwver", c->name);
	cr_expect_eq(cfg.scnt, 2, "%s: scnt", c->name);
	cr_expect_eq(aoe_cfg_max_sectors(&cfg), 2, "%s: max sectors", c->name);
	cr_expect_eq(cfg.aoever, AOE_VERSION, "%s: aoever", c->name);
	cr_expect_eq(cfg.ccmd, AOE_CCMD_READ, "%s: ccmd", c->name);
	cr_expect_eq(cfg.cslen, c->frame.n, "%s: cslen", c->name);
	cr_expect_arr_eq(cfg.cfgstr, pl.cfgstr, cfg.cslen, "%s: cfgstr", c->name);
}

static void expect_mask(const struct rt_case *c, const struct aoe_view *v)
{
	struct aoe_mask_view m;

	cr_assert_eq(aoe_parse_mask(v, &m, NULL), 0, "%s: aoe_parse_mask", c->name);
	cr_expect_eq(m.mcmd, AOE_MCMD_EDIT, "%s: mcmd", c->name);
	cr_expect_eq(m.merror, 0, "%s: merror", c->name);
	cr_expect_eq(m.dircount, c->frame.n, "%s: dircount", c->name);
	cr_expect_arr_eq(m.dirs, pl.dirs, (size_t)m.dircount * AOE_MASK_DIR_LEN,
			 "%s: directives", c->name);
}

static void expect_reserve(const struct rt_case *c, const struct aoe_view *v)
{
	struct aoe_reserve_view r;

	cr_assert_eq(aoe_parse_reserve(v, &r, NULL), 0, "%s: aoe_parse_reserve", c->name);
	cr_expect_eq(r.rcmd, AOE_RCMD_SET, "%s: rcmd", c->name);
	cr_expect_eq(r.nmacs, c->frame.n, "%s: nmacs", c->name);
	cr_expect_arr_eq(r.macs, pl.macs, (size_t)r.nmacs * AOE_ETH_ALEN, "%s: macs", c->name);
}

ParameterizedTest(struct rt_case *c, roundtrip, table)
{
	static const uint8_t cmd_of[] = {
		[FK_ATA] = AOE_CMD_ATA, [FK_CFG] = AOE_CMD_CFG,
		[FK_MASK] = AOE_CMD_MASK, [FK_RESERVE] = AOE_CMD_RESERVE,
	};
	static uint8_t buf[FRAME_CAP];
	struct aoe_addr a = default_addr(c->frame.vlan);
	struct aoe_ata_args ata = default_ata;
	struct aoe_view v;
	uint8_t *frame;
	int len;

	payloads_init();
	a.shelf = c->shelf;
	a.slot = c->slot;
	a.flags = c->flags;
	a.error = c->error;
	a.tag = c->tag;
	ata.lba = c->lba;
	len = build(&c->frame, &a, &ata, buf, sizeof(buf));
	cr_assert_eq(len, (int)padded_len(&c->frame), "%s: length %d", c->name, len);
	frame = exact_copy(buf, (size_t)len);
	cr_assert_eq(aoe_parse(frame, (size_t)len, &v, NULL), 0, "%s: aoe_parse", c->name);
	expect_header(c, &a, &v, cmd_of[c->frame.kind]);
	switch (c->frame.kind) {
	case FK_ATA:
		expect_ata(c, &v, &ata);
		break;
	case FK_CFG:
		expect_cfg(c, &v);
		break;
	case FK_MASK:
		expect_mask(c, &v);
		break;
	case FK_RESERVE:
		expect_reserve(c, &v);
		break;
	}
	free(frame);
}

/* --- builder limits ------------------------------------------------------ */

struct cap_case {
	char name[64];
	struct frame_spec frame;
	int cap_delta;		/* cap = padded length + cap_delta */
	int want;		/* 0: the padded length */
};

#define CAP_CASES(v, sfx)						\
	{ "ATA 1 KiB, exact room" sfx, ATA_1K(v), 0, 0 },		\
	{ "ATA 1 KiB, one short" sfx, ATA_1K(v), -1, -ENOSPC },	\
	{ "ATA no data, room for 60" sfx, { FK_ATA, v, 0, 0 }, 0, 0 },	\
	{ "ATA no data, no room for padding" sfx, { FK_ATA, v, 0, 0 }, -1, -ENOSPC }, \
	{ "ATA, cap below the header" sfx, { FK_ATA, v, 0, 0 }, -50, -ENOSPC }, \
	{ "ATA, cap 0" sfx, { FK_ATA, v, 0, 0 }, -60, -ENOSPC },	\
	{ "cfg 1024, exact room" sfx, { FK_CFG, v, 1024, 0 }, 0, 0 },	\
	{ "cfg 1024, one short" sfx, { FK_CFG, v, 1024, 0 }, -1, -ENOSPC }, \
	{ "cfg empty, no room for padding" sfx, CFG_0(v), -1, -ENOSPC }, \
	{ "mask 8, exact room" sfx, MASK_8(v), 0, 0 },			\
	{ "mask 8, one short" sfx, MASK_8(v), -1, -ENOSPC },		\
	{ "mask 2, no room for padding" sfx, MASK_2(v), -1, -ENOSPC },	\
	{ "reserve 8, exact room" sfx, RES_8(v), 0, 0 },		\
	{ "reserve 8, one short" sfx, RES_8(v), -1, -ENOSPC },		\
	{ "reserve 2, no room for padding" sfx, RES_2(v), -1, -ENOSPC }

static struct cap_case cap_cases[] = {
	CAP_CASES(false, ""),
	CAP_CASES(true, " (VLAN)"),
};

ParameterizedTestParameters(build, capacity)
{
	return cr_make_param_array(struct cap_case, cap_cases, ARRAY_SIZE(cap_cases));
}

ParameterizedTest(struct cap_case *c, build, capacity)
{
	struct aoe_addr a = default_addr(c->frame.vlan);
	size_t cap = padded_len(&c->frame) + c->cap_delta;
	int want = c->want ? c->want : (int)padded_len(&c->frame);
	uint8_t *buf;
	int len;

	payloads_init();
	buf = malloc(cap ? cap : 1);	/* exact: a write past cap trips ASan */
	cr_assert_not_null(buf);
	len = build(&c->frame, &a, &default_ata, buf, cap);
	cr_expect_eq(len, want, "%s: got %d, want %d", c->name, len, want);
	free(buf);
}

Test(build, pads_short_frames_with_zeros)
{
	static const struct frame_spec short_frames[] = {
		{ FK_ATA, false, 0, 0 }, { FK_ATA, true, 19, 0 }, { FK_CFG, false, 27, 0 },
		{ FK_MASK, true, 3, 0 }, { FK_RESERVE, false, 5, 0 },
	};
	struct aoe_addr a;
	uint8_t buf[128];
	size_t i, end;
	int len;

	payloads_init();
	for (i = 0; i < ARRAY_SIZE(short_frames); i++) {
		a = default_addr(short_frames[i].vlan);
		memset(buf, 0xaa, sizeof(buf));
		len = build(&short_frames[i], &a, &default_ata, buf, sizeof(buf));
		end = unpadded_len(&short_frames[i]);
		cr_assert_eq(len, AOE_ETH_ZLEN, "frame %zu: length %d", i, len);
		cr_assert_lt(end, AOE_ETH_ZLEN, "frame %zu is not short", i);
		for (; end < AOE_ETH_ZLEN; end++)
			cr_expect_eq(buf[end], 0, "frame %zu: padding byte %zu", i, end);
		cr_expect_eq(buf[AOE_ETH_ZLEN], 0xaa, "frame %zu: wrote past 60", i);
	}
}

Test(build, ata_args_reserved_bytes_are_zero)
{
	struct aoe_addr a = default_addr(false);
	uint8_t buf[128];

	memset(buf, 0xaa, sizeof(buf));
	cr_assert_eq(aoe_build_ata(buf, sizeof(buf), &a, &default_ata, NULL, 0), AOE_ETH_ZLEN);
	cr_expect_eq(buf[AOE_FULL_HDR_LEN + offsetof(struct aoe_ata, res)], 0);
	cr_expect_eq(buf[AOE_FULL_HDR_LEN + offsetof(struct aoe_ata, res) + 1], 0);
}

struct ata_hdr_case {
	char name[48];
	bool vlan;
	unsigned int data_len;
};

static struct ata_hdr_case ata_hdr_cases[] = {
	{ "no data", false, 0 },
	{ "4 bytes, padded", false, 4 },
	{ "4 bytes, padded (VLAN)", true, 4 },
	{ "1 KiB", false, 1024 },
	{ "1 KiB (VLAN)", true, 1024 },
};

ParameterizedTestParameters(build, ata_hdr)
{
	return cr_make_param_array(struct ata_hdr_case, ata_hdr_cases,
				   ARRAY_SIZE(ata_hdr_cases));
}

/* aoe_build_ata_hdr leaves the data area to the caller and zeroes only the
 * padding after it; the result is the same frame aoe_build_ata makes. */
ParameterizedTest(struct ata_hdr_case *c, build, ata_hdr)
{
	static uint8_t hdr_only[2048], whole[2048];
	struct aoe_addr a = default_addr(c->vlan);
	size_t off = aoe_ata_data_offset(c->vlan), i;
	int len, want;

	payloads_init();
	want = (int)aoe_ata_rsp_len(c->vlan, c->data_len);
	want = want < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : want;
	memset(hdr_only, 0xaa, sizeof(hdr_only));
	len = aoe_build_ata_hdr(hdr_only, sizeof(hdr_only), &a, &default_ata, c->data_len);
	cr_assert_eq(len, want, "%s: length %d, want %d", c->name, len, want);
	for (i = off; i < off + c->data_len; i++)
		cr_expect_eq(hdr_only[i], 0xaa, "%s: wrote data byte %zu", c->name, i);
	for (; i < (size_t)len; i++)
		cr_expect_eq(hdr_only[i], 0, "%s: padding byte %zu", c->name, i);
	cr_expect_eq(hdr_only[len], 0xaa, "%s: wrote past the frame", c->name);

	memcpy(hdr_only + off, pl.data, c->data_len);
	cr_assert_eq(aoe_build_ata(whole, sizeof(whole), &a, &default_ata, pl.data,
				   c->data_len), len, "%s: aoe_build_ata", c->name);
	cr_expect_arr_eq(hdr_only, whole, (size_t)len, "%s: frames differ", c->name);
}

Test(build, put_header_does_not_pad)
{
	struct aoe_addr a = default_addr(false);
	uint8_t buf[64];

	memset(buf, 0xaa, sizeof(buf));
	cr_expect_eq(aoe_put_header(buf, sizeof(buf), &a, AOE_CMD_CFG), AOE_FULL_HDR_LEN);
	cr_expect_eq(buf[AOE_FULL_HDR_LEN], 0xaa);
	a.has_vlan = true;
	cr_expect_eq(aoe_put_header(buf, sizeof(buf), &a, AOE_CMD_CFG),
		     AOE_FULL_HDR_LEN + AOE_VLAN_HLEN);
	cr_expect_eq(aoe_put_header(buf, AOE_FULL_HDR_LEN, &a, AOE_CMD_CFG), -ENOSPC);
}

Test(build, rejects_what_the_protocol_cannot_carry)
{
	struct aoe_addr a = default_addr(false);
	struct aoe_ata_args ata = default_ata;
	struct aoe_cfg_args cfg = { .cfgstr = pl.cfgstr, .cslen = AOE_CFG_STR_MAX + 1 };
	static uint8_t buf[FRAME_CAP];

	cr_expect_eq(aoe_build_cfg(buf, sizeof(buf), &a, &cfg), -EINVAL, "cslen 1025");
	cfg.cslen = 5;
	cfg.cfgstr = NULL;
	cr_expect_eq(aoe_build_cfg(buf, sizeof(buf), &a, &cfg), -EINVAL, "NULL cfgstr");
	cfg.cslen = 0;
	cfg.ccmd = 16;
	cr_expect_eq(aoe_build_cfg(buf, sizeof(buf), &a, &cfg), -EINVAL, "ccmd 16");
	cr_expect_eq(aoe_build_ata(buf, sizeof(buf), &a, &ata, NULL, 1), -EINVAL,
		     "NULL ATA data");
	ata.lba = AOE_LBA48_MAX + 1;
	cr_expect_eq(aoe_build_ata(buf, sizeof(buf), &a, &ata, NULL, 0), -EINVAL, "lba 2^48");
	cr_expect_eq(aoe_build_ata_hdr(buf, sizeof(buf), &a, &ata, 0), -EINVAL,
		     "lba 2^48 (hdr)");
	cr_expect_eq(aoe_build_mask(buf, sizeof(buf), &a, 0, 0, NULL, 1), -EINVAL,
		     "NULL directives");
	cr_expect_eq(aoe_build_reserve(buf, sizeof(buf), &a, 0, NULL, 1), -EINVAL,
		     "NULL MACs");
	cr_expect_eq(aoe_build_ata_hdr(buf, sizeof(buf), &a, &default_ata, SIZE_MAX),
		     -ENOSPC, "data_len SIZE_MAX");
}

/* --- LBA encoding -------------------------------------------------------- */

struct lba_case {
	char name[48];
	uint64_t lba;		/* value passed to the builder */
	uint8_t wire[6];	/* lba0..lba5 */
};

static struct lba_case lba_cases[] = {
	{ "LBA48 0", 0, { 0, 0, 0, 0, 0, 0 } },
	{ "LBA48 little-endian", 0x123456789abcULL, { 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12 } },
	{ "LBA48 max", AOE_LBA48_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "LBA28 0", 0xe0000000ULL, { 0, 0, 0, 0xe0, 0, 0 } },
	{ "LBA28 0x0a0bcdef", 0xea0bcdefULL, { 0xef, 0xcd, 0x0b, 0xea, 0, 0 } },
	{ "LBA28 max", 0xefffffffULL, { 0xff, 0xff, 0xff, 0xef, 0, 0 } },
};

ParameterizedTestParameters(lba, wire)
{
	return cr_make_param_array(struct lba_case, lba_cases, ARRAY_SIZE(lba_cases));
}

ParameterizedTest(struct lba_case *c, lba, wire)
{
	struct aoe_addr a = default_addr(false);
	struct aoe_ata_args ata = { .lba = c->lba };
	struct aoe_ata_view av;
	struct aoe_view v;
	uint8_t buf[AOE_ETH_ZLEN];
	int len;

	len = aoe_build_ata(buf, sizeof(buf), &a, &ata, NULL, 0);
	cr_assert_eq(len, AOE_ETH_ZLEN, "%s: build", c->name);
	cr_expect_arr_eq(buf + AOE_FULL_HDR_LEN + offsetof(struct aoe_ata, lba), c->wire, 6,
			 "%s: wire bytes", c->name);
	cr_assert_eq(aoe_parse(buf, (size_t)len, &v, NULL), 0);
	cr_assert_eq(aoe_parse_ata(&v, &av, NULL), 0);
	cr_expect_eq(av.lba, c->lba, "%s: decoded %#llx", c->name, (unsigned long long)av.lba);
}

struct lba28_case {
	char name[48];
	uint32_t lba;
	uint64_t encoded;
	uint32_t decoded;
};

static struct lba28_case lba28_cases[] = {
	{ "0", 0, 0xe0000000ULL, 0 },
	{ "low 24 bits", 0x00abcdef, 0xe0abcdefULL, 0x00abcdef },
	{ "bits 24-27 in lba3", 0x0a0bcdef, 0xea0bcdefULL, 0x0a0bcdef },
	{ "largest", ATA_LBA28_MAX - 1, 0xefffffffULL, ATA_LBA28_MAX - 1 },
	{ "bit 28 is dropped", ATA_LBA28_MAX | 5, 0xe0000005ULL, 5 },
};

ParameterizedTestParameters(lba, lba28)
{
	return cr_make_param_array(struct lba28_case, lba28_cases, ARRAY_SIZE(lba28_cases));
}

ParameterizedTest(struct lba28_case *c, lba, lba28)
{
	uint64_t enc = aoe_lba28_encode(c->lba);

	cr_expect_eq(enc, c->encoded, "%s: encoded %#llx", c->name, (unsigned long long)enc);
	cr_expect_eq(aoe_lba28_decode(enc), c->decoded, "%s: decoded", c->name);
	/* a target masks the device bits off whatever they hold */
	cr_expect_eq(aoe_lba28_decode(enc | 0xffff00000000ULL), c->decoded,
		     "%s: decoded with lba4/lba5 set", c->name);
}

/* --- strings and helpers ------------------------------------------------- */

Test(strings, error_names)
{
	static const struct { uint8_t code; const char *want; } t[] = {
		{ 0, "no error" },
		{ AOE_ERR_BADCMD, "unrecognized command code" },
		{ AOE_ERR_BADARG, "bad argument parameter" },
		{ AOE_ERR_DEVUNAVAIL, "device unavailable" },
		{ AOE_ERR_CFG_SET, "config string present" },
		{ AOE_ERR_BADVER, "unsupported version" },
		{ AOE_ERR_RESERVED, "target is reserved" },
		{ 7, "unknown error" },
		{ 255, "unknown error" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		cr_expect_str_eq(aoe_error_str(t[i].code), t[i].want, "error %u", t[i].code);
}

Test(strings, command_names)
{
	static const struct { uint8_t cmd; const char *want; } t[] = {
		{ AOE_CMD_ATA, "ATA" },
		{ AOE_CMD_CFG, "query config" },
		{ AOE_CMD_MASK, "MAC mask list" },
		{ AOE_CMD_RESERVE, "reserve/release" },
		{ 4, "unknown command" },
		{ 0xef, "unknown command" },
		{ AOE_CMD_VENDOR_MIN, "vendor" },
		{ 0xff, "vendor" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		cr_expect_str_eq(aoe_cmd_str(t[i].cmd), t[i].want, "command %#x", t[i].cmd);
}

struct mac_case {
	char text[32];
	int want;
	uint8_t mac[6];
};

static struct mac_case mac_cases[] = {
	{ "00:11:22:33:44:55", 0, { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 } },
	{ "aa:bb:cc:dd:ee:ff", 0, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "AA:Bb:cC:0D:e0:F9", 0, { 0xaa, 0xbb, 0xcc, 0x0d, 0xe0, 0xf9 } },
	{ "", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee:f", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee:ff:", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee:ff0", -EINVAL, { 0 } },
	{ "aa-bb-cc-dd-ee-ff", -EINVAL, { 0 } },
	{ "aabb.ccdd.eeff", -EINVAL, { 0 } },
	{ "gg:bb:cc:dd:ee:ff", -EINVAL, { 0 } },
	{ "a:bb:cc:dd:ee:ff0", -EINVAL, { 0 } },
	{ " a:bb:cc:dd:ee:ff", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee: f", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee:ff ", -EINVAL, { 0 } },
	{ "aa:bb:cc:dd:ee:+f", -EINVAL, { 0 } },
};

ParameterizedTestParameters(strings, mac)
{
	return cr_make_param_array(struct mac_case, mac_cases, ARRAY_SIZE(mac_cases));
}

ParameterizedTest(struct mac_case *c, strings, mac)
{
	static const uint8_t untouched[6] = { 1, 2, 3, 4, 5, 6 };
	uint8_t mac[6];
	char text[18], lower[18];
	size_t i;

	memcpy(mac, untouched, sizeof(mac));
	cr_assert_eq(aoe_parse_mac(c->text, mac), c->want, "\"%s\"", c->text);
	if (c->want) {
		cr_expect_arr_eq(mac, untouched, sizeof(mac), "\"%s\": mac changed", c->text);
		return;
	}
	cr_expect_arr_eq(mac, c->mac, sizeof(mac), "\"%s\"", c->text);
	cr_assert_eq(aoe_format_mac(text, mac), 0);
	for (i = 0; i < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)c->text[i]);
	cr_expect_str_eq(text, lower, "format of \"%s\"", c->text);
}

Test(helpers, len_matches)
{
	static const struct { size_t got, want; bool match; } t[] = {
		{ 1060, 1060, true },
		{ 1061, 1060, false },
		{ 1059, 1060, false },
		{ 60, 36, true },	/* a short frame padded in flight */
		{ 36, 36, true },
		{ 61, 36, false },
		{ 40, 36, false },
		{ 60, 60, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(t); i++)
		cr_expect_eq(aoe_len_matches(t[i].got, t[i].want), t[i].match,
			     "got %zu want %zu", t[i].got, t[i].want);
	cr_expect_eq(aoe_ata_rsp_len(false, 1024), AOE_ATA_HDR_LEN + 1024);
	cr_expect_eq(aoe_ata_rsp_len(true, 0), AOE_ATA_HDR_LEN + AOE_VLAN_HLEN);
}

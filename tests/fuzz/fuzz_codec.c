// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for all code that reads bytes off the network: the AoE
 * decoders and IDENTIFY parsing. Whatever decodes is built again with the
 * builders and decoded again, and the two decodes must agree; the input also
 * drives the builders with odd capacities (into buffers of exactly that
 * size, so ASan sees any write past cap). Any disagreement aborts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto/aoe_codec.h"
#include "proto/ata_identify.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define ID_BYTES	512
#define MAC_TEXT_MAX	32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_why(int rc, const char *why)
{
	CHECK(rc == -EBADMSG || rc == -EPROTO || rc == -EINVAL);
	CHECK(why && why[0]);
}

static struct aoe_addr addr_of(const struct aoe_view *v)
{
	struct aoe_addr a = {
		.vlan = v->vlan, .has_vlan = v->has_vlan, .shelf = v->shelf,
		.slot = v->slot, .tag = v->tag, .flags = v->flags, .error = v->error,
	};

	memcpy(a.dst, v->dst, sizeof(a.dst));
	memcpy(a.src, v->src, sizeof(a.src));
	return a;
}

/* Parses a frame we built ourselves: it must decode, and its Ethernet and
 * AoE header must be byte for byte the original's. */
static void reparse(const uint8_t *frame, int len, const struct aoe_view *orig,
		    struct aoe_view *v)
{
	const char *why = NULL;

	CHECK(len >= AOE_ETH_ZLEN);
	CHECK(aoe_parse(frame, (size_t)len, v, &why) == 0);
	CHECK(v->hdr_len == orig->hdr_len);
	CHECK(memcmp(frame, orig->dst, v->hdr_len) == 0);
}

/* A command decoder's verdict: an error with a reason, or a success for the
 * frame's own command only. True when there is something to round-trip. */
static bool decoded(int rc, const char *why, const struct aoe_view *v, uint8_t cmd)
{
	if (rc) {
		check_why(rc, why);
		return false;
	}
	CHECK(v->cmd == cmd);
	return true;
}

static void fuzz_ata(const struct aoe_view *v, uint8_t *buf, size_t cap)
{
	struct aoe_addr addr = addr_of(v);
	struct aoe_ata_view a, b;
	struct aoe_ata_args args;
	const char *why = NULL;
	struct aoe_view w;
	int rc;

	rc = aoe_parse_ata(v, &a, &why);
	if (!decoded(rc, why, v, AOE_CMD_ATA))
		return;
	CHECK(a.lba <= AOE_LBA48_MAX);
	args = (struct aoe_ata_args){
		.aflags = a.aflags, .errfeat = a.errfeat, .scnt = a.scnt,
		.cmdstat = a.cmdstat, .lba = a.lba,
	};
	reparse(buf, aoe_build_ata(buf, cap, &addr, &args, a.data, a.data_len), v, &w);
	CHECK(aoe_parse_ata(&w, &b, NULL) == 0);
	CHECK(b.aflags == a.aflags && b.errfeat == a.errfeat && b.scnt == a.scnt);
	CHECK(b.cmdstat == a.cmdstat && b.lba == a.lba);
	CHECK(b.data_len >= a.data_len);
	CHECK(memcmp(b.data, a.data, a.data_len) == 0);
}

static void fuzz_cfg(const struct aoe_view *v, uint8_t *buf, size_t cap)
{
	struct aoe_addr addr = addr_of(v);
	struct aoe_cfg_view c, d;
	struct aoe_cfg_args args;
	const char *why = NULL;
	struct aoe_view w;
	int rc;

	rc = aoe_parse_cfg(v, &c, &why);
	if (!decoded(rc, why, v, AOE_CMD_CFG))
		return;
	CHECK(c.cslen <= AOE_CFG_STR_MAX && c.ccmd <= 0x0f);
	CHECK(aoe_cfg_max_sectors(&c) >= 1);
	args = (struct aoe_cfg_args){
		.bufcnt = c.bufcnt, .fwver = c.fwver, .scnt = c.scnt,
		.ccmd = c.ccmd, .cfgstr = c.cfgstr, .cslen = c.cslen,
	};
	reparse(buf, aoe_build_cfg(buf, cap, &addr, &args), v, &w);
	CHECK(aoe_parse_cfg(&w, &d, NULL) == 0);
	CHECK(d.bufcnt == c.bufcnt && d.fwver == c.fwver && d.scnt == c.scnt);
	CHECK(d.ccmd == c.ccmd && d.aoever == AOE_VERSION && d.cslen == c.cslen);
	CHECK(memcmp(d.cfgstr, c.cfgstr, c.cslen) == 0);
}

static void fuzz_mask(const struct aoe_view *v, uint8_t *buf, size_t cap)
{
	struct aoe_addr addr = addr_of(v);
	struct aoe_mask_view m, n;
	const char *why = NULL;
	struct aoe_view w;
	int rc;

	rc = aoe_parse_mask(v, &m, &why);
	if (!decoded(rc, why, v, AOE_CMD_MASK))
		return;
	rc = aoe_build_mask(buf, cap, &addr, m.mcmd, m.merror, m.dirs, m.dircount);
	reparse(buf, rc, v, &w);
	CHECK(aoe_parse_mask(&w, &n, NULL) == 0);
	CHECK(n.mcmd == m.mcmd && n.merror == m.merror && n.dircount == m.dircount);
	CHECK(memcmp(n.dirs, m.dirs, (size_t)m.dircount * AOE_MASK_DIR_LEN) == 0);
}

static void fuzz_reserve(const struct aoe_view *v, uint8_t *buf, size_t cap)
{
	struct aoe_addr addr = addr_of(v);
	struct aoe_reserve_view r, s;
	const char *why = NULL;
	struct aoe_view w;
	int rc;

	rc = aoe_parse_reserve(v, &r, &why);
	if (!decoded(rc, why, v, AOE_CMD_RESERVE))
		return;
	rc = aoe_build_reserve(buf, cap, &addr, r.rcmd, (const uint8_t (*)[6])r.macs, r.nmacs);
	reparse(buf, rc, v, &w);
	CHECK(aoe_parse_reserve(&w, &s, NULL) == 0);
	CHECK(s.rcmd == r.rcmd && s.nmacs == r.nmacs);
	CHECK(memcmp(s.macs, r.macs, (size_t)r.nmacs * AOE_ETH_ALEN) == 0);
}

static void fuzz_frame(const uint8_t *data, size_t size)
{
	/* a rebuilt frame is never longer than the input, padding aside */
	size_t cap = size < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : size;
	const char *why = NULL;
	struct aoe_view v;
	uint8_t *buf;
	int rc;

	rc = aoe_parse(data, size, &v, &why);
	if (rc) {
		check_why(rc, why);
		return;
	}
	CHECK(v.version == AOE_VERSION && (v.flags & ~AOE_FLAGS_MASK) == 0);
	CHECK(v.hdr_len == AOE_FULL_HDR_LEN + (v.has_vlan ? AOE_VLAN_HLEN : 0));
	CHECK(v.hdr_len + v.arg_len == size && v.arg == data + v.hdr_len);
	CHECK(aoe_error_str(v.error) && aoe_cmd_str(v.cmd));
	buf = malloc(cap);
	CHECK(buf);
	/* every decoder runs: only the frame's own command may decode */
	fuzz_ata(&v, buf, cap);
	fuzz_cfg(&v, buf, cap);
	fuzz_mask(&v, buf, cap);
	fuzz_reserve(&v, buf, cap);
	free(buf);
}

static bool printable_trimmed(const char *s, size_t max)
{
	size_t len = strnlen(s, max + 1), i;

	if (len > max || (len && s[len - 1] == ' '))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < ' ' || s[i] > '~')
			return false;
	return true;
}

static void fuzz_identify(const uint8_t *data, size_t size)
{
	struct ata_identity id, again;
	uint8_t built[ID_BYTES];
	int rc;

	rc = ata_identity_parse(data, size, &id);
	if (size < ID_BYTES) {
		CHECK(rc == -EBADMSG);
		return;
	}
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(printable_trimmed(id.model, ATA_ID_MODEL_LEN));
	CHECK(printable_trimmed(id.serial, ATA_ID_SERIAL_LEN));
	CHECK(printable_trimmed(id.firmware, ATA_ID_FW_LEN));
	CHECK(id.sectors <= (id.lba48 ? AOE_LBA48_MAX + 1 : ATA_LBA28_MAX));
	CHECK((rc == 0) == (id.sectors > 0));
	if (rc)
		return;
	ata_identity_build(built, id.sectors, id.model, id.serial, id.firmware);
	CHECK(ata_identity_parse(built, sizeof(built), &again) == 0);
	CHECK(again.sectors == id.sectors && again.lba48 && again.flush && again.flush_ext);
	CHECK(!strcmp(again.model, id.model) && !strcmp(again.serial, id.serial));
	CHECK(!strcmp(again.firmware, id.firmware));
}

static void fuzz_mac(const uint8_t *data, size_t size)
{
	char text[MAC_TEXT_MAX + 1], back[18];
	uint8_t mac[AOE_ETH_ALEN];
	size_t n = size < MAC_TEXT_MAX ? size : MAC_TEXT_MAX;

	memcpy(text, data, n);
	text[n] = '\0';
	if (aoe_parse_mac(text, mac))
		return;
	CHECK(aoe_format_mac(back, mac) == 0);
	CHECK(strlen(text) == strlen(back) && !strcasecmp(text, back));
}

/*
 * Builders with capacities and sizes taken from the input: the first bytes
 * pick the command, tag, capacity and variable-part size, the rest is the
 * payload. A build either fails cleanly or makes a frame that decodes.
 */
static void fuzz_builders(const uint8_t *data, size_t size)
{
	enum { SEL, VLAN, CAP_HI, CAP_LO, N_HI, N_LO, PARAMS };
	struct aoe_addr a = { .shelf = 1, .slot = 1 };
	struct aoe_ata_args ata = { 0 };
	struct aoe_cfg_args cfg = { 0 };
	const uint8_t *payload = data + PARAMS;
	size_t cap, n, avail;
	struct aoe_view v;
	uint8_t *buf;
	int len;

	if (size < PARAMS)
		return;
	a.has_vlan = data[VLAN] & 1;
	cap = (size_t)data[CAP_HI] << 8 | data[CAP_LO];
	n = (size_t)data[N_HI] << 8 | data[N_LO];
	avail = size - PARAMS;
	buf = malloc(cap ? cap : 1);
	CHECK(buf);
	switch (data[SEL] % 4) {
	case AOE_CMD_ATA:
		ata.lba = n;
		len = aoe_build_ata(buf, cap, &a, &ata, payload, n < avail ? n : avail);
		break;
	case AOE_CMD_CFG:
		cfg.cfgstr = payload;
		cfg.cslen = (uint16_t)(n < avail ? n : avail);
		len = aoe_build_cfg(buf, cap, &a, &cfg);
		CHECK(len != -EINVAL || cfg.cslen > AOE_CFG_STR_MAX);
		break;
	case AOE_CMD_MASK:
		n = (n & 0xff) * AOE_MASK_DIR_LEN <= avail ? n & 0xff : avail / AOE_MASK_DIR_LEN;
		len = aoe_build_mask(buf, cap, &a, 1, 0,
				     (const struct aoe_mask_dir *)payload, (uint8_t)n);
		break;
	default:
		n = (n & 0xff) * AOE_ETH_ALEN <= avail ? n & 0xff : avail / AOE_ETH_ALEN;
		len = aoe_build_reserve(buf, cap, &a, 1, (const uint8_t (*)[6])payload,
					(uint8_t)n);
		break;
	}
	CHECK(len == -ENOSPC || len == -EINVAL || (len >= AOE_ETH_ZLEN && (size_t)len <= cap));
	if (len > 0) {
		CHECK(aoe_parse(buf, (size_t)len, &v, NULL) == 0);
		CHECK(v.cmd == data[SEL] % 4 && v.has_vlan == a.has_vlan);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_frame(data, size);
	fuzz_identify(data, size);
	fuzz_mac(data, size);
	fuzz_builders(data, size);
	return 0;
}

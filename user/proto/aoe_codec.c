// SPDX-License-Identifier: GPL-2.0
/*
 * AoE frame encode/decode (see aoe_codec.h). Frames sit at any alignment in
 * UMEM, so fields are read and written byte by byte, and every read is
 * preceded by a length check against what the frame really holds.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "aoe_codec.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define AOE_NIBBLE	0x0f

static int fail(const char **why, const char *msg, int err)
{
	if (why)
		*why = msg;
	return err;
}

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v & 0xffff);
}

static uint64_t get_le48(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 5; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_le48(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 6; i++, v >>= 8)
		p[i] = v & 0xff;
}

/* --- decoding ------------------------------------------------------------ */

int aoe_parse(const void *frame, size_t len, struct aoe_view *v, const char **why)
{
	const uint8_t *p = frame;
	size_t off = 2 * AOE_ETH_ALEN;
	uint16_t type;
	const uint8_t *h;

	memset(v, 0, sizeof(*v));
	if (len < AOE_ETH_HLEN)
		return fail(why, "truncated Ethernet header", -EBADMSG);
	v->dst = p;
	v->src = p + AOE_ETH_ALEN;
	type = get_be16(p + off);
	off += sizeof(type);
	if (type == ETH_P_8021Q_VLAN) {
		if (len < AOE_ETH_HLEN + AOE_VLAN_HLEN)
			return fail(why, "truncated 802.1Q tag", -EBADMSG);
		v->has_vlan = true;
		v->vlan = get_be16(p + off);
		type = get_be16(p + off + sizeof(v->vlan));
		off += AOE_VLAN_HLEN;
	}
	if (type != AOE_ETHERTYPE)
		return fail(why, "not an AoE ethertype", -EPROTO);
	if (len - off < AOE_HDR_LEN)
		return fail(why, "truncated AoE header", -EBADMSG);

	h = p + off;
	v->version = h[offsetof(struct aoe_hdr, verfl)] >> AOE_VER_SHIFT;
	if (v->version != AOE_VERSION)
		return fail(why, "unsupported AoE version", -EPROTO);
	v->flags = h[offsetof(struct aoe_hdr, verfl)] & AOE_FLAGS_MASK;
	v->error = h[offsetof(struct aoe_hdr, error)];
	v->shelf = get_be16(h + offsetof(struct aoe_hdr, major));
	v->slot = h[offsetof(struct aoe_hdr, minor)];
	v->cmd = h[offsetof(struct aoe_hdr, cmd)];
	v->tag = get_be32(h + offsetof(struct aoe_hdr, tag));
	v->hdr_len = off + AOE_HDR_LEN;
	v->arg = p + v->hdr_len;
	v->arg_len = len - v->hdr_len;
	return 0;
}

/* Each command decoder first checks that the frame is its command and that
 * the fixed part of its argument is all there. */
static int check_arg(const struct aoe_view *v, uint8_t cmd, size_t fixed_len,
		     const char *truncated, const char **why)
{
	if (v->cmd != cmd)
		return fail(why, "frame is for another AoE command", -EINVAL);
	if (v->arg_len < fixed_len)
		return fail(why, truncated, -EBADMSG);
	return 0;
}

int aoe_parse_ata(const struct aoe_view *v, struct aoe_ata_view *a, const char **why)
{
	const uint8_t *p = v->arg;
	int err;

	memset(a, 0, sizeof(*a));
	err = check_arg(v, AOE_CMD_ATA, AOE_ATA_LEN, "truncated ATA argument", why);
	if (err)
		return err;
	a->aflags = p[offsetof(struct aoe_ata, aflags)];
	a->errfeat = p[offsetof(struct aoe_ata, errfeat)];
	a->scnt = p[offsetof(struct aoe_ata, scnt)];
	a->cmdstat = p[offsetof(struct aoe_ata, cmdstat)];
	a->lba = get_le48(p + offsetof(struct aoe_ata, lba));
	a->data = p + AOE_ATA_LEN;
	a->data_len = v->arg_len - AOE_ATA_LEN;
	return 0;
}

int aoe_parse_cfg(const struct aoe_view *v, struct aoe_cfg_view *c, const char **why)
{
	const uint8_t *p = v->arg;
	uint8_t verccmd;
	int err;

	memset(c, 0, sizeof(*c));
	err = check_arg(v, AOE_CMD_CFG, AOE_CFG_LEN, "truncated config argument", why);
	if (err)
		return err;
	verccmd = p[offsetof(struct aoe_cfg, aoeccmd)];
	c->bufcnt = get_be16(p + offsetof(struct aoe_cfg, bufcnt));
	c->fwver = get_be16(p + offsetof(struct aoe_cfg, fwver));
	c->scnt = p[offsetof(struct aoe_cfg, scnt)];
	c->aoever = verccmd >> AOE_VER_SHIFT;
	c->ccmd = verccmd & AOE_NIBBLE;
	c->cslen = get_be16(p + offsetof(struct aoe_cfg, cslen));
	if (c->cslen > AOE_CFG_STR_MAX)
		return fail(why, "config string longer than 1024 bytes", -EINVAL);
	if (c->cslen > v->arg_len - AOE_CFG_LEN)
		return fail(why, "config string runs past the frame", -EBADMSG);
	c->cfgstr = p + AOE_CFG_LEN;
	return 0;
}

int aoe_parse_mask(const struct aoe_view *v, struct aoe_mask_view *m, const char **why)
{
	const uint8_t *p = v->arg;
	int err;

	memset(m, 0, sizeof(*m));
	err = check_arg(v, AOE_CMD_MASK, AOE_MASK_LEN, "truncated MAC mask argument", why);
	if (err)
		return err;
	m->mcmd = p[offsetof(struct aoe_mask, mcmd)];
	m->merror = p[offsetof(struct aoe_mask, merror)];
	m->dircount = p[offsetof(struct aoe_mask, dircount)];
	if ((size_t)m->dircount * AOE_MASK_DIR_LEN > v->arg_len - AOE_MASK_LEN)
		return fail(why, "MAC mask directives run past the frame", -EBADMSG);
	m->dirs = (const struct aoe_mask_dir *)(p + AOE_MASK_LEN);
	return 0;
}

int aoe_parse_reserve(const struct aoe_view *v, struct aoe_reserve_view *r,
		      const char **why)
{
	const uint8_t *p = v->arg;
	int err;

	memset(r, 0, sizeof(*r));
	err = check_arg(v, AOE_CMD_RESERVE, AOE_RESERVE_LEN,
			"truncated reserve/release argument", why);
	if (err)
		return err;
	r->rcmd = p[offsetof(struct aoe_reserve, rcmd)];
	r->nmacs = p[offsetof(struct aoe_reserve, nmacs)];
	if ((size_t)r->nmacs * AOE_ETH_ALEN > v->arg_len - AOE_RESERVE_LEN)
		return fail(why, "reserve/release MAC list runs past the frame", -EBADMSG);
	r->macs = p + AOE_RESERVE_LEN;
	return 0;
}

/* --- encoding ------------------------------------------------------------ */

static size_t header_len(const struct aoe_addr *a)
{
	return AOE_FULL_HDR_LEN + (a->has_vlan ? AOE_VLAN_HLEN : 0);
}

int aoe_put_header(void *buf, size_t cap, const struct aoe_addr *a, uint8_t cmd)
{
	uint8_t *p = buf;
	size_t off = 2 * AOE_ETH_ALEN;
	uint8_t *h;

	if (cap < header_len(a))
		return -ENOSPC;
	memcpy(p, a->dst, AOE_ETH_ALEN);
	memcpy(p + AOE_ETH_ALEN, a->src, AOE_ETH_ALEN);
	if (a->has_vlan) {
		put_be16(p + off, ETH_P_8021Q_VLAN);
		put_be16(p + off + sizeof(a->vlan), a->vlan);
		off += AOE_VLAN_HLEN;
	}
	put_be16(p + off, AOE_ETHERTYPE);
	h = p + off + sizeof(uint16_t);
	h[offsetof(struct aoe_hdr, verfl)] =
		AOE_VERSION << AOE_VER_SHIFT | (a->flags & AOE_FLAGS_MASK);
	h[offsetof(struct aoe_hdr, error)] = a->error;
	put_be16(h + offsetof(struct aoe_hdr, major), a->shelf);
	h[offsetof(struct aoe_hdr, minor)] = a->slot;
	h[offsetof(struct aoe_hdr, cmd)] = cmd;
	put_be32(h + offsetof(struct aoe_hdr, tag), a->tag);
	return (int)header_len(a);
}

/*
 * Starts a frame of header + arg_len bytes of argument + tail_len bytes
 * after it: checks the room (padding included), writes the header, zeroes
 * the argument and the padding, and points *arg at the argument. The tail
 * is left to the caller. Returns the padded frame length.
 */
static int begin_frame(void *buf, size_t cap, const struct aoe_addr *a, uint8_t cmd,
		       size_t arg_len, size_t tail_len, uint8_t **arg)
{
	uint8_t *p = buf;
	size_t hlen = header_len(a), end, total;

	if (tail_len > cap || cap - tail_len < hlen + arg_len)
		return -ENOSPC;
	end = hlen + arg_len + tail_len;
	total = end < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : end;
	if (total > cap)
		return -ENOSPC;
	if (total > INT_MAX)
		return -EINVAL;
	aoe_put_header(buf, cap, a, cmd);
	memset(p + hlen, 0, arg_len);
	memset(p + end, 0, total - end);
	*arg = p + hlen;
	return (int)total;
}

int aoe_build_ata_hdr(void *buf, size_t cap, const struct aoe_addr *a,
		      const struct aoe_ata_args *ata, size_t data_len)
{
	uint8_t *p;
	int len;

	if (ata->lba > AOE_LBA48_MAX)
		return -EINVAL;
	len = begin_frame(buf, cap, a, AOE_CMD_ATA, AOE_ATA_LEN, data_len, &p);
	if (len < 0)
		return len;
	p[offsetof(struct aoe_ata, aflags)] = ata->aflags;
	p[offsetof(struct aoe_ata, errfeat)] = ata->errfeat;
	p[offsetof(struct aoe_ata, scnt)] = ata->scnt;
	p[offsetof(struct aoe_ata, cmdstat)] = ata->cmdstat;
	put_le48(p + offsetof(struct aoe_ata, lba), ata->lba);
	return len;
}

int aoe_build_ata(void *buf, size_t cap, const struct aoe_addr *a,
		  const struct aoe_ata_args *ata, const void *data, size_t data_len)
{
	int len;

	if (data_len && !data)
		return -EINVAL;
	len = aoe_build_ata_hdr(buf, cap, a, ata, data_len);
	if (len >= 0 && data_len)
		memcpy((uint8_t *)buf + aoe_ata_data_offset(a->has_vlan), data, data_len);
	return len;
}

int aoe_build_cfg(void *buf, size_t cap, const struct aoe_addr *a,
		  const struct aoe_cfg_args *cfg)
{
	uint8_t *p;
	int len;

	if (cfg->cslen > AOE_CFG_STR_MAX || (cfg->cslen && !cfg->cfgstr) ||
	    cfg->ccmd > AOE_NIBBLE)
		return -EINVAL;
	len = begin_frame(buf, cap, a, AOE_CMD_CFG, AOE_CFG_LEN, cfg->cslen, &p);
	if (len < 0)
		return len;
	put_be16(p + offsetof(struct aoe_cfg, bufcnt), cfg->bufcnt);
	put_be16(p + offsetof(struct aoe_cfg, fwver), cfg->fwver);
	p[offsetof(struct aoe_cfg, scnt)] = cfg->scnt;
	p[offsetof(struct aoe_cfg, aoeccmd)] = AOE_VERSION << AOE_VER_SHIFT | cfg->ccmd;
	put_be16(p + offsetof(struct aoe_cfg, cslen), cfg->cslen);
	if (cfg->cslen)
		memcpy(p + AOE_CFG_LEN, cfg->cfgstr, cfg->cslen);
	return len;
}

int aoe_build_mask(void *buf, size_t cap, const struct aoe_addr *a, uint8_t mcmd,
		   uint8_t merror, const struct aoe_mask_dir *dirs, uint8_t dircount)
{
	size_t dirs_len = (size_t)dircount * AOE_MASK_DIR_LEN;
	uint8_t *p;
	int len;

	if (dircount && !dirs)
		return -EINVAL;
	len = begin_frame(buf, cap, a, AOE_CMD_MASK, AOE_MASK_LEN, dirs_len, &p);
	if (len < 0)
		return len;
	p[offsetof(struct aoe_mask, mcmd)] = mcmd;
	p[offsetof(struct aoe_mask, merror)] = merror;
	p[offsetof(struct aoe_mask, dircount)] = dircount;
	if (dirs_len)
		memcpy(p + AOE_MASK_LEN, dirs, dirs_len);
	return len;
}

int aoe_build_reserve(void *buf, size_t cap, const struct aoe_addr *a, uint8_t rcmd,
		      const uint8_t (*macs)[AOE_ETH_ALEN], uint8_t nmacs)
{
	size_t macs_len = (size_t)nmacs * AOE_ETH_ALEN;
	uint8_t *p;
	int len;

	if (nmacs && !macs)
		return -EINVAL;
	len = begin_frame(buf, cap, a, AOE_CMD_RESERVE, AOE_RESERVE_LEN, macs_len, &p);
	if (len < 0)
		return len;
	p[offsetof(struct aoe_reserve, rcmd)] = rcmd;
	p[offsetof(struct aoe_reserve, nmacs)] = nmacs;
	if (macs_len)
		memcpy(p + AOE_RESERVE_LEN, macs, macs_len);
	return len;
}

/* --- human strings ------------------------------------------------------- */

const char *aoe_error_str(uint8_t error)
{
	static const char *const names[] = {
		[0] = "no error",
		[AOE_ERR_BADCMD] = "unrecognized command code",
		[AOE_ERR_BADARG] = "bad argument parameter",
		[AOE_ERR_DEVUNAVAIL] = "device unavailable",
		[AOE_ERR_CFG_SET] = "config string present",
		[AOE_ERR_BADVER] = "unsupported version",
		[AOE_ERR_RESERVED] = "target is reserved",
	};

	if (error < ARRAY_SIZE(names))
		return names[error];
	return "unknown error";
}

const char *aoe_cmd_str(uint8_t cmd)
{
	static const char *const names[] = {
		[AOE_CMD_ATA] = "ATA",
		[AOE_CMD_CFG] = "query config",
		[AOE_CMD_MASK] = "MAC mask list",
		[AOE_CMD_RESERVE] = "reserve/release",
	};

	if (cmd < ARRAY_SIZE(names))
		return names[cmd];
	if (cmd >= AOE_CMD_VENDOR_MIN)
		return "vendor";
	return "unknown command";
}

int aoe_format_mac(char out[AOE_MAC_STR_LEN], const uint8_t mac[AOE_ETH_ALEN])
{
	snprintf(out, AOE_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int aoe_parse_mac(const char *s, uint8_t mac[AOE_ETH_ALEN])
{
	const size_t group = 3;	/* two hex digits and a ':' */
	uint8_t out[AOE_ETH_ALEN];
	size_t i;

	if (!s || strnlen(s, AOE_MAC_STR_LEN) != AOE_MAC_STR_LEN - 1)
		return -EINVAL;
	for (i = 0; i < AOE_ETH_ALEN; i++) {
		const char *g = s + i * group;
		int hi = hex_digit(g[0]), lo = hex_digit(g[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i + 1 < AOE_ETH_ALEN && g[2] != ':')
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(mac, out, sizeof(out));
	return 0;
}

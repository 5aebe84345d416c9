// SPDX-License-Identifier: GPL-2.0
/*
 * AoE requests: validation, addressing (exact or broadcast shelf.slot), the
 * MAC mask list, and the non-ATA commands (config, mask list, reserve).
 */
#include <string.h>

#include "target.h"

/* aoe_mask.merror values (AoE r11, 3.4) */
enum mask_error { MERR_BAD_DCMD = 2, MERR_LIST_FULL = 3 };

static const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

bool tgt_mac_in(const uint8_t (*list)[6], unsigned int n, const uint8_t mac[6])
{
	for (unsigned int i = 0; i < n; i++)
		if (!memcmp(list[i], mac, 6))
			return true;
	return false;
}

void tgt_answer_addr(const struct target *t, const struct aoe_view *v,
		     const struct tgt_dev *dev, struct aoe_addr *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->dst, v->src, 6);
	memcpy(a->src, t->io.mac, 6);
	a->has_vlan = v->has_vlan;
	a->vlan = v->vlan;
	a->shelf = dev->shelf;
	a->slot = dev->slot;
	a->tag = v->tag;
	a->flags = AOE_FLAG_RSP;
}

/* Faults hit ATA commands, and everything else only with --fault-all. */
static bool faultable(const struct target *t)
{
	return t->faults.cfg.fault_all;
}

static bool dropped_by_fault(struct target *t)
{
	if (!faultable(t) || !fault_roll(&t->faults, FAULT_DROP, t->faults.cfg.drop_ppm))
		return false;
	t->stats.faults_dropped++;
	return true;
}

bool tgt_rejected(struct target *t, int parse_rc, const char *const *why, const char *what)
{
	if (!parse_rc)
		return false;
	t->stats.ignored_invalid++;
	pr_debug("%s ignored: %s\n", what, *why ? *why : "invalid");
	return true;
}

/* arg_len: the answer's bytes after the AoE header, before any padding. */
static void send_built(struct target *t, uint8_t *buf, int len, const struct aoe_addr *a,
		       size_t arg_len)
{
	if (len < 0) {
		/* Only a config string longer than a small MTU gets here. */
		t->stats.answers_tx_dropped++;
		pr_debug("answer does not fit a %u-byte MTU\n", t->io.mtu);
		return;
	}
	if (a->flags & AOE_FLAG_ERR)
		t->stats.answers_aoe_errors++;
	resp_answer(t, buf, (size_t)len, tgt_hdr_len(a) + arg_len, a, faultable(t));
}

/* --- config (AoE command 1) ------------------------------------------------ */

static bool config_matches(const struct tgt_dev *dev, const struct aoe_cfg_view *c,
			   bool prefix)
{
	if (c->cslen > dev->config_len || (!prefix && c->cslen != dev->config_len))
		return false;
	return !memcmp(dev->config, c->cfgstr, c->cslen);
}

static void set_config(struct tgt_dev *dev, const struct aoe_cfg_view *c)
{
	memcpy(dev->config, c->cfgstr, c->cslen);
	dev->config_len = c->cslen;
}

static int build_config(const struct target *t, uint8_t *buf, const struct aoe_addr *a,
			const struct tgt_dev *dev, uint8_t ccmd)
{
	struct aoe_cfg_args args = {
		.bufcnt = (uint16_t)t->opt.bufcnt,
		.fwver = (uint16_t)t->opt.fwver,
		.scnt = (uint8_t)t->scnt,
		.ccmd = ccmd,
		.cfgstr = dev->config,
		.cslen = dev->config_len,
	};

	return aoe_build_cfg(buf, t->io.frame_cap, a, &args);
}

static void handle_config(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	struct aoe_cfg_view c;
	struct aoe_addr a;
	const char *why = NULL;
	uint8_t *buf;

	t->stats.requests_config++;
	if (tgt_rejected(t, aoe_parse_cfg(v, &c, &why), &why, "config query") ||
	    dropped_by_fault(t))
		return;
	tgt_answer_addr(t, v, dev, &a);
	switch (c.ccmd) {
	case AOE_CCMD_READ:
		break;
	case AOE_CCMD_TEST:
	case AOE_CCMD_PTEST:
		if (!config_matches(dev, &c, c.ccmd == AOE_CCMD_PTEST)) {
			t->stats.ignored_config_mismatch++;
			return;	/* no match: the spec says stay silent */
		}
		break;
	case AOE_CCMD_SET:
		if (dev->config_len) {
			a.flags |= AOE_FLAG_ERR;
			a.error = AOE_ERR_CFG_SET;
			break;
		}
		set_config(dev, &c);
		break;
	case AOE_CCMD_FSET:
		set_config(dev, &c);
		break;
	default:
		a.flags |= AOE_FLAG_ERR;
		a.error = AOE_ERR_BADARG;
		break;
	}
	buf = resp_buf(t);
	send_built(t, buf, build_config(t, buf, &a, dev, c.ccmd), &a,
		   AOE_CFG_LEN + dev->config_len);
}

void tgt_announce(struct target *t)
{
	for (unsigned int i = 0; i < t->ndevs; i++) {
		struct tgt_dev *dev = &t->devs[i];
		struct aoe_addr a = {
			.shelf = dev->shelf, .slot = dev->slot, .flags = AOE_FLAG_RSP,
		};
		unsigned int ndst = dev->nmasks ? dev->nmasks : 1;

		memcpy(a.src, t->io.mac, 6);
		/* With a mask list, only the allowed initiators hear of us. */
		for (unsigned int m = 0; m < ndst; m++) {
			uint8_t *buf = resp_buf(t);
			int len;

			memcpy(a.dst, dev->nmasks ? dev->masks[m] : eth_broadcast, 6);
			len = build_config(t, buf, &a, dev, AOE_CCMD_READ);
			if (len > 0)
				resp_answer(t, buf, (size_t)len,
					    tgt_hdr_len(&a) + AOE_CFG_LEN + dev->config_len, &a,
					    false);
		}
	}
}

/* --- MAC mask list (AoE command 2) ----------------------------------------- */

static void mask_del(struct tgt_dev *dev, const uint8_t mac[6])
{
	for (unsigned int i = 0; i < dev->nmasks; i++) {
		if (memcmp(dev->masks[i], mac, 6))
			continue;
		memmove(dev->masks[i], dev->masks[i + 1], (dev->nmasks - i - 1) * 6);
		dev->nmasks--;
		return;
	}
}

/* Applies the directives in order; 0, or the merror of the first that
 * failed with *failed set to its index (earlier ones stay applied). */
static uint8_t mask_edit(struct tgt_dev *dev, const struct aoe_mask_view *m,
			 uint8_t *failed)
{
	for (unsigned int i = 0; i < m->dircount; i++) {
		const struct aoe_mask_dir *d = &m->dirs[i];

		*failed = (uint8_t)i;
		switch (d->dcmd) {
		case AOE_DCMD_NONE:
			break;
		case AOE_DCMD_ADD:
			if (tgt_mac_in(dev->masks, dev->nmasks, d->mac))
				break;
			if (dev->nmasks == TGT_MASK_MAX)
				return MERR_LIST_FULL;
			memcpy(dev->masks[dev->nmasks++], d->mac, 6);
			break;
		case AOE_DCMD_DEL:
			mask_del(dev, d->mac);
			break;
		default:
			return MERR_BAD_DCMD;
		}
	}
	return 0;
}

static void handle_mask(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	struct aoe_mask_dir list[TGT_MASK_MAX];
	const struct aoe_mask_dir *dirs = list;
	struct aoe_mask_view m;
	struct aoe_addr a;
	uint8_t merror = 0, n = 0;
	const char *why = NULL;
	uint8_t *buf;

	t->stats.requests_mask++;
	if (tgt_rejected(t, aoe_parse_mask(v, &m, &why), &why, "mask request") ||
	    dropped_by_fault(t))
		return;
	tgt_answer_addr(t, v, dev, &a);
	if (m.mcmd == AOE_MCMD_EDIT) {
		merror = mask_edit(dev, &m, &n);
	} else if (m.mcmd != AOE_MCMD_READ) {
		a.flags |= AOE_FLAG_ERR;
		a.error = AOE_ERR_BADARG;
	}
	if (merror) {
		/* r11: the count says where it stopped; echo what was applied. */
		dirs = m.dirs;
	} else if (!(a.flags & AOE_FLAG_ERR)) {
		for (n = 0; n < dev->nmasks; n++) {
			list[n] = (struct aoe_mask_dir){ .dcmd = AOE_DCMD_NONE };
			memcpy(list[n].mac, dev->masks[n], 6);
		}
	}
	buf = resp_buf(t);
	send_built(t, buf, aoe_build_mask(buf, t->io.frame_cap, &a, m.mcmd, merror, dirs, n), &a,
		   AOE_MASK_LEN + (size_t)n * AOE_MASK_DIR_LEN);
}

/* --- reserve/release (AoE command 3) --------------------------------------- */

static void handle_reserve(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	struct aoe_reserve_view r;
	struct aoe_addr a;
	const char *why = NULL;
	uint8_t *buf;

	t->stats.requests_reserve++;
	if (tgt_rejected(t, aoe_parse_reserve(v, &r, &why), &why, "reserve request") ||
	    dropped_by_fault(t))
		return;
	tgt_answer_addr(t, v, dev, &a);
	if (r.rcmd == AOE_RCMD_SET && dev->nreserve &&
	    !tgt_mac_in(dev->reserve, dev->nreserve, v->src)) {
		a.flags |= AOE_FLAG_ERR;
		a.error = AOE_ERR_RESERVED;
	} else if ((r.rcmd == AOE_RCMD_SET || r.rcmd == AOE_RCMD_FSET) &&
		   r.nmacs <= TGT_RESERVE_MAX) {
		memcpy(dev->reserve, r.macs, (size_t)r.nmacs * 6);
		dev->nreserve = r.nmacs;
	} else if (r.rcmd != AOE_RCMD_READ) {
		a.flags |= AOE_FLAG_ERR;
		a.error = AOE_ERR_BADARG;	/* unknown rcmd, or too many MACs */
	}
	buf = resp_buf(t);
	send_built(t, buf,
		   aoe_build_reserve(buf, t->io.frame_cap, &a, r.rcmd,
				     (const uint8_t (*)[6])dev->reserve, (uint8_t)dev->nreserve),
		   &a, AOE_RESERVE_LEN + (size_t)dev->nreserve * AOE_ETH_ALEN);
}

/* --- anything else: AoE error 1 -------------------------------------------- */

static void handle_unknown(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	struct aoe_addr a;
	uint8_t *buf;
	int len;

	t->stats.requests_unknown++;
	if (dropped_by_fault(t))
		return;
	tgt_answer_addr(t, v, dev, &a);
	a.flags |= AOE_FLAG_ERR;
	a.error = AOE_ERR_BADCMD;
	buf = resp_buf(t);
	len = aoe_put_header(buf, t->io.frame_cap, &a, v->cmd);
	if (len >= 0 && len < AOE_ETH_ZLEN) {
		memset(buf + len, 0, AOE_ETH_ZLEN - (size_t)len);
		len = AOE_ETH_ZLEN;
	}
	send_built(t, buf, len, &a, 0);
}

/* --- dispatch ---------------------------------------------------------------- */

static bool addressed_to(const struct tgt_dev *dev, const struct aoe_view *v)
{
	return (v->shelf == dev->shelf || v->shelf == AOE_SHELF_BCAST) &&
	       (v->slot == dev->slot || v->slot == AOE_SLOT_BCAST);
}

static void handle_for_dev(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	switch (v->cmd) {
	case AOE_CMD_ATA:
		tgt_handle_ata(t, v, dev);
		break;
	case AOE_CMD_CFG:
		handle_config(t, v, dev);
		break;
	case AOE_CMD_MASK:
		handle_mask(t, v, dev);
		break;
	case AOE_CMD_RESERVE:
		handle_reserve(t, v, dev);
		break;
	default:
		handle_unknown(t, v, dev);
		break;
	}
}

static bool addressed_to_any(const struct target *t, const struct aoe_view *v)
{
	for (unsigned int i = 0; i < t->ndevs; i++)
		if (addressed_to(&t->devs[i], v))
			return true;
	return false;
}

bool tgt_is_request(const struct target *t, const uint8_t *frame, size_t len, uint8_t *cmd)
{
	struct aoe_view v;

	if (aoe_parse(frame, len, &v, NULL) || aoe_is_response(&v) || !addressed_to_any(t, &v))
		return false;
	*cmd = v.cmd;
	return true;
}

void tgt_handle_frame(struct target *t, const uint8_t *frame, size_t len)
{
	struct aoe_view v;
	const char *why = NULL;
	bool addressed = false;

	if (tgt_rejected(t, aoe_parse(frame, len, &v, &why), &why, "frame"))
		return;
	if (aoe_is_response(&v)) {
		t->stats.ignored_responses++;
		return;
	}
	if (t->faults.stalled) {
		t->stats.faults_stalled_ignored++;
		return;
	}
	for (unsigned int i = 0; i < t->ndevs; i++) {
		struct tgt_dev *dev = &t->devs[i];

		if (!addressed_to(dev, &v))
			continue;
		addressed = true;
		if (dev->nmasks && !tgt_mac_in(dev->masks, dev->nmasks, v.src)) {
			t->stats.ignored_masked++;
			continue;
		}
		handle_for_dev(t, &v, dev);
	}
	if (!addressed)
		t->stats.ignored_not_addressed++;
}

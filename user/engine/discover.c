// SPDX-License-Identifier: GPL-2.0
/*
 * Discovery: a broadcast config query on every interface; each answer names
 * a device (shelf.slot) and one target (its source MAC) reachable on the
 * interface it came in on. Every target is then asked IDENTIFY DEVICE
 * (identity.c) before it carries I/O.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

static int discover_send_query(struct aoe_engine *e, struct aoe_iface *ifc, uint32_t tag)
{
	struct aoe_cfg_args cfg = { .ccmd = AOE_CCMD_READ };
	struct aoe_addr a;
	uint8_t frame[AOE_ETH_ZLEN + AOE_VLAN_HLEN];
	int len;

	memset(&a, 0, sizeof(a));
	memset(a.dst, 0xff, AOE_ETH_ALEN);
	memcpy(a.src, ifc->mac, AOE_ETH_ALEN);
	a.shelf = AOE_SHELF_BCAST;
	a.slot = AOE_SLOT_BCAST;
	a.tag = tag;
	len = aoe_build_cfg(frame, sizeof(frame), &a, &cfg);
	if (len < 0)
		return len;
	return engine_send_raw(e, ifc, frame, (size_t)len);
}

void discover_broadcast(struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	e->disc_tags[1] = e->disc_tags[0];
	e->disc_tags[0] = tag_make(engine_random(e), TAG_DISCOVER_IDX);
	engine_for_each_iface(e, i, ifc) {
		int err;

		iface_refresh(ifc);
		err = discover_send_query(e, ifc, e->disc_tags[0]);
		if (err)
			pr_warn("%s: sending the discovery query failed: %s\n", ifc->name,
				strerror(-err));
	}
	e->last_discover_ns = e->now_ns;
	if (e->cfg.rediscover_s)
		e->next_discover_ns = e->now_ns + (uint64_t)e->cfg.rediscover_s * NSEC_PER_SEC;
}

/*
 * A config answer to no query of ours (its tag has bit 31 clear, so the
 * classifier passed it and the announcement socket brought it): targets
 * announce themselves so when they start (vblade, kvblade, ggaoed). From a
 * target we know, it is a reason to check it still serves the same disk;
 * it never makes a device.
 */
static void config_hint(struct aoe_engine *e, const struct aoe_view *v)
{
	struct aoe_dev *d = engine_find_dev(e, v->shelf, v->slot);
	struct aoe_target *t = d ? dev_find_target(d, v->src) : NULL;

	if (!t)
		return;
	e->rx.config_hint++;
	identity_check(t);
}

void discover_on_announce(struct aoe_engine *e, struct aoe_iface *ifc, const uint8_t *frame,
			  size_t len)
{
	static const uint8_t bcast[AOE_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct aoe_view v;
	const char *why;

	if (aoe_parse(frame, len, &v, &why) || !aoe_is_response(&v) || v.cmd != AOE_CMD_CFG ||
	    (memcmp(v.dst, ifc->mac, AOE_ETH_ALEN) && memcmp(v.dst, bcast, AOE_ETH_ALEN)))
		return;
	config_hint(e, &v);
}

static bool config_answer_ok(struct aoe_engine *e, const struct aoe_view *v)
{
	static const uint8_t zero[AOE_ETH_ALEN];

	if (v->tag != e->disc_tags[0] && v->tag != e->disc_tags[1])
		return false;	/* not an answer to our query */
	if (v->flags & AOE_FLAG_ERR)
		return false;
	if (v->shelf == AOE_SHELF_BCAST || v->slot == AOE_SLOT_BCAST)
		return false;
	/* A target's MAC is unicast and set. */
	return !(v->src[0] & 1) && memcmp(v->src, zero, AOE_ETH_ALEN);
}

void dev_set_config(struct aoe_dev *d, const struct aoe_cfg_view *c)
{
	size_t i;

	for (i = 0; i < c->cslen && i < AOE_CFG_STR_MAX; i++)
		d->config[i] = isprint(c->cfgstr[i]) ? (char)c->cfgstr[i] : '?';
	d->config[i] = '\0';
}

void discover_on_config(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v)
{
	struct aoe_cfg_view c;
	struct aoe_dev *d;
	struct aoe_target *t;
	struct aoe_path *p;
	const char *why;

	e->rx.config++;
	if (!config_answer_ok(e, v) || aoe_parse_cfg(v, &c, &why)) {
		e->rx.config_bad++;
		return;
	}
	/* Left out by --only/--exclude: nothing is kept for it. */
	if (!e->cfg.select_marks && !engine_config_selects(&e->cfg, v->shelf, v->slot)) {
		e->lim.excluded++;
		return;
	}
	d = engine_find_dev(e, v->shelf, v->slot);
	if (!d && e->lim.devices >= e->cfg.max_devices) {
		char name[AOE_NAME_LEN] = "";

		/* Named only the one time it is said: a flood comes here per frame. */
		if (!e->limit_logged[LIMIT_DEVICES])
			snprintf(name, sizeof(name), "e%u.%u", v->shelf, v->slot);
		limit_hit(e, LIMIT_DEVICES, name, NULL);
		return;
	}
	if (!d)
		d = dev_create(e, v->shelf, v->slot);
	if (!d)
		return;
	t = dev_find_target(d, v->src);
	if (!t)
		t = target_create(d, v->src, c.bufcnt);
	if (!t)
		return;
	t->fwver = c.fwver;
	t->scnt = c.scnt;
	target_set_bufcnt(t, c.bufcnt);
	p = target_find_path(t, ifc, v->has_vlan, v->vlan);
	if (!p && target_add_path(t, ifc, v->has_vlan, v->vlan, &p))
		return;
	/* The answer speaks for the path it came by (this MAC on this
	 * interface and VLAN) and no other. */
	p->scnt = c.scnt;
	path_update_max_sect(p);
	/* A small answer on the path: evidence for pmtu.c. */
	pmtu_answered(e, p, 0, e->last_discover_ns);
	dev_set_config(d, &c);
	t->last_heard_ns = e->now_ns;
	if (d->state == DEV_NEW || d->state == DEV_DOWN || d->state == DEV_FAILED)
		identity_dev_check(d);
	else
		identity_check(t);	/* again: it may serve another disk by now */
}

bool discover_any_dev_in(const struct aoe_engine *e, enum aoe_dev_state state)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d)
		if (d->state == state || (state == DEV_IDENTIFYING && d->accept_new_id))
			return true;
	return false;
}

uint64_t discover_next_ns(struct aoe_engine *e)
{
	uint64_t next = e->cfg.rediscover_s ? e->next_discover_ns : UINT64_MAX;
	uint64_t retry = e->last_discover_ns + DOWN_REDISCOVER_NS;

	/* A down device comes back by itself: look for it more often. */
	if (retry < next && discover_any_dev_in(e, DEV_DOWN))
		next = retry;
	return next;
}


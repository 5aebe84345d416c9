// SPDX-License-Identifier: GPL-2.0
/* Devices, their targets and the paths to them; which path a frame takes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

const char *aoe_dev_state_name(enum aoe_dev_state s)
{
	switch (s) {
	case DEV_NEW: return "new";
	case DEV_IDENTIFYING: return "identifying";
	case DEV_UP: return "up";
	case DEV_DOWN: return "down";
	case DEV_FAILED: return "failed";
	}
	return "?";
}

struct aoe_dev *dev_create(struct aoe_engine *e, uint16_t shelf, uint8_t slot)
{
	struct aoe_dev *d = calloc(1, sizeof(*d)), *o;
	struct aoe_iface *ifc;
	unsigned int i;

	if (!d)
		return NULL;
	d->eng = e;
	d->created_ns = e->now_ns;
	d->shelf = shelf;
	d->slot = slot;
	snprintf(d->name, sizeof(d->name), "e%u.%u", shelf, slot);
	list_init(&d->pending);
	list_init(&d->resend);
	list_init(&d->writes);
	list_init(&d->wcopies);
	if (guard_dev_init(d)) {
		free(d);
		return NULL;
	}
	frame_pool_init(&d->pool, e->cfg.pool_max);
	engine_for_each_iface(e, i, ifc) {
		if (frame_pool_add_iface(&d->pool, i, &ifc->umem)) {
			frame_pool_destroy(&d->pool);
			guard_dev_fini(d);
			free(d);
			return NULL;
		}
	}
	/* Kept in shelf.slot order, as users read them: before the first
	 * that sorts after it. */
	list_for_each_entry(o, &e->devs, struct aoe_dev, node)
		if (o->shelf > shelf || (o->shelf == shelf && o->slot > slot))
			break;
	list_add_tail(&o->node, &d->node);
	e->lim.devices++;
	limits_wake(e);
	return d;
}

void dev_destroy(struct aoe_dev *d)
{
	d->state = DEV_DOWN;
	aoe_io_fail_all(d, -ESHUTDOWN);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct aoe_target *t = d->targets[i];

		while (!list_empty(&t->copies))
			copy_remove(d->eng, list_first_entry(&t->copies, struct aoe_copy, tnode));
	}
	guard_dev_fini(d);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct aoe_target *t = d->targets[i];

		for (unsigned int p = 0; p < t->npaths; p++)
			txpool_destroy(&t->paths[p].tx);
		free(t);
	}
	frame_pool_destroy(&d->pool);
	list_del(&d->node);
	d->eng->lim.devices--;
	free(d);
}

struct aoe_target *dev_find_target(struct aoe_dev *d, const uint8_t mac[AOE_ETH_ALEN])
{
	for (unsigned int i = 0; i < d->ntargets; i++)
		if (!memcmp(d->targets[i]->mac, mac, AOE_ETH_ALEN))
			return d->targets[i];
	return NULL;
}

struct aoe_target *target_create(struct aoe_dev *d, const uint8_t mac[AOE_ETH_ALEN], uint16_t bufcnt)
{
	struct aoe_target *t;

	if (d->ntargets >= d->eng->cfg.max_targets) {
		limit_hit(d->eng, LIMIT_TARGETS, d->name, NULL);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->dev = d;
	t->last_heard_ns = d->eng->now_ns;	/* its config answer made it */
	memcpy(t->mac, mac, AOE_ETH_ALEN);
	t->bufcnt = bufcnt;
	window_init(&t->win, bufcnt);
	rtt_init(&t->rtt, d->eng->cfg.rto_min_us, d->eng->cfg.rto_max_us);
	list_init(&t->inflight);
	list_init(&t->copies);
	d->targets[d->ntargets++] = t;
	return t;
}

void target_set_bufcnt(struct aoe_target *t, uint16_t bufcnt)
{
	if (bufcnt == t->bufcnt)
		return;
	t->bufcnt = bufcnt;
	window_set_limit(&t->win, bufcnt);
}

struct aoe_path *target_find_path(struct aoe_target *t, const struct aoe_iface *ifc,
				  bool has_vlan, uint16_t vlan)
{
	for (unsigned int i = 0; i < t->npaths; i++) {
		struct aoe_path *p = &t->paths[i];

		if (p->ifc == ifc && p->has_vlan == has_vlan && (!has_vlan || p->vlan == vlan))
			return p;
	}
	return NULL;
}

void path_update_max_sect(struct aoe_path *p)
{
	uint32_t hdr = AOE_ATA_HDR_LEN + (p->has_vlan ? AOE_VLAN_HLEN : 0);
	uint32_t frame_max, n, scnt = p->scnt ? p->scnt : 2, was = p->max_sect;

	if (!p->ifc) {
		p->max_sect = 0;
		return;
	}
	frame_max = iface_frame_max(p->ifc);
	n = frame_max > hdr ? (frame_max - hdr) / ATA_SECTOR_SIZE : 0;
	if (n > scnt)
		n = scnt;
	if (p->pmtu_sect >= n)
		p->pmtu_sect = 0;	/* no longer a cap */
	else if (p->pmtu_sect)
		n = p->pmtu_sect;
	p->max_sect = n;
	if (n != was)
		p->big_lost = 0;	/* evidence about the old size (pmtu.c) */
	if (n < was)
		aoe_io_requeue_too_big(p);
}

/* UMEM chunks the largest frame of p takes (several with multi-buffer). */
static uint32_t path_chunks_per_frame(const struct aoe_path *p)
{
	uint32_t len = AOE_ATA_HDR_LEN + AOE_VLAN_HLEN + p->max_sect * ATA_SECTOR_SIZE;

	return (len + UMEM_CHUNK_SIZE - 1) / UMEM_CHUNK_SIZE;
}

/* A window's worth of the largest frames, taken once the target may carry
 * I/O (not for every config answer: anyone can send those), and not on the
 * I/O path. Without them the path sends from the device's spares. */
void path_take_tx(struct aoe_path *p)
{
	struct aoe_target *t = p->t;

	if (!p->ifc || p->tx.stack)
		return;
	if (txpool_init_path(&p->tx, &t->dev->pool, &p->ifc->umem,
			     t->win.limit * path_chunks_per_frame(p)))
		limit_hit(t->dev->eng, LIMIT_PATH_UMEM, t->dev->name, p->ifc->name);
}

int target_add_path(struct aoe_target *t, struct aoe_iface *ifc, bool has_vlan,
		    uint16_t vlan, struct aoe_path **out)
{
	struct aoe_path *p = NULL;

	/* A path whose interface went away can be used again. */
	for (unsigned int i = 0; i < t->npaths && !p; i++)
		if (!t->paths[i].ifc)
			p = &t->paths[i];
	if (!p) {
		if (t->npaths >= t->dev->eng->cfg.max_paths) {
			limit_hit(t->dev->eng, LIMIT_PATHS, t->dev->name, ifc->name);
			return -ENOSPC;
		}
		p = &t->paths[t->npaths++];
	}
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->has_vlan = has_vlan;
	p->vlan = vlan;
	p->ifc = ifc;
	p->scnt = t->scnt;	/* until a config answer on this path says */
	path_update_max_sect(p);
	if (t->idstate == TID_OK)
		path_take_tx(p);
	*out = p;
	return 0;
}

static bool path_usable(const struct aoe_path *p)
{
	return p->ifc && p->max_sect;
}

bool target_reachable(const struct aoe_target *t)
{
	for (unsigned int i = 0; i < t->npaths; i++)
		if (path_usable(&t->paths[i]))
			return true;
	return false;
}

bool target_usable(const struct aoe_target *t)
{
	return t->idstate == TID_OK && target_reachable(t);
}

/* Round robin over the target's interfaces, frame by frame. */
static struct aoe_path *target_next_path(struct aoe_target *t)
{
	for (unsigned int i = 0; i < t->npaths; i++) {
		struct aoe_path *p = &t->paths[(t->next_path + i) % t->npaths];

		if (path_usable(p)) {
			t->next_path = (t->next_path + i + 1) % t->npaths;
			return p;
		}
	}
	return NULL;
}

static uint32_t target_space(const struct aoe_target *t, bool need_window)
{
	if (need_window)
		return window_space(&t->win);
	/* A retransmit goes out regardless of the window: prefer the least
	 * loaded target. */
	return WINDOW_MAX + 1 - (t->win.nout < WINDOW_MAX ? t->win.nout : WINDOW_MAX);
}

/*
 * The target with the most room in its window gets the frame, so frames
 * spread over targets in proportion to their open windows. Tainted targets
 * (and `avoid`) are used only when nothing else is left; a FLUSH goes only
 * to targets that flush.
 */
struct aoe_path *dev_pick_path(struct aoe_dev *d, bool need_window,
			       const struct aoe_target *avoid, bool flush)
{
	for (int strict = 1; strict >= 0; strict--) {
		struct aoe_target *best = NULL;
		uint32_t best_space = 0;
		unsigned int best_i = 0;

		for (unsigned int k = 0; k < d->ntargets; k++) {
			unsigned int i = (d->next_target + k) % d->ntargets;
			struct aoe_target *t = d->targets[i];
			uint32_t space;

			if (!target_usable(t) || (flush && t->no_flush))
				continue;
			if (strict && (t->tainted || t == avoid))
				continue;
			space = target_space(t, need_window);
			if (space > best_space) {
				best = t;
				best_space = space;
				best_i = i;
			}
		}
		if (best) {
			d->next_target = best_i + 1;
			return target_next_path(best);
		}
	}
	return NULL;
}

bool dev_flush_target(const struct aoe_dev *d)
{
	for (unsigned int i = 0; i < d->ntargets; i++)
		if (!d->targets[i]->no_flush && target_usable(d->targets[i]))
			return true;
	return false;
}

void dev_warn_no_flush(struct aoe_dev *d)
{
	d->flushes_unsent++;
	if (d->no_flush_warned)
		return;
	d->no_flush_warned = true;
	pr_warn("%s: no target of this device flushes its write cache any more; flushes "
		"complete without being sent (counted as flushes_unsent), as the kernel "
		"driver's always do: data acknowledged may not be on stable storage\n", d->name);
}

bool dev_has_other_target(const struct aoe_dev *d, const struct aoe_target *t)
{
	for (unsigned int i = 0; i < d->ntargets; i++)
		if (d->targets[i] != t && !d->targets[i]->tainted && target_usable(d->targets[i]))
			return true;
	return false;
}

void dev_reset_targets(struct aoe_dev *d)
{
	/* Afresh means nothing in flight: a device whose IDENTIFY failed may
	 * still have a probe out, which the new windows would not count. */
	aoe_io_fail_all(d, -EIO);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct aoe_target *t = d->targets[i];

		window_reset(&t->win);
		t->tainted = false;
		t->timeouts_in_row = 0;
		/* A come-back asks at once, not when an old backoff ends. */
		t->probe_misses = 0;
		t->verify_backoff_ns = 0;
		t->next_verify_ns = d->eng->now_ns;
	}
}

void dev_go_down(struct aoe_dev *d, const char *why)
{
	struct aoe_engine *e = d->eng;

	if (d->state == DEV_DOWN)
		return;
	d->state = DEV_DOWN;
	d->why = why;
	pr_warn("%s: down: %s; I/O fails until a target answers again\n", d->name, why);
	aoe_io_fail_all(d, -EIO);
	if (e->hooks.dev_down)
		e->hooks.dev_down(e->hooks.ctx, d);
}

void dev_forget_iface(struct aoe_dev *d, struct aoe_iface *ifc)
{
	aoe_io_requeue_iface(d, ifc);
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct aoe_target *t = d->targets[i];

		copy_forget_iface(t, ifc);
		for (unsigned int p = 0; p < t->npaths; p++) {
			if (t->paths[p].ifc != ifc)
				continue;
			t->paths[p].ifc = NULL;
			t->paths[p].max_sect = 0;
			txpool_destroy(&t->paths[p].tx);
		}
	}
	frame_pool_del_iface(&d->pool, ifc->slot);
}

uint32_t aoe_dev_payload(const struct aoe_dev *d)
{
	uint32_t best = 0;

	for (unsigned int i = 0; i < d->ntargets; i++)
		for (unsigned int p = 0; p < d->targets[i]->npaths; p++)
			if (d->targets[i]->paths[p].max_sect > best)
				best = d->targets[i]->paths[p].max_sect;
	return best * ATA_SECTOR_SIZE;
}

/* --- what front ends may read -------------------------------------------- */

const char *aoe_dev_name(const struct aoe_dev *d)
{
	return d->name;
}

uint16_t aoe_dev_shelf(const struct aoe_dev *d)
{
	return d->shelf;
}

uint8_t aoe_dev_slot(const struct aoe_dev *d)
{
	return d->slot;
}

enum aoe_dev_state aoe_dev_state(const struct aoe_dev *d)
{
	return d->state;
}

const char *aoe_dev_why(const struct aoe_dev *d)
{
	return d->why;
}

const struct ata_identity *aoe_dev_identity(const struct aoe_dev *d)
{
	return d->identified ? &d->id : NULL;
}

uint64_t aoe_dev_bytes(const struct aoe_dev *d)
{
	return d->id.sectors * ATA_SECTOR_SIZE;
}

bool aoe_dev_can_flush(const struct aoe_dev *d)
{
	return d->id.flush || d->id.flush_ext;
}

void aoe_dev_get_info(const struct aoe_dev *d, struct aoe_dev_info *out)
{
	const struct frame_pool *fp = &d->pool;

	memset(out, 0, sizeof(*out));
	memcpy(out->name, d->name, sizeof(out->name));
	out->shelf = d->shelf;
	out->slot = d->slot;
	out->state = d->state;
	out->why = d->why;
	out->left_out = !engine_config_selects(&d->eng->cfg, d->shelf, d->slot);
	out->id = d->id;
	out->bytes = aoe_dev_bytes(d);
	out->payload = aoe_dev_payload(d);
	out->config = d->config;
	out->ntargets = d->ntargets;
	out->st = d->st;
	out->pool = (struct aoe_pool_stats){ .size = fp->size, .cap = fp->cap,
					     .high_water = fp->high_water, .held = fp->held,
					     .kicks = fp->kicks };
	for (unsigned int i = 0; i < d->ntargets; i++)
		out->retransmits += d->targets[i]->st.retransmits;
	out->in_doubt = d->nwcopies;
	out->guard_sectors = d->guard.count;
	out->guard = d->guard.st;
	out->flushes_unsent = d->flushes_unsent;
}

/* Names as `stat` shows them (README: compatibility). */
static void target_quirk_names(const struct aoe_target *t, const char **names)
{
	unsigned int n = 0;

	if (t->quirks & TARGET_QUIRK_FLUSH_ECHO)
		names[n++] = "flush-status-echo";
	if (t->quirks & TARGET_QUIRK_FLUSH_ABORT)
		names[n++] = "flush-abort";
	names[n] = NULL;
}

int aoe_dev_get_target(const struct aoe_dev *d, unsigned int i, struct aoe_target_info *out)
{
	const struct aoe_target *t;

	if (i >= d->ntargets)
		return -ENOENT;
	t = d->targets[i];
	memset(out, 0, sizeof(*out));
	memcpy(out->mac, t->mac, AOE_ETH_ALEN);
	out->bufcnt = t->bufcnt;
	out->fwver = t->fwver;
	out->max_sectors = t->scnt ? t->scnt : 2;
	out->tainted = t->tainted;
	out->no_flush = t->no_flush;
	out->identity = target_id_state_name(t->idstate);
	out->id_diff = t->id_diff;
	target_quirk_names(t, out->quirks);
	out->nout = t->win.nout;
	out->maxout = t->win.maxout;
	out->ssthresh = t->win.ssthresh;
	out->srtt_us = t->rtt.srtt_us;
	out->rttvar_us = t->rtt.rttvar_us;
	out->rto_us = rtt_rto_us(&t->rtt);
	for (unsigned int p = 0; p < t->npaths; p++) {
		const struct aoe_path *ph = &t->paths[p];

		if (!ph->ifc)
			continue;
		out->ifaces[out->nifaces++] = ph->ifc->name;
		out->paths[out->npaths++] = (struct aoe_path_info){
			.iface = ph->ifc->name, .sectors = ph->max_sect,
			.pmtu_sectors = ph->pmtu_sect, .pmtu_falls = ph->pmtu_falls };
	}
	out->st = t->st;
	return 0;
}

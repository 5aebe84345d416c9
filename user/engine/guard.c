// SPDX-License-Identifier: GPL-2.0
/*
 * The write guard: no acknowledged write is rolled back by an older copy
 * that a stalled target executes late.
 *
 * A write is "in doubt" while a copy of it sits unanswered at a target
 * that may still execute it (copies.c keeps them). When a newer write is
 * acknowledged over sectors such a copy covers, its data for those sectors
 * is kept here (a guard sector, with the version of the write). When the
 * old copy's answer then arrives, the target has executed it, possibly
 * after the newer data: the kept sectors whose version is newer are marked
 * dirty and written again (rewrite), then flushed. Until a guard sector is
 * clean and no older copy covers it any more, reads of it are served its
 * data, and FLUSH requests wait for rewrites to finish.
 *
 * The guard ends for a copy when it is answered, shown lost (its target
 * answered frames sent well after it on the same path) or after
 * --write-guard seconds; a copy given up that way and executed later still
 * rolls data back: that is said in the log and counted.
 *
 * Versions (wseq) number writes in the order they were submitted. Guard
 * sectors come from a pool allocated once; when it is empty, a write's
 * completion waits until sectors come free rather than go unguarded.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

#define GUARD_NONE	UINT32_MAX

/* --- the pool and each device's sectors ---------------------------------- */

int guard_pool_init(struct guard_pool *gp, uint32_t n)
{
	memset(gp, 0, sizeof(*gp));
	if (!n)
		return 0;
	gp->s = calloc(n, sizeof(*gp->s));
	gp->free = malloc(n * sizeof(*gp->free));
	if (!gp->s || !gp->free) {
		guard_pool_fini(gp);
		return -ENOMEM;
	}
	gp->n = n;
	for (uint32_t i = 0; i < n; i++)
		gp->free[i] = n - 1 - i;
	gp->nfree = n;
	return 0;
}

void guard_pool_fini(struct guard_pool *gp)
{
	free(gp->s);
	free(gp->free);
	memset(gp, 0, sizeof(*gp));
}

int guard_dev_init(struct aoe_dev *d)
{
	struct guard *g = &d->guard;

	memset(g, 0, sizeof(*g));
	list_init(&g->sectors);
	list_init(&g->held);
	list_init(&g->flushes);
	g->bucket = malloc(GUARD_BUCKETS * sizeof(*g->bucket));
	g->buf = aligned_alloc(4096, GUARD_REWRITE_SECT * ATA_SECTOR_SIZE);
	if (!g->bucket || !g->buf) {
		free(g->bucket);
		free(g->buf);
		return -ENOMEM;
	}
	memset(g->bucket, 0xff, GUARD_BUCKETS * sizeof(*g->bucket));
	return 0;
}

static uint32_t guard_hash(uint64_t lba)
{
	return (uint32_t)((lba * 0x9e3779b97f4a7c15ull) >> 54) & (GUARD_BUCKETS - 1);
}

static struct guard_sector *gs_find(struct aoe_dev *d, uint64_t lba)
{
	struct guard_pool *gp = &d->eng->guard;

	for (uint32_t i = d->guard.bucket[guard_hash(lba)]; i != GUARD_NONE; i = gp->s[i].hnext)
		if (gp->s[i].lba == lba)
			return &gp->s[i];
	return NULL;
}

static struct guard_sector *gs_new(struct aoe_dev *d, uint64_t lba)
{
	struct guard_pool *gp = &d->eng->guard;
	uint32_t i, h = guard_hash(lba);
	struct guard_sector *s;

	if (!gp->nfree)
		return NULL;
	i = gp->free[--gp->nfree];
	s = &gp->s[i];
	memset(s, 0, offsetof(struct guard_sector, data));
	s->lba = lba;
	s->hnext = d->guard.bucket[h];
	d->guard.bucket[h] = i;
	list_add_tail(&d->guard.sectors, &s->node);
	d->guard.count++;
	return s;
}

static void gs_mark_dirty(struct aoe_dev *d, struct guard_sector *s)
{
	if (!s->dirty)
		d->guard.ndirty++;
	s->dirty = true;
	s->dirty_mark++;
}

static void gs_clean(struct aoe_dev *d, struct guard_sector *s)
{
	if (s->dirty)
		d->guard.ndirty--;
	s->dirty = false;
}

static void gs_free(struct aoe_dev *d, struct guard_sector *s)
{
	struct guard_pool *gp = &d->eng->guard;
	uint32_t i = (uint32_t)(s - gp->s), *p = &d->guard.bucket[guard_hash(s->lba)];

	while (*p != i)
		p = &gp->s[*p].hnext;
	*p = s->hnext;
	gs_clean(d, s);
	list_del(&s->node);
	d->guard.count--;
	gp->free[gp->nfree++] = i;
}

void guard_dev_fini(struct aoe_dev *d)
{
	struct guard *g = &d->guard;

	while (!list_empty(&g->sectors))
		gs_free(d, list_first_entry(&g->sectors, struct guard_sector, node));
	free(g->bucket);
	free(g->buf);
	g->bucket = NULL;
	g->buf = NULL;
}

/* --- which sectors need keeping ------------------------------------------ */

static bool ranges_meet(uint64_t a, uint32_t an, uint64_t b, uint32_t bn)
{
	return a < b + bn && b < a + an;
}

/* An unanswered write copy older than wseq covers lba. */
static bool older_copy_covers(const struct aoe_dev *d, uint64_t lba, uint64_t wseq)
{
	struct aoe_copy *c;

	list_for_each_entry(c, &d->wcopies, struct aoe_copy, dnode)
		if (c->wseq < wseq && lba >= c->lba && lba < c->lba + c->nsect)
			return true;
	return false;
}

/* Frees the sectors of [lba, lba + n) that nothing needs any more. */
static void guard_trim(struct aoe_dev *d, uint64_t lba, uint32_t n)
{
	for (uint32_t i = 0; i < n && d->guard.count; i++) {
		struct guard_sector *s = gs_find(d, lba + i);

		if (s && !s->dirty && !s->rewriting && !older_copy_covers(d, s->lba, s->wseq))
			gs_free(d, s);
	}
	if (!list_empty(&d->guard.held))
		aoe_io_retry_held(d);
}

/* Sectors of req (a write being acknowledged) that must be kept: those an
 * older copy covers, and those kept already. */
static bool sector_needed(struct aoe_dev *d, const struct aoe_req *req, uint64_t lba)
{
	return gs_find(d, lba) || older_copy_covers(d, lba, req->wseq);
}

static uint32_t sectors_to_add(struct aoe_dev *d, const struct aoe_req *req)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < req->nsect; i++)
		if (!gs_find(d, req->lba + i) && sector_needed(d, req, req->lba + i))
			n++;
	return n;
}

static void keep_sector(struct aoe_dev *d, const struct aoe_req *req, uint32_t i)
{
	uint64_t lba = req->lba + i;
	struct guard_sector *s;

	if (!sector_needed(d, req, lba))
		return;
	s = gs_find(d, lba);
	if (!s)
		s = gs_new(d, lba);	/* counted beforehand: cannot fail */
	if (s->wseq > req->wseq)
		return;	/* holds newer data already */
	s->wseq = req->wseq;
	memcpy(s->data, req->buf + (size_t)i * ATA_SECTOR_SIZE, ATA_SECTOR_SIZE);
}

/*
 * req, a write, has been answered by its targets: keep what the guard
 * needs of it. False when the pool has no room: the caller holds the
 * completion back (aoe_io_retry_held() finishes it later).
 */
bool guard_write_done(struct aoe_dev *d, struct aoe_req *req)
{
	struct guard_pool *gp = &d->eng->guard;

	if (!d->nwcopies && !d->guard.count)
		return true;
	if (sectors_to_add(d, req) > gp->nfree) {
		if (!d->guard.held_logged)
			pr_warn("%s: the write guard is full (%u sectors); acknowledging writes "
				"waits until targets answer or their copies are given up\n",
				d->name, gp->n);
		d->guard.held_logged = true;
		d->guard.st.held++;
		return false;
	}
	for (uint32_t i = 0; i < req->nsect; i++)
		keep_sector(d, req, i);
	return true;
}

/* --- copies that end --------------------------------------------------------- */

/* An older write executed at its target after newer data may have been
 * acknowledged over it: mark the newer data to be written again, and flag
 * writes still in progress that already went out over those sectors (they
 * are sent again before they complete: aoe_io.c). */
static void copy_executed(struct aoe_dev *d, const struct aoe_copy *c)
{
	uint32_t marked = 0;

	for (uint32_t i = 0; i < c->nsect && d->guard.count; i++) {
		struct guard_sector *s = gs_find(d, c->lba + i);

		if (s && s->wseq > c->wseq) {
			gs_mark_dirty(d, s);
			marked++;
		}
	}
	for (struct list_node *p = d->writes.next; p != &d->writes; p = p->next) {
		struct aoe_req *r = container_of(p, struct aoe_req, wnode);

		if (r->wseq <= c->wseq || !ranges_meet(r->lba, r->nsect, c->lba, c->nsect))
			continue;
		r->guard_redo = true;
		marked++;
	}
	if (marked) {
		d->guard.st.rollbacks_caught++;
		pr_info("%s: an old write to LBA %llu (%u sectors) was executed late by its "
			"target; writing the newer data again\n", d->name,
			(unsigned long long)c->lba, c->nsect);
	}
}

/*
 * c ends: answered (executed true: the target carried it out), lost or
 * given up. Takes it off the books and lets the guard go where no longer
 * needed.
 */
void guard_copy_gone(struct aoe_engine *e, struct aoe_copy *c, bool executed)
{
	struct aoe_dev *d = c->t->dev;
	uint64_t lba = c->lba;
	uint32_t n = c->nsect;
	bool write = c->write;

	if (executed && write)
		copy_executed(d, c);
	copy_remove(e, c);
	if (write) {
		guard_trim(d, lba, n);
		guard_pump(d);
	}
}

void guard_gave_up(struct aoe_engine *e, const struct aoe_copy *c)
{
	struct aoe_dev *d = c->t->dev;
	char mac[AOE_MAC_STR_LEN];

	(void)e;
	d->guard.st.given_up++;
	if (d->guard.gave_up_logged)
		return;
	d->guard.gave_up_logged = true;
	aoe_format_mac(mac, c->t->mac);
	pr_warn("%s: target %s never answered a write to LBA %llu within --write-guard; no "
		"longer guarding it: if %s executes it later, newer data there is rolled back "
		"(counted as guard_given_up)\n", d->name, mac, (unsigned long long)c->lba, mac);
}

/* --- rewrites and the flushes that wait for them -------------------------------- */

static void rewrite_done(struct aoe_req *req, int res);

static bool guard_busy(const struct aoe_dev *d)
{
	return d->guard.ndirty || d->guard.rewriting || d->guard.flushing;
}

/* The lowest dirty sector not being written: where the next rewrite starts. */
static struct guard_sector *first_dirty(struct aoe_dev *d)
{
	struct guard_sector *s, *best = NULL;

	list_for_each_entry(s, &d->guard.sectors, struct guard_sector, node)
		if (s->dirty && !s->rewriting && (!best || s->lba < best->lba))
			best = s;
	return best;
}

/* Sends the next run of dirty sectors, if any; one rewrite at a time. */
static bool rewrite_start(struct aoe_dev *d)
{
	struct guard *g = &d->guard;
	struct guard_sector *s = first_dirty(d);
	uint64_t lba, wseq;
	uint32_t n = 0;

	if (!s)
		return false;
	lba = s->lba;
	wseq = s->wseq;
	for (; s && s->dirty && !s->rewriting && n < GUARD_REWRITE_SECT;
	     s = gs_find(d, lba + ++n)) {
		memcpy(g->buf + (size_t)n * ATA_SECTOR_SIZE, s->data, ATA_SECTOR_SIZE);
		s->rewriting = true;
		s->sent_mark = s->dirty_mark;
		s->sent_wseq = s->wseq;
		if (s->wseq < wseq)
			wseq = s->wseq;
	}
	g->rewriting = true;
	g->st.rewrites += n;
	aoe_req_prep(&g->req, AOE_OP_WRITE, lba, n, g->buf, rewrite_done, d);
	g->req.internal = true;
	g->req.wseq = wseq;	/* as old as the oldest data it carries */
	aoe_io_submit(d, &g->req);
	return true;
}

static void flush_done(struct aoe_req *req, int res)
{
	struct aoe_dev *d = req->priv;

	d->guard.flushing = false;
	if (res) {
		d->guard.flush_owed = true;	/* try again a little later */
		d->guard.not_before_ns = d->eng->now_ns + GUARD_RETRY_NS;
	}
	guard_pump(d);
}

/* Submits the user flushes that waited for the rewrites. */
static void release_flushes(struct aoe_dev *d)
{
	while (!list_empty(&d->guard.flushes) && !guard_busy(d)) {
		struct aoe_req *req = list_first_entry(&d->guard.flushes, struct aoe_req, node);

		list_del(&req->node);
		aoe_io_queue(d, req);
	}
}

void guard_pump(struct aoe_dev *d)
{
	struct guard *g = &d->guard;

	if (g->pumping || d->state != DEV_UP || d->eng->now_ns < g->not_before_ns)
		return;
	g->pumping = true;
	if (!g->rewriting && !g->flushing) {
		rewrite_start(d);
		if (!g->rewriting && g->flush_owed && aoe_dev_can_flush(d)) {
			/* What was written again must be durable as the data it
			 * replaced was (an fsync may have covered that). */
			g->flush_owed = false;
			g->flushing = true;
			aoe_req_prep(&g->flush_req, AOE_OP_FLUSH, 0, 0, NULL, flush_done, d);
			g->flush_req.internal = true;
			aoe_io_submit(d, &g->flush_req);
		}
	}
	g->pumping = false;
	release_flushes(d);
}

static void rewrite_done(struct aoe_req *req, int res)
{
	struct aoe_dev *d = req->priv;
	struct guard *g = &d->guard;

	for (uint32_t i = 0; i < req->nsect; i++) {
		struct guard_sector *s = gs_find(d, req->lba + i);

		if (!s)
			continue;
		s->rewriting = false;
		/* Clean only if nothing made it dirty again, or newer, meanwhile. */
		if (!res && s->dirty_mark == s->sent_mark && s->wseq == s->sent_wseq)
			gs_clean(d, s);
	}
	g->rewriting = false;
	if (res)
		g->not_before_ns = d->eng->now_ns + GUARD_RETRY_NS;
	else
		g->flush_owed = true;
	guard_trim(d, req->lba, req->nsect);
	guard_pump(d);
}

/* A FLUSH waits while rewrites are pending: it must cover them. */
bool guard_hold_flush(struct aoe_dev *d, struct aoe_req *req)
{
	if (req->internal || !guard_busy(d))
		return false;
	d->guard.st.flushes_held++;
	list_add_tail(&d->guard.flushes, &req->node);
	return true;
}

/* Lays kept data over what a read brought back for [lba, lba + n). */
void guard_overlay_read(struct aoe_dev *d, uint64_t lba, uint32_t n, uint8_t *buf)
{
	if (!d->guard.count)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct guard_sector *s = gs_find(d, lba + i);

		if (s) {
			memcpy(buf + (size_t)i * ATA_SECTOR_SIZE, s->data, ATA_SECTOR_SIZE);
			d->guard.st.reads_served++;
		}
	}
}

/* Device gone or its disk replaced: nothing kept applies any more. */
void guard_dev_reset(struct aoe_dev *d)
{
	struct guard *g = &d->guard;

	while (!list_empty(&g->sectors))
		gs_free(d, list_first_entry(&g->sectors, struct guard_sector, node));
	g->flush_owed = false;
}

/* When the guard next wants the timer (a rewrite to retry), or next. */
uint64_t guard_timer(struct aoe_dev *d, uint64_t next)
{
	struct guard *g = &d->guard;

	if (!g->ndirty || g->rewriting)
		return next;
	guard_pump(d);
	if (g->ndirty && !g->rewriting && g->not_before_ns < next)
		next = g->not_before_ns;
	return next;
}

uint64_t guard_bytes(const struct aoe_dev *d)
{
	return (uint64_t)d->guard.count * ATA_SECTOR_SIZE;
}

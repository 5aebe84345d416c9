// SPDX-License-Identifier: GPL-2.0
/*
 * Copies: every frame that went out under a tag stays on record, by that
 * tag, until it is answered, shown lost, or given up. A frame that is
 * retransmitted leaves its old copy here; a frame that ends unanswered
 * (its request failed, or another copy answered first) leaves its current
 * one. So:
 *  - a late answer is recognised for what it is (a false alarm while its
 *    frame is still out; the execution of an orphaned write afterwards);
 *  - no tag is handed out again while an answer to it could still arrive;
 *  - a write copy that a stalled target may still execute is known, with
 *    its sectors and its version, which is what the write guard needs.
 *
 * A copy is shown lost when its target has answered, on the same
 * interface, a frame sent well after it: targets work through what they
 * receive in order, so a copy passed over that way was never received.
 * Records come from a table allocated once; the hash is by tag.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

#define COPY_NONE	UINT32_MAX

static uint32_t copy_hash(const struct copy_table *ct, uint32_t tag)
{
	return (tag * 0x9e3779b1u) >> ct->hash_shift;
}

int copy_table_init(struct copy_table *ct, uint32_t n)
{
	uint32_t buckets = 1, shift = 32;

	while (buckets < 2 * n) {
		buckets <<= 1;
		shift--;
	}
	memset(ct, 0, sizeof(*ct));
	ct->c = calloc(n, sizeof(*ct->c));
	ct->bucket = malloc(buckets * sizeof(*ct->bucket));
	ct->free = malloc(n * sizeof(*ct->free));
	if (!ct->c || !ct->bucket || !ct->free) {
		copy_table_fini(ct);
		return -ENOMEM;
	}
	ct->n = n;
	ct->hash_shift = shift;
	memset(ct->bucket, 0xff, buckets * sizeof(*ct->bucket));
	for (uint32_t i = 0; i < n; i++)
		ct->free[i] = n - 1 - i;
	ct->nfree = n;
	return 0;
}

void copy_table_fini(struct copy_table *ct)
{
	free(ct->c);
	free(ct->bucket);
	free(ct->free);
	memset(ct, 0, sizeof(*ct));
}

static uint32_t copy_index(const struct copy_table *ct, const struct aoe_copy *c)
{
	return (uint32_t)(c - ct->c);
}

struct aoe_copy *copy_find(struct aoe_engine *e, uint32_t tag)
{
	struct copy_table *ct = &e->copies;

	if (!ct->n)
		return NULL;
	for (uint32_t i = ct->bucket[copy_hash(ct, tag)]; i != COPY_NONE; i = ct->c[i].hnext)
		if (ct->c[i].tag == tag)
			return &ct->c[i];
	return NULL;
}

bool copy_tag_in_use(struct aoe_engine *e, uint32_t tag)
{
	return copy_find(e, tag) != NULL;
}

/* t->copies stays in send order (copies come on record when their frame
 * moves on, not when they were sent): from the tail, that is a step or
 * two at most. */
static void copy_link_by_time(struct aoe_target *t, struct aoe_copy *c)
{
	struct list_node *pos = t->copies.prev;

	while (pos != &t->copies && container_of(pos, struct aoe_copy, tnode)->sent_ns > c->sent_ns)
		pos = pos->prev;
	/* after pos: before pos->next */
	list_add_tail(pos->next, &c->tnode);
}

/*
 * Keeps f's current tag, as sent on its path, on record. Returns the copy,
 * or NULL when the table is full (counted: the answer will then be taken
 * for an unknown tag, and a write copy goes unguarded).
 */
struct aoe_copy *copy_add(struct aoe_engine *e, struct aoe_frame *f)
{
	struct copy_table *ct = &e->copies;
	struct aoe_target *t = f->path->t;
	struct aoe_copy *c;
	uint32_t i, h;

	if (!ct->nfree) {
		t->dev->guard.st.copies_dropped++;
		if (!ct->full_logged)
			pr_warn("%s: more than %u frames unanswered at once; answers to the oldest "
				"are no longer recognised (counted as copies_dropped)\n",
				t->dev->name, ct->n);
		ct->full_logged = true;
		return NULL;
	}
	i = ct->free[--ct->nfree];
	c = &ct->c[i];
	*c = (struct aoe_copy){
		.tag = f->tag,
		.t = t,
		.ifc = f->path->ifc,
		.f = f,
		.lba = f->lba,
		.nsect = f->nsect,
		.ata_cmd = f->ata_cmd,
		.write = frame_is_write(f),
		.wseq = f->req ? f->req->wseq : 0,
		.sent_ns = f->sent_ns,
	};
	c->expire_ns = c->sent_ns + (c->write ? (uint64_t)e->cfg.write_guard_s * NSEC_PER_SEC :
				     2ull * e->cfg.rto_max_us * NSEC_PER_USEC);
	h = copy_hash(ct, c->tag);
	c->hnext = ct->bucket[h];
	ct->bucket[h] = i;
	copy_link_by_time(t, c);
	list_add_tail(&f->copies, &c->fnode);
	if (c->write) {
		list_add_tail(&t->dev->wcopies, &c->dnode);
		t->dev->nwcopies++;
	} else {
		list_init(&c->dnode);
	}
	t->ncopies++;
	return c;
}

/* Takes c off the books; the caller has read what it needs of it. */
void copy_remove(struct aoe_engine *e, struct aoe_copy *c)
{
	struct copy_table *ct = &e->copies;
	uint32_t i = copy_index(ct, c), *p = &ct->bucket[copy_hash(ct, c->tag)];

	while (*p != i)
		p = &ct->c[*p].hnext;
	*p = c->hnext;
	list_del(&c->tnode);
	list_del(&c->fnode);
	if (c->write) {
		list_del(&c->dnode);
		c->t->dev->nwcopies--;
	}
	c->t->ncopies--;
	c->tag = 0;
	ct->free[ct->nfree++] = i;
}

/* f ends: its copies stay on record with nobody waiting for them. */
void copy_orphan_all(struct aoe_frame *f)
{
	while (!list_empty(&f->copies)) {
		struct aoe_copy *c = list_first_entry(&f->copies, struct aoe_copy, fnode);

		list_del(&c->fnode);
		c->f = NULL;
	}
}

/* The copies of t's device that reach t through ifc cannot be answered
 * any more: the interface is gone. Only the tag check forgets them. */
void copy_forget_iface(struct aoe_target *t, const struct aoe_iface *ifc)
{
	struct aoe_copy *c;

	list_for_each_entry(c, &t->copies, struct aoe_copy, tnode)
		if (c->ifc == ifc)
			c->ifc = NULL;
}

/*
 * t answered a frame first sent at sent_ns through ifc: copies sent to t
 * through ifc long enough before it were lost on the way. "Long enough"
 * leaves room for a target that works on several commands at once: a few
 * round trips as measured (not the RTO, whose floor a stall inflates).
 */
static uint64_t reorder_margin(const struct aoe_target *t)
{
	uint64_t margin = 4 * ((uint64_t)t->rtt.srtt_us + 4ull * t->rtt.rttvar_us) * NSEC_PER_USEC;

	return margin < COPY_REORDER_MIN_NS ? COPY_REORDER_MIN_NS : margin;
}

void copy_answered_after(struct aoe_engine *e, struct aoe_target *t,
			 const struct aoe_iface *ifc, uint64_t sent_ns)
{
	uint64_t margin = reorder_margin(t);
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &t->copies) {
		struct aoe_copy *c = container_of(pos, struct aoe_copy, tnode);

		if (c->sent_ns + margin > sent_ns)
			break;	/* in send order: the rest are younger */
		if (c->ifc != ifc || c->f)
			continue;	/* another queue; or its frame still waits */
		t->dev->guard.st.copies_lost++;
		guard_copy_gone(e, c, false);
	}
}

/*
 * A target with orphaned copies and nothing else to answer would keep them
 * in doubt until they expire. An IDENTIFY sent a margin after the oldest
 * settles it: once answered, what was sent before it and never answered
 * was lost. Returns when that probe is due (0: none needed).
 */
uint64_t copy_probe_due(const struct aoe_target *t)
{
	uint64_t margin = reorder_margin(t), due;
	const struct aoe_copy *c;

	list_for_each_entry(c, &t->copies, struct aoe_copy, tnode) {
		if (c->f)
			continue;	/* its frame's own answer will tell */
		due = c->sent_ns + margin;
		if (t->copy_probe_ns + margin > due)
			due = t->copy_probe_ns + margin;
		return due;
	}
	return 0;
}

/* Gives up copies past their time; returns when the next one is due. */
uint64_t copy_expire(struct aoe_engine *e, struct aoe_target *t, uint64_t next)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &t->copies) {
		struct aoe_copy *c = container_of(pos, struct aoe_copy, tnode);

		if (c->expire_ns > e->now_ns) {
			if (c->expire_ns < next)
				next = c->expire_ns;
			continue;
		}
		if (c->write && !c->f)
			guard_gave_up(e, c);
		guard_copy_gone(e, c, false);
	}
	return next;
}

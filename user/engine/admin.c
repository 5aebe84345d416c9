// SPDX-License-Identifier: GPL-2.0
/*
 * Admin requests (engine_admin.h): config, MAC mask list, reserve/release
 * and IDENTIFY round trips sent to a device's targets for a user, not for
 * block I/O.
 *
 * Each copy sent takes a slot of a small table of its own, and its tag
 * names that slot: bit 31, the slot's generation, and an index just below
 * the discovery tag's, above every frame's (ENGINE_MAX_FRAMES), so admin
 * answers never meet the I/O path's frames and copies. As with frames,
 * each slot's generation moves by an odd step of its own, so it runs
 * through all 2^15 values before it repeats, and free slots are reused
 * oldest first: an answer to a copy that timed out finds another
 * generation in its slot and is counted late, never taken for a newer
 * request's. An answer counts only from the target's MAC, for its
 * shelf.slot, on the interface (and VLAN) the copy went out on, for the
 * command it asked, with the length that command's answer has.
 *
 * Copies are sent from the loop's pass (admin_step), not from the caller,
 * so a round trip is timed from the moment the frame goes out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

/* Room for the largest request: a config string or a full mask list. */
#define ADMIN_FRAME_MAX	(AOE_FULL_HDR_LEN + AOE_VLAN_HLEN + AOE_MASK_LEN + \
			 AOE_ADMIN_LIST_MAX * AOE_MASK_DIR_LEN)

_Static_assert(ADMIN_IDX_BASE >= ENGINE_MAX_FRAMES, "admin tags above every frame's");
_Static_assert(ADMIN_IDX_BASE + ADMIN_SLOTS <= TAG_DISCOVER_IDX, "and below discovery's");
_Static_assert(ADMIN_FRAME_MAX >= AOE_CFG_HDR_LEN + AOE_VLAN_HLEN + AOE_CFG_STR_MAX,
	       "a config string fits");

/* One copy: where it went, what it asked, whose reply it fills. */
struct admin_slot {
	uint32_t tag;		/* 0 when free */
	uint32_t gen, step;
	struct aoe_admin *a;
	unsigned int reply;	/* index into a->replies */
	struct aoe_iface *ifc;
	uint8_t mac[AOE_ETH_ALEN];
	uint16_t shelf;
	uint8_t slot;
	uint8_t cmd;
	bool has_vlan;
	uint16_t vlan;
	bool sent;
	uint64_t sent_ns;
};

struct admin_table {
	struct admin_slot s[ADMIN_SLOTS];
	uint32_t free[ADMIN_SLOTS];	/* ring of free slot indexes */
	uint32_t head, nfree;
	struct list_node reqs;		/* struct aoe_admin, by node */
	bool failing;			/* admin_fail_all() is ending them all */
};

static struct admin_table *admin_table(struct aoe_engine *e)
{
	struct admin_table *t = e->admin;

	if (t)
		return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	for (uint32_t i = 0; i < ADMIN_SLOTS; i++) {
		t->free[i] = i;
		t->s[i].gen = engine_random(e) & TAG_GEN_MASK;
		t->s[i].step = (engine_random(e) | 1) & TAG_GEN_MASK;
	}
	t->nfree = ADMIN_SLOTS;
	list_init(&t->reqs);
	e->admin = t;
	return t;
}

static struct admin_slot *slot_alloc(struct admin_table *t)
{
	uint32_t i = t->free[t->head];
	struct admin_slot *s = &t->s[i];

	t->head = (t->head + 1) % ADMIN_SLOTS;
	t->nfree--;
	s->gen = (s->gen + s->step) & TAG_GEN_MASK;
	s->tag = tag_make(s->gen, ADMIN_IDX_BASE + i);
	return s;
}

static void slot_free(struct admin_table *t, struct admin_slot *s)
{
	s->tag = 0;
	s->a = NULL;
	s->ifc = NULL;
	t->free[(t->head + t->nfree) % ADMIN_SLOTS] = (uint32_t)(s - t->s);
	t->nfree++;
}

static uint8_t admin_cmd(enum aoe_admin_op op)
{
	switch (op) {
	case AOE_ADMIN_CONFIG: return AOE_CMD_CFG;
	case AOE_ADMIN_MASK: return AOE_CMD_MASK;
	case AOE_ADMIN_RESERVE: return AOE_CMD_RESERVE;
	case AOE_ADMIN_IDENTIFY: return AOE_CMD_ATA;
	}
	return AOE_CMD_ATA;
}

/* The paths a request goes out on: every one for round trips, else the
 * first of each target (one answer per target). */
static unsigned int admin_paths(const struct aoe_dev *d, const struct aoe_admin *a,
				struct aoe_path **out)
{
	bool each = a->op == AOE_ADMIN_IDENTIFY;
	unsigned int n = 0;

	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct aoe_target *t = d->targets[i];

		for (unsigned int p = 0; p < t->npaths; p++) {
			if (!t->paths[p].ifc)
				continue;
			out[n++] = &t->paths[p];
			if (!each)
				break;
		}
	}
	return n;
}

static void slot_bind(struct admin_slot *s, struct aoe_admin *a, unsigned int reply,
		      const struct aoe_path *p)
{
	struct aoe_admin_reply *r = &a->replies[reply];

	s->a = a;
	s->reply = reply;
	s->ifc = p->ifc;
	memcpy(s->mac, p->t->mac, AOE_ETH_ALEN);
	s->shelf = p->t->dev->shelf;
	s->slot = p->t->dev->slot;
	s->cmd = admin_cmd(a->op);
	s->has_vlan = p->has_vlan;
	s->vlan = p->vlan;
	s->sent = false;
	memcpy(r->mac, p->t->mac, AOE_ETH_ALEN);
	memcpy(r->iface, p->ifc->name, sizeof(r->iface));
	r->has_vlan = p->has_vlan;
	r->vlan = p->vlan;
	r->res = -ETIMEDOUT;
}

int engine_admin(struct aoe_engine *e, struct aoe_dev *d, struct aoe_admin *a)
{
	struct aoe_path *paths[AOE_MAX_TARGETS * AOE_MAX_PATHS];
	struct admin_table *t = admin_table(e);
	unsigned int n;

	if (a->op == AOE_ADMIN_CONFIG && (a->cslen > AOE_CFG_STR_MAX || (a->cslen && !a->cfgstr)))
		return -EINVAL;
	if ((a->op == AOE_ADMIN_MASK && a->ndirs && !a->dirs) ||
	    (a->op == AOE_ADMIN_RESERVE && a->nmacs && !a->macs))
		return -EINVAL;
	if (!t)
		return -ENOMEM;
	if (t->failing)
		return -ESHUTDOWN;
	n = admin_paths(d, a, paths);
	if (!n)
		return -ENODEV;
	if (n > t->nfree)
		return -EBUSY;
	a->replies = calloc(n, sizeof(*a->replies));
	if (!a->replies)
		return -ENOMEM;
	a->nreplies = n;
	a->waiting = n;
	a->deadline_ns = UINT64_MAX;	/* set when the copies go out */
	for (unsigned int i = 0; i < n; i++)
		slot_bind(slot_alloc(t), a, i, paths[i]);
	list_add_tail(&t->reqs, &a->node);
	e->next_timer_ns = e->now_ns;	/* the next pass sends them */
	return 0;
}

/* --- sending ------------------------------------------------------------------ */

static int admin_build(const struct admin_slot *s, uint8_t *buf, size_t cap)
{
	const struct aoe_admin *a = s->a;
	struct aoe_addr addr = { .shelf = s->shelf, .slot = s->slot, .tag = s->tag,
				 .has_vlan = s->has_vlan, .vlan = s->vlan };
	struct aoe_cfg_args cfg = { .ccmd = a->ccmd, .cfgstr = a->cfgstr, .cslen = a->cslen };
	struct aoe_ata_args ata = { .cmdstat = ATA_CMD_IDENTIFY, .scnt = 1 };

	memcpy(addr.dst, s->mac, AOE_ETH_ALEN);
	memcpy(addr.src, s->ifc->mac, AOE_ETH_ALEN);
	switch (a->op) {
	case AOE_ADMIN_CONFIG:
		return aoe_build_cfg(buf, cap, &addr, &cfg);
	case AOE_ADMIN_MASK:
		return aoe_build_mask(buf, cap, &addr, a->mcmd, 0, a->dirs, a->ndirs);
	case AOE_ADMIN_RESERVE:
		return aoe_build_reserve(buf, cap, &addr, a->rcmd, a->macs, a->nmacs);
	case AOE_ADMIN_IDENTIFY:
		return aoe_build_ata(buf, cap, &addr, &ata, NULL, 0);
	}
	return -EINVAL;
}

/* The slot's interface, unless it went away since the request was made. */
static bool slot_iface_ok(const struct aoe_engine *e, const struct admin_slot *s)
{
	for (unsigned int i = 0; i < ENGINE_MAX_IFACES; i++)
		if (e->ifaces[i] == s->ifc)
			return true;
	return false;
}

static void reply_end(struct admin_table *t, struct admin_slot *s, int res)
{
	struct aoe_admin *a = s->a;

	a->replies[s->reply].res = res;
	a->waiting--;
	slot_free(t, s);
}

static void slot_send(struct aoe_engine *e, struct admin_table *t, struct admin_slot *s)
{
	uint8_t buf[ADMIN_FRAME_MAX];
	int len;

	if (!slot_iface_ok(e, s)) {
		reply_end(t, s, -ENETDOWN);
		return;
	}
	len = admin_build(s, buf, sizeof(buf));
	if (len > 0 && (uint32_t)len > iface_frame_max(s->ifc))
		len = -EMSGSIZE;	/* a list longer than the MTU carries */
	if (len > 0) {
		int err = engine_send_raw(e, s->ifc, buf, (size_t)len);

		if (err)
			len = err;
	}
	if (len < 0) {
		reply_end(t, s, len);
		return;
	}
	s->sent = true;
	s->sent_ns = e->now_ns;
}

/* --- answers ------------------------------------------------------------------- */

static bool admin_tag(uint32_t tag)
{
	uint32_t idx = tag_index(tag);

	return (tag & AOE_TAG_USER_BIT) && idx >= ADMIN_IDX_BASE &&
	       idx < ADMIN_IDX_BASE + ADMIN_SLOTS;
}

/* Everything but the command's own argument: who answers, where, what. */
static bool answer_matches(struct aoe_engine *e, const struct admin_slot *s,
			   const struct aoe_iface *ifc, const struct aoe_view *v)
{
	if (memcmp(v->src, s->mac, AOE_ETH_ALEN)) {
		e->rx.bad_src++;
		return false;
	}
	if (v->shelf != s->shelf || v->slot != s->slot) {
		e->rx.bad_addr++;
		return false;
	}
	if (ifc != s->ifc || v->has_vlan != s->has_vlan || (s->has_vlan && v->vlan != s->vlan)) {
		e->rx.wrong_iface++;
		return false;
	}
	if (v->cmd != s->cmd) {
		e->rx.bad_cmd++;
		return false;
	}
	return true;
}

static int read_config(struct aoe_engine *e, const struct aoe_view *v, size_t len,
		       struct aoe_admin_reply *r)
{
	struct aoe_cfg_view c;
	struct aoe_dev *d;

	if (aoe_parse_cfg(v, &c, NULL) ||
	    !aoe_answer_len_ok(len, v->hdr_len + AOE_CFG_LEN + c.cslen))
		return -EBADMSG;
	r->cfg.bufcnt = c.bufcnt;
	r->cfg.fwver = c.fwver;
	r->cfg.scnt = c.scnt;
	r->cfg.aoever = c.aoever;
	r->cfg.ccmd = c.ccmd;
	r->cfg.cslen = c.cslen;
	memcpy(r->cfg.str, c.cfgstr, c.cslen);
	/* What the target says now is the device's config string. */
	d = engine_find_dev(e, v->shelf, v->slot);
	if (d)
		dev_set_config(d, &c);
	return 0;
}

static int read_mask(const struct aoe_view *v, size_t len, struct aoe_admin_reply *r)
{
	struct aoe_mask_view m;

	if (aoe_parse_mask(v, &m, NULL) ||
	    !aoe_answer_len_ok(len, v->hdr_len + AOE_MASK_LEN +
				    (size_t)m.dircount * AOE_MASK_DIR_LEN))
		return -EBADMSG;
	r->mask.mcmd = m.mcmd;
	r->mask.merror = m.merror;
	r->mask.dircount = m.dircount;
	memcpy(r->mask.dirs, m.dirs, (size_t)m.dircount * AOE_MASK_DIR_LEN);
	return 0;
}

static int read_reserve(const struct aoe_view *v, size_t len, struct aoe_admin_reply *r)
{
	struct aoe_reserve_view rv;

	if (aoe_parse_reserve(v, &rv, NULL) ||
	    !aoe_answer_len_ok(len, v->hdr_len + AOE_RESERVE_LEN +
				    (size_t)rv.nmacs * AOE_ETH_ALEN))
		return -EBADMSG;
	r->resv.rcmd = rv.rcmd;
	r->resv.nmacs = rv.nmacs;
	memcpy(r->resv.macs, rv.macs, (size_t)rv.nmacs * AOE_ETH_ALEN);
	return 0;
}

/* An IDENTIFY answer: 512 bytes of data, the write flag clear (echoed). */
static int read_identify(const struct aoe_view *v, size_t len, struct aoe_admin_reply *r)
{
	struct aoe_ata_view a;

	if (aoe_parse_ata(v, &a, NULL) || (a.aflags & AOE_AFL_WRITE))
		return -EBADMSG;
	r->ata_status = a.cmdstat;
	r->ata_error = a.errfeat;
	if (a.cmdstat & ATA_STATUS_ERRMASK)
		return -EIO;	/* an error answer need not carry data */
	if (!aoe_answer_len_ok(len, v->hdr_len + AOE_ATA_LEN + ATA_SECTOR_SIZE))
		return -EBADMSG;
	return 0;
}

/* The answer's argument into the reply: 0, -EIO, or -EBADMSG (refused). */
static int read_answer(struct aoe_engine *e, const struct admin_slot *s,
		       const struct aoe_view *v, size_t len, struct aoe_admin_reply *r)
{
	if (v->flags & AOE_FLAG_ERR) {
		r->aoe_error = v->error;
		return -EREMOTEIO;
	}
	switch (s->a->op) {
	case AOE_ADMIN_CONFIG:
		return read_config(e, v, len, r);
	case AOE_ADMIN_MASK:
		return read_mask(v, len, r);
	case AOE_ADMIN_RESERVE:
		return read_reserve(v, len, r);
	case AOE_ADMIN_IDENTIFY:
		return read_identify(v, len, r);
	}
	return -EBADMSG;
}

bool admin_rx(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
	      const struct rx_frame *fr)
{
	struct admin_table *t = e->admin;
	struct admin_slot *s;
	struct aoe_admin_reply *r;
	int res;

	if (!admin_tag(v->tag))
		return false;
	/* A tag of this shape is ours alone: whatever it is, it ends here. */
	s = t ? &t->s[tag_index(v->tag) - ADMIN_IDX_BASE] : NULL;
	if (!s || !s->tag || s->tag != v->tag || !s->sent) {
		if (s && s->tag != v->tag)
			e->rx.late++;	/* a generation gone: answered or timed out */
		else
			e->rx.bad_tag++;
		return true;
	}
	if (!answer_matches(e, s, ifc, v))
		return true;
	r = &s->a->replies[s->reply];
	res = fr->nseg == 1 ? read_answer(e, s, v, fr->len, r) : -EBADMSG;
	if (res == -EBADMSG) {
		e->rx.bad_len++;
		return true;	/* refused: the copy still waits for a true answer */
	}
	r->rtt_ns = e->now_ns - s->sent_ns;
	reply_end(t, s, res);	/* the request ends in this pass's admin_step() */
	return true;
}

/* --- time, and the end of requests ------------------------------------------------ */

/* a is the caller's again once done() runs: it may free it, or submit it
 * anew (with new replies), so nothing of a is touched after. */
static void admin_finish(struct aoe_admin *a)
{
	struct aoe_admin_reply *replies = a->replies;

	list_del(&a->node);
	if (a->done)
		a->done(a);
	free(replies);
}

/* Ends every copy of a still out with res. */
static void admin_end_copies(struct admin_table *t, struct aoe_admin *a, int res)
{
	for (unsigned int i = 0; i < ADMIN_SLOTS && a->waiting; i++)
		if (t->s[i].tag && t->s[i].a == a)
			reply_end(t, &t->s[i], res);
}

/* Sends what waits to be sent, times out what waited too long, ends the
 * requests that are complete; returns when it next wants to run. */
uint64_t admin_step(struct aoe_engine *e, uint64_t next)
{
	struct admin_table *t = e->admin;
	struct list_node *pos, *tmp;

	if (!t || list_empty(&t->reqs))
		return next;
	for (unsigned int i = 0; i < ADMIN_SLOTS; i++) {
		struct admin_slot *s = &t->s[i];

		if (s->tag && !s->sent)
			slot_send(e, t, s);
	}
	list_for_each_safe(pos, tmp, &t->reqs) {
		struct aoe_admin *a = container_of(pos, struct aoe_admin, node);

		if (a->deadline_ns == UINT64_MAX)
			a->deadline_ns = e->now_ns + (uint64_t)a->timeout_ms * NSEC_PER_MSEC;
		if (e->now_ns >= a->deadline_ns)
			admin_end_copies(t, a, -ETIMEDOUT);
		if (!a->waiting)
			admin_finish(a);
		else if (a->deadline_ns < next)
			next = a->deadline_ns;
	}
	return next;
}

void admin_fail_all(struct aoe_engine *e, int res)
{
	struct admin_table *t = e->admin;

	if (!t)
		return;
	t->failing = true;	/* a done() that asks again is refused */
	while (!list_empty(&t->reqs)) {
		struct aoe_admin *a = list_first_entry(&t->reqs, struct aoe_admin, node);

		admin_end_copies(t, a, res);
		admin_finish(a);
	}
	t->failing = false;
}

void admin_fini(struct aoe_engine *e)
{
	admin_fail_all(e, -ESHUTDOWN);
	free(e->admin);
	e->admin = NULL;
}

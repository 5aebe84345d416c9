// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O path: requests split into ATA frames, frames sent on the path
 * with the most open window, responses matched and checked, lost frames
 * retransmitted with a new tag (elsewhere when possible): early when later
 * answers or a tail loss probe show them lost, else at their timeout;
 * dead devices failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

static void write_again(struct aoe_dev *d, struct aoe_req *req)
{
	d->guard.st.rewrites += req->nsect;
	req->guard_redo = false;
	req->framed = 0;
	list_add_tail(&d->pending, &req->node);
	aoe_io_pump(d);
}

static void req_complete(struct aoe_req *req)
{
	struct aoe_dev *d = req->dev;

	if (req->op == AOE_OP_WRITE && !req->internal) {
		/* An older copy was executed after parts of this write: it
		 * goes out again before it counts as done. */
		if (!req->status && req->guard_redo) {
			write_again(d, req);
			return;
		}
		/* An acknowledged write's data may have to be kept first. */
		if (!req->status && !guard_write_done(d, req)) {
			list_add_tail(&d->guard.held, &req->node);
			return;
		}
		list_del(&req->wnode);
	}
	if (req->internal) {
		/* the guard's own: its counters are the guard's */
	} else if (req->status) {
		d->st.errors++;
	} else if (req->op == AOE_OP_READ) {
		d->st.read_bytes += (uint64_t)req->nsect * ATA_SECTOR_SIZE;
	} else if (req->op == AOE_OP_WRITE) {
		d->st.write_bytes += (uint64_t)req->nsect * ATA_SECTOR_SIZE;
	} else if (req->op == AOE_OP_FLUSH) {
		d->st.flushes++;
	}
	stages_done(d->eng, req);
	req->done(req, req->status);
}

void aoe_io_retry_held(struct aoe_dev *d)
{
	struct list_node held = d->guard.held;

	if (list_empty(&d->guard.held))
		return;
	/* Take the list as it is: a completion that must wait again goes
	 * back on d->guard.held, not on the list being walked. */
	held.next->prev = &held;
	held.prev->next = &held;
	list_init(&d->guard.held);
	while (!list_empty(&held)) {
		struct aoe_req *req = list_first_entry(&held, struct aoe_req, node);

		list_del(&req->node);
		req_complete(req);
	}
}

/* A failed request stops framing; it completes when its frames are back. */
static void req_check_done(struct aoe_req *req)
{
	if (req->status && req->framed < req->units) {
		req->framed = req->units;
		list_del(&req->node);
	}
	if (req->framed == req->units && !req->inflight)
		req_complete(req);
}

/* f is off every list; this ends it and accounts it to its request. */
static void frame_end(struct aoe_engine *e, struct aoe_frame *f, int res)
{
	struct aoe_req *req = f->req;

	if (f->probe && f->path)
		f->path->t->probe_out = false;
	frame_release(e, f);
	if (!req)
		return;
	req->inflight--;
	if (res && !req->status)
		req->status = res;
	req_check_done(req);
}

/* Takes f off its target's in-flight list (or the resend list). */
static void frame_unlink(struct aoe_frame *f)
{
	if (!list_linked(&f->node))
		return;
	list_del(&f->node);
	if (f->queued)
		f->queued = false;
	else if (f->path)
		window_release(&f->path->t->win);
}

static void frame_from_req(struct aoe_frame *f, struct aoe_req *req, const struct aoe_path *p)
{
	struct aoe_dev *d = req->dev;
	uint32_t n;

	f->req = req;
	switch (req->op) {
	case AOE_OP_READ:
	case AOE_OP_WRITE:
		n = req->units - req->framed;
		if (n > p->max_sect)
			n = p->max_sect;
		f->nsect = (uint16_t)n;
		f->lba = req->lba + req->framed;
		f->off = req->framed * ATA_SECTOR_SIZE;
		f->ata_cmd = frame_rw_cmd(d, req->op == AOE_OP_WRITE);
		break;
	case AOE_OP_FLUSH:
		/* FLUSH CACHE wherever the disk has it: vblade and kvblade
		 * announce only that one and abort FLUSH CACHE EXT. */
		f->ata_cmd = d->id.flush || !d->id.lba48 ? ATA_CMD_FLUSH : ATA_CMD_FLUSH_EXT;
		break;
	case AOE_OP_IDENTIFY:
		f->ata_cmd = ATA_CMD_IDENTIFY;
		f->nsect = 1;
		break;
	}
}

/* Something was sent to t or heard from it: the timers look for a tail
 * loss probe a PTO from now (tail_probe() says whether it is due). */
static void tail_probe_arm(struct aoe_engine *e, const struct aoe_target *t)
{
	uint64_t pto = rtt_pto_ns(&t->rtt);

	if (!t->tail_probe_out && pto != UINT64_MAX && e->now_ns + pto < e->next_timer_ns)
		e->next_timer_ns = e->now_ns + pto;
}

/*
 * A queued frame that no longer fits the path it goes out on (the path's
 * limit shrank: a lower MTU, a config answer with fewer sectors, or the
 * path MTU learned) keeps what the path carries; the rest becomes a frame
 * of its own, queued right behind it, with the same history (first send,
 * retries), so the request is served in smaller frames instead of failing.
 * The copies f left on record keep the range they were sent with.
 */
static int frame_split(struct aoe_engine *e, struct aoe_frame *f, const struct aoe_path *p)
{
	uint32_t max = p->max_sect;
	struct aoe_frame *rest = frame_alloc(e);

	if (!rest)
		return -ENOMEM;
	rest->req = f->req;
	rest->path = f->path;
	rest->ata_cmd = f->ata_cmd;
	rest->lba = f->lba + max;
	rest->off = f->off + max * ATA_SECTOR_SIZE;
	rest->nsect = (uint16_t)(f->nsect - max);
	rest->retries = f->retries;
	rest->rtos = f->rtos;
	rest->first_ns = f->first_ns;
	rest->queued = true;
	frame_retag(e, rest);
	list_add_head(&f->node, &rest->node);	/* after f */
	f->nsect = (uint16_t)max;
	f->req->inflight++;
	p->t->st.resplits++;
	return 0;
}

static void pump_resends(struct aoe_dev *d)
{
	struct aoe_engine *e = d->eng;

	while (!list_empty(&d->resend)) {
		struct aoe_frame *f = list_first_entry(&d->resend, struct aoe_frame, node);
		const struct aoe_target *avoid = f->path ? f->path->t : NULL;
		struct aoe_path *p = dev_pick_path(d, false, avoid, ata_is_flush(f->ata_cmd));

		if (!p)
			return;
		if (frame_units(f) > 1 && f->nsect > p->max_sect && frame_split(e, f, p))
			return;	/* no frame slot for the rest: wait for one */
		list_del(&f->node);
		f->queued = false;
		if (frame_send(e, f, p)) {
			list_add_head(&d->resend, &f->node);
			f->queued = true;
			return;
		}
		tail_probe_arm(e, p->t);
	}
}

static void pump_requests(struct aoe_dev *d)
{
	struct aoe_engine *e = d->eng;

	while (!list_empty(&d->pending)) {
		struct aoe_req *req = list_first_entry(&d->pending, struct aoe_req, node);
		struct aoe_path *p = dev_pick_path(d, true, NULL, req->op == AOE_OP_FLUSH);
		struct aoe_frame *f;

		if (!p)
			return;
		f = frame_alloc(e);
		if (!f)
			return;
		frame_from_req(f, req, p);
		frame_retag(e, f);
		if (frame_send(e, f, p)) {
			frame_release(e, f);
			return;
		}
		tail_probe_arm(e, p->t);
		req->framed += frame_units(f);
		req->inflight++;
		if (req->framed == req->units)
			list_del(&req->node);
	}
}

void aoe_io_pump(struct aoe_dev *d)
{
	if (d->state != DEV_UP && d->state != DEV_IDENTIFYING)
		return;
	d->pool.kick_pending = false;
	pump_resends(d);
	if (list_empty(&d->resend))
		pump_requests(d);
}

void aoe_io_submit(struct aoe_dev *d, struct aoe_req *req)
{
	bool rw = req->op == AOE_OP_READ || req->op == AOE_OP_WRITE;

	req->dev = d;
	req->status = 0;
	req->framed = 0;
	req->inflight = 0;
	req->units = rw ? req->nsect : 1;
	req->start_ns = d->eng->now_ns;
	stages_submitted(d->eng, req);
	list_init(&req->node);
	list_init(&req->wnode);
	if (!req->internal)
		d->st.requests++;
	if (d->state != DEV_UP && !(d->state == DEV_IDENTIFYING && req->op == AOE_OP_IDENTIFY)) {
		req->status = -EIO;
		req->framed = req->units;
		req_complete(req);
		return;
	}
	if (rw && (req->lba > d->id.sectors || req->nsect > d->id.sectors - req->lba)) {
		req->status = -EINVAL;
		req->framed = req->units;
		req_complete(req);
		return;
	}
	/* Nothing to send: an empty transfer, or a flush to a disk that has
	 * no cache to flush. */
	if ((rw && !req->nsect) ||
	    (req->op == AOE_OP_FLUSH && !d->id.flush && !d->id.flush_ext)) {
		req->framed = req->units;
		req_complete(req);
		return;
	}
	if (req->op == AOE_OP_FLUSH && guard_hold_flush(d, req))
		return;
	if (req->op == AOE_OP_WRITE && !req->internal) {
		req->wseq = ++d->eng->wseq;
		list_add_tail(&d->writes, &req->wnode);
	}
	aoe_io_queue(d, req);
}

void aoe_io_queue(struct aoe_dev *d, struct aoe_req *req)
{
	if (req->op == AOE_OP_FLUSH && !dev_flush_target(d)) {
		dev_warn_no_flush(d);
		req->framed = req->units;
		req_complete(req);
		return;
	}
	list_add_tail(&d->pending, &req->node);
	aoe_io_pump(d);
}

/*
 * Targets work through what they receive in order, so an answer to x says
 * the frames sent to its target on its path before it arrived first and
 * should have been answered first. One still unanswered a reordering
 * allowance later was lost (RFC 8985's RACK rule): its deadline comes
 * forward to x's RTT plus the allowance after its own send, and the timers
 * send it again then instead of a whole RTO later (on_timeout()).
 */
static void passed_over(struct aoe_engine *e, struct aoe_target *t, const struct aoe_frame *x)
{
	uint64_t wait = e->now_ns - x->sent_ns + rtt_reorder_ns(&t->rtt);
	struct aoe_frame *y;

	/* t->inflight is in send order: what comes before x went out first. */
	list_for_each_entry(y, &t->inflight, struct aoe_frame, node) {
		if (y == x)
			break;
		if (y->path != x->path || y->probe || y->sent_ns + wait >= y->deadline_ns)
			continue;
		y->deadline_ns = y->sent_ns + wait;
		y->early = true;
		if (y->deadline_ns < e->next_timer_ns)
			e->next_timer_ns = y->deadline_ns;
	}
}

static void target_heard(struct aoe_engine *e, struct aoe_target *t)
{
	t->last_heard_ns = e->now_ns;
	t->timeouts_in_row = 0;
	t->tail_probe_out = false;
	tail_probe_arm(e, t);
	if (t->tainted) {
		char mac[AOE_MAC_STR_LEN];

		aoe_format_mac(mac, t->mac);
		pr_info("%s: target %s answers again; it rejoins\n", t->dev->name, mac);
		t->tainted = false;
		window_restart(&t->win);
	}
}

/* t is tainted from now: its probe goes out PROBE_INTERVAL_NS later,
 * whichever path tainted it (the timers, or an answer). */
static void target_taint(struct aoe_engine *e, struct aoe_target *t)
{
	t->tainted = true;
	t->next_probe_ns = e->now_ns + PROBE_INTERVAL_NS;
	if (t->next_probe_ns < e->next_timer_ns)
		e->next_timer_ns = t->next_probe_ns;
}

/*
 * f goes back to be sent again with a new tag. Unless its target answered
 * it (answered), the copy it leaves behind may still be executed: it stays
 * on record under its old tag.
 */
static void frame_requeue(struct aoe_dev *d, struct aoe_frame *f, bool answered)
{
	struct aoe_copy *c = NULL;

	frame_unlink(f);
	if (!answered && f->path)
		c = copy_add(d->eng, f);
	if (c)
		c->early = f->early;
	f->early = false;
	frame_retag(d->eng, f);
	f->retries++;
	f->queued = true;
	list_add_tail(&d->resend, &f->node);
}

static void flush_refused(struct aoe_engine *e, struct aoe_frame *f);

/* An answer with the AoE error flag: fail the frame at once, except
 * "device unavailable", which another target may not be. */
static void on_error_response(struct aoe_engine *e, struct aoe_frame *f, uint8_t error)
{
	struct aoe_target *t = f->path->t;
	struct aoe_dev *d = t->dev;
	char mac[AOE_MAC_STR_LEN];

	t->st.errors++;
	aoe_format_mac(mac, t->mac);
	if (f->probe) {
		frame_unlink(f);
		frame_end(e, f, -EIO);
		identity_no_answer(e, t);
		return;
	}
	/* The Plan 9 vblade refuses FLUSH (sector count 0) with "bad
	 * argument" although its disk announces the command. */
	if (ata_is_flush(f->ata_cmd) && error == AOE_ERR_BADARG) {
		flush_refused(e, f);
		return;
	}
	if (error == AOE_ERR_DEVUNAVAIL && dev_has_other_target(d, t)) {
		pr_debug("%s: target %s says device unavailable; trying another\n", d->name, mac);
		target_taint(e, t);
		frame_requeue(d, f, true);
		return;
	}
	pr_warn("%s: target %s answered error %u (%s)\n", d->name, mac, error,
		aoe_error_str(error));
	frame_unlink(f);
	frame_end(e, f, -EIO);
}

static size_t frame_rsp_data_len(const struct aoe_frame *f)
{
	switch (f->ata_cmd) {
	case ATA_CMD_READ_EXT:
	case ATA_CMD_READ:
		return (size_t)f->nsect * ATA_SECTOR_SIZE;
	case ATA_CMD_IDENTIFY:
		return ATA_SECTOR_SIZE;
	default:
		return 0;
	}
}

/*
 * The answer to a copy whose frame is still out under a newer tag: the
 * timeout that made us send it again was a false alarm. The frame waits
 * for its own answer, but the target gets its window back and a longer RTO.
 * A copy an early retransmit left was only answered out of order: the RTO
 * was not wrong, the reordering allowance was (reordered()).
 */
static void false_alarm(struct aoe_engine *e, const struct aoe_copy *c)
{
	struct aoe_target *t = c->t;

	t->timeouts_in_row = 0;
	t->last_heard_ns = e->now_ns;
	t->tainted = false;	/* it was answering, only slowly */
	window_undo(&t->win);
	if (c->early)
		return;
	t->st.false_alarms++;
	rtt_false_alarm(&t->rtt, (uint32_t)((e->now_ns - c->sent_ns) / NSEC_PER_USEC), e->now_ns);
}

/* A late answer to a copy an early retransmit left, whether its frame is
 * still out or not: the target answers out of order by more than the
 * allowance. Counted apart from false alarms; the allowance grows. */
static void reordered(struct aoe_engine *e, const struct aoe_copy *c)
{
	c->t->st.reordered++;
	rtt_reordered(&c->t->rtt, e->now_ns);
}

/* Sectors of data a frame or its answer carries: its size on the wire. */
static uint32_t frame_wire_sect(const struct aoe_frame *f)
{
	return (uint32_t)(frame_rsp_data_len(f) / ATA_SECTOR_SIZE) +
	       (frame_is_write(f) ? f->nsect : 0);
}

/* Who may answer: the target's MAC, its shelf.slot, on its interface. */
static bool answer_from(struct aoe_engine *e, const struct aoe_view *v,
			const struct aoe_target *t, const struct aoe_iface *ifc,
			const struct aoe_iface *want_ifc)
{
	if (memcmp(v->src, t->mac, AOE_ETH_ALEN)) {
		e->rx.bad_src++;
		return false;
	}
	if (v->shelf != t->dev->shelf || v->slot != t->dev->slot) {
		e->rx.bad_addr++;
		return false;
	}
	if (want_ifc && want_ifc != ifc) {
		e->rx.wrong_iface++;
		return false;
	}
	return true;
}

/*
 * Fields of an ATA answer every target surveyed echoes (README:
 * compatibility): the write flag, and for reads and writes the LBA, which
 * one target (the Plan 9 vblade) advances by the count on success. The
 * sector count and error register are not echoed reliably; an answer with
 * the AoE error flag may carry no ATA header at all.
 */
static bool answer_echoes(struct aoe_engine *e, const struct aoe_view *v, uint8_t ata_cmd,
			  uint64_t lba, uint32_t nsect)
{
	bool write = ata_cmd == ATA_CMD_WRITE || ata_cmd == ATA_CMD_WRITE_EXT;
	bool rw = write || ata_cmd == ATA_CMD_READ || ata_cmd == ATA_CMD_READ_EXT;
	struct aoe_ata_view a;
	const char *why;
	uint64_t got;

	if (v->flags & AOE_FLAG_ERR)
		return true;
	if (aoe_parse_ata(v, &a, &why)) {
		e->rx.bad_len++;
		return false;
	}
	got = ata_cmd == ATA_CMD_READ || ata_cmd == ATA_CMD_WRITE ? aoe_lba28_decode(a.lba) :
								    a.lba;
	if (!!(a.aflags & AOE_AFL_WRITE) != write || (rw && got != lba && got != lba + nsect)) {
		e->rx.bad_echo++;
		return false;
	}
	return true;
}

/* Whether the target carried out the command an answer is for. */
static bool answer_says_done(const struct aoe_view *v, uint8_t ata_cmd)
{
	struct aoe_ata_view a;
	const char *why;

	if (v->flags & AOE_FLAG_ERR || aoe_parse_ata(v, &a, &why))
		return false;
	return !(a.cmdstat & ATA_STATUS_ERRMASK) || ata_flush_status_echo(ata_cmd, a.cmdstat);
}

/* Sectors of data a copy or its answer carried on the wire. */
static uint32_t copy_wire_sect(const struct aoe_copy *c)
{
	switch (c->ata_cmd) {
	case ATA_CMD_READ:
	case ATA_CMD_READ_EXT:
	case ATA_CMD_WRITE:
	case ATA_CMD_WRITE_EXT:
		return c->nsect;
	default:
		return 0;
	}
}

/* An answer to a copy on record: a false alarm, or an old write executed. */
static void late_answer(struct aoe_engine *e, struct aoe_copy *c, struct aoe_iface *ifc,
			const struct aoe_view *v)
{
	if (!answer_from(e, v, c->t, ifc, c->ifc) ||
	    !answer_echoes(e, v, c->ata_cmd, c->lba, c->nsect))
		return;
	e->rx.late++;
	pmtu_late_answer(e, target_find_path(c->t, ifc, v->has_vlan, v->vlan), copy_wire_sect(c));
	if (c->early)
		reordered(e, c);
	if (c->f)
		false_alarm(e, c);
	guard_copy_gone(e, c, answer_says_done(v, c->ata_cmd));
}

/* The frame a response claims to answer, after every check on who sent it. */
static struct aoe_frame *match_response(struct aoe_engine *e, struct aoe_iface *ifc,
					const struct aoe_view *v)
{
	uint32_t idx = tag_index(v->tag);
	struct aoe_copy *c;
	struct aoe_frame *f;

	f = idx < e->ft.n ? &e->ft.f[idx] : NULL;
	if (f && f->tag && f->tag == v->tag && !f->queued)
		return answer_from(e, v, f->path->t, ifc, f->path->ifc) &&
		       answer_echoes(e, v, f->ata_cmd, f->lba, f->nsect) ? f : NULL;
	c = copy_find(e, v->tag);
	if (c)
		late_answer(e, c, ifc, v);
	else if (f)
		e->rx.late++;	/* answered already, or given up */
	else
		e->rx.bad_tag++;
	return NULL;
}

/* Copies n bytes at offset off of a frame that may be in pieces. */
static void rx_frame_copy(const struct rx_frame *fr, size_t off, uint8_t *dst, size_t n)
{
	for (unsigned int i = 0; i < fr->nseg && n; i++) {
		size_t take;

		if (off >= fr->seg_len[i]) {
			off -= fr->seg_len[i];
			continue;
		}
		take = fr->seg_len[i] - off < n ? fr->seg_len[i] - off : n;
		memcpy(dst, fr->seg[i] + off, take);
		dst += take;
		n -= take;
		off = 0;
	}
}

/* A FLUSH answered as done by a target whose status byte says otherwise. */
static void flush_echo_seen(struct aoe_target *t)
{
	char mac[AOE_MAC_STR_LEN];

	if (t->quirks & TARGET_QUIRK_FLUSH_ECHO)
		return;
	t->quirks |= TARGET_QUIRK_FLUSH_ECHO;
	aoe_format_mac(mac, t->mac);
	pr_info("%s: target %s echoes the command code in the FLUSH status; treated as done\n",
		t->dev->name, mac);
}

/*
 * A target refused FLUSH although IDENTIFY said the disk has it: it flushes
 * nothing from now on; the device's flushes go to its other targets (f is
 * sent again), or, with none left, complete unsent as the kernel driver's
 * always do, said once.
 */
static void flush_refused(struct aoe_engine *e, struct aoe_frame *f)
{
	struct aoe_target *t = f->path->t;
	struct aoe_dev *d = t->dev;
	char mac[AOE_MAC_STR_LEN];

	aoe_format_mac(mac, t->mac);
	if (!t->no_flush)
		pr_warn("%s: target %s refuses FLUSH CACHE although its disk announces it; "
			"it gets no flushes any more\n", d->name, mac);
	t->no_flush = true;
	t->quirks |= TARGET_QUIRK_FLUSH_ABORT;
	if (dev_flush_target(d)) {
		frame_requeue(d, f, true);
		return;
	}
	dev_warn_no_flush(d);
	frame_unlink(f);
	frame_end(e, f, 0);
}

/* An ATA status that is not plain success: true when it ended f. */
static bool ata_status_handled(struct aoe_engine *e, struct aoe_frame *f,
			       const struct aoe_ata_view *a)
{
	struct aoe_target *t = f->path->t;

	if (!(a->cmdstat & ATA_STATUS_ERRMASK))
		return false;
	if (ata_flush_status_echo(f->ata_cmd, a->cmdstat) && !a->errfeat) {
		flush_echo_seen(t);
		return false;
	}
	t->st.errors++;
	if (ata_is_flush(f->ata_cmd) && (a->errfeat & ATA_ERR_ABRT)) {
		flush_refused(e, f);
		return true;
	}
	pr_warn("%s: ATA error status 0x%02x error 0x%02x for command 0x%02x at LBA %llu\n",
		t->dev->name, a->cmdstat, a->errfeat, f->ata_cmd, (unsigned long long)f->lba);
	frame_unlink(f);
	if (f->probe) {
		frame_end(e, f, -EIO);
		identity_no_answer(e, t);
		return true;
	}
	frame_end(e, f, -EIO);
	return true;
}

/* A read's data: from the frame, with newer data the guard keeps on top. */
static void read_data_in(struct aoe_engine *e, struct aoe_frame *f, const struct rx_frame *fr,
			 size_t off, size_t n)
{
	uint8_t *dst = f->req->buf + f->off;

	rx_frame_copy(fr, off, dst, n);
	e->loop.copies++;
	e->loop.copy_bytes += n;
	if (f->ata_cmd != ATA_CMD_IDENTIFY)
		guard_overlay_read(f->req->dev, f->lba, f->nsect, dst);
}

/*
 * An answer's length: what the command returns, padded or not, with a few
 * bytes of slack (aoe_answer_len_ok()); or, for an ATA error, the registers
 * and at most that much data (aoe-target sends the registers alone, vblade
 * the sectors it read before the error), so a failed read ends at once
 * instead of being resent until the device is declared dead.
 */
static bool rsp_len_ok(const struct aoe_view *v, const struct aoe_ata_view *a, size_t len,
		       size_t want)
{
	size_t base = v->hdr_len + AOE_ATA_LEN;

	if (aoe_answer_len_ok(len, base + want))
		return true;
	return (a->cmdstat & ATA_STATUS_ERRMASK) && len >= base &&
	       len <= base + want + AOE_ANSWER_SLACK;
}

void aoe_io_rx_ata(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
		   const struct rx_frame *fr)
{
	struct aoe_frame *f = match_response(e, ifc, v);
	struct aoe_ata_view a;
	struct aoe_target *t;
	const char *why;
	size_t want;

	if (!f)
		return;
	t = f->path->t;
	if (v->flags & AOE_FLAG_ERR) {
		on_error_response(e, f, v->error);
		return;
	}
	want = frame_rsp_data_len(f);
	if (aoe_parse_ata(v, &a, &why) || !rsp_len_ok(v, &a, fr->len, want)) {
		e->rx.bad_len++;
		return;
	}
	target_heard(e, t);
	copy_answered_after(e, t, ifc, f->sent_ns);
	passed_over(e, t, f);
	if (ata_status_handled(e, f, &a))
		return;
	if (want && f->req)
		read_data_in(e, f, fr, v->hdr_len + AOE_ATA_LEN, want);
	else if (want && f->probe)
		rx_frame_copy(fr, v->hdr_len + AOE_ATA_LEN, t->idbuf, sizeof(t->idbuf));
	/* Karn: only first transmissions tell the round-trip time. */
	if (!f->retries)
		rtt_sample(&t->rtt, (uint32_t)((e->now_ns - f->sent_ns) / NSEC_PER_USEC), e->now_ns);
	list_del(&f->node);
	window_on_ack(&t->win);
	pmtu_answered(e, f->path, frame_wire_sect(f), f->sent_ns);
	stages_answered(e, f);
	if (f->probe) {
		t->probe_misses = 0;
		frame_end(e, f, 0);
		identity_answer(e, t);
		return;
	}
	frame_end(e, f, 0);
}

void target_send_identify(struct aoe_engine *e, struct aoe_target *t)
{
	struct aoe_path *p = NULL;

	for (unsigned int i = 0; i < t->npaths && !p; i++)
		if (t->paths[i].ifc && t->paths[i].max_sect)
			p = &t->paths[i];
	if (p)
		target_send_identify_on(e, t, p);
}

void target_send_identify_on(struct aoe_engine *e, struct aoe_target *t, struct aoe_path *p)
{
	struct aoe_frame *f = frame_alloc(e);

	if (!f)
		return;
	f->probe = true;
	f->ata_cmd = ATA_CMD_IDENTIFY;
	f->nsect = 1;
	/* its wait: RTO << rtos */
	f->rtos = t->probe_misses < UINT8_MAX ? (uint8_t)t->probe_misses : UINT8_MAX;
	frame_retag(e, f);
	if (frame_send(e, f, p)) {
		frame_release(e, f);
		return;
	}
	t->probe_out = true;
}

static void taint(struct aoe_engine *e, struct aoe_target *t)
{
	char mac[AOE_MAC_STR_LEN];

	target_taint(e, t);
	aoe_format_mac(mac, t->mac);
	pr_warn("%s: target %s stopped answering (%u timeouts in a row); "
		"its frames move to other targets while a probe checks it\n",
		t->dev->name, mac, t->timeouts_in_row);
}

/*
 * What a lost frame's target shows of overload besides the pattern of its
 * losses (window_on_loss()): its RTT rising, or silence since the frame
 * went out. Silent for a whole RTO, it is stalled or lost everything (a
 * tail loss probe went unanswered too). Silent for the two round trips of
 * a tail loss probe, it may just have lost one frame: that cuts its window
 * only when another target can take the load (alone, a cut buys nothing,
 * and every loss at queue depth 1 is such a loss). A target that answered
 * meanwhile lost this one at random.
 */
static bool overload_signs(const struct aoe_target *t, const struct aoe_frame *f)
{
	if (rtt_rising(&t->rtt))
		return true;
	return t->last_heard_ns <= f->sent_ns && (!f->early || dev_has_other_target(t->dev, t));
}

static void on_timeout(struct aoe_engine *e, struct aoe_frame *f)
{
	struct aoe_target *t = f->path->t;
	struct aoe_dev *d = t->dev;

	if (f->early) {
		t->st.early++;	/* the target answers: not a timeout in a row */
	} else {
		t->st.timeouts++;
		t->timeouts_in_row++;
		if (f->rtos < UINT8_MAX)
			f->rtos++;
	}
	if (window_on_loss(&t->win, f->seq, overload_signs(t, f), e->now_ns,
			   (uint64_t)t->rtt.srtt_us * NSEC_PER_USEC))
		t->st.overloads++;
	if (f->probe) {
		t->probe_misses++;
		frame_unlink(f);
		t->next_probe_ns = e->now_ns + PROBE_INTERVAL_NS;
		frame_end(e, f, 0);
		identity_no_answer(e, t);
		return;
	}
	/* Several frames sent together time out together: taint only a
	 * target that has been silent for a while, not one that is slow, and
	 * only when another target can take its frames (tainting the only
	 * one would just restart its window). */
	if (!t->tainted && t->timeouts_in_row >= TAINT_TIMEOUTS &&
	    e->now_ns - t->last_heard_ns > 2ull * rtt_rto_us(&t->rtt) * NSEC_PER_USEC &&
	    dev_has_other_target(d, t))
		taint(e, t);
	pmtu_lost(e, f);
	t->st.retransmits++;
	frame_requeue(d, f, false);
}

/* A frame unanswered since its first send for the dead timeout takes the
 * device down, checked on time (not only when its retransmit is due). */
static bool frame_dead(const struct aoe_engine *e, const struct aoe_frame *f, uint64_t *next)
{
	uint64_t dead_ns = (uint64_t)e->cfg.dead_timeout_s * NSEC_PER_SEC;

	if (!dead_ns || f->probe)
		return false;
	if (e->now_ns - f->first_ns >= dead_ns)
		return true;
	if (f->first_ns + dead_ns < *next)
		*next = f->first_ns + dead_ns;
	return false;
}

/* Requests or retransmits queued so long without a path that the device
 * counts as dead. */
static bool queued_too_long(struct aoe_dev *d, uint64_t *next)
{
	struct aoe_engine *e = d->eng;
	uint64_t dead_ns = (uint64_t)e->cfg.dead_timeout_s * NSEC_PER_SEC;
	struct aoe_frame *f;

	if (!dead_ns)
		return false;
	list_for_each_entry(f, &d->resend, struct aoe_frame, node)
		if (frame_dead(e, f, next))
			return true;
	if (!list_empty(&d->pending)) {
		const struct aoe_req *req = list_first_entry(&d->pending, struct aoe_req, node);

		if (e->now_ns - req->start_ns >= dead_ns)
			return true;
		if (req->start_ns + dead_ns < *next)
			*next = req->start_ns + dead_ns;
	}
	return false;
}

/* Settles copies a quiet target holds (copy_probe_due()). */
static uint64_t copies_probe_timer(struct aoe_engine *e, struct aoe_target *t, uint64_t next)
{
	uint64_t due = copy_probe_due(t);

	if (!due || t->probe_out || !target_reachable(t))
		return next;
	if (e->now_ns < due)
		return due < next ? due : next;
	t->copy_probe_ns = e->now_ns;
	target_send_identify(e, t);
	t->st.probes++;
	return next;
}

/*
 * A loss among the last frames sent has no later answer to show it
 * (passed_over()) and would wait out the RTO: at queue depth 1, every
 * loss. When a target with frames out has been quiet for two round trips
 * (RFC 8985's tail loss probe), its newest frame goes again at once, as
 * an early retransmit: the answer shows what was lost before it. One probe
 * until the target answers; the RTO covers the rest.
 */
static uint64_t tail_probe(struct aoe_engine *e, struct aoe_target *t, uint64_t next)
{
	uint64_t pto = rtt_pto_ns(&t->rtt), due;
	struct aoe_frame *f;

	if (t->tail_probe_out || list_empty(&t->inflight) || pto == UINT64_MAX)
		return next;
	f = container_of(t->inflight.prev, struct aoe_frame, node);
	if (f->probe || f->early)
		return next;
	/* quiet since its newest frame went out or its last answer came */
	due = (f->sent_ns > t->last_heard_ns ? f->sent_ns : t->last_heard_ns) + pto;
	if (due >= f->deadline_ns)
		return next;	/* its RTO comes first anyway */
	if (e->now_ns < due)
		return due < next ? due : next;
	f->early = true;
	f->deadline_ns = e->now_ns;
	t->tail_probe_out = true;
	return next;
}

static uint64_t target_timers(struct aoe_engine *e, struct aoe_target *t, uint64_t next,
			      bool *down)
{
	struct list_node *pos, *tmp;

	next = tail_probe(e, t, next);
	list_for_each_safe(pos, tmp, &t->inflight) {
		struct aoe_frame *f = container_of(pos, struct aoe_frame, node);

		if (frame_dead(e, f, &next)) {
			dev_go_down(t->dev, "no answer within the dead timeout");
			*down = true;
			return next;
		}
		if (f->deadline_ns > e->now_ns) {
			if (f->deadline_ns < next)
				next = f->deadline_ns;
			continue;
		}
		on_timeout(e, f);
	}
	if (t->tainted && !t->probe_out && target_reachable(t)) {
		if (e->now_ns >= t->next_probe_ns) {
			target_send_identify(e, t);
			t->st.probes++;
			t->next_probe_ns = e->now_ns + PROBE_INTERVAL_NS;
		}
		if (t->next_probe_ns < next)
			next = t->next_probe_ns;
	}
	next = copies_probe_timer(e, t, next);
	next = pmtu_timer(e, t, next);
	return identity_timers(e, t, next);
}

uint64_t aoe_io_timers(struct aoe_engine *e)
{
	uint64_t next = e->now_ns + NSEC_PER_SEC;
	struct aoe_dev *d;

	/* Before any resend: a changed MTU sizes it. */
	pmtu_iface_check(e);
	engine_for_each_dev(e, d) {
		bool down = false;

		/* Copies age out whatever the device does meanwhile. */
		for (unsigned int i = 0; i < d->ntargets; i++)
			next = copy_expire(e, d->targets[i], next);
		identity_dev_timers(d, &next);
		if (d->state != DEV_UP && d->state != DEV_IDENTIFYING)
			continue;
		for (unsigned int i = 0; i < d->ntargets && !down; i++)
			next = target_timers(e, d->targets[i], next, &down);
		if (!down && queued_too_long(d, &next)) {
			dev_go_down(d, "no usable path to any target within the dead timeout");
			down = true;
		}
		if (!down) {
			next = guard_timer(d, next);
			aoe_io_pump(d);
		}
	}
	return next;
}

/* Ends the frames on h with res; those in flight leave their copies. */
static void fail_list(struct aoe_engine *e, struct list_node *h, int res, bool in_flight)
{
	while (!list_empty(h)) {
		struct aoe_frame *f = list_first_entry(h, struct aoe_frame, node);

		frame_unlink(f);
		if (in_flight && !f->probe)
			copy_add(e, f);
		frame_end(e, f, res);
	}
}

void aoe_io_fail_all(struct aoe_dev *d, int res)
{
	struct aoe_engine *e = d->eng;

	for (unsigned int i = 0; i < d->ntargets; i++) {
		fail_list(e, &d->targets[i]->inflight, res, true);
		d->targets[i]->probe_out = false;
	}
	fail_list(e, &d->resend, res, false);
	while (!list_empty(&d->pending)) {
		struct aoe_req *req = list_first_entry(&d->pending, struct aoe_req, node);

		if (!req->status)
			req->status = res;
		req_check_done(req);
	}
	while (!list_empty(&d->guard.flushes)) {
		struct aoe_req *req = list_first_entry(&d->guard.flushes, struct aoe_req, node);

		list_del(&req->node);
		req->status = res;
		req_complete(req);
	}
	/* Writes the targets acknowledged, waiting for room in the guard:
	 * their data is on the disk; they complete, unguarded. */
	while (!list_empty(&d->guard.held)) {
		struct aoe_req *req = list_first_entry(&d->guard.held, struct aoe_req, node);

		list_del(&req->node);
		req->internal = true;	/* no second try at keeping it */
		list_del(&req->wnode);
		d->st.write_bytes += (uint64_t)req->nsect * ATA_SECTOR_SIZE;
		req->done(req, 0);
	}
}

void aoe_io_requeue_target(struct aoe_dev *d, struct aoe_target *t)
{
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &t->inflight) {
		struct aoe_frame *f = container_of(pos, struct aoe_frame, node);

		if (!f->probe)
			frame_requeue(d, f, false);
	}
}

void aoe_io_requeue_iface(struct aoe_dev *d, const struct aoe_iface *ifc)
{
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct list_node *pos, *tmp;

		list_for_each_safe(pos, tmp, &d->targets[i]->inflight) {
			struct aoe_frame *f = container_of(pos, struct aoe_frame, node);

			if (f->path->ifc == ifc)
				frame_requeue(d, f, false);
		}
	}
}

void aoe_io_requeue_too_big(struct aoe_path *p)
{
	struct aoe_dev *d = p->t->dev;
	struct list_node *pos, *tmp;

	list_for_each_safe(pos, tmp, &p->t->inflight) {
		struct aoe_frame *f = container_of(pos, struct aoe_frame, node);

		if (f->path == p && frame_units(f) > 1 && f->nsect > p->max_sect)
			frame_requeue(d, f, false);
	}
}

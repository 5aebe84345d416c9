// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O path: requests split into ATA frames, frames sent on the path
 * with the most open window, responses matched and checked, timeouts
 * retransmitted with a new tag (elsewhere when possible), dead devices failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

int frame_table_init(struct frame_table *ft, uint32_t n)
{
	if (n > TAG_DISCOVER_IDX)
		return -EINVAL;	/* the discovery tag's index is never a frame's */
	ft->f = calloc(n, sizeof(*ft->f));
	ft->free = calloc(n, sizeof(*ft->free));
	if (!ft->f || !ft->free) {
		frame_table_fini(ft);
		return -ENOMEM;
	}
	ft->n = n;
	for (uint32_t i = 0; i < n; i++)
		ft->free[i] = i;
	ft->head = 0;
	ft->nfree = n;
	return 0;
}

void frame_table_fini(struct frame_table *ft)
{
	free(ft->f);
	free(ft->free);
	memset(ft, 0, sizeof(*ft));
}

static struct aoe_frame *frame_alloc(struct aoe_engine *e)
{
	struct aoe_frame *f;

	uint32_t gen;

	if (!e->ft.nfree)
		return NULL;
	f = &e->ft.f[e->ft.free[e->ft.head]];
	e->ft.head = (e->ft.head + 1) % e->ft.n;
	e->ft.nfree--;
	gen = f->gen;	/* survives reuse: see frame_retag() */
	memset(f, 0, sizeof(*f));
	f->gen = gen;
	list_init(&f->node);
	return f;
}

static void frame_release(struct aoe_engine *e, struct aoe_frame *f)
{
	f->tag = 0;
	f->req = NULL;
	e->ft.free[(e->ft.head + e->ft.nfree) % e->ft.n] = (uint32_t)(f - e->ft.f);
	e->ft.nfree++;
}

/*
 * A new tag for f. Its generation moves on by a random odd step, so the
 * tags one index carries over time do not repeat for 2^15 uses and cannot
 * be guessed from the last one; answers to an old tag are recognised as
 * late.
 */
static void frame_retag(struct aoe_engine *e, struct aoe_frame *f)
{
	uint32_t idx = (uint32_t)(f - e->ft.f);

	f->gen = (f->gen + (engine_random(e) | 1)) & TAG_GEN_MASK;
	f->tag = tag_make(f->gen, idx);
}

static void req_complete(struct aoe_req *req)
{
	struct aoe_dev *d = req->dev;

	if (req->status) {
		d->st.errors++;
	} else if (req->op == AOE_OP_READ) {
		d->st.read_bytes += (uint64_t)req->nsect * ATA_SECTOR_SIZE;
	} else if (req->op == AOE_OP_WRITE) {
		d->st.write_bytes += (uint64_t)req->nsect * ATA_SECTOR_SIZE;
	} else if (req->op == AOE_OP_FLUSH) {
		d->st.flushes++;
	}
	req->done(req, req->status);
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

static uint8_t ata_rw_cmd(const struct aoe_dev *d, bool write)
{
	if (d->id.lba48)
		return write ? ATA_CMD_WRITE_EXT : ATA_CMD_READ_EXT;
	return write ? ATA_CMD_WRITE : ATA_CMD_READ;
}

static void frame_ata_args(const struct aoe_frame *f, struct aoe_ata_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cmdstat = f->ata_cmd;
	switch (f->ata_cmd) {
	case ATA_CMD_READ_EXT:
	case ATA_CMD_WRITE_EXT:
		a->aflags = AOE_AFL_EXT;
		a->lba = f->lba;
		break;
	case ATA_CMD_READ:
	case ATA_CMD_WRITE:
		a->lba = aoe_lba28_encode((uint32_t)f->lba);
		break;
	case ATA_CMD_FLUSH_EXT:
		a->aflags = AOE_AFL_EXT;
		break;
	default:
		break;
	}
	if (f->ata_cmd == ATA_CMD_WRITE_EXT || f->ata_cmd == ATA_CMD_WRITE)
		a->aflags |= AOE_AFL_WRITE;
	if (f->ata_cmd == ATA_CMD_IDENTIFY)
		a->scnt = 1;
	else if (f->nsect)
		a->scnt = (uint8_t)f->nsect;
}

static bool frame_is_write(const struct aoe_frame *f)
{
	return f->ata_cmd == ATA_CMD_WRITE_EXT || f->ata_cmd == ATA_CMD_WRITE;
}

/* Chunks for one frame of len bytes; on failure none are kept. */
static int take_chunks(struct aoe_path *path, unsigned int n, uint64_t *addr)
{
	for (unsigned int i = 0; i < n; i++) {
		if (frame_pool_get(&path->t->dev->pool, &path->tx, path->ifc->slot, &addr[i])) {
			while (i--)
				frame_pool_complete(&path->ifc->umem, addr[i]);
			return -EAGAIN;
		}
	}
	return 0;
}

/*
 * Builds f into fresh TX chunks of path (one, or several on a multi-buffer
 * socket for jumbo frames) and puts it on the TX ring. Chunks the kernel
 * may still hold are never reused: each send takes new ones.
 */
static int frame_send(struct aoe_engine *e, struct aoe_frame *f, struct aoe_path *path)
{
	struct aoe_target *t = path->t;
	struct aoe_dev *d = t->dev;
	struct aoe_iface *ifc = path->ifc;
	size_t data_len = frame_is_write(f) ? (size_t)f->nsect * ATA_SECTOR_SIZE : 0;
	size_t hdr_len = aoe_ata_data_offset(path->has_vlan), len, done;
	uint64_t addr[XSK_MAX_SEGS];
	uint32_t seg_len[XSK_MAX_SEGS];
	unsigned int nseg;
	struct aoe_ata_args ata;
	struct aoe_addr a;
	int built;

	len = hdr_len + data_len < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : hdr_len + data_len;
	nseg = (unsigned int)((len + UMEM_CHUNK_SIZE - 1) / UMEM_CHUNK_SIZE);
	if (nseg > XSK_MAX_SEGS || take_chunks(path, nseg, addr))
		return -EAGAIN;
	memset(&a, 0, sizeof(a));
	memcpy(a.dst, t->mac, AOE_ETH_ALEN);
	memcpy(a.src, ifc->mac, AOE_ETH_ALEN);
	a.has_vlan = path->has_vlan;
	a.vlan = path->vlan;
	a.shelf = d->shelf;
	a.slot = d->slot;
	a.tag = f->tag;
	frame_ata_args(f, &ata);
	/* The builder writes the header (and pads short frames) in the first
	 * chunk only; the data that follows is laid out chunk by chunk. */
	built = aoe_build_ata_hdr(umem_ptr(&ifc->umem, addr[0]), len, &a, &ata, data_len);
	for (unsigned int i = 0, off = 0; i < nseg; i++, off += UMEM_CHUNK_SIZE)
		seg_len[i] = (uint32_t)(len - off < UMEM_CHUNK_SIZE ? len - off : UMEM_CHUNK_SIZE);
	/* The data goes in before the descriptors are published: from then on
	 * the kernel (or a zero-copy NIC) may read the chunks at any moment. */
	done = 0;
	for (unsigned int i = 0; i < nseg && data_len; i++) {
		size_t at = i ? 0 : hdr_len, n = seg_len[i] - at;

		if (n > data_len - done)
			n = data_len - done;
		memcpy((uint8_t *)umem_ptr(&ifc->umem, addr[i]) + at, f->req->buf + f->off + done, n);
		done += n;
	}
	if (built < 0 || iface_tx(ifc, addr, seg_len, nseg) < 0) {
		for (unsigned int i = 0; i < nseg; i++)
			frame_pool_complete(&ifc->umem, addr[i]);
		return -EAGAIN;
	}
	f->path = path;
	f->sent_ns = e->now_ns;
	if (!f->first_ns)
		f->first_ns = e->now_ns;
	f->deadline_ns = e->now_ns + (uint64_t)rtt_backoff_us(&t->rtt, f->retries) * NSEC_PER_USEC;
	if (f->deadline_ns < e->next_timer_ns)
		e->next_timer_ns = f->deadline_ns;
	list_add_tail(&t->inflight, &f->node);
	window_on_send(&t->win);
	t->st.frames++;
	path->frames++;
	d->st.frames++;
	return 0;
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
		f->ata_cmd = ata_rw_cmd(d, req->op == AOE_OP_WRITE);
		break;
	case AOE_OP_FLUSH:
		f->ata_cmd = d->id.flush_ext && d->id.lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH;
		break;
	case AOE_OP_IDENTIFY:
		f->ata_cmd = ATA_CMD_IDENTIFY;
		f->nsect = 1;
		break;
	}
}

static uint32_t frame_units(const struct aoe_frame *f)
{
	if (f->ata_cmd == ATA_CMD_READ_EXT || f->ata_cmd == ATA_CMD_READ || frame_is_write(f))
		return f->nsect;
	return 1;
}

/* Retransmits first (they hold up requests), each to the best path,
 * avoiding the target that failed them when another one can serve. */
static void pump_resends(struct aoe_dev *d)
{
	struct aoe_engine *e = d->eng;

	while (!list_empty(&d->resend)) {
		struct aoe_frame *f = list_first_entry(&d->resend, struct aoe_frame, node);
		const struct aoe_target *avoid = f->path ? f->path->t : NULL;
		struct aoe_path *p = dev_pick_path(d, false, avoid);

		if (!p)
			return;
		list_del(&f->node);
		f->queued = false;
		if (f->nsect > p->max_sect && frame_units(f) > 1 && p->max_sect) {
			/* The new path carries less: never happens with one MTU;
			 * fail rather than send a frame the path cannot carry. */
			frame_end(e, f, -EIO);
			continue;
		}
		if (frame_send(e, f, p)) {
			list_add_tail(&d->resend, &f->node);
			f->queued = true;
			return;
		}
	}
}

static void pump_requests(struct aoe_dev *d)
{
	struct aoe_engine *e = d->eng;

	while (!list_empty(&d->pending)) {
		struct aoe_req *req = list_first_entry(&d->pending, struct aoe_req, node);
		struct aoe_path *p = dev_pick_path(d, true, NULL);
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
	list_init(&req->node);
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
	list_add_tail(&d->pending, &req->node);
	aoe_io_pump(d);
}

static void target_heard(struct aoe_engine *e, struct aoe_target *t)
{
	t->last_heard_ns = e->now_ns;
	t->timeouts_in_row = 0;
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

static void frame_requeue(struct aoe_dev *d, struct aoe_frame *f)
{
	frame_unlink(f);
	f->prev_tag = f->tag;
	f->prev_t = f->path ? f->path->t : NULL;
	f->prev_sent_ns = f->sent_ns;
	frame_retag(d->eng, f);
	f->retries++;
	f->queued = true;
	list_add_tail(&d->resend, &f->node);
}

/* An answer with the AoE error flag: fail the frame at once, except
 * "device unavailable", which another target may not be. */
static void on_error_response(struct aoe_engine *e, struct aoe_frame *f, uint8_t error)
{
	struct aoe_target *t = f->path->t;
	struct aoe_dev *d = t->dev;
	char mac[AOE_MAC_STR_LEN];

	t->st.errors++;
	aoe_format_mac(mac, t->mac);
	if (error == AOE_ERR_DEVUNAVAIL && !f->probe && dev_has_other_target(d, t)) {
		pr_debug("%s: target %s says device unavailable; trying another\n", d->name, mac);
		target_taint(e, t);
		frame_requeue(d, f);
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
 * The answer to a frame's previous tag: the timeout that made us resend it
 * was a false alarm. The answer itself is dropped (the resent frame will
 * be answered), but the target gets its window back and a longer RTO.
 */
static void false_alarm(struct aoe_engine *e, struct aoe_frame *f, const struct aoe_view *v)
{
	struct aoe_target *t = f->prev_t;

	if (!t || memcmp(v->src, t->mac, AOE_ETH_ALEN) || v->shelf != t->dev->shelf ||
	    v->slot != t->dev->slot)
		return;
	f->prev_tag = 0;	/* once per retransmit */
	t->st.false_alarms++;
	t->timeouts_in_row = 0;
	t->last_heard_ns = e->now_ns;
	t->tainted = false;	/* it was answering, only slowly */
	window_undo(&t->win);
	rtt_false_alarm(&t->rtt, (uint32_t)((e->now_ns - f->prev_sent_ns) / NSEC_PER_USEC));
}

/* The frame a response claims to answer, after every check on who sent it. */
static struct aoe_frame *match_response(struct aoe_engine *e, struct aoe_iface *ifc,
					const struct aoe_view *v)
{
	uint32_t idx = tag_index(v->tag);
	struct aoe_frame *f;
	struct aoe_dev *d;

	if (idx >= e->ft.n) {
		e->rx.bad_tag++;
		return NULL;
	}
	f = &e->ft.f[idx];
	if (!f->tag || f->tag != v->tag || f->queued) {
		e->rx.late++;
		if (f->tag && f->prev_tag == v->tag)
			false_alarm(e, f, v);
		return NULL;
	}
	d = f->path->t->dev;
	if (memcmp(v->src, f->path->t->mac, AOE_ETH_ALEN)) {
		e->rx.bad_src++;
		return NULL;
	}
	if (v->shelf != d->shelf || v->slot != d->slot) {
		e->rx.bad_addr++;
		return NULL;
	}
	if (f->path->ifc != ifc) {
		e->rx.wrong_iface++;
		return NULL;
	}
	return f;
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

/* An answer's length: exactly what the command returns; or, for an ATA
 * error, the registers and at most that much data (aoe-target sends the
 * registers alone, vblade the sectors it read before the error), so a
 * failed read ends at once instead of being resent until the device is
 * declared dead. */
static bool rsp_len_ok(const struct aoe_view *v, const struct aoe_ata_view *a, size_t len,
		       size_t want)
{
	size_t full = v->hdr_len + AOE_ATA_LEN + want;
	size_t padded = full < AOE_ETH_ZLEN ? AOE_ETH_ZLEN : full;

	if (aoe_len_matches(len, full))
		return true;
	return (a->cmdstat & ATA_STATUS_ERRMASK) && len <= padded;
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
	if (a.cmdstat & ATA_STATUS_ERRMASK) {
		t->st.errors++;
		pr_warn("%s: ATA error status 0x%02x error 0x%02x for command 0x%02x at LBA %llu\n",
			t->dev->name, a.cmdstat, a.errfeat, f->ata_cmd,
			(unsigned long long)f->lba);
		frame_unlink(f);
		frame_end(e, f, -EIO);
		return;
	}
	if (want && f->req)
		rx_frame_copy(fr, v->hdr_len + AOE_ATA_LEN, f->req->buf + f->off, want);
	/* Karn: only first transmissions tell the round-trip time. */
	if (!f->retries)
		rtt_sample(&t->rtt, (uint32_t)((e->now_ns - f->sent_ns) / NSEC_PER_USEC), e->now_ns);
	list_del(&f->node);
	window_on_ack(&t->win);
	frame_end(e, f, 0);
}

static void send_probe(struct aoe_engine *e, struct aoe_target *t)
{
	struct aoe_frame *f = frame_alloc(e);
	struct aoe_path *p = NULL;

	for (unsigned int i = 0; i < t->npaths && !p; i++)
		if (t->paths[i].ifc && t->paths[i].max_sect)
			p = &t->paths[i];
	if (!f || !p) {
		if (f)
			frame_release(e, f);
		return;
	}
	f->probe = true;
	f->ata_cmd = ATA_CMD_IDENTIFY;
	f->nsect = 1;
	frame_retag(e, f);
	if (frame_send(e, f, p)) {
		frame_release(e, f);
		return;
	}
	t->probe_out = true;
	t->st.probes++;
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

static void on_timeout(struct aoe_engine *e, struct aoe_frame *f)
{
	struct aoe_target *t = f->path->t;
	struct aoe_dev *d = t->dev;

	t->st.timeouts++;
	t->timeouts_in_row++;
	window_on_loss(&t->win, e->now_ns, (uint64_t)t->rtt.srtt_us * NSEC_PER_USEC);
	if (f->probe) {
		frame_unlink(f);
		t->next_probe_ns = e->now_ns + PROBE_INTERVAL_NS;
		frame_end(e, f, 0);
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
	t->st.retransmits++;
	frame_requeue(d, f);
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

static uint64_t target_timers(struct aoe_engine *e, struct aoe_target *t, uint64_t next,
			      bool *down)
{
	struct list_node *pos, *tmp;

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
	if (t->tainted && !t->probe_out && target_usable(t)) {
		if (e->now_ns >= t->next_probe_ns) {
			send_probe(e, t);
			t->next_probe_ns = e->now_ns + PROBE_INTERVAL_NS;
		}
		if (t->next_probe_ns < next)
			next = t->next_probe_ns;
	}
	return next;
}

uint64_t aoe_io_timers(struct aoe_engine *e)
{
	uint64_t next = e->now_ns + NSEC_PER_SEC;
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		bool down = false;

		if (d->state != DEV_UP && d->state != DEV_IDENTIFYING)
			continue;
		for (unsigned int i = 0; i < d->ntargets && !down; i++)
			next = target_timers(e, d->targets[i], next, &down);
		if (!down && queued_too_long(d, &next)) {
			dev_go_down(d, "no usable path to any target within the dead timeout");
			down = true;
		}
		if (!down)
			aoe_io_pump(d);
	}
	return next;
}

static void fail_list(struct aoe_engine *e, struct list_node *h, int res)
{
	while (!list_empty(h)) {
		struct aoe_frame *f = list_first_entry(h, struct aoe_frame, node);

		frame_unlink(f);
		frame_end(e, f, res);
	}
}

void aoe_io_fail_all(struct aoe_dev *d, int res)
{
	struct aoe_engine *e = d->eng;

	for (unsigned int i = 0; i < d->ntargets; i++) {
		fail_list(e, &d->targets[i]->inflight, res);
		d->targets[i]->probe_out = false;
	}
	fail_list(e, &d->resend, res);
	while (!list_empty(&d->pending)) {
		struct aoe_req *req = list_first_entry(&d->pending, struct aoe_req, node);

		if (!req->status)
			req->status = res;
		req_check_done(req);
	}
}

void aoe_io_requeue_iface(struct aoe_dev *d, const struct aoe_iface *ifc)
{
	for (unsigned int i = 0; i < d->ntargets; i++) {
		struct list_node *pos, *tmp;

		list_for_each_safe(pos, tmp, &d->targets[i]->inflight) {
			struct aoe_frame *f = container_of(pos, struct aoe_frame, node);

			if (f->path->ifc == ifc)
				frame_requeue(d, f);
		}
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: one io_uring waits on every socket, timer and front end;
 * each pass reads what arrived, runs the timers, sends what can be sent and
 * kicks the TX rings once.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "engine_priv.h"
#include "xdp/announce.h"
#include "lib/log.h"
#include "xdp_compat.h"

#define ENGINE_RING_ENTRIES	512
#define RX_BATCHES_PER_PASS	8

uint64_t engine_now(const struct aoe_engine *e)
{
	return e->now_ns;
}

void engine_stop(struct aoe_engine *e)
{
	e->stop = true;
}

bool engine_stopping(const struct aoe_engine *e)
{
	return e->stop;
}

int engine_stop_signal(const struct aoe_engine *e)
{
	return e->stop_signal;
}

/* xorshift64*: tags must be hard to guess, not cryptographic. */
uint32_t engine_random(struct aoe_engine *e)
{
	e->rng ^= e->rng >> 12;
	e->rng ^= e->rng << 25;
	e->rng ^= e->rng >> 27;
	return (uint32_t)((e->rng * 0x2545f4914f6cdd1dull) >> 32);
}

void engine_config_defaults(struct engine_config *cfg)
{
	*cfg = (struct engine_config){
		.mode = AOE_XDP_MODE_AUTO,
		.pool_max = POOL_MAX_DEFAULT,
		.dead_timeout_s = DEAD_TIMEOUT_DEFAULT_S,
		.rto_min_us = RTO_MIN_US_DEFAULT,
		.rto_max_us = RTO_MAX_US_DEFAULT,
		.tx_chunks = IFACE_TX_CHUNKS_DEFAULT,
		.rediscover_s = REDISCOVER_DEFAULT_S,
		.write_guard_s = WRITE_GUARD_DEFAULT_S,
		.guard_sectors = GUARD_MB_DEFAULT * (1024 * 1024 / ATA_SECTOR_SIZE),
		.max_devices = MAX_DEVICES_DEFAULT,
		.max_targets = AOE_MAX_TARGETS,
		.max_paths = AOE_MAX_PATHS,
		.forget_unidentified_s = FORGET_UNIDENTIFIED_DEFAULT_S,
		.forget_gone_s = FORGET_GONE_DEFAULT_S,
		.pmtu_probe_s = PMTU_PROBE_DEFAULT_S,
	};
}

static int engine_ring_init(struct aoe_engine *e)
{
	struct io_uring_params p;
	int err;

	/* SQE128: ublk control commands share this ring. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQE128 | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG |
		  IORING_SETUP_SINGLE_ISSUER;
	err = io_uring_queue_init_params(ENGINE_RING_ENTRIES, &e->ring, &p);
	if (err == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_SQE128;
		err = io_uring_queue_init_params(ENGINE_RING_ENTRIES, &e->ring, &p);
	}
	if (err) {
		pr_err("creating the io_uring failed: %s; aoe-xdp needs Linux 5.19 or later\n",
		       strerror(-err));
		return err;
	}
	e->ring_ok = true;
	return 0;
}

int engine_create(const struct engine_config *cfg, const struct engine_hooks *hooks,
		  struct aoe_engine **out)
{
	struct aoe_engine *e = calloc(1, sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	e->cfg = *cfg;
	if (!e->cfg.max_targets || e->cfg.max_targets > AOE_MAX_TARGETS)
		e->cfg.max_targets = AOE_MAX_TARGETS;
	if (!e->cfg.max_paths || e->cfg.max_paths > AOE_MAX_PATHS)
		e->cfg.max_paths = AOE_MAX_PATHS;
	if (hooks)
		e->hooks = *hooks;
	list_init(&e->devs);
	e->sigfd = -1;
	if (getrandom(&e->rng, sizeof(e->rng), 0) != sizeof(e->rng) || !e->rng)
		e->rng = clock_now_ns() | 1;
	err = frame_table_init(&e->ft, ENGINE_MAX_FRAMES, e);
	if (!err)
		err = copy_table_init(&e->copies, ENGINE_MAX_COPIES);
	if (!err)
		err = guard_pool_init(&e->guard, cfg->guard_sectors);
	if (!err)
		err = engine_ring_init(e);
	if (err) {
		engine_destroy(e);
		return err;
	}
	e->now_ns = clock_now_ns();
	e->next_timer_ns = e->now_ns;
	e->wake_ns = UINT64_MAX;
	*out = e;
	return 0;
}

void engine_fail_all_io(struct aoe_engine *e)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		d->state = DEV_DOWN;
		d->why = "aoe-xdp is stopping";
		aoe_io_fail_all(d, -EIO);
	}
	admin_fail_all(e, -ESHUTDOWN);
}

void engine_destroy(struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	if (!e)
		return;
	admin_fini(e);
	while (!list_empty(&e->devs))
		dev_destroy(list_first_entry(&e->devs, struct aoe_dev, node));
	engine_for_each_iface(e, i, ifc)
		engine_del_iface(e, ifc->name);
	if (e->ring_ok)
		io_uring_queue_exit(&e->ring);
	if (e->sigfd >= 0)
		close(e->sigfd);	/* after the ring: it held the poll */
	frame_table_fini(&e->ft);
	copy_table_fini(&e->copies);
	guard_pool_fini(&e->guard);
	free(e);
}

void engine_wake_at(struct aoe_engine *e, uint64_t at_ns)
{
	if (at_ns < e->wake_ns)
		e->wake_ns = at_ns;
}

struct io_uring_sqe *engine_get_sqe(struct aoe_engine *e)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&e->ring);

	if (!sqe) {
		io_uring_submit(&e->ring);
		sqe = io_uring_get_sqe(&e->ring);
	}
	if (sqe)
		memset(sqe, 0, 2 * sizeof(*sqe));	/* SQE128 */
	return sqe;
}

static int engine_arm_poll(struct aoe_engine *e, struct engine_event *ev, int fd,
			   unsigned int poll_mask, bool multishot)
{
	struct io_uring_sqe *sqe = engine_get_sqe(e);

	if (!sqe)
		return -EBUSY;
	if (multishot)
		io_uring_prep_poll_multishot(sqe, fd, poll_mask);
	else
		io_uring_prep_poll_add(sqe, fd, poll_mask);
	io_uring_sqe_set_data(sqe, ev);
	return 0;
}

int engine_poll_fd(struct aoe_engine *e, struct engine_event *ev, int fd,
		   unsigned int poll_mask)
{
	return engine_arm_poll(e, ev, fd, poll_mask, false);
}

int engine_watch_fd(struct aoe_engine *e, struct engine_event *ev, int fd,
		    unsigned int poll_mask)
{
	return engine_arm_poll(e, ev, fd, poll_mask, true);
}

/* Readiness only wakes the loop; every pass reads all RX rings anyway. */
static void xsk_event_fn(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct engine_xsk_event *xe = container_of(ev, struct engine_xsk_event, ev);

	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE))
		engine_watch_fd(xe->eng, &xe->ev, xe->fd, POLLIN);
}

static void signal_event_fn(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct aoe_engine *e = container_of(ev, struct aoe_engine, sig_ev);
	struct signalfd_siginfo si;

	while (read(e->sigfd, &si, sizeof(si)) == sizeof(si)) {
		e->stop = true;
		e->stop_signal = (int)si.ssi_signo;
	}
	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE))
		engine_watch_fd(e, &e->sig_ev, e->sigfd, POLLIN);
}

int engine_watch_signals(struct aoe_engine *e)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	e->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (e->sigfd < 0)
		return -errno;
	e->sig_ev.fn = signal_event_fn;
	return engine_watch_fd(e, &e->sig_ev, e->sigfd, POLLIN);
}

static struct aoe_iface *engine_find_iface(const struct aoe_engine *e, const char *name)
{
	struct aoe_iface *ifc;
	unsigned int i;

	engine_for_each_iface(e, i, ifc)
		if (!strcmp(ifc->name, name))
			return ifc;
	return NULL;
}

bool engine_has_iface(const struct aoe_engine *e, const char *name)
{
	return engine_find_iface(e, name) != NULL;
}

struct aoe_iface *engine_iface_at(const struct aoe_engine *e, unsigned int i)
{
	return i < POOL_MAX_IFACES ? e->ifaces[i] : NULL;
}

unsigned int engine_iface_count(const struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i, n = 0;

	engine_for_each_iface(e, i, ifc)
		n++;
	return n;
}

/* Announcements are few: read them all, each a hint to check a target. */
static void announce_event_fn(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct engine_xsk_event *xe = container_of(ev, struct engine_xsk_event, ev);
	struct aoe_engine *e = xe->eng;
	struct aoe_iface *ifc = e->ifaces[xe - e->announce_events];
	uint8_t buf[AOE_ETH_ZLEN + AOE_VLAN_HLEN + AOE_CFG_LEN + AOE_CFG_STR_MAX];
	int n;

	while (ifc && (n = announce_read(xe->fd, buf, sizeof(buf))) > 0)
		discover_on_announce(e, ifc, buf, (size_t)n);
	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE))
		engine_watch_fd(e, &xe->ev, xe->fd, POLLIN);
}

static int engine_watch_iface(struct aoe_engine *e, struct aoe_iface *ifc)
{
	struct engine_xsk_event *evs = e->xsk_events[ifc->slot];
	struct engine_xsk_event *ann = &e->announce_events[ifc->slot];
	int err = 0;

	if (ifc->announce_fd >= 0) {
		*ann = (struct engine_xsk_event){ .ev.fn = announce_event_fn, .eng = e,
						  .fd = ifc->announce_fd };
		err = engine_watch_fd(e, &ann->ev, ann->fd, POLLIN);
	}
	for (uint32_t q = 0; q < ifc->nqueues && !err; q++) {
		evs[q].ev.fn = xsk_event_fn;
		evs[q].eng = e;
		evs[q].fd = ifc->socks[q].fd;
		err = engine_watch_fd(e, &evs[q].ev, evs[q].fd, POLLIN);
	}
	if (!err)
		err = io_uring_submit(&e->ring) < 0 ? -EIO : 0;
	return err;
}

void engine_forget_event(struct aoe_engine *e, struct engine_event *ev)
{
	struct io_uring_sync_cancel_reg reg = {
		.addr = (uint64_t)(uintptr_t)ev,
		.timeout = { .tv_sec = 1, .tv_nsec = 0 },
	};
	struct io_uring_cqe *cqe;
	unsigned int head;

	io_uring_submit(&e->ring);	/* it may still sit in the SQ */
	io_uring_register_sync_cancel(&e->ring, &reg);
	/* Its last completion is in the CQ now: make it point nowhere. */
	io_uring_for_each_cqe(&e->ring, head, cqe)
		if (io_uring_cqe_get_data(cqe) == ev)
			cqe->user_data = 0;
}

/* The polls hold references on the sockets: cancel them before closing. */
static void engine_unwatch_iface(struct aoe_engine *e, struct aoe_iface *ifc)
{
	struct engine_xsk_event *evs = e->xsk_events[ifc->slot];

	for (uint32_t q = 0; q < ifc->nqueues; q++)
		if (evs[q].ev.fn)
			engine_forget_event(e, &evs[q].ev);
	if (e->announce_events[ifc->slot].ev.fn)
		engine_forget_event(e, &e->announce_events[ifc->slot].ev);
	e->announce_events[ifc->slot].ev.fn = NULL;
}

/* The table slot a new interface takes: -EEXIST or -ENOSPC, said. */
static int engine_free_slot(const struct aoe_engine *e, const char *name)
{
	unsigned int slot;

	if (engine_find_iface(e, name)) {
		pr_err("%s is named twice; each interface is used once\n", name);
		return -EEXIST;
	}
	for (slot = 0; slot < POOL_MAX_IFACES && e->ifaces[slot]; slot++)
		;
	if (slot == POOL_MAX_IFACES) {
		pr_err("cannot use %s: aoe-xdp serves at most %d interfaces\n", name,
		       POOL_MAX_IFACES);
		return -ENOSPC;
	}
	return (int)slot;
}

int engine_add_opened_iface(struct aoe_engine *e, struct aoe_iface *ifc)
{
	struct aoe_dev *d;
	int err;

	e->ifaces[ifc->slot] = ifc;
	/* Control frames' reserve: a quarter of a small UMEM at most. */
	ifc->umem.reserve = ifc->umem.nfree / 4 < ENGINE_CTL_CHUNKS ? ifc->umem.nfree / 4 :
								       ENGINE_CTL_CHUNKS;
	engine_for_each_dev(e, d)
		frame_pool_add_iface(&d->pool, ifc->slot, &ifc->umem);
	err = engine_watch_iface(e, ifc);
	if (err)
		engine_del_iface(e, ifc->name);
	return err;
}

int engine_add_iface(struct aoe_engine *e, const char *name)
{
	struct aoe_iface *ifc;
	int slot = engine_free_slot(e, name), err;

	if (slot < 0)
		return slot;
	ifc = calloc(1, sizeof(*ifc));
	if (!ifc)
		return -ENOMEM;
	err = iface_open(ifc, name, (unsigned int)slot, e->cfg.mode, e->cfg.tx_chunks);
	if (err) {
		free(ifc);
		return err;
	}
	return engine_add_opened_iface(e, ifc);
}

int engine_del_iface(struct aoe_engine *e, const char *name)
{
	struct aoe_iface *ifc = engine_find_iface(e, name);
	struct aoe_dev *d;

	if (!ifc)
		return -ENOENT;
	engine_for_each_dev(e, d)
		dev_forget_iface(d, ifc);
	engine_unwatch_iface(e, ifc);
	e->ifaces[ifc->slot] = NULL;
	e->mtu_seen[ifc->slot] = 0;
	iface_close(ifc);
	free(ifc);
	return 0;
}

int engine_send_raw(struct aoe_engine *e, struct aoe_iface *ifc, const void *frame,
		    size_t len)
{
	uint64_t addr;
	int err;

	if (len > UMEM_CHUNK_SIZE)
		return -EMSGSIZE;
	err = umem_chunk_get_ctl(&ifc->umem, &addr);
	if (err) {
		limit_hit(e, LIMIT_CTL_UMEM, ifc->name, NULL);
		return err;
	}
	memcpy(umem_ptr(&ifc->umem, addr), frame, len);
	err = iface_tx(ifc, &addr, &(uint32_t){ (uint32_t)len }, 1);
	if (err)
		umem_chunk_put(&ifc->umem, addr);
	return err;
}

struct aoe_dev *engine_first_dev(const struct aoe_engine *e)
{
	return list_empty(&e->devs) ? NULL : list_first_entry(&e->devs, struct aoe_dev, node);
}

struct aoe_dev *engine_next_dev(const struct aoe_engine *e, const struct aoe_dev *d)
{
	return d->node.next == &e->devs ? NULL : container_of(d->node.next, struct aoe_dev, node);
}

struct aoe_dev *engine_find_dev(struct aoe_engine *e, uint16_t shelf, uint8_t slot)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d)
		if (d->shelf == shelf && d->slot == slot)
			return d;
	return NULL;
}

struct aoe_dev *engine_find_dev_name(struct aoe_engine *e, const char *name)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

void engine_submit(struct aoe_engine *e, struct aoe_dev *d, struct aoe_req *req)
{
	(void)e;
	req->internal = false;
	aoe_io_submit(d, req);
}

void engine_discover(struct aoe_engine *e)
{
	discover_broadcast(e);
}

bool engine_identifying(const struct aoe_engine *e)
{
	return discover_any_dev_in(e, DEV_IDENTIFYING);
}

const struct engine_rx_stats *engine_rx_stats(const struct aoe_engine *e)
{
	return &e->rx;
}

const struct engine_loop_stats *engine_loop_stats(const struct aoe_engine *e)
{
	return &e->loop;
}

unsigned int engine_rediscover_s(const struct aoe_engine *e)
{
	return e->cfg.rediscover_s;
}

void engine_rx_frame(struct aoe_engine *e, struct aoe_iface *ifc, const struct rx_frame *fr)
{
	struct aoe_view v;
	const char *why;

	e->rx.frames++;
	/* Every header is in the first piece: pieces are whole chunks. */
	if (aoe_parse(fr->seg[0], fr->seg_len[0], &v, &why)) {
		e->rx.malformed++;
		return;
	}
	if (!aoe_is_response(&v)) {
		e->rx.not_response++;
		return;
	}
	if (memcmp(v.dst, ifc->mac, AOE_ETH_ALEN)) {
		e->rx.wrong_dst++;
		return;
	}
	if (admin_rx(e, ifc, &v, fr))
		return;
	switch (v.cmd) {
	case AOE_CMD_CFG:
		if (fr->nseg == 1)
			discover_on_config(e, ifc, &v);
		else
			e->rx.malformed++;	/* config answers fit one chunk */
		break;
	case AOE_CMD_ATA:
		aoe_io_rx_ata(e, ifc, &v, fr);
		break;
	default:
		e->rx.bad_cmd++;
		break;
	}
}

/* Adds descriptor d to the frame being gathered; false if it is unusable. */
static bool rx_frame_add(struct rx_frame *fr, struct aoe_iface *ifc, const struct xdp_desc *d)
{
	uint64_t in_chunk = d->addr % UMEM_CHUNK_SIZE;

	if (fr->nseg >= XSK_MAX_SEGS || d->len > UMEM_CHUNK_SIZE ||
	    in_chunk + d->len > UMEM_CHUNK_SIZE || d->addr >= ifc->umem.size)
		return false;
	fr->seg[fr->nseg] = umem_ptr(&ifc->umem, d->addr);
	fr->seg_len[fr->nseg++] = d->len;
	fr->len += d->len;
	return true;
}

/*
 * Handles the frames on one RX ring. A frame in several pieces (multi-
 * buffer) is read in place, piece by piece; one cut by the end of a batch
 * is handed back and read whole on the next pass.
 */
static void engine_rx_socket(struct aoe_engine *e, struct aoe_iface *ifc, struct xsk_sock *s)
{
	for (int b = 0; b < RX_BATCHES_PER_PASS; b++) {
		uint32_t idx;
		unsigned int n = xsk_sock_rx_peek(s, XSK_BATCH, &idx), i = 0;

		if (!n)
			break;
		while (i < n) {
			struct rx_frame fr = { .nseg = 0 };
			bool ok = true, whole = false;
			unsigned int j = i;

			if (s->rx_skip) {	/* the rest of a frame we gave up on */
				s->rx_skip = xsk_sock_rx_desc(s, idx + i++)->options & XDP_PKT_CONTD;
				continue;
			}
			while (j < n && !whole) {
				const struct xdp_desc *d = xsk_sock_rx_desc(s, idx + j++);

				ok &= rx_frame_add(&fr, ifc, d);
				whole = !(d->options & XDP_PKT_CONTD);
			}
			if (!whole && i > 0)
				break;	/* cut by the batch: read it whole next time */
			if (!whole)
				s->rx_skip = true;	/* longer than a batch: not ours */
			if (ok && whole)
				engine_rx_frame(e, ifc, &fr);
			else
				e->rx.malformed++;
			i = j;
		}
		xsk_sock_rx_release(s, idx, i);
		if (i < n)
			xsk_sock_rx_unpeek(s, n - i);
	}
}

/* Reads every RX ring and returns completed TX chunks. */
static void engine_service_sockets(struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	engine_for_each_iface(e, i, ifc) {
		for (uint32_t q = 0; q < ifc->nqueues; q++) {
			engine_rx_socket(e, ifc, &ifc->socks[q]);
			xsk_sock_drain_completions(&ifc->socks[q]);
		}
	}
}

static void engine_kick_all(struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;
	bool sent = false;
	uint64_t start = e->ft.nplaced ? engine_clock(e) : 0;

	engine_for_each_iface(e, i, ifc) {
		for (uint32_t q = 0; q < ifc->nqueues; q++) {
			uint64_t kicks = ifc->socks[q].st.tx_kicks;
			int err = xsk_sock_kick(&ifc->socks[q]);

			sent |= ifc->socks[q].st.tx_kicks != kicks;

			if (err && ifc->socks[q].st.kick_errors == 1)
				pr_warn("%s: sending failed: %s\n", ifc->name, strerror(-err));
			xsk_sock_drain_completions(&ifc->socks[q]);
		}
	}
	stages_kicked(e, start, sent);
}

static bool engine_tx_waiting(const struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	engine_for_each_iface(e, i, ifc) {
		for (uint32_t q = 0; q < ifc->nqueues; q++)
			if (ifc->socks[q].tx_unkicked)
				return true;
	}
	return false;
}

/* Answers committed in this pass go to the front end before the TX kick,
 * not after it: on veth in copy mode a kick runs the peer's receive path
 * inside our sendto (milliseconds for a window under TCG), and the
 * requests waiting on those commits need not wait for it. Only when there
 * is a kick to make: at queue depth 1 the commit rides on the next wait's
 * io_uring_enter as before, one system call instead of two. */
static void engine_commit_before_kick(struct aoe_engine *e)
{
	if (!e->commits.n || !io_uring_sq_ready(&e->ring) || !engine_tx_waiting(e))
		return;
	stages_ring_submit(e, engine_clock(e));
	e->loop.submits++;
	e->loop.early_commits++;
	io_uring_submit(&e->ring);
}

static void engine_pump_all(struct aoe_engine *e)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		if (!list_empty(&d->pending) || !list_empty(&d->resend))
			aoe_io_pump(d);
	}
}

static void engine_reap(struct aoe_engine *e)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;

	io_uring_for_each_cqe(&e->ring, head, cqe) {
		struct engine_event *ev = io_uring_cqe_get_data(cqe);

		n++;
		if (ev)
			ev->fn(ev, cqe);
	}
	io_uring_cq_advance(&e->ring, n);
}

/*
 * With frames in flight, an answer is often microseconds away: spinning on
 * the RX rings (and on io_uring's "task work waiting" flag, which is how a
 * ublk request announces itself) for a short while saves the two wake-ups
 * of sleeping in the kernel. True when something arrived.
 */
static bool engine_rx_ready(const struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	engine_for_each_iface(e, i, ifc)
		for (uint32_t q = 0; q < ifc->nqueues; q++)
			if (xsk_sock_rx_ready(&ifc->socks[q]))
				return true;
	return false;
}

static bool engine_busy_poll(struct aoe_engine *e)
{
	uint64_t until = clock_now_ns() + (uint64_t)e->cfg.busy_poll_us * NSEC_PER_USEC;

	for (unsigned int i = 1;; i++) {
		if (io_uring_cq_ready(&e->ring) ||
		    (IO_URING_READ_ONCE(*e->ring.sq.kflags) & IORING_SQ_TASKRUN))
			return true;
		if (engine_rx_ready(e))
			return true;
		if (!(i % 64) && clock_now_ns() >= until)
			return false;
		__builtin_ia32_pause();
	}
}

int engine_run_once(struct aoe_engine *e, uint64_t max_wait_ns)
{
	uint64_t wait_ns = max_wait_ns;
	uint64_t due = e->next_timer_ns < e->wake_ns ? e->next_timer_ns : e->wake_ns;
	struct io_uring_cqe *cqe;
	bool spun = false;
	int err;

	e->now_ns = clock_now_ns();
	e->wake_ns = UINT64_MAX;	/* consumed by this wait */
	if (due <= e->now_ns)
		wait_ns = 0;
	else if (due - e->now_ns < wait_ns)
		wait_ns = due - e->now_ns;
	if (engine_tx_waiting(e))
		wait_ns = 0;
	if (wait_ns && e->cfg.busy_poll_us && e->ft.nfree < e->ft.n) {
		spun = true;
		if (engine_busy_poll(e)) {
			wait_ns = 0;
			e->loop.spins++;
		} else {
			e->loop.spin_misses++;
		}
	}
	e->loop.passes++;
	/* What front ends queued goes to the kernel now: a busy poll made
	 * the pass's time old. */
	if (io_uring_sq_ready(&e->ring))
		stages_ring_submit(e, spun ? engine_clock(e) : e->now_ns);
	if (wait_ns) {
		struct __kernel_timespec ts = {
			.tv_sec = (long long)(wait_ns / NSEC_PER_SEC),
			.tv_nsec = (long long)(wait_ns % NSEC_PER_SEC),
		};

		/* liburing enters the kernel only when it has to: something
		 * to submit, or nothing completed yet to return at once. */
		if (!io_uring_cq_ready(&e->ring))
			e->loop.sleeps++;
		else
			e->loop.submits += io_uring_sq_ready(&e->ring) > 0;
		err = io_uring_submit_and_wait_timeout(&e->ring, &cqe, 1, &ts, NULL);
	} else {
		e->loop.submits += io_uring_sq_ready(&e->ring) > 0;
		err = io_uring_submit(&e->ring);
	}
	if (err < 0 && err != -ETIME && err != -EINTR && err != -EAGAIN && err != -EBUSY)
		return err;
	/* Read before the completions: what they bring (ublk requests) and
	 * what the rings hold arrived by now. */
	e->now_ns = clock_now_ns();
	e->stamp_ns = e->now_ns;
	engine_reap(e);
	engine_step(e, e->now_ns);
	return 0;
}

void engine_step(struct aoe_engine *e, uint64_t now_ns)
{
	e->now_ns = now_ns;
	e->stamp_ns = now_ns;	/* the answers read now have this time */
	engine_service_sockets(e);
	if (e->now_ns >= e->next_timer_ns) {
		/* What the timers resend lowers next_timer_ns as it goes out
		 * (frame_send): keep that if it is sooner than what they say. */
		uint64_t next;

		e->next_timer_ns = UINT64_MAX;
		next = aoe_io_timers(e);
		if (next < e->next_timer_ns)
			e->next_timer_ns = next;
	}
	e->next_timer_ns = admin_step(e, e->next_timer_ns);
	e->next_timer_ns = limits_step(e, e->next_timer_ns);
	if (e->now_ns >= discover_next_ns(e))
		discover_broadcast(e);
	if (discover_next_ns(e) < e->next_timer_ns)
		e->next_timer_ns = discover_next_ns(e);
	e->stamp_ns = 0;	/* the frames put on the rings now: a time of their own */
	engine_pump_all(e);
	engine_commit_before_kick(e);
	engine_kick_all(e);
	e->stamp_ns = 0;	/* what comes between passes reads the clock */
}

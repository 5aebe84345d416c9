/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's internals, shared by its own files (engine.c the loop,
 * device.c devices/targets/paths, aoe_io.c frames, discover.c discovery)
 * and by its unit tests. Front ends use engine.h only.
 *
 * Objects mirror the kernel aoe driver's so its readers feel at home:
 *   aoe_dev     shelf.slot: capacity, identity, pending requests, frame pool
 *   aoe_target  one remote MAC serving a device: window, RTT, taint
 *   aoe_path    a target as reached through one interface (and VLAN)
 *   aoe_frame   one AoE command in flight: tag, path, timers, its request
 *   aoe_req     a block request from a front end (FUSE, ublk, bench)
 */
#ifndef AOE_ENGINE_PRIV_H
#define AOE_ENGINE_PRIV_H

#include "engine.h"
#include "engine_config.h"
#include "proto/aoe_codec.h"
#include "window.h"
#include "xdp/frame_pool.h"
#include "xdp/iface.h"

_Static_assert(ENGINE_MAX_IFACES == POOL_MAX_IFACES, "one interface table size");

#ifndef ENGINE_MAX_FRAMES	/* the engine fuzzer builds with a small table */
#define ENGINE_MAX_FRAMES	8192	/* frames in flight over all devices */
#endif
/* Unanswered copies on record (copies.c): old tags of frames in flight,
 * and copies whose frame ended while they were still out. */
#define ENGINE_MAX_COPIES	(4 * ENGINE_MAX_FRAMES)
/* A copy passed over by answers to frames sent this much later (at least)
 * on its path was lost on the way. */
#define COPY_REORDER_MIN_NS	NSEC_PER_SEC
/* Guard sectors per device hash, and per rewrite. */
#define GUARD_BUCKETS		1024
#define GUARD_REWRITE_SECT	128
/* A failed rewrite is tried again this much later. */
#define GUARD_RETRY_NS		NSEC_PER_SEC
#define TAINT_TIMEOUTS		3	/* consecutive timeouts that taint a target */
#define PROBE_INTERVAL_NS	(500 * NSEC_PER_MSEC)
/* While a device is down, look for its targets this often. */
#define DOWN_REDISCOVER_NS	(2 * NSEC_PER_SEC)

/*
 * Tag layout: bit 31 set (ours, not the kernel driver's), 15 bits of
 * generation, 16 bits of frame-table index. Index 0xffff is never a frame:
 * discovery queries carry it.
 */
#define TAG_IDX_MASK		0xffffu
#define TAG_GEN_SHIFT		16
#define TAG_GEN_MASK		0x7fffu
#define TAG_DISCOVER_IDX	TAG_IDX_MASK

/* Admin requests (admin.c) tag their copies with indexes of their own, just
 * below the discovery tag's. */
#define ADMIN_SLOTS		256
#define ADMIN_IDX_BASE		(TAG_DISCOVER_IDX - ADMIN_SLOTS)

static inline uint32_t tag_make(uint32_t gen, uint32_t idx)
{
	return AOE_TAG_USER_BIT | (gen & TAG_GEN_MASK) << TAG_GEN_SHIFT | (idx & TAG_IDX_MASK);
}

static inline uint32_t tag_index(uint32_t tag)
{
	return tag & TAG_IDX_MASK;
}

struct aoe_path {
	struct aoe_target *t;
	struct aoe_iface *ifc;	/* NULL once the interface is detached */
	uint16_t vlan;
	bool has_vlan;
	struct txpool tx;	/* this path's own TX chunks (window-sized) */
	uint8_t scnt;		/* sectors per command the target's config answer
				 * on this path advertised (0 read as 2) */
	uint32_t max_sect;	/* sectors per frame on this path */
	/* Path MTU learned (pmtu.c): frames of more sectors vanish on it. */
	uint32_t pmtu_sect;	/* the cap, 0 for none */
	uint32_t pmtu_prev;	/* the last cap set by a fall back */
	uint32_t big_lost;	/* rounds of bigger frames lost in a row */
	uint64_t big_lost_ns;	/* when the latest of them was sent */
	uint32_t best_ok;	/* most sectors answered since the last change */
	uint64_t small_probe_ns;	/* last small probe after big losses */
	uint64_t probe_up_ns;	/* when a larger size is tried again; 0 never */
	uint64_t pmtu_falls;
	bool probing;		/* trying a larger size */
	uint64_t frames;
};

/* Ways a target departs from the protocol that the engine tolerates. */
#define TARGET_QUIRK_FLUSH_ECHO		0x1	/* FLUSH status = the command code */
#define TARGET_QUIRK_FLUSH_ABORT	0x2	/* FLUSH aborted though announced */

/* Whether a target serves its device's disk (identity.c). */
enum target_id {
	TID_UNCHECKED,		/* not asked yet: no I/O */
	TID_OK,			/* its IDENTIFY matches the device's */
	TID_MISMATCH,		/* another disk: refused */
	TID_BAD,		/* IDENTIFY data without a usable disk */
};

struct aoe_target {
	struct aoe_dev *dev;
	struct list_node copies;	/* its unanswered copies, in send order */
	unsigned int ncopies;
	uint64_t copy_probe_ns;		/* last probe sent to settle them */
	uint8_t mac[AOE_ETH_ALEN];
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t scnt;		/* max sectors per command, as advertised */
	struct aoe_path paths[AOE_MAX_PATHS];
	unsigned int npaths;
	unsigned int next_path;
	struct aoe_window win;
	struct aoe_rtt rtt;
	struct list_node inflight;	/* frames, in send order */
	unsigned int timeouts_in_row;
	unsigned int quirks;	/* TARGET_QUIRK_*: seen and tolerated */
	bool no_flush;		/* refused FLUSH: gets none any more */
	bool tainted;
	bool probe_out;		/* an IDENTIFY (probe or check) is out */
	/* IDENTIFYs unanswered in a row: the next one waits that many RTO
	 * doublings, so a target slower than the RTO is still heard. */
	unsigned int probe_misses;
	bool tail_probe_out;	/* a tail loss probe went, no answer since */
	enum target_id idstate;
	bool verify_due;	/* must answer IDENTIFY (again) */
	uint64_t next_verify_ns;
	uint64_t verify_backoff_ns;
	char id_diff[160];	/* why refused */
	uint8_t idbuf[ATA_SECTOR_SIZE];	/* its last IDENTIFY answer */
	uint64_t next_probe_ns;
	uint64_t last_heard_ns;		/* any answer, config or ATA */
	struct aoe_target_stats st;
};

/* A sector of newer data kept over an older write in doubt (guard.c). */
struct guard_sector {
	uint64_t lba;
	uint64_t wseq;		/* version: the write that wrote the data */
	uint64_t sent_wseq;	/* the version a rewrite in flight carries */
	uint32_t hnext;		/* device hash chain (pool index) */
	uint32_t dirty_mark;	/* bumped whenever it must be written again */
	uint32_t sent_mark;	/* dirty_mark when the rewrite in flight took it */
	bool dirty;		/* to be written again */
	bool rewriting;
	struct list_node node;	/* dev->guard.sectors */
	uint8_t data[ATA_SECTOR_SIZE];
};

struct guard_pool {
	struct guard_sector *s;
	uint32_t n;
	uint32_t *free;
	uint32_t nfree;
};

struct guard {
	uint32_t *bucket;		/* GUARD_BUCKETS pool indexes */
	struct list_node sectors;
	uint32_t count;
	uint32_t ndirty;
	bool rewriting, flushing, flush_owed, pumping;
	bool held_logged, gave_up_logged;
	uint64_t not_before_ns;		/* a failed rewrite waits till then */
	struct list_node held;		/* write requests whose completion waits */
	struct list_node flushes;	/* flush requests waiting for rewrites */
	struct aoe_req req, flush_req;
	uint8_t *buf;			/* GUARD_REWRITE_SECT sectors */
	struct aoe_guard_stats st;
};

struct aoe_dev {
	struct aoe_engine *eng;
	struct list_node node;	/* eng->devs */
	uint16_t shelf;
	uint8_t slot;
	char name[AOE_NAME_LEN];
	uint64_t created_ns;
	bool announced;		/* front ends were told (dev_up): never freed by limits.c */
	enum aoe_dev_state state;
	const char *why;	/* what made it DOWN or FAILED */
	char why_buf[256];	/* when that needs words of its own */
	struct ata_identity id;
	bool identified;	/* id is valid (kept while DOWN) */
	bool accept_new_id;	/* revalidate: the next IDENTIFY answer is it */
	uint64_t identify_since_ns;
	uint64_t retry_ns;		/* FAILED: when its targets are asked again */
	uint64_t retry_backoff_ns;
	char config[AOE_CFG_STR_MAX + 1];
	struct aoe_target *targets[AOE_MAX_TARGETS];
	unsigned int ntargets;
	unsigned int next_target;
	struct list_node pending;	/* requests with units left to frame */
	struct list_node resend;	/* frames waiting to be sent again */
	struct frame_pool pool;
	struct aoe_dev_stats st;
	struct list_node writes;	/* write requests not yet complete */
	struct list_node wcopies;	/* unanswered write copies on record */
	unsigned int nwcopies;
	uint64_t flushes_unsent;	/* no target would take them */
	bool no_flush_warned;
	struct guard guard;
};

#define dev_for_each_target(d, i, t) \
	for ((i) = 0; (i) < (d)->ntargets && ((t) = (d)->targets[i]); (i)++)

struct aoe_frame {
	uint32_t tag;		/* 0 when free */
	uint32_t gen;		/* tag generation, kept across reuse */
	uint32_t step;		/* this slot's generation step (odd) */
	struct list_node copies;	/* its earlier copies still on record */
	struct aoe_req *req;	/* NULL for a probe */
	struct aoe_path *path;
	struct list_node node;	/* target->inflight, or dev->resend */
	uint64_t lba;
	uint32_t off;		/* into req->buf, bytes */
	uint16_t nsect;
	uint8_t ata_cmd;
	uint8_t retries;
	uint8_t rtos;		/* RTOs it ran out of: its backoff (not early resends) */
	uint32_t seq;		/* its number in its target's window (last send) */
	bool early;		/* passed over by a later answer: deadline brought forward */
	bool probe;
	bool queued;		/* on dev->resend, not in flight */
	uint64_t sent_ns;
	uint64_t first_ns;
	uint64_t deadline_ns;
	struct frame_send_times sent_at;	/* stages.c */
};

/*
 * Free frames are reused oldest first (a ring), so a stale or forged answer
 * to a finished frame's tag would have to outlive every other frame in the
 * table before the index is in use again.
 */
struct frame_table {
	struct aoe_frame *f;
	uint32_t n;
	uint32_t *free;		/* ring of n free indexes */
	uint32_t head;		/* next to hand out */
	uint32_t nfree;
	uint32_t *placed;	/* indexes put on a TX ring since the last kick */
	uint32_t nplaced;
};

/* A copy of a frame as sent under one tag, kept until answered (copies.c). */
struct aoe_copy {
	uint32_t tag;		/* 0 when the record is free */
	uint32_t hnext;		/* hash chain (table index) */
	struct aoe_target *t;
	const struct aoe_iface *ifc;	/* NULL once the interface went */
	struct aoe_frame *f;	/* the frame while it is still out; NULL: orphan */
	uint64_t lba;
	uint16_t nsect;
	uint8_t ata_cmd;
	bool write;
	bool early;		/* left by an early retransmit, not a timeout */
	uint64_t wseq;		/* a write's version */
	uint64_t sent_ns;
	uint64_t expire_ns;
	struct list_node tnode;	/* t->copies */
	struct list_node fnode;	/* f->copies */
	struct list_node dnode;	/* dev->wcopies (writes) */
};

struct copy_table {
	struct aoe_copy *c;
	uint32_t n;
	uint32_t *bucket;
	uint32_t hash_shift;
	uint32_t *free;
	uint32_t nfree;
	bool full_logged;
};

/* A received frame: one piece, or several with multi-buffer AF_XDP. */
struct rx_frame {
	const uint8_t *seg[XSK_MAX_SEGS];
	uint32_t seg_len[XSK_MAX_SEGS];
	unsigned int nseg;
	size_t len;		/* all pieces together */
};

struct engine_xsk_event {
	struct engine_event ev;
	struct aoe_engine *eng;
	int fd;
};

/* Bounds a crowded segment runs into (limits.c): each said once, counted always. */
enum limit_cause {
	LIMIT_DEVICES,
	LIMIT_TARGETS,
	LIMIT_PATHS,
	LIMIT_PATH_UMEM,
	LIMIT_CTL_UMEM,
	LIMIT_CAUSES
};

/* UMEM chunks per interface only control frames may take. */
#define ENGINE_CTL_CHUNKS	64
/* How often limits.c looks for state to free. */
#define LIMITS_INTERVAL_NS	NSEC_PER_SEC
/* Spare TX chunks go back when the pool took none for this long. */
#define POOL_SHRINK_NS		(10 * NSEC_PER_SEC)

struct aoe_engine {
	struct engine_config cfg;
	struct engine_hooks hooks;
	struct io_uring ring;
	bool ring_ok;
	struct aoe_iface *ifaces[POOL_MAX_IFACES];
	struct engine_xsk_event xsk_events[POOL_MAX_IFACES][AOE_XDP_MAX_QUEUES];
	struct engine_xsk_event announce_events[POOL_MAX_IFACES];
	struct list_node devs;
	struct frame_table ft;
	struct copy_table copies;
	struct guard_pool guard;
	struct admin_table *admin;	/* admin.c; NULL until first used */
	uint64_t wseq;			/* versions handed to writes so far */
	uint64_t now_ns;
	uint64_t rng;
	uint32_t disc_tags[2];		/* current and previous discovery */
	uint64_t next_discover_ns;
	uint64_t last_discover_ns;
	uint64_t next_timer_ns;
	uint64_t wake_ns;		/* engine_wake_at(), UINT64_MAX for none */
	uint32_t mtu_seen[POOL_MAX_IFACES];	/* each interface's MTU its paths use */
	uint64_t next_mtu_check_ns;
	bool stop;
	int stop_signal;		/* what stopped us, 0 for none */
	int sigfd;
	struct engine_event sig_ev;
	struct engine_rx_stats rx;
	struct engine_limit_stats lim;
	uint64_t next_limits_ns;	/* UINT64_MAX: nothing to watch */
	uint64_t next_shrink_ns;
	bool limit_logged[LIMIT_CAUSES];	/* each cause said once */
	unsigned int failed_said;	/* failed devices named in the log (identity.c) */
	struct engine_loop_stats loop;
	/* Where requests' time goes (stages.c). */
	struct engine_stage_stats stages;
	/* The time of the current phase of a pass, read on first use (0: not
	 * yet): stage boundaries in one phase share one clock read. */
	uint64_t stamp_ns;
	/* Answers front ends queued on the ring since its last submit: the
	 * commit stage of each ends at that submit. */
	struct {
		uint64_t n, sum_ns, first_ns;
	} commits;
	/* The clock: clock_now_ns(), or the unit tests' simulated one. */
	uint64_t (*clock)(void *ctx);
	void *clock_ctx;
};

#define engine_for_each_iface(e, i, ifc) \
	for ((i) = 0; (i) < POOL_MAX_IFACES; (i)++) \
		if (((ifc) = (e)->ifaces[i]))

/* engine.c */
/* Everything one pass does once the waiting is over, at time now: receive,
 * run the timers, discover when due, send. Unit tests drive it directly. */
void engine_step(struct aoe_engine *e, uint64_t now_ns);
/* A frame as it came off the wire (tests feed these directly). */
void engine_rx_frame(struct aoe_engine *e, struct aoe_iface *ifc, const struct rx_frame *fr);
/* Adds an interface the caller opened (a real one, or a test's simulated
 * one); the engine closes it with iface_close() when it goes. */
int engine_add_opened_iface(struct aoe_engine *e, struct aoe_iface *ifc);
/* Sends one control frame (queries, not device I/O) from a chunk that goes
 * back to the interface's UMEM when the kernel is done with it. */
int engine_send_raw(struct aoe_engine *e, struct aoe_iface *ifc, const void *frame,
		    size_t len);

/* stages.c: per-request stage times (enum engine_stage). */
uint64_t engine_stamp(struct aoe_engine *e);
uint64_t engine_clock(struct aoe_engine *e);
void stages_submitted(struct aoe_engine *e, struct aoe_req *req);
void stages_placed(struct aoe_engine *e, struct aoe_frame *f);
void stages_kicked(struct aoe_engine *e, uint64_t start_ns, bool sent);
void stages_answered(const struct aoe_engine *e, const struct aoe_frame *f);
void stages_done(struct aoe_engine *e, struct aoe_req *req);
void stages_ring_submit(struct aoe_engine *e, uint64_t now_ns);

/* device.c */
struct aoe_dev *dev_create(struct aoe_engine *e, uint16_t shelf, uint8_t slot);
void dev_destroy(struct aoe_dev *d);
struct aoe_target *dev_find_target(struct aoe_dev *d, const uint8_t mac[AOE_ETH_ALEN]);
struct aoe_target *target_create(struct aoe_dev *d, const uint8_t mac[AOE_ETH_ALEN],
				 uint16_t bufcnt);
struct aoe_path *target_find_path(struct aoe_target *t, const struct aoe_iface *ifc,
				  bool has_vlan, uint16_t vlan);
int target_add_path(struct aoe_target *t, struct aoe_iface *ifc, bool has_vlan,
		    uint16_t vlan, struct aoe_path **out);
void target_set_bufcnt(struct aoe_target *t, uint16_t bufcnt);
/* Sectors per frame from the MTU and what the target advertised on p;
 * frames in flight that no longer fit are sent again, re-split. */
void path_update_max_sect(struct aoe_path *p);
/* Takes a path's own TX chunks (once its target may carry I/O). */
void path_take_tx(struct aoe_path *p);
/* A path to t exists (it can be asked IDENTIFY). */
bool target_reachable(const struct aoe_target *t);
/* And it may carry I/O: its identity matches. */
bool target_usable(const struct aoe_target *t);
/* True when another target than t can take d's frames. */
bool dev_has_other_target(const struct aoe_dev *d, const struct aoe_target *t);
/* The path the next frame goes out on, or NULL (no window anywhere). */
struct aoe_path *dev_pick_path(struct aoe_dev *d, bool need_window,
			       const struct aoe_target *avoid, bool flush);
/* True while some usable target of d takes FLUSH. */
bool dev_flush_target(const struct aoe_dev *d);
/* A flush completes unsent: counted, said once per device. */
void dev_warn_no_flush(struct aoe_dev *d);
void dev_go_down(struct aoe_dev *d, const char *why);
void dev_forget_iface(struct aoe_dev *d, struct aoe_iface *ifc);
/* All targets start afresh when a device comes back. */
void dev_reset_targets(struct aoe_dev *d);

/* frame.c */
int frame_table_init(struct frame_table *ft, uint32_t n, struct aoe_engine *e);
void frame_table_fini(struct frame_table *ft);
struct aoe_frame *frame_alloc(struct aoe_engine *e);
void frame_release(struct aoe_engine *e, struct aoe_frame *f);
void frame_retag(struct aoe_engine *e, struct aoe_frame *f);
uint8_t frame_rw_cmd(const struct aoe_dev *d, bool write);
bool frame_is_write(const struct aoe_frame *f);
/* Units of its request a frame carries: sectors, or 1. */
uint32_t frame_units(const struct aoe_frame *f);
/* Builds f into fresh TX chunks of path and puts it on the TX ring. */
int frame_send(struct aoe_engine *e, struct aoe_frame *f, struct aoe_path *path);

/* copies.c */
int copy_table_init(struct copy_table *ct, uint32_t n);
void copy_table_fini(struct copy_table *ct);
struct aoe_copy *copy_add(struct aoe_engine *e, struct aoe_frame *f);
struct aoe_copy *copy_find(struct aoe_engine *e, uint32_t tag);
bool copy_tag_in_use(struct aoe_engine *e, uint32_t tag);
void copy_remove(struct aoe_engine *e, struct aoe_copy *c);
void copy_orphan_all(struct aoe_frame *f);
void copy_forget_iface(struct aoe_target *t, const struct aoe_iface *ifc);
void copy_answered_after(struct aoe_engine *e, struct aoe_target *t,
			 const struct aoe_iface *ifc, uint64_t sent_ns);
uint64_t copy_expire(struct aoe_engine *e, struct aoe_target *t, uint64_t next);
uint64_t copy_probe_due(const struct aoe_target *t);

/* guard.c */
int guard_pool_init(struct guard_pool *gp, uint32_t n);
void guard_pool_fini(struct guard_pool *gp);
int guard_dev_init(struct aoe_dev *d);
void guard_dev_fini(struct aoe_dev *d);
void guard_dev_reset(struct aoe_dev *d);
bool guard_write_done(struct aoe_dev *d, struct aoe_req *req);
void guard_copy_gone(struct aoe_engine *e, struct aoe_copy *c, bool executed);
void guard_gave_up(struct aoe_engine *e, const struct aoe_copy *c);
void guard_pump(struct aoe_dev *d);
bool guard_hold_flush(struct aoe_dev *d, struct aoe_req *req);
void guard_overlay_read(struct aoe_dev *d, uint64_t lba, uint32_t n, uint8_t *buf);
uint64_t guard_bytes(const struct aoe_dev *d);
uint64_t guard_timer(struct aoe_dev *d, uint64_t next);

/* aoe_io.c */
void aoe_io_submit(struct aoe_dev *d, struct aoe_req *req);
/* A checked request (a FLUSH that waited for the guard) joins the queue. */
void aoe_io_queue(struct aoe_dev *d, struct aoe_req *req);
void aoe_io_rx_ata(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
		   const struct rx_frame *fr);
void aoe_io_pump(struct aoe_dev *d);
/* Runs timeouts, probes; returns the next deadline (ns). */
uint64_t aoe_io_timers(struct aoe_engine *e);
/* Frames in flight through ifc go back to be sent on another path. */
void aoe_io_requeue_iface(struct aoe_dev *d, const struct aoe_iface *ifc);
/* Frames in flight on p larger than it carries now go back to be re-split. */
void aoe_io_requeue_too_big(struct aoe_path *p);
/* Ends every frame and request of d with res. */
void aoe_io_fail_all(struct aoe_dev *d, int res);
/* Completes the writes whose completion waited for room in the guard. */
void aoe_io_retry_held(struct aoe_dev *d);
/* Frames in flight to t go back to be sent elsewhere. */
void aoe_io_requeue_target(struct aoe_dev *d, struct aoe_target *t);
/* Sends IDENTIFY DEVICE to t (a taint probe, or an identity check). */
void target_send_identify(struct aoe_engine *e, struct aoe_target *t);
/* The same on path p. */
void target_send_identify_on(struct aoe_engine *e, struct aoe_target *t, struct aoe_path *p);

/* pmtu.c */
/* A frame f timed out on its path. */
void pmtu_lost(struct aoe_engine *e, const struct aoe_frame *f);
/* An answer on p to a frame of sect sectors (0: no data) sent at sent_ns. */
void pmtu_answered(struct aoe_engine *e, struct aoe_path *p, uint32_t sect, uint64_t sent_ns);
void pmtu_late_answer(struct aoe_engine *e, struct aoe_path *p, uint32_t sect);
/* Small probes after big losses, larger sizes tried again when due. */
uint64_t pmtu_timer(struct aoe_engine *e, struct aoe_target *t, uint64_t next);
/* Interfaces' MTUs re-read when due (every second: called by the timers);
 * paths follow a change, up or down. */
void pmtu_iface_check(struct aoe_engine *e);

/* identity.c */
const char *target_id_state_name(enum target_id s);
void identity_check(struct aoe_target *t);
void identity_dev_check(struct aoe_dev *d);
void identity_answer(struct aoe_engine *e, struct aoe_target *t);
void identity_no_answer(struct aoe_engine *e, struct aoe_target *t);
uint64_t identity_timers(struct aoe_engine *e, struct aoe_target *t, uint64_t next);
void identity_dev_timers(struct aoe_dev *d, uint64_t *next);

/* admin.c */
/* True when the frame is an answer to an admin copy (taken, or counted
 * and dropped); false when it is not the admin's to read. */
bool admin_rx(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
	      const struct rx_frame *fr);
/* Sends, times out, completes; returns when it next wants to run. */
uint64_t admin_step(struct aoe_engine *e, uint64_t next);
void admin_fail_all(struct aoe_engine *e, int res);
void admin_fini(struct aoe_engine *e);

/* limits.c */
/* A bound was hit: counted, and said the first time for its cause. */
void limit_hit(struct aoe_engine *e, enum limit_cause c, const char *who, const char *what);
/* Frees what has been gone long enough, shrinks pools; next wake-up. */
uint64_t limits_step(struct aoe_engine *e, uint64_t next);
/* Something to watch (a new device, spares taken): the pass runs soon. */
void limits_wake(struct aoe_engine *e);
/* discover.c */
void discover_broadcast(struct aoe_engine *e);
/* The config string a target sent is the device's (printable). */
void dev_set_config(struct aoe_dev *d, const struct aoe_cfg_view *c);
void discover_on_config(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v);
/* A target's unsolicited config answer (announce.h): a reason to check it. */
void discover_on_announce(struct aoe_engine *e, struct aoe_iface *ifc, const uint8_t *frame,
			  size_t len);
/* When the next discovery broadcast is due (UINT64_MAX: none). */
uint64_t discover_next_ns(struct aoe_engine *e);
bool discover_any_dev_in(const struct aoe_engine *e, enum aoe_dev_state state);

#endif /* AOE_ENGINE_PRIV_H */

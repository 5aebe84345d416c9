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
	uint32_t max_sect;	/* sectors per frame on this path */
	uint64_t frames;
};

struct aoe_target {
	struct aoe_dev *dev;
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
	bool tainted;
	bool probe_out;
	uint64_t next_probe_ns;
	uint64_t last_heard_ns;
	struct aoe_target_stats st;
};

struct aoe_dev {
	struct aoe_engine *eng;
	struct list_node node;	/* eng->devs */
	uint16_t shelf;
	uint8_t slot;
	char name[AOE_NAME_LEN];
	enum aoe_dev_state state;
	const char *why;	/* what made it DOWN or FAILED */
	struct ata_identity id;
	bool identified;	/* id is valid (kept while DOWN) */
	char config[AOE_CFG_STR_MAX + 1];
	struct aoe_target *targets[AOE_MAX_TARGETS];
	unsigned int ntargets;
	unsigned int next_target;
	struct list_node pending;	/* requests with units left to frame */
	struct list_node resend;	/* frames waiting to be sent again */
	struct frame_pool pool;
	struct aoe_req identify_req;
	uint8_t identify_buf[ATA_SECTOR_SIZE];
	struct aoe_dev_stats st;
};

#define dev_for_each_target(d, i, t) \
	for ((i) = 0; (i) < (d)->ntargets && ((t) = (d)->targets[i]); (i)++)

struct aoe_frame {
	uint32_t tag;		/* 0 when free */
	uint32_t prev_tag;	/* the tag before the last retransmit */
	uint32_t gen;		/* tag generation, kept across reuse */
	struct aoe_target *prev_t;	/* and where it went */
	uint64_t prev_sent_ns;		/* and when */
	struct aoe_req *req;	/* NULL for a probe */
	struct aoe_path *path;
	struct list_node node;	/* target->inflight, or dev->resend */
	uint64_t lba;
	uint32_t off;		/* into req->buf, bytes */
	uint16_t nsect;
	uint8_t ata_cmd;
	uint8_t retries;
	bool probe;
	bool queued;		/* on dev->resend, not in flight */
	uint64_t sent_ns;
	uint64_t first_ns;
	uint64_t deadline_ns;
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

struct aoe_engine {
	struct engine_config cfg;
	struct engine_hooks hooks;
	struct io_uring ring;
	bool ring_ok;
	struct aoe_iface *ifaces[POOL_MAX_IFACES];
	struct engine_xsk_event xsk_events[POOL_MAX_IFACES][AOE_XDP_MAX_QUEUES];
	struct list_node devs;
	struct frame_table ft;
	uint64_t now_ns;
	uint64_t rng;
	uint32_t disc_tags[2];		/* current and previous discovery */
	uint64_t next_discover_ns;
	uint64_t last_discover_ns;
	uint64_t next_timer_ns;
	uint64_t wake_ns;		/* engine_wake_at(), UINT64_MAX for none */
	bool stop;
	int stop_signal;		/* what stopped us, 0 for none */
	int sigfd;
	struct engine_event sig_ev;
	struct engine_rx_stats rx;
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
void path_update_max_sect(struct aoe_path *p);
bool target_usable(const struct aoe_target *t);
/* True when another target than t can take d's frames. */
bool dev_has_other_target(const struct aoe_dev *d, const struct aoe_target *t);
/* The path the next frame goes out on, or NULL (no window anywhere). */
struct aoe_path *dev_pick_path(struct aoe_dev *d, bool need_window,
			       const struct aoe_target *avoid);
void dev_go_down(struct aoe_dev *d, const char *why);
void dev_forget_iface(struct aoe_dev *d, struct aoe_iface *ifc);
/* All targets start afresh when a device comes back. */
void dev_reset_targets(struct aoe_dev *d);

/* aoe_io.c */
int frame_table_init(struct frame_table *ft, uint32_t n);
void frame_table_fini(struct frame_table *ft);
void aoe_io_submit(struct aoe_dev *d, struct aoe_req *req);
void aoe_io_rx_ata(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v,
		   const struct rx_frame *fr);
void aoe_io_pump(struct aoe_dev *d);
/* Runs timeouts, probes; returns the next deadline (ns). */
uint64_t aoe_io_timers(struct aoe_engine *e);
/* Frames in flight through ifc go back to be sent on another path. */
void aoe_io_requeue_iface(struct aoe_dev *d, const struct aoe_iface *ifc);
/* Ends every frame and request of d with res. */
void aoe_io_fail_all(struct aoe_dev *d, int res);

/* discover.c */
void discover_broadcast(struct aoe_engine *e);
void discover_on_config(struct aoe_engine *e, struct aoe_iface *ifc, const struct aoe_view *v);
void discover_identify(struct aoe_dev *d);
/* When the next discovery broadcast is due (UINT64_MAX: none). */
uint64_t discover_next_ns(struct aoe_engine *e);
bool discover_any_dev_in(const struct aoe_engine *e, enum aoe_dev_state state);

#endif /* AOE_ENGINE_PRIV_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine: one thread, one io_uring, everything reachable from it.
 *
 * Objects mirror the kernel aoe driver's so its readers feel at home:
 *   aoe_dev     shelf.slot: capacity, identity, pending requests, frame pool
 *   aoe_target  one remote MAC serving a device: window, RTT, taint
 *   aoe_path    a target as reached through one interface (and VLAN)
 *   aoe_frame   one AoE command in flight: tag, path, timers, its request
 *   aoe_req     a block request from a front end (FUSE, ublk, bench)
 */
#ifndef AOE_ENGINE_H
#define AOE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <liburing.h>

#include "proto/aoe_codec.h"
#include "proto/ata_identify.h"
#include "xdp/frame_pool.h"
#include "xdp/iface.h"
#include "lib/list.h"
#include "window.h"

#define AOE_MAX_TARGETS		8	/* per device */
#define AOE_MAX_PATHS		8	/* per target */
#define AOE_NAME_LEN		16	/* "e65534.254" */
#define ENGINE_MAX_FRAMES	8192	/* frames in flight over all devices */
#define TAINT_TIMEOUTS		3	/* consecutive timeouts that taint a target */
#define PROBE_INTERVAL_NS	500000000ull
#define DEAD_TIMEOUT_DEFAULT_S	180
#define REDISCOVER_DEFAULT_S	60
/* While a device is down, look for its targets this often. */
#define DOWN_REDISCOVER_NS	(2 * NSEC_PER_SEC)
#define NSEC_PER_SEC		1000000000ull
#define NSEC_PER_MSEC		1000000ull
#define NSEC_PER_USEC		1000ull

struct aoe_engine;
struct aoe_dev;
struct aoe_target;

enum aoe_req_op {
	AOE_OP_READ,
	AOE_OP_WRITE,
	AOE_OP_FLUSH,
	AOE_OP_IDENTIFY,	/* buf: 512 bytes */
};

struct aoe_req {
	enum aoe_req_op op;
	uint64_t lba;		/* in 512-byte sectors */
	uint32_t nsect;
	uint8_t *buf;
	/* Called once, from the engine loop: res is 0 or -errno. */
	void (*done)(struct aoe_req *req, int res);
	void *priv;

	/* Engine-owned from engine_submit() to done(). */
	struct aoe_dev *dev;
	struct list_node node;	/* dev->pending while units remain unframed */
	uint32_t units;		/* sectors, or 1 for flush/identify */
	uint32_t framed;	/* units handed to frames */
	uint32_t inflight;	/* frames not finished */
	int status;
	uint64_t start_ns;
};

struct aoe_path {
	struct aoe_target *t;
	struct aoe_iface *ifc;	/* NULL once the interface is detached */
	uint16_t vlan;
	bool has_vlan;
	struct txpool tx;	/* this path's own TX chunks (window-sized) */
	uint32_t max_sect;	/* sectors per frame on this path */
	uint64_t frames;
};

struct aoe_target_stats {
	uint64_t frames;
	uint64_t retransmits;
	uint64_t timeouts;
	uint64_t errors;	/* error responses (AoE E flag or ATA status) */
	uint64_t false_alarms;	/* timeouts whose first answer came after all */
	uint64_t probes;
};

struct aoe_target {
	struct aoe_dev *dev;
	uint8_t mac[6];
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

enum aoe_dev_state {
	DEV_NEW,		/* heard of, not identified yet */
	DEV_IDENTIFYING,
	DEV_UP,
	DEV_DOWN,		/* dead timeout passed; I/O fails at once */
	DEV_FAILED,		/* IDENTIFY failed */
};

struct aoe_dev_stats {
	uint64_t requests;
	uint64_t frames;
	uint64_t errors;	/* requests failed */
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t flushes;
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
	void *export;		/* the front end's handle */
};

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

/* Why received frames were dropped; all counted, none acted on. */
struct engine_rx_stats {
	uint64_t frames;
	uint64_t malformed;	/* did not decode */
	uint64_t not_response;
	uint64_t wrong_dst;	/* not addressed to this interface */
	uint64_t bad_tag;	/* not a tag we ever used */
	uint64_t late;		/* a tag retransmitted or finished already */
	uint64_t bad_src;	/* right tag, wrong source MAC */
	uint64_t bad_addr;	/* right tag, wrong shelf.slot */
	uint64_t bad_cmd;
	uint64_t bad_len;
	uint64_t wrong_iface;
	uint64_t config;	/* config answers */
	uint64_t config_bad;	/* config answers we refused */
};

struct engine_config {
	enum aoe_xdp_mode mode;
	uint32_t pool_max;
	uint32_t dead_timeout_s;	/* 0: never give up */
	uint32_t rto_min_us;
	uint32_t rto_max_us;
	uint32_t tx_chunks;		/* per interface */
	uint32_t rediscover_s;		/* 0: only on demand */
	uint32_t busy_poll_us;		/* spin this long for answers before sleeping */
};

struct engine_hooks {
	void *ctx;
	/* A device finished IDENTIFY (first time, or back from DOWN). */
	void (*dev_up)(void *ctx, struct aoe_dev *d);
	/* A device went DOWN: its I/O is failing. */
	void (*dev_down)(void *ctx, struct aoe_dev *d);
};

/* Anything the loop waits on: user_data of its SQEs points here. */
struct engine_event {
	void (*fn)(struct engine_event *ev, const struct io_uring_cqe *cqe);
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
	bool stop;
	int stop_signal;		/* what stopped us, 0 for none */
	int sigfd;
	struct engine_event sig_ev;
	struct engine_rx_stats rx;
};

void engine_config_defaults(struct engine_config *cfg);
int engine_init(struct aoe_engine *e, const struct engine_config *cfg,
		const struct engine_hooks *hooks);
/* Fails whatever is still in flight with -ESHUTDOWN, then frees it all. */
void engine_fini(struct aoe_engine *e);
/* Takes every device down without hooks and fails all of its I/O with
 * -EIO: the first step of a shutdown, before the front ends go. */
void engine_fail_all_io(struct aoe_engine *e);

int engine_add_iface(struct aoe_engine *e, const char *name);
int engine_del_iface(struct aoe_engine *e, const char *name);
struct aoe_iface *engine_find_iface(struct aoe_engine *e, const char *name);
unsigned int engine_iface_count(const struct aoe_engine *e);

/* One pass of the loop: waits at most max_wait_ns for something to do. */
int engine_run_once(struct aoe_engine *e, uint64_t max_wait_ns);
/* Multishot poll of fd; ev->fn runs for each readiness. */
int engine_watch_fd(struct aoe_engine *e, struct engine_event *ev, int fd,
		    unsigned int poll_mask);
struct io_uring_sqe *engine_get_sqe(struct aoe_engine *e);
/* Cancels whatever the ring still holds for ev and drops its completions:
 * call before freeing ev. */
void engine_forget_event(struct aoe_engine *e, struct engine_event *ev);
/* SIGINT, SIGTERM and SIGHUP set e->stop instead of killing the process,
 * so the XDP program and pins are always cleaned up. */
int engine_watch_signals(struct aoe_engine *e);
uint64_t engine_now(void);
uint32_t engine_random(struct aoe_engine *e);

/* Broadcasts a config query on every interface. */
void engine_discover(struct aoe_engine *e);
struct aoe_dev *engine_find_dev(struct aoe_engine *e, uint16_t shelf, uint8_t slot);
struct aoe_dev *engine_find_dev_name(struct aoe_engine *e, const char *name);
/* True while a device is waiting for its IDENTIFY. */
bool engine_identifying(const struct aoe_engine *e);

/* Queues a request; done() is called later (or at once on a dead device). */
void engine_submit(struct aoe_engine *e, struct aoe_dev *d, struct aoe_req *req);

const char *dev_state_str(enum aoe_dev_state s);
static inline uint64_t dev_bytes(const struct aoe_dev *d)
{
	return d->id.sectors * ATA_SECTOR_SIZE;
}
/* Payload bytes per frame: the best path of any target. */
uint32_t dev_payload(const struct aoe_dev *d);

#endif /* AOE_ENGINE_H */

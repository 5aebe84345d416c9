/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's public face: what front ends (exports, the daemon, the
 * commands) may use. One thread, one io_uring, everything reachable from
 * it; nothing here may be called from another thread.
 *
 * The engine turns block requests (struct aoe_req) into AoE frames for a
 * device (shelf.slot), spreads them over the device's targets (remote MACs)
 * and interfaces, retransmits what is lost, and calls each request's done()
 * once. Its objects are opaque: read them through the functions below.
 * engine_priv.h holds the internals, for the engine's own files and its
 * unit tests only.
 */
#ifndef AOE_ENGINE_H
#define AOE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include <liburing.h>

#include "aoe_wire.h"
#include "lib/clock.h"
#include "lib/list.h"
#include "proto/ata_identify.h"

#define AOE_NAME_LEN		16	/* "e65534.254" */
#define AOE_MAX_TARGETS		8	/* per device */
#define AOE_MAX_PATHS		8	/* per target */

struct aoe_engine;
struct aoe_dev;
struct aoe_iface;
struct engine_config;

/* --- requests ------------------------------------------------------------- */

enum aoe_req_op {
	AOE_OP_READ,
	AOE_OP_WRITE,
	AOE_OP_FLUSH,
	AOE_OP_IDENTIFY,	/* buf: 512 bytes */
};

/* When a frame went out (stages.c): a request keeps those of its frame
 * answered last. */
struct frame_send_times {
	uint64_t first_tx_ns;	/* first put on the TX ring */
	uint64_t tx_ns;		/* put on the TX ring, last time */
	uint64_t kick_start_ns;	/* the TX kick that sent it began */
	uint64_t kick_ns;	/* and ended; 0: none needed */
};

struct aoe_req {
	enum aoe_req_op op;
	uint64_t lba;		/* in 512-byte sectors */
	uint32_t nsect;
	uint8_t *buf;
	/* Called once, from the engine loop: res is 0 or -errno. */
	void (*done)(struct aoe_req *req, int res);
	void *priv;
	/* When the request reached user space (engine_now() of the pass that
	 * read it, e.g. ublk's FETCH completion), 0 when the front end has no
	 * such moment: the front-end stage runs from there to engine_submit(). */
	uint64_t arrive_ns;

	/* Engine-owned from engine_submit() to done(): do not touch. */
	struct aoe_dev *dev;
	struct list_node node;	/* dev->pending while units remain unframed */
	struct list_node wnode;	/* dev->writes while a write is not complete */
	uint32_t units;		/* sectors, or 1 for flush/identify */
	uint32_t framed;	/* units handed to frames */
	uint32_t inflight;	/* frames not finished */
	int status;
	uint64_t start_ns;
	uint64_t wseq;		/* a write's version: submission order */
	/* Stage boundaries (stages.c); those of the frame answered last. */
	uint64_t sub_ns;	/* engine_submit() */
	struct frame_send_times sent;
	uint64_t rx_ns;		/* its answer read from the RX ring */
	uint64_t done_ns;	/* done() called (for the front end's commit) */
	bool internal;		/* the engine's own (rewrites, their flushes) */
	bool guard_redo;	/* an older copy landed over it: send it again */
};

/* Clears req and fills in what every request needs. */
static inline void aoe_req_prep(struct aoe_req *req, enum aoe_req_op op, uint64_t lba,
				uint32_t nsect, uint8_t *buf,
				void (*done)(struct aoe_req *, int), void *priv)
{
	*req = (struct aoe_req){ .op = op, .lba = lba, .nsect = nsect, .buf = buf,
				 .done = done, .priv = priv };
}

/* --- the loop --------------------------------------------------------------- */

/* What the engine tells its owner about devices. */
struct engine_hooks {
	void *ctx;
	/* A device finished IDENTIFY (first time, or back from DOWN). */
	void (*dev_up)(void *ctx, struct aoe_dev *d);
	/* A device went DOWN: its I/O is failing. */
	void (*dev_down)(void *ctx, struct aoe_dev *d);
	/* A device's disk changed on purpose (revalidate): size, flush. */
	void (*dev_changed)(void *ctx, struct aoe_dev *d);
};

/* Anything the loop waits on: user_data of its SQEs points here. */
struct engine_event {
	void (*fn)(struct engine_event *ev, const struct io_uring_cqe *cqe);
};

int engine_create(const struct engine_config *cfg, const struct engine_hooks *hooks,
		  struct aoe_engine **out);
/* Fails whatever is still in flight with -ESHUTDOWN, then frees it all. */
void engine_destroy(struct aoe_engine *e);
/* Takes every device down without hooks and fails all of its I/O with
 * -EIO: the first step of a shutdown, before the front ends go. */
void engine_fail_all_io(struct aoe_engine *e);

/* One pass of the loop: waits at most max_wait_ns for something to do. */
int engine_run_once(struct aoe_engine *e, uint64_t max_wait_ns);
/* The loop's clock: read once per pass, so one pass sees one time. */
uint64_t engine_now(const struct aoe_engine *e);
uint32_t engine_random(struct aoe_engine *e);
/* One-shot poll of fd: ev->fn runs once it is ready; -EBUSY: ring full. */
int engine_poll_fd(struct aoe_engine *e, struct engine_event *ev, int fd,
		   unsigned int poll_mask);
/* Multishot poll of fd; ev->fn runs for each readiness. */
int engine_watch_fd(struct aoe_engine *e, struct engine_event *ev, int fd,
		    unsigned int poll_mask);
/* The next pass waits no later than at_ns (engine_now()'s clock). One-shot:
 * the pass that starts waiting consumes it, so a front end with time-driven
 * work (a state with a deadline) asks again from its tick as long as it
 * needs to. Its completions are what wake the loop otherwise. */
void engine_wake_at(struct aoe_engine *e, uint64_t at_ns);
/* A zeroed (128-byte) SQE of the engine's ring, or NULL when it is full. */
struct io_uring_sqe *engine_get_sqe(struct aoe_engine *e);
/* Cancels whatever the ring still holds for ev and drops its completions:
 * call before freeing ev. */
void engine_forget_event(struct aoe_engine *e, struct engine_event *ev);
/* SIGINT, SIGTERM and SIGHUP stop the loop instead of killing the process,
 * so the XDP program and pins are always cleaned up. */
int engine_watch_signals(struct aoe_engine *e);
void engine_stop(struct aoe_engine *e);
bool engine_stopping(const struct aoe_engine *e);
/* The signal that stopped the loop, 0 for none. */
int engine_stop_signal(const struct aoe_engine *e);

/* --- interfaces ------------------------------------------------------------- */

int engine_add_iface(struct aoe_engine *e, const char *name);
int engine_del_iface(struct aoe_engine *e, const char *name);
bool engine_has_iface(const struct aoe_engine *e, const char *name);
unsigned int engine_iface_count(const struct aoe_engine *e);
/* The interface in table slot i (NULL when empty), for reports. */
struct aoe_iface *engine_iface_at(const struct aoe_engine *e, unsigned int i);
#define ENGINE_MAX_IFACES	8

/* --- devices ---------------------------------------------------------------- */

/* Broadcasts a config query on every interface. */
void engine_discover(struct aoe_engine *e);
/* True while a device is waiting for its IDENTIFY. */
bool engine_identifying(const struct aoe_engine *e);
struct aoe_dev *engine_find_dev(struct aoe_engine *e, uint16_t shelf, uint8_t slot);
struct aoe_dev *engine_find_dev_name(struct aoe_engine *e, const char *name);
/* Devices in shelf.slot order. */
struct aoe_dev *engine_first_dev(const struct aoe_engine *e);
struct aoe_dev *engine_next_dev(const struct aoe_engine *e, const struct aoe_dev *d);
#define engine_for_each_dev(e, d) \
	for ((d) = engine_first_dev(e); (d); (d) = engine_next_dev((e), (d)))

/* Accepts whatever disk the targets of d now serve (aoetools'
 * aoe-revalidate): the next IDENTIFY answer becomes its identity. */
int engine_revalidate(struct aoe_engine *e, struct aoe_dev *d);

/* Queues a request; done() is called later (or at once on a dead device). */
void engine_submit(struct aoe_engine *e, struct aoe_dev *d, struct aoe_req *req);

enum aoe_dev_state {
	DEV_NEW,		/* heard of, not identified yet */
	DEV_IDENTIFYING,
	DEV_UP,
	DEV_DOWN,		/* dead timeout passed; I/O fails at once */
	DEV_FAILED,		/* IDENTIFY failed */
};

const char *aoe_dev_state_name(enum aoe_dev_state s);
const char *aoe_dev_name(const struct aoe_dev *d);
uint16_t aoe_dev_shelf(const struct aoe_dev *d);
uint8_t aoe_dev_slot(const struct aoe_dev *d);
enum aoe_dev_state aoe_dev_state(const struct aoe_dev *d);
/* What made it DOWN or FAILED, or NULL. */
const char *aoe_dev_why(const struct aoe_dev *d);
/* The disk as IDENTIFY described it, or NULL before the first answer. */
const struct ata_identity *aoe_dev_identity(const struct aoe_dev *d);
uint64_t aoe_dev_bytes(const struct aoe_dev *d);
/* Payload bytes per frame: the best path of any target. */
uint32_t aoe_dev_payload(const struct aoe_dev *d);
/* True when the disk has a write cache the engine can flush. */
bool aoe_dev_can_flush(const struct aoe_dev *d);

/* --- counters, for reports ---------------------------------------------------- */

struct aoe_dev_stats {
	uint64_t requests;
	uint64_t frames;
	uint64_t errors;	/* requests failed */
	uint64_t read_bytes;
	uint64_t write_bytes;
	uint64_t flushes;
};

struct aoe_pool_stats {
	uint32_t size, cap, high_water, held;
	uint64_t kicks;
};

/* The write guard (no acknowledged write rolled back): see guard.c. */
struct aoe_guard_stats {
	uint64_t rollbacks_caught;	/* old writes executed late over newer data */
	uint64_t rewrites;		/* sectors written again after that */
	uint64_t reads_served;		/* sectors read from the guard meanwhile */
	uint64_t given_up;		/* write copies no longer guarded (--write-guard) */
	uint64_t copies_lost;		/* copies shown lost on the way */
	uint64_t copies_dropped;	/* copies with no room on record */
	uint64_t held;			/* write completions that waited for room */
	uint64_t flushes_held;		/* flushes that waited for rewrites */
};

struct aoe_dev_info {
	char name[AOE_NAME_LEN];
	uint16_t shelf;
	uint8_t slot;
	enum aoe_dev_state state;
	const char *why;
	bool left_out;			/* --only/--exclude leave it out (discover marks) */
	struct ata_identity id;		/* zeroed before the first IDENTIFY */
	uint64_t bytes;
	uint32_t payload;
	const char *config;		/* the config string, printable */
	unsigned int ntargets;
	struct aoe_dev_stats st;
	struct aoe_pool_stats pool;
	uint64_t retransmits;		/* over all targets */
	uint32_t in_doubt;		/* write copies a target may still execute */
	uint32_t guard_sectors;		/* newer data kept over them */
	struct aoe_guard_stats guard;
	uint64_t flushes_unsent;	/* no target would take them */
};

struct aoe_target_stats {
	uint64_t frames;
	uint64_t retransmits;
	uint64_t timeouts;
	uint64_t errors;	/* error responses (AoE E flag or ATA status) */
	uint64_t false_alarms;	/* timeouts whose first answer came after all */
	uint64_t overloads;	/* losses taken for overload: the window was cut */
	uint64_t early;		/* retransmits of frames passed over by later answers */
	uint64_t reordered;	/* early ones whose first answer came after all */
	uint64_t resplits;	/* frames cut to fit a path whose limit shrank */
	uint64_t probes;		/* IDENTIFY to a tainted target, or to settle copies */
	uint64_t identity_checks;	/* IDENTIFY to check it serves the device's disk */
};

/* One way to a target: an interface, what its frames carry. */
struct aoe_path_info {
	const char *iface;
	uint32_t sectors;		/* per frame, now */
	uint32_t pmtu_sectors;		/* the cap the path MTU learned, 0 none */
	uint64_t pmtu_falls;		/* times it fell back to smaller frames */
};

struct aoe_target_info {
	uint8_t mac[AOE_ETH_ALEN];
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t max_sectors;		/* per command, as advertised (0 read as 2) */
	bool tainted;
	bool no_flush;			/* refused FLUSH: gets none any more */
	const char *identity;		/* "ok", "unchecked", "refused", "unusable" */
	const char *id_diff;		/* how its disk differs, when refused */
	/* Quirks seen and tolerated, by name (NULL-terminated). */
	const char *quirks[4];
	uint32_t nout, maxout, ssthresh;	/* window */
	uint32_t srtt_us, rttvar_us, rto_us;
	/* Interfaces it is reachable on, by name. */
	const char *ifaces[AOE_MAX_PATHS];
	unsigned int nifaces;
	struct aoe_path_info paths[AOE_MAX_PATHS];
	unsigned int npaths;
	struct aoe_target_stats st;
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
	uint64_t bad_echo;	/* right tag, but not the LBA or direction asked */
	uint64_t wrong_iface;
	uint64_t config;	/* config answers */
	uint64_t config_bad;	/* config answers we refused */
	uint64_t config_hint;	/* unsolicited ones from known targets */
};

/* What the bounds on state kept (limits.c, select.c) turned away or freed. */
struct engine_limit_stats {
	uint64_t excluded;		/* config answers --only/--exclude leave out */
	uint64_t devices_capped;	/* new shelf.slots past --max-devices */
	uint64_t targets_capped;	/* new targets past --max-targets */
	uint64_t paths_capped;		/* new paths past --max-paths */
	uint64_t path_umem_short;	/* paths without TX chunks of their own */
	uint64_t ctl_umem_short;	/* control frames the reserve could not send */
	uint64_t unidentified_forgotten;	/* devices without identity, freed */
	uint64_t gone_forgotten;	/* devices not heard from, freed */
	uint64_t targets_forgotten;	/* targets out of service, not heard from */
	uint64_t spares_returned;	/* spare TX chunks back to the UMEM */
	uint64_t devices;		/* kept now */
};

/* What the event loop costs, counted on the way (cheap enough to keep on):
 * per request, divide by the devices' requests. */
struct engine_loop_stats {
	uint64_t passes;	/* loop passes */
	uint64_t sleeps;	/* io_uring_enter calls that may sleep: wake-ups */
	uint64_t submits;	/* io_uring_enter calls that only submitted */
	uint64_t early_commits;	/* of those: commits sent before a TX kick */
	uint64_t spins;		/* busy polls that found work (no sleep) */
	uint64_t spin_misses;	/* busy polls that gave up, then slept */
	uint64_t copies;	/* payload copies between requests and frames */
	uint64_t copy_bytes;
};

/*
 * Where a request's time goes (stages.c), counted on every request that
 * was answered: each stage ends where the next begins, so the stages of a
 * request add up to its time from arrival to commit.
 */
enum engine_stage {
	STAGE_FRONT,		/* arrived in user space -> engine_submit() */
	STAGE_QUEUE,		/* submitted -> its frame on the TX ring (window, chunks) */
	STAGE_RESEND,		/* first send -> the last one (loss, timeouts) */
	STAGE_TX,		/* on the TX ring -> the pass's kick begins (the rest of the pass) */
	STAGE_KICK,		/* the kick: the sendto calls that sent it */
	STAGE_WIRE,		/* sent -> its answer read from the RX ring */
	STAGE_COMPLETE,		/* answer read -> done() */
	STAGE_COMMIT,		/* done() -> its answer submitted to the kernel */
	ENGINE_STAGES,
};

struct engine_stage_stat {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
};

struct engine_stage_stats {
	struct engine_stage_stat st[ENGINE_STAGES];
};

/* "front", "queue", "resend", "tx", "kick", "wire", "complete", "commit". */
const char *engine_stage_name(enum engine_stage s);
const struct engine_stage_stats *engine_stage_stats(const struct aoe_engine *e);
/* A front end queued its answer to req (done() was called) on the
 * engine's ring: the commit stage lasts until the ring's next submit. */
void engine_commit_queued(struct aoe_engine *e, const struct aoe_req *req);

void aoe_dev_get_info(const struct aoe_dev *d, struct aoe_dev_info *out);
/* Target i of d: 0, or -ENOENT past the last one. */
int aoe_dev_get_target(const struct aoe_dev *d, unsigned int i, struct aoe_target_info *out);
const struct engine_rx_stats *engine_rx_stats(const struct aoe_engine *e);
const struct engine_limit_stats *engine_limit_stats(const struct aoe_engine *e);
const struct engine_loop_stats *engine_loop_stats(const struct aoe_engine *e);
/* Seconds between discovery broadcasts (0: only on demand). */
unsigned int engine_rediscover_s(const struct aoe_engine *e);

/* Config, MAC mask, reserve and IDENTIFY requests for a user; forgetting
 * a device. */
#include "engine_admin.h"

#endif /* AOE_ENGINE_H */

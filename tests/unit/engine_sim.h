/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated AoE network for the engine's unit tests and its fuzzer.
 *
 * The engine runs on simulated interfaces (iface_open_sim): every frame it
 * sends lands in a sink that keeps a copy (the "sent" queue) and owns the
 * frame's UMEM chunks until it hands them back, at once or when the test
 * says (slow completions). Fake targets (shelf.slot, MAC, buffer count,
 * sector count, a RAM disk) answer config queries, IDENTIFY, READ/WRITE
 * (LBA48 and LBA28) and FLUSH; a policy per target can drop, hold back
 * (delay, reorder, duplicate: the test releases held answers when and as
 * often as it likes) or rewrite (corrupt, error) any answer. Time is a
 * number the test advances: engine_step() runs the timers at that time.
 *
 * Nothing here uses Criterion: functions return 0/-errno or counts and
 * record broken invariants in the sim, so tests assert on them and the
 * fuzzer aborts on them.
 */
#ifndef AOE_ENGINE_SIM_H
#define AOE_ENGINE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine_priv.h"

#define SIM_MAX_IFACES		2
#define SIM_MAX_TARGETS		4
#define SIM_MAX_SEGS		XSK_MAX_SEGS
/* Largest frame anything here sends: a jumbo ATA frame with a VLAN tag. */
#define SIM_PKT_MAX		(AOE_ATA_HDR_LEN + AOE_VLAN_HLEN + \
				 AOE_JUMBO_SECTORS * ATA_SECTOR_SIZE)
/* Where the clock starts: far from 0, so no "0 means unset" can hide. */
#define SIM_T0_NS		(1000 * NSEC_PER_SEC)
/* A round trip of sim_serve(): small against the RTO floor. */
#define SIM_LATENCY_NS		(100 * NSEC_PER_USEC)
#define SIM_TX_CHUNKS		256	/* UMEM chunks per simulated interface */
#define SIM_RNG_SEED		0x5eed5eed1234abcdull
/* The wire's own loss draws (sim.loss_ppm): apart from the engine's. */
#define SIM_LOSS_SEED		0x10551055c0ffee11ull
#define SIM_PPM			1000000u

/* One frame on the simulated wire. */
struct sim_pkt {
	size_t len;
	unsigned int ifn;	/* the simulated interface it crossed */
	uint8_t buf[SIM_PKT_MAX];
};

struct sim;
struct sim_target;

enum sim_verdict {
	SIM_ANSWER,	/* deliver the answer (as the policy left it) */
	SIM_DROP,	/* the answer is lost */
	SIM_HOLD,	/* keep it: the test releases it with sim_release() */
};

/* Decides what becomes of the answer t built to req; it may rewrite rsp
 * (wrong MAC, error flag, ...) before it is delivered or held. */
typedef enum sim_verdict (*sim_policy_fn)(struct sim_target *t, const struct sim_pkt *req,
					  struct sim_pkt *rsp, void *ctx);

struct sim_target_counts {
	unsigned int cfg, identify, read, write, flush, other;
};

struct sim_target {
	struct sim *sim;
	uint16_t shelf;
	uint8_t slot;
	uint8_t mac[AOE_ETH_ALEN];
	uint16_t bufcnt;
	uint16_t fwver;
	uint8_t scnt;		/* sectors per command it advertises (0 = 2) */
	unsigned int ifmask;	/* simulated interfaces it is on (bit per index) */
	uint64_t sectors;	/* capacity IDENTIFY reports */
	/* RAM behind the first disk_sectors sectors; past them a sector reads
	 * as sim_pattern() and writes are counted but not kept, so LBAs near
	 * 2^28 and 2^48 can be tested without the memory. */
	uint32_t disk_sectors;
	uint8_t *disk;		/* what was written; read with sim_target_sector() */
	uint8_t *written;	/* per sector: disk holds it */
	uint8_t identify[ATA_SECTOR_SIZE];
	bool silent;		/* answers nothing at all (dead, unplugged) */
	sim_policy_fn policy;	/* NULL: answer everything */
	void *policy_ctx;
	struct sim_target_counts n;	/* requests it served */
};

/* A request the sim submitted and tracks (done at most once, checked). */
struct sim_req {
	struct aoe_req req;
	struct sim *sim;
	unsigned int id;
	unsigned int ndone;
	int res;
	uint64_t done_ns;	/* the sim's clock when it was done */
	uint8_t *buf;		/* nsect sectors (512 for IDENTIFY) */
};

struct sim_queue {
	struct sim_pkt **p;
	unsigned int n, cap;
};

/* A TX chunk the sink holds, as the kernel would until completion. */
struct sim_chunk {
	unsigned int ifn;
	uint64_t addr;
};

struct sim {
	struct aoe_engine *e;
	struct aoe_iface *ifc[SIM_MAX_IFACES];
	unsigned int nifaces;
	uint64_t now;
	uint64_t latency_ns;
	struct sim_target tgt[SIM_MAX_TARGETS];
	unsigned int ntargets;
	struct sim_queue sent;		/* frames the engine sent, oldest first */
	struct sim_queue held;		/* answers a policy held back */
	/* Random loss on the wire, in parts per million each way: a request
	 * lost before any target sees it, an answer lost after the target
	 * carried the command out. Drawn from a generator seeded with
	 * SIM_LOSS_SEED, so a run replays exactly. */
	uint32_t loss_req_ppm, loss_rsp_ppm;
	uint64_t loss_rng;
	uint64_t lost_req, lost_rsp;	/* frames the wire lost so far */
	/* TX chunks: held by the sink until sim_complete_tx() when hold_tx. */
	bool hold_tx;
	int tx_fail;			/* non-zero: the TX ring is "full", tx returns it */
	struct sim_chunk *chunks;
	unsigned int nchunks, chunk_cap;
	uint8_t *chunk_busy[SIM_MAX_IFACES];	/* per chunk: the sink holds it */
	uint64_t tx_frames;
	uint64_t unrouted;		/* frames no target took */
	/* A link on the way with a smaller MTU (a switch port left at 1500):
	 * frames either way longer than it allows vanish without a word.
	 * 0: none. */
	uint32_t wire_mtu[SIM_MAX_IFACES];
	uint64_t blackholed;		/* frames it swallowed */
	uint64_t oversize;		/* frames sent past the interface's own MTU */
	/* Requests the sim submitted. */
	struct sim_req **reqs;
	unsigned int nreqs, req_cap;
	/* What the engine's hooks reported. */
	unsigned int ups, downs;
	struct aoe_dev *last_up, *last_down;
	/* The first broken invariant (the engine's or the sim's own). */
	unsigned int violations;
	char why[256];
};

/* The engine's defaults with what a simulation wants: no periodic
 * discovery, short dead timeout, RTO between 20 ms and 1 s, few chunks. */
void sim_config_defaults(struct engine_config *cfg);
/* nifaces simulated interfaces of that MTU; frames: size of the engine's
 * frame table (0: the engine's own), small to make slots come round fast. */
int sim_create(struct sim **out, const struct engine_config *cfg, unsigned int nifaces,
	       uint32_t mtu, uint32_t frames);
/* Fails what is left, gives back held chunks, frees everything. */
void sim_destroy(struct sim *s);

/* A target with a RAM disk of min(sectors, 4096) sectors, on the
 * interfaces in ifmask; MAC 02:00:00:00:<shelf&0xff>:<n>. */
struct sim_target *sim_add_target(struct sim *s, uint16_t shelf, uint8_t slot,
				  uint16_t bufcnt, uint64_t sectors, unsigned int ifmask);
/* IDENTIFY without LBA48 and FLUSH CACHE EXT (an old disk): LBA28 I/O
 * and FLUSH CACHE (0xE7). */
void sim_target_lba28(struct sim_target *t);
/* IDENTIFY without any FLUSH support. */
/* IDENTIFY announces FLUSH CACHE EXT but not FLUSH CACHE. */
void sim_target_flush_ext_only(struct sim_target *t);
void sim_target_no_flush(struct sim_target *t);
/* What a sector past the RAM disk reads as. */
void sim_pattern(uint64_t lba, uint8_t out[ATA_SECTOR_SIZE]);
/* The bytes sector lba holds now (RAM or pattern). */
void sim_target_sector(const struct sim_target *t, uint64_t lba, uint8_t out[ATA_SECTOR_SIZE]);

/* --- time ------------------------------------------------------------------ */

/* One engine pass at the current time. */
void sim_step(struct sim *s);
/* Moves the clock on by ns and runs one pass. */
void sim_advance(struct sim *s, uint64_t ns);
/* Moves the clock on by ns in steps of at most step_ns, a pass each. */
void sim_run_for(struct sim *s, uint64_t ns, uint64_t step_ns);

/* --- frames ----------------------------------------------------------------- */

unsigned int sim_nsent(const struct sim *s);
struct sim_pkt *sim_sent_at(const struct sim *s, unsigned int i);
/* Takes the oldest sent frame off the queue (free it with free()). */
struct sim_pkt *sim_take_sent(struct sim *s);
void sim_drop_sent(struct sim *s);
/* The target frame p is addressed to on its interface (NULL: none). */
struct sim_target *sim_route(struct sim *s, const struct sim_pkt *p);
/* What t answers to req (its RAM disk changes for writes): 0, or -ENOENT
 * when req is nothing t answers. The policy is not consulted. */
int sim_target_answer(struct sim_target *t, const struct sim_pkt *req, struct sim_pkt *rsp);
/* Hands p to the engine as received on its interface, in n pieces of the
 * lengths given (the last takes what is left), each in its own allocation. */
void sim_deliver_pieces(struct sim *s, const struct sim_pkt *p, const size_t *len,
			unsigned int n);
/* The same cut in pieces of at most seg_max bytes (0: the AF_XDP limit). */
void sim_deliver_segs(struct sim *s, const struct sim_pkt *p, size_t seg_max);
void sim_deliver(struct sim *s, const struct sim_pkt *p);
/*
 * An engine pass (so what is waiting goes out), then rounds of: every
 * target answers every frame sent so far (through its policy), the clock
 * moves on by the latency, the answers arrive, the engine runs a pass.
 * Stops when nothing is sent or after max_rounds; returns the answers
 * delivered.
 */
unsigned int sim_serve_rounds(struct sim *s, unsigned int max_rounds);
unsigned int sim_serve(struct sim *s);
/* Answers held back by policies: count, peek, deliver (and forget), or
 * forget one or all (lost). */
unsigned int sim_nheld(const struct sim *s);
struct sim_pkt *sim_held_at(const struct sim *s, unsigned int i);
void sim_release(struct sim *s, unsigned int i);
void sim_forget_held(struct sim *s, unsigned int i);
void sim_drop_held(struct sim *s);

/* Broadcasts discovery and serves until shelf.slot is up (or not). */
struct aoe_dev *sim_attach(struct sim *s, uint16_t shelf, uint8_t slot);

/* Gives back the n oldest TX chunks the sink holds (all: UINT32_MAX). */
void sim_complete_tx(struct sim *s, unsigned int n);

/* --- frame fields, to read and to corrupt ------------------------------------ */

uint32_t sim_pkt_tag(const struct sim_pkt *p);
uint8_t sim_pkt_cmd(const struct sim_pkt *p);
/* 0 when p parses as ATA, with a filled in. */
int sim_pkt_ata(const struct sim_pkt *p, struct aoe_ata_view *a);
const uint8_t *sim_pkt_dst(const struct sim_pkt *p);
void sim_pkt_set_dst(struct sim_pkt *p, const uint8_t mac[AOE_ETH_ALEN]);
void sim_pkt_set_src(struct sim_pkt *p, const uint8_t mac[AOE_ETH_ALEN]);
void sim_pkt_set_addr(struct sim_pkt *p, uint16_t shelf, uint8_t slot);
void sim_pkt_set_cmd(struct sim_pkt *p, uint8_t cmd);
void sim_pkt_set_tag(struct sim_pkt *p, uint32_t tag);
/* AoE flags (response, error) and error code. */
void sim_pkt_set_flags(struct sim_pkt *p, uint8_t flags, uint8_t error);
/* The ATA status register of an answer. */
void sim_pkt_set_status(struct sim_pkt *p, uint8_t status);
/* Makes an answer an AoE error (flag and code), without data. */
void sim_pkt_make_aoe_error(struct sim_pkt *p, uint8_t error);
/* The ATA command of an ATA frame, or -1. */
int sim_pkt_ata_cmd(const struct sim_pkt *p);

/* --- requests ------------------------------------------------------------------ */

/* Submits a request for nsect sectors at lba with a buffer of its own
 * (a write's holds bytes no other request's do); NULL without memory. */
struct sim_req *sim_submit(struct sim *s, struct aoe_dev *d, enum aoe_req_op op,
			   uint64_t lba, uint32_t nsect);

/* Submits r again, as it was (its op, size and buffer), at lba; r must
 * be done. */
void sim_resubmit(struct sim *s, struct aoe_dev *d, struct sim_req *r, uint64_t lba);

/* --- a closed-loop load ------------------------------------------------------------ */

/*
 * qd requests of nsect sectors kept outstanding on d, as fio would: each one
 * done is submitted again at the next LBA (requests walk [0, span) in turn).
 * Each round the targets answer what was sent, the answers arrive
 * latency_ns later and the engine runs a pass; a round with nothing on
 * the wire just lets the clock run (timers). What the run saw is added up
 * here; the window is sampled each round on the device's first target.
 */
struct sim_load {
	enum aoe_req_op op;
	uint32_t nsect;
	unsigned int qd;
	uint64_t span;
	uint64_t slow_ns;	/* a request taking longer counts as slow */
	struct sim_req **slot;	/* qd requests, made by the first run */
	uint64_t next_lba;
	/* results, added up over runs */
	uint64_t done, failed, bad_data;
	uint64_t rounds, maxout_sum;
	uint32_t maxout_min, maxout_max;
	uint64_t slow, slow_ns_sum, lat_max_ns;
};

/* Runs l for ns of simulated time: done counts what completes meanwhile.
 * Then drains (no new requests) until every request is done or the dead
 * timeout had its chance. 0, or -ENOMEM. */
int sim_load_run(struct sim *s, struct aoe_dev *d, struct sim_load *l, uint64_t ns);
/* Its own bookkeeping (the requests are the sim's, freed with it). */
void sim_load_free(struct sim_load *l);

/* --- invariants ----------------------------------------------------------------- */

/*
 * Checks what must hold after any input: no request done twice; every
 * tracked request's in-flight count equals its frames in the table; each
 * target's window nout equals its frames in flight; every used frame is
 * in flight or queued for resend; each device's pool held count equals the
 * chunks of that device the sink holds. 0, or -EPROTO with s->why set.
 */
int sim_check(struct sim *s);
/* True when every tracked request was done exactly once. */
bool sim_all_done_once(const struct sim *s);

#endif /* AOE_ENGINE_SIM_H */

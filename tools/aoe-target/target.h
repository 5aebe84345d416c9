/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aoe-target: a fast AoE r11 target for tests and benchmarks, with
 * deterministic fault injection. One struct target owns everything; one
 * thread runs the event loop in main.c:
 *
 *   RX ring -> pause.c (queue while paused) -> proto.c (validate, address,
 *   mask) -> ata.c / config, mask, reserve -> respond.c (quirks: answer
 *   shape; faults: drop, dup, reorder, delay) -> sendmmsg
 */
#ifndef AOE_TARGET_H
#define AOE_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/log.h"
#include "proto/aoe_codec.h"
#include "backing.h"
#include "fault.h"
#include "hold.h"
#include "pktio.h"
#include "quirk.h"
#include "stats.h"

#define TGT_NAME		"aoe-target"
#define TGT_MAX_DEVS		64
#define TGT_MASK_MAX		64	/* MAC mask list entries per device */
#define TGT_RESERVE_MAX		64	/* reserve list entries per device */
#define TGT_HELD_MAX		65536	/* delayed + reordered + backlogged answers */
#define TGT_BUFCNT_DEFAULT	64
#define TGT_FWVER_DEFAULT	0x0001
#define TGT_SCNT_MAX		255	/* the config field is one byte */
#define TGT_SHELF_MAX		65534	/* 0xffff is the broadcast shelf */
#define TGT_SLOT_MAX		254	/* 0xff is the broadcast slot */
#define TGT_ID_MODEL		"aoe-xdp aoe-target"	/* IDENTIFY defaults */
#define TGT_ID_FIRMWARE		"0.1.0"
/*
 * Requests a pause queues before it drops the rest. vblade's socket buffer
 * (SO_RCVBUF = bufcnt 16 x MTU, doubled by the kernel, each frame charged
 * its skb truesize) holds about 20 full frames at MTU 1500, and the ~21 KB
 * of rolled-back writes measured in issue 9 is that many 2-sector frames.
 */
#define TGT_PAUSE_BACKLOG_DEFAULT	20

struct tgt_dev_spec {
	uint16_t shelf;
	uint8_t slot;
	const char *backing;	/* points into argv */
};

/* --mac-allow, given as often as there are initiators to answer. */
struct tgt_mac_list {
	uint8_t mac[TGT_MASK_MAX][AOE_ETH_ALEN];
	unsigned int n;
};

/* --pause-after, --pause-ms, --pause-backlog */
struct pause_cfg {
	uint64_t after;		/* ATA requests answered before the pause */
	int after_set;
	unsigned int ms;	/* 0: only SIGUSR1 ends a pause */
	unsigned int backlog;	/* requests queued during a pause, at most */
};

/* What IDENTIFY says; NULL: the defaults (serial eSHELF.SLOT). */
struct tgt_identity {
	const char *serial;
	const char *model;
	const char *firmware;
	int no_flush;		/* announce neither FLUSH CACHE nor FLUSH CACHE EXT */
};

/* Everything the command line says, checked, before anything is opened.
 * The fields options set have the types lib/cli.h gives each kind. */
struct tgt_options {
	const char *ifname;
	unsigned int bufcnt;
	unsigned int sectors;	/* 0: from the MTU */
	const char *config;
	unsigned int fwver;
	struct tgt_mac_list mac_allow;
	int read_only;
	int io_mode;		/* enum pkt_mode */
	const char *pidfile;
	const char *stats_file;
	int log_level;		/* enum log_level */
	struct fault_cfg faults;
	struct pause_cfg pause;
	struct tgt_identity ident;
	unsigned int quirks;	/* 1 << enum tgt_quirk, and TGT_QUIRK_HELP */
	struct tgt_dev_spec devs[TGT_MAX_DEVS];
	unsigned int ndevs;
};

struct tgt_dev {
	uint16_t shelf;
	uint8_t slot;
	struct backing store;
	uint64_t sectors;
	uint8_t identify[ATA_SECTOR_SIZE];
	char config[AOE_CFG_STR_MAX];
	uint16_t config_len;
	uint8_t masks[TGT_MASK_MAX][6];
	unsigned int nmasks;
	uint8_t reserve[TGT_RESERVE_MAX][6];
	unsigned int nreserve;
};

/*
 * A pause: the target takes requests in but neither executes nor answers
 * them, as a stopped process leaves them in its socket buffer, and on
 * resume executes them in arrival order. Unlike --stall-after, which
 * drops what comes: a paused target's old requests still run later (the
 * rollback hazard of issue 9). Held answers stay held until the resume.
 */
struct tgt_pause {
	bool active;
	bool after_armed;	/* --pause-after still to come */
	uint64_t ata_seen;	/* ATA requests taken in before it */
	uint64_t resume_ns;	/* --pause-ms deadline, or UINT64_MAX */
	struct held_fifo queue;	/* the requests, in arrival order */
};

struct target {
	struct tgt_options opt;
	struct pkt_io io;
	struct tgt_dev devs[TGT_MAX_DEVS];
	unsigned int ndevs;
	unsigned int scnt;		/* sectors per command we advertise */
	struct faults faults;
	struct tgt_pause pause;
	struct tgt_stats stats;
	struct held_heap delayed;
	struct held_fifo reordered;
	struct held_fifo backlog;	/* answers waiting for TX room */
	uint64_t held_seq;
	uint8_t *scratch;		/* frame_cap bytes: an answer with no TX buffer */
	uint8_t *dup_copy;		/* frame_cap bytes: the second copy of a dup */
	int sigfd;
	bool pidfile_written;
	bool quit;
	uint64_t now_ns;		/* CLOCK_MONOTONIC, once per loop turn */
	uint64_t last_rx_ns;		/* the last request */
	uint64_t busy_ns;		/* between requests less than TGT_IDLE_NS apart */
};

static inline bool quirk_on(const struct target *t, enum tgt_quirk q)
{
	return t->opt.quirks & 1u << q;
}

/* quirk_on(), counting one more answer the quirk shapes. */
static inline bool quirk_use(struct target *t, enum tgt_quirk q)
{
	if (!quirk_on(t, q))
		return false;
	t->stats.quirks[q]++;
	return true;
}

/* Ethernet (+VLAN) + AoE header of an answer addressed by a. */
static inline size_t tgt_hdr_len(const struct aoe_addr *a)
{
	return AOE_FULL_HDR_LEN + (a->has_vlan ? AOE_VLAN_HLEN : 0);
}

/* options.c: the command line, through lib/cli's table-driven parser. */
/* 0 to run, 1 when --help/--version was printed, -EINVAL after an error
 * message, -ENOMEM. */
int tgt_options_parse(struct tgt_options *o, int argc, char **argv);

/* files.c: writes path.tmp with fill(), then renames it to path. */
int tgt_write_file_atomic(const char *path, void (*fill)(FILE *out, const void *arg),
			  const void *arg);

/* proto.c: one received frame. */
void tgt_handle_frame(struct target *t, const uint8_t *frame, size_t len);
/* Whether the frame is an AoE request for one of our shelf.slots (what a
 * socket filter would let through); *cmd is its AoE command. */
bool tgt_is_request(const struct target *t, const uint8_t *frame, size_t len, uint8_t *cmd);
/* The config answer a target broadcasts when it starts (as vblade does). */
void tgt_announce(struct target *t);
bool tgt_mac_in(const uint8_t (*list)[6], unsigned int n, const uint8_t mac[6]);
/* Counts and logs a request that failed to decode; true when parse_rc != 0.
 * why is read only after the decoder has run (it is passed by address). */
bool tgt_rejected(struct target *t, int parse_rc, const char *const *why, const char *what);

/* ata.c: an ATA request for dev; faultable says whether faults apply. */
void tgt_handle_ata(struct target *t, const struct aoe_view *v, struct tgt_dev *dev);
/* The addressing of an answer to v from dev. */
void tgt_answer_addr(const struct target *t, const struct aoe_view *v,
		     const struct tgt_dev *dev, struct aoe_addr *a);

/* respond.c */
/* Where to build the next answer: frame_cap bytes. */
uint8_t *resp_buf(struct target *t);
/* Sends (or holds, per the faults) the len-byte answer built in buf. */
void resp_send(struct target *t, uint8_t *buf, size_t len, bool faultable);
/* resp_send() for an answer addressed by a, shaped by the quirks no-pad
 * (bare_len: its length before Ethernet padding) and err-hdr-only. */
void resp_answer(struct target *t, uint8_t *buf, size_t len, size_t bare_len,
		 const struct aoe_addr *a, bool faultable);
/* Releases held answers whose time has come. */
void resp_release_due(struct target *t);
/* Pushes queued frames to the kernel: 0, or -EAGAIN to wait for POLLOUT. */
int resp_flush(struct target *t);
/* The next time a held answer is due, or UINT64_MAX. */
uint64_t resp_next_due(const struct target *t);
void resp_free_held(struct target *t);

/* pause.c */
void pause_init(struct target *t);
/* A received request: true when the pause took it (queued, or dropped with
 * the queue full); false to handle it now. Starts --pause-after's pause. */
bool pause_intake(struct target *t, const uint8_t *frame, size_t len);
void pause_begin(struct target *t, const char *why);
/* Executes and answers the queued requests in order; forgets --pause-after. */
void pause_end(struct target *t, const char *why);
/* Ends a pause whose --pause-ms has run out. */
void pause_tick(struct target *t);
void pause_free(struct target *t);

#endif /* AOE_TARGET_H */

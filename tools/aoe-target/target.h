/* SPDX-License-Identifier: GPL-2.0 */
/*
 * aoe-target: a fast AoE r11 target for tests and benchmarks, with
 * deterministic fault injection. One struct target owns everything; one
 * thread runs the event loop in main.c:
 *
 *   RX ring -> proto.c (validate, address, mask) -> ata.c / config, mask,
 *   reserve -> respond.c (quirks: answer shape; faults: drop, dup,
 *   reorder, delay) -> sendmmsg
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
	const char *pidfile;
	const char *stats_file;
	int log_level;		/* enum log_level */
	struct fault_cfg faults;
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

struct target {
	struct tgt_options opt;
	struct pkt_io io;
	struct tgt_dev devs[TGT_MAX_DEVS];
	unsigned int ndevs;
	unsigned int scnt;		/* sectors per command we advertise */
	struct faults faults;
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

#endif /* AOE_TARGET_H */

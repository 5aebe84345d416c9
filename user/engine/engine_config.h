/* SPDX-License-Identifier: GPL-2.0 */
/* How an engine is set up (what `attach` and `discover` options decide),
 * and the defaults of each setting. */
#ifndef AOE_ENGINE_CONFIG_H
#define AOE_ENGINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "window.h"
#include "xdp/frame_pool.h"
#include "xdp/iface.h"
#include "xdp/xdp_prog.h"

#define DEAD_TIMEOUT_DEFAULT_S	180
#define REDISCOVER_DEFAULT_S	60
/* How long a write copy a target never answered stays guarded. */
#define WRITE_GUARD_DEFAULT_S	300
/* Newer data kept over writes in doubt, at most (MiB). */
#define GUARD_MB_DEFAULT	16
/* Devices kept at most: a large SAN's worth (the kernel driver has no cap;
 * a segment of forged config answers would make it keep thousands). */
#define MAX_DEVICES_DEFAULT	1024
/* A shelf.slot whose targets never answer IDENTIFY is forgotten after this. */
#define FORGET_UNIDENTIFIED_DEFAULT_S	120
/* A device nobody was given (not exported), or a target out of service,
 * not heard from for this long, is freed with its frames. */
#define FORGET_GONE_DEFAULT_S	600

/* --only / --exclude: shelf.slot ranges (select.c). */
#define SELECT_MAX_RANGES	64
struct aoe_select_range {
	uint16_t shelf_lo, shelf_hi;
	uint8_t slot_lo, slot_hi;
};

struct aoe_select {
	unsigned int n;
	struct aoe_select_range r[SELECT_MAX_RANGES];
};
/* A path that fell back to smaller frames (pmtu.c) tries a larger size
 * again this often. */
#define PMTU_PROBE_DEFAULT_S	600

struct engine_config {
	enum aoe_xdp_mode mode;
	uint32_t pool_max;
	uint32_t dead_timeout_s;	/* 0: never give up */
	uint32_t rto_min_us;
	uint32_t rto_max_us;
	uint32_t tx_chunks;		/* per interface */
	uint32_t rediscover_s;		/* 0: only on demand */
	uint32_t busy_poll_us;		/* spin this long for answers before sleeping */
	uint32_t write_guard_s;		/* see guard.c */
	uint32_t guard_sectors;		/* the guard's pool */
	uint32_t max_devices;
	uint32_t max_targets;		/* per device, at most AOE_MAX_TARGETS */
	uint32_t max_paths;		/* per target, at most AOE_MAX_PATHS */
	uint32_t forget_unidentified_s;	/* 0: never */
	uint32_t forget_gone_s;		/* 0: never */
	struct aoe_select only;		/* n == 0: every shelf.slot */
	struct aoe_select exclude;
	bool select_marks;		/* discover: keep all, mark what is left out */
	uint32_t pmtu_probe_s;		/* 0: a path that fell back stays there */
};

/*
 * Parses a --only/--exclude list: comma-separated shelf.slot (1.1), whole
 * shelves (3), slot ranges on a shelf (1.0-7), shelf ranges (2-4). Adds
 * to out. 0, or -EINVAL with what is wrong in why (why_len bytes).
 */
int aoe_select_parse(const char *list, struct aoe_select *out, char *why, size_t why_len);
bool aoe_select_has(const struct aoe_select *s, uint16_t shelf, uint8_t slot);
/* Whether an engine set up so keeps shelf.slot (attach would use it). */
bool engine_config_selects(const struct engine_config *cfg, uint16_t shelf, uint8_t slot);

void engine_config_defaults(struct engine_config *cfg);

#endif /* AOE_ENGINE_CONFIG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* How an engine is set up (what `attach` and `discover` options decide),
 * and the defaults of each setting. */
#ifndef AOE_ENGINE_CONFIG_H
#define AOE_ENGINE_CONFIG_H

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
	uint32_t pmtu_probe_s;		/* 0: a path that fell back stays there */
};

void engine_config_defaults(struct engine_config *cfg);

#endif /* AOE_ENGINE_CONFIG_H */

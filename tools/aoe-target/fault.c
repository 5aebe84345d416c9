// SPDX-License-Identifier: GPL-2.0
/* Fault decisions from per-fault splitmix64 streams. */
#include "fault.h"

#define NS_PER_MS		1000000ull
#define SPLITMIX_GAMMA		0x9e3779b97f4a7c15ull

static uint64_t splitmix64_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_next(uint64_t *state)
{
	*state += SPLITMIX_GAMMA;
	return splitmix64_mix(*state);
}

/* Uniform in [0, n) for small n; the modulo bias is below 2^-40. */
static uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return rng_next(state) % n;
}

void faults_init(struct faults *f, const struct fault_cfg *cfg)
{
	f->cfg = *cfg;
	for (int i = 0; i < FAULT_NSTREAMS; i++)
		f->rng[i] = splitmix64_mix(cfg->seed + (uint64_t)(i + 1) * SPLITMIX_GAMMA);
	f->ata_seen = 0;
	f->stalled = false;
}

bool faults_enabled(const struct fault_cfg *cfg)
{
	return cfg->drop_ppm || cfg->dup_ppm || cfg->reorder_ppm || cfg->ata_error_ppm ||
	       cfg->delay_ms || cfg->jitter_ms;
}

bool fault_roll(struct faults *f, enum fault_stream s, uint32_t ppm)
{
	if (!ppm)
		return false;
	return rng_below(&f->rng[s], FAULT_PPM_MAX) < ppm;
}

uint64_t fault_delay_ns(struct faults *f)
{
	int64_t ms = f->cfg.delay_ms;

	if (f->cfg.jitter_ms) {
		uint64_t span = 2ull * f->cfg.jitter_ms + 1;

		ms += (int64_t)rng_below(&f->rng[FAULT_DELAY], span) - f->cfg.jitter_ms;
	}
	return ms > 0 ? (uint64_t)ms * NS_PER_MS : 0;
}

unsigned int fault_reorder_depth(struct faults *f)
{
	return 1 + (unsigned int)rng_below(&f->rng[FAULT_REORDER_DEPTH], FAULT_REORDER_SPAN);
}

bool fault_stall_on_ata(struct faults *f)
{
	if (f->stalled)
		return true;
	f->ata_seen++;
	if (f->cfg.stall_after_set && f->ata_seen > f->cfg.stall_after)
		f->stalled = true;
	return f->stalled;
}

void fault_resume(struct faults *f)
{
	f->stalled = false;
	f->cfg.stall_after_set = 0;
}

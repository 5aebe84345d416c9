/* SPDX-License-Identifier: GPL-2.0 */
/* Criterion helpers shared by the engine tests that run on engine_sim. */
#ifndef AOE_SIM_ASSERT_H
#define AOE_SIM_ASSERT_H

#include <criterion/criterion.h>
#include <string.h>

#include "engine_sim.h"

#define MS	NSEC_PER_MSEC
#define SEC	NSEC_PER_SEC

/* A simulation with cfg (NULL: sim_config_defaults). */
static inline struct sim *sim_start(const struct engine_config *cfg, unsigned int nifaces,
				    uint32_t mtu, uint32_t frames)
{
	struct engine_config def;
	struct sim *s = NULL;
	int err;

	if (!cfg) {
		sim_config_defaults(&def);
		cfg = &def;
	}
	err = sim_create(&s, cfg, nifaces, mtu, frames);
	cr_assert_eq(err, 0, "sim_create: %s", strerror(-err));
	return s;
}

static inline struct aoe_dev *sim_attach_ok(struct sim *s, uint16_t shelf, uint8_t slot)
{
	struct aoe_dev *d = sim_attach(s, shelf, slot);

	cr_assert_not_null(d, "e%u.%u did not come up", shelf, slot);
	return d;
}

/* Every test ends here: the engine's invariants held throughout. */
static inline void sim_finish(struct sim *s)
{
	cr_assert_eq(sim_check(s), 0, "invariant broken: %s", s->why);
	sim_destroy(s);
}

static inline void expect_done(const struct sim_req *r, int res)
{
	cr_assert_eq(r->ndone, 1, "request %u done %u times", r->id, r->ndone);
	cr_assert_eq(r->res, res, "request %u ended with %d, not %d", r->id, r->res, res);
}

static inline void expect_pending(const struct sim_req *r)
{
	cr_assert_eq(r->ndone, 0, "request %u is done already (%d)", r->id, r->res);
}

/* A read's buffer holds what the target's disk holds. */
static inline void expect_disk_data(const struct sim_req *r, const struct sim_target *t)
{
	uint8_t want[ATA_SECTOR_SIZE];

	for (uint32_t i = 0; i < r->req.nsect; i++) {
		sim_target_sector(t, r->req.lba + i, want);
		cr_assert_eq(memcmp(r->buf + (size_t)i * ATA_SECTOR_SIZE, want, sizeof(want)), 0,
			     "request %u: sector %llu holds the wrong data", r->id,
			     (unsigned long long)(r->req.lba + i));
	}
}

/* The target's disk holds buf's nsect sectors at lba (a write landed). */
static inline void expect_disk_holds(const struct sim_target *t, uint64_t lba,
				     const uint8_t *buf, uint32_t nsect)
{
	uint8_t have[ATA_SECTOR_SIZE];

	for (uint32_t i = 0; i < nsect; i++) {
		sim_target_sector(t, lba + i, have);
		cr_assert_eq(memcmp(have, buf + (size_t)i * ATA_SECTOR_SIZE, sizeof(have)), 0,
			     "sector %llu of the disk is not what was written",
			     (unsigned long long)(lba + i));
	}
}

static inline struct aoe_target_info target_info(const struct aoe_dev *d, unsigned int i)
{
	struct aoe_target_info ti;

	cr_assert_eq(aoe_dev_get_target(d, i, &ti), 0);
	return ti;
}

/* The engine's index of sim target t in d (its MAC). */
static inline unsigned int target_index(const struct aoe_dev *d, const struct sim_target *t)
{
	struct aoe_target_info ti;

	for (unsigned int i = 0; aoe_dev_get_target(d, i, &ti) == 0; i++)
		if (!memcmp(ti.mac, t->mac, AOE_ETH_ALEN))
			return i;
	cr_assert_fail("target %02x not known to the engine", t->mac[5]);
	return 0;
}

/* Two targets of one disk (shelf.slot) on interface 0, attached, both
 * checked to serve it (so both take I/O). */
static inline struct aoe_dev *attach_two_targets(struct sim *s, uint16_t shelf, uint8_t slot,
						 uint16_t bufcnt, uint64_t sectors,
						 struct sim_target **a, struct sim_target **b)
{
	struct aoe_dev *d;
	struct aoe_target_info ti;
	unsigned int ok = 0;

	*a = sim_add_target(s, shelf, slot, bufcnt, sectors, 1);
	*b = sim_add_target(s, shelf, slot, bufcnt, sectors, 1);
	cr_assert(*a && *b);
	d = sim_attach_ok(s, shelf, slot);
	for (unsigned int round = 0; round < 10 && ok < 2; round++) {
		sim_serve(s);
		ok = 0;
		for (unsigned int i = 0; aoe_dev_get_target(d, i, &ti) == 0; i++)
			ok += !strcmp(ti.identity, "ok");
	}
	cr_assert_eq(ok, 2, "both targets checked");
	return d;
}

static inline enum sim_verdict policy_hold(struct sim_target *t, const struct sim_pkt *req,
					   struct sim_pkt *rsp, void *ctx)
{
	(void)t, (void)req, (void)rsp, (void)ctx;
	return SIM_HOLD;
}

static inline enum sim_verdict policy_drop(struct sim_target *t, const struct sim_pkt *req,
					   struct sim_pkt *rsp, void *ctx)
{
	(void)t, (void)req, (void)rsp, (void)ctx;
	return SIM_DROP;
}

#endif /* AOE_SIM_ASSERT_H */

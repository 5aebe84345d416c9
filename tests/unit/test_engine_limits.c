// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded state (engine/limits.c, select.c) on a simulated segment with a
 * forger on it: forged config answers (made-up MACs, any shelf.slot, the
 * broadcast query's tag, which anyone hears) are capped and cost no UMEM;
 * what never answers IDENTIFY, or goes silent, is freed; spares go back
 * after a burst; control frames have a reserve a full UMEM cannot take;
 * --only and --exclude keep nothing for what they leave out.
 */
#include "sim_assert.h"

#define SHELF	1
#define SLOT	1
#define SECTORS	2048

/* A config answer as a forger sends it: to our MAC, with the current
 * discovery tag, from MAC 02:f0:<n>, claiming shelf.slot and bufcnt 256. */
static void forge_config(struct sim *s, uint16_t shelf, uint8_t slot, uint32_t n)
{
	struct aoe_addr a = { .shelf = shelf, .slot = slot, .tag = s->e->disc_tags[0],
			      .flags = AOE_FLAG_RSP };
	struct aoe_cfg_args c = { .bufcnt = 256, .scnt = 2, .ccmd = AOE_CCMD_READ };
	struct sim_pkt *p = calloc(1, sizeof(*p));
	int len;

	cr_assert_not_null(p);
	memcpy(a.dst, s->ifc[0]->mac, AOE_ETH_ALEN);
	a.src[0] = 0x02;
	a.src[1] = 0xf0;
	a.src[3] = (uint8_t)(n >> 16);
	a.src[4] = (uint8_t)(n >> 8);
	a.src[5] = (uint8_t)n;
	len = aoe_build_cfg(p->buf, sizeof(p->buf), &a, &c);
	cr_assert_gt(len, 0);
	p->len = (size_t)len;
	p->ifn = 0;
	sim_deliver(s, p);
	free(p);
}

static struct sim *limits_sim(struct engine_config *cfg)
{
	struct sim *s = sim_start(cfg, 1, 1500, 0);

	engine_discover(s->e);
	sim_step(s);
	sim_drop_sent(s);
	return s;
}

Test(engine_limits, forged_answers_are_capped_and_take_no_umem)
{
	struct engine_config cfg;
	struct sim *s;
	uint32_t free0;

	sim_config_defaults(&cfg);
	cfg.max_devices = 16;
	s = limits_sim(&cfg);
	free0 = s->ifc[0]->umem.nfree;
	for (uint32_t i = 0; i < 3000; i++)
		forge_config(s, (uint16_t)(10 + i / 200), (uint8_t)(i % 200), i);
	sim_step(s);
	cr_assert_eq(engine_limit_stats(s->e)->devices, 16);
	cr_assert_eq(engine_limit_stats(s->e)->devices_capped, 3000 - 16);
	/* Their IDENTIFYs went out (from the reserve) and came back: no
	 * path took chunks for a target that never answered one. */
	cr_assert_geq(sim_nsent(s), 16);
	cr_assert_eq(s->ifc[0]->umem.nfree, free0, "forged paths hold %u chunks",
		     free0 - s->ifc[0]->umem.nfree);
	/* Targets and paths per device are capped too. */
	for (uint32_t i = 0; i < 20; i++)
		forge_config(s, 10, 0, 5000 + i);
	cr_assert_eq(engine_find_dev(s->e, 10, 0)->ntargets, AOE_MAX_TARGETS);
	cr_assert_eq(engine_limit_stats(s->e)->targets_capped, 20 - (AOE_MAX_TARGETS - 1));
	sim_finish(s);
}

Test(engine_limits, a_device_comes_back_with_the_umem_taken)
{
	struct sim *s = limits_sim(NULL);
	struct sim_target *t = sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	struct aoe_dev *d = sim_attach_ok(s, SHELF, SLOT);
	uint64_t addr;
	unsigned int taken = 0;

	/* The target restarts while other devices' traffic took every chunk
	 * a device may take. */
	t->silent = true;
	sim_submit(s, d, AOE_OP_READ, 0, 2);
	sim_run_for(s, 8 * SEC, 100 * MS);
	cr_assert_eq(aoe_dev_state(d), DEV_DOWN);
	while (!umem_chunk_get(&s->ifc[0]->umem, &addr))
		taken++;
	cr_assert_gt(taken, 0);
	t->silent = false;
	for (int i = 0; i < 50 && aoe_dev_state(d) != DEV_UP; i++) {
		sim_serve(s);
		sim_advance(s, 100 * MS);
	}
	cr_assert_eq(aoe_dev_state(d), DEV_UP, "the device did not come back: %s",
		     aoe_dev_why(d) ? aoe_dev_why(d) : "-");
	cr_assert_eq(engine_limit_stats(s->e)->ctl_umem_short, 0);
	sim_finish(s);
}

Test(engine_limits, what_never_answers_identify_is_forgotten)
{
	struct engine_config cfg;
	struct sim *s;
	struct aoe_dev *real;

	sim_config_defaults(&cfg);
	cfg.forget_unidentified_s = 10;
	s = limits_sim(&cfg);
	sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	real = sim_attach_ok(s, SHELF, SLOT);
	forge_config(s, 7, 7, 1);
	cr_assert_not_null(engine_find_dev(s->e, 7, 7));
	sim_run_for(s, 9 * SEC, 100 * MS);
	cr_assert_not_null(engine_find_dev(s->e, 7, 7), "forgotten too soon");
	sim_run_for(s, 3 * SEC, 100 * MS);
	cr_assert_null(engine_find_dev(s->e, 7, 7));
	cr_assert_eq(engine_limit_stats(s->e)->unidentified_forgotten, 1);
	cr_assert_eq(engine_limit_stats(s->e)->devices, 1);
	/* The device that was exported stays, however long it is quiet. */
	cr_assert_eq(engine_find_dev(s->e, SHELF, SLOT), real);
	sim_finish(s);
}

Test(engine_limits, a_silent_extra_target_is_freed_the_serving_one_kept)
{
	struct engine_config cfg;
	struct sim *s;
	struct aoe_dev *d;

	sim_config_defaults(&cfg);
	cfg.forget_gone_s = 20;
	cfg.dead_timeout_s = 0;
	s = limits_sim(&cfg);
	sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	d = sim_attach_ok(s, SHELF, SLOT);
	forge_config(s, SHELF, SLOT, 1);	/* a target that never answers IDENTIFY */
	cr_assert_eq(d->ntargets, 2);
	sim_run_for(s, 25 * SEC, 100 * MS);
	cr_assert_eq(d->ntargets, 1);
	cr_assert_eq(engine_limit_stats(s->e)->targets_forgotten, 1);
	cr_assert_eq(aoe_dev_state(d), DEV_UP);
	sim_finish(s);
}

Test(engine_limits, spares_go_back_after_a_burst)
{
	struct sim *s = limits_sim(NULL);
	struct aoe_dev *d;
	struct txpool empty = { 0 };
	uint64_t addr[32];
	uint32_t free0;

	sim_add_target(s, SHELF, SLOT, 8, SECTORS, 1);
	d = sim_attach_ok(s, SHELF, SLOT);
	free0 = s->ifc[0]->umem.nfree;
	/* A burst past the paths' own chunks: the pool grows. */
	for (unsigned int i = 0; i < 32; i++)
		cr_assert_eq(frame_pool_get(&d->pool, &empty, 0, &addr[i]), 0);
	for (unsigned int i = 0; i < 32; i++)
		frame_pool_complete(&s->ifc[0]->umem, addr[i]);
	cr_assert_eq(d->pool.size, 32);
	cr_assert_eq(s->ifc[0]->umem.nfree, free0 - 32);
	sim_run_for(s, 2 * POOL_SHRINK_NS + 2 * SEC, 500 * MS);
	cr_assert_eq(d->pool.size, 0);
	cr_assert_eq(s->ifc[0]->umem.nfree, free0);
	cr_assert_eq(engine_limit_stats(s->e)->spares_returned, 32);
	sim_finish(s);
}

Test(engine_limits, only_and_exclude_keep_nothing_for_what_they_leave_out)
{
	struct engine_config cfg;
	struct sim *s;
	char why[128];

	sim_config_defaults(&cfg);
	cr_assert_eq(aoe_select_parse("1.0-7,3", &cfg.only, why, sizeof(why)), 0);
	cr_assert_eq(aoe_select_parse("1.5", &cfg.exclude, why, sizeof(why)), 0);
	s = limits_sim(&cfg);
	for (uint32_t i = 0; i < 10; i++)
		forge_config(s, 1, (uint8_t)i, i);	/* 1.0-7 but 1.5: 7 kept */
	forge_config(s, 3, 200, 20);
	forge_config(s, 2, 0, 21);
	forge_config(s, 4, 0, 22);
	cr_assert_eq(engine_limit_stats(s->e)->devices, 8);
	cr_assert_eq(engine_limit_stats(s->e)->excluded, 5);
	cr_assert_null(engine_find_dev(s->e, 1, 5));
	cr_assert_null(engine_find_dev(s->e, 1, 8));
	cr_assert_not_null(engine_find_dev(s->e, 3, 200));
	sim_finish(s);
}

// SPDX-License-Identifier: GPL-2.0
/* engine_wake_at(): a front end's deadline ends the loop's wait, once. */
#include <criterion/criterion.h>

#include "engine/engine.h"
#include "engine/engine_config.h"

#define MS	1000000ull

static struct aoe_engine *eng;

static void setup(void)
{
	struct engine_config cfg;

	engine_config_defaults(&cfg);
	cfg.rediscover_s = 0;	/* no interface: nothing to discover */
	cr_assert_eq(engine_create(&cfg, NULL, &eng), 0, "engine_create (needs io_uring)");
	/* The first pass runs the timers at once; after it the engine has
	 * nothing due for about a second. */
	cr_assert_eq(engine_run_once(eng, 0), 0);
}

static void teardown(void)
{
	engine_destroy(eng);
}

/* How long one pass waited, given at most max_ns. */
static uint64_t pass_ms(uint64_t max_ns)
{
	uint64_t t0 = clock_now_ns();

	cr_assert_eq(engine_run_once(eng, max_ns), 0);
	return (clock_now_ns() - t0) / MS;
}

TestSuite(engine_wake, .init = setup, .fini = teardown);

Test(engine_wake, a_deadline_ends_the_wait)
{
	engine_wake_at(eng, engine_now(eng) + 20 * MS);
	/* Generous: other work on this machine may delay the wake-up. */
	cr_assert_lt(pass_ms(900 * MS), 600, "the pass should end near the 20 ms deadline");
}

Test(engine_wake, the_earliest_deadline_counts)
{
	engine_wake_at(eng, engine_now(eng) + 20 * MS);
	engine_wake_at(eng, engine_now(eng) + 5000 * MS);	/* later: changes nothing */
	cr_assert_lt(pass_ms(900 * MS), 600);
}

Test(engine_wake, a_deadline_is_used_once)
{
	engine_wake_at(eng, engine_now(eng) + 10 * MS);
	pass_ms(900 * MS);
	cr_assert_geq(pass_ms(200 * MS), 150, "the next pass must wait its whole time again");
}

Test(engine_wake, a_deadline_passed_already_means_no_wait)
{
	engine_wake_at(eng, engine_now(eng));
	cr_assert_lt(pass_ms(900 * MS), 600);
}

// SPDX-License-Identifier: GPL-2.0
/* --only / --exclude lists (engine/select.c): what each item keeps, and
 * every malformed or out-of-range list refused with a reason. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine_config.h"

static struct aoe_select parse_ok(const char *list)
{
	struct aoe_select s = { 0 };
	char why[128] = "";

	cr_assert_eq(aoe_select_parse(list, &s, why, sizeof(why)), 0, "'%s': %s", list, why);
	return s;
}

Test(select, items_keep_what_they_name)
{
	struct aoe_select s = parse_ok("1.1,3,1.4-7,10-12,65534.254");

	cr_assert_eq(s.n, 5);
	cr_assert(aoe_select_has(&s, 1, 1));
	cr_assert_not(aoe_select_has(&s, 1, 2));
	cr_assert_not(aoe_select_has(&s, 1, 3));
	cr_assert(aoe_select_has(&s, 1, 4));
	cr_assert(aoe_select_has(&s, 1, 7));
	cr_assert_not(aoe_select_has(&s, 1, 8));
	cr_assert(aoe_select_has(&s, 3, 0));
	cr_assert(aoe_select_has(&s, 3, 254));
	cr_assert_not(aoe_select_has(&s, 2, 0));
	cr_assert(aoe_select_has(&s, 10, 9));
	cr_assert(aoe_select_has(&s, 12, 200));
	cr_assert_not(aoe_select_has(&s, 13, 0));
	cr_assert(aoe_select_has(&s, 65534, 254));
}

Test(select, a_second_list_adds_and_exclude_wins)
{
	struct engine_config cfg;
	char why[128];

	engine_config_defaults(&cfg);
	cr_assert(engine_config_selects(&cfg, 9, 9), "no list keeps everything");
	cr_assert_eq(aoe_select_parse("1", &cfg.only, why, sizeof(why)), 0);
	cr_assert_eq(aoe_select_parse("2.0", &cfg.only, why, sizeof(why)), 0);
	cr_assert_eq(aoe_select_parse("1.3", &cfg.exclude, why, sizeof(why)), 0);
	cr_assert(engine_config_selects(&cfg, 1, 0));
	cr_assert(engine_config_selects(&cfg, 2, 0));
	cr_assert_not(engine_config_selects(&cfg, 2, 1));
	cr_assert_not(engine_config_selects(&cfg, 1, 3));
	cr_assert_not(engine_config_selects(&cfg, 3, 0));
}

Test(select, bad_lists_are_refused_with_a_reason)
{
	static const char *const bad[] = {
		"", ",", "1,", ",1", "1..1", "1.", ".1", "a", "1.a", "1-", "-1", "1.1-", "3-2",
		"1.7-4", "65535", "1.255", "99999999999999999999", "1.1.1", "2-4.1", "1 ,2",
		" 1", "1;2", "0x10", "+1", "1.-1", NULL,
	};

	for (unsigned int i = 0; bad[i]; i++) {
		struct aoe_select s = { 0 };
		char why[128] = "";

		cr_assert_eq(aoe_select_parse(bad[i], &s, why, sizeof(why)), -EINVAL,
			     "'%s' accepted", bad[i]);
		cr_assert_neq(why[0], '\0', "'%s' refused without a reason", bad[i]);
	}
}

Test(select, at_most_so_many_items)
{
	char list[8 * (SELECT_MAX_RANGES + 1)] = "";
	struct aoe_select s = { 0 };
	char why[128];

	for (unsigned int i = 0; i <= SELECT_MAX_RANGES; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u", i ? "," : "", i);
	cr_assert_eq(aoe_select_parse(list, &s, why, sizeof(why)), -EINVAL);
	cr_assert_leq(s.n, SELECT_MAX_RANGES);
	cr_assert(strstr(why, "at most"));
}

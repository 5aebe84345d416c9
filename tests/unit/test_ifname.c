// SPDX-License-Identifier: GPL-2.0
/* xdp/ifname: the pin folder rule (bpffs refuses dots) and its inverse. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "aoe_xdp_shared.h"
#include "xdp/ifname.h"

struct pin_case {
	char ifname[IF_NAMESIZE];
	char pin[IFNAME_PIN_MAX];
};

static struct pin_case pin_cases[] = {
	{ "eth0", "eth0" },			/* the common case is unchanged */
	{ "eth0.42", "eth0%2e42" },		/* a VLAN */
	{ "i0-1234", "i0-1234" },
	{ "v@x", "v@x" },
	{ "a.b-c@d.e.f1234", "a%2eb-c@d%2ee%2ef1234" },	/* IFNAMSIZ - 1 */
	{ "...............", "%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e%2e" },
	{ "a%2eb", "a%252eb" },			/* not a real name; the rule is total */
};

ParameterizedTestParameters(ifname, pin_roundtrip)
{
	return cr_make_param_array(struct pin_case, pin_cases,
				   sizeof(pin_cases) / sizeof(pin_cases[0]));
}

ParameterizedTest(struct pin_case *c, ifname, pin_roundtrip)
{
	char pin[IFNAME_PIN_MAX], back[IF_NAMESIZE];

	cr_assert_eq(ifname_to_pin(pin, sizeof(pin), c->ifname), 0, "%s", c->ifname);
	cr_expect_str_eq(pin, c->pin);
	cr_expect_null(strchr(pin, '.'), "%s: a dot in the pin name %s", c->ifname, pin);
	cr_assert_eq(ifname_from_pin(back, sizeof(back), pin), 0, "%s", pin);
	cr_expect_str_eq(back, c->ifname);
}

Test(ifname, pin_dir)
{
	char dir[128];

	cr_assert_eq(ifname_pin_dir(dir, sizeof(dir), "eth0.42"), 0);
	cr_expect_str_eq(dir, AOE_XDP_PIN_ROOT "/eth0%2e42");
	cr_expect_eq(ifname_pin_dir(dir, sizeof(AOE_XDP_PIN_ROOT "/eth0%2e4"), "eth0.42"),
		     -ENAMETOOLONG);
}

Test(ifname, pin_buffers_too_short)
{
	char out[8];

	cr_expect_eq(ifname_to_pin(out, 4, "eth0"), -ENAMETOOLONG);
	cr_expect_eq(ifname_to_pin(out, 5, "eth0"), 0);
	cr_expect_eq(ifname_to_pin(out, 5, "a.b"), -ENAMETOOLONG);
	cr_expect_eq(ifname_to_pin(out, 6, "a.b"), 0);
	cr_expect_eq(ifname_from_pin(out, 3, "a%2eb"), -ENAMETOOLONG);
	cr_expect_eq(ifname_from_pin(out, 4, "a%2eb"), 0);
	cr_expect_str_eq(out, "a.b");
}

/* Only what ifname_to_pin() makes decodes: one folder, one interface. */
Test(ifname, pin_names_that_no_interface_has)
{
	static const char *const bad[] = { "a.b", "a%", "a%2", "a%2E", "a%41", "%" };
	char out[IF_NAMESIZE];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(ifname_from_pin(out, sizeof(out), bad[i]), -EINVAL, "%s", bad[i]);
}

Test(ifname, check_follows_the_kernel)
{
	static const char *const good[] = { "eth0", "eth0.42", "a.b-c@d.e.f1234", "...", "v@x" };
	static const char *const bad[] = { "", ".", "..", "a/b", "a:b", "a b", "a\tb",
					   "sixteen-chars-xx" };

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect_eq(ifname_check(good[i]), 0, "'%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_eq(ifname_check(bad[i]), -EINVAL, "'%s'", bad[i]);
}

// SPDX-License-Identifier: GPL-2.0
/* xdp/iface_links: which interfaces are VLANs of which (a parent and its
 * VLAN must not both have aoe-xdp), on a made-up namespace and a real one. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "xdp/iface_links.h"

/*
 * eth0 <- eth0.42 <- eth0.42.7 (stacked tags); eth0 <- eth0.43;
 * eth1 alone; veth0, whose IFLA_LINK (its peer) is no parent;
 * a corrupt pair pointing at each other.
 */
static const struct iface_link net[] = {
	{ 1, 0, false, "lo" },
	{ 2, 0, false, "eth0" },
	{ 3, 2, true, "eth0.42" },
	{ 4, 3, true, "eth0.42.7" },
	{ 5, 2, true, "eth0.43" },
	{ 6, 0, false, "eth1" },
	{ 7, 0, false, "veth0" },
	{ 8, 9, true, "loop.a" },
	{ 9, 8, true, "loop.b" },
};
#define NET_N (sizeof(net) / sizeof(net[0]))

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void expect_relatives(int ifindex, const int *want, size_t nwant)
{
	int got[16];
	size_t n = iface_vlan_relatives(net, NET_N, ifindex, got, 16);

	cr_assert_eq(n, nwant, "ifindex %d: %zu relatives, expected %zu", ifindex, n, nwant);
	qsort(got, n, sizeof(got[0]), cmp_int);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(got[i], want[i], "ifindex %d: relative %zu", ifindex, i);
}

Test(iface_links, parent_sees_every_vlan_on_it)
{
	expect_relatives(2, (const int[]){ 3, 4, 5 }, 3);
}

Test(iface_links, vlan_sees_its_parents_and_its_own_vlans_not_its_siblings)
{
	expect_relatives(3, (const int[]){ 2, 4 }, 2);
	expect_relatives(4, (const int[]){ 2, 3 }, 2);
	expect_relatives(5, (const int[]){ 2 }, 1);
}

Test(iface_links, unrelated_interfaces_have_none)
{
	expect_relatives(6, NULL, 0);
	expect_relatives(7, NULL, 0);
	expect_relatives(1, NULL, 0);
}

Test(iface_links, a_loop_ends)
{
	cr_expect(iface_vlan_of(net, NET_N, 8, 9));
	cr_expect(iface_vlan_of(net, NET_N, 9, 8));
	cr_expect_not(iface_vlan_of(net, NET_N, 8, 2));
}

Test(iface_links, vlan_of)
{
	cr_expect(iface_vlan_of(net, NET_N, 4, 2));
	cr_expect(iface_vlan_of(net, NET_N, 4, 3));
	cr_expect_not(iface_vlan_of(net, NET_N, 2, 4));
	cr_expect_not(iface_vlan_of(net, NET_N, 5, 3));
}

/* The real dump: this namespace has lo at least, and nothing is a VLAN of it. */
Test(iface_links, reads_this_namespace)
{
	struct iface_link *links;
	size_t n;
	bool lo = false;

	cr_assert_eq(iface_links_read(&links, &n), 0);
	for (size_t i = 0; i < n; i++)
		lo |= !strcmp(links[i].name, "lo") && links[i].ifindex > 0 && !links[i].vlan;
	cr_expect(lo, "no lo among %zu interfaces", n);
	free(links);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How interfaces of this network namespace stack on each other: which are
 * VLANs (802.1Q/802.1ad sub-interfaces) of which. The loader uses it to keep
 * aoe-xdp off a parent and its VLAN at the same time: where the NIC strips
 * VLAN tags before XDP runs, the parent's classifier sees the VLAN's answers
 * untagged and cannot leave them to it.
 */
#ifndef AOE_IFACE_LINKS_H
#define AOE_IFACE_LINKS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

struct iface_link {
	int ifindex;
	int lower;		/* the interface a VLAN sits on (same namespace), else 0 */
	bool vlan;
	char name[IF_NAMESIZE];
};

/* Every interface of this namespace; *links is malloc'ed. 0 or -errno. */
int iface_links_read(struct iface_link **links, size_t *n);

/* True when ifindex is a VLAN of ancestor, directly or through other VLANs. */
bool iface_vlan_of(const struct iface_link *links, size_t n, int ifindex, int ancestor);

/*
 * The VLAN relatives of ifindex: the interfaces it is a VLAN of (its
 * parent, the parent's parent for stacked tags) and those that are VLANs
 * of it, at any depth. Writes up to max ifindexes to out, returns how many
 * there are.
 */
size_t iface_vlan_relatives(const struct iface_link *links, size_t n, int ifindex, int *out,
			    size_t max);

#endif /* AOE_IFACE_LINKS_H */

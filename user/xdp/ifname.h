/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interface names as parts of paths: the kernel's rules for a valid name,
 * and the name of an interface's pin folder under AOE_XDP_PIN_ROOT.
 *
 * bpffs refuses every name that contains a dot ("eth0.42", the usual VLAN
 * name, gives EPERM), so a pin folder is the interface name with each '.'
 * written as "%2e" and each '%' as "%25"; nothing else changes (eth0 stays
 * eth0, i0-1234@x stays as it is). The rule is reversible: a folder names
 * exactly one interface. (The kernel never leaves a '%' in a name, it takes
 * one for a template like "eth%d"; it is escaped anyway, so the rule holds
 * for any string.)
 */
#ifndef AOE_IFNAME_H
#define AOE_IFNAME_H

#include <net/if.h>
#include <stddef.h>

/* An encoded name is at most three times as long as the name. */
#define IFNAME_PIN_MAX	(3 * (IF_NAMESIZE - 1) + 1)

/* 0 when ifname is a name the kernel accepts (dev_valid_name()), so it can
 * go into a path; else -EINVAL after saying so. */
int ifname_check(const char *ifname);

/* The pin folder's name for ifname: 0, or -ENAMETOOLONG when size is short. */
int ifname_to_pin(char *out, size_t size, const char *ifname);
/* The interface name a pin folder's name stands for: 0, or -EINVAL when
 * pin is not what ifname_to_pin() makes, -ENAMETOOLONG when size is short. */
int ifname_from_pin(char *out, size_t size, const char *pin);

/* AOE_XDP_PIN_ROOT "/" ifname_to_pin(ifname): 0 or -ENAMETOOLONG. */
int ifname_pin_dir(char *out, size_t size, const char *ifname);

#endif /* AOE_IFNAME_H */

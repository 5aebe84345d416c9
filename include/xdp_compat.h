/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * AF_XDP multi-buffer UAPI (Linux 6.6+) missing from Debian 12's 6.1
 * linux/if_xdp.h. Values follow the kernel's UAPI.
 */
#ifndef AOE_XDP_COMPAT_H
#define AOE_XDP_COMPAT_H

#include <linux/if_xdp.h>

/* bind flag: frames larger than one chunk arrive and leave in pieces */
#ifndef XDP_USE_SG
#define XDP_USE_SG	(1 << 4)
#endif

/* xdp_desc.options: more pieces of this frame follow */
#ifndef XDP_PKT_CONTD
#define XDP_PKT_CONTD	(1 << 0)
#endif

#endif /* AOE_XDP_COMPAT_H */

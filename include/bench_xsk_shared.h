/* SPDX-License-Identifier: GPL-2.0 */
/* What bpf/bench_xsk.bpf.c and its user, tools/bench/xsk-rtt, share. */
#ifndef BENCH_XSK_SHARED_H
#define BENCH_XSK_SHARED_H

/* IEEE 802 "local experimental" EtherType: frames nobody else takes. */
#define BENCH_REFLECT_ETHERTYPE	0x88B5
#define BENCH_XSK_MAX_QUEUES	64

#endif /* BENCH_XSK_SHARED_H */

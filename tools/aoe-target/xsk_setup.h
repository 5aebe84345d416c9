/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Setting up a plain AF_XDP port: bpf/bench_xsk.bpf.c attached to an
 * interface, a UMEM in ordinary memory, one copy-mode socket on queue 0.
 * Shared by aoe-target's --io xdp (pktio_xsk.c) and the benchmark's raw
 * reference (tools/bench/xsk-rtt). Each step returns 0 or -errno and
 * points *what at what failed, worded to follow "cannot ".
 */
#ifndef AOE_XSK_SETUP_H
#define AOE_XSK_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdp/xsk.h>

#define XSK_SETUP_CHUNK		4096u

struct bench_xsk_bpf;

/* Loads the programs (bench_xsk_rx for ethertype, or the XDP_TX
 * reflector) and attaches one; *flags are what xsk_setup_detach needs. */
int xsk_setup_attach(int ifindex, uint16_t ethertype, bool reflect, bool skb_mode,
		     struct bench_xsk_bpf **skel, uint32_t *flags, const char **what);
void xsk_setup_detach(int ifindex, struct bench_xsk_bpf *skel, uint32_t flags);

/* nchunks chunks of XSK_SETUP_CHUNK bytes registered as a UMEM. */
int xsk_setup_umem(uint32_t nchunks, uint32_t fill_size, uint32_t comp_size, uint8_t **area,
		   size_t *area_size, struct xsk_umem **umem, struct xsk_ring_prod *fill,
		   struct xsk_ring_cons *comp, const char **what);

/* A copy-mode socket on queue 0 (multi-buffer where the kernel has it:
 * *sg), entered in the skeleton's XSKMAP, its fill ring given chunks
 * [0, rx_chunks). */
int xsk_setup_socket(const char *ifname, struct xsk_umem *umem, uint32_t ring_size,
		     struct bench_xsk_bpf *skel, uint32_t rx_chunks, struct xsk_socket **xsk,
		     struct xsk_ring_cons *rx, struct xsk_ring_prod *tx,
		     struct xsk_ring_prod *fill, bool *sg, const char **what);

#endif /* AOE_XSK_SETUP_H */

// SPDX-License-Identifier: GPL-2.0
/* A plain AF_XDP port: see xsk_setup.h. */
#include <errno.h>
#include <sys/mman.h>

#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "bench_xsk.skel.h"
#include "xdp_compat.h"
#include "xsk_setup.h"

int xsk_setup_attach(int ifindex, uint16_t ethertype, bool reflect, bool skb_mode,
		     struct bench_xsk_bpf **skel, uint32_t *flags, const char **what)
{
	struct bpf_program *prog;
	int err;

	*flags = 0;
	*skel = bench_xsk_bpf__open();
	if (!*skel) {
		*what = "open the XDP programs";
		return -errno;
	}
	(*skel)->rodata->rx_ethertype = ethertype;
	err = bench_xsk_bpf__load(*skel);
	if (err) {
		*what = "load the XDP programs (root? a kernel with BPF?)";
		return err;
	}
	prog = reflect ? (*skel)->progs.bench_reflect : (*skel)->progs.bench_xsk_rx;
	err = bpf_xdp_attach(ifindex, bpf_program__fd(prog), XDP_FLAGS_UPDATE_IF_NOEXIST |
			     (skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE), NULL);
	if (err)
		*what = "attach the XDP program (another one attached? see 'ip link'; or "
			"try generic XDP)";
	else
		*flags = skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	return err;
}

void xsk_setup_detach(int ifindex, struct bench_xsk_bpf *skel, uint32_t flags)
{
	if (flags)
		bpf_xdp_detach(ifindex, flags, NULL);
	bench_xsk_bpf__destroy(skel);
}

int xsk_setup_umem(uint32_t nchunks, uint32_t fill_size, uint32_t comp_size, uint8_t **area,
		   size_t *area_size, struct xsk_umem **umem, struct xsk_ring_prod *fill,
		   struct xsk_ring_cons *comp, const char **what)
{
	struct xsk_umem_config cfg = {
		.fill_size = fill_size,
		.comp_size = comp_size,
		.frame_size = XSK_SETUP_CHUNK,
	};
	int err;

	*area_size = (size_t)nchunks * XSK_SETUP_CHUNK;
	*area = mmap(NULL, *area_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (*area == MAP_FAILED) {
		*area = NULL;
		*what = "map memory for the UMEM";
		return -ENOMEM;
	}
	err = xsk_umem__create(umem, *area, *area_size, fill, comp, &cfg);
	if (err)
		*what = "register the UMEM (a kernel with CONFIG_XDP_SOCKETS?)";
	return err;
}

static int fill_chunks(struct xsk_ring_prod *fill, uint32_t n)
{
	uint32_t idx;

	if (xsk_ring_prod__reserve(fill, n, &idx) != n)
		return -ENOSPC;
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fill, idx + i) = (uint64_t)i * XSK_SETUP_CHUNK;
	xsk_ring_prod__submit(fill, n);
	return 0;
}

int xsk_setup_socket(const char *ifname, struct xsk_umem *umem, uint32_t ring_size,
		     struct bench_xsk_bpf *skel, uint32_t rx_chunks, struct xsk_socket **xsk,
		     struct xsk_ring_cons *rx, struct xsk_ring_prod *tx,
		     struct xsk_ring_prod *fill, bool *sg, const char **what)
{
	struct xsk_socket_config cfg = {
		.rx_size = ring_size,
		.tx_size = ring_size,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY | XDP_USE_NEED_WAKEUP | XDP_USE_SG,
	};
	int err;

	err = xsk_socket__create(xsk, ifname, 0, umem, rx, tx, &cfg);
	*sg = !err;
	if (err == -EINVAL || err == -EOPNOTSUPP) {
		cfg.bind_flags &= ~XDP_USE_SG;	/* before Linux 6.6: one chunk a frame */
		err = xsk_socket__create(xsk, ifname, 0, umem, rx, tx, &cfg);
	}
	if (err) {
		*xsk = NULL;
		*what = "bind an AF_XDP socket to its queue 0";
		return err;
	}
	err = xsk_socket__update_xskmap(*xsk, bpf_map__fd(skel->maps.bench_xsks));
	if (err) {
		*what = "enter the AF_XDP socket in the XSKMAP";
		return err;
	}
	err = fill_chunks(fill, rx_chunks);
	if (err)
		*what = "fill the AF_XDP fill ring";
	return err;
}

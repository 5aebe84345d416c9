// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/log.h"
#include "umem.h"

static int umem_register(struct umem_area *u, uint32_t fill_size, uint32_t comp_size)
{
	struct xsk_umem_config cfg = {
		.fill_size = fill_size,
		.comp_size = comp_size,
		.frame_size = UMEM_CHUNK_SIZE,
		.frame_headroom = 0,
		.flags = 0,
	};
	int err;

	/* libxdp 1.3.1 leaves the cached ring indices uninitialised. */
	memset(&u->fill, 0, sizeof(u->fill));
	memset(&u->comp, 0, sizeof(u->comp));
	err = xsk_umem__create(&u->xsk, u->base, u->size, &u->fill, &u->comp, &cfg);
	if (err) {
		pr_err("registering a %llu MiB UMEM with AF_XDP failed: %s; "
		       "check that the kernel has CONFIG_XDP_SOCKETS and you are root\n",
		       (unsigned long long)(u->size >> 20), strerror(-err));
		return err;
	}
	return 0;
}

int umem_create(struct umem_area *u, uint32_t nchunks, uint32_t fill_size,
		uint32_t comp_size, bool register_xsk)
{
	int err;

	memset(u, 0, sizeof(*u));
	u->nchunks = nchunks;
	u->size = (uint64_t)nchunks * UMEM_CHUNK_SIZE;
	u->base = mmap(NULL, u->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (u->base == MAP_FAILED) {
		u->base = NULL;
		pr_err("cannot map %llu MiB for the UMEM: %s; lower --umem-chunks\n",
		       (unsigned long long)(u->size >> 20), strerror(errno));
		return -ENOMEM;
	}
	/* Writeback under memory pressure must not wait for our own pages. */
	u->locked = mlock(u->base, u->size) == 0;
	if (!u->locked)
		pr_warn("could not lock the %llu MiB UMEM in memory (%s); raise "
			"RLIMIT_MEMLOCK (ulimit -l) to avoid paging under memory pressure\n",
			(unsigned long long)(u->size >> 20), strerror(errno));
	u->free = calloc(nchunks, sizeof(*u->free));
	u->home = calloc(nchunks, sizeof(*u->home));
	if (!u->free || !u->home) {
		umem_destroy(u);
		return -ENOMEM;
	}
	/* Lowest addresses on top of the stack: they are handed out first. */
	for (uint32_t i = 0; i < nchunks; i++)
		u->free[i] = (uint64_t)(nchunks - 1 - i) * UMEM_CHUNK_SIZE;
	u->nfree = nchunks;
	u->simulated = !register_xsk;
	if (register_xsk) {
		err = umem_register(u, fill_size, comp_size);
		if (err) {
			umem_destroy(u);
			return err;
		}
	}
	return 0;
}

void umem_destroy(struct umem_area *u)
{
	if (u->xsk)
		xsk_umem__delete(u->xsk);
	if (u->base)
		munmap(u->base, u->size);
	free(u->free);
	free(u->home);
	memset(u, 0, sizeof(*u));
}

int umem_chunk_get_ctl(struct umem_area *u, uint64_t *addr)
{
	if (!u->nfree)
		return -ENOBUFS;
	*addr = u->free[--u->nfree];
	u->home[umem_chunk_index(*addr)] = NULL;
	return 0;
}

int umem_chunk_get(struct umem_area *u, uint64_t *addr)
{
	if (u->nfree <= u->reserve)
		return -ENOBUFS;
	return umem_chunk_get_ctl(u, addr);
}

void umem_chunk_put(struct umem_area *u, uint64_t addr)
{
	u->home[umem_chunk_index(addr)] = NULL;
	u->free[u->nfree++] = addr;
}

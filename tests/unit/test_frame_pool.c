// SPDX-License-Identifier: GPL-2.0
/*
 * The seed's frame pool against a simulated TX path whose completions come
 * late and out of order: no held chunk is handed out again, the device pool
 * never passes its cap, sending resumes when completions return, and
 * teardown gives every chunk back.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include "xdp/frame_pool.h"

#define NCHUNKS 512

struct sim {
	struct umem_area umem;
	struct frame_pool fp;
	struct txpool path;
	uint64_t ring[NCHUNKS];	/* chunks the "kernel" holds */
	unsigned int nring;
	unsigned char held[NCHUNKS];
	uint64_t rng;
};

static uint32_t sim_rand(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (uint32_t)s->rng;
}

static void sim_init(struct sim *s, uint32_t window, uint32_t cap)
{
	memset(s, 0, sizeof(*s));
	s->rng = 0x9e3779b97f4a7c15ull;
	cr_assert_eq(umem_create(&s->umem, NCHUNKS, 0, 0, false), 0);
	cr_assert_eq(frame_pool_init(&s->fp, cap), 0);
	cr_assert_eq(frame_pool_add_iface(&s->fp, 0, &s->umem), 0);
	cr_assert_eq(txpool_init_path(&s->path, &s->fp, &s->umem, window), 0);
}

/* Sends one frame: a chunk must never be one the kernel still holds. */
static int sim_send(struct sim *s)
{
	uint64_t addr;
	int err = frame_pool_get(&s->fp, &s->path, 0, &addr);

	if (err)
		return err;
	cr_assert_eq(addr % UMEM_CHUNK_SIZE, 0);
	cr_assert_lt(umem_chunk_index(addr), NCHUNKS);
	cr_assert_eq(s->held[umem_chunk_index(addr)], 0, "chunk %llu reused while held",
		     (unsigned long long)addr);
	s->held[umem_chunk_index(addr)] = 1;
	s->ring[s->nring++] = addr;
	return 0;
}

/* The kernel returns one held chunk, picked at random (reordering). */
static void sim_complete_one(struct sim *s)
{
	unsigned int i = sim_rand(s) % s->nring;
	uint64_t addr = s->ring[i];

	s->ring[i] = s->ring[--s->nring];
	s->held[umem_chunk_index(addr)] = 0;
	frame_pool_complete(&s->umem, addr);
}

static void sim_fini(struct sim *s)
{
	txpool_destroy(&s->path);
	frame_pool_destroy(&s->fp);
	/* Late completions after teardown still return chunks to the UMEM. */
	while (s->nring)
		sim_complete_one(s);
	cr_assert_eq(s->umem.nfree, NCHUNKS, "chunks lost: %u of %u free", s->umem.nfree,
		     NCHUNKS);
	umem_destroy(&s->umem);
}

Test(frame_pool, path_set_first_then_spares_up_to_cap)
{
	struct sim s;

	sim_init(&s, 8, 16);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(sim_send(&s), 0);
	cr_assert_eq(s.fp.size, 0, "spares used while the path set had chunks");
	for (int i = 0; i < 16; i++)
		cr_assert_eq(sim_send(&s), 0);
	cr_assert_eq(s.fp.size, 16);
	cr_assert_eq(s.fp.high_water, 16);
	cr_assert_eq(s.fp.held, 24);
	cr_assert_eq(sim_send(&s), -EAGAIN);
	cr_assert(s.fp.kick_pending);
	cr_assert_eq(s.fp.kicks, 1);
	cr_assert_eq(s.fp.size, 16, "pool grew past its cap");
	sim_fini(&s);
}

Test(frame_pool, resumes_after_completions)
{
	struct sim s;

	sim_init(&s, 4, 4);
	while (sim_send(&s) == 0)
		;
	cr_assert_eq(s.nring, 8);
	sim_complete_one(&s);
	cr_assert_eq(sim_send(&s), 0, "no chunk after a completion");
	cr_assert_eq(sim_send(&s), -EAGAIN);
	cr_assert_eq(s.fp.kicks, 2);
	sim_fini(&s);
}

Test(frame_pool, delayed_reordered_completions_never_reuse_held_chunks)
{
	struct sim s;
	unsigned long sent = 0, waits = 0;

	sim_init(&s, 16, 32);
	for (int step = 0; step < 200000; step++) {
		/* Bursts of sends, completions trailing behind at random. */
		if (sim_rand(&s) % 3) {
			if (sim_send(&s) == 0)
				sent++;
			else
				waits++;
		} else if (s.nring) {
			sim_complete_one(&s);
		}
		cr_assert_leq(s.fp.size, 32, "pool at %u past cap 32", s.fp.size);
		cr_assert_eq(s.fp.held, s.nring, "held counter %u vs %u on the ring",
			     s.fp.held, s.nring);
	}
	cr_assert_gt(sent, 50000, "only %lu frames sent", sent);
	cr_assert_gt(waits, 0, "the simulation never reached the cap");
	cr_assert_eq(s.fp.high_water, 32);
	sim_fini(&s);
}

Test(frame_pool, spares_limited_by_umem)
{
	struct sim s;
	int n = 0;

	/* A cap bigger than the UMEM: growth stops when the UMEM is empty. */
	sim_init(&s, 8, 10000);
	while (sim_send(&s) == 0)
		n++;
	cr_assert_eq(n, NCHUNKS);
	cr_assert(s.fp.kick_pending);
	sim_fini(&s);
}

Test(frame_pool, two_interfaces_share_one_cap)
{
	struct sim s;
	struct umem_area u2;
	struct txpool path2;
	uint64_t addr;
	int n = 0;

	sim_init(&s, 1, 6);
	cr_assert_eq(umem_create(&u2, 64, 0, 0, false), 0);
	cr_assert_eq(frame_pool_add_iface(&s.fp, 1, &u2), 0);
	cr_assert_eq(txpool_init_path(&path2, &s.fp, &u2, 1), 0);
	while (sim_send(&s) == 0)
		n++;
	cr_assert_eq(n, 7);
	cr_assert_eq(frame_pool_get(&s.fp, &path2, 1, &addr), 0, "path's own chunk");
	cr_assert_eq(frame_pool_get(&s.fp, &path2, 1, &addr), -EAGAIN, "cap is per device");
	frame_pool_complete(&u2, addr);
	txpool_destroy(&path2);
	frame_pool_del_iface(&s.fp, 1);
	cr_assert_eq(u2.nfree, 64);
	umem_destroy(&u2);
	sim_fini(&s);
}

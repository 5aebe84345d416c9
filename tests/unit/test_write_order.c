// SPDX-License-Identifier: GPL-2.0
/* The FUSE export's write ordering (user/export/write_order.c), without FUSE. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "export/write_order.h"

#define MAX_WRITES	1024

/* Two devices: only their addresses matter. */
static const struct aoe_dev *const DEV_A = (const struct aoe_dev *)"a";
static const struct aoe_dev *const DEV_B = (const struct aoe_dev *)"b";

/* A fake owner: records starts in order; in sync mode a start finishes at
 * once, as a write to a device that is down does. */
struct owner {
	struct write_order wo;
	struct ordered_write w[MAX_WRITES];
	int start_seq[MAX_WRITES];	/* 0: not started; else 1, 2, ... */
	bool done[MAX_WRITES];
	int order[MAX_WRITES];		/* write indexes in start order */
	int nstarted;
	int narrived;
	bool sync_done;
};

static struct owner *own;

static int idx_of(const struct ordered_write *w)
{
	return (int)(w - own->w);
}

static void owner_start(struct ordered_write *w, void *ctx)
{
	int i = idx_of(w);

	cr_assert_eq(ctx, own, "start gets the context given to init");
	cr_assert_eq(own->start_seq[i], 0, "write %d started twice", i);
	own->order[own->nstarted++] = i;
	own->start_seq[i] = own->nstarted;
	if (own->sync_done) {
		own->done[i] = true;
		write_order_done(&own->wo, w);
	}
}

static void setup(void)
{
	own = calloc(1, sizeof(*own));
	cr_assert_not_null(own);
	write_order_init(&own->wo, owner_start, own);
}

static void teardown(void)
{
	free(own);
}

/* A new write; returns its index. */
static int arrive(const struct aoe_dev *dev, uint64_t lba, uint32_t nsect, bool rmw)
{
	int i = own->narrived++;

	own->w[i] = (struct ordered_write){ .dev = dev, .lba = lba, .nsect = nsect, .rmw = rmw };
	write_order_arrive(&own->wo, &own->w[i]);
	return i;
}

static void finish(int i)
{
	cr_assert(own->start_seq[i], "write %d finished before it started", i);
	cr_assert_not(own->done[i], "write %d finished twice", i);
	own->done[i] = true;
	write_order_done(&own->wo, &own->w[i]);
}

static bool started(int i)
{
	return own->start_seq[i] != 0;
}

static void expect_order(const int *want, int n)
{
	cr_assert_eq(own->nstarted, n, "%d writes started, want %d", own->nstarted, n);
	for (int k = 0; k < n; k++)
		cr_assert_eq(own->order[k], want[k], "start %d was write %d, want %d", k,
			     own->order[k], want[k]);
}

static void expect_idle(void)
{
	cr_assert(list_empty(&own->wo.started), "a finished write is still listed as started");
	cr_assert(list_empty(&own->wo.waiting), "a write is still waiting");
}

/* A scan that never ends is a failure too. */
TestSuite(write_order, .init = setup, .fini = teardown, .timeout = 20);

Test(write_order, writes_that_do_not_meet_start_at_once)
{
	int a = arrive(DEV_A, 0, 8, true);
	int b = arrive(DEV_A, 8, 8, true);	/* touches a, shares no sector */
	int c = arrive(DEV_A, 100, 1, false);

	cr_assert(started(a) && started(b) && started(c));
	finish(b);
	finish(a);
	finish(c);
	expect_idle();
}

Test(write_order, rmw_waits_for_a_whole_write_it_meets)
{
	int a = arrive(DEV_A, 0, 8, false);
	int b = arrive(DEV_A, 7, 2, true);	/* shares sector 7 */

	cr_assert(started(a));
	cr_assert_not(started(b), "an RMW into a write in progress must wait");
	finish(a);
	cr_assert(started(b), "the RMW starts once the write it met is done");
	finish(b);
	expect_idle();
}

Test(write_order, whole_write_waits_for_an_rmw_it_meets)
{
	int a = arrive(DEV_A, 4, 1, true);
	int b = arrive(DEV_A, 0, 8, false);

	cr_assert_not(started(b), "a write into an RMW in progress must wait");
	finish(a);
	cr_assert(started(b));
	finish(b);
	expect_idle();
}

Test(write_order, whole_writes_overlap_freely)
{
	int a = arrive(DEV_A, 0, 8, false);
	int b = arrive(DEV_A, 0, 8, false);
	int c = arrive(DEV_A, 4, 8, false);

	cr_assert(started(a) && started(b) && started(c),
		  "whole-sector writes go out at once, as on a block device");
	finish(c);
	finish(a);
	finish(b);
	expect_idle();
}

Test(write_order, other_devices_never_wait)
{
	int a = arrive(DEV_A, 0, 8, true);
	int b = arrive(DEV_B, 0, 8, true);

	cr_assert(started(a) && started(b), "the same sectors of another device are not shared");
	finish(a);
	finish(b);
	expect_idle();
}

Test(write_order, waiting_writes_start_in_arrival_order)
{
	int a = arrive(DEV_A, 0, 8, true);
	int b = arrive(DEV_A, 0, 8, true);
	int c = arrive(DEV_A, 2, 4, false);
	int d = arrive(DEV_A, 5, 1, true);

	expect_order((int[]){ a }, 1);
	finish(a);
	expect_order((int[]){ a, b }, 2);
	finish(b);
	expect_order((int[]){ a, b, c }, 3);
	cr_assert_not(started(d), "d shares sector 5 with c, which is in progress");
	finish(c);
	expect_order((int[]){ a, b, c, d }, 4);
	finish(d);
	expect_idle();
}

/* A write that misses every write in progress still waits behind an earlier
 * waiting one it meets; one that meets nothing does not wait at all. */
Test(write_order, waits_behind_a_waiting_write_it_meets)
{
	int a = arrive(DEV_A, 0, 8, false);
	int b = arrive(DEV_A, 4, 8, true);	/* meets a: waits */
	int c = arrive(DEV_A, 8, 8, false);	/* misses a, meets b */
	int d = arrive(DEV_A, 16, 8, true);	/* meets nothing */

	cr_assert_not(started(b));
	cr_assert_not(started(c), "c would overtake b, which it meets");
	cr_assert(started(d), "d meets nothing and must not wait behind others");
	finish(a);
	cr_assert(started(b));
	cr_assert_not(started(c), "b is in progress now");
	finish(b);
	cr_assert(started(c));
	finish(c);
	finish(d);
	expect_idle();
}

/* When a write finishes, a waiting one still held back by another write
 * keeps its place: a later waiting write that meets it stays behind it,
 * though nothing in progress holds that one back. */
Test(write_order, a_waiting_write_is_not_overtaken)
{
	int a = arrive(DEV_A, 0, 4, false);
	int b = arrive(DEV_A, 4, 4, false);
	int c = arrive(DEV_A, 2, 5, true);	/* sectors 2-6: meets a and b */
	int d = arrive(DEV_A, 6, 2, false);	/* meets b (whole: no matter) and c */

	cr_assert(started(a) && started(b));
	finish(b);
	cr_assert_not(started(c), "a is still in progress");
	cr_assert_not(started(d), "d would overtake c, which it meets");
	finish(a);
	expect_order((int[]){ a, b, c }, 3);
	finish(c);
	cr_assert(started(d));
	finish(d);
	expect_idle();
}

/* Starts that finish at once (the device is down) come back into the scan
 * that started them; every waiting write must still start, once. */
Test(write_order, starts_that_finish_at_once_reenter_the_scan)
{
	int a = arrive(DEV_A, 0, 8, true);
	int b = arrive(DEV_A, 0, 4, false);
	int c = arrive(DEV_A, 4, 4, false);
	int d = arrive(DEV_A, 0, 8, true);
	int e = arrive(DEV_A, 2, 1, false);

	expect_order((int[]){ a }, 1);
	own->sync_done = true;
	finish(a);
	expect_order((int[]){ a, b, c, d, e }, 5);
	for (int i = b; i <= e; i++)
		cr_assert(own->done[i]);
	expect_idle();
	/* And on arrival: started and finished before arrive() returns. */
	int f = arrive(DEV_A, 0, 8, true);

	cr_assert(started(f) && own->done[f]);
	expect_idle();
}

/* --- many writes, checked against the rules ---------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t below)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % below);
}

static bool meet(const struct ordered_write *x, const struct ordered_write *y)
{
	return (x->rmw || y->rmw) && x->dev == y->dev && x->lba < y->lba + y->nsect &&
	       y->lba < x->lba + x->nsect;
}

static bool in_progress(int i)
{
	return started(i) && !own->done[i];
}

/* No two writes in progress meet; every waiting write meets one in progress
 * or one waiting before it (nothing waits for no reason). */
static void check_state(void)
{
	for (int i = 0; i < own->narrived; i++) {
		bool reason = false;

		for (int j = 0; j < own->narrived; j++) {
			if (i == j || !meet(&own->w[i], &own->w[j]))
				continue;
			if (in_progress(i))
				cr_assert_not(in_progress(j), "writes %d and %d meet and both run", i, j);
			if (in_progress(j) || (j < i && !started(j)))
				reason = true;
		}
		if (!started(i))
			cr_assert(reason, "write %d waits for nothing", i);
	}
}

static void random_round(uint64_t seed, unsigned int sync_pct)
{
	int running[MAX_WRITES], nrunning;

	rng_state = seed;
	for (unsigned int step = 1;; step++) {
		nrunning = 0;
		for (int i = 0; i < own->narrived; i++)
			if (in_progress(i))
				running[nrunning++] = i;
		if (!nrunning && own->narrived == MAX_WRITES)
			break;
		/* Writes that start from here on may finish at once. */
		own->sync_done = rnd(100) < sync_pct;
		if (nrunning && (own->narrived == MAX_WRITES || rnd(100) < 45))
			finish(running[rnd((uint32_t)nrunning)]);
		else
			arrive(rnd(2) ? DEV_A : DEV_B, rnd(64), 1 + rnd(8), rnd(2));
		own->sync_done = false;
		if (step % 32 == 0)
			check_state();
	}
	cr_assert_eq(own->nstarted, MAX_WRITES, "every write starts in the end");
	expect_idle();
	/* Writes that meet start in the order they arrived. */
	for (int i = 0; i < MAX_WRITES; i++)
		for (int j = i + 1; j < MAX_WRITES; j++)
			if (meet(&own->w[i], &own->w[j]))
				cr_assert_lt(own->start_seq[i], own->start_seq[j],
					     "write %d overtook write %d, which it meets", j, i);
}

Test(write_order, many_writes_keep_the_rules)
{
	random_round(0x243f6a8885a308d3ull, 0);
}

Test(write_order, many_writes_some_finishing_at_once)
{
	random_round(0x13198a2e03707344ull, 20);
}

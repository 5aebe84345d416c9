// SPDX-License-Identifier: GPL-2.0
/*
 * Where a request's time goes (engine/stages.c), on a simulated network
 * whose clock the test sets: an answer held X ns shows X in the wire
 * stage, a request waiting X ns for the window X in the queue stage, and
 * so on for each stage; a multi-frame request is timed by its last answer.
 */
#include <stdlib.h>

#include "sim_assert.h"

#define SHELF	3
#define SLOT	1
#define SECTORS	4096
#define US	NSEC_PER_USEC

/* The sim's time plus an offset the test sets: a clock read later than
 * the pass's time (what the engine reads at done()). */
struct late_clock {
	struct sim *s;
	uint64_t late_ns;
};

static uint64_t late_clock_read(void *ctx)
{
	const struct late_clock *c = ctx;

	return c->s->now + c->late_ns;
}

/* A request of the test's own: priv is where done() puts its result. */
static void req_done(struct aoe_req *req, int res)
{
	*(int *)req->priv = res;
}

/* One device on one target that holds its answers until the test lets
 * them go; the stage counters as they were before the test's requests. */
struct fix {
	struct sim *s;
	struct sim_target *t;
	struct aoe_dev *d;
	struct engine_stage_stats before;
};

static struct fix fix_start(uint16_t bufcnt)
{
	struct fix f = { .s = sim_start(NULL, 1, 1500, 0) };

	f.t = sim_add_target(f.s, SHELF, SLOT, bufcnt, SECTORS, 1);
	f.d = sim_attach_ok(f.s, SHELF, SLOT);
	f.t->policy = policy_hold;
	f.before = *engine_stage_stats(f.s->e);
	return f;
}

/* The stage st gained count requests and sum_ns since the test began. */
static void expect_stage(const struct fix *f, enum engine_stage st, uint64_t count, uint64_t sum_ns)
{
	const struct engine_stage_stat *now = &engine_stage_stats(f->s->e)->st[st];
	uint64_t n = now->count - f->before.st[st].count, ns = now->sum_ns - f->before.st[st].sum_ns;

	cr_expect_eq(n, count, "%s: %llu requests, expected %llu", engine_stage_name(st),
		     (unsigned long long)n, (unsigned long long)count);
	cr_expect_eq(ns, sum_ns, "%s: %llu ns, expected %llu", engine_stage_name(st),
		     (unsigned long long)ns, (unsigned long long)sum_ns);
}

/* Lets the targets hold their answers to what was sent, then releases
 * the oldest one ns later. */
static void answer_after(struct sim *s, uint64_t ns)
{
	sim_serve(s);
	cr_assert_gt(sim_nheld(s), 0, "an answer should be held");
	s->now += ns;
	sim_release(s, 0);
}

Test(engine_stages, an_answer_x_later_shows_x_on_the_wire)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	uint64_t t0 = s->now;
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 8, 2);

	answer_after(s, 300 * US);
	expect_done(r, 0);
	expect_stage(&f, STAGE_WIRE, 1, s->now - t0);
	cr_expect_geq(s->now - t0, 300 * US);
	expect_stage(&f, STAGE_QUEUE, 1, 0);
	expect_stage(&f, STAGE_RESEND, 1, 0);
	expect_stage(&f, STAGE_TX, 1, 0);	/* no kick needed */
	expect_stage(&f, STAGE_KICK, 1, 0);
	expect_stage(&f, STAGE_COMPLETE, 1, 0);
	expect_stage(&f, STAGE_FRONT, 0, 0);	/* no front end's arrival */
	cr_expect_geq(engine_stage_stats(s->e)->st[STAGE_WIRE].max_ns, s->now - t0);
	sim_finish(s);
}

Test(engine_stages, waiting_for_the_window_is_queue_time)
{
	struct fix f = fix_start(1);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct sim_req *r1 = sim_submit(s, d, AOE_OP_READ, 0, 2);
	struct sim_req *r2 = sim_submit(s, d, AOE_OP_READ, 2, 2);
	uint64_t t0 = s->now, t1;

	cr_assert_eq(sim_nsent(s), 1, "a window of one: the second waits");
	answer_after(s, 200 * US);
	expect_done(r1, 0);
	t1 = s->now;
	sim_step(s);		/* the window opened: r2 goes now */
	answer_after(s, 50 * US);
	expect_done(r2, 0);
	expect_stage(&f, STAGE_QUEUE, 2, t1 - t0);
	expect_stage(&f, STAGE_WIRE, 2, (t1 - t0) + (s->now - t1));
	sim_finish(s);
}

Test(engine_stages, the_front_end_stage_runs_from_arrival_to_submit)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 2);
	struct aoe_req req;
	uint8_t *buf = calloc(1, 2 * ATA_SECTOR_SIZE);
	int res = 1;

	cr_assert(buf);
	answer_after(s, 10 * US);	/* r: no arrival, no front-end stage */
	expect_done(r, 0);
	aoe_req_prep(&req, AOE_OP_READ, 4, 2, buf, req_done, &res);
	req.arrive_ns = s->now - 70 * US;
	engine_submit(s->e, d, &req);
	answer_after(s, 10 * US);
	cr_assert_eq(res, 0);
	expect_stage(&f, STAGE_FRONT, 1, 70 * US);
	free(buf);
	sim_finish(s);
}

Test(engine_stages, the_time_from_answer_to_done_is_completion)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct late_clock c = { .s = s };
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 2);
	uint64_t t0 = s->now;

	s->e->clock = late_clock_read;
	s->e->clock_ctx = &c;
	sim_serve(s);
	s->now += 40 * US;
	c.late_ns = 9 * US;	/* done() is called 9 us after the answer was read */
	sim_release(s, 0);
	expect_done(r, 0);
	expect_stage(&f, STAGE_WIRE, 1, s->now - t0);
	expect_stage(&f, STAGE_COMPLETE, 1, 9 * US);
	sim_finish(s);
}

Test(engine_stages, the_kick_sits_between_tx_and_wire)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 2);
	uint64_t t0 = s->now;

	/* The simulated interfaces need no kick: say one began 25 us after
	 * the frame went on the ring and took 15 us. */
	s->now += 40 * US;
	s->e->stamp_ns = 0;
	stages_kicked(s->e, t0 + 25 * US, true);
	answer_after(s, 100 * US);
	expect_done(r, 0);
	expect_stage(&f, STAGE_TX, 1, 25 * US);
	expect_stage(&f, STAGE_KICK, 1, 15 * US);
	expect_stage(&f, STAGE_WIRE, 1, s->now - t0 - 40 * US);
	sim_finish(s);
}

Test(engine_stages, a_lost_answer_shows_in_the_resend_stage)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct sim_req *r = sim_submit(s, f.d, AOE_OP_READ, 0, 2);
	uint64_t t0 = s->now, t1;

	sim_serve(s);
	sim_forget_held(s, 0);	/* lost */
	for (int i = 0; i < 1000 && !sim_nsent(s); i++)
		sim_advance(s, MS);
	cr_assert_gt(sim_nsent(s), 0, "the frame should go again");
	t1 = s->now;
	answer_after(s, 70 * US);
	expect_done(r, 0);
	expect_stage(&f, STAGE_QUEUE, 1, 0);
	expect_stage(&f, STAGE_RESEND, 1, t1 - t0);
	expect_stage(&f, STAGE_WIRE, 1, s->now - t1);
	sim_finish(s);
}

Test(engine_stages, a_request_of_several_frames_is_timed_by_its_last_answer)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	unsigned int frames = aoe_dev_payload(d) / ATA_SECTOR_SIZE;
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 2 * frames);
	uint64_t t0 = s->now;

	sim_serve(s);
	cr_assert_eq(sim_nheld(s), 2, "two frames");
	s->now += 30 * US;
	sim_release(s, 0);
	expect_pending(r);
	s->now += 80 * US;
	sim_release(s, 0);
	expect_done(r, 0);
	expect_stage(&f, STAGE_WIRE, 1, s->now - t0);
	expect_stage(&f, STAGE_QUEUE, 1, 0);
	sim_finish(s);
}

Test(engine_stages, failed_requests_are_not_timed)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct sim_req *r = sim_submit(s, d, AOE_OP_READ, 0, 2);

	sim_serve(s);
	sim_pkt_set_flags(sim_held_at(s, 0), AOE_FLAG_RSP | AOE_FLAG_ERR, AOE_ERR_BADARG);
	sim_release(s, 0);
	cr_assert_neq(r->ndone, 0);
	cr_assert_neq(r->res, 0);
	for (int i = 0; i < ENGINE_STAGES; i++)
		expect_stage(&f, (enum engine_stage)i, 0, 0);
	engine_commit_queued(s->e, &r->req);	/* no done() time: not counted */
	stages_ring_submit(s->e, s->now);
	expect_stage(&f, STAGE_COMMIT, 0, 0);
	sim_finish(s);
}

Test(engine_stages, a_commit_lasts_until_the_ring_is_submitted)
{
	struct fix f = fix_start(4);
	struct sim *s = f.s;
	struct aoe_dev *d = f.d;
	struct sim_req *r1 = sim_submit(s, d, AOE_OP_READ, 0, 2);
	struct sim_req *r2 = sim_submit(s, d, AOE_OP_READ, 2, 2);

	sim_serve(s);
	s->now += 10 * US;
	sim_release(s, 0);
	engine_commit_queued(s->e, &r1->req);
	s->now += 5 * US;
	sim_release(s, 0);
	engine_commit_queued(s->e, &r2->req);
	expect_done(r1, 0);
	expect_done(r2, 0);
	stages_ring_submit(s->e, s->now + 20 * US);
	expect_stage(&f, STAGE_COMMIT, 2, 25 * US + 20 * US);
	cr_expect_eq(engine_stage_stats(s->e)->st[STAGE_COMMIT].max_ns, 25 * US);
	stages_ring_submit(s->e, s->now + 90 * US);	/* nothing queued since */
	expect_stage(&f, STAGE_COMMIT, 2, 45 * US);
	sim_finish(s);
}

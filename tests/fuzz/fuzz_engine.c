// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the engine's receive path, on the simulated network
 * of tests/unit/engine_sim.h (no sockets, no XDP; io_uring only for the
 * engine's ring).
 *
 * Every input starts from the same live state: two interfaces, device e1.1
 * behind two targets and e2.0 behind one, discovered and identified, with
 * reads, writes and flushes in flight whose real answers the targets hold
 * back. The first byte picks a variant of that state (see enum variant);
 * the rest is a program of ops: raw frames, real answers (held or made for
 * any frame sent) delivered as they are or mutated, clock steps, honest
 * rounds, new requests, slow or failing TX, silent targets, discovery.
 * After each op the engine's invariants are checked (sim_check: no request
 * done twice, in-flight counts, window nout against frames in flight, pool
 * held counts against the chunks the sink holds); at the end every request
 * must be done exactly once, after a dead timeout or a fail-all. Any
 * violation aborts.
 *
 * The engine's log goes to /dev/null (FUZZ_ENGINE_LOG=1 keeps it), the
 * sanitizers' reports are not affected. FUZZ_ENGINE_TRACE=1 prints a line
 * per op; FUZZ_ENGINE_DUMP=1 prints the held answers of two variants'
 * start states as hex and exits (what the raw seeds are made of).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit/engine_sim.h"
#include "lib/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			dprintf(2, "%s:%d: check failed: %s: ", __FILE__,	\
				__LINE__, #cond);			\
			dprintf(2, __VA_ARGS__);			\
			dprintf(2, "\n");				\
			abort();					\
		}							\
	} while (0)

/* Bits of the first byte: which start state. */
enum variant {
	V_HOLD_TX = 1 << 0,	/* the "kernel" holds TX chunks until told */
	V_SMALL_POOL = 1 << 1,	/* --pool-max 2 */
	V_FEW_FRAMES = 1 << 2,	/* a frame table of 8: slots come round fast */
	V_JUMBO = 1 << 3,	/* MTU 9000, 17 sectors per frame */
	V_END_DEAD = 1 << 4,	/* end by the dead timeout, not a fail-all */
	V_BUFCNT_ONE = 1 << 5,	/* e1.1's second target has one buffer */
	V_LBA28 = 1 << 6,	/* e2.0 is an LBA28 disk */
};

enum op {
	OP_RAW,		/* a frame from the input */
	OP_HELD,	/* a held answer, maybe mutated; kept or forgotten */
	OP_ANSWER,	/* the answer to a frame sent, maybe mutated */
	OP_CLOCK,	/* the clock moves on, one engine pass */
	OP_SERVE,	/* honest rounds: every target answers at once */
	OP_SUBMIT,	/* a new request */
	OP_COMPLETE,	/* the kernel gives TX chunks back */
	OP_TX_FAIL,	/* the TX ring is full, or not any more */
	OP_TARGET,	/* a target holds, answers, drops, or goes silent */
	OP_DISCOVER,
	OP_FORGET,	/* frames sent or answers held are lost */
	OP_COUNT
};

enum fuzz_mode { M_HOLD, M_ANSWER, M_DROP };

#define FRAMES_MANY		ENGINE_MAX_FRAMES	/* 64 in this build */
#define FRAMES_FEW		8
#define MAX_OPS			200	/* per input: keeps each run short */
#define MAX_REQS		64	/* requests an input may add */
#define MAX_NSECT		40	/* sectors per request it adds */
#define MAX_MUTATIONS		4	/* byte flips per frame */
/* The end: targets silent, the clock in steps until every request is done;
 * with a dead timeout of 1 s, 6 s leaves room for a come-back's IDENTIFY
 * to time out too. */
#define END_STEP_NS		(20 * NSEC_PER_MSEC)
#define END_WAIT_NS		(6 * NSEC_PER_SEC)
#define SERVE_ROUNDS_MAX	4
#define TX_CHUNKS		64	/* per interface: paths, spares and queries fit */

/* Where the input is read from: every read past the end gives zeros. */
struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t in_u8(struct input *in)
{
	uint8_t v = 0;

	if (in->n) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static uint16_t in_u16(struct input *in)
{
	uint16_t hi = in_u8(in);	/* two statements: the order is the input's */

	return (uint16_t)(hi << 8 | in_u8(in));
}

static enum fuzz_mode modes[SIM_MAX_TARGETS];

static enum sim_verdict fuzz_policy(struct sim_target *t, const struct sim_pkt *req,
				    struct sim_pkt *rsp, void *ctx)
{
	(void)req, (void)rsp, (void)ctx;
	switch (modes[t - t->sim->tgt]) {
	case M_ANSWER:
		return SIM_ANSWER;
	case M_DROP:
		return SIM_DROP;
	default:
		return SIM_HOLD;
	}
}

static void check(struct sim *s, const char *after)
{
	CHECK(sim_check(s) == 0, "after %s: %s", after, s->why);
}

/* The start state: attached, requests in flight, their answers held. */
static struct sim *start(uint8_t v)
{
	struct engine_config cfg;
	struct sim_target *t;
	struct aoe_dev *d1, *d2;
	struct sim *s;
	int err;

	sim_config_defaults(&cfg);
	cfg.dead_timeout_s = 1;
	cfg.rto_min_us = 2000;
	cfg.rto_max_us = 100000;
	cfg.pool_max = v & V_SMALL_POOL ? 2 : 8;
	cfg.tx_chunks = TX_CHUNKS;
	err = sim_create(&s, &cfg, 2, v & V_JUMBO ? 9000 : 1500,
			 v & V_FEW_FRAMES ? FRAMES_FEW : FRAMES_MANY);
	CHECK(!err, "sim_create: %s", strerror(-err));
	t = sim_add_target(s, 1, 1, 4, 512, 3);
	if (v & V_JUMBO)
		t->scnt = AOE_JUMBO_SECTORS;
	sim_add_target(s, 1, 1, v & V_BUFCNT_ONE ? 1 : 3, 512, 2);
	t = sim_add_target(s, 2, 0, 2, 256, 1);
	if (v & V_LBA28)
		sim_target_lba28(t);
	engine_discover(s->e);
	sim_serve_rounds(s, 8);
	d1 = engine_find_dev(s->e, 1, 1);
	d2 = engine_find_dev(s->e, 2, 0);
	CHECK(d1 && d2 && aoe_dev_state(d1) == DEV_UP && aoe_dev_state(d2) == DEV_UP,
	      "the start state did not come up");
	for (unsigned int i = 0; i < s->ntargets; i++) {
		modes[i] = M_HOLD;
		s->tgt[i].policy = fuzz_policy;
	}
	s->hold_tx = v & V_HOLD_TX;
	sim_submit(s, d1, AOE_OP_READ, 0, 5);
	sim_submit(s, d1, AOE_OP_WRITE, 8, 3);
	sim_submit(s, d1, AOE_OP_FLUSH, 0, 0);
	sim_submit(s, d2, AOE_OP_READ, 4, 2);
	sim_submit(s, d2, AOE_OP_WRITE, 0, 1);
	sim_serve_rounds(s, 1);
	check(s, "start");
	return s;
}

/* Byte flips and a new end for a frame, read from the input whether or
 * not there is a frame to apply them to (so the ops after stay in step). */
struct mutation {
	unsigned int n;
	uint16_t off[MAX_MUTATIONS];
	uint8_t xor[MAX_MUTATIONS];
	int delta;
};

static void read_mutation(struct input *in, struct mutation *m)
{
	m->n = in_u8(in) % (MAX_MUTATIONS + 1);
	for (unsigned int i = 0; i < m->n; i++) {
		m->off[i] = in_u16(in);
		m->xor[i] = in_u8(in);
	}
	m->delta = (int8_t)in_u8(in);
}

static void mutate(const struct mutation *m, struct sim_pkt *p)
{
	size_t len;

	for (unsigned int i = 0; i < m->n && p->len; i++)
		p->buf[m->off[i] % p->len] ^= m->xor[i];
	if (m->delta < 0)
		len = (size_t)-m->delta > p->len ? 0 : p->len - (size_t)-m->delta;
	else
		len = p->len + (size_t)m->delta;
	if (len > sizeof(p->buf))
		len = sizeof(p->buf);
	if (len > p->len)
		memset(p->buf + p->len, 0, len - p->len);
	p->len = len;
}

/* In one piece (up to the AF_XDP limit), or as multi-buffer AF_XDP could
 * hand it over: the headers in the first piece, the rest in three. */
static void deliver(struct sim *s, const struct sim_pkt *p, bool pieces)
{
	size_t rest = p->len > AOE_ATA_HDR_LEN ? p->len - AOE_ATA_HDR_LEN : 0;
	const size_t len[SIM_MAX_SEGS] = { AOE_ATA_HDR_LEN, rest / 3, rest / 3, rest };

	if (pieces)
		sim_deliver_pieces(s, p, len, SIM_MAX_SEGS);
	else
		sim_deliver(s, p);
}

/* arg: 1 the ifn, 2 in pieces */
static void op_raw(struct sim *s, struct input *in, uint8_t arg)
{
	struct sim_pkt *p = malloc(sizeof(*p));
	size_t len = in_u16(in) % (SIM_PKT_MAX + 1);

	if (len > in->n)
		len = in->n;
	if (p) {
		memcpy(p->buf, in->p, len);
		p->len = len;
		p->ifn = arg & 1;
		deliver(s, p, arg & 2);
		free(p);
	}
	in->p += len;
	in->n -= len;
}

/* arg: 1 mutated, 2 in pieces, 4 forget the original, 8 deliver it too */
static void op_held(struct sim *s, struct input *in, uint8_t arg)
{
	uint8_t k = in_u8(in);
	struct mutation m = { 0 };
	struct sim_pkt *p;
	unsigned int i;

	if (arg & 1)
		read_mutation(in, &m);
	if (!sim_nheld(s))
		return;
	i = k % sim_nheld(s);
	p = malloc(sizeof(*p));
	if (!p)
		return;
	memcpy(p, sim_held_at(s, i), sizeof(*p));
	mutate(&m, p);
	deliver(s, p, arg & 2);
	free(p);
	if (arg & 8)
		sim_release(s, i);
	else if (arg & 4)
		sim_forget_held(s, i);
}

/* The answer every target gives to a frame sent (which stays sent).
 * arg: 1 mutated, 2 in pieces */
static void op_answer(struct sim *s, struct input *in, uint8_t arg)
{
	uint8_t k = in_u8(in);
	struct mutation m = { 0 };
	struct sim_pkt *p;

	if (arg & 1)
		read_mutation(in, &m);
	if (!sim_nsent(s))
		return;
	p = malloc(sizeof(*p));
	if (!p)
		return;
	for (unsigned int t = 0; t < s->ntargets; t++) {
		if (sim_target_answer(&s->tgt[t], sim_sent_at(s, k % sim_nsent(s)), p))
			continue;
		mutate(&m, p);
		deliver(s, p, arg & 2);
	}
	free(p);
}

static void op_clock(struct sim *s, struct input *in)
{
	static const uint64_t unit_ns[8] = {
		NSEC_PER_USEC, 10 * NSEC_PER_USEC, 100 * NSEC_PER_USEC, NSEC_PER_MSEC,
		10 * NSEC_PER_MSEC, 100 * NSEC_PER_MSEC, NSEC_PER_SEC, 0,
	};
	uint16_t v = in_u16(in);

	sim_advance(s, (v & 0x1fff) * unit_ns[v >> 13]);
}

static void op_submit(struct sim *s, struct input *in, uint8_t arg)
{
	static const enum aoe_req_op ops[4] = {
		AOE_OP_READ, AOE_OP_WRITE, AOE_OP_FLUSH, AOE_OP_IDENTIFY,
	};
	struct aoe_dev *d = engine_first_dev(s->e);
	unsigned int k = in_u8(in);
	uint16_t lba = in_u16(in);
	uint8_t nsect = in_u8(in) % (MAX_NSECT + 1);

	if (s->nreqs >= MAX_REQS)
		return;
	while (d && k--)
		d = engine_next_dev(s->e, d);
	if (d)
		sim_submit(s, d, ops[arg & 3], lba % 600, nsect);
}

static void op_target(struct sim *s, struct input *in, uint8_t arg)
{
	unsigned int k = in_u8(in) % s->ntargets;

	s->tgt[k].silent = arg & 4;
	modes[k] = (enum fuzz_mode)(arg % 3);
}

static void run_op(struct sim *s, struct input *in)
{
	uint8_t b = in_u8(in), arg = b >> 4;

	switch ((b & 0x0f) % OP_COUNT) {
	case OP_RAW:
		op_raw(s, in, arg);
		break;
	case OP_HELD:
		op_held(s, in, arg);
		break;
	case OP_ANSWER:
		op_answer(s, in, arg);
		break;
	case OP_CLOCK:
		op_clock(s, in);
		break;
	case OP_SERVE:
		for (unsigned int i = 0; i < s->ntargets; i++)
			s->tgt[i].policy = NULL;
		sim_serve_rounds(s, 1 + arg % SERVE_ROUNDS_MAX);
		for (unsigned int i = 0; i < s->ntargets; i++)
			s->tgt[i].policy = fuzz_policy;
		break;
	case OP_SUBMIT:
		op_submit(s, in, arg);
		break;
	case OP_COMPLETE:
		sim_complete_tx(s, arg ? arg : UINT32_MAX);
		break;
	case OP_TX_FAIL:
		s->tx_fail = arg & 1 ? -EAGAIN : 0;
		break;
	case OP_TARGET:
		op_target(s, in, arg);
		break;
	case OP_DISCOVER:
		engine_discover(s->e);
		break;
	case OP_FORGET:
		if (arg & 1)
			sim_drop_sent(s);
		else
			sim_drop_held(s);
		break;
	}
}

/* Every request must end: by the dead timeout once nothing answers, or
 * by a fail-all (a shutdown). */
static void finish(struct sim *s, uint8_t v)
{
	s->tx_fail = 0;
	if (v & V_END_DEAD) {
		for (unsigned int i = 0; i < s->ntargets; i++)
			s->tgt[i].silent = true;
		for (uint64_t t = 0; t < END_WAIT_NS && !sim_all_done_once(s); t += END_STEP_NS) {
			sim_advance(s, END_STEP_NS);
			check(s, "the dead timeout");
		}
		for (unsigned int i = 0; i < s->nreqs; i++)
			CHECK(s->reqs[i]->ndone == 1,
			      "request %u (op %d) done %u times %llu s after the targets went silent",
			      i, s->reqs[i]->req.op, s->reqs[i]->ndone,
			      (unsigned long long)(END_WAIT_NS / NSEC_PER_SEC));
	}
	engine_fail_all_io(s->e);
	check(s, "fail-all");
	for (unsigned int i = 0; i < s->nreqs; i++)
		CHECK(s->reqs[i]->ndone == 1, "request %u (op %d) done %u times after a fail-all",
		      i, s->reqs[i]->req.op, s->reqs[i]->ndone);
}

static bool trace;

/* One line per op (FUZZ_ENGINE_TRACE=1): to see what a seed does. */
static void trace_op(const struct sim *s, unsigned int i, uint8_t code)
{
	const struct engine_rx_stats *rx = engine_rx_stats(s->e);
	unsigned int done = 0;

	for (unsigned int k = 0; k < s->nreqs; k++)
		done += s->reqs[k]->ndone;
	printf("op %u (%u): t=%llu ms sent %u held %u done %u/%u rx %llu late %llu "
	       "dropped %llu\n", i, (code & 0x0f) % OP_COUNT,
	       (unsigned long long)((s->now - SIM_T0_NS) / NSEC_PER_MSEC), sim_nsent(s),
	       sim_nheld(s), done, s->nreqs, (unsigned long long)rx->frames,
	       (unsigned long long)rx->late,
	       (unsigned long long)(rx->malformed + rx->not_response + rx->wrong_dst +
				    rx->bad_tag + rx->bad_src + rx->bad_addr + rx->bad_cmd +
				    rx->bad_len + rx->wrong_iface + rx->config_bad));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { .p = data, .n = size };
	uint8_t v = in_u8(&in);
	struct sim *s = start(v);
	char what[32];

	for (unsigned int i = 0; i < MAX_OPS && in.n; i++) {
		uint8_t code = *in.p;

		run_op(s, &in);
		snprintf(what, sizeof(what), "op %u", i);
		check(s, what);
		if (trace)
			trace_op(s, i, code);
	}
	finish(s, v);
	sim_destroy(s);
	return 0;
}

static void dump_variant(uint8_t v)
{
	struct sim *s = start(v);

	for (unsigned int i = 0; i < sim_nheld(s); i++) {
		const struct sim_pkt *p = sim_held_at(s, i);

		printf("variant %02x held %u ifn %u len %zu ", v, i, p->ifn, p->len);
		for (size_t j = 0; j < p->len; j++)
			printf("%02x", p->buf[j]);
		printf("\n");
	}
	sim_destroy(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (!getenv("FUZZ_ENGINE_LOG")) {
		FILE *null = fopen("/dev/null", "w");

		if (null)
			stderr = null;	/* the engine's log; sanitizers write to fd 2 */
	}
	trace = getenv("FUZZ_ENGINE_TRACE");
	if (getenv("FUZZ_ENGINE_DUMP")) {
		dump_variant(0);
		dump_variant(V_JUMBO);
		exit(0);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "daemon.h"
#include "lib/json.h"
#include "lib/latency.h"
#include "lib/log.h"

#define BENCH_SECONDS_MAX	3600
#define BENCH_SIZE_MB_MAX	(1u << 24)

enum bench_phase { PHASE_RUN, PHASE_VERIFY, PHASE_DONE };

struct bench_slot {
	struct aoe_req req;
	struct bench *b;
	uint8_t *buf;
	uint64_t start_ns;
	bool busy;
};

struct bench {
	struct daemon *dm;
	struct ctl_conn *conn;
	struct aoe_dev *dev;
	enum bench_rw rw;
	uint32_t bs, qd, seconds;
	uint64_t blocks;	/* region size in blocks */
	bool verify, json;
	enum bench_phase phase;
	uint64_t start_ns, end_ns, stop_ns;
	uint64_t next_block;	/* sequential position, and verify cursor */
	uint64_t rng;
	uint32_t seed;		/* this run's data pattern */
	uint8_t *written;	/* bitmap of blocks written (verify) */
	uint64_t ios, bytes, errors, mismatches, verified;
	uint64_t retrans0;
	uint32_t inflight;
	struct latency_hist lat;
	struct bench_slot slot[];
};

static uint64_t bench_rand(struct bench *b)
{
	b->rng ^= b->rng << 13;
	b->rng ^= b->rng >> 7;
	b->rng ^= b->rng << 17;
	return b->rng;
}

static bool rw_is_write(enum bench_rw rw)
{
	return rw == BENCH_WRITE || rw == BENCH_RANDWRITE;
}

/* Each 8-byte word says which block and run wrote it: a misplaced or
 * stale block cannot pass for the right one. */
static void pattern_fill(const struct bench *b, uint64_t block, uint8_t *buf)
{
	for (uint32_t i = 0; i < b->bs; i += 8) {
		uint64_t w = (block << 32 | b->seed) ^ ((uint64_t)i * 0x9e3779b97f4a7c15ull);

		memcpy(buf + i, &w, 8);
	}
}

static uint64_t retransmits(const struct aoe_dev *d)
{
	struct aoe_dev_info info;

	aoe_dev_get_info(d, &info);
	return info.retransmits;
}

static void bench_issue(struct bench *b, struct bench_slot *s);

static uint64_t pick_block(struct bench *b)
{
	uint64_t blk;

	if (b->rw == BENCH_RANDREAD || b->rw == BENCH_RANDWRITE)
		return bench_rand(b) % b->blocks;
	blk = b->next_block;
	b->next_block = (b->next_block + 1) % b->blocks;
	return blk;
}

static void slot_done(struct aoe_req *req, int res)
{
	struct bench_slot *s = req->priv;
	struct bench *b = s->b;
	uint64_t block = req->lba * ATA_SECTOR_SIZE / b->bs;

	s->busy = false;
	b->inflight--;
	if (res) {
		b->errors++;
	} else if (b->phase == PHASE_VERIFY) {
		uint8_t *want = s->buf + b->bs;

		pattern_fill(b, block, want);
		b->verified++;
		if (memcmp(s->buf, want, b->bs))
			b->mismatches++;
	} else {
		b->ios++;
		b->bytes += b->bs;
		lat_add(&b->lat, engine_now(b->dm->eng) - s->start_ns);
		if (rw_is_write(b->rw) && b->written)
			b->written[block / 8] |= (uint8_t)(1u << (block % 8));
	}
	/* A synchronous failure (device down) must not recurse forever. */
	if (!res && b->phase != PHASE_DONE)
		bench_issue(b, s);
}

/* The next block the verify pass reads back, or false when done. */
static bool next_verify_block(struct bench *b, uint64_t *block)
{
	while (b->next_block < b->blocks) {
		uint64_t blk = b->next_block++;

		if (b->written[blk / 8] & (1u << (blk % 8))) {
			*block = blk;
			return true;
		}
	}
	return false;
}

static void bench_issue(struct bench *b, struct bench_slot *s)
{
	struct aoe_req *req = &s->req;
	uint64_t block;
	bool write = false;

	if (b->phase == PHASE_RUN) {
		if (engine_now(b->dm->eng) >= b->end_ns)
			return;
		block = pick_block(b);
		write = rw_is_write(b->rw);
	} else if (b->phase == PHASE_VERIFY) {
		if (!next_verify_block(b, &block))
			return;
	} else {
		return;
	}
	aoe_req_prep(req, write ? AOE_OP_WRITE : AOE_OP_READ, block * b->bs / ATA_SECTOR_SIZE,
		     b->bs / ATA_SECTOR_SIZE, s->buf, slot_done, s);
	if (write)
		pattern_fill(b, block, s->buf);
	s->busy = true;
	s->start_ns = engine_now(b->dm->eng);
	b->inflight++;
	engine_submit(b->dm->eng, b->dev, req);
}

static const struct cli_enum_val rw_vals[] = {
	{ "read", BENCH_READ },
	{ "write", BENCH_WRITE },
	{ "randread", BENCH_RANDREAD },
	{ "randwrite", BENCH_RANDWRITE },
	{ NULL, 0 },
};

static const struct cli_opt bench_opts[] = {
	CLI_OPT(struct bench_opts, ENUM, rw, "rw", 0, "PATTERN", "what to do",
		.enum_vals = rw_vals, .def = BENCH_RANDREAD),
	CLI_OPT(struct bench_opts, UINT, bs, "bs", 'b', "BYTES", "block size",
		.min = ATA_SECTOR_SIZE, .max = BENCH_BS_MAX, .step = ATA_SECTOR_SIZE,
		.def = BENCH_BS_DEFAULT),
	CLI_OPT(struct bench_opts, UINT, qd, "qd", 'q', "N", "requests in flight",
		.min = 1, .max = BENCH_QD_MAX, .def = BENCH_QD_DEFAULT),
	CLI_OPT(struct bench_opts, UINT, seconds, "seconds", 's', "N", "run time",
		.min = 1, .max = BENCH_SECONDS_MAX, .def = BENCH_SECONDS_DEFAULT),
	CLI_OPT(struct bench_opts, UINT, size_mb, "size-mb", 0, "MB",
		"use the first MB MiB of the device",
		.min = 1, .max = BENCH_SIZE_MB_MAX, .def = BENCH_SIZE_MB_DEFAULT),
	CLI_OPT(struct bench_opts, BOOL, verify, "verify", 0, NULL,
		"after a write run, read back every block written and compare"),
	CLI_OPT(struct bench_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT(struct bench_opts, BOOL, force, "force", 0, NULL,
		"write even to a device that is exported (its data is overwritten)"),
	CLI_OPT_END,
};

const struct cli_cmd bench_cmd = {
	.name = "bench",
	.usage = "eS.N",
	.summary = "Benchmark a device through the engine alone (no export): IOPS, MB/s, "
		   "latency percentiles, retransmits.",
	.min_args = 1,
	.max_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = bench_opts,
	.cfg_size = sizeof(struct bench_opts),
};

static const char *rw_name(enum bench_rw rw)
{
	return cli_enum_name(rw_vals, rw);
}

static void bench_report(struct bench *b)
{
	double secs = (double)(b->stop_ns - b->start_ns) / NSEC_PER_SEC;
	double iops = secs > 0 ? (double)b->ios / secs : 0;
	double mbs = secs > 0 ? (double)b->bytes / secs / 1e6 : 0;
	uint64_t retr = retransmits(b->dev) - b->retrans0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int status = b->errors || b->mismatches ? 1 : 0;

	if (!f) {
		ctl_replyf(b->conn, 1, "out of memory\n");
		return;
	}
	if (b->json) {
		struct json j;

		json_init(&j, f);
		json_obj_begin(&j);
		json_kstr(&j, "device", aoe_dev_name(b->dev));
		json_kstr(&j, "rw", rw_name(b->rw));
		json_ku64(&j, "bs", b->bs);
		json_ku64(&j, "qd", b->qd);
		json_key(&j, "seconds");
		json_double(&j, secs, 3);
		json_ku64(&j, "ios", b->ios);
		json_key(&j, "iops");
		json_double(&j, iops, 1);
		json_key(&j, "mb_per_s");
		json_double(&j, mbs, 2);
		json_ku64(&j, "lat_p50_ns", lat_quantile(&b->lat, 0.50));
		json_ku64(&j, "lat_p99_ns", lat_quantile(&b->lat, 0.99));
		json_ku64(&j, "lat_p999_ns", lat_quantile(&b->lat, 0.999));
		json_ku64(&j, "retransmits", retr);
		json_ku64(&j, "errors", b->errors);
		json_ku64(&j, "verified", b->verified);
		json_ku64(&j, "mismatches", b->mismatches);
		json_obj_end(&j);
	} else {
		fprintf(f, "%s %s bs=%u qd=%u %.1fs: %.0f IOPS, %.2f MB/s, latency p50 %.3f ms "
			"p99 %.3f ms p99.9 %.3f ms, retransmits %llu, errors %llu\n",
			aoe_dev_name(b->dev), rw_name(b->rw), b->bs, b->qd, secs, iops, mbs,
			lat_quantile(&b->lat, 0.50) / 1e6, lat_quantile(&b->lat, 0.99) / 1e6,
			lat_quantile(&b->lat, 0.999) / 1e6, (unsigned long long)retr,
			(unsigned long long)b->errors);
		if (b->verify)
			fprintf(f, "verify: %llu blocks read back, %llu mismatches\n",
				(unsigned long long)b->verified, (unsigned long long)b->mismatches);
	}
	fclose(f);
	ctl_reply(b->conn, status, text, len);
	free(text);
}

static void bench_free(struct bench *b)
{
	for (uint32_t i = 0; i < b->qd; i++)
		free(b->slot[i].buf);
	free(b->written);
	free(b);
}

static int bench_alloc(struct bench *b)
{
	for (uint32_t i = 0; i < b->qd; i++) {
		/* Twice the block: the read-back and the expected pattern;
		 * aligned_alloc wants a multiple of the alignment. */
		size_t len = (2 * (size_t)b->bs + 4095) & ~(size_t)4095;

		b->slot[i].buf = aligned_alloc(4096, len);
		b->slot[i].b = b;
		if (!b->slot[i].buf)
			return -ENOMEM;
	}
	if (b->verify) {
		b->written = calloc((b->blocks + 7) / 8, 1);
		if (!b->written)
			return -ENOMEM;
	}
	return 0;
}

/*
 * A write run puts its pattern over the first --size-mb of the disk. An
 * exported device is the system's (a filesystem may be on it, mounted or
 * not, or a program may have it open): only on purpose, with --force.
 */
static bool bench_refuse_exported(struct daemon *dm, struct ctl_conn *c,
				  const struct aoe_dev *d)
{
	char path[PATH_MAX];

	daemon_export_path(dm, d, path, sizeof(path));
	if (!path[0])
		return false;
	ctl_replyf(c, 1, "aoe-xdp bench: %s is exported as %s: a write run overwrites the data "
		   "there (a filesystem, mounted or not); add --force to write anyway, or attach "
		   "with --export none to benchmark\n", aoe_dev_name(d), path);
	return true;
}

void bench_start(struct daemon *dm, struct ctl_conn *c, const struct bench_opts *o,
		 const char *dev_name)
{
	struct aoe_dev *d = engine_find_dev_name(dm->eng, dev_name);
	uint64_t size = (uint64_t)o->size_mb << 20;
	struct bench *b;

	if (o->verify && !rw_is_write(o->rw)) {
		ctl_replyf(c, 2, "aoe-xdp bench: --verify checks what the run wrote: "
			   "use --rw write or randwrite\n");
		return;
	}
	if (dm->bench) {
		ctl_replyf(c, 1, "aoe-xdp: a benchmark is already running; wait for it\n");
		return;
	}
	if (!d || aoe_dev_state(d) != DEV_UP) {
		ctl_replyf(c, 1, "aoe-xdp: no device '%s' that is up; see 'aoe-xdp stat'\n",
			   dev_name);
		return;
	}
	if (rw_is_write(o->rw) && !o->force && bench_refuse_exported(dm, c, d))
		return;
	b = calloc(1, sizeof(*b) + o->qd * sizeof(b->slot[0]));
	if (!b) {
		ctl_replyf(c, 1, "out of memory\n");
		return;
	}
	*b = (struct bench){ .dm = dm, .conn = c, .dev = d, .rw = o->rw, .bs = o->bs,
			     .qd = o->qd, .seconds = o->seconds, .verify = o->verify,
			     .json = o->json };
	if (size > aoe_dev_bytes(d))
		size = aoe_dev_bytes(d);
	b->blocks = size / b->bs;
	if (!b->blocks || bench_alloc(b)) {
		ctl_replyf(c, 1, "aoe-xdp bench: device too small for --bs, or out of memory\n");
		bench_free(b);
		return;
	}
	b->rng = clock_now_ns() | 1;
	b->seed = engine_random(dm->eng);
	b->retrans0 = retransmits(d);
	b->start_ns = engine_now(dm->eng);
	b->end_ns = b->start_ns + (uint64_t)b->seconds * NSEC_PER_SEC;
	dm->bench = b;
	for (uint32_t i = 0; i < b->qd; i++)
		bench_issue(b, &b->slot[i]);
}

const struct aoe_dev *bench_device(const struct bench *b)
{
	return b->dev;
}

void bench_tick(struct daemon *dm)
{
	struct bench *b = dm->bench;

	if (!b || b->inflight)
		return;
	if (b->phase == PHASE_RUN) {
		b->stop_ns = engine_now(dm->eng);
		if (b->verify && !b->errors) {
			b->phase = PHASE_VERIFY;
			b->next_block = 0;
			for (uint32_t i = 0; i < b->qd; i++)
				bench_issue(b, &b->slot[i]);
			if (b->inflight)
				return;
		}
	}
	b->phase = PHASE_DONE;
	bench_report(b);
	dm->bench = NULL;
	bench_free(b);
}

void bench_abort(struct daemon *dm)
{
	struct bench *b = dm->bench;

	if (!b)
		return;
	/* engine_fail_all_io() comes after us and ends its requests: stop
	 * issuing now and answer once, from here. */
	b->phase = PHASE_DONE;
	if (b->inflight) {
		b->errors++;
		engine_fail_all_io(dm->eng);
	}
	if (!b->stop_ns)
		b->stop_ns = engine_now(dm->eng);
	bench_report(b);
	dm->bench = NULL;
	bench_free(b);
}

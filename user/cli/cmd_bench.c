// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp bench eS.N: load the engine directly inside the daemon. */
#include <stdio.h>

#include "commands.h"

struct bench_cfg {
	int rw;
	unsigned int bs;
	unsigned int qd;
	unsigned int seconds;
	unsigned int size_mb;
	int verify;
	int json;
};

static const struct cli_enum_val rw_vals[] = {
	{ "read", 0 }, { "write", 1 }, { "randread", 2 }, { "randwrite", 3 }, { NULL, 0 },
};

#define OPT(n, s, t, f, m, h, ...) { .name = n, .short_name = s, .type = t, \
	.offset = offsetof(struct bench_cfg, f), .metavar = m, .help = h, __VA_ARGS__ }

static const struct cli_opt bench_opts[] = {
	OPT("rw", 0, CLI_ENUM, rw, "PATTERN", "what to do", .enum_vals = rw_vals),
	OPT("bs", 'b', CLI_UINT, bs, "BYTES", "block size, a multiple of 512 (default 4096)",
	    .min = 512, .max = 1 << 20),
	OPT("qd", 'q', CLI_UINT, qd, "N", "requests in flight (default 32)", .min = 1, .max = 256),
	OPT("seconds", 's', CLI_UINT, seconds, "N", "run time (default 10)", .min = 1,
	    .max = 3600),
	OPT("size-mb", 0, CLI_UINT, size_mb, "MB",
	    "use the first MB MiB of the device (default 256)", .min = 1, .max = 1 << 24),
	OPT("verify", 0, CLI_BOOL, verify, NULL,
	    "after a write run, read back every block written and compare"),
	OPT("json", 'j', CLI_BOOL, json, NULL, "print JSON"),
	CLI_OPT_END,
};

static void bench_defaults(void *p)
{
	struct bench_cfg *c = p;

	c->rw = 2;
	c->bs = 4096;
	c->qd = 32;
	c->seconds = 10;
	c->size_mb = 256;
}

static int bench_run(void *p, int argc, char **argv)
{
	struct bench_cfg *c = p;
	char bs[16], qd[16], secs[16], size[32];
	char *words[16];
	int n = 0;

	(void)argc;
	snprintf(bs, sizeof(bs), "%u", c->bs);
	snprintf(qd, sizeof(qd), "%u", c->qd);
	snprintf(secs, sizeof(secs), "%u", c->seconds);
	snprintf(size, sizeof(size), "%llu", (unsigned long long)c->size_mb << 20);
	words[n++] = "bench";
	words[n++] = argv[0];
	words[n++] = "--rw";
	words[n++] = (char *)cli_enum_name(rw_vals, c->rw);
	words[n++] = "--bs";
	words[n++] = bs;
	words[n++] = "--qd";
	words[n++] = qd;
	words[n++] = "--seconds";
	words[n++] = secs;
	words[n++] = "--size";
	words[n++] = size;
	if (c->verify)
		words[n++] = "--verify";
	if (c->json)
		words[n++] = "--json";
	/* The run, a verify pass as long again, and a margin. */
	return cmd_call_daemon(n, words, (int)c->seconds * 3 + 60);
}

const struct cli_cmd cmd_bench = {
	.name = "bench",
	.usage = "eS.N",
	.summary = "Benchmark a device through the engine alone (no export): IOPS, MB/s, "
		   "latency percentiles, retransmits.",
	.min_args = 1,
	.max_args = 1,
	.opts = bench_opts,
	.cfg_size = sizeof(struct bench_cfg),
	.defaults = bench_defaults,
	.run = bench_run,
};

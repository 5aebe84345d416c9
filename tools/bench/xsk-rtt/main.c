// SPDX-License-Identifier: GPL-2.0
/*
 * xsk-rtt: the raw AF_XDP round trip, the ceiling aoe-xdp's engine is
 * measured against (make bench-host).
 *
 *   xsk-rtt reflect IFACE                    XDP_TX reflector until SIGTERM
 *   xsk-rtt ping IFACE MAC [opts]            W frames of --bytes bytes in
 *                                            flight to the reflector at MAC
 *   xsk-rtt aoe IFACE MAC SHELF.SLOT [opts]  W AoE reads of --sectors in
 *                                            flight to the target at MAC
 *
 * Each answer sends the next frame at once; frames/s is answers per second
 * and the latency is send-to-answer per frame. No retransmission: a frame
 * unanswered for RTT_LOST_NS counts as lost and its slot is used again.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_xsk_shared.h"
#include "lib/latency.h"
#include "proto/aoe_codec.h"
#include "sock.h"
#include "xdp_compat.h"

#define RTT_MAX_WINDOW	1024u
#define RTT_LOST_NS	(500ull * 1000000)
#define RTT_WARMUP_NS	(200ull * 1000000)
#define RTT_RX_BATCH	64u
#define RTT_MAGIC	0x78736b72u	/* "xskr" */
#define RTT_LBA_SPAN	8192u	/* reads land in the first 4 MiB */
#define NSEC		1000000000ull
/* rx_cur between answers, and for an answer that is not ours. */
#define RX_NEXT		(~1u)
#define RX_NOT_OURS	(~0u)

enum rtt_mode { MODE_PING, MODE_AOE };

struct rtt_opts {
	enum rtt_mode mode;
	const char *ifname;
	uint8_t dst[6];
	uint16_t shelf;
	uint8_t slot;
	unsigned int window, seconds, bytes, sectors;
	bool spin, skb, json;
};

struct rtt_slot {
	uint64_t sent_ns;	/* 0: free */
	uint16_t gen;
};

struct rtt_run {
	const struct rtt_opts *o;
	struct rtt_sock s;
	struct rtt_slot slot[RTT_MAX_WINDOW];
	unsigned int out;
	uint64_t answers, lost, bad, polls, kicks0;
	uint64_t last_rx_ns;
	uint32_t rx_cur;	/* slot of the answer being read (it may come in
				 * pieces), RX_NOT_OURS, or RX_NEXT */
	struct latency_hist lat;
	uint64_t lba;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

/* The frame for slot i at chunk addr; returns its length. */
static uint32_t build_frame(struct rtt_run *r, unsigned int i, uint8_t *buf)
{
	const struct rtt_opts *o = r->o;
	uint32_t tag = AOE_TAG_USER_BIT | (uint32_t)r->slot[i].gen << 16 | i;

	if (o->mode == MODE_PING) {
		uint16_t type = htons(BENCH_REFLECT_ETHERTYPE);
		uint32_t magic = RTT_MAGIC;

		memcpy(buf, o->dst, 6);
		memcpy(buf + 6, r->s.mac, 6);
		memcpy(buf + 12, &type, 2);
		memcpy(buf + 14, &magic, 4);
		memcpy(buf + 18, &tag, 4);
		return o->bytes;
	}
	struct aoe_addr a = { .shelf = o->shelf, .slot = o->slot, .tag = tag };
	struct aoe_ata_args ata = { .aflags = AOE_AFL_EXT, .scnt = (uint8_t)o->sectors,
				    .cmdstat = ATA_CMD_READ_EXT, .lba = r->lba };

	memcpy(a.dst, o->dst, 6);
	memcpy(a.src, r->s.mac, 6);
	r->lba = (r->lba + o->sectors) % RTT_LBA_SPAN;
	return (uint32_t)aoe_build_ata(buf, RTT_CHUNK_SIZE, &a, &ata, NULL, 0);
}

/* Fills the window; one kick for all of it. */
static void send_free_slots(struct rtt_run *r, uint64_t now)
{
	uint32_t queued = 0;

	for (unsigned int i = 0; i < r->o->window && r->out < r->o->window; i++) {
		uint64_t addr;

		if (r->slot[i].sent_ns || !r->s.ntx_free)
			continue;
		addr = r->s.tx_free[r->s.ntx_free - 1];
		if (rtt_sock_put(&r->s, addr, build_frame(r, i, r->s.area + addr)))
			break;
		r->s.ntx_free--;
		r->slot[i].sent_ns = now;
		r->out++;
		queued++;
	}
	rtt_sock_kick(&r->s, queued);
}

/* The slot an answer's first piece belongs to, or RX_NOT_OURS (stale too). */
static uint32_t answer_slot(struct rtt_run *r, const uint8_t *p, uint32_t len)
{
	const struct rtt_opts *o = r->o;
	uint32_t tag;

	if (o->mode == MODE_PING) {
		uint32_t magic;

		if (len < 22 || memcmp(p, r->s.mac, 6))
			return RX_NOT_OURS;
		memcpy(&magic, p + 14, 4);
		memcpy(&tag, p + 18, 4);
		if (magic != RTT_MAGIC)
			return RX_NOT_OURS;
	} else {
		struct aoe_view v;
		struct aoe_ata_view a;
		const char *why;

		if (aoe_parse(p, len, &v, &why) || !aoe_is_response(&v) ||
		    aoe_parse_ata(&v, &a, &why) || (a.cmdstat & ATA_STATUS_ERRMASK))
			return RX_NOT_OURS;
		tag = v.tag;
	}
	if ((tag & 0xffff) >= o->window || r->slot[tag & 0xffff].gen != (uint16_t)(tag >> 16 & 0x7fff))
		return RX_NOT_OURS;
	return tag & 0xffff;
}

static void answer_done(struct rtt_run *r, uint32_t i, uint64_t now)
{
	if (i == RX_NOT_OURS || !r->slot[i].sent_ns) {
		r->bad++;
		return;
	}
	lat_add(&r->lat, now - r->slot[i].sent_ns);
	r->slot[i].sent_ns = 0;
	r->out--;
	r->answers++;
}

static unsigned int receive(struct rtt_run *r, uint64_t now)
{
	uint64_t back[RTT_RX_BATCH];
	uint32_t idx, n = xsk_ring_cons__peek(&r->s.rx, RTT_RX_BATCH, &idx);

	for (uint32_t k = 0; k < n; k++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&r->s.rx, idx + k);
		uint64_t addr = xsk_umem__add_offset_to_addr(d->addr);

		if (r->rx_cur == RX_NEXT)	/* an answer's first piece */
			r->rx_cur = answer_slot(r, r->s.area + addr, d->len);
		if (!(d->options & XDP_PKT_CONTD)) {
			answer_done(r, r->rx_cur, now);
			r->rx_cur = RX_NEXT;
		}
		back[k] = xsk_umem__extract_addr(d->addr) & ~(uint64_t)(RTT_CHUNK_SIZE - 1);
	}
	if (n) {
		xsk_ring_cons__release(&r->s.rx, n);
		rtt_sock_refill(&r->s, back, n);
		r->last_rx_ns = now;
	}
	return n;
}

/* Nothing for RTT_LOST_NS: what is out is lost; new generation. */
static void expire(struct rtt_run *r, uint64_t now)
{
	if (!r->out || now - r->last_rx_ns < RTT_LOST_NS)
		return;
	for (unsigned int i = 0; i < r->o->window; i++) {
		if (r->slot[i].sent_ns)
			r->lost++;
		r->slot[i].sent_ns = 0;
		r->slot[i].gen = (r->slot[i].gen + 1) & 0x7fff;
	}
	r->out = 0;
	r->last_rx_ns = now;
}

static void reset_counts(struct rtt_run *r)
{
	r->answers = r->lost = r->bad = r->polls = 0;
	r->kicks0 = r->s.kicks;
	memset(&r->lat, 0, sizeof(r->lat));
}

static double run_loop(struct rtt_run *r)
{
	uint64_t start = now_ns(), counted = start + RTT_WARMUP_NS;
	uint64_t end = counted + (uint64_t)r->o->seconds * NSEC, now = start;
	bool warm = false;

	r->last_rx_ns = start;
	r->rx_cur = RX_NEXT;
	while (!stop && now < end) {
		send_free_slots(r, now);
		rtt_sock_reap(&r->s);
		if (!receive(r, now_ns()) && !r->o->spin) {
			struct pollfd p = { .fd = r->s.fd, .events = POLLIN };

			r->polls++;
			poll(&p, 1, 10);
		}
		now = now_ns();
		expire(r, now);
		if (!warm && now >= counted) {
			reset_counts(r);
			warm = true;
			counted = now;
		}
	}
	return (double)(now - counted) / NSEC;
}

static void report(const struct rtt_run *r, double secs)
{
	const struct rtt_opts *o = r->o;
	double fps = secs > 0 ? (double)r->answers / secs : 0;
	unsigned long long kicks = (unsigned long long)(r->s.kicks - r->kicks0);

	if (o->json) {
		printf("{\"mode\":\"%s\",\"window\":%u,\"bytes\":%u,\"sectors\":%u,\"spin\":%s,"
		       "\"seconds\":%.3f,\"answers\":%llu,\"frames_per_s\":%.1f,"
		       "\"lat_p50_ns\":%llu,\"lat_p99_ns\":%llu,\"lat_p999_ns\":%llu,"
		       "\"lost\":%llu,\"bad\":%llu,\"kicks\":%llu,\"polls\":%llu}\n",
		       o->mode == MODE_PING ? "ping" : "aoe", o->window, o->bytes, o->sectors,
		       o->spin ? "true" : "false", secs, (unsigned long long)r->answers, fps,
		       (unsigned long long)lat_quantile(&r->lat, 0.50),
		       (unsigned long long)lat_quantile(&r->lat, 0.99),
		       (unsigned long long)lat_quantile(&r->lat, 0.999),
		       (unsigned long long)r->lost, (unsigned long long)r->bad, kicks,
		       (unsigned long long)r->polls);
		return;
	}
	printf("%s W=%u %.1fs: %.0f round trips/s, latency p50 %.1f us p99 %.1f us "
	       "p99.9 %.1f us, %llu lost, %llu kicks, %llu polls\n",
	       o->mode == MODE_PING ? "ping" : "aoe", o->window, secs, fps,
	       lat_quantile(&r->lat, 0.50) / 1e3, lat_quantile(&r->lat, 0.99) / 1e3,
	       lat_quantile(&r->lat, 0.999) / 1e3, (unsigned long long)r->lost, kicks,
	       (unsigned long long)r->polls);
}

static int usage(void)
{
	fputs("usage: xsk-rtt reflect IFACE [--skb]\n"
	      "       xsk-rtt ping IFACE MAC [options]\n"
	      "       xsk-rtt aoe IFACE MAC SHELF.SLOT [options]\n"
	      "options: -w/--window N (1..1024, default 1), -s/--seconds N (default 2),\n"
	      "         -b/--bytes N (ping frame size, 60..3840, default 1060),\n"
	      "         -n/--sectors N (aoe: per read, 1..7, default 2),\n"
	      "         --spin (never sleep in poll), --skb (generic XDP), --json\n", stderr);
	return 2;
}

static int parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct rtt_opts *o)
{
	static const struct option lo[] = {
		{ "window", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, 's' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "sectors", required_argument, NULL, 'n' },
		{ "spin", no_argument, NULL, 'S' },
		{ "skb", no_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c, err = 0;

	while (!err && (c = getopt_long(argc, argv, "w:s:b:n:", lo, NULL)) != -1) {
		switch (c) {
		case 'w': err = parse_uint(optarg, 1, RTT_MAX_WINDOW, &o->window); break;
		case 's': err = parse_uint(optarg, 1, 3600, &o->seconds); break;
		case 'b': err = parse_uint(optarg, 60, RTT_CHUNK_SIZE - 256, &o->bytes); break;
		case 'n': err = parse_uint(optarg, 1, 7, &o->sectors); break;
		case 'S': o->spin = true; break;
		case 'K': o->skb = true; break;
		case 'j': o->json = true; break;
		default: err = -EINVAL;
		}
	}
	return err;
}

static int reflect(const char *ifname, bool skb)
{
	struct rtt_sock s;

	if (rtt_reflect_attach(&s, ifname, skb))
		return 1;
	fprintf(stderr, "xsk-rtt: reflecting EtherType 0x%04x on %s until SIGTERM\n",
		BENCH_REFLECT_ETHERTYPE, ifname);
	while (!stop)
		pause();
	rtt_reflect_detach(&s);
	return 0;
}

static int measure(struct rtt_opts *o)
{
	static struct rtt_run r;	/* large: the histogram */
	double secs;

	r.o = o;
	if (rtt_sock_open(&r.s, o->ifname, o->mode == MODE_PING ? BENCH_REFLECT_ETHERTYPE
					      : AOE_ETHERTYPE, o->skb))
		return 1;
	secs = run_loop(&r);
	report(&r, secs);
	rtt_sock_close(&r.s);
	return r.answers ? 0 : 3;
}

static int parse_target(const char *s, struct rtt_opts *o)
{
	unsigned int shelf, slot;
	char tail;

	if (sscanf(s, "%u.%u%c", &shelf, &slot, &tail) != 2 || shelf >= 0xffff || slot >= 0xff)
		return -EINVAL;
	o->shelf = (uint16_t)shelf;
	o->slot = (uint8_t)slot;
	return 0;
}

int main(int argc, char **argv)
{
	struct rtt_opts o = { .window = 1, .seconds = 2, .bytes = 1060, .sectors = 2 };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *cmd = argc > 1 ? argv[1] : "";
	int npos = !strcmp(cmd, "reflect") ? 1 : !strcmp(cmd, "ping") ? 2 : !strcmp(cmd, "aoe") ? 3 : 0;
	char **pos;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* getopt moves the positional arguments behind the options. */
	if (!npos || parse_opts(argc - 1, argv + 1, &o) || argc - 1 - optind != npos)
		return usage();
	pos = argv + 1 + optind;
	o.ifname = pos[0];
	if (npos == 1)
		return reflect(o.ifname, o.skb);
	if (aoe_parse_mac(pos[1], o.dst) || (npos == 3 && parse_target(pos[2], &o)))
		return usage();
	o.mode = npos == 3 ? MODE_AOE : MODE_PING;
	return measure(&o);
}

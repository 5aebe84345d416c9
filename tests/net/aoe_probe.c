// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-probe: a tiny AoE initiator for network tests. Sends one kind of AoE
 * request over AF_PACKET and prints every matching answer as one line of
 * key=value pairs, so shell tests can grep them:
 *
 *   config e1.1 mac=... error=0 bufcnt=64 fwver=1 scnt=2 ccmd=0 cslen=5 cfg=hello
 *   ata e1.1 mac=... error=0 status=0x40 err=0x00 scnt=0 data=1024 [identify fields]
 *
 * With -x each answer line is followed by the frame itself, for checks on
 * raw bytes (offsets as on the wire, Ethernet header first):
 *
 *   raw len=36 hex=02000000000102...
 *
 * Exit status: 0 answered, 3 no answer, 4 an answer was malformed, 2 usage,
 * 1 setup failure. Answers are checked strictly: source, tag, command,
 * shelf.slot and exact length.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/aoe_codec.h"
#include "proto/ata_identify.h"

#define PROBE_FRAME_MAX		(AOE_ETH_HLEN + AOE_VLAN_HLEN + 65536)
#define PROBE_TIMEOUT_MS	500
#define PROBE_TAG		0x8a0e0000u	/* single requests */
#define BURST_TAG_BASE		0x40000000u	/* burst request i has tag base + i */
#define BURST_MAX		(1u << 24)
#define BURST_LBA_SPAN		1024	/* reads cycle over this many positions */
#define PROBE_RCVBUF		(8 << 20)
#define NS_PER_MS		1000000ull

enum { EXIT_ANSWERED = 0, EXIT_SETUP = 1, EXIT_USAGE = 2, EXIT_NO_ANSWER = 3, EXIT_MALFORMED = 4 };

struct probe {
	int fd;
	uint8_t mac[6];
	uint8_t dst[6];
	uint16_t shelf;
	uint8_t slot;
	unsigned int timeout_ms;
	bool all;		/* print every answer until the timeout */
	bool raw;		/* -x: print each answer's bytes too */
	uint8_t tx[PROBE_FRAME_MAX];
	uint8_t rx[PROBE_FRAME_MAX];
	int malformed;
};

/* What the answer to the request we sent must look like. */
struct expect {
	uint8_t cmd;
	uint32_t tag;
	size_t read_bytes;	/* ATA data expected on success */
	const char *out_path;	/* where read data goes */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int usage(void)
{
	fputs("Usage: aoe-probe -i IFACE [-t SHELF.SLOT] [-d MAC] [-w MS] [-a] [-x] COMMAND [ARGS]\n"
	      "  -t  target shelf.slot (default: broadcast)   -d  destination MAC (default: broadcast)\n"
	      "  -w  answer timeout in ms (default 500)       -a  print every answer until the timeout\n"
	      "  -x  print each answer's frame in hex too (a 'raw len=N hex=...' line)\n"
	      "Commands:\n"
	      "  config [read|test|prefix|set|fset|ccmd=N] [STRING]\n"
	      "  identify\n"
	      "  read LBA COUNT [--lba28] [-o FILE]\n"
	      "  write LBA COUNT (-p BYTE | -f FILE) [--lba28] [--data-sectors N]\n"
	      "  flush [ext]\n"
	      "  ata CMD [LBA [COUNT]]          raw ATA command, no data\n"
	      "  aoe CMD                        raw AoE command, no argument\n"
	      "  mask read | mask edit (add|del|nop|bad) MAC [...]\n"
	      "  reserve read | reserve (set|fset|rcmd=N) [MAC...]\n"
	      "  burst COUNT DEPTH [LBA] [-n SECTORS] [--list] [--linger]\n"
	      "                                 reads, DEPTH outstanding; --linger: after the\n"
	      "                                 last answer, listen for the timeout (duplicates)\n"
	      "  noise COUNT [SEED]             hostile requests: random lengths and fields\n"
	      "  train COUNT LBA [-g MS]        COUNT one-sector writes to LBA, write N (from 1)\n"
	      "                                 filled with byte N, MS apart, without waiting;\n"
	      "                                 prints each answer as it comes, until all came or\n"
	      "                                 none for the timeout, then the order of the answers\n",
	      stderr);
	return EXIT_USAGE;
}

static int open_socket(struct probe *p, const char *ifname)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(AOE_ETHERTYPE) };
	struct ifreq ifr = { 0 };
	int one = 1, rcvbuf = PROBE_RCVBUF;

	p->fd = socket(AF_PACKET, SOCK_RAW, htons(AOE_ETHERTYPE));
	if (p->fd < 0) {
		perror("aoe-probe: AF_PACKET socket (needs root)");
		return -1;
	}
	sll.sll_ifindex = (int)if_nametoindex(ifname);
	if (!sll.sll_ifindex || strlen(ifname) >= IFNAMSIZ) {
		fprintf(stderr, "aoe-probe: no interface '%s'\n", ifname);
		return -1;
	}
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("aoe-probe: SIOCGIFHWADDR");
		return -1;
	}
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, 6);
	setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		perror("aoe-probe: bind");
		return -1;
	}
	return 0;
}

static void request_addr(const struct probe *p, uint32_t tag, struct aoe_addr *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->dst, p->dst, 6);
	memcpy(a->src, p->mac, 6);
	a->shelf = p->shelf;
	a->slot = p->slot;
	a->tag = tag;
}

static int send_frame(struct probe *p, int len)
{
	if (len < 0) {
		fprintf(stderr, "aoe-probe: request does not fit a frame\n");
		return -1;
	}
	if (send(p->fd, p->tx, (size_t)len, 0) != len) {
		perror("aoe-probe: send");
		return -1;
	}
	return 0;
}

/* Next AoE answer within deadline; 0 on timeout, else its length. */
static ssize_t recv_frame(struct probe *p, uint64_t deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		uint64_t now = now_ns();
		ssize_t n;

		n = recv(p->fd, p->rx, sizeof(p->rx), MSG_DONTWAIT | MSG_TRUNC);
		if (n > (ssize_t)sizeof(p->rx)) {
			fprintf(stderr, "aoe-probe: %zd-byte frame does not fit our buffer\n", n);
			continue;
		}
		if (n > 0)
			return n;
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			perror("aoe-probe: recv");
			return -1;
		}
		if (now >= deadline)
			return 0;
		poll(&pfd, 1, (int)((deadline - now + NS_PER_MS - 1) / NS_PER_MS));
	}
}

static void print_prefix(const char *kind, const struct aoe_view *v)
{
	char mac[18];

	aoe_format_mac(mac, v->src);
	printf("%s e%u.%u mac=%s error=%u", kind, v->shelf, v->slot, mac,
	       (v->flags & AOE_FLAG_ERR) ? v->error : 0);
}

static void malformed(struct probe *p, const char *why)
{
	printf(" malformed=%s", why);
	p->malformed = 1;
}

static void print_identify(struct probe *p, const uint8_t *data, size_t len)
{
	struct ata_identity id;

	if (ata_identity_parse(data, len, &id)) {
		malformed(p, "identify-data");
		return;
	}
	printf(" sectors=%llu lba48=%d flush=%d flush_ext=%d model=\"%s\" serial=\"%s\" fw=\"%s\"",
	       (unsigned long long)id.sectors, id.lba48, id.flush, id.flush_ext, id.model,
	       id.serial, id.firmware);
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len) {
		perror("aoe-probe: writing the data file");
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static void show_ata(struct probe *p, const struct aoe_view *v, const struct expect *e,
		     size_t frame_len)
{
	struct aoe_ata_view a;
	const char *why;
	bool ok;
	size_t want_data;

	print_prefix("ata", v);
	if (aoe_parse_ata(v, &a, &why)) {
		malformed(p, why);
		return;
	}
	ok = !(v->flags & AOE_FLAG_ERR) && !(a.cmdstat & ATA_STATUS_ERRMASK);
	want_data = ok ? e->read_bytes : 0;
	printf(" status=0x%02x err=0x%02x scnt=%u data=%zu", a.cmdstat, a.errfeat, a.scnt,
	       want_data);
	if (!aoe_len_matches(frame_len, aoe_ata_rsp_len(v->has_vlan, want_data))) {
		malformed(p, "length");
		return;
	}
	if (!ok || !want_data)
		return;
	if (want_data == ATA_SECTOR_SIZE && !e->out_path)
		print_identify(p, a.data, want_data);
	if (e->out_path && write_file(e->out_path, a.data, want_data))
		p->malformed = 1;
}

static void print_cfgstr(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
}

static void show_config(struct probe *p, const struct aoe_view *v, size_t frame_len)
{
	struct aoe_cfg_view c;
	const char *why;

	print_prefix("config", v);
	if (aoe_parse_cfg(v, &c, &why)) {
		malformed(p, why);
		return;
	}
	printf(" bufcnt=%u fwver=%u scnt=%u aoever=%u ccmd=%u cslen=%u", c.bufcnt, c.fwver,
	       c.scnt, c.aoever, c.ccmd, c.cslen);
	if (!aoe_len_matches(frame_len, v->hdr_len + AOE_CFG_LEN + c.cslen))
		malformed(p, "length");
	printf(" cfg=");
	print_cfgstr(c.cfgstr, c.cslen);
}

static void print_macs(const uint8_t *macs, size_t stride, unsigned int n)
{
	char s[18];

	printf(" macs=");
	for (unsigned int i = 0; i < n; i++) {
		aoe_format_mac(s, macs + i * stride + (stride - 6));
		printf("%s%s", i ? "," : "", s);
	}
}

static void show_mask(struct probe *p, const struct aoe_view *v, size_t frame_len)
{
	struct aoe_mask_view m;
	const char *why;

	print_prefix("mask", v);
	if (aoe_parse_mask(v, &m, &why)) {
		malformed(p, why);
		return;
	}
	printf(" mcmd=%u merror=%u count=%u", m.mcmd, m.merror, m.dircount);
	print_macs((const uint8_t *)m.dirs, AOE_MASK_DIR_LEN, m.dircount);
	if (!aoe_len_matches(frame_len, v->hdr_len + AOE_MASK_LEN + m.dircount * AOE_MASK_DIR_LEN))
		malformed(p, "length");
}

static void show_reserve(struct probe *p, const struct aoe_view *v, size_t frame_len)
{
	struct aoe_reserve_view r;
	const char *why;

	print_prefix("reserve", v);
	if (aoe_parse_reserve(v, &r, &why)) {
		malformed(p, why);
		return;
	}
	printf(" rcmd=%u count=%u", r.rcmd, r.nmacs);
	print_macs(r.macs, 6, r.nmacs);
	if (!aoe_len_matches(frame_len, v->hdr_len + AOE_RESERVE_LEN + r.nmacs * 6u))
		malformed(p, "length");
}

static void print_raw(const uint8_t *frame, size_t len)
{
	printf("raw len=%zu hex=", len);
	for (size_t i = 0; i < len; i++)
		printf("%02x", frame[i]);
	putchar('\n');
}

static void show_answer(struct probe *p, const struct aoe_view *v, const struct expect *e,
			size_t len)
{
	if (v->flags & AOE_FLAG_ERR && v->cmd != AOE_CMD_CFG && v->cmd != AOE_CMD_ATA) {
		print_prefix("aoe", v);
		printf(" cmd=%u (%s)", v->cmd, aoe_error_str(v->error));
	} else if (v->cmd == AOE_CMD_ATA) {
		show_ata(p, v, e, len);
	} else if (v->cmd == AOE_CMD_CFG) {
		show_config(p, v, len);
	} else if (v->cmd == AOE_CMD_MASK) {
		show_mask(p, v, len);
	} else if (v->cmd == AOE_CMD_RESERVE) {
		show_reserve(p, v, len);
	} else {
		print_prefix("aoe", v);
		printf(" cmd=%u", v->cmd);
	}
	putchar('\n');
}

/* Is this frame an answer to what we sent? */
static bool is_our_answer(const struct probe *p, const struct aoe_view *v, uint8_t cmd,
			  uint32_t tag)
{
	return aoe_is_response(v) && v->tag == tag && v->cmd == cmd &&
	       (p->shelf == AOE_SHELF_BCAST || v->shelf == p->shelf) &&
	       (p->slot == AOE_SLOT_BCAST || v->slot == p->slot) &&
	       !memcmp(v->dst, p->mac, 6);
}

/* Sends the request in p->tx and prints the answers; returns the exit code. */
static int exchange(struct probe *p, int len, const struct expect *e)
{
	uint64_t deadline;
	int answers = 0;

	if (send_frame(p, len))
		return EXIT_SETUP;
	deadline = now_ns() + p->timeout_ms * NS_PER_MS;
	for (;;) {
		struct aoe_view v;
		const char *why;
		ssize_t n = recv_frame(p, deadline);

		if (n < 0)
			return EXIT_SETUP;
		if (n == 0)
			break;
		if (aoe_parse(p->rx, (size_t)n, &v, &why) || !is_our_answer(p, &v, e->cmd, e->tag))
			continue;
		show_answer(p, &v, e, (size_t)n);
		if (p->raw)
			print_raw(p->rx, (size_t)n);
		answers++;
		if (!p->all)
			break;
	}
	if (!answers)
		printf("no answer\n");
	fflush(stdout);
	if (p->malformed)
		return EXIT_MALFORMED;
	return answers ? EXIT_ANSWERED : EXIT_NO_ANSWER;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* --- commands ---------------------------------------------------------------- */

static int cmd_config(struct probe *p, int argc, char **argv)
{
	static const char *const names[] = { "read", "test", "prefix", "set", "fset" };
	struct aoe_cfg_args c = { .ccmd = AOE_CCMD_READ };
	struct expect e = { .cmd = AOE_CMD_CFG, .tag = PROBE_TAG };
	struct aoe_addr a;
	uint64_t v;

	if (argc > 0) {
		bool found = false;

		for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(argv[0], names[i])) {
				c.ccmd = (uint8_t)i;
				found = true;
			}
		if (!found && !(strncmp(argv[0], "ccmd=", 5) == 0 && !parse_u64(argv[0] + 5, &v) &&
				v < 16))
			return usage();
		if (!found)
			c.ccmd = (uint8_t)v;
	}
	if (argc > 1) {
		c.cfgstr = argv[1];
		c.cslen = (uint16_t)strlen(argv[1]);
	}
	request_addr(p, e.tag, &a);
	return exchange(p, aoe_build_cfg(p->tx, sizeof(p->tx), &a, &c), &e);
}

static int ata_request(struct probe *p, const struct aoe_ata_args *ata, const void *data,
		       size_t data_len, const struct expect *e)
{
	struct aoe_addr a;

	request_addr(p, e->tag, &a);
	return exchange(p, aoe_build_ata(p->tx, sizeof(p->tx), &a, ata, data, data_len), e);
}

static int cmd_identify(struct probe *p, int argc, char **argv)
{
	struct aoe_ata_args ata = { .scnt = 1, .cmdstat = ATA_CMD_IDENTIFY };
	struct expect e = { .cmd = AOE_CMD_ATA, .tag = PROBE_TAG, .read_bytes = ATA_SECTOR_SIZE };

	(void)argv;
	if (argc)
		return usage();
	return ata_request(p, &ata, NULL, 0, &e);
}

/* Options after the positional arguments of read/write/burst. */
struct rw_opts {
	bool lba28, list, linger;
	const char *out, *in;
	int pattern;		/* -1: none */
	uint64_t data_sectors;	/* UINT64_MAX: same as COUNT */
	uint64_t sectors;	/* burst: sectors per read */
};

static int parse_rw_opts(int argc, char **argv, struct rw_opts *o)
{
	uint64_t v;

	*o = (struct rw_opts){ .pattern = -1, .data_sectors = UINT64_MAX, .sectors = 1 };
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "--lba28")) {
			o->lba28 = true;
		} else if (!strcmp(arg, "--list")) {
			o->list = true;
		} else if (!strcmp(arg, "--linger")) {
			o->linger = true;
		} else if (!strcmp(arg, "-o") && val) {
			o->out = val;
			i++;
		} else if (!strcmp(arg, "-f") && val) {
			o->in = val;
			i++;
		} else if (!strcmp(arg, "-p") && !parse_u64(val, &v) && v < 256) {
			o->pattern = (int)v;
			i++;
		} else if (!strcmp(arg, "--data-sectors") && !parse_u64(val, &o->data_sectors)) {
			i++;
		} else if (!strcmp(arg, "-n") && !parse_u64(val, &o->sectors) && o->sectors &&
			   o->sectors < 256) {
			i++;
		} else {
			fprintf(stderr, "aoe-probe: bad option '%s'\n", arg);
			return -1;
		}
	}
	return 0;
}

static void set_lba(struct aoe_ata_args *ata, uint64_t lba, bool lba28, bool write)
{
	if (lba28) {
		ata->cmdstat = write ? ATA_CMD_WRITE : ATA_CMD_READ;
		ata->lba = aoe_lba28_encode((uint32_t)lba);
	} else {
		ata->cmdstat = write ? ATA_CMD_WRITE_EXT : ATA_CMD_READ_EXT;
		ata->aflags = AOE_AFL_EXT;
		ata->lba = lba;
	}
	if (write)
		ata->aflags |= AOE_AFL_WRITE;
}

static int cmd_read(struct probe *p, int argc, char **argv)
{
	struct aoe_ata_args ata = { 0 };
	struct expect e = { .cmd = AOE_CMD_ATA, .tag = PROBE_TAG };
	struct rw_opts o;
	uint64_t lba, count;

	if (argc < 2 || parse_u64(argv[0], &lba) || parse_u64(argv[1], &count) || count > 255 ||
	    parse_rw_opts(argc - 2, argv + 2, &o))
		return usage();
	set_lba(&ata, lba, o.lba28, false);
	ata.scnt = (uint8_t)count;
	e.read_bytes = count * ATA_SECTOR_SIZE;
	e.out_path = o.out ? o.out : "/dev/null";
	return ata_request(p, &ata, NULL, 0, &e);
}

static int load_data(const struct rw_opts *o, uint8_t *buf, size_t len)
{
	FILE *f;
	size_t got;

	if (o->pattern >= 0) {
		memset(buf, o->pattern, len);
		return 0;
	}
	f = o->in ? fopen(o->in, "rb") : NULL;
	if (!f) {
		fprintf(stderr, "aoe-probe: write needs -p BYTE or a readable -f FILE\n");
		return -1;
	}
	got = fread(buf, 1, len, f);
	fclose(f);
	if (got != len) {
		fprintf(stderr, "aoe-probe: %s holds fewer than %zu bytes\n", o->in, len);
		return -1;
	}
	return 0;
}

static int cmd_write(struct probe *p, int argc, char **argv)
{
	static uint8_t data[255 * ATA_SECTOR_SIZE];
	struct aoe_ata_args ata = { 0 };
	struct expect e = { .cmd = AOE_CMD_ATA, .tag = PROBE_TAG };
	struct rw_opts o;
	uint64_t lba, count, nsend;

	if (argc < 2 || parse_u64(argv[0], &lba) || parse_u64(argv[1], &count) || count > 255 ||
	    parse_rw_opts(argc - 2, argv + 2, &o))
		return usage();
	nsend = o.data_sectors == UINT64_MAX ? count : o.data_sectors;
	if (nsend > 255 || load_data(&o, data, nsend * ATA_SECTOR_SIZE))
		return EXIT_USAGE;
	set_lba(&ata, lba, o.lba28, true);
	ata.scnt = (uint8_t)count;
	return ata_request(p, &ata, data, nsend * ATA_SECTOR_SIZE, &e);
}

static int cmd_flush(struct probe *p, int argc, char **argv)
{
	struct aoe_ata_args ata = { .cmdstat = ATA_CMD_FLUSH };
	struct expect e = { .cmd = AOE_CMD_ATA, .tag = PROBE_TAG };

	if (argc > 0 && !strcmp(argv[0], "ext")) {
		ata.cmdstat = ATA_CMD_FLUSH_EXT;
		ata.aflags = AOE_AFL_EXT;
	} else if (argc > 0) {
		return usage();
	}
	return ata_request(p, &ata, NULL, 0, &e);
}

static int cmd_ata(struct probe *p, int argc, char **argv)
{
	struct aoe_ata_args ata = { .aflags = AOE_AFL_EXT };
	struct expect e = { .cmd = AOE_CMD_ATA, .tag = PROBE_TAG };
	uint64_t cmd, lba = 0, count = 0;

	if (argc < 1 || parse_u64(argv[0], &cmd) || cmd > 255 ||
	    (argc > 1 && parse_u64(argv[1], &lba)) ||
	    (argc > 2 && (parse_u64(argv[2], &count) || count > 255)))
		return usage();
	ata.cmdstat = (uint8_t)cmd;
	ata.lba = lba;
	ata.scnt = (uint8_t)count;
	return ata_request(p, &ata, NULL, 0, &e);
}

static int cmd_aoe(struct probe *p, int argc, char **argv)
{
	struct expect e = { .tag = PROBE_TAG };
	struct aoe_addr a;
	uint64_t cmd;
	int len;

	if (argc < 1 || parse_u64(argv[0], &cmd) || cmd > 255)
		return usage();
	e.cmd = (uint8_t)cmd;
	request_addr(p, e.tag, &a);
	len = aoe_put_header(p->tx, sizeof(p->tx), &a, e.cmd);
	if (len >= 0 && len < AOE_ETH_ZLEN) {
		memset(p->tx + len, 0, AOE_ETH_ZLEN - (size_t)len);
		len = AOE_ETH_ZLEN;
	}
	return exchange(p, len, &e);
}

static int cmd_mask(struct probe *p, int argc, char **argv)
{
	static const char *const dcmds[] = { "nop", "add", "del" };
	struct aoe_mask_dir dirs[255];
	struct expect e = { .cmd = AOE_CMD_MASK, .tag = PROBE_TAG };
	struct aoe_addr a;
	uint8_t mcmd, n = 0;

	if (argc < 1 || (strcmp(argv[0], "read") && strcmp(argv[0], "edit")))
		return usage();
	mcmd = !strcmp(argv[0], "edit") ? AOE_MCMD_EDIT : AOE_MCMD_READ;
	for (int i = 1; i + 1 < argc && n < 255; i += 2, n++) {
		dirs[n] = (struct aoe_mask_dir){ .dcmd = 0xff };	/* "bad" */
		for (uint8_t d = 0; d < 3; d++)
			if (!strcmp(argv[i], dcmds[d]))
				dirs[n].dcmd = d;
		if (aoe_parse_mac(argv[i + 1], dirs[n].mac))
			return usage();
	}
	request_addr(p, e.tag, &a);
	return exchange(p, aoe_build_mask(p->tx, sizeof(p->tx), &a, mcmd, 0, dirs, n), &e);
}

static int cmd_reserve(struct probe *p, int argc, char **argv)
{
	uint8_t macs[255][6];
	struct expect e = { .cmd = AOE_CMD_RESERVE, .tag = PROBE_TAG };
	struct aoe_addr a;
	uint64_t rcmd = AOE_RCMD_READ;
	uint8_t n = 0;

	if (argc < 1)
		return usage();
	if (!strcmp(argv[0], "set"))
		rcmd = AOE_RCMD_SET;
	else if (!strcmp(argv[0], "fset"))
		rcmd = AOE_RCMD_FSET;
	else if (!strncmp(argv[0], "rcmd=", 5) && !parse_u64(argv[0] + 5, &rcmd) && rcmd < 256)
		;
	else if (strcmp(argv[0], "read"))
		return usage();
	for (int i = 1; i < argc && n < 255; i++, n++)
		if (aoe_parse_mac(argv[i], macs[n]))
			return usage();
	request_addr(p, e.tag, &a);
	return exchange(p, aoe_build_reserve(p->tx, sizeof(p->tx), &a, (uint8_t)rcmd,
					     (const uint8_t (*)[6])macs, n), &e);
}

/* --- burst: many reads outstanding at once ---------------------------------- */

#define BURST_BATCH		64	/* frames per sendmmsg/recvmmsg */
#define BURST_REQ_LEN		AOE_ETH_ZLEN
#define BURST_RX_FRAME		(AOE_ETH_HLEN + AOE_VLAN_HLEN + 9216)

struct burst {
	uint64_t count, depth, lba;
	struct rw_opts o;
	uint8_t *answered;	/* per request: answered yet? */
	uint64_t sent, done, dups, errors, bad;
	uint64_t t_first, t_last;
	uint8_t tx[BURST_BATCH][BURST_REQ_LEN];
	uint8_t rx[BURST_BATCH][BURST_RX_FRAME];
	struct iovec tx_iov[BURST_BATCH], rx_iov[BURST_BATCH];
	struct mmsghdr tx_msg[BURST_BATCH], rx_msg[BURST_BATCH];
};

static void burst_init_batches(struct burst *b)
{
	for (int i = 0; i < BURST_BATCH; i++) {
		b->tx_iov[i] = (struct iovec){ b->tx[i], BURST_REQ_LEN };
		b->rx_iov[i] = (struct iovec){ b->rx[i], BURST_RX_FRAME };
		b->tx_msg[i].msg_hdr = (struct msghdr){ .msg_iov = &b->tx_iov[i], .msg_iovlen = 1 };
		b->rx_msg[i].msg_hdr = (struct msghdr){ .msg_iov = &b->rx_iov[i], .msg_iovlen = 1 };
	}
}

/* Tops the window up to depth outstanding requests, one sendmmsg per batch. */
static int burst_fill(struct probe *p, struct burst *b)
{
	while (b->sent < b->count && b->sent - b->done < b->depth) {
		unsigned int n = 0;

		while (n < BURST_BATCH && b->sent + n < b->count && b->sent + n - b->done < b->depth) {
			struct aoe_ata_args ata = { .scnt = (uint8_t)b->o.sectors };
			struct aoe_addr a;
			uint64_t i = b->sent + n;

			request_addr(p, BURST_TAG_BASE + (uint32_t)i, &a);
			set_lba(&ata, b->lba + (i % BURST_LBA_SPAN) * b->o.sectors, false, false);
			if (aoe_build_ata(b->tx[n], BURST_REQ_LEN, &a, &ata, NULL, 0) < 0)
				return -1;
			n++;
		}
		if (!b->sent)
			b->t_first = now_ns();
		for (unsigned int done = 0; done < n;) {
			int k = sendmmsg(p->fd, b->tx_msg + done, n - done, 0);

			if (k < 0) {
				perror("aoe-probe: sendmmsg");
				return -1;
			}
			done += (unsigned int)k;
		}
		b->sent += n;
	}
	return 0;
}

static void burst_account(struct probe *p, struct burst *b, const uint8_t *frame, size_t len)
{
	struct aoe_ata_view ata;
	struct aoe_view v;
	const char *why;
	uint64_t idx;

	if (aoe_parse(frame, len, &v, &why) || !aoe_is_response(&v) || v.cmd != AOE_CMD_ATA ||
	    v.tag < BURST_TAG_BASE || memcmp(v.dst, p->mac, 6))
		return;
	idx = v.tag - BURST_TAG_BASE;
	if (idx >= b->sent)
		return;
	if (b->answered[idx]) {
		b->dups++;
		return;
	}
	b->answered[idx] = 1;
	b->done++;
	b->t_last = now_ns();
	if ((v.flags & AOE_FLAG_ERR) || aoe_parse_ata(&v, &ata, &why) ||
	    (ata.cmdstat & ATA_STATUS_ERRMASK))
		b->errors++;
	else if (!aoe_len_matches(len, aoe_ata_rsp_len(v.has_vlan, b->o.sectors * ATA_SECTOR_SIZE)))
		b->bad++;
}

/* Takes in every answer waiting; 0 when none came within the timeout. */
static int burst_collect(struct probe *p, struct burst *b)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int n = recvmmsg(p->fd, b->rx_msg, BURST_BATCH, MSG_DONTWAIT, NULL);

	if (n < 0 && errno != EAGAIN && errno != EINTR) {
		perror("aoe-probe: recvmmsg");
		return -1;
	}
	if (n <= 0) {
		if (poll(&pfd, 1, (int)p->timeout_ms) <= 0)
			return 0;
		return 1;
	}
	for (int i = 0; i < n; i++)
		burst_account(p, b, b->rx[i], b->rx_msg[i].msg_len);
	return 1;
}

static void burst_report(const struct burst *b)
{
	double secs = b->t_last > b->t_first ? (double)(b->t_last - b->t_first) / 1e9 : 0;

	printf("burst sent=%llu answered=%llu dups=%llu errors=%llu malformed=%llu seconds=%.6f rate=%.0f",
	       (unsigned long long)b->sent, (unsigned long long)b->done,
	       (unsigned long long)b->dups, (unsigned long long)b->errors,
	       (unsigned long long)b->bad, secs, secs > 0 ? (double)b->done / secs : 0.0);
	if (b->o.list) {
		printf(" list=");
		for (uint64_t i = 0, first = 1; i < b->sent; i++)
			if (b->answered[i]) {
				printf("%s%llu", first ? "" : ",", (unsigned long long)i);
				first = 0;
			}
	}
	putchar('\n');
}

/*
 * Reads with depth outstanding; a lost answer does not refill the window,
 * so the burst ends when everything is answered or nothing came for the
 * timeout.
 */
static int cmd_burst(struct probe *p, int argc, char **argv)
{
	static struct burst b;
	bool has_lba = argc > 2 && argv[2][0] != '-';
	int rc = EXIT_ANSWERED, got;

	if (argc < 2 || parse_u64(argv[0], &b.count) || parse_u64(argv[1], &b.depth) ||
	    !b.count || b.count > BURST_MAX || !b.depth || (has_lba && parse_u64(argv[2], &b.lba)) ||
	    parse_rw_opts(argc - 2 - has_lba, argv + 2 + has_lba, &b.o))
		return usage();
	b.answered = calloc(b.count, 1);
	if (!b.answered)
		return EXIT_SETUP;
	burst_init_batches(&b);
	do {
		if (burst_fill(p, &b)) {
			rc = EXIT_SETUP;
			goto out;
		}
		if (b.done == b.count && !b.o.linger)
			break;
		got = burst_collect(p, &b);
	} while (got > 0);
	if (got < 0)
		rc = EXIT_SETUP;
	burst_report(&b);
	if (b.bad)
		rc = EXIT_MALFORMED;
	else if (!b.done && rc == EXIT_ANSWERED)
		rc = EXIT_NO_ANSWER;
out:
	free(b.answered);
	return rc;
}

/* --- noise: hostile requests -------------------------------------------------- */

#define NOISE_LEN_MAX		1514

static uint64_t noise_next(uint64_t *s)
{
	/* xorshift64: reproducible garbage from a seed */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Valid Ethernet and AoE version, everything else random: lengths from
 * nothing to a full frame, any command, any shelf.slot near the target's.
 * Mask and reserve requests are kept to reads, so that the noise cannot
 * lock us out of the target we check afterwards.
 */
static void noise_frame(struct probe *p, uint64_t *rng, size_t *len)
{
	uint8_t *f = p->tx;
	size_t n = noise_next(rng) % 4 ? AOE_FULL_HDR_LEN + noise_next(rng) % 64
				       : noise_next(rng) % (NOISE_LEN_MAX + 1);

	for (size_t i = 0; i < n; i++)
		f[i] = (uint8_t)noise_next(rng);
	if (n >= AOE_FULL_HDR_LEN) {
		struct aoe_addr a;
		uint8_t cmd = (uint8_t)(noise_next(rng) % 5);

		request_addr(p, (uint32_t)noise_next(rng), &a);
		if (noise_next(rng) % 2)
			a.slot = (uint8_t)noise_next(rng);
		aoe_put_header(f, sizeof(p->tx), &a, cmd == 4 ? (uint8_t)noise_next(rng) : cmd);
		if (noise_next(rng) % 8 == 0)
			f[AOE_ETH_HLEN] = (uint8_t)noise_next(rng);	/* version, flags */
		if ((f[19] == AOE_CMD_MASK || f[19] == AOE_CMD_RESERVE) && n > 25)
			f[f[19] == AOE_CMD_MASK ? 25 : 24] = 0;	/* mcmd / rcmd read */
		if (f[19] == AOE_CMD_ATA && n > 27 && noise_next(rng) % 2)
			f[27] = ATA_CMD_WRITE_EXT;	/* exercise the data length checks */
	}
	*len = n;
}

static int cmd_noise(struct probe *p, int argc, char **argv)
{
	uint64_t count, seed = 1;
	size_t len;

	if (argc < 1 || parse_u64(argv[0], &count) || (argc > 1 && parse_u64(argv[1], &seed)))
		return usage();
	if (!seed)
		seed = 1;
	for (uint64_t i = 0; i < count; i++) {
		noise_frame(p, &seed, &len);
		/* Frames shorter than an Ethernet header cannot be sent. */
		if (len >= AOE_ETH_HLEN && send(p->fd, p->tx, len, 0) < 0 && errno != ENOBUFS) {
			perror("aoe-probe: send");
			return EXIT_SETUP;
		}
	}
	printf("noise sent=%llu\n", (unsigned long long)count);
	return EXIT_ANSWERED;
}

/* --- train: writes in a row, answers in the order they come ----------------- */

#define TRAIN_TAG_BASE		0x50000000u	/* write n (from 1) has tag base + n */
#define TRAIN_MAX		255	/* write n carries byte n */
#define TRAIN_GAP_MS_MAX	10000

struct train {
	uint64_t count, gap_ms;
	uint64_t t_last_sent;
	uint8_t answered[TRAIN_MAX + 1];
	unsigned int order[TRAIN_MAX * 2];	/* duplicates too */
	unsigned int norder;
	uint64_t answered_count;
};

static int train_send(struct probe *p, struct train *t, unsigned int n, uint64_t lba)
{
	static uint8_t data[ATA_SECTOR_SIZE];
	struct aoe_ata_args ata = { .scnt = 1 };
	struct aoe_addr a;

	memset(data, (int)n, sizeof(data));
	set_lba(&ata, lba, false, true);
	request_addr(p, TRAIN_TAG_BASE + n, &a);
	if (send_frame(p, aoe_build_ata(p->tx, sizeof(p->tx), &a, &ata, data, sizeof(data))))
		return -1;
	t->t_last_sent = now_ns();
	return 0;
}

/* One answer line: n, status, and when it came (ms after the last write
 * went out; negative while writes were still being sent). */
static void train_account(struct probe *p, struct train *t, size_t len)
{
	struct aoe_ata_view ata;
	struct aoe_view v;
	const char *why;
	uint32_t n;

	if (aoe_parse(p->rx, len, &v, &why) || !aoe_is_response(&v) || v.cmd != AOE_CMD_ATA ||
	    v.tag <= TRAIN_TAG_BASE || v.tag > TRAIN_TAG_BASE + t->count ||
	    memcmp(v.dst, p->mac, 6))
		return;
	n = v.tag - TRAIN_TAG_BASE;
	if (t->norder < sizeof(t->order) / sizeof(t->order[0]))
		t->order[t->norder++] = n;
	printf("answer n=%u ms=%lld error=%u", n,
	       (long long)((int64_t)(now_ns() - t->t_last_sent) / (int64_t)NS_PER_MS),
	       (v.flags & AOE_FLAG_ERR) ? v.error : 0);
	if (!aoe_parse_ata(&v, &ata, &why))
		printf(" status=0x%02x", ata.cmdstat);
	printf("%s\n", t->answered[n] ? " dup" : "");
	fflush(stdout);
	t->answered_count += !t->answered[n];
	t->answered[n] = 1;
}

/* Takes in answers for wait_ms, or (quiet) until all came or none for
 * wait_ms; -1 on a socket error. */
static int train_collect(struct probe *p, struct train *t, uint64_t wait_ms, bool quiet)
{
	uint64_t deadline = now_ns() + wait_ms * NS_PER_MS;
	ssize_t n = 0;

	while (!(quiet && t->answered_count == t->count) && (n = recv_frame(p, deadline)) > 0) {
		train_account(p, t, (size_t)n);
		if (quiet)
			deadline = now_ns() + wait_ms * NS_PER_MS;
	}
	return n < 0 ? -1 : 0;
}

/*
 * For targets that hold requests (a pause, a stopped process): the answers
 * show which writes were executed, and in which order, and the sector
 * shows which came last.
 */
static int cmd_train(struct probe *p, int argc, char **argv)
{
	static struct train t;
	uint64_t lba;

	if (argc < 2 || parse_u64(argv[0], &t.count) || !t.count || t.count > TRAIN_MAX ||
	    parse_u64(argv[1], &lba))
		return usage();
	if (argc == 4 && !strcmp(argv[2], "-g") && !parse_u64(argv[3], &t.gap_ms) &&
	    t.gap_ms <= TRAIN_GAP_MS_MAX)
		;
	else if (argc != 2)
		return usage();
	for (unsigned int n = 1; n <= t.count; n++) {
		if (train_send(p, &t, n, lba))
			return EXIT_SETUP;
		if (n < t.count && t.gap_ms && train_collect(p, &t, t.gap_ms, false))
			return EXIT_SETUP;
	}
	printf("sent n=%llu\n", (unsigned long long)t.count);
	fflush(stdout);
	if (train_collect(p, &t, p->timeout_ms, true))
		return EXIT_SETUP;
	printf("train sent=%llu answered=%llu order=", (unsigned long long)t.count,
	       (unsigned long long)t.answered_count);
	for (unsigned int i = 0; i < t.norder; i++)
		printf("%s%u", i ? "," : "", t.order[i]);
	putchar('\n');
	return t.answered_count ? EXIT_ANSWERED : EXIT_NO_ANSWER;
}

/* --- main --------------------------------------------------------------------- */

static int parse_target(struct probe *p, const char *s)
{
	unsigned int shelf, slot;
	char extra;

	if (sscanf(s, "%u.%u%c", &shelf, &slot, &extra) != 2 || shelf > 0xffff || slot > 0xff)
		return -1;
	p->shelf = (uint16_t)shelf;
	p->slot = (uint8_t)slot;
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct probe *p, int argc, char **argv);
} commands[] = {
	{ "config", cmd_config }, { "identify", cmd_identify }, { "read", cmd_read },
	{ "write", cmd_write }, { "flush", cmd_flush }, { "ata", cmd_ata }, { "aoe", cmd_aoe },
	{ "mask", cmd_mask }, { "reserve", cmd_reserve }, { "burst", cmd_burst },
	{ "noise", cmd_noise }, { "train", cmd_train },
};

static int run_command(struct probe *p, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(p, argc - 1, argv + 1);
	return usage();
}

int main(int argc, char **argv)
{
	static struct probe p;
	const char *ifname = NULL;
	uint64_t ms;
	int c, rc;

	memset(p.dst, 0xff, 6);
	p.shelf = AOE_SHELF_BCAST;
	p.slot = AOE_SLOT_BCAST;
	p.timeout_ms = PROBE_TIMEOUT_MS;
	while ((c = getopt(argc, argv, "+i:t:d:w:ax")) != -1) {
		switch (c) {
		case 'i':
			ifname = optarg;
			break;
		case 't':
			if (parse_target(&p, optarg))
				return usage();
			break;
		case 'd':
			if (aoe_parse_mac(optarg, p.dst))
				return usage();
			break;
		case 'w':
			if (parse_u64(optarg, &ms) || ms > 600000)
				return usage();
			p.timeout_ms = (unsigned int)ms;
			break;
		case 'a':
			p.all = true;
			break;
		case 'x':
			p.raw = true;
			break;
		default:
			return usage();
		}
	}
	if (!ifname || optind >= argc)
		return usage();
	if (open_socket(&p, ifname))
		return EXIT_SETUP;
	rc = run_command(&p, argc - optind, argv + optind);
	close(p.fd);
	return rc;
}

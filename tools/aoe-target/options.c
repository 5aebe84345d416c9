// SPDX-License-Identifier: GPL-2.0
/* aoe-target command line: one table drives parsing and --help. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

#define TGT_VERSION		"0.1.0"
#define PCT_TO_PPM		10000.0	/* 1 % = 10000 parts per million */

enum opt_type {
	OPT_FLAG,	/* bool */
	OPT_UINT,	/* unsigned int in [min, max] */
	OPT_U64,	/* uint64_t; also sets the bool at set_off */
	OPT_STRING,	/* const char * into argv */
	OPT_PERCENT,	/* uint32_t parts per million, from 0..100 (fractions ok) */
	OPT_MAC,	/* appended to mac_allow */
	OPT_VERBOSITY,	/* verbosity = min */
};

struct opt_def {
	const char *name;
	char short_name;
	enum opt_type type;
	size_t off;
	const char *metavar;
	const char *help;
	unsigned long min, max;
	size_t set_off;
};

#define OFF(field)	offsetof(struct tgt_options, field)
#define FOFF(field)	offsetof(struct tgt_options, faults.field)

/* Table rows: long name, short name, where the value goes, metavar, help. */
#define FLAG(n, s, off_, h) \
	{ .name = n, .short_name = s, .type = OPT_FLAG, .off = off_, .help = h }
#define STRING(n, s, off_, mv, h) \
	{ .name = n, .short_name = s, .type = OPT_STRING, .off = off_, .metavar = mv, .help = h }
#define UINT(n, s, off_, mv, h, lo, hi) \
	{ .name = n, .short_name = s, .type = OPT_UINT, .off = off_, .metavar = mv, .help = h, \
	  .min = lo, .max = hi }
#define U64(n, off_, set, mv, h) \
	{ .name = n, .type = OPT_U64, .off = off_, .set_off = set, .metavar = mv, .help = h }
#define PERCENT(n, off_, h) \
	{ .name = n, .type = OPT_PERCENT, .off = off_, .metavar = "PCT", .help = h }
#define VERBOSITY(n, s, level, h) \
	{ .name = n, .short_name = s, .type = OPT_VERBOSITY, .off = OFF(verbosity), .help = h, \
	  .min = level }

static const struct opt_def opt_table[] = {
	STRING("interface", 'i', OFF(ifname), "IFACE", "Ethernet interface to serve on (required)"),
	UINT("bufcnt", 'b', OFF(bufcnt), "N", "buffer count to advertise (default 64)", 1, 65535),
	UINT("sectors", 's', OFF(sectors), "N",
	     "max sectors per ATA command to advertise (default: what fits the MTU)", 1,
	     TGT_SCNT_MAX),
	STRING("config", 'c', OFF(config), "STR", "initial config string (at most 1024 bytes)"),
	UINT("fwver", 0, OFF(fwver), "N", "firmware version to advertise (default 1)", 0, 65535),
	{ .name = "mac-allow", .short_name = 'm', .type = OPT_MAC, .metavar = "MAC",
	  .help = "answer only this initiator MAC (repeatable; default: everyone)" },
	FLAG("read-only", 'r', OFF(read_only), "refuse writes (ATA abort)"),
	STRING("pidfile", 0, OFF(pidfile), "PATH", "write our pid here once we are ready"),
	STRING("stats-file", 0, OFF(stats_file), "PATH",
	       "write counters as JSON here on exit and on SIGUSR2"),
	U64("seed", FOFF(seed), FOFF(seed_set), "N",
	    "fault injection seed (default: time-based, logged)"),
	PERCENT("drop", FOFF(drop_ppm), "drop this share of requests, unanswered"),
	PERCENT("dup", FOFF(dup_ppm), "answer this share of requests twice"),
	PERCENT("reorder", FOFF(reorder_ppm),
		"hold this share of answers until 1-3 later ones went out (100 ms at most)"),
	UINT("delay", 0, FOFF(delay_ms), "MS", "answer after MS milliseconds", 0, 3600000),
	UINT("jitter", 0, FOFF(jitter_ms), "MS", "vary the delay by up to +-MS", 0, 3600000),
	PERCENT("ata-error", FOFF(ata_error_ppm),
		"fail this share of READ/WRITE with ATA error status"),
	U64("stall-after", FOFF(stall_after), FOFF(stall_after_set), "N",
	    "stop answering after N ATA requests (SIGUSR1 resumes)"),
	FLAG("fault-all", 0, FOFF(fault_all),
	     "apply faults to config, mask and reserve requests too, not only ATA"),
	VERBOSITY("quiet", 'q', TGT_QUIET, "print errors only"),
	VERBOSITY("verbose", 'v', TGT_VERBOSE, "log every ignored frame"),
};

#define NOPTS (sizeof(opt_table) / sizeof(opt_table[0]))
enum { OPT_HELP = 'h', OPT_VERSION = 'V', OPT_FIRST_LONG = 0x100 };

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: " TGT_NAME " -i IFACE [options] SHELF.SLOT:BACKING [SHELF.SLOT:BACKING...]\n\n"
		"A fast ATA-over-Ethernet target for tests and benchmarks, with deterministic\n"
		"fault injection. BACKING is a file or block device, or ram:SIZE (e.g. ram:64M).\n"
		"SHELF is 0..65534, SLOT is 0..254.\n\nOptions:\n");
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt_def *d = &opt_table[i];
		char left[48];
		int n = 0;

		if (d->short_name)
			n = snprintf(left, sizeof(left), "-%c, ", d->short_name);
		n += snprintf(left + n, sizeof(left) - n, "--%s", d->name);
		if (d->metavar)
			snprintf(left + n, sizeof(left) - n, " %s", d->metavar);
		fprintf(out, "  %-24s %s\n", left, d->help);
	}
	fprintf(out, "  %-24s %s\n  %-24s %s\n", "-h, --help", "show this help", "-V, --version",
		"show the version");
	fprintf(out, "\nSignals: SIGUSR1 resumes from a stall, SIGUSR2 writes the stats file,\n"
		"SIGTERM/SIGINT exit (writing the stats file).\n");
}

static int bad_value(const struct opt_def *d, const char *arg, const char *want)
{
	fprintf(stderr, TGT_NAME ": --%s wants %s, got '%s'\n", d->name, want, arg);
	return -EINVAL;
}

static int parse_ulong(const char *arg, unsigned long long *v)
{
	char *end;

	if (!*arg || *arg == '-' || *arg == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(arg, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static int set_percent(const struct opt_def *d, uint32_t *ppm, const char *arg)
{
	char *end;
	double pct;

	errno = 0;
	pct = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(pct) || pct < 0 || pct > 100)
		return bad_value(d, arg, "a percentage in 0..100 (e.g. 0.5)");
	*ppm = (uint32_t)(pct * PCT_TO_PPM + 0.5);	/* round to nearest */
	return 0;
}

static int set_mac(struct tgt_options *o, const struct opt_def *d, const char *arg)
{
	if (o->nmac_allow == TGT_MASK_MAX) {
		fprintf(stderr, TGT_NAME ": at most %d --%s options\n", TGT_MASK_MAX, d->name);
		return -EINVAL;
	}
	if (aoe_parse_mac(arg, o->mac_allow[o->nmac_allow]))
		return bad_value(d, arg, "a MAC address like 02:00:00:00:00:01");
	if (tgt_mac_in(o->mac_allow, o->nmac_allow, o->mac_allow[o->nmac_allow]))
		return 0;
	o->nmac_allow++;
	return 0;
}

static int set_opt(struct tgt_options *o, const struct opt_def *d, const char *arg)
{
	char *field = (char *)o + d->off;
	unsigned long long v;

	switch (d->type) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_UINT:
		if (parse_ulong(arg, &v) || v < d->min || v > d->max) {
			char want[64];

			snprintf(want, sizeof(want), "a number in %lu..%lu", d->min, d->max);
			return bad_value(d, arg, want);
		}
		*(unsigned int *)field = (unsigned int)v;
		return 0;
	case OPT_U64:
		if (parse_ulong(arg, &v))
			return bad_value(d, arg, "a non-negative number");
		*(uint64_t *)field = v;
		*(bool *)((char *)o + d->set_off) = true;
		return 0;
	case OPT_STRING:
		*(const char **)field = arg;
		return 0;
	case OPT_PERCENT:
		return set_percent(d, (uint32_t *)field, arg);
	case OPT_MAC:
		return set_mac(o, d, arg);
	case OPT_VERBOSITY:
		*(enum tgt_verbosity *)field = (enum tgt_verbosity)d->min;
		return 0;
	}
	return -EINVAL;
}

/* "SHELF.SLOT:BACKING"; the backing may itself contain ':' (ram:64M). */
static int parse_dev_spec(const char *arg, struct tgt_dev_spec *spec)
{
	unsigned long shelf, slot;
	const char *colon = strchr(arg, ':');
	char *end;

	if (!colon || colon[1] == '\0')
		goto bad;
	if (arg[0] < '0' || arg[0] > '9')
		goto bad;
	errno = 0;
	shelf = strtoul(arg, &end, 10);
	if (errno || *end != '.' || end[1] < '0' || end[1] > '9')
		goto bad;
	slot = strtoul(end + 1, &end, 10);
	if (errno || end != colon)
		goto bad;
	if (shelf > TGT_SHELF_MAX || slot > TGT_SLOT_MAX) {
		fprintf(stderr, TGT_NAME ": '%s': shelf must be 0..%d and slot 0..%d (the largest values are broadcast)\n",
			arg, TGT_SHELF_MAX, TGT_SLOT_MAX);
		return -EINVAL;
	}
	spec->shelf = (uint16_t)shelf;
	spec->slot = (uint8_t)slot;
	spec->backing = colon + 1;
	return 0;
bad:
	fprintf(stderr, TGT_NAME ": '%s' is not SHELF.SLOT:BACKING (e.g. 1.0:/var/disk.img or 1.1:ram:64M)\n",
		arg);
	return -EINVAL;
}

static int parse_devs(struct tgt_options *o, int argc, char **argv)
{
	if (argc <= 0) {
		fprintf(stderr, TGT_NAME ": no SHELF.SLOT:BACKING given; see '" TGT_NAME " --help'\n");
		return -EINVAL;
	}
	if (argc > TGT_MAX_DEVS) {
		fprintf(stderr, TGT_NAME ": at most %d devices per target\n", TGT_MAX_DEVS);
		return -EINVAL;
	}
	for (int i = 0; i < argc; i++) {
		struct tgt_dev_spec *spec = &o->devs[o->ndevs];

		if (parse_dev_spec(argv[i], spec))
			return -EINVAL;
		for (unsigned int j = 0; j < o->ndevs; j++) {
			if (o->devs[j].shelf == spec->shelf && o->devs[j].slot == spec->slot) {
				fprintf(stderr, TGT_NAME ": shelf.slot %u.%u given twice\n",
					spec->shelf, spec->slot);
				return -EINVAL;
			}
		}
		o->ndevs++;
	}
	return 0;
}

static void set_defaults(struct tgt_options *o)
{
	memset(o, 0, sizeof(*o));
	o->bufcnt = TGT_BUFCNT_DEFAULT;
	o->fwver = TGT_FWVER_DEFAULT;
	o->verbosity = TGT_NORMAL;
}

static int check_options(const struct tgt_options *o)
{
	if (!o->ifname) {
		fprintf(stderr, TGT_NAME ": no interface: give -i IFACE (see '" TGT_NAME " --help')\n");
		return -EINVAL;
	}
	if (o->config && strlen(o->config) > AOE_CFG_STR_MAX) {
		fprintf(stderr, TGT_NAME ": --config is %zu bytes, at most %d are allowed\n",
			strlen(o->config), AOE_CFG_STR_MAX);
		return -EINVAL;
	}
	return 0;
}

int tgt_options_parse(struct tgt_options *o, int argc, char **argv)
{
	struct option lopts[NOPTS + 3];
	char sopts[2 * NOPTS + 4] = "+hV";
	size_t sl = strlen(sopts);
	int c;

	set_defaults(o);
	for (size_t i = 0; i < NOPTS; i++) {
		const struct opt_def *d = &opt_table[i];

		lopts[i] = (struct option){ d->name, d->metavar ? required_argument : no_argument,
					    NULL, OPT_FIRST_LONG + (int)i };
		if (d->short_name) {
			sopts[sl++] = d->short_name;
			if (d->metavar)
				sopts[sl++] = ':';
		}
	}
	sopts[sl] = '\0';
	lopts[NOPTS] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	lopts[NOPTS + 1] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	lopts[NOPTS + 2] = (struct option){ NULL, 0, NULL, 0 };

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		const struct opt_def *d = NULL;

		if (c == OPT_HELP) {
			print_help(stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			printf(TGT_NAME " " TGT_VERSION "\n");
			return 1;
		}
		if (c >= OPT_FIRST_LONG && c < OPT_FIRST_LONG + (int)NOPTS)
			d = &opt_table[c - OPT_FIRST_LONG];
		for (size_t i = 0; !d && c != '?' && i < NOPTS; i++)
			if (opt_table[i].short_name == c)
				d = &opt_table[i];
		if (!d) {
			fprintf(stderr, TGT_NAME ": unknown option or missing value: '%s'; see '" TGT_NAME " --help'\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (set_opt(o, d, optarg))
			return -EINVAL;
	}
	if (check_options(o))
		return -EINVAL;
	return parse_devs(o, argc - optind, argv + optind);
}

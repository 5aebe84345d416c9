// SPDX-License-Identifier: GPL-2.0
/* aoe-target command line: a lib/cli table drives parsing and --help. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "proto/ata_identify.h"
#include "target.h"

#define TGT_VERSION		"0.1.0"
#define PCT_TO_PPM		10000.0	/* 1 % = 10000 parts per million */
#define PCT_MAX			100.0
#define TGT_BUFCNT_MAX		65535	/* the config field is 16 bits */
#define TGT_FWVER_MAX		65535
#define TGT_DELAY_MS_MAX	3600000	/* an hour */
#define TGT_PAUSE_BACKLOG_MAX	TGT_HELD_MAX
#define EPILOG_MAX		2048
#define STR(x)			#x
#define XSTR(x)			STR(x)

/* CUSTOM --drop, --dup, ...: a percentage (fractions too) into a uint32_t
 * in parts per million. */
static int parse_percent(const struct cli_opt *o, void *field, const char *arg, char *want,
			 size_t len)
{
	char *end;
	double pct;

	(void)o;
	errno = 0;
	pct = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(pct) || pct < 0 || pct > PCT_MAX) {
		snprintf(want, len, "a percentage in 0..100 (e.g. 0.5)");
		return -EINVAL;
	}
	*(uint32_t *)field = (uint32_t)(pct * PCT_TO_PPM + 0.5);	/* round to nearest */
	return 0;
}

/* CUSTOM --mac-allow: one more MAC for a struct tgt_mac_list. */
static int parse_mac(const struct cli_opt *o, void *field, const char *arg, char *want,
		     size_t len)
{
	struct tgt_mac_list *list = field;
	uint8_t mac[AOE_ETH_ALEN];

	(void)o;
	if (aoe_parse_mac(arg, mac)) {
		snprintf(want, len, "a MAC address like 02:00:00:00:00:01");
		return -EINVAL;
	}
	if (tgt_mac_in(list->mac, list->n, mac))
		return 0;
	if (list->n == TGT_MASK_MAX) {
		snprintf(want, len, "at most %d different MACs", TGT_MASK_MAX);
		return -EINVAL;
	}
	memcpy(list->mac[list->n++], mac, AOE_ETH_ALEN);
	return 0;
}

/* CUSTOM --quirk: one more quirk by name into tgt_options.quirks. */
static int parse_quirk(const struct cli_opt *o, void *field, const char *arg, char *want,
		       size_t len)
{
	unsigned int *quirks = field, bit = quirk_bit(arg);

	(void)o;
	if (!strcmp(arg, "help"))
		bit = TGT_QUIRK_HELP;
	if (!bit) {
		snprintf(want, len, "a quirk name ('--quirk help' lists them)");
		return -EINVAL;
	}
	*quirks |= bit;
	return 0;
}

static const struct cli_enum_val io_vals[] = {
	{ "packet", PKT_MODE_PACKET },
	{ "xdp", PKT_MODE_XDP },
	{ "xdp-skb", PKT_MODE_XDP_SKB },
	{ NULL, 0 },
};

static const struct cli_opt tgt_opts[] = {
	CLI_OPT(struct tgt_options, STRING, ifname, "interface", 'i', "IFACE",
		"Ethernet interface to serve on (required)"),
	CLI_OPT(struct tgt_options, UINT, bufcnt, "bufcnt", 'b', "N", "buffer count to advertise",
		.min = 1, .max = TGT_BUFCNT_MAX, .def = TGT_BUFCNT_DEFAULT),
	CLI_OPT(struct tgt_options, UINT, sectors, "sectors", 's', "N",
		"max sectors per ATA command to advertise", .min = 1, .max = TGT_SCNT_MAX,
		.def_text = "as many as fit the MTU"),
	CLI_OPT(struct tgt_options, STRING, config, "config", 'c', "STR",
		"initial config string (at most " XSTR(AOE_CFG_STR_MAX) " bytes)"),
	CLI_OPT(struct tgt_options, UINT, fwver, "fwver", 0, "N", "firmware version to advertise",
		.min = 0, .max = TGT_FWVER_MAX, .def = TGT_FWVER_DEFAULT),
	CLI_OPT(struct tgt_options, CUSTOM, mac_allow, "mac-allow", 'm', "MAC",
		"answer only this initiator MAC; repeatable", .parse = parse_mac,
		.def_text = "everyone"),
	CLI_OPT(struct tgt_options, BOOL, read_only, "read-only", 'r', NULL,
		"refuse writes (ATA abort)"),
	CLI_OPT(struct tgt_options, ENUM, io_mode, "io", 0, "KIND",
		"packet: AF_PACKET; xdp: AF_XDP in copy mode with its own UMEM and XDP program "
		"(native; xdp-skb: generic XDP), queue 0 only", .enum_vals = io_vals,
		.def = PKT_MODE_PACKET),
	CLI_OPT(struct tgt_options, PATH, pidfile, "pidfile", 0, "PATH",
		"write our pid here once we are ready"),
	CLI_OPT(struct tgt_options, PATH, stats_file, "stats-file", 0, "PATH",
		"write counters as JSON here on exit and on SIGUSR2"),
	CLI_OPT(struct tgt_options, U64, faults.seed, "seed", 0, "N", "fault injection seed",
		.given = CLI_GIVEN(struct tgt_options, faults.seed_set),
		.def_text = "time-based, logged"),
	CLI_OPT(struct tgt_options, CUSTOM, faults.drop_ppm, "drop", 0, "PCT",
		"drop this share of requests, unanswered", .parse = parse_percent),
	CLI_OPT(struct tgt_options, CUSTOM, faults.dup_ppm, "dup", 0, "PCT",
		"answer this share of requests twice", .parse = parse_percent),
	CLI_OPT(struct tgt_options, CUSTOM, faults.reorder_ppm, "reorder", 0, "PCT",
		"hold this share of answers until 1-3 later ones went out (100 ms at most)",
		.parse = parse_percent),
	CLI_OPT(struct tgt_options, UINT, faults.delay_ms, "delay", 0, "MS",
		"answer after MS milliseconds", .min = 0, .max = TGT_DELAY_MS_MAX),
	CLI_OPT(struct tgt_options, UINT, faults.jitter_ms, "jitter", 0, "MS",
		"vary the delay by up to +-MS", .min = 0, .max = TGT_DELAY_MS_MAX),
	CLI_OPT(struct tgt_options, CUSTOM, faults.ata_error_ppm, "ata-error", 0, "PCT",
		"fail this share of READ/WRITE with ATA error status", .parse = parse_percent),
	CLI_OPT(struct tgt_options, U64, faults.stall_after, "stall-after", 0, "N",
		"stop answering after N ATA requests (SIGUSR1 resumes)",
		.given = CLI_GIVEN(struct tgt_options, faults.stall_after_set), .def_text = "never"),
	CLI_OPT(struct tgt_options, BOOL, faults.fault_all, "fault-all", 0, NULL,
		"apply faults to config, mask and reserve requests too, not only ATA"),
	CLI_OPT(struct tgt_options, U64, pause.after, "pause-after", 0, "N",
		"pause after N ATA requests: queue what comes, answer it on resume",
		.given = CLI_GIVEN(struct tgt_options, pause.after_set), .def_text = "never"),
	CLI_OPT(struct tgt_options, UINT, pause.ms, "pause-ms", 0, "MS",
		"end every pause after MS milliseconds (0: only SIGUSR1 does)", .min = 0,
		.max = TGT_DELAY_MS_MAX),
	CLI_OPT(struct tgt_options, UINT, pause.backlog, "pause-backlog", 0, "N",
		"requests a pause queues; later ones are dropped, as by a full socket buffer",
		.min = 0, .max = TGT_PAUSE_BACKLOG_MAX, .def = TGT_PAUSE_BACKLOG_DEFAULT),
	CLI_OPT(struct tgt_options, CUSTOM, quirks, "quirk", 0, "NAME",
		"answer like a real target does (list below); repeatable", .parse = parse_quirk),
	CLI_OPT(struct tgt_options, STRING, ident.serial, "serial", 0, "STR",
		"IDENTIFY serial number (at most " XSTR(ATA_ID_SERIAL_LEN) " characters)",
		.def_text = "eSHELF.SLOT"),
	CLI_OPT(struct tgt_options, STRING, ident.model, "model", 0, "STR",
		"IDENTIFY model (at most " XSTR(ATA_ID_MODEL_LEN) " characters)",
		.def_text = TGT_ID_MODEL),
	CLI_OPT(struct tgt_options, STRING, ident.firmware, "firmware", 0, "STR",
		"IDENTIFY firmware revision (at most " XSTR(ATA_ID_FW_LEN) " characters)",
		.def_text = TGT_ID_FIRMWARE),
	CLI_OPT(struct tgt_options, BOOL, ident.no_flush, "no-flush", 0, NULL,
		"IDENTIFY announces neither FLUSH CACHE nor FLUSH CACHE EXT"),
	CLI_OPT(struct tgt_options, SET, log_level, "quiet", 'q', NULL, "print errors only",
		.value = LOG_LVL_ERROR, .def = LOG_LVL_INFO),
	CLI_OPT(struct tgt_options, SET, log_level, "verbose", 'v', NULL, "log every ignored frame",
		.value = LOG_LVL_DEBUG, .def = LOG_LVL_INFO),
	CLI_OPT_END,
};

static char epilog_buf[EPILOG_MAX];

static void fill_epilog(void)
{
	size_t off = (size_t)snprintf(epilog_buf, sizeof(epilog_buf),
		"A pause (--pause-after, SIGTSTP) acts as a stopped process: requests wait,\n"
		"up to --pause-backlog of them, and on resume (SIGUSR1, --pause-ms) they are\n"
		"executed and answered in arrival order. A stall (--stall-after) drops them.\n"
		"A real SIGSTOP leaves requests in the RX ring, as many as it has frames\n"
		"(logged at start); SIGCONT executes them in order.\n"
		"\n"
		"Signals: SIGUSR1 ends a stall or a pause, SIGTSTP starts a pause, SIGUSR2\n"
		"writes the stats file, SIGTERM/SIGINT exit (writing the stats file).\n"
		"\n"
		"Quirks (--quirk NAME):\n");

	if (off < sizeof(epilog_buf))
		quirk_format_list(epilog_buf + off, sizeof(epilog_buf) - off);
	off = strlen(epilog_buf);
	if (off && epilog_buf[off - 1] == '\n')
		epilog_buf[off - 1] = '\0';	/* the help printer ends the line */
}

static const struct cli_cmd tgt_cmd = {
	.usage = "SHELF.SLOT:BACKING [SHELF.SLOT:BACKING...]",
	.summary = "A fast ATA-over-Ethernet target for tests and benchmarks, with deterministic\n"
		   "fault injection. BACKING is a file or block device, or ram:SIZE (e.g. ram:64M).\n"
		   "SHELF is 0.." XSTR(TGT_SHELF_MAX) ", SLOT is 0.." XSTR(TGT_SLOT_MAX) ".",
	.epilog = epilog_buf,	/* fill_epilog(): the quirk list comes from its table */
	.version = TGT_VERSION,
	.min_args = 1,
	.max_args = TGT_MAX_DEVS,
	.opts = tgt_opts,
	.cfg_size = sizeof(struct tgt_options),
};

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
		pr_err("'%s': shelf must be 0..%d and slot 0..%d (the largest values are broadcast)\n",
		       arg, TGT_SHELF_MAX, TGT_SLOT_MAX);
		return -EINVAL;
	}
	spec->shelf = (uint16_t)shelf;
	spec->slot = (uint8_t)slot;
	spec->backing = colon + 1;
	return 0;
bad:
	pr_err("'%s' is not SHELF.SLOT:BACKING (e.g. 1.0:/var/disk.img or 1.1:ram:64M)\n", arg);
	return -EINVAL;
}

/* The count is the table's business (min_args, max_args). */
static int parse_devs(struct tgt_options *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		struct tgt_dev_spec *spec = &o->devs[o->ndevs];

		if (parse_dev_spec(argv[i], spec))
			return -EINVAL;
		for (unsigned int j = 0; j < o->ndevs; j++) {
			if (o->devs[j].shelf == spec->shelf && o->devs[j].slot == spec->slot) {
				pr_err("shelf.slot %u.%u given twice\n", spec->shelf, spec->slot);
				return -EINVAL;
			}
		}
		o->ndevs++;
	}
	return 0;
}

static int check_length(const char *opt, const char *s, size_t max)
{
	if (!s || strlen(s) <= max)
		return 0;
	pr_err("--%s is %zu characters, IDENTIFY holds at most %zu: shorten it\n", opt,
	       strlen(s), max);
	return -EINVAL;
}

/* The builder would cut longer strings silently: a test comparing the
 * identity it asked for would then chase a mismatch it did not make. */
static int check_identity(const struct tgt_identity *id)
{
	if (check_length("serial", id->serial, ATA_ID_SERIAL_LEN) ||
	    check_length("model", id->model, ATA_ID_MODEL_LEN) ||
	    check_length("firmware", id->firmware, ATA_ID_FW_LEN))
		return -EINVAL;
	return 0;
}

static int check_options(const struct tgt_options *o)
{
	if (!o->ifname) {
		pr_err("no interface: give -i IFACE (see '" TGT_NAME " --help')\n");
		return -EINVAL;
	}
	if (o->config && strlen(o->config) > AOE_CFG_STR_MAX) {
		pr_err("--config is %zu bytes, at most %d are allowed\n", strlen(o->config),
		       AOE_CFG_STR_MAX);
		return -EINVAL;
	}
	if (__builtin_popcount(o->quirks & TGT_QUIRKS_FLUSH_ANSWER) > 1) {
		pr_err("give at most one of --quirk flush-echo, flush-abort, flush-badarg and flush-status0: each says how FLUSH is answered\n");
		return -EINVAL;
	}
	return check_identity(&o->ident);
}

/* --quirk help: the list, instead of whatever else the words lacked. */
static void print_quirks(void)
{
	char list[EPILOG_MAX];

	quirk_format_list(list, sizeof(list));
	printf("Quirks (--quirk NAME, repeatable):\n%s", list);
}

/* cli_parse() with its messages held back: `--quirk help` alone lacks the
 * interface and devices, and should print the list, not complain. */
static int parse_words(struct tgt_options *o, int argc, char **argv, char **pos, int *npos)
{
	struct cli_env env = { .prog = TGT_NAME, .out = stdout, .err = stderr };
	char *msgs = NULL;
	size_t msgs_len = 0;
	FILE *held = open_memstream(&msgs, &msgs_len);
	int err;

	if (held)
		env.err = held;
	err = cli_parse(&env, &tgt_cmd, o, argc, argv, pos, npos);
	if (held)
		fclose(held);
	if (err != 1 && (o->quirks & TGT_QUIRK_HELP)) {
		print_quirks();
		err = 1;
	} else if (msgs) {
		fputs(msgs, stderr);
	}
	free(msgs);
	return err;
}

int tgt_options_parse(struct tgt_options *o, int argc, char **argv)
{
	char **pos = calloc((size_t)argc, sizeof(*pos));
	int npos, err;

	if (!pos) {
		pr_err("out of memory\n");
		return -ENOMEM;
	}
	memset(o, 0, sizeof(*o));
	fill_epilog();
	err = parse_words(o, argc, argv, pos, &npos);
	if (!err)
		err = check_options(o);
	if (!err)
		err = parse_devs(o, npos, pos);
	free(pos);
	return err;
}

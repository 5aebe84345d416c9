// SPDX-License-Identifier: GPL-2.0
/* Option tables of the commands the daemon answers (see commands.h). */
#include <errno.h>
#include <stdio.h>

#include "commands.h"
#include "proto/aoe_codec.h"
#include "xdp/frame_pool.h"
#include "xdp/iface.h"
#include "xdp/xdp_prog.h"

static const struct cli_enum_val mode_vals[] = {
	{ "auto", AOE_XDP_MODE_AUTO },
	{ "native", AOE_XDP_MODE_NATIVE },
	{ "skb", AOE_XDP_MODE_SKB },
	{ NULL, 0 },
};

static const struct cli_enum_val export_vals[] = {
	{ "auto", EXPORT_AUTO },
	{ "ublk", EXPORT_UBLK },
	{ "fuse", EXPORT_FUSE },
	{ "none", EXPORT_NONE },
	{ NULL, 0 },
};

static int parse_select_opt(const struct cli_opt *o, void *field, const char *arg, char *want,
			    size_t want_len)
{
	char why[128];

	(void)o;
	if (!aoe_select_parse(arg, field, why, sizeof(why)))
		return 0;
	snprintf(want, want_len, "shelf.slot items like 1.1,3,1.0-7,2-4 (%s)", why);
	return -EINVAL;
}

#define SELECT_OPTS(T, what)									\
	CLI_OPT(T, CUSTOM, only, "only", 0, "LIST",						\
		what " only these shelf.slots: S.N, S (a shelf), S.N-M, S-T, comma-separated; "	\
		"may be given again", .parse = parse_select_opt),				\
	CLI_OPT(T, CUSTOM, exclude, "exclude", 0, "LIST",					\
		what " none of these shelf.slots (as --only); wins over --only",		\
		.parse = parse_select_opt)

static const struct cli_opt attach_opts[] = {
	CLI_OPT(struct attach_opts, ENUM, export, "export", 'e', "KIND",
		"how devices appear; auto is ublk where the kernel has it, else fuse",
		.enum_vals = export_vals, .def = EXPORT_AUTO),
	CLI_OPT(struct attach_opts, UINT, ublk_depth, "ublk-depth", 0, "N", "ublk queue depth",
		.min = 1, .max = 4096, .def = UBLK_DEPTH_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, ublk_max_io_kb, "ublk-max-io-kb", 0, "KB",
		"largest ublk request", .min = 4, .max = 4096, .def = UBLK_MAX_IO_DEFAULT / 1024),
	CLI_OPT(struct attach_opts, PATH, fuse_dir, "fuse-dir", 0, "DIR",
		"directory of the FUSE export", .def_text = "$" AOE_RUN_DIR_ENV "/" FUSE_SUBDIR),
	CLI_OPT(struct attach_opts, UINT, dead_timeout, "dead-timeout", 'd', "SEC",
		"fail I/O after a frame goes unanswered this long; 0 never",
		.min = 0, .max = 86400, .def = DEAD_TIMEOUT_DEFAULT_S),
	CLI_OPT(struct attach_opts, ENUM, mode, "mode", 'm', "MODE", "XDP attach mode",
		.enum_vals = mode_vals, .def = AOE_XDP_MODE_AUTO),
	CLI_OPT(struct attach_opts, BOOL, foreground, "foreground", 'f', NULL,
		"stay in the foreground (systemd)"),
	CLI_OPT(struct attach_opts, STRING, ctl_group, "ctl-group", 0, "GROUP",
		"besides root, members of GROUP (a name or number) may run 'aoe-xdp stat'"),
	CLI_OPT(struct attach_opts, UINT, pool_max, "pool-max", 0, "N",
		"spare TX frames per device", .min = 1, .max = 65536, .def = POOL_MAX_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, timeout, "timeout", 't', "SEC",
		"wait this long for targets to answer before returning",
		.min = 1, .max = 3600, .def = ATTACH_TIMEOUT_DEFAULT_S),
	CLI_OPT(struct attach_opts, UINT, rto_min_ms, "rto-min-ms", 0, "MS",
		"lower bound of the retransmit timeout",
		.min = 1, .max = 60000, .def = RTO_MIN_US_DEFAULT / 1000),
	CLI_OPT(struct attach_opts, UINT, rto_max_ms, "rto-max-ms", 0, "MS",
		"upper bound of the retransmit timeout",
		.min = 1, .max = 600000, .def = RTO_MAX_US_DEFAULT / 1000),
	CLI_OPT(struct attach_opts, UINT, rediscover, "rediscover", 0, "SEC",
		"seconds between discovery broadcasts; 0 only on demand",
		.min = 0, .max = 86400, .def = REDISCOVER_DEFAULT_S),
	CLI_OPT(struct attach_opts, UINT, busy_poll_us, "busy-poll-us", 0, "US",
		"with I/O in flight, spin this long for answers before sleeping",
		.min = 0, .max = 10000, .def = BUSY_POLL_US_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, tx_chunks, "tx-chunks", 0, "N",
		"UMEM chunks for sending, per interface",
		.min = 256, .max = 262144, .def = IFACE_TX_CHUNKS_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, write_guard, "write-guard", 0, "SEC",
		"keep guarding writes a target may still execute this long (README: data "
		"integrity); 0 off", .min = 0, .max = 86400, .def = WRITE_GUARD_DEFAULT_S),
	CLI_OPT(struct attach_opts, UINT, write_guard_mb, "write-guard-mb", 0, "MB",
		"memory for newer data kept over such writes", .min = 1, .max = 4096,
		.def = GUARD_MB_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, pmtu_probe, "pmtu-probe", 0, "SEC",
		"a path that fell back to smaller frames (their big ones vanished on the "
		"way) tries a larger size again this often; 0 never", .min = 0, .max = 86400,
		.def = PMTU_PROBE_DEFAULT_S),
	CLI_OPT(struct attach_opts, STRING, metrics_listen, "metrics-listen", 0, "ADDR:PORT",
		"serve Prometheus metrics at http://ADDR:PORT/metrics (ADDR may be empty "
		"for all, or [IPv6])"),
	SELECT_OPTS(struct attach_opts, "keep and export"),
	CLI_OPT(struct attach_opts, UINT, max_devices, "max-devices", 0, "N",
		"devices kept at most (README: on a shared segment)", .min = 1, .max = 65536,
		.def = MAX_DEVICES_DEFAULT),
	CLI_OPT(struct attach_opts, UINT, max_targets, "max-targets", 0, "N",
		"targets (MAC addresses) kept per device", .min = 1, .max = AOE_MAX_TARGETS,
		.def = AOE_MAX_TARGETS),
	CLI_OPT(struct attach_opts, UINT, max_paths, "max-paths", 0, "N",
		"paths (interface, VLAN) kept per target", .min = 1, .max = AOE_MAX_PATHS,
		.def = AOE_MAX_PATHS),
	CLI_OPT(struct attach_opts, UINT, forget_unidentified, "forget-unidentified", 0, "SEC",
		"forget a shelf.slot whose targets never answer IDENTIFY after this long; 0 never",
		.min = 0, .max = 86400, .def = FORGET_UNIDENTIFIED_DEFAULT_S),
	CLI_OPT(struct attach_opts, UINT, forget_gone, "forget-gone", 0, "SEC",
		"free a device never exported, or a target out of service, not heard from "
		"this long; 0 never", .min = 0, .max = 604800, .def = FORGET_GONE_DEFAULT_S),
	CLI_OPT_END,
};

const struct cli_cmd attach_cmd = {
	.name = "attach",
	.usage = "IFACE [IFACE...]",
	.summary = "Start the daemon on the interfaces (or add them to it), export every "
		   "device found, print them.",
	.epilog = "With a daemon running, attach adds the interfaces to it and only --timeout "
		  "applies:\nthe other options set a daemon up as it starts.",
	.min_args = 1,
	.args = CLI_ARGS_IFACES,
	.opts = attach_opts,
	.cfg_size = sizeof(struct attach_opts),
};

static const struct cli_opt detach_opts[] = {
	CLI_OPT(struct detach_opts, BOOL, all, "all", 'a', NULL,
		"detach every interface and stop the daemon"),
	CLI_OPT_END,
};

const struct cli_cmd detach_cmd = {
	.name = "detach",
	.usage = "[IFACE...]",
	.summary = "Detach interfaces; detaching the last stops the daemon after failing "
		   "what is in flight.",
	.args = CLI_ARGS_IFACES,
	.opts = detach_opts,
	.cfg_size = sizeof(struct detach_opts),
};

static const struct cli_opt discover_opts[] = {
	CLI_OPT(struct discover_opts, UINT, timeout, "timeout", 't', "SEC",
		"seconds to wait for answers", .min = 1, .max = 3600,
		.def = DISCOVER_TIMEOUT_DEFAULT_S),
	CLI_OPT(struct discover_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT(struct discover_opts, ENUM, mode, "mode", 'm', "MODE", "XDP attach mode",
		.enum_vals = mode_vals, .def = AOE_XDP_MODE_AUTO),
	SELECT_OPTS(struct discover_opts, "mark what attach would leave out: it keeps"),
	CLI_OPT_END,
};

const struct cli_cmd discover_cmd = {
	.name = "discover",
	.usage = "IFACE [IFACE...]",
	.summary = "Find the AoE disks reachable on the interfaces and describe them.",
	.min_args = 1,
	.args = CLI_ARGS_IFACES,
	.opts = discover_opts,
	.cfg_size = sizeof(struct discover_opts),
};

static const struct cli_opt stat_opts[] = {
	CLI_OPT(struct stat_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT(struct stat_opts, BOOL, prometheus, "prometheus", 'p', NULL,
		"print OpenMetrics text for Prometheus (what --metrics-listen serves)"),
	CLI_OPT_END,
};

const struct cli_cmd stat_cmd = {
	.name = "stat",
	.summary = "Show devices (aoe-stat style), targets, windows, RTT, frame pools and "
		   "counters of the running daemon.",
	.opts = stat_opts,
	.cfg_size = sizeof(struct stat_opts),
};

static const struct cli_opt revalidate_opts[] = {
	CLI_OPT(struct revalidate_opts, UINT, timeout, "timeout", 't', "SEC",
		"wait this long for an IDENTIFY answer", .min = 1, .max = 3600,
		.def = REVALIDATE_TIMEOUT_DEFAULT_S),
	CLI_OPT_END,
};

const struct cli_cmd revalidate_cmd = {
	.name = "revalidate",
	.usage = "eS.N",
	.summary = "Accept the disk a device's targets serve now as its identity (a disk "
		   "replaced or resized on purpose); the export follows.",
	.epilog = "A device keeps the identity its first IDENTIFY gave; a target serving "
		  "another disk\ngets no I/O and the device stays down until this is run.",
	.min_args = 1,
	.max_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = revalidate_opts,
	.cfg_size = sizeof(struct revalidate_opts),
};

/* --- aoetools' verbs ------------------------------------------------------------ */

static int parse_mac_opt(const struct cli_opt *o, void *field, const char *arg, char *want,
			 size_t want_len)
{
	struct mac_opt *m = field;

	(void)o;
	if (!aoe_parse_mac(arg, m->mac))
		return 0;
	snprintf(want, want_len, "a MAC address like 02:00:5e:10:00:01");
	return -EINVAL;
}

static const struct cli_opt flush_opts[] = {
	CLI_OPT(struct flush_opts, BOOL, all, "all", 'a', NULL,
		"every device that is not in use, not only those down or failed"),
	CLI_OPT(struct flush_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT(struct flush_opts, UINT, timeout, "timeout", 't', "SEC",
		"wait this long for exports to go", .min = 1, .max = 600,
		.def = FLUSH_TIMEOUT_DEFAULT_S),
	CLI_OPT_END,
};

const struct cli_cmd flush_cmd = {
	.name = "flush",
	.usage = "[eS.N...]",
	.summary = "Forget devices that are down or failed (all that are not in use with -a, or "
		   "the ones named), as aoe-flush does; their exports go first.",
	.epilog = "A device in use is kept: mounted or held (its export), or with I/O in "
		  "flight.\nA target that answers a later discovery makes it again.",
	.args = CLI_ARGS_DEVICES,
	.opts = flush_opts,
	.cfg_size = sizeof(struct flush_opts),
};

#define ADMIN_TIMEOUT_OPT(T)								\
	CLI_OPT(T, UINT, timeout_ms, "timeout-ms", 't', "MS",				\
		"how long each target gets to answer", .min = 1, .max = 60000,		\
		.def = ADMIN_TIMEOUT_MS_DEFAULT)

static const struct cli_opt config_opts[] = {
	CLI_OPT(struct config_opts, STRING, set, "set", 's', "STR",
		"set the config string where none is set"),
	CLI_OPT(struct config_opts, STRING, force_set, "force-set", 'f', "STR",
		"set the config string, replacing any"),
	CLI_OPT(struct config_opts, STRING, test, "test", 0, "STR",
		"ask whether the config string is exactly STR"),
	CLI_OPT(struct config_opts, STRING, prefix, "prefix", 0, "STR",
		"ask whether the config string begins with STR"),
	ADMIN_TIMEOUT_OPT(struct config_opts),
	CLI_OPT(struct config_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT_END,
};

const struct cli_cmd config_cmd = {
	.name = "config",
	.usage = "eS.N",
	.summary = "Read or change the config string of each target of a device (AoE Query "
		   "Config Information, as aoecfg does).",
	.epilog = "Without an option it reads. A target whose string does not match --test or "
		  "--prefix\nstays silent (the protocol's answer): exit 0 when one matched.",
	.min_args = 1,
	.max_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = config_opts,
	.cfg_size = sizeof(struct config_opts),
};

static const struct cli_opt mask_opts[] = {
	CLI_OPT(struct mask_opts, CUSTOM, add, "add", 'a', "MAC",
		"allow initiator MAC (once the list is not empty, only those listed may "
		"use the target)", .parse = parse_mac_opt,
		.given = CLI_GIVEN(struct mask_opts, add_given)),
	CLI_OPT(struct mask_opts, CUSTOM, del, "del", 'd', "MAC", "take MAC off the list",
		.parse = parse_mac_opt, .given = CLI_GIVEN(struct mask_opts, del_given)),
	CLI_OPT(struct mask_opts, BOOL, list, "list", 'l', NULL, "show the list (what it does "
		"without an option)"),
	ADMIN_TIMEOUT_OPT(struct mask_opts),
	CLI_OPT(struct mask_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT_END,
};

const struct cli_cmd mask_cmd = {
	.name = "mask",
	.usage = "eS.N",
	.summary = "Show or edit the MAC mask list of each target of a device (AoE MAC Mask "
		   "List): which initiators may use it.",
	.epilog = "Adding a MAC to an empty list locks out every other initiator, this one "
		  "too unless\nits interface's MAC is added first.",
	.min_args = 1,
	.max_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = mask_opts,
	.cfg_size = sizeof(struct mask_opts),
};

static const struct cli_opt reserve_opts[] = {
	CLI_OPT(struct reserve_opts, BOOL, set, "set", 's', NULL,
		"reserve the targets for the MACs given (none: this host's interfaces)"),
	CLI_OPT(struct reserve_opts, BOOL, release, "release", 'r', NULL,
		"release the reservation (an empty list)"),
	CLI_OPT(struct reserve_opts, BOOL, force, "force", 'f', NULL,
		"with --set or --release: also when another initiator holds the reservation"),
	CLI_OPT(struct reserve_opts, BOOL, list, "list", 'l', NULL, "show the reservation "
		"(what it does without an option)"),
	ADMIN_TIMEOUT_OPT(struct reserve_opts),
	CLI_OPT(struct reserve_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT_END,
};

const struct cli_cmd reserve_cmd = {
	.name = "reserve",
	.usage = "eS.N [MAC...]",
	.summary = "Show, set or release the reservation of each target of a device (AoE "
		   "Reserve/Release): only the MACs listed may write.",
	.min_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = reserve_opts,
	.cfg_size = sizeof(struct reserve_opts),
};

static const struct cli_opt ping_opts[] = {
	CLI_OPT(struct ping_opts, UINT, count, "count", 'c', "N", "IDENTIFY round trips per path",
		.min = 1, .max = PING_COUNT_MAX, .def = PING_COUNT_DEFAULT),
	ADMIN_TIMEOUT_OPT(struct ping_opts),
	CLI_OPT(struct ping_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT_END,
};

const struct cli_cmd ping_cmd = {
	.name = "ping",
	.usage = "eS.N",
	.summary = "Send IDENTIFY DEVICE to every target of a device on every path and show "
		   "the round trips (min/avg/max), as aoeping does.",
	.epilog = "Exit 0 when every target answered on some path.",
	.min_args = 1,
	.max_args = 1,
	.args = CLI_ARGS_DEVICE,
	.opts = ping_opts,
	.cfg_size = sizeof(struct ping_opts),
};

static const struct cli_opt interfaces_opts[] = {
	CLI_OPT(struct interfaces_opts, BOOL, json, "json", 'j', NULL, "print JSON"),
	CLI_OPT_END,
};

const struct cli_cmd interfaces_cmd = {
	.name = "interfaces",
	.summary = "Show the interfaces the daemon uses: XDP mode, queues, MTU, MAC (as "
		   "aoe-interfaces shows the kernel's).",
	.opts = interfaces_opts,
	.cfg_size = sizeof(struct interfaces_opts),
};

void daemon_config_from_attach(struct daemon_config *dc, const struct attach_opts *o)
{
	engine_config_defaults(&dc->eng);
	dc->eng.mode = o->mode;
	dc->eng.pool_max = o->pool_max;
	dc->eng.dead_timeout_s = o->dead_timeout;
	dc->eng.rto_min_us = o->rto_min_ms * 1000;
	dc->eng.rto_max_us = o->rto_max_ms * 1000;
	dc->eng.rediscover_s = o->rediscover;
	dc->eng.tx_chunks = o->tx_chunks;
	dc->eng.busy_poll_us = o->busy_poll_us;
	dc->eng.write_guard_s = o->write_guard;
	dc->eng.pmtu_probe_s = o->pmtu_probe;
	dc->eng.guard_sectors = o->write_guard_mb * (1024 * 1024 / ATA_SECTOR_SIZE);
	dc->eng.max_devices = o->max_devices;
	dc->eng.max_targets = o->max_targets;
	dc->eng.max_paths = o->max_paths;
	dc->eng.forget_unidentified_s = o->forget_unidentified;
	dc->eng.forget_gone_s = o->forget_gone;
	dc->eng.only = o->only;
	dc->eng.exclude = o->exclude;
	dc->export = o->export;
	dc->ublk_depth = o->ublk_depth;
	dc->ublk_max_io = o->ublk_max_io_kb * 1024;
	dc->fuse_dir = o->fuse_dir;
	dc->discover_timeout_s = o->timeout;
	dc->foreground = o->foreground;
	dc->metrics_listen = o->metrics_listen;
	dc->ctl_group = o->ctl_group;
}

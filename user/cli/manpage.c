// SPDX-License-Identifier: GPL-2.0
/* aoe-xdp.8, written from the same tables that drive parsing and --help. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "manpage.h"

/* roff treats a leading '.' or '\'' as a request, and '\' and '-' need escaping. */
static void roff_text(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void man_option(FILE *out, const struct cli_opt *o)
{
	char dflt[32];
	const char *d = cli_opt_default(o, dflt, sizeof(dflt));

	fputs(".TP\n", out);
	if (o->short_name)
		fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", out);
	roff_text(out, o->name);
	fputs("\\fR", out);
	if (cli_opt_takes_value(o) && o->metavar)
		fprintf(out, " \\fI%s\\fR", o->metavar);
	fputc('\n', out);
	roff_text(out, o->help);
	if (o->type == CLI_ENUM) {
		fputs(": ", out);
		for (const struct cli_enum_val *v = o->enum_vals; v->name; v++)
			fprintf(out, "%s\\fB%s\\fR", v == o->enum_vals ? "" : ", ", v->name);
	}
	fputs(".", out);
	if (o->step > 1)
		fprintf(out, " A multiple of %llu.", o->step);
	if (d) {
		fputs(" Default: ", out);
		roff_text(out, d);
		fputs(".", out);
	}
	fputc('\n', out);
}

static void man_command(FILE *out, const struct cli_cmd *c)
{
	fputs(".SS ", out);
	fprintf(out, "\\fBaoe\\-xdp %s\\fR [\\fIoptions\\fR]", c->name);
	if (c->usage) {
		fputc(' ', out);
		roff_text(out, c->usage);
	}
	fputs("\n", out);
	roff_text(out, c->summary);
	fputc('\n', out);
	for (const struct cli_opt *o = c->opts; o && o->name; o++)
		man_option(out, o);
	if (c->epilog) {
		fputs(".PP\n", out);
		roff_text(out, c->epilog);
		fputc('\n', out);
	}
}

static const char *const man_body[] = {
	".SH DESCRIPTION",
	"\\fBaoe\\-xdp\\fR is an ATA over Ethernet (AoE) initiator that runs in user space.",
	"An XDP program on each storage interface steers AoE responses into AF_XDP",
	"sockets; one event loop turns block requests into AoE frames, spreads them",
	"over every target and interface of a device, retransmits what is lost and",
	"exports each remote disk as a ublk block device (\\fI/dev/ublkbN\\fR), or as a",
	"file in a FUSE directory where the kernel has no ublk.",
	".PP",
	"It coexists with the kernel's own \\fBaoe\\fR driver on one interface: the",
	"classifier passes responses whose tag has bit 31 clear (the kernel's) to the",
	"stack and keeps only its own. Requests (a target on the same host) and all",
	"other traffic pass untouched.",
	NULL,
};

static const char *const man_tail[] = {
	".SH COMING FROM AOETOOLS",
	"Each aoetools command has an aoe\\-xdp verb; the daemon (started by",
	"\\fBattach\\fR or the systemd unit) answers them all.",
	".TP",
	".B aoe\\-discover, aoe\\-stat",
	"\\fBaoe\\-xdp discover\\fR, \\fBaoe\\-xdp stat\\fR (\\fB\\-\\-json\\fR, \\fB\\-\\-prometheus\\fR).",
	".TP",
	".B aoe\\-flush [\\-a] [eS.N...]",
	"\\fBaoe\\-xdp flush\\fR: forgets devices down or failed, all not in use with",
	"\\fB\\-a\\fR, or those named; a device whose export is mounted, open or held,",
	"or that has I/O in flight, is kept and said so.",
	".TP",
	".B aoe\\-revalidate eS.N",
	"\\fBaoe\\-xdp revalidate\\fR.",
	".TP",
	".B aoe\\-interfaces",
	"\\fBaoe\\-xdp interfaces\\fR shows the interfaces in use; \\fBattach\\fR and",
	"\\fBdetach\\fR change them.",
	".TP",
	".B aoecfg",
	"\\fBaoe\\-xdp config\\fR: read, \\fB\\-\\-test\\fR, \\fB\\-\\-prefix\\fR, \\fB\\-\\-set\\fR,",
	"\\fB\\-\\-force\\-set\\fR, one answer per target.",
	".TP",
	".B aoeping",
	"\\fBaoe\\-xdp ping\\fR: IDENTIFY DEVICE round trips on every path to every target.",
	".TP",
	".B (no aoetools command)",
	"\\fBaoe\\-xdp mask\\fR and \\fBaoe\\-xdp reserve\\fR edit a target's MAC mask list",
	"and reservation (vblade's \\fB\\-m\\fR list, from the initiator's side).",
	".TP",
	".B /dev/etherd/eS.N",
	"The same names, as links to each device's export: an fstab line written for",
	"the kernel driver (\\fI/dev/etherd/e1.1 /mnt ext4 _netdev 0 0\\fR) works as it is.",
	".SH FILES",
	".TP",
	".I /dev/etherd/eS.N",
	"A link to the device's export. Where udev runs, \\fI60\\-aoe\\-xdp.rules\\fR makes",
	"it for ublk disks (and \\fIeS.NpM\\fR for their partitions) from the",
	"daemon's \\fIby\\-aoe\\fR links in the default run directory; elsewhere the",
	"daemon makes it (\\fBAOE_XDP_ETHERD_DIR\\fR). A name the kernel aoe driver",
	"holds already is left alone.",
	".TP",
	".I /etc/default/aoe\\-xdp",
	"The interfaces (\\fBAOE_XDP_INTERFACES\\fR) and \\fBattach\\fR options",
	"(\\fBAOE_XDP_OPTIONS\\fR) of the systemd unit \\fIaoe\\-xdp.service\\fR.",
	".SH SYSTEMD",
	"The unit is \\fBType=notify\\fR: \\fBattach \\-\\-foreground\\fR sends",
	"\\fBREADY=1\\fR once the first discovery is over and every device found is",
	"exported and linked, so \\fB_netdev\\fR mounts (ordered after",
	"\\fBremote\\-fs\\-pre.target\\fR, which the unit comes before) find their disks;",
	"\\fBSTATUS=\\fR says how many devices are up, down and exported;",
	"\\fBsystemctl reload\\fR discovers again. No libsystemd is used: the",
	"datagram goes to \\fB$NOTIFY_SOCKET\\fR.",
	".SH METRICS",
	"\\fBaoe\\-xdp stat \\-\\-prometheus\\fR prints OpenMetrics text:",
	"\\fBaoe_xdp_device_*\\fR (label \\fBdevice\\fR), \\fBaoe_xdp_target_*\\fR (window,",
	"RTT in seconds, retransmits; labels \\fBdevice\\fR, \\fBtarget\\fR),",
	"\\fBaoe_xdp_interface_*\\fR, \\fBaoe_xdp_socket_*\\fR, \\fBaoe_xdp_xdp_*\\fR (the",
	"classifier's counters) and \\fBaoe_xdp_received_*\\fR (frames dropped, by",
	"reason); strings (state, export, identity) are labels of \\fB*_info\\fR samples.",
	"\\fBattach \\-\\-metrics\\-listen\\fR \\fIADDR:PORT\\fR serves the same at",
	"\\fI/metrics\\fR from the daemon's loop.",
	".SH STATISTICS",
	"While attached, the classifier's counters are pinned with BTF, so",
	".PP",
	".B bpftool map dump pinned /sys/fs/bpf/aoe\\-xdp/IFACE/aoe_stats",
	".PP",
	"prints them by name, per CPU. bpffs refuses dots in names, so IFACE is written",
	"with each \\(oq.\\(cq as \\fI%2e\\fR (eth0.42 pins under \\fIeth0%2e42\\fR); the",
	"attach log line gives the exact path. \\fBaoe\\-xdp stat\\fR shows them summed, with the",
	"engine's own counters: per target window, round\\-trip time, retransmits and",
	"taint; per device requests, frames, errors and the TX frame pool.",
	".SH ENVIRONMENT",
	".TP",
	".B AOE_XDP_RUN_DIR",
	"Where the daemon keeps its control socket (\\fIaoe\\-xdp.sock\\fR), pid file,",
	"log, FUSE mount (\\fIfuse/\\fR) and the links \\fIby\\-aoe/eS.N\\fR to each ublk",
	"device. Default \\fI/run/aoe\\-xdp\\fR. Every command uses it to find the daemon.",
	"It must belong to root and be writable by nobody else; the daemon refuses",
	"it otherwise, and refuses a pid file or log that is a link.",
	".TP",
	".B AOE_XDP_ETHERD_DIR",
	"Where the daemon makes the \\fIeS.N\\fR links when udev does not. Default",
	"\\fI/dev/etherd\\fR; empty: none.",
	".TP",
	".B NOTIFY_SOCKET",
	"Set by systemd: where \\fBattach \\-\\-foreground\\fR sends READY=1 and STATUS=.",
	".SH EXIT STATUS",
	"0 on success, 1 when the command failed (the message says why and what to do),",
	"2 for a usage error. \\fBconfig\\fR, \\fBmask\\fR and \\fBreserve\\fR exit 1",
	"when a target did not answer or refused (\\fBconfig \\-\\-test\\fR and",
	"\\fB\\-\\-prefix\\fR: when no target matched), \\fBping\\fR when a target",
	"answered on no path, \\fBflush\\fR when a device named was not forgotten.",
	".SH EXAMPLES",
	".nf",
	"aoe\\-xdp discover eth0",
	"aoe\\-xdp attach eth0 eth1",
	"mkfs.ext4 /dev/ublkb0",
	"aoe\\-xdp stat \\-\\-json",
	"aoe\\-xdp bench e1.2 \\-\\-rw randread \\-\\-qd 32",
	"aoe\\-xdp config e1.2 \\-\\-set host\\-a",
	"aoe\\-xdp ping e1.2 \\-\\-count 5",
	"aoe\\-xdp flush",
	"aoe\\-xdp detach \\-\\-all",
	".fi",
	".SH SEE ALSO",
	".BR bpftool (8),",
	".BR systemd.service (5),",
	".BR udev (7),",
	".BR vblade (8)",
	NULL,
};

static void put_lines(FILE *out, const char *const *lines)
{
	for (; *lines; lines++)
		fprintf(out, "%s\n", *lines);
}

void manpage_write(FILE *out, const struct command *const *cmds, size_t n)
{
	fprintf(out, ".TH AOE\\-XDP 8 \"\" \"aoe\\-xdp %s\" \"System Administration\"\n",
		AOE_XDP_VERSION);
	fputs(".SH NAME\naoe\\-xdp \\- ATA over Ethernet initiator on XDP, AF_XDP and ublk\n", out);
	fputs(".SH SYNOPSIS\n\\fBaoe\\-xdp\\fR [\\fB\\-v\\fR|\\fB\\-q\\fR] \\fICOMMAND\\fR "
	      "[\\fIoptions\\fR] [\\fIargs\\fR]\n", out);
	put_lines(out, man_body);
	fputs(".SH COMMANDS\n", out);
	for (size_t i = 0; i < n; i++)
		man_command(out, cmds[i]->cmd);
	put_lines(out, man_tail);
}

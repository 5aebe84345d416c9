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
	".SH EXIT STATUS",
	"0 on success, 1 when the command failed (the message says why and what to do),",
	"2 for a usage error.",
	".SH EXAMPLES",
	".nf",
	"aoe\\-xdp discover eth0",
	"aoe\\-xdp attach eth0 eth1",
	"mkfs.ext4 /dev/ublkb0",
	"aoe\\-xdp stat \\-\\-json",
	"aoe\\-xdp bench e1.2 \\-\\-rw randread \\-\\-qd 32",
	"aoe\\-xdp detach \\-\\-all",
	".fi",
	".SH SEE ALSO",
	".BR bpftool (8),",
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

// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

/* Process-wide logging configuration: set once by main, read everywhere. */
static struct {
	enum log_level level;
	int daemon;
} log_cfg = { .level = LOG_LVL_INFO };

void log_set_level(enum log_level lvl)
{
	log_cfg.level = lvl;
}

enum log_level log_get_level(void)
{
	return log_cfg.level;
}

void log_set_daemon(int on)
{
	log_cfg.daemon = on;
	if (on)
		openlog("aoe-xdp", LOG_PID, LOG_DAEMON);
}

static int syslog_prio(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LVL_ERROR: return LOG_ERR;
	case LOG_LVL_WARN: return LOG_WARNING;
	case LOG_LVL_INFO: return LOG_INFO;
	default: return LOG_DEBUG;
	}
}

void log_vprint(enum log_level lvl, const char *fmt, va_list ap)
{
	if (lvl > log_cfg.level)
		return;
	if (log_cfg.daemon) {
		va_list copy;

		va_copy(copy, ap);
		vsyslog(syslog_prio(lvl), fmt, copy);
		va_end(copy);
		fprintf(stderr, "aoe-xdp[%d]: ", (int)getpid());
	} else {
		fputs("aoe-xdp: ", stderr);
	}
	vfprintf(stderr, fmt, ap);
}

void log_print(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(lvl, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	/* libbpf's levels are WARN=0, INFO=1, DEBUG=2: shift them onto ours,
	 * and keep libbpf's chatty INFO as our DEBUG. */
	enum log_level our = lvl == LIBBPF_WARN ? LOG_LVL_WARN : LOG_LVL_DEBUG;

	log_vprint(our, fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level lvl, const char *fmt, va_list ap)
{
	enum log_level our = lvl == LIBXDP_WARN ? LOG_LVL_WARN : LOG_LVL_DEBUG;

	log_vprint(our, fmt, ap);
	return 0;
}

void log_route_libs(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}

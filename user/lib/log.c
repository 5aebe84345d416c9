// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

/* Process-wide logging configuration: set once by main, read everywhere. */
static struct {
	enum log_level level;
	int daemon;
	const char *prog;
} log_cfg = { .level = LOG_LVL_INFO };

static const char *log_prog(void)
{
	return log_cfg.prog ? log_cfg.prog : program_invocation_short_name;
}

void log_set_prog(const char *prog)
{
	log_cfg.prog = prog;
}

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
		openlog(log_prog(), LOG_PID, LOG_DAEMON);
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
		fprintf(stderr, "%s[%d]: ", log_prog(), (int)getpid());
	} else {
		fprintf(stderr, "%s: ", log_prog());
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

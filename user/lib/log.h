/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One voice for the whole program: levels match libbpf's, and libbpf/libxdp
 * print callbacks are routed through log_vprint (xdp/lib_log.h).
 */
#ifndef AOE_LOG_H
#define AOE_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN = 1,
	LOG_LVL_INFO = 2,
	LOG_LVL_DEBUG = 3,
};

/* Lines begin with prog ("aoe-xdp: "); until it is set, with the name the
 * program was started under. */
void log_set_prog(const char *prog);
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/* Prefix every line with "prog[pid]: " and send to syslog as well
 * (daemon mode); otherwise lines go to stderr only. */
void log_set_daemon(int on);
void log_vprint(enum log_level lvl, const char *fmt, va_list ap);
void log_print(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...)	log_print(LOG_LVL_ERROR, __VA_ARGS__)
#define pr_warn(...)	log_print(LOG_LVL_WARN, __VA_ARGS__)
#define pr_info(...)	log_print(LOG_LVL_INFO, __VA_ARGS__)
#define pr_debug(...)	log_print(LOG_LVL_DEBUG, __VA_ARGS__)

#endif /* AOE_LOG_H */

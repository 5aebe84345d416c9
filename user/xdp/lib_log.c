// SPDX-License-Identifier: GPL-2.0
/* Here, not in lib/: lib/ links without libbpf (aoe-target uses it). */
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "lib/log.h"
#include "lib_log.h"

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

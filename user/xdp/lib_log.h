/* SPDX-License-Identifier: GPL-2.0 */
/* libbpf and libxdp speak through lib/log, in its levels. */
#ifndef AOE_LIB_LOG_H
#define AOE_LIB_LOG_H

/* Routes libbpf's and libxdp's print callbacks through log_vprint. */
void log_route_libs(void);

#endif /* AOE_LIB_LOG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* What `discover` and `stat` print, as text or JSON, from the engine. */
#ifndef AOE_REPORT_H
#define AOE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/engine.h"

/* Size in the aoe-stat style: decimal units, e.g. "1.073GB". */
void report_human_size(char *out, size_t len, uint64_t bytes);
/* Devices and their targets, as `discover` shows them. Returns the number
 * of devices whose IDENTIFY failed. */
int report_discover(FILE *out, struct aoe_engine *e, bool json);

/* How a device is exported, asked of the daemon's front end. */
struct report_export {
	void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len);
	void *priv;
};

/* One line per device: what `attach` prints when it is ready. */
void report_attached(FILE *out, struct aoe_engine *e, const struct report_export *ex);
/* The aoe-stat table and everything behind it: targets, windows, RTT,
 * pool, counters, interfaces and their XDP counters. */
void report_stat(FILE *out, struct aoe_engine *e, bool json, const struct report_export *ex);
/* The same counters as OpenMetrics text (stat --prometheus, /metrics). */
void report_stat_prometheus(FILE *out, struct aoe_engine *e, const struct report_export *ex);
/* The interfaces the engine uses: mode, queues, MTU, MAC. */
void report_interfaces(FILE *out, struct aoe_engine *e, bool json);

#endif /* AOE_REPORT_H */

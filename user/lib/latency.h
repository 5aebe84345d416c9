/* SPDX-License-Identifier: GPL-2.0 */
/* Latency histogram: 16 linear buckets per power of two of nanoseconds,
 * enough for percentiles within ~6% without storing samples. */
#ifndef AOE_LATENCY_H
#define AOE_LATENCY_H

#include <stdint.h>

#define LAT_SUB_BITS	4
#define LAT_SUB		(1u << LAT_SUB_BITS)
#define LAT_BUCKETS	(64 * LAT_SUB)

struct latency_hist {
	uint64_t count;
	uint64_t max_ns;
	uint64_t b[LAT_BUCKETS];
};

void lat_add(struct latency_hist *h, uint64_t ns);
/* The value at quantile q (0..1): the upper edge of its bucket. */
uint64_t lat_quantile(const struct latency_hist *h, double q);

#endif /* AOE_LATENCY_H */

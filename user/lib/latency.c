// SPDX-License-Identifier: GPL-2.0
#include "latency.h"

static unsigned int lat_bucket(uint64_t ns)
{
	unsigned int msb, sub;

	if (ns < LAT_SUB)
		return (unsigned int)ns;
	msb = 63 - (unsigned int)__builtin_clzll(ns);
	sub = (unsigned int)(ns >> (msb - LAT_SUB_BITS)) & (LAT_SUB - 1);
	return (msb - LAT_SUB_BITS + 1) * LAT_SUB + sub;
}

static uint64_t lat_bucket_top(unsigned int b)
{
	unsigned int row = b / LAT_SUB, sub = b % LAT_SUB, shift;

	if (row == 0)
		return b;
	shift = row - 1;
	return ((uint64_t)(LAT_SUB + sub + 1) << shift) - 1;
}

void lat_add(struct latency_hist *h, uint64_t ns)
{
	h->b[lat_bucket(ns)]++;
	h->count++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

uint64_t lat_quantile(const struct latency_hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->count)
		return 0;
	want = (uint64_t)(q * (double)h->count);
	if (want >= h->count)
		want = h->count - 1;
	for (unsigned int b = 0; b < LAT_BUCKETS; b++) {
		seen += h->b[b];
		if (seen > want) {
			uint64_t top = lat_bucket_top(b);

			return top < h->max_ns ? top : h->max_ns;
		}
	}
	return h->max_ns;
}

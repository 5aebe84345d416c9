/* SPDX-License-Identifier: GPL-2.0 */
/* Time in nanoseconds on the monotonic clock, and the units to read it. */
#ifndef AOE_CLOCK_H
#define AOE_CLOCK_H

#include <stdint.h>
#include <time.h>

#define NSEC_PER_SEC		1000000000ull
#define NSEC_PER_MSEC		1000000ull
#define NSEC_PER_USEC		1000ull

static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

#endif /* AOE_CLOCK_H */

// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>

#include "lib/latency.h"

Test(latency, quantiles_within_bucket_error)
{
	static struct latency_hist h;

	for (uint64_t v = 1; v <= 100000; v++)
		lat_add(&h, v * 1000);	/* 1 us .. 100 ms, uniform */
	cr_assert_eq(h.count, 100000);
	for (double q = 0.1; q < 1.0; q += 0.1) {
		double got = (double)lat_quantile(&h, q), want = q * 100000 * 1000;

		cr_assert(got >= want * 0.99 && got <= want * 1.07, "q %.1f: %.0f vs %.0f", q, got,
			  want);
	}
	cr_assert_eq(lat_quantile(&h, 1.0), 100000 * 1000);
}

Test(latency, small_values_exact_and_empty)
{
	static struct latency_hist h;

	cr_assert_eq(lat_quantile(&h, 0.5), 0);
	lat_add(&h, 3);
	lat_add(&h, 7);
	cr_assert_eq(lat_quantile(&h, 0.0), 3);
	cr_assert_eq(lat_quantile(&h, 0.99), 7);
}

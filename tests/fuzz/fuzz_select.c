// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the --only/--exclude list parser (engine/select.c),
 * which reads a user's words and /etc/default/aoe-xdp: any input either
 * parses into at most SELECT_MAX_RANGES ranges, each low to high and
 * within shelf and slot bounds, that keep their own ends, or is refused
 * with a reason. Anything else aborts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aoe_wire.h"
#include "engine/engine_config.h"

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: check failed: %s\n",	\
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

#define INPUT_MAX	1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char list[INPUT_MAX + 1], why[128] = "";
	struct aoe_select s = { 0 };
	size_t n = size < INPUT_MAX ? size : INPUT_MAX;

	memcpy(list, data, n);
	list[n] = '\0';
	if (aoe_select_parse(list, &s, why, sizeof(why))) {
		CHECK(why[0]);
		CHECK(s.n <= SELECT_MAX_RANGES);
		return 0;
	}
	CHECK(s.n >= 1 && s.n <= SELECT_MAX_RANGES);
	for (unsigned int i = 0; i < s.n; i++) {
		const struct aoe_select_range *r = &s.r[i];

		CHECK(r->shelf_lo <= r->shelf_hi && r->shelf_hi < AOE_SHELF_BCAST);
		CHECK(r->slot_lo <= r->slot_hi && r->slot_hi < AOE_SLOT_BCAST);
		CHECK(aoe_select_has(&s, r->shelf_lo, r->slot_lo));
		CHECK(aoe_select_has(&s, r->shelf_hi, r->slot_hi));
	}
	return 0;
}

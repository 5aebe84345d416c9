// SPDX-License-Identifier: GPL-2.0
/*
 * Which shelf.slots an engine keeps (--only, --exclude). A config answer
 * for a shelf.slot left out is counted and dropped before anything is kept
 * for it, so on a segment shared with other hosts' disks (or a forger's),
 * only the listed ones cost memory and UMEM.
 *
 * A list is items separated by commas: 1.1 (shelf 1, slot 1), 3 (every
 * slot of shelf 3), 1.0-7 (slots 0 to 7 of shelf 1), 2-4 (shelves 2 to 4).
 * Input is a user's (or a default file's): every number is bounded before
 * it is used, and the list has at most SELECT_MAX_RANGES items.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aoe_wire.h"
#include "engine_config.h"

#define SHELF_MAX	(AOE_SHELF_BCAST - 1)
#define SLOT_MAX	(AOE_SLOT_BCAST - 1)

/* A decimal number at *p up to max; moves *p past it. */
static int parse_num(const char **p, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	const char *s = *p;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*p = s;
	*out = v;
	return 0;
}

/* "lo" or "lo-hi" at *p. */
static int parse_span(const char **p, unsigned long max, unsigned long *lo, unsigned long *hi)
{
	int err = parse_num(p, max, lo);

	*hi = *lo;
	if (!err && **p == '-') {
		(*p)++;
		err = parse_num(p, max, hi);
		if (!err && *hi < *lo)
			err = -EDOM;
	}
	return err;
}

static int parse_item(const char **p, struct aoe_select_range *r)
{
	unsigned long lo, hi, slo = 0, shi = SLOT_MAX;
	int err = parse_span(p, SHELF_MAX, &lo, &hi);

	if (err)
		return err;
	if (**p == '.') {
		if (lo != hi)
			return -EINVAL;	/* 2-4.1: slots of one shelf only */
		(*p)++;
		err = parse_span(p, SLOT_MAX, &slo, &shi);
		if (err)
			return err;
	}
	if (**p && **p != ',')
		return -EINVAL;
	*r = (struct aoe_select_range){ .shelf_lo = (uint16_t)lo, .shelf_hi = (uint16_t)hi,
					.slot_lo = (uint8_t)slo, .slot_hi = (uint8_t)shi };
	return 0;
}

static const char *item_error(int err)
{
	switch (err) {
	case -ERANGE: return "a shelf is 0 to 65534 and a slot 0 to 254";
	case -EDOM: return "a range goes from low to high";
	default: return "items are S.N, S, S.N-M or S-T (numbers), separated by commas";
	}
}

int aoe_select_parse(const char *list, struct aoe_select *out, char *why, size_t why_len)
{
	const char *p = list;

	do {
		const char *item = p;
		int err;

		if (out->n >= SELECT_MAX_RANGES) {
			snprintf(why, why_len, "at most %d items", SELECT_MAX_RANGES);
			return -EINVAL;
		}
		err = parse_item(&p, &out->r[out->n]);
		if (err) {
			snprintf(why, why_len, "'%.*s': %s", (int)strcspn(item, ","), item,
				 item_error(err));
			return -EINVAL;
		}
		out->n++;
	} while (*p++ == ',');
	return 0;
}

bool aoe_select_has(const struct aoe_select *s, uint16_t shelf, uint8_t slot)
{
	for (unsigned int i = 0; i < s->n && i < SELECT_MAX_RANGES; i++) {
		const struct aoe_select_range *r = &s->r[i];

		if (shelf >= r->shelf_lo && shelf <= r->shelf_hi && slot >= r->slot_lo &&
		    slot <= r->slot_hi)
			return true;
	}
	return false;
}

bool engine_config_selects(const struct engine_config *cfg, uint16_t shelf, uint8_t slot)
{
	if (cfg->only.n && !aoe_select_has(&cfg->only, shelf, slot))
		return false;
	return !aoe_select_has(&cfg->exclude, shelf, slot);
}

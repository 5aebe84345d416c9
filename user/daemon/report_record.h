/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records: what report.c describes once per object (a device, a target, an
 * interface, the drop counters) as a list of fields, and renders three
 * ways: text (fields with a label), JSON (fields with a key) and
 * OpenMetrics for Prometheus (fields with a metric kind, report_prom.c).
 */
#ifndef AOE_REPORT_RECORD_H
#define AOE_REPORT_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum rkind {
	R_STR,
	R_U64,
	R_US_AS_MS,	/* microseconds; text shows milliseconds, metrics seconds */
	R_FLAG,		/* text: the label alone, when true */
	R_YESNO,	/* JSON: a boolean; text: yes or no */
	R_STRV,		/* JSON: array of strings; text: joined by spaces */
	R_OBJ,		/* JSON: an object (in an array when key is NULL) */
	R_OBJ_END,
	R_ARR,
	R_ARR_END,
};

/* What a field is to Prometheus; M_NONE: not a metric. */
enum mkind {
	M_NONE,
	M_COUNTER,	/* only goes up: NAME_total */
	M_GAUGE,	/* a level (booleans 0/1, times in seconds) */
	M_LABEL,	/* names the object: a label of every metric in it (.metric) */
	M_INFO,		/* a string: a label of the object's NAME_info metric */
};

struct rfield {
	enum rkind kind;
	const char *key;	/* JSON key; NULL: text only (or an array element) */
	const char *label;	/* text before the value; NULL: JSON only */
	bool keyed;		/* text: " key value", the key is the label */
	const char *suffix;	/* text after the value */
	int width;		/* text column width, negative: left-aligned */
	int prec;		/* R_US_AS_MS: decimals */
	enum mkind m;
	/* M_LABEL: the label's name. R_OBJ, R_ARR: the metrics' name for
	 * the object (its elements), instead of the parent's and the key. */
	const char *metric;
	bool metric_only;	/* neither text nor JSON shows it */
	union {
		const char *s;
		uint64_t u;
		bool b;
		const char *const *sv;
	} v;
	unsigned int n;		/* R_STRV: strings in v.sv */
};

#define RECORD_MAX	256

struct record {
	struct rfield f[RECORD_MAX];
	unsigned int n;
};

/* A field without key is text only; one without label is JSON only. */
#define FIELD(r, k, ...)	rec_push((r), (struct rfield){ .kind = (k), __VA_ARGS__ })

static inline void rec_push(struct record *r, struct rfield f)
{
	if (r->n < RECORD_MAX)
		r->f[r->n++] = f;
}

/* report_prom.c: samples gathered from records, written grouped by family. */
struct prom;
struct prom *prom_new(void);
/* Adds r's metrics; root names an object that has no .metric of its own. */
void prom_add(struct prom *p, const struct record *r, const char *root);
/* Writes OpenMetrics text (ending in "# EOF") and frees p. */
void prom_write(struct prom *p, FILE *out);

#endif /* AOE_REPORT_RECORD_H */

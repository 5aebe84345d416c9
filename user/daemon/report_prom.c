// SPDX-License-Identifier: GPL-2.0
/*
 * Records as OpenMetrics text (the Prometheus exposition format): every
 * field with a metric kind becomes a sample named aoe_xdp_<object>_<key>,
 * labelled with the names of the objects around it (device, target,
 * interface, queue); the object's strings (state, export, identity, ...)
 * become the labels of one aoe_xdp_<object>_info sample. Samples are
 * gathered first and written grouped by family, as the format requires
 * (all of a family's samples together, after its TYPE line).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report_record.h"

#define PROM_PREFIX	"aoe_xdp_"
#define PROM_DEPTH	8
#define PROM_NAME_MAX	128
#define PROM_LABELS_MAX	1536

struct prom_sample {
	char family[PROM_NAME_MAX];
	enum mkind type;
	char *labels;		/* name="value",... */
	char value[32];
};

struct prom {
	struct prom_sample *s;
	size_t n, cap;
};

/* One object (or array) being walked: its metric name and labels. */
struct prom_scope {
	char name[PROM_NAME_MAX];
	char labels[PROM_LABELS_MAX];
	char info[PROM_LABELS_MAX];	/* M_INFO fields, for the _info sample */
	bool array;			/* its elements are objects named `name` */
};

struct prom *prom_new(void)
{
	return calloc(1, sizeof(struct prom));
}

/* Metric and label names: [a-zA-Z0-9_] (and not starting with a digit,
 * which every prefix used here guarantees). */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			*s = '_';
}

/* Appends name="value" to a label list, escaping as the format says. */
static void label_add(char *list, size_t cap, const char *name, const char *value)
{
	size_t n = strlen(list);

	n += (size_t)snprintf(list + n, n < cap ? cap - n : 0, "%s%s=\"", n ? "," : "", name);
	for (; *value && n + 3 < cap; value++) {
		if (*value == '\\' || *value == '"')
			list[n++] = '\\';
		if (*value == '\n') {
			list[n++] = '\\';
			list[n++] = 'n';
			continue;
		}
		list[n++] = *value;
	}
	if (n + 2 <= cap) {
		list[n++] = '"';
		list[n] = '\0';
	}
}

static void sample_add(struct prom *p, const char *family, enum mkind type,
		       const char *labels, const char *value)
{
	struct prom_sample *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;

		s = realloc(p->s, cap * sizeof(*s));
		if (!s)
			return;	/* a metric less, not a broken page */
		p->s = s;
		p->cap = cap;
	}
	s = &p->s[p->n];
	s->labels = strdup(labels);
	if (!s->labels)
		return;
	snprintf(s->family, sizeof(s->family), "%s", family);
	sanitize(s->family);
	s->type = type;
	snprintf(s->value, sizeof(s->value), "%s", value);
	p->n++;
}

/* A field's value as text: integers, 0/1, or seconds. */
static void field_value(const struct rfield *f, char *buf, size_t len)
{
	switch (f->kind) {
	case R_US_AS_MS:
		snprintf(buf, len, "%.6f", (double)f->v.u / 1e6);
		return;
	case R_FLAG:
	case R_YESNO:
		snprintf(buf, len, "%d", f->v.b ? 1 : 0);
		return;
	case R_STR:
		snprintf(buf, len, "%s", f->v.s ? f->v.s : "");
		return;
	default:
		snprintf(buf, len, "%llu", (unsigned long long)f->v.u);
		return;
	}
}

/* The family of a counter or gauge: microseconds are given in seconds. */
static void field_family(const struct prom_scope *sc, const struct rfield *f, char *buf,
			 size_t len)
{
	size_t k = strlen(f->key);

	if (f->kind == R_US_AS_MS && k > 3 && !strcmp(f->key + k - 3, "_us"))
		snprintf(buf, len, PROM_PREFIX "%s_%.*s_seconds", sc->name, (int)(k - 3), f->key);
	else
		snprintf(buf, len, PROM_PREFIX "%s_%s", sc->name, f->key);
}

static void scope_open(struct prom_scope *st, int *top, const struct rfield *f)
{
	const struct prom_scope *up = &st[*top];
	char name[2 * PROM_NAME_MAX + 2];
	struct prom_scope *sc;

	if (*top + 1 >= PROM_DEPTH)
		return;
	sc = &st[++*top];
	memset(sc, 0, sizeof(*sc));
	memcpy(sc->labels, up->labels, sizeof(sc->labels));
	sc->array = f->kind == R_ARR;
	if (f->metric)
		snprintf(name, sizeof(name), "%s", f->metric);
	else if (f->key && !up->array)
		snprintf(name, sizeof(name), "%s_%s", up->name, f->key);
	else
		snprintf(name, sizeof(name), "%s", up->name);	/* an element, or the root */
	snprintf(sc->name, sizeof(sc->name), "%.*s", PROM_NAME_MAX - 1, name);
}

static void scope_close(struct prom *p, struct prom_scope *st, int *top)
{
	struct prom_scope *sc = &st[*top];
	char labels[2 * PROM_LABELS_MAX], family[PROM_NAME_MAX + 16];

	if (*top == 0)
		return;
	if (sc->info[0]) {
		snprintf(labels, sizeof(labels), "%s%s%s", sc->labels, sc->labels[0] ? "," : "",
			 sc->info);
		snprintf(family, sizeof(family), PROM_PREFIX "%s", sc->name);
		sample_add(p, family, M_INFO, labels, "1");
	}
	--*top;
}

static void field_metric(struct prom *p, struct prom_scope *sc, const struct rfield *f)
{
	char value[PROM_LABELS_MAX], family[2 * PROM_NAME_MAX];

	if (f->m == M_NONE || !f->key)
		return;
	field_value(f, value, sizeof(value));
	switch (f->m) {
	case M_LABEL:
		label_add(sc->labels, sizeof(sc->labels), f->metric ? f->metric : f->key, value);
		return;
	case M_INFO:
		label_add(sc->info, sizeof(sc->info), f->key, value);
		return;
	default:
		field_family(sc, f, family, sizeof(family));
		sample_add(p, family, f->m, sc->labels, value);
		return;
	}
}

void prom_add(struct prom *p, const struct record *r, const char *root)
{
	struct prom_scope st[PROM_DEPTH];
	int top = 0;

	if (!p)
		return;
	memset(&st[0], 0, sizeof(st[0]));
	snprintf(st[0].name, sizeof(st[0].name), "%s", root);
	for (unsigned int i = 0; i < r->n; i++) {
		const struct rfield *f = &r->f[i];

		switch (f->kind) {
		case R_OBJ:
		case R_ARR:
			scope_open(st, &top, f);
			break;
		case R_OBJ_END:
		case R_ARR_END:
			scope_close(p, st, &top);
			break;
		default:
			field_metric(p, &st[top], f);
			break;
		}
	}
}

static const char *type_name(enum mkind m)
{
	return m == M_COUNTER ? "counter" : m == M_INFO ? "info" : "gauge";
}

static const char *sample_suffix(enum mkind m)
{
	return m == M_COUNTER ? "_total" : m == M_INFO ? "_info" : "";
}

/* Every family once, in the order it first appeared, with all its samples. */
void prom_write(struct prom *p, FILE *out)
{
	for (size_t i = 0; p && out && i < p->n; i++) {
		const struct prom_sample *s = &p->s[i];
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(p->s[k].family, s->family);
		if (seen)
			continue;
		fprintf(out, "# TYPE %s %s\n", s->family, type_name(s->type));
		for (size_t k = i; k < p->n; k++) {
			const struct prom_sample *t = &p->s[k];

			if (strcmp(t->family, s->family))
				continue;
			fprintf(out, "%s%s%s%s%s %s\n", t->family, sample_suffix(t->type),
				t->labels[0] ? "{" : "", t->labels, t->labels[0] ? "}" : "", t->value);
		}
	}
	if (out)
		fputs("# EOF\n", out);
	for (size_t i = 0; p && i < p->n; i++)
		free(p->s[i].labels);
	if (p)
		free(p->s);
	free(p);
}

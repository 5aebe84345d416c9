/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics-listen ADDR:PORT: a small HTTP/1.1 server in the engine loop
 * that answers GET /metrics with the OpenMetrics text of `stat
 * --prometheus`. No thread: the listening socket and each connection are
 * polled through the engine's ring; a connection sends one request, gets
 * one answer and is closed; one that says nothing for a few seconds is
 * closed too, and at most a handful are served at once.
 */
#ifndef AOE_METRICS_HTTP_H
#define AOE_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "engine/engine.h"

#define METRICS_CONNS_MAX	16
#define METRICS_REQUEST_MAX	4096
#define METRICS_IDLE_NS		(5 * NSEC_PER_SEC)

/* Writes the page (OpenMetrics text) to out. */
typedef void (*metrics_render_fn)(void *ctx, FILE *out);

struct metrics_conn {
	struct metrics_server *srv;
	struct list_node node;
	int fd;
	struct engine_event ev;
	bool polling;
	uint64_t since_ns;
	char in[METRICS_REQUEST_MAX];
	size_t in_len;
	char *out;		/* the answer, once made */
	size_t out_len, out_off;
};

struct metrics_server {
	struct aoe_engine *eng;
	int fd;
	struct engine_event ev;
	struct list_node conns;
	unsigned int nconns;
	metrics_render_fn render;
	void *ctx;
	uint64_t requests;
};

/* Listens on "ADDR:PORT" (ADDR: IPv4, [IPv6], a name, or empty for every
 * address): 0, or -errno after saying what failed. */
int metrics_open(struct metrics_server *m, struct aoe_engine *e, const char *addr_port,
		 metrics_render_fn render, void *ctx);
/* Closes connections idle too long; call from the daemon's tick. */
void metrics_tick(struct metrics_server *m);
void metrics_close(struct metrics_server *m);

#endif /* AOE_METRICS_HTTP_H */

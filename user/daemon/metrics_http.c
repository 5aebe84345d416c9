// SPDX-License-Identifier: GPL-2.0
/* The /metrics endpoint: see metrics_http.h. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "metrics_http.h"

#define METRICS_PATH		"/metrics"
#define OPENMETRICS_TYPE	"application/openmetrics-text; version=1.0.0; charset=utf-8"

/* "host:port", "[v6]:port" or ":port" into its two parts. */
static int split_addr(const char *s, char *host, size_t hlen, const char **port)
{
	const char *colon;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':' || (size_t)(end - s - 1) >= hlen)
			return -EINVAL;
		memcpy(host, s + 1, (size_t)(end - s - 1));
		host[end - s - 1] = '\0';
		*port = end + 2;
		return **port ? 0 : -EINVAL;
	}
	colon = strrchr(s, ':');
	if (!colon || (size_t)(colon - s) >= hlen || !colon[1])
		return -EINVAL;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	*port = colon + 1;
	return 0;
}

static int listen_on(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, err;

	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The listening socket for addr_port, or -errno. */
static int metrics_socket(const char *addr_port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	char host[256];
	const char *port;
	int fd = -EADDRNOTAVAIL, gai;

	if (split_addr(addr_port, host, sizeof(host), &port))
		return -EINVAL;
	gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if (gai)
		return gai == EAI_SYSTEM ? -errno : -EADDRNOTAVAIL;
	/* The first address that takes it (without ADDR: every address of
	 * one family, as the system lists them). */
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = listen_on(ai);
	freeaddrinfo(res);
	return fd;
}

/* --- connections ---------------------------------------------------------------- */

static void conn_free(struct metrics_conn *c)
{
	if (c->polling)
		engine_forget_event(c->srv->eng, &c->ev);
	list_del(&c->node);
	c->srv->nconns--;
	close(c->fd);
	free(c->out);
	free(c);
}

static void conn_poll(struct metrics_conn *c, unsigned int mask)
{
	if (engine_poll_fd(c->srv->eng, &c->ev, c->fd, mask)) {
		conn_free(c);
		return;
	}
	c->polling = true;
}

/* Sends what the socket takes now; the rest when it can take more. */
static void conn_send(struct metrics_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN) {
			conn_poll(c, POLLOUT);
			return;
		}
		if (n <= 0)
			break;	/* the client went away */
		c->out_off += (size_t)n;
	}
	conn_free(c);
}

static void conn_answer(struct metrics_conn *c, const char *status, const char *type,
			const char *body, size_t len)
{
	FILE *f = open_memstream(&c->out, &c->out_len);

	if (!f) {
		conn_free(c);
		return;
	}
	fprintf(f, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, type, len);
	fwrite(body, 1, len, f);
	fclose(f);
	c->out_off = 0;
	conn_send(c);
}

static void conn_metrics(struct metrics_conn *c)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);

	if (!f) {
		conn_free(c);
		return;
	}
	c->srv->render(c->srv->ctx, f);
	fclose(f);
	c->srv->requests++;
	conn_answer(c, "200 OK", OPENMETRICS_TYPE, body, len);
	free(body);
}

/* The request line of a whole request: GET /metrics, or an error. */
static void conn_request(struct metrics_conn *c)
{
	static const char not_found[] = "aoe-xdp serves " METRICS_PATH " only\n";
	static const char bad[] = "only GET is served\n";
	char method[8], target[256];

	if (sscanf(c->in, "%7s %255s", method, target) != 2 || strcmp(method, "GET")) {
		conn_answer(c, "405 Method Not Allowed", "text/plain", bad, sizeof(bad) - 1);
		return;
	}
	target[strcspn(target, "?")] = '\0';
	if (strcmp(target, METRICS_PATH)) {
		conn_answer(c, "404 Not Found", "text/plain", not_found, sizeof(not_found) - 1);
		return;
	}
	conn_metrics(c);
}

static void conn_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct metrics_conn *c = container_of(ev, struct metrics_conn, ev);
	ssize_t n;

	c->polling = false;
	if (c->out) {
		conn_send(c);
		return;
	}
	n = cqe->res < 0 ? -1 : read(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
	if (n < 0 && errno == EAGAIN) {
		conn_poll(c, POLLIN);
		return;
	}
	if (n <= 0) {
		conn_free(c);
		return;
	}
	c->in_len += (size_t)n;
	c->in[c->in_len] = '\0';
	if (strstr(c->in, "\r\n\r\n") || strstr(c->in, "\n\n") ||
	    c->in_len == sizeof(c->in) - 1)
		conn_request(c);
	else
		conn_poll(c, POLLIN);
}

static void listen_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct metrics_server *m = container_of(ev, struct metrics_server, ev);
	int fd;

	while ((fd = accept4(m->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct metrics_conn *c;

		if (m->nconns >= METRICS_CONNS_MAX || !(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->srv = m;
		c->fd = fd;
		c->ev.fn = conn_event;
		c->since_ns = engine_now(m->eng);
		list_add_tail(&m->conns, &c->node);
		m->nconns++;
		conn_poll(c, POLLIN);
	}
	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE))
		engine_watch_fd(m->eng, &m->ev, m->fd, POLLIN);
}

int metrics_open(struct metrics_server *m, struct aoe_engine *e, const char *addr_port,
		 metrics_render_fn render, void *ctx)
{
	memset(m, 0, sizeof(*m));
	list_init(&m->conns);
	m->fd = metrics_socket(addr_port);
	if (m->fd < 0) {
		int err = m->fd;

		pr_err("cannot serve metrics on '%s': %s; give --metrics-listen ADDR:PORT, e.g. "
		       "127.0.0.1:9477 or [::]:9477 (a free port)\n", addr_port,
		       err == -EINVAL ? "not ADDR:PORT" : strerror(-err));
		return err;
	}
	m->eng = e;
	m->render = render;
	m->ctx = ctx;
	m->ev.fn = listen_event;
	pr_info("metrics at http://%s" METRICS_PATH "\n", addr_port);
	return engine_watch_fd(e, &m->ev, m->fd, POLLIN);
}

void metrics_tick(struct metrics_server *m)
{
	struct list_node *pos, *tmp;

	if (!m->eng)
		return;
	list_for_each_safe(pos, tmp, &m->conns) {
		struct metrics_conn *c = container_of(pos, struct metrics_conn, node);

		if (engine_now(m->eng) - c->since_ns > METRICS_IDLE_NS)
			conn_free(c);
	}
}

void metrics_close(struct metrics_server *m)
{
	if (!m->eng)
		return;
	while (!list_empty(&m->conns))
		conn_free(list_first_entry(&m->conns, struct metrics_conn, node));
	engine_forget_event(m->eng, &m->ev);
	close(m->fd);
	m->fd = -1;
	m->eng = NULL;
}

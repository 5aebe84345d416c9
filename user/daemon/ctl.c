// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "lib/cli.h"
#include "lib/log.h"

#define CTL_MAX_CONNS 64
#define CTL_SOCK_UMASK	0177	/* bind() makes the socket 0600: nobody else, ever */
#define CTL_SOCK_GROUP_MODE 0660
#define GROUPS_FIRST_TRY 64	/* supplementary groups read at once; more: ask again */
#define GRBUF_MAX	(1 << 20)

static int ctl_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

static int ctl_connect(const char *path, int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };
	struct sockaddr_un sa;
	int fd, err = ctl_addr(&sa, path);

	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = errno == ECONNREFUSED ? -ENOENT : -errno;
		close(fd);
		return err;
	}
	if (timeout_s) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	return fd;
}

bool ctl_daemon_running(const char *path)
{
	int fd = ctl_connect(path, 1);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Each word ends with a NUL, so a word may hold anything else, spaces and
 * newlines included, and an empty word stays a word: the daemon reads the
 * words exactly as the user gave them. The request ends where the client
 * shuts down its side. */
static int ctl_send_words(int fd, int argc, char **argv)
{
	char req[CTL_REQUEST_MAX];
	size_t off = 0;

	if (argc > CTL_MAX_ARGS)
		return -E2BIG;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		if (off + n > sizeof(req))
			return -E2BIG;
		memcpy(req + off, argv[i], n);
		off += n;
	}
	return write_all(fd, req, off);
}

int ctl_call(const char *path, int argc, char **argv, FILE *out, FILE *err, int timeout_s)
{
	char buf[4096];
	int fd = ctl_connect(path, timeout_s), status = -1, ret;
	FILE *dst = out;
	size_t skip = 0;
	ssize_t n;

	if (fd < 0)
		return fd;
	ret = ctl_send_words(fd, argc, argv);
	if (ret) {
		close(fd);
		return ret;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		size_t len = (size_t)n;

		if (status < 0) {
			char *nl = memchr(buf, '\n', len);

			if (!nl)
				break;	/* the status line comes first, whole */
			status = atoi(buf);
			dst = status ? err : out;
			skip = (size_t)(nl - buf) + 1;
		}
		fwrite(buf + skip, 1, len - skip, dst);
		skip = 0;
	}
	ret = n < 0 ? -errno : 0;
	close(fd);
	fflush(dst);
	if (ret)
		return ret == -EAGAIN ? -ETIMEDOUT : ret;
	return status < 0 ? -EPROTO : status;
}

/* --- daemon side ---------------------------------------------------------- */

static void conn_free(struct ctl_conn *c)
{
	list_del(&c->node);
	close(c->fd);
	free(c->out);
	free(c);
}

static void conn_arm(struct ctl_conn *c, unsigned int mask)
{
	if (engine_poll_fd(c->srv->eng, &c->ev, c->fd, mask)) {
		conn_free(c);
		return;
	}
	c->polling = true;
}

/* Writes what the socket takes; frees the connection when all is out. */
static void conn_flush(struct ctl_conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

		if (n < 0 && errno == EAGAIN) {
			conn_arm(c, POLLOUT);
			return;
		}
		if (n <= 0)
			break;	/* the client went away: nothing more to say */
		c->out_off += (size_t)n;
	}
	conn_free(c);
}

void ctl_reply(struct ctl_conn *c, int status, const char *text, size_t len)
{
	int head;

	if (c->answered)
		return;
	c->answered = true;
	c->out = malloc(len + 16);
	if (!c->out) {
		conn_free(c);
		return;
	}
	head = snprintf(c->out, 16, "%d\n", status);
	memcpy(c->out + head, text, len);
	c->out_len = (size_t)head + len;
	c->out_off = 0;
	if (!c->polling)
		conn_flush(c);
}

void ctl_replyf(struct ctl_conn *c, int status, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		ctl_reply(c, status, "", 0);
		return;
	}
	ctl_reply(c, status, text, (size_t)n);
	free(text);
}

int ctl_parse(struct ctl_conn *c, const struct cli_cmd *cmd, void *opts, int argc,
	      char **argv, char **pos, int *npos)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct cli_env env = { .prog = AOE_XDP_PROG, .out = f, .err = f, .other_cwd = true };
	int err;

	if (!f) {
		ctl_replyf(c, 1, "out of memory\n");
		return -ENOMEM;
	}
	err = cli_parse(&env, cmd, opts, argc, argv, pos, npos);
	fclose(f);
	if (err)	/* 1: --help, printed into the answer */
		ctl_reply(c, err == 1 ? 0 : 2, text, len);
	free(text);
	return err;
}

/* Refused: say who may, and how to become one. */
static void conn_refuse(struct ctl_conn *c)
{
	const struct ctl_access *a = &c->srv->access;

	if (!c->peer_known) {
		ctl_replyf(c, 1, AOE_XDP_PROG ": permission denied: the daemon could not tell who "
			   "you are\n");
		return;
	}
	pr_info("control socket: refused uid %u gid %u (pid %d): not root%s%s\n",
		(unsigned int)c->peer.uid, (unsigned int)c->peer.gid, (int)c->peer.pid,
		a->group_set ? ", not in group " : "", a->group_set ? a->group : "");
	if (a->group_set)
		ctl_replyf(c, 1, AOE_XDP_PROG ": permission denied: the daemon answers root and "
			   "members of group %s; uid %u is neither (add it to %s, or run as root)\n",
			   a->group, (unsigned int)c->peer.uid, a->group);
	else
		ctl_replyf(c, 1, AOE_XDP_PROG ": permission denied: the daemon answers root only; "
			   "run as root, or start it with 'attach --ctl-group GROUP' to let GROUP's "
			   "members run 'aoe-xdp stat'\n");
}

static void conn_dispatch(struct ctl_conn *c)
{
	char *argv[CTL_MAX_ARGS];
	size_t off = 0;
	int argc = 0;

	/* The socket's mode already keeps others out; this holds even when
	 * it does not (a peer with CAP_DAC_OVERRIDE, a socket fd passed on). */
	if (!ctl_peer_is_root(c) && !c->peer_in_group) {
		conn_refuse(c);
		return;
	}

	if (c->in[c->in_len - 1] != '\0') {
		ctl_replyf(c, 2, AOE_XDP_PROG ": the command is cut short or longer than %d bytes\n",
			   CTL_REQUEST_MAX);
		return;
	}
	while (off < c->in_len) {
		if (argc == CTL_MAX_ARGS) {
			ctl_replyf(c, 2, AOE_XDP_PROG ": more than %d words in one command\n",
				   CTL_MAX_ARGS);
			return;
		}
		argv[argc++] = c->in + off;
		off += strlen(c->in + off) + 1;
	}
	c->srv->handler(c->srv->ctx, c, argc, argv);
}

static void conn_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ctl_conn *c = container_of(ev, struct ctl_conn, ev);
	ssize_t n;

	c->polling = false;
	if (c->answered) {
		conn_flush(c);
		return;
	}
	if (cqe->res < 0) {
		conn_free(c);
		return;
	}
	n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n < 0 && errno == EAGAIN) {
		conn_arm(c, POLLIN);
		return;
	}
	if (n > 0)
		c->in_len += (size_t)n;
	/* The request is whole when the client has shut its side down. */
	if (n > 0 && c->in_len < sizeof(c->in)) {
		conn_arm(c, POLLIN);
		return;
	}
	if (!c->in_len) {
		conn_free(c);
		return;
	}
	conn_dispatch(c);
}

static unsigned int conn_count(const struct ctl_server *s)
{
	unsigned int n = 0;

	for (const struct list_node *p = s->conns.next; p != &s->conns; p = p->next)
		n++;
	return n;
}

/* gid among the peer's supplementary groups (SO_PEERGROUPS, Linux 4.13). */
static bool peer_has_group(int fd, gid_t gid)
{
	gid_t first[GROUPS_FIRST_TRY], *groups = first;
	socklen_t len = sizeof(first);
	bool found = false;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len)) {
		if (errno != ERANGE || !(groups = malloc(len)))
			return false;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len)) {
			free(groups);
			return false;
		}
	}
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		found |= groups[i] == gid;
	if (groups != first)
		free(groups);
	return found;
}

/* Who is on the other end, as the kernel saw it at connect(). */
static void conn_read_peer(struct ctl_conn *c)
{
	const struct ctl_access *a = &c->srv->access;
	socklen_t len = sizeof(c->peer);

	c->peer_known = !getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->peer, &len) &&
			len == sizeof(c->peer);
	c->peer_in_group = c->peer_known && a->group_set &&
			   (c->peer.gid == a->gid || peer_has_group(c->fd, a->gid));
}

static void listen_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ctl_server *s = container_of(ev, struct ctl_server, ev);
	int fd;

	while ((fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ctl_conn *c;

		if (conn_count(s) >= CTL_MAX_CONNS || !(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->srv = s;
		c->fd = fd;
		conn_read_peer(c);
		c->ev.fn = conn_event;
		list_add_tail(&s->conns, &c->node);
		conn_arm(c, POLLIN);
	}
	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE))
		engine_watch_fd(s->eng, &s->ev, s->fd, POLLIN);
}

int ctl_access_group(struct ctl_access *access, const char *group)
{
	struct group gr, *found = NULL;
	size_t size = 1024;
	char *buf = NULL, *end;
	int err;

	do {
		char *more = realloc(buf, size);

		if (!more) {
			free(buf);
			return -ENOMEM;
		}
		buf = more;
		err = getgrnam_r(group, &gr, buf, size, &found);
		size *= 2;
	} while (err == ERANGE && size <= GRBUF_MAX);
	if (found) {
		access->gid = gr.gr_gid;
	} else {
		unsigned long gid = strtoul(group, &end, 10);

		if (!*group || *end || gid > (gid_t)-2) {
			pr_err("--ctl-group: no group named '%s' (list them with: getent group)\n",
			       group);
			free(buf);
			return -ENOENT;
		}
		access->gid = (gid_t)gid;
	}
	free(buf);
	access->group_set = true;
	snprintf(access->group, sizeof(access->group), "%s", group);
	return 0;
}

/*
 * The socket file: made 0600 by the umask bind() runs under, so there is
 * no moment it is open to others; with a group, handed to it (root:GROUP)
 * and only then opened to it (0660). Then listen.
 */
static int ctl_bind(struct ctl_server *s, const struct sockaddr_un *sa)
{
	mode_t old = umask(CTL_SOCK_UMASK);
	int err = bind(s->fd, (const struct sockaddr *)sa, sizeof(*sa)) ? -errno : 0;

	umask(old);
	if (err)
		return err;
	if (s->access.group_set &&
	    (chown(sa->sun_path, (uid_t)-1, s->access.gid) ||
	     chmod(sa->sun_path, CTL_SOCK_GROUP_MODE)))
		err = -errno;
	if (!err && listen(s->fd, 16))
		err = -errno;
	if (err)
		unlink(sa->sun_path);	/* ours: bind() made it */
	return err;
}

int ctl_server_open(struct ctl_server *s, struct aoe_engine *e, const char *path,
		    const struct ctl_access *access, ctl_handler_fn handler, void *ctx)
{
	struct sockaddr_un sa;
	int err;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	list_init(&s->conns);
	if (access)
		s->access = *access;
	err = ctl_addr(&sa, path);
	if (err)
		return err;
	if (ctl_daemon_running(path)) {
		pr_err("another aoe-xdp daemon answers on %s; use 'aoe-xdp attach' to add "
		       "interfaces to it, or 'aoe-xdp detach --all' to stop it\n", path);
		return -EADDRINUSE;
	}
	unlink(path);	/* a crashed daemon's socket */
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	err = ctl_bind(s, &sa);
	if (err) {
		pr_err("cannot listen on %s: %s\n", path, strerror(-err));
		close(s->fd);
		s->fd = -1;
		return err;
	}
	strcpy(s->path, path);
	s->eng = e;
	s->handler = handler;
	s->ctx = ctx;
	s->ev.fn = listen_event;
	return engine_watch_fd(e, &s->ev, s->fd, POLLIN);
}

void ctl_server_close(struct ctl_server *s)
{
	if (s->fd < 0)
		return;
	while (!list_empty(&s->conns)) {
		struct ctl_conn *c = list_first_entry(&s->conns, struct ctl_conn, node);

		if (c->polling)
			engine_forget_event(s->eng, &c->ev);
		conn_free(c);
	}
	engine_forget_event(s->eng, &s->ev);
	close(s->fd);
	unlink(s->path);
	s->fd = -1;
}

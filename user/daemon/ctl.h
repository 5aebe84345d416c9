/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket between `aoe-xdp <command>` and a running daemon:
 * a unix stream socket in the run directory. It is made with a umask that
 * leaves it root's alone (mode 0600), or with --ctl-group, its group's
 * too (0660, root:GROUP), and every connection's peer credentials
 * (SO_PEERCRED, SO_PEERGROUPS) are checked again: root, or a member of that
 * group, else the request is refused. The daemon decides what a member may
 * run (ctl_peer_is_root()). The client sends the
 * words the user gave (the command first), each ended by a NUL, and shuts
 * its side down; the daemon parses them with the command's option table
 * (ctl_parse) and answers with a line holding the exit status, then the
 * text to print, and closes.
 *
 * Daemon side: the socket and its connections live in the engine loop;
 * a handler answers at once or keeps the connection for a later answer
 * (discovery waits, benchmarks).
 */
#ifndef AOE_CTL_H
#define AOE_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "engine/engine.h"

#define AOE_XDP_PROG		"aoe-xdp"	/* how messages and answers begin */
#define CTL_REQUEST_MAX		4096
#define CTL_MAX_ARGS		64

struct cli_cmd;
struct ctl_server;
struct ctl_conn;

/* argv[0] is the command; return 0 after ctl_reply(), or keep conn and
 * reply later. */
typedef void (*ctl_handler_fn)(void *ctx, struct ctl_conn *c, int argc, char **argv);

/* Who besides root may talk to the daemon. */
struct ctl_access {
	bool group_set;
	gid_t gid;
	char group[64];		/* its name, for messages */
};

struct ctl_server {
	struct aoe_engine *eng;
	int fd;
	char path[108];
	struct ctl_access access;
	struct engine_event ev;
	ctl_handler_fn handler;
	void *ctx;
	struct list_node conns;
};

struct ctl_conn {
	struct ctl_server *srv;
	struct list_node node;
	int fd;
	struct engine_event ev;
	struct ucred peer;	/* who connected (SO_PEERCRED) */
	bool peer_known;	/* peer was read */
	bool peer_in_group;	/* a member of access.gid */
	bool polling;		/* a poll SQE points at ev */
	bool answered;
	char in[CTL_REQUEST_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_off;
};

/* access NULL: root only. */
int ctl_server_open(struct ctl_server *s, struct aoe_engine *e, const char *path,
		    const struct ctl_access *access, ctl_handler_fn handler, void *ctx);
/* access->gid from a group's name or number: 0, or -ENOENT after saying so. */
int ctl_access_group(struct ctl_access *access, const char *group);

/* The peer is root (uid 0); else it got in as a member of the group. */
static inline bool ctl_peer_is_root(const struct ctl_conn *c)
{
	return c->peer_known && c->peer.uid == 0;
}
void ctl_server_close(struct ctl_server *s);

/* Sends "status\n" + text (len bytes) and closes the connection. */
void ctl_reply(struct ctl_conn *c, int status, const char *text, size_t len);
/* Same, with printf formatting. */
void ctl_replyf(struct ctl_conn *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Parses a client's words (argv[0] the command) with cmd's option table, as
 * the client's own parse of them did; a relative path is refused, since the
 * client's directory is not ours. Returns 0 with the positional words in
 * pos (room for argc) and *npos, or non-zero after answering c: the error
 * (status 2), or the --help text.
 */
int ctl_parse(struct ctl_conn *c, const struct cli_cmd *cmd, void *opts, int argc,
	      char **argv, char **pos, int *npos);

/*
 * Client: sends the words (see above), copies the answer's text to out
 * (stdout when status is 0, else err), returns the status the daemon gave
 * (>= 0), -ENOENT when no daemon listens, or -errno.
 */
int ctl_call(const char *path, int argc, char **argv, FILE *out, FILE *err,
	     int timeout_s);
/* True when a daemon answers on path. */
bool ctl_daemon_running(const char *path);

#endif /* AOE_CTL_H */

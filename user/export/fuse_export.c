// SPDX-License-Identifier: GPL-2.0
/*
 * FUSE export: one regular file per AoE device, DIR/eS.N, sized to its
 * capacity. The session's fd is polled by the engine loop and requests are
 * answered from engine completions: no thread, no lock. Files use direct
 * I/O so every read and write reaches the device, and fsync is a FLUSH.
 */
#define FUSE_USE_VERSION 34

#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "lib/log.h"
#include "write_order.h"

#define FUSE_IO_MAX	(256u * 1024)	/* max_read and max_write */
#define FUSE_SLOTS	32		/* requests in flight to the engine */
#define FUSE_ROOT_INO	1
#define FUSE_DEV_INO_BASE	2

enum slot_kind { SLOT_READ, SLOT_WRITE, SLOT_RMW_READ, SLOT_FSYNC };

struct fuse_export;

struct fuse_slot {
	struct aoe_req req;
	struct fuse_export *fx;
	fuse_req_t freq;
	enum slot_kind kind;
	uint8_t *buf;		/* sector-aligned window onto the device */
	uint8_t *wbuf;		/* a write's data while its edges are read */
	size_t head;		/* the caller's bytes start at buf + head */
	size_t size;
	/* A write, from arrival to its answer: its device and sectors, and
	 * rmw when it is not whole sectors (read around, then write). */
	struct aoe_dev *dev;
	struct ordered_write wr;
};

struct fuse_export {
	struct export_ctx *ctx;
	struct fuse_session *se;
	char dir[PATH_MAX];
	int fd;
	struct engine_event ev;
	struct fuse_buf fbuf;
	struct fuse_slot slots[FUSE_SLOTS];
	struct fuse_slot *free[FUSE_SLOTS];
	unsigned int nfree;
	struct write_order wo;	/* overlapping writes wait their turn */
	bool starved;		/* stopped reading requests: no free slot */
	bool mounted;
	struct timespec born;
	/* Open files, by inode: a device with one is in use (flush). */
	struct fuse_opens {
		fuse_ino_t ino;
		unsigned int n;
	} *opens;
	unsigned int nopens;
};

static struct fuse_export *fx_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

/* A device's inode follows from its shelf.slot, so it stays the same
 * across a daemon restart. */
static fuse_ino_t dev_ino(const struct aoe_dev *d)
{
	return FUSE_DEV_INO_BASE + ((fuse_ino_t)aoe_dev_shelf(d) << 8 | aoe_dev_slot(d));
}

/* Only devices that answered IDENTIFY have a file (a size). */
static struct aoe_dev *dev_of_ino(struct fuse_export *fx, fuse_ino_t ino)
{
	struct aoe_dev *d;

	engine_for_each_dev(fx->ctx->eng, d)
		if (aoe_dev_identity(d) && dev_ino(d) == ino)
			return d;
	return NULL;
}

static void fill_attr(struct fuse_export *fx, const struct aoe_dev *d, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_atim = st->st_mtim = st->st_ctim = fx->born;
	if (!d) {
		st->st_ino = FUSE_ROOT_INO;
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return;
	}
	st->st_ino = dev_ino(d);
	st->st_mode = S_IFREG | 0600;
	st->st_nlink = 1;
	st->st_size = (off_t)aoe_dev_bytes(d);
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)(aoe_dev_bytes(d) / ATA_SECTOR_SIZE);
}

static void fx_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->max_write = FUSE_IO_MAX;
	conn->max_read = FUSE_IO_MAX;
	conn->want &= ~FUSE_CAP_SPLICE_READ;
}

static void fx_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_export *fx = fx_of(req);
	struct aoe_dev *d = engine_find_dev_name(fx->ctx->eng, name);
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_INO || !d || !aoe_dev_identity(d)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = dev_ino(d);
	fill_attr(fx, d, &e.attr);
	fuse_reply_entry(req, &e);
}

static void fx_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_export *fx = fx_of(req);
	struct aoe_dev *d = ino == FUSE_ROOT_INO ? NULL : dev_of_ino(fx, ino);
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_INO && !d) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_attr(fx, d, &st);
	fuse_reply_attr(req, &st, 0);
}

/* Like a block device, the file's size is the disk's: truncation (O_TRUNC)
 * and other attribute changes are accepted and change nothing. */
static void fx_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
		       struct fuse_file_info *fi)
{
	(void)attr;
	(void)to_set;
	fx_getattr(req, ino, fi);
}

/* The open count of ino, made when make is set (NULL without memory). */
static struct fuse_opens *opens_of(struct fuse_export *fx, fuse_ino_t ino, bool make)
{
	struct fuse_opens *o;

	for (unsigned int i = 0; i < fx->nopens; i++)
		if (fx->opens[i].ino == ino)
			return &fx->opens[i];
	if (!make)
		return NULL;
	o = realloc(fx->opens, (fx->nopens + 1) * sizeof(*o));
	if (!o)
		return NULL;
	fx->opens = o;
	o = &fx->opens[fx->nopens++];
	*o = (struct fuse_opens){ .ino = ino };
	return o;
}

static void fx_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_export *fx = fx_of(req);
	struct fuse_opens *o;

	if (!dev_of_ino(fx, ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	o = opens_of(fx, ino, true);
	if (!o) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fi->direct_io = 1;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi) == 0)
		o->n++;
}

static void fx_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct fuse_opens *o = opens_of(fx_of(req), ino, false);

	(void)fi;
	if (o && o->n)
		o->n--;
	fuse_reply_err(req, 0);
}

static void fx_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct fuse_export *fx = fx_of(req);
	struct aoe_dev *d;
	char buf[4096];
	size_t used = 0;
	off_t n = 0;
	struct stat st;

	(void)fi;
	if (ino != FUSE_ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (size > sizeof(buf))
		size = sizeof(buf);
	fill_attr(fx, NULL, &st);
	for (int dot = 0; dot < 2; dot++) {
		if (n++ >= off) {
			size_t l = fuse_add_direntry(req, buf + used, size - used, dot ? ".." : ".",
						     &st, n);
			if (l > size - used)
				goto out;
			used += l;
		}
	}
	engine_for_each_dev(fx->ctx->eng, d) {
		size_t l;

		if (!aoe_dev_identity(d) || n++ < off)
			continue;
		fill_attr(fx, d, &st);
		l = fuse_add_direntry(req, buf + used, size - used, aoe_dev_name(d), &st, n);
		if (l > size - used)
			break;
		used += l;
	}
out:
	fuse_reply_buf(req, buf, used);
}

static struct fuse_slot *slot_get(struct fuse_export *fx)
{
	return fx->nfree ? fx->free[--fx->nfree] : NULL;
}

static void fx_pump(struct fuse_export *fx);

static void slot_put(struct fuse_slot *s)
{
	struct fuse_export *fx = s->fx;

	s->dev = NULL;	/* the slot no longer holds its device */

	fx->free[fx->nfree++] = s;
	if (fx->starved) {
		fx->starved = false;
		fx_pump(fx);
	}
}

static void fuse_io_done(struct aoe_req *req, int res);

/* Submits a device request covering [lba, lba + nsect) for slot s. */
static void slot_submit(struct fuse_slot *s, struct aoe_dev *d, enum aoe_req_op op,
			uint64_t lba, uint32_t nsect)
{
	export_submit(s->fx->ctx, d, &s->req, 0, op, lba, nsect, s->buf, fuse_io_done, s);
}

/* write_order says this write may go: its first request. */
static void write_start(struct ordered_write *w, void *ctx)
{
	struct fuse_slot *s = container_of(w, struct fuse_slot, wr);

	(void)ctx;
	if (w->rmw) {
		s->kind = SLOT_RMW_READ;
		slot_submit(s, s->dev, AOE_OP_READ, w->lba, w->nsect);
	} else {
		s->kind = SLOT_WRITE;
		slot_submit(s, s->dev, AOE_OP_WRITE, w->lba, w->nsect);
	}
}

/* The engine finished a request of a FUSE read, write or fsync. */
static void fuse_io_done(struct aoe_req *req, int res)
{
	struct fuse_slot *s = req->priv;
	bool write = s->kind == SLOT_WRITE || s->kind == SLOT_RMW_READ;

	if (!res && s->kind == SLOT_RMW_READ) {
		/* The edges are in: lay the new bytes over them and write. */
		memcpy(s->buf + s->head, s->wbuf, s->size);
		s->kind = SLOT_WRITE;
		slot_submit(s, req->dev, AOE_OP_WRITE, req->lba, req->nsect);
		return;
	}
	if (res)
		fuse_reply_err(s->freq, EIO);
	else if (s->kind == SLOT_READ)
		fuse_reply_buf(s->freq, (const char *)s->buf + s->head, s->size);
	else if (s->kind == SLOT_WRITE)
		fuse_reply_write(s->freq, s->size);
	else
		fuse_reply_err(s->freq, 0);	/* SLOT_FSYNC */
	if (write)
		write_order_done(&s->fx->wo, &s->wr);
	slot_put(s);
}

/* Common checks of read and write: the device, the daemon, a slot. */
static struct fuse_slot *io_begin(fuse_req_t req, fuse_ino_t ino, struct aoe_dev **dp)
{
	struct fuse_export *fx = fx_of(req);
	struct aoe_dev *d = dev_of_ino(fx, ino);
	struct fuse_slot *s;

	if (!d) {
		fuse_reply_err(req, ENOENT);
		return NULL;
	}
	if (fx->ctx->stopping || aoe_dev_state(d) != DEV_UP) {
		fuse_reply_err(req, EIO);
		return NULL;
	}
	s = slot_get(fx);
	if (!s) {	/* cannot happen: we read no request without a slot */
		fuse_reply_err(req, EAGAIN);
		return NULL;
	}
	s->freq = req;
	*dp = d;
	return s;
}

/* At most one FUSE request's worth, and not past the end of the disk. */
static size_t clamp_io(const struct aoe_dev *d, off_t off, size_t size)
{
	if (size > FUSE_IO_MAX)
		size = FUSE_IO_MAX;
	if ((uint64_t)off + size > aoe_dev_bytes(d))
		size = (size_t)(aoe_dev_bytes(d) - (uint64_t)off);
	return size;
}

static void span(off_t off, size_t size, uint64_t *lba, uint32_t *nsect, size_t *head)
{
	uint64_t first = (uint64_t)off / ATA_SECTOR_SIZE;
	uint64_t last = ((uint64_t)off + size + ATA_SECTOR_SIZE - 1) / ATA_SECTOR_SIZE;

	*lba = first;
	*nsect = (uint32_t)(last - first);
	*head = (size_t)((uint64_t)off % ATA_SECTOR_SIZE);
}

static void fx_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct aoe_dev *d;
	struct fuse_slot *s = io_begin(req, ino, &d);
	uint64_t lba;
	uint32_t nsect;

	(void)fi;
	if (!s)
		return;
	if (off < 0 || (uint64_t)off >= aoe_dev_bytes(d) || !size) {
		fuse_reply_buf(req, NULL, 0);
		slot_put(s);
		return;
	}
	size = clamp_io(d, off, size);
	s->kind = SLOT_READ;
	s->size = size;
	span(off, size, &lba, &nsect, &s->head);
	slot_submit(s, d, AOE_OP_READ, lba, nsect);
}

static void fx_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
		     off_t off, struct fuse_file_info *fi)
{
	struct aoe_dev *d;
	struct fuse_slot *s = io_begin(req, ino, &d);

	(void)fi;
	if (!s)
		return;
	if (off < 0 || (uint64_t)off >= aoe_dev_bytes(d)) {
		fuse_reply_err(req, ENOSPC);
		slot_put(s);
		return;
	}
	size = clamp_io(d, off, size);	/* past the end: a short write */
	s->size = size;
	s->dev = d;
	s->wr.dev = d;
	span(off, size, &s->wr.lba, &s->wr.nsect, &s->head);
	s->wr.rmw = s->head || size % ATA_SECTOR_SIZE;
	/* The caller's buffer lives only as long as this call. */
	memcpy(s->wr.rmw ? s->wbuf : s->buf, buf, size);
	write_order_arrive(&s->fx->wo, &s->wr);
}

static void fx_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
	struct aoe_dev *d;
	struct fuse_slot *s = io_begin(req, ino, &d);

	(void)datasync;
	(void)fi;
	if (!s)
		return;
	s->kind = SLOT_FSYNC;
	slot_submit(s, d, AOE_OP_FLUSH, 0, 0);
}

static void fx_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);	/* close(): durability is fsync's job */
}

static const struct fuse_lowlevel_ops fx_ops = {
	.init = fx_init,
	.lookup = fx_lookup,
	.getattr = fx_getattr,
	.setattr = fx_setattr,
	.open = fx_open,
	.read = fx_read,
	.write = fx_write,
	.flush = fx_flush,
	.release = fx_release,
	.fsync = fx_fsync,
	.readdir = fx_readdir,
};

/* Reads and handles requests while there is a slot for them. */
static void fx_pump(struct fuse_export *fx)
{
	while (!fuse_session_exited(fx->se)) {
		int res;

		if (!fx->nfree) {
			fx->starved = true;
			return;
		}
		res = fuse_session_receive_buf(fx->se, &fx->fbuf);
		if (res == -EAGAIN || res == -EINTR)
			return;
		if (res <= 0) {
			if (res < 0)
				pr_err("reading FUSE requests failed: %s\n", strerror(-res));
			return;
		}
		fuse_session_process_buf(fx->se, &fx->fbuf);
	}
}

static void fx_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct fuse_export *fx = container_of(ev, struct fuse_export, ev);

	fx_pump(fx);
	if (cqe->res >= 0 && !(cqe->flags & IORING_CQE_F_MORE) && !fuse_session_exited(fx->se))
		engine_watch_fd(fx->ctx->eng, &fx->ev, fx->fd, POLLIN);
}

static int fx_alloc_slots(struct fuse_export *fx)
{
	for (unsigned int i = 0; i < FUSE_SLOTS; i++) {
		struct fuse_slot *s = &fx->slots[i];

		s->fx = fx;
		/* One extra sector each side for unaligned requests. */
		s->buf = aligned_alloc(4096, FUSE_IO_MAX + 4096);
		s->wbuf = malloc(FUSE_IO_MAX);
		if (!s->buf || !s->wbuf)
			return -ENOMEM;
		fx->free[fx->nfree++] = s;
	}
	return 0;
}

/* A crashed daemon leaves a dead mount ("transport endpoint is not
 * connected") that must go before a new one can take its place. */
static int fx_prepare_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) && errno == ENOTCONN)
		umount2(dir, MNT_DETACH);
	if (mkdir(dir, 0755) && errno != EEXIST) {
		pr_err("cannot create the FUSE directory %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

static void fx_free(struct fuse_export *fx)
{
	if (fx->se) {
		if (fx->mounted)
			fuse_session_unmount(fx->se);
		fuse_session_destroy(fx->se);
	}
	for (unsigned int i = 0; i < FUSE_SLOTS; i++) {
		free(fx->slots[i].buf);
		free(fx->slots[i].wbuf);
	}
	free(fx->fbuf.mem);
	free(fx->opens);
	free(fx);
}

static int fx_mount(struct fuse_export *fx)
{
	char *argv[] = { "aoe-xdp", "-o",
			 "allow_other,default_permissions,fsname=aoe-xdp,subtype=aoe,max_read=262144",
			 NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	int err;

	fx->se = fuse_session_new(&args, &fx_ops, sizeof(fx_ops), fx);
	fuse_opt_free_args(&args);	/* the session keeps what it needs */
	if (!fx->se) {
		pr_err("creating the FUSE session failed; is fuse3 installed?\n");
		return -EINVAL;
	}
	if (fuse_session_mount(fx->se, fx->dir)) {
		pr_err("mounting FUSE on %s failed; is /dev/fuse there (modprobe fuse)?\n",
		       fx->dir);
		return -EIO;
	}
	fx->mounted = true;
	fx->fd = fuse_session_fd(fx->se);
	err = fcntl(fx->fd, F_SETFL, fcntl(fx->fd, F_GETFL) | O_NONBLOCK);
	return err ? -errno : 0;
}

static int fx_export_init(struct export_ctx *ctx, void **priv)
{
	struct fuse_export *fx = calloc(1, sizeof(*fx));
	int err;

	if (!fx)
		return -ENOMEM;
	fx->ctx = ctx;
	write_order_init(&fx->wo, write_start, fx);
	clock_gettime(CLOCK_REALTIME, &fx->born);
	if (ctx->fuse_dir)
		snprintf(fx->dir, sizeof(fx->dir), "%s", ctx->fuse_dir);
	else
		snprintf(fx->dir, sizeof(fx->dir), "%s/%s", ctx->run_dir, FUSE_SUBDIR);
	err = fx_alloc_slots(fx);
	if (!err)
		err = fx_prepare_dir(fx->dir);
	if (!err)
		err = fx_mount(fx);
	if (!err) {
		fx->ev.fn = fx_event;
		err = engine_watch_fd(ctx->eng, &fx->ev, fx->fd, POLLIN);
	}
	if (err) {
		fx_free(fx);
		return err;
	}
	pr_info("FUSE export: one file per device in %s\n", fx->dir);
	*priv = fx;
	return 0;
}

static void fx_export_fini(void *priv)
{
	struct fuse_export *fx = priv;

	engine_forget_event(fx->ctx->eng, &fx->ev);
	fx_free(fx);
}

static int fx_dev_up(void *priv, struct aoe_dev *d)
{
	struct fuse_export *fx = priv;

	pr_info("%s: exported as %s/%s\n", aoe_dev_name(d), fx->dir, aoe_dev_name(d));
	return 0;
}

static void fx_dev_down(void *priv, struct aoe_dev *d)
{
	(void)priv;
	(void)d;	/* the file stays; its I/O fails until the device is back */
}

static void fx_dev_changed(void *priv, struct aoe_dev *d)
{
	struct fuse_export *fx = priv;

	/* Attributes are never cached (timeout 0): the next stat sees it. */
	pr_info("%s: %s/%s is now %llu bytes\n", aoe_dev_name(d), fx->dir, aoe_dev_name(d),
		(unsigned long long)aoe_dev_bytes(d));
}

/* flush: a file that is open, or a write that waits its turn (it holds d),
 * keeps the device; otherwise the file goes with the AoE device. */
static int fx_release_dev(void *priv, struct aoe_dev *d, char *why, size_t len)
{
	struct fuse_export *fx = priv;
	struct fuse_opens *o = opens_of(fx, dev_ino(d), false);

	if (o && o->n) {
		snprintf(why, len, "%s/%s is open (%u)", fx->dir, aoe_dev_name(d), o->n);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < FUSE_SLOTS; i++) {
		if (fx->slots[i].dev == d) {
			snprintf(why, len, "%s/%s has I/O in flight", fx->dir, aoe_dev_name(d));
			return -EBUSY;
		}
	}
	return 0;
}

static void fx_path(void *priv, const struct aoe_dev *d, char *buf, size_t len)
{
	struct fuse_export *fx = priv;

	if (aoe_dev_identity(d))
		snprintf(buf, len, "%s/%s", fx->dir, aoe_dev_name(d));
	else if (len)
		buf[0] = '\0';
}

const struct export_ops export_fuse_ops = {
	.name = "fuse",
	.init = fx_export_init,
	.fini = fx_export_fini,
	.dev_up = fx_dev_up,
	.dev_down = fx_dev_down,
	.dev_changed = fx_dev_changed,
	.path = fx_path,
	.release = fx_release_dev,
};

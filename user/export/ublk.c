// SPDX-License-Identifier: GPL-2.0
/*
 * ublk export: one /dev/ublkbN per AoE device, served from the engine loop.
 *
 * Every ublk command goes through the engine's io_uring (SQE128), so the
 * queue's FETCH/COMMIT commands come from the one task that runs the loop,
 * as ublk requires. Control commands that wait for the queue (START_DEV,
 * END_USER_RECOVERY) or for I/O to drain (STOP_DEV, DEL_DEV) are punted by
 * io_uring to a worker while the loop keeps serving; quick ones (ADD_DEV,
 * SET_PARAMS, GET_DEV_INFO, START_USER_RECOVERY) use a small private ring.
 *
 * Devices are made with USER_RECOVERY_REISSUE: if the daemon dies, the
 * kernel holds their I/O, and the next attach takes them back; the link
 * $AOE_XDP_RUN_DIR/by-aoe/eS.N says which ublk device belongs to eS.N.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/log.h"
/* The vendored 6.12 UAPI header (include/linux/), not Debian 12's 6.1 one. */
#include <linux/ublk_cmd.h>

#define UBLK_CONTROL		"/dev/ublk-control"
#define UBLK_FINI_TIMEOUT_NS	(15 * NSEC_PER_SEC)
#define UBLK_QUIESCE_WAIT_NS	(10 * NSEC_PER_SEC)
#define UBLK_LINK_DIR		"by-aoe"

enum ublk_state {
	U_IDLE,			/* known from a link, waiting for its AoE device */
	U_STARTING,		/* FETCHes queued, START_DEV / END_USER_RECOVERY out */
	U_LIVE,
	U_STOPPING,		/* STOP_DEV out, then waiting for the aborts */
	U_DELETING,		/* DEL_DEV out */
	U_GONE,
};

struct ublk_export;
struct ublk_dev;

struct ublk_slot {
	struct engine_event ev;
	struct ublk_dev *u;
	uint16_t tag;
	bool in_kernel;		/* a FETCH or COMMIT_AND_FETCH is out */
	bool fua;
	uint32_t bytes;
	struct aoe_req req;
	uint8_t *buf;
};

struct ublk_dev {
	struct ublk_export *ux;
	struct list_node node;
	struct aoe_dev *d;	/* NULL until its AoE device is up */
	char name[AOE_NAME_LEN];
	int dev_id;
	int cdev_fd;
	enum ublk_state state;
	bool recover;		/* take an existing (quiesced) device back */
	uint64_t since_ns;	/* when it entered its state */
	struct engine_event ctrl_ev;
	struct ublksrv_ctrl_dev_info info;
	struct ublksrv_io_desc *descs;
	size_t descs_len;
	uint8_t *bufs;
	size_t bufs_len;
	struct ublk_slot *slots;
	unsigned int in_kernel;	/* slots with a command out */
};

struct ublk_export {
	struct daemon *dm;
	int ctrl_fd;
	struct io_uring sync_ring;	/* quick control commands, waited on */
	char link_dir[PATH_MAX];
	uint32_t depth;
	uint32_t max_io;
	struct list_node devs;
};

/* --- control commands ------------------------------------------------------ */

static void ctrl_prep(struct io_uring_sqe *sqe, int fd, uint32_t op, int dev_id,
		      uint64_t data0, void *addr, uint16_t len)
{
	struct ublksrv_ctrl_cmd *cmd = (struct ublksrv_ctrl_cmd *)sqe->cmd;

	memset(sqe, 0, 2 * sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	cmd->dev_id = (uint32_t)dev_id;
	cmd->queue_id = (uint16_t)-1;
	cmd->data[0] = data0;
	cmd->addr = (uint64_t)(uintptr_t)addr;
	cmd->len = len;
}

/* A control command that does not wait for our loop: issued and waited. */
static int ctrl_sync(struct ublk_export *ux, uint32_t op, int dev_id, uint64_t data0,
		     void *addr, uint16_t len)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ux->sync_ring);
	struct io_uring_cqe *cqe;
	int err;

	if (!sqe)
		return -EBUSY;
	ctrl_prep(sqe, ux->ctrl_fd, op, dev_id, data0, addr, len);
	err = io_uring_submit_and_wait(&ux->sync_ring, 1);
	if (err < 0)
		return err;
	err = io_uring_wait_cqe(&ux->sync_ring, &cqe);
	if (err)
		return err;
	err = cqe->res;
	io_uring_cqe_seen(&ux->sync_ring, cqe);
	return err;
}

/* A control command that may wait on our own loop: its CQE comes later. */
static int ctrl_async(struct ublk_dev *u, uint32_t op, uint64_t data0)
{
	struct io_uring_sqe *sqe = engine_get_sqe(&u->ux->dm->eng);

	if (!sqe)
		return -EBUSY;
	ctrl_prep(sqe, u->ux->ctrl_fd, op, u->dev_id, data0, NULL, 0);
	io_uring_sqe_set_data(sqe, &u->ctrl_ev);
	return 0;
}

static int get_dev_info(struct ublk_export *ux, int dev_id, struct ublksrv_ctrl_dev_info *info)
{
	memset(info, 0, sizeof(*info));
	return ctrl_sync(ux, UBLK_U_CMD_GET_DEV_INFO, dev_id, 0, info, sizeof(*info));
}

/* --- links: which ublk device is which AoE device ----------------------------- */

static void link_path(const struct ublk_dev *u, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", u->ux->link_dir, u->name);
}

static void link_set(struct ublk_dev *u)
{
	char path[PATH_MAX + AOE_NAME_LEN + 2], target[64];

	link_path(u, path, sizeof(path));
	snprintf(target, sizeof(target), "/dev/ublkb%d", u->dev_id);
	unlink(path);
	if (symlink(target, path))
		pr_warn("%s: cannot create the link %s: %s\n", u->name, path, strerror(errno));
}

static void link_drop(struct ublk_dev *u)
{
	char path[PATH_MAX + AOE_NAME_LEN + 2];

	link_path(u, path, sizeof(path));
	unlink(path);
}

/* --- the I/O queue ----------------------------------------------------------- */

static void slot_event(struct engine_event *ev, const struct io_uring_cqe *cqe);

static int slot_queue(struct ublk_slot *s, uint32_t op, int32_t result)
{
	struct ublk_dev *u = s->u;
	struct io_uring_sqe *sqe = engine_get_sqe(&u->ux->dm->eng);
	struct ublksrv_io_cmd *cmd;

	if (!sqe)
		return -EBUSY;
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = u->cdev_fd;
	sqe->cmd_op = op;
	cmd = (struct ublksrv_io_cmd *)sqe->cmd;
	cmd->q_id = 0;
	cmd->tag = s->tag;
	cmd->result = result;
	cmd->addr = (uint64_t)(uintptr_t)s->buf;
	io_uring_sqe_set_data(sqe, &s->ev);
	s->in_kernel = true;
	u->in_kernel++;
	return 0;
}

static void slot_commit(struct ublk_slot *s, int32_t result)
{
	/* Every request is answered, errors included: an unanswered one
	 * would make STOP_DEV and DEL_DEV hang. */
	if (slot_queue(s, UBLK_U_IO_COMMIT_AND_FETCH_REQ, result))
		pr_err("%s: no room to answer tag %u\n", s->u->name, s->tag);
}

static void slot_done(struct aoe_req *req, int res)
{
	struct ublk_slot *s = req->priv;

	if (!res && s->fua) {
		/* Forced unit access: the write is durable once flushed. */
		s->fua = false;
		memset(req, 0, sizeof(*req));
		req->op = AOE_OP_FLUSH;
		req->done = slot_done;
		req->priv = s;
		engine_submit(&s->u->ux->dm->eng, s->u->d, req);
		return;
	}
	slot_commit(s, res ? -EIO : (int32_t)s->bytes);
}

static void slot_serve(struct ublk_slot *s)
{
	struct ublk_dev *u = s->u;
	const struct ublksrv_io_desc *iod = &u->descs[s->tag];
	struct aoe_req *req = &s->req;
	uint8_t op = ublksrv_get_op(iod);

	/* STARTING serves too: START_DEV reads the partition table through
	 * us, and requests held over a daemon restart arrive right after
	 * END_USER_RECOVERY was sent. */
	if (!u->d || !daemon_accepting(u->ux->dm) ||
	    (u->state != U_LIVE && u->state != U_STARTING)) {
		slot_commit(s, -EIO);
		return;
	}
	memset(req, 0, sizeof(*req));
	req->done = slot_done;
	req->priv = s;
	s->fua = false;
	s->bytes = 0;
	switch (op) {
	case UBLK_IO_OP_READ:
	case UBLK_IO_OP_WRITE:
		if ((uint64_t)iod->nr_sectors * ATA_SECTOR_SIZE > u->ux->max_io) {
			slot_commit(s, -EINVAL);
			return;
		}
		req->op = op == UBLK_IO_OP_READ ? AOE_OP_READ : AOE_OP_WRITE;
		req->lba = iod->start_sector;
		req->nsect = iod->nr_sectors;
		req->buf = s->buf;
		s->bytes = iod->nr_sectors * ATA_SECTOR_SIZE;
		s->fua = op == UBLK_IO_OP_WRITE && (ublksrv_get_flags(iod) & UBLK_IO_F_FUA);
		break;
	case UBLK_IO_OP_FLUSH:
		req->op = AOE_OP_FLUSH;
		break;
	default:
		slot_commit(s, -EOPNOTSUPP);	/* not advertised */
		return;
	}
	engine_submit(&u->ux->dm->eng, u->d, req);
}

static void slot_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ublk_slot *s = container_of(ev, struct ublk_slot, ev);

	s->in_kernel = false;
	s->u->in_kernel--;
	if (cqe->res == UBLK_IO_RES_OK) {
		slot_serve(s);
		return;
	}
	/* UBLK_IO_RES_ABORT: the device is stopping; the slot is done. */
	if (cqe->res != UBLK_IO_RES_ABORT)
		pr_warn("%s: ublk I/O command for tag %u failed: %s\n", s->u->name, s->tag,
			strerror(-cqe->res));
}

static void queue_unmap(struct ublk_dev *u)
{
	if (u->descs)
		munmap(u->descs, u->descs_len);
	u->descs = NULL;
	if (u->cdev_fd >= 0)
		close(u->cdev_fd);
	u->cdev_fd = -1;
}

/* Opens /dev/ublkcN (devtmpfs may take a moment) and maps its descriptors. */
static int queue_map(struct ublk_dev *u)
{
	char path[32];
	long page = sysconf(_SC_PAGESIZE);

	snprintf(path, sizeof(path), "/dev/ublkc%d", u->dev_id);
	for (int i = 0; i < 200; i++) {
		u->cdev_fd = open(path, O_RDWR | O_CLOEXEC);
		if (u->cdev_fd >= 0 || errno != ENOENT)
			break;
		usleep(10000);
	}
	if (u->cdev_fd < 0) {
		pr_err("%s: cannot open %s: %s\n", u->name, path, strerror(errno));
		return -errno;
	}
	u->descs_len = (u->ux->depth * sizeof(struct ublksrv_io_desc) + (size_t)page - 1) &
		       ~((size_t)page - 1);
	u->descs = mmap(NULL, u->descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, u->cdev_fd,
			UBLKSRV_CMD_BUF_OFFSET);
	if (u->descs == MAP_FAILED) {
		u->descs = NULL;
		pr_err("%s: cannot map the ublk descriptors: %s\n", u->name, strerror(errno));
		queue_unmap(u);
		return -errno;
	}
	return 0;
}

static int queue_fetch_all(struct ublk_dev *u)
{
	for (uint32_t t = 0; t < u->ux->depth; t++) {
		int err = slot_queue(&u->slots[t], UBLK_U_IO_FETCH_REQ, 0);

		if (err)
			return err;
	}
	return 0;
}

/* --- device life cycle ---------------------------------------------------------- */

static void udev_set_state(struct ublk_dev *u, enum ublk_state st)
{
	u->state = st;
	u->since_ns = u->ux->dm->eng.now_ns;
}

static void udev_free(struct ublk_dev *u)
{
	queue_unmap(u);
	if (u->bufs)
		munmap(u->bufs, u->bufs_len);
	free(u->slots);
	list_del(&u->node);
	free(u);
}

static void udev_delete(struct ublk_dev *u)
{
	queue_unmap(u);	/* DEL_DEV waits for our last reference to go */
	udev_set_state(u, U_DELETING);
	if (ctrl_async(u, UBLK_U_CMD_DEL_DEV, 0))
		udev_set_state(u, U_GONE);
}

static void udev_stop(struct ublk_dev *u)
{
	if (u->state == U_STOPPING || u->state == U_DELETING || u->state == U_GONE)
		return;
	udev_set_state(u, U_STOPPING);
	if (ctrl_async(u, UBLK_U_CMD_STOP_DEV, 0))
		udev_delete(u);
}

static void ctrl_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ublk_dev *u = container_of(ev, struct ublk_dev, ctrl_ev);

	switch (u->state) {
	case U_STARTING:
		if (cqe->res) {
			pr_err("%s: starting /dev/ublkb%d failed: %s\n", u->name, u->dev_id,
			       strerror(-cqe->res));
			udev_stop(u);
			return;
		}
		udev_set_state(u, U_LIVE);
		link_set(u);
		pr_info("%s: %s /dev/ublkb%d\n", u->name, u->recover ? "took back" : "exported as",
			u->dev_id);
		return;
	case U_STOPPING:
		/* The aborted FETCHes come back on their own; ublk_tick()
		 * deletes the device once they have. */
		return;
	case U_DELETING:
		if (cqe->res && cqe->res != -ENODEV)
			pr_warn("%s: deleting /dev/ublkb%d: %s\n", u->name, u->dev_id,
				strerror(-cqe->res));
		link_drop(u);
		udev_set_state(u, U_GONE);
		return;
	default:
		return;
	}
}

static struct ublk_dev *udev_alloc(struct ublk_export *ux, const char *name, int dev_id)
{
	struct ublk_dev *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->ux = ux;
	u->dev_id = dev_id;
	u->cdev_fd = -1;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->ctrl_ev.fn = ctrl_event;
	u->slots = calloc(ux->depth, sizeof(*u->slots));
	u->bufs_len = (size_t)ux->depth * ux->max_io;
	/* Reserved, not committed: pages appear as requests use them. */
	u->bufs = mmap(NULL, u->bufs_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!u->slots || u->bufs == MAP_FAILED) {
		u->bufs = NULL;
		list_init(&u->node);
		udev_free(u);
		return NULL;
	}
	for (uint32_t t = 0; t < ux->depth; t++) {
		u->slots[t] = (struct ublk_slot){ .u = u, .tag = (uint16_t)t,
						  .buf = u->bufs + (size_t)t * ux->max_io };
		u->slots[t].ev.fn = slot_event;
	}
	list_add_tail(&ux->devs, &u->node);
	udev_set_state(u, U_IDLE);
	return u;
}

static void fill_params(const struct ublk_export *ux, const struct aoe_dev *d,
			struct ublk_params *p)
{
	memset(p, 0, sizeof(*p));
	p->len = sizeof(*p);
	p->types = UBLK_PARAM_TYPE_BASIC;
	p->basic.logical_bs_shift = 9;
	p->basic.physical_bs_shift = 12;
	p->basic.io_min_shift = 9;
	p->basic.io_opt_shift = 12;
	p->basic.max_sectors = ux->max_io >> 9;
	p->basic.dev_sectors = d->id.sectors;
	/* A write cache exists to the block layer only if we can flush it. */
	if (d->id.flush || d->id.flush_ext)
		p->basic.attrs = UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA;
}

static int udev_add(struct ublk_dev *u)
{
	struct ublk_export *ux = u->ux;
	struct ublk_params params;
	int err;

	memset(&u->info, 0, sizeof(u->info));
	u->info.nr_hw_queues = 1;
	u->info.queue_depth = (uint16_t)ux->depth;
	u->info.max_io_buf_bytes = ux->max_io;
	u->info.dev_id = (uint32_t)-1;
	u->info.ublksrv_pid = getpid();
	u->info.flags = UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE |
			UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_URING_CMD_COMP_IN_TASK;
	err = ctrl_sync(ux, UBLK_U_CMD_ADD_DEV, -1, 0, &u->info, sizeof(u->info));
	if (err) {
		pr_err("%s: adding a ublk device failed: %s\n", u->name, strerror(-err));
		return err;
	}
	u->dev_id = (int)u->info.dev_id;
	fill_params(ux, u->d, &params);
	err = ctrl_sync(ux, UBLK_U_CMD_SET_PARAMS, u->dev_id, 0, &params, sizeof(params));
	if (err)
		pr_err("%s: setting ublk parameters failed: %s\n", u->name, strerror(-err));
	return err;
}

/* Queue ready, then START_DEV (new) or END_USER_RECOVERY (taken back):
 * both return once the kernel saw every FETCH. */
static int udev_start(struct ublk_dev *u)
{
	int err = queue_map(u);

	if (!err)
		err = queue_fetch_all(u);
	if (!err) {
		udev_set_state(u, U_STARTING);
		err = ctrl_async(u, u->recover ? UBLK_U_CMD_END_USER_RECOVERY :
						 UBLK_U_CMD_START_DEV, (uint64_t)getpid());
	}
	return err;
}

/* A quiesced device from a daemon that died, ready to be taken back. */
static int udev_begin_recovery(struct ublk_dev *u)
{
	struct ublksrv_ctrl_dev_info info;
	uint64_t until = engine_now() + UBLK_QUIESCE_WAIT_NS;
	int err;

	/* The old daemon's ring may still be going away: wait for quiesce. */
	while (!(err = get_dev_info(u->ux, u->dev_id, &info)) &&
	       info.state == UBLK_S_DEV_LIVE && engine_now() < until)
		usleep(50000);
	if (err)
		return err;
	if (info.state != UBLK_S_DEV_QUIESCED)
		return -ESTALE;
	return ctrl_sync(u->ux, UBLK_U_CMD_START_USER_RECOVERY, u->dev_id, 0, NULL, 0);
}

static struct ublk_dev *udev_find(struct ublk_export *ux, const char *name)
{
	for (struct list_node *p = ux->devs.next; p != &ux->devs; p = p->next) {
		struct ublk_dev *u = container_of(p, struct ublk_dev, node);

		if (!strcmp(u->name, name) && u->state != U_GONE)
			return u;
	}
	return NULL;
}

static int ux_dev_up(struct daemon *dm, void *priv, struct aoe_dev *d)
{
	struct ublk_export *ux = priv;
	struct ublk_dev *u = udev_find(ux, d->name);
	int err;

	(void)dm;
	if (u && u->state != U_IDLE)
		return 0;	/* served already: it just came back up */
	if (!u) {
		u = udev_alloc(ux, d->name, -1);
		if (!u)
			return -ENOMEM;
	}
	u->d = d;
	if (u->recover) {
		err = udev_begin_recovery(u);
		if (err) {
			pr_warn("%s: cannot take back /dev/ublkb%d (%s); making a new device\n",
				u->name, u->dev_id, strerror(-err));
			u->recover = false;
		}
	}
	err = u->recover ? 0 : udev_add(u);
	if (!err)
		err = udev_start(u);
	if (err)
		udev_stop(u);
	return err;
}

static void ux_dev_down(struct daemon *dm, void *priv, struct aoe_dev *d)
{
	(void)dm;
	(void)priv;
	(void)d;	/* the device stays; its requests fail with EIO */
}

static void ux_path(void *priv, const struct aoe_dev *d, char *buf, size_t len)
{
	struct ublk_dev *u = udev_find(priv, d->name);

	if (u && u->state == U_LIVE)
		snprintf(buf, len, "/dev/ublkb%d", u->dev_id);
	else if (len)
		buf[0] = '\0';
}

/* --- start-up: devices left by a daemon that died ------------------------------ */

static void adopt_link(struct ublk_export *ux, const char *name)
{
	char path[PATH_MAX + 260], target[64];
	struct ublksrv_ctrl_dev_info info;
	ssize_t n;
	int id;
	struct ublk_dev *u;

	snprintf(path, sizeof(path), "%s/%s", ux->link_dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (sscanf(target, "/dev/ublkb%d", &id) != 1 || get_dev_info(ux, id, &info)) {
		unlink(path);	/* not a device any more */
		return;
	}
	u = udev_alloc(ux, name, id);
	if (!u)
		return;
	if (info.state == UBLK_S_DEV_DEAD) {
		pr_info("%s: removing /dev/ublkb%d left by an earlier run\n", name, id);
		udev_delete(u);
		return;
	}
	u->recover = true;
	pr_info("%s: /dev/ublkb%d is waiting for its daemon; taking it back when %s answers\n",
		name, id, name);
}

static void adopt_links(struct ublk_export *ux)
{
	DIR *dir = opendir(ux->link_dir);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (de->d_name[0] == 'e')
			adopt_link(ux, de->d_name);
	closedir(dir);
}

/* Probes for ublk: the control node, or the module that makes it. */
bool ublk_available(void)
{
	if (access(UBLK_CONTROL, R_OK | W_OK) == 0)
		return true;
	if (system("modprobe ublk_drv >/dev/null 2>&1") != 0)
		return false;
	for (int i = 0; i < 50 && access(UBLK_CONTROL, R_OK | W_OK); i++)
		usleep(20000);
	return access(UBLK_CONTROL, R_OK | W_OK) == 0;
}

static int ux_init(struct daemon *dm, void **priv)
{
	struct ublk_export *ux = calloc(1, sizeof(*ux));
	struct io_uring_params p = { .flags = IORING_SETUP_SQE128 };
	int err;

	if (!ux)
		return -ENOMEM;
	ux->dm = dm;
	ux->depth = dm->cfg.ublk_depth ? dm->cfg.ublk_depth : UBLK_DEPTH_DEFAULT;
	ux->max_io = dm->cfg.ublk_max_io ? dm->cfg.ublk_max_io : UBLK_MAX_IO_DEFAULT;
	list_init(&ux->devs);
	ux->ctrl_fd = open(UBLK_CONTROL, O_RDWR | O_CLOEXEC);
	if (ux->ctrl_fd < 0) {
		err = -errno;
		pr_err("cannot open %s: %s; load ublk_drv or use --export fuse\n", UBLK_CONTROL,
		       strerror(-err));
		free(ux);
		return err;
	}
	err = io_uring_queue_init_params(8, &ux->sync_ring, &p);
	if (err) {
		close(ux->ctrl_fd);
		free(ux);
		return err;
	}
	snprintf(ux->link_dir, sizeof(ux->link_dir), "%s/%s", dm->run_dir, UBLK_LINK_DIR);
	mkdir(ux->link_dir, 0755);
	adopt_links(ux);
	*priv = ux;
	return 0;
}

static bool ux_busy(const struct ublk_export *ux)
{
	for (struct list_node *p = ux->devs.next; p != &ux->devs; p = p->next)
		if (container_of(p, struct ublk_dev, node)->state != U_GONE)
			return true;
	return false;
}

static void ublk_tick(void *priv)
{
	struct ublk_export *ux = priv;
	struct list_node *p, *tmp;
	uint64_t dead_ns = (uint64_t)ux->dm->cfg.eng.dead_timeout_s * NSEC_PER_SEC;

	list_for_each_safe(p, tmp, &ux->devs) {
		struct ublk_dev *u = container_of(p, struct ublk_dev, node);

		/* Stopped, and every FETCH came back aborted: delete it. */
		if (u->state == U_STOPPING && !u->in_kernel)
			udev_delete(u);
		else if (u->state == U_GONE)
			udev_free(u);
		/* A device left by a dead daemon whose disk never came back:
		 * its held I/O fails instead of hanging forever. */
		else if (u->state == U_IDLE && u->recover && dead_ns &&
			 ux->dm->eng.now_ns - u->since_ns > dead_ns) {
			pr_warn("%s: not seen for the dead timeout; removing /dev/ublkb%d\n",
				u->name, u->dev_id);
			u->recover = false;
			udev_stop(u);
		}
	}
}

static void ux_fini(struct daemon *dm, void *priv)
{
	struct ublk_export *ux = priv;
	uint64_t until = engine_now() + UBLK_FINI_TIMEOUT_NS;

	for (struct list_node *p = ux->devs.next; p != &ux->devs; p = p->next) {
		struct ublk_dev *u = container_of(p, struct ublk_dev, node);

		if (u->state == U_IDLE && !u->recover)
			udev_set_state(u, U_GONE);
		else if (u->state != U_GONE)
			udev_stop(u);
	}
	/* The loop answers what the kernel still sends while the devices go. */
	while (ux_busy(ux) && engine_now() < until) {
		engine_run_once(&dm->eng, 50 * NSEC_PER_MSEC);
		ublk_tick(ux);
	}
	if (ux_busy(ux))
		pr_err("ublk devices did not go away in time; see 'dmesg'\n");
	while (!list_empty(&ux->devs)) {
		struct ublk_dev *u = list_first_entry(&ux->devs, struct ublk_dev, node);

		engine_forget_event(&dm->eng, &u->ctrl_ev);
		for (uint32_t t = 0; t < ux->depth; t++)
			if (u->slots[t].in_kernel)
				engine_forget_event(&dm->eng, &u->slots[t].ev);
		udev_free(u);
	}
	io_uring_queue_exit(&ux->sync_ring);
	close(ux->ctrl_fd);
	free(ux);
}

const struct export_ops export_ublk_ops = {
	.name = "ublk",
	.init = ux_init,
	.fini = ux_fini,
	.dev_up = ux_dev_up,
	.dev_down = ux_dev_down,
	.path = ux_path,
	.tick = ublk_tick,
};

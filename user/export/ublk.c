// SPDX-License-Identifier: GPL-2.0
/*
 * ublk export: one /dev/ublkbN per AoE device, served from the engine loop.
 *
 * Every ublk command goes through the engine's io_uring (SQE128), so the
 * queue's FETCH/COMMIT commands come from the one task that runs the loop,
 * as ublk requires, and control commands complete as events like any
 * other: the loop that serves every device never waits for one device.
 * Making, taking back and removing a device are states (see enum
 * ublk_state) moved on by those completions and by timers in the tick.
 *
 * Devices are made with USER_RECOVERY_REISSUE: if the daemon dies, the
 * kernel holds their I/O, and the next attach takes them back; the link
 * $AOE_XDP_RUN_DIR/by-aoe/eS.N says which ublk device belongs to eS.N
 * (from ADD_DEV on, so it is there when udev hears of the block device).
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

#include "blk_in_use.h"
#include "export.h"
#include "lib/log.h"
/* The vendored 6.12 UAPI header (include/linux/), not Debian 12's 6.1 one. */
#include <linux/ublk_cmd.h>

#define UBLK_CONTROL		"/dev/ublk-control"
#define UBLK_LINK_DIR		"by-aoe"
/* Detach: how long the final teardown waits for the devices to go. */
#define UBLK_FINI_TIMEOUT_NS	(15 * NSEC_PER_SEC)
/*
 * A device left by a daemon that died can be taken back once the kernel has
 * quiesced it. That is at once when the daemon had a FETCH out (its exit
 * cancels it), but when the daemon held every tag there is nothing to
 * cancel and the kernel quiesces the device only when blk-mq's request
 * timeout fires (ublk_timeout(), 30 s by default). Wait a little longer than
 * that; the wait is a polled state, nothing else waits for it.
 */
#define UBLK_QUIESCE_WAIT_NS	(45 * NSEC_PER_SEC)
#define UBLK_QUIESCE_POLL_NS	(100 * NSEC_PER_MSEC)
/* /dev/ublkcN appears through devtmpfs or udev after ADD_DEV: poll for it. */
#define UBLK_CDEV_WAIT_NS	(2 * NSEC_PER_SEC)
#define UBLK_CDEV_POLL_NS	(10 * NSEC_PER_MSEC)

/*
 * A device's life, each state left by a command's completion or by a timer
 * the tick runs (engine_wake_at() makes the loop wake for it):
 *
 *   new:       ADDING -> SETTING -> OPENING -> STARTING -> LIVE
 *   taken back (a link from an earlier run):
 *              PROBING -> IDLE (until its AoE device is up) -> QUIESCING
 *              -> RECOVERING -> OPENING -> STARTING -> LIVE
 *   removed:   any -> STOPPING -> DELETING -> GONE (freed by the tick)
 *
 * A device has at most one control command out (struct ublk_ctrl). Asked to
 * stop while one is out, it is only marked: the command's completion goes
 * on with the removal. DEL_DEV is sent only after STOP_DEV completed and
 * every slot is back; a device is freed only when nothing of it is out.
 */
enum ublk_state {
	U_PROBING,		/* from a link: GET_DEV_INFO out, does it wait for us? */
	U_IDLE,			/* waiting for its AoE device */
	U_QUIESCING,		/* to take back: polling until the kernel quiesced it */
	U_RECOVERING,		/* START_USER_RECOVERY out */
	U_ADDING,		/* ADD_DEV out */
	U_SETTING,		/* SET_PARAMS out */
	U_OPENING,		/* polling until /dev/ublkcN can be opened */
	U_STARTING,		/* FETCHes queued, START_DEV / END_USER_RECOVERY out */
	U_LIVE,
	U_STOPPING,		/* STOP_DEV out, then waiting for the slots to come back */
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
	bool in_engine;		/* its request is with the engine */
	bool fua;
	uint32_t bytes;
	uint64_t arrive_ns;	/* its FETCH came back (engine_now()), 0 when not */
	struct aoe_req req;
	uint8_t *buf;
};

/* The device's control command in flight: its completion says which
 * command it answers, whatever the device did meanwhile. */
struct ublk_ctrl {
	struct engine_event ev;
	uint32_t op;		/* UBLK_U_CMD_*, 0 when none is out */
};

struct ublk_dev {
	struct ublk_export *ux;
	struct list_node node;
	struct aoe_dev *d;	/* NULL until its AoE device is up */
	char name[AOE_NAME_LEN];
	int dev_id;		/* -1 before ADD_DEV */
	int cdev_fd;
	enum ublk_state state;
	bool recover;		/* take an existing (quiesced) device back */
	bool kdev;		/* the kernel device dev_id exists and is ours to remove */
	bool stopping;		/* being removed */
	bool stopped;		/* STOP_DEV completed */
	bool remake;		/* once gone, make a new device for d */
	bool resize_due;	/* its disk changed size: UPDATE_SIZE to send */
	uint64_t since_ns;	/* when it entered its state */
	uint64_t next_ns;	/* polled states: the next try */
	uint64_t until_ns;	/* polled states: give up then */
	struct ublk_ctrl ctrl;
	/* Written by the kernel while ADD_DEV or GET_DEV_INFO is out. */
	struct ublksrv_ctrl_dev_info info;
	struct ublk_params params;	/* read by the kernel while SET_PARAMS is out */
	struct ublksrv_io_desc *descs;
	size_t descs_len;
	uint8_t *bufs;
	size_t bufs_len;
	struct ublk_slot *slots;
	unsigned int in_kernel;	/* slots with a command out */
	unsigned int in_engine;	/* slots whose request the engine holds */
};

struct ublk_export {
	struct export_ctx *ctx;
	int ctrl_fd;
	char link_dir[PATH_MAX];
	uint32_t depth;
	uint32_t max_io;
	struct list_node devs;
};

/* --- control commands ------------------------------------------------------ */

/*
 * Linux 6.16 resizes a live device with UPDATE_SIZE (data[0]: the new
 * size in sectors). The vendored 6.12 header lacks it; an older kernel
 * answers the opcode with an error, and the export says what to do.
 */
#ifndef UBLK_U_CMD_UPDATE_SIZE
#define UBLK_U_CMD_UPDATE_SIZE	_IOWR('u', 0x15, struct ublksrv_ctrl_cmd)
#endif

/*
 * Every control command goes through the engine's ring and completes as an
 * event: ublk_drv answers IO_URING_F_NONBLOCK with -EAGAIN, so io_uring
 * runs each one in a worker, and the loop never waits for one, quick
 * (ADD_DEV, SET_PARAMS, GET_DEV_INFO) or slow (START_DEV reads the
 * partition table through us, STOP_DEV waits for the device's I/O, DEL_DEV
 * for our last reference; ADD_DEV and DEL_DEV share one kernel mutex).
 */
static int ctrl_send(struct ublk_dev *u, uint32_t op, uint64_t data0, void *addr,
		     uint16_t len)
{
	struct io_uring_sqe *sqe;
	struct ublksrv_ctrl_cmd *cmd;

	if (u->ctrl.op)
		return -EBUSY;	/* one at a time: a state sends one and waits */
	sqe = engine_get_sqe(u->ux->ctx->eng);
	if (!sqe)
		return -EAGAIN;
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = u->ux->ctrl_fd;
	sqe->cmd_op = op;
	cmd = (struct ublksrv_ctrl_cmd *)sqe->cmd;
	cmd->dev_id = (uint32_t)u->dev_id;
	cmd->queue_id = (uint16_t)-1;
	cmd->data[0] = data0;
	cmd->addr = (uint64_t)(uintptr_t)addr;
	cmd->len = len;
	io_uring_sqe_set_data(sqe, &u->ctrl.ev);
	u->ctrl.op = op;
	return 0;
}

static int ctrl_get_info(struct ublk_dev *u)
{
	memset(&u->info, 0, sizeof(u->info));
	return ctrl_send(u, UBLK_U_CMD_GET_DEV_INFO, 0, &u->info, sizeof(u->info));
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
	struct io_uring_sqe *sqe = engine_get_sqe(u->ux->ctx->eng);
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

static void slot_submit(struct ublk_slot *s, enum aoe_req_op op, uint64_t lba, uint32_t nsect,
			uint8_t *buf);

/* The engine finished the request of a ublk tag: answer the kernel. */
static void ublk_io_done(struct aoe_req *req, int res)
{
	struct ublk_slot *s = req->priv;

	s->in_engine = false;
	s->u->in_engine--;
	if (!res && s->fua) {
		/* Forced unit access: the write is durable once flushed. */
		s->fua = false;
		s->arrive_ns = 0;	/* the flush is ours, not a new arrival */
		slot_submit(s, AOE_OP_FLUSH, 0, 0, NULL);
		return;
	}
	slot_commit(s, res ? -EIO : (int32_t)s->bytes);
	if (s->in_kernel)
		engine_commit_queued(s->u->ux->ctx->eng, req);
}

static void slot_submit(struct ublk_slot *s, enum aoe_req_op op, uint64_t lba, uint32_t nsect,
			uint8_t *buf)
{
	s->in_engine = true;
	s->u->in_engine++;
	export_submit(s->u->ux->ctx, s->u->d, &s->req, s->arrive_ns, op, lba, nsect, buf, ublk_io_done, s);
}

static void slot_serve(struct ublk_slot *s)
{
	struct ublk_dev *u = s->u;
	const struct ublksrv_io_desc *iod = &u->descs[s->tag];
	uint8_t op = ublksrv_get_op(iod);

	/* STARTING serves too: START_DEV reads the partition table through
	 * us, and requests held over a daemon restart arrive right after
	 * END_USER_RECOVERY was sent. */
	if (!u->d || (u->state != U_LIVE && u->state != U_STARTING)) {
		slot_commit(s, -EIO);
		return;
	}
	s->fua = false;
	s->bytes = 0;
	switch (op) {
	case UBLK_IO_OP_READ:
	case UBLK_IO_OP_WRITE:
		if ((uint64_t)iod->nr_sectors * ATA_SECTOR_SIZE > u->ux->max_io) {
			slot_commit(s, -EINVAL);
			return;
		}
		s->bytes = iod->nr_sectors * ATA_SECTOR_SIZE;
		s->fua = op == UBLK_IO_OP_WRITE && (ublksrv_get_flags(iod) & UBLK_IO_F_FUA);
		slot_submit(s, op == UBLK_IO_OP_READ ? AOE_OP_READ : AOE_OP_WRITE,
			    iod->start_sector, iod->nr_sectors, s->buf);
		return;
	case UBLK_IO_OP_FLUSH:
		slot_submit(s, AOE_OP_FLUSH, 0, 0, NULL);
		return;
	default:
		slot_commit(s, -EOPNOTSUPP);	/* not advertised */
		return;
	}
}

static void slot_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ublk_slot *s = container_of(ev, struct ublk_slot, ev);

	s->in_kernel = false;
	s->u->in_kernel--;
	if (cqe->res == UBLK_IO_RES_OK) {
		s->arrive_ns = engine_now(s->u->ux->ctx->eng);
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

/*
 * Opens /dev/ublkcN and maps its descriptors. Neither waits: ublk's open
 * only marks the device open, and the mapping is of pages the kernel
 * allocated at ADD_DEV. -ENOENT: the node is not there yet, try later.
 */
static int queue_map(struct ublk_dev *u)
{
	char path[32];
	long page = sysconf(_SC_PAGESIZE);
	int err;

	snprintf(path, sizeof(path), "/dev/ublkc%d", u->dev_id);
	u->cdev_fd = open(path, O_RDWR | O_CLOEXEC);
	if (u->cdev_fd < 0)
		return -errno;
	u->descs_len = (u->ux->depth * sizeof(struct ublksrv_io_desc) + (size_t)page - 1) &
		       ~((size_t)page - 1);
	u->descs = mmap(NULL, u->descs_len, PROT_READ, MAP_SHARED | MAP_POPULATE, u->cdev_fd,
			UBLKSRV_CMD_BUF_OFFSET);
	if (u->descs == MAP_FAILED) {
		err = -errno;
		u->descs = NULL;
		queue_unmap(u);
		return err;
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

static uint64_t ux_now(const struct ublk_export *ux)
{
	return engine_now(ux->ctx->eng);
}

static void udev_set_state(struct ublk_dev *u, enum ublk_state st)
{
	u->state = st;
	u->since_ns = ux_now(u->ux);
}

/* A polled state: first try at once, give up after wait_ns. */
static void udev_poll_state(struct ublk_dev *u, enum ublk_state st, uint64_t wait_ns)
{
	udev_set_state(u, st);
	u->next_ns = u->since_ns;
	u->until_ns = u->since_ns + wait_ns;
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

static void udev_gone(struct ublk_dev *u)
{
	link_drop(u);
	udev_set_state(u, U_GONE);
}

/*
 * The removal, one step per call, each step started only when no command of
 * the device is out: STOP_DEV (which aborts the FETCHes and fails held
 * I/O), then, once every slot is back, DEL_DEV. Called again by each
 * completion and by the tick, which also retries a command that found the
 * ring full.
 */
static void udev_teardown(struct ublk_dev *u)
{
	if (u->ctrl.op || u->state == U_GONE)
		return;
	if (!u->kdev) {
		udev_gone(u);
		return;
	}
	if (!u->stopped) {
		udev_set_state(u, U_STOPPING);
		ctrl_send(u, UBLK_U_CMD_STOP_DEV, 0, NULL, 0);
		return;
	}
	if (u->in_kernel || u->in_engine)
		return;
	queue_unmap(u);	/* DEL_DEV waits for our last reference to go */
	udev_set_state(u, U_DELETING);
	ctrl_send(u, UBLK_U_CMD_DEL_DEV, 0, NULL, 0);
}

static void udev_stop(struct ublk_dev *u)
{
	if (u->stopping)
		return;
	u->stopping = true;
	udev_teardown(u);	/* or, with a command out, its completion */
}

static void udev_fail(struct ublk_dev *u, const char *what, int err)
{
	pr_err("%s: %s failed: %s\n", u->name, what, strerror(-err));
	udev_stop(u);
}

/* The device left by the dead daemon cannot be had: remove it (its held
 * I/O fails rather than hangs) and make a new one. */
static void udev_give_up_recovery(struct ublk_dev *u, const char *why)
{
	pr_warn("%s: cannot take back /dev/ublkb%d (%s); making a new device\n", u->name,
		u->dev_id, why);
	u->recover = false;
	u->remake = true;
	udev_stop(u);
}

static void ctrl_event(struct engine_event *ev, const struct io_uring_cqe *cqe);

static struct ublk_dev *udev_alloc(struct ublk_export *ux, const char *name, int dev_id)
{
	struct ublk_dev *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->ux = ux;
	u->dev_id = dev_id;
	u->cdev_fd = -1;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->ctrl.ev.fn = ctrl_event;
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
	p->basic.dev_sectors = aoe_dev_bytes(d) / ATA_SECTOR_SIZE;
	/* A write cache exists to the block layer only if we can flush it. */
	if (aoe_dev_can_flush(d))
		p->basic.attrs = UBLK_ATTR_VOLATILE_CACHE | UBLK_ATTR_FUA;
}

static void udev_add(struct ublk_dev *u)
{
	struct ublk_export *ux = u->ux;
	int err;

	memset(&u->info, 0, sizeof(u->info));
	u->info.nr_hw_queues = 1;
	u->info.queue_depth = (uint16_t)ux->depth;
	u->info.max_io_buf_bytes = ux->max_io;
	u->info.dev_id = (uint32_t)-1;
	u->info.ublksrv_pid = getpid();
	u->info.flags = UBLK_F_USER_RECOVERY | UBLK_F_USER_RECOVERY_REISSUE |
			UBLK_F_CMD_IOCTL_ENCODE | UBLK_F_URING_CMD_COMP_IN_TASK;
	u->dev_id = -1;
	udev_set_state(u, U_ADDING);
	err = ctrl_send(u, UBLK_U_CMD_ADD_DEV, 0, &u->info, sizeof(u->info));
	if (err)
		udev_fail(u, "adding a ublk device", err);
}

/* A new ublk device for d. */
static int udev_export(struct ublk_export *ux, struct aoe_dev *d)
{
	struct ublk_dev *u = udev_alloc(ux, aoe_dev_name(d), -1);

	if (!u)
		return -ENOMEM;
	u->d = d;
	udev_add(u);
	return 0;
}

/* Queue ready, then START_DEV (new) or END_USER_RECOVERY (taken back):
 * both complete once the kernel saw every FETCH. */
static void udev_try_start(struct ublk_dev *u)
{
	int err = queue_map(u);

	if (err == -ENOENT && ux_now(u->ux) < u->until_ns) {
		u->next_ns = ux_now(u->ux) + UBLK_CDEV_POLL_NS;
		return;
	}
	if (err) {
		pr_err("%s: cannot open and map /dev/ublkc%d: %s%s\n", u->name, u->dev_id,
		       strerror(-err), err == -ENOENT ? "; is devtmpfs (or udev) managing /dev?" : "");
		udev_stop(u);
		return;
	}
	err = queue_fetch_all(u);
	if (!err) {
		udev_set_state(u, U_STARTING);
		err = ctrl_send(u, u->recover ? UBLK_U_CMD_END_USER_RECOVERY : UBLK_U_CMD_START_DEV,
				(uint64_t)getpid(), NULL, 0);
	}
	if (err)
		udev_fail(u, "queueing the ublk commands", err);
}

static void udev_open_queue(struct ublk_dev *u)
{
	udev_poll_state(u, U_OPENING, UBLK_CDEV_WAIT_NS);
	udev_try_start(u);
}

/* Take back a device left by a daemon that died: once the kernel has
 * quiesced it, START_USER_RECOVERY, then a queue as for a new device. */
static void udev_begin_recovery(struct ublk_dev *u)
{
	pr_info("%s: taking back /dev/ublkb%d once the kernel has quiesced it\n", u->name,
		u->dev_id);
	udev_poll_state(u, U_QUIESCING, UBLK_QUIESCE_WAIT_NS);
	if (ctrl_get_info(u))
		u->next_ns = ux_now(u->ux) + UBLK_QUIESCE_POLL_NS;	/* ring full */
}

/* Its AoE device is up: make or take back its ublk device. */
static void udev_serve(struct ublk_dev *u)
{
	if (u->recover)
		udev_begin_recovery(u);
	else
		udev_add(u);
}

/* --- completions of control commands ---------------------------------------- */

/* GET_DEV_INFO for a device named by a link from an earlier run. */
static void on_probed(struct ublk_dev *u, int res)
{
	if (res) {
		u->kdev = false;	/* not a device any more */
		u->remake = u->d != NULL;
		udev_gone(u);
		return;
	}
	if (u->info.state == UBLK_S_DEV_DEAD) {
		pr_info("%s: removing /dev/ublkb%d left by an earlier run\n", u->name, u->dev_id);
		u->remake = u->d != NULL;
		udev_stop(u);
		return;
	}
	u->recover = true;
	if (u->d) {
		udev_begin_recovery(u);
		return;
	}
	udev_set_state(u, U_IDLE);	/* the dead timeout counts from here */
	pr_info("%s: /dev/ublkb%d is waiting for its daemon; taking it back when %s answers\n",
		u->name, u->dev_id, u->name);
}

static void on_info(struct ublk_dev *u, int res)
{
	if (u->state == U_PROBING) {
		on_probed(u, res);
		return;
	}
	if (res) {
		if (res == -ENODEV)
			u->kdev = false;
		udev_give_up_recovery(u, strerror(-res));
		return;
	}
	switch (u->info.state) {
	case UBLK_S_DEV_QUIESCED:
		udev_set_state(u, U_RECOVERING);
		res = ctrl_send(u, UBLK_U_CMD_START_USER_RECOVERY, 0, NULL, 0);
		if (res)
			udev_give_up_recovery(u, strerror(-res));
		return;
	case UBLK_S_DEV_LIVE:
		/* The old daemon's I/O is not aborted yet: ask again later. */
		u->next_ns = ux_now(u->ux) + UBLK_QUIESCE_POLL_NS;
		return;
	default:
		udev_give_up_recovery(u, "it was stopped");
		return;
	}
}

static void on_recovery_begun(struct ublk_dev *u, int res)
{
	if (res == -EBUSY) {
		/* The old daemon's /dev/ublkcN is not closed yet. */
		udev_set_state(u, U_QUIESCING);
		u->next_ns = ux_now(u->ux) + UBLK_QUIESCE_POLL_NS;
		return;
	}
	if (res) {
		udev_give_up_recovery(u, strerror(-res));
		return;
	}
	udev_open_queue(u);
}

static void on_added(struct ublk_dev *u, int res)
{
	if (res) {
		udev_fail(u, "adding a ublk device", res);
		return;
	}
	u->kdev = true;
	u->dev_id = (int)u->info.dev_id;
	/* Linked now, before START_DEV adds the block device: udev's rule
	 * (60-aoe-xdp.rules) reads the link to name /dev/etherd/eS.N. */
	link_set(u);
	udev_set_state(u, U_SETTING);
	fill_params(u->ux, u->d, &u->params);
	res = ctrl_send(u, UBLK_U_CMD_SET_PARAMS, 0, &u->params, sizeof(u->params));
	if (res)
		udev_fail(u, "setting ublk parameters", res);
}

static void on_params_set(struct ublk_dev *u, int res)
{
	if (res)
		udev_fail(u, "setting ublk parameters", res);
	else
		udev_open_queue(u);
}

static void on_started(struct ublk_dev *u, int res)
{
	if (res) {
		pr_err("%s: %s /dev/ublkb%d failed: %s\n", u->name,
		       u->recover ? "taking back" : "starting", u->dev_id, strerror(-res));
		u->remake = u->recover;
		u->recover = false;
		udev_stop(u);
		return;
	}
	udev_set_state(u, U_LIVE);
	pr_info("%s: %s /dev/ublkb%d\n", u->name, u->recover ? "took back" : "exported as",
		u->dev_id);
}

static void on_stopped(struct ublk_dev *u, int res)
{
	if (res == -ENODEV)
		u->kdev = false;
	else if (res)
		pr_warn("%s: stopping /dev/ublkb%d: %s\n", u->name, u->dev_id, strerror(-res));
	u->stopped = true;
	/* The aborted FETCHes come back on their own; the tick goes on with
	 * DEL_DEV once they have. */
	udev_teardown(u);
}

static void on_deleted(struct ublk_dev *u, int res)
{
	if (res && res != -ENODEV)
		pr_warn("%s: deleting /dev/ublkb%d: %s\n", u->name, u->dev_id, strerror(-res));
	u->kdev = false;
	udev_gone(u);
}

static void on_resized(struct ublk_dev *u, int res)
{
	uint64_t bytes = u->d ? aoe_dev_bytes(u->d) : 0;

	if (!res) {
		pr_info("%s: /dev/ublkb%d resized to %llu bytes\n", u->name, u->dev_id,
			(unsigned long long)bytes);
		return;
	}
	pr_warn("%s: the disk is now %llu bytes, but this kernel cannot resize /dev/ublkb%d "
		"(%s; UPDATE_SIZE needs Linux 6.16): it keeps its old size. To use the new one, "
		"unmount it, then 'aoe-xdp detach --all' and 'aoe-xdp attach' again\n", u->name,
		(unsigned long long)bytes, u->dev_id, strerror(-res));
}

/* Sends UPDATE_SIZE when the device is live and no command is out. */
static void udev_resize(struct ublk_dev *u)
{
	if (!u->resize_due || u->state != U_LIVE || !u->d || u->ctrl.op)
		return;
	if (!ctrl_send(u, UBLK_U_CMD_UPDATE_SIZE, aoe_dev_bytes(u->d) / ATA_SECTOR_SIZE, NULL, 0))
		u->resize_due = false;
}

static void ctrl_event(struct engine_event *ev, const struct io_uring_cqe *cqe)
{
	struct ublk_dev *u = container_of(ev, struct ublk_dev, ctrl.ev);
	uint32_t op = u->ctrl.op;

	u->ctrl.op = 0;
	if (op == UBLK_U_CMD_STOP_DEV) {
		on_stopped(u, cqe->res);
		return;
	}
	if (op == UBLK_U_CMD_DEL_DEV) {
		on_deleted(u, cqe->res);
		return;
	}
	if (u->stopping) {
		/* Asked to stop while this was out: learn what exists, then
		 * go on with the removal. */
		if (op == UBLK_U_CMD_ADD_DEV && !cqe->res) {
			u->kdev = true;
			u->dev_id = (int)u->info.dev_id;
		} else if (cqe->res == -ENODEV) {
			u->kdev = false;
		}
		udev_teardown(u);
		return;
	}
	switch (op) {
	case UBLK_U_CMD_GET_DEV_INFO:
		on_info(u, cqe->res);
		return;
	case UBLK_U_CMD_START_USER_RECOVERY:
		on_recovery_begun(u, cqe->res);
		return;
	case UBLK_U_CMD_ADD_DEV:
		on_added(u, cqe->res);
		return;
	case UBLK_U_CMD_SET_PARAMS:
		on_params_set(u, cqe->res);
		return;
	case UBLK_U_CMD_START_DEV:
	case UBLK_U_CMD_END_USER_RECOVERY:
		on_started(u, cqe->res);
		return;
	case UBLK_U_CMD_UPDATE_SIZE:
		on_resized(u, cqe->res);
		return;
	default:
		pr_err("%s: completion of unknown ublk command %#x\n", u->name, op);
		return;
	}
}

/* --- export ops ------------------------------------------------------------------- */

static struct ublk_dev *udev_find(struct ublk_export *ux, const char *name)
{
	struct ublk_dev *u;

	list_for_each_entry(u, &ux->devs, struct ublk_dev, node)
		if (!strcmp(u->name, name) && u->state != U_GONE)
			return u;
	return NULL;
}

static int ux_dev_up(void *priv, struct aoe_dev *d)
{
	struct ublk_export *ux = priv;
	struct ublk_dev *u = udev_find(ux, aoe_dev_name(d));

	if (!u)
		return udev_export(ux, d);
	u->d = d;
	if (u->stopping)
		u->remake = true;	/* a new device once this one is gone */
	else if (u->state == U_IDLE)
		udev_serve(u);
	/* Otherwise on its way already (PROBING goes on with d), or served
	 * and it just came back up. */
	return 0;
}

static void ux_dev_down(void *priv, struct aoe_dev *d)
{
	(void)priv;
	(void)d;	/* the device stays; its requests fail with EIO */
}

/* revalidate accepted another disk: the size follows where the kernel
 * can; a write cache it gained or lost cannot be announced to a live
 * device, so that is said. */
static void ux_dev_changed(void *priv, struct aoe_dev *d)
{
	struct ublk_dev *u = udev_find(priv, aoe_dev_name(d));

	if (!u)
		return;
	/* (A device taken back from a dead daemon: its size is not known.) */
	if (!u->params.len || u->params.basic.dev_sectors != aoe_dev_bytes(d) / ATA_SECTOR_SIZE) {
		u->resize_due = true;
		udev_resize(u);
	}
	if (!!(u->params.basic.attrs & UBLK_ATTR_VOLATILE_CACHE) != aoe_dev_can_flush(d))
		pr_warn("%s: the disk %s FLUSH now; /dev/ublkb%d keeps announcing %s write "
			"cache until it is re-created (unmount, 'aoe-xdp detach --all', "
			"'aoe-xdp attach')\n", u->name, aoe_dev_can_flush(d) ? "takes" : "refuses",
			u->dev_id, aoe_dev_can_flush(d) ? "no" : "a");
}

/* flush: the device goes (STOP_DEV, DEL_DEV) unless it is in use; the
 * AoE device is the daemon's to forget once this one is gone. */
static int ux_release(void *priv, struct aoe_dev *d, char *why, size_t len)
{
	struct ublk_export *ux = priv;
	struct ublk_dev *u;
	char disk[32];

	list_for_each_entry(u, &ux->devs, struct ublk_dev, node) {
		if (u->d != d)
			continue;
		u->remake = false;
		if (u->state == U_GONE) {
			u->d = NULL;	/* freed by the tick; nothing points at d */
			continue;
		}
		if (u->stopping)
			return -EAGAIN;
		snprintf(disk, sizeof(disk), "ublkb%d", u->dev_id);
		if (u->in_engine) {
			snprintf(why, len, "/dev/%s has I/O in flight", disk);
			return -EBUSY;
		}
		if (u->dev_id >= 0 && blk_in_use(disk, why, len))
			return -EBUSY;
		pr_info("%s: removing /dev/%s (flush)\n", u->name, disk);
		udev_stop(u);
		return -EAGAIN;
	}
	return 0;
}

static void ux_path(void *priv, const struct aoe_dev *d, char *buf, size_t len)
{
	struct ublk_dev *u = udev_find(priv, aoe_dev_name(d));

	if (u && u->state == U_LIVE)
		snprintf(buf, len, "/dev/ublkb%d", u->dev_id);
	else if (len)
		buf[0] = '\0';
}

/* --- start-up: devices left by a daemon that died ------------------------------ */

static void adopt_link(struct ublk_export *ux, const char *name)
{
	char path[PATH_MAX + 260], target[64];
	ssize_t n;
	int id;
	struct ublk_dev *u;

	snprintf(path, sizeof(path), "%s/%s", ux->link_dir, name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	if (sscanf(target, "/dev/ublkb%d", &id) != 1) {
		unlink(path);	/* not ours */
		return;
	}
	u = udev_alloc(ux, name, id);
	if (!u)
		return;
	/* Whether it waits for us, GET_DEV_INFO says (on_probed()). */
	u->kdev = true;
	udev_set_state(u, U_PROBING);
	if (ctrl_get_info(u))
		udev_free(u);
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

/*
 * Probes for ublk: the control node, or the module that makes it. Runs in
 * `aoe-xdp attach` before the daemon's loop exists, so its waits (modprobe,
 * the node appearing) hold up nothing but the start.
 */
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

static int ux_init(struct export_ctx *ctx, void **priv)
{
	struct ublk_export *ux = calloc(1, sizeof(*ux));
	int err;

	if (!ux)
		return -ENOMEM;
	ux->ctx = ctx;
	ux->depth = ctx->ublk_depth ? ctx->ublk_depth : UBLK_DEPTH_DEFAULT;
	ux->max_io = ctx->ublk_max_io ? ctx->ublk_max_io : UBLK_MAX_IO_DEFAULT;
	list_init(&ux->devs);
	ux->ctrl_fd = open(UBLK_CONTROL, O_RDWR | O_CLOEXEC);
	if (ux->ctrl_fd < 0) {
		err = -errno;
		pr_err("cannot open %s: %s; load ublk_drv or use --export fuse\n", UBLK_CONTROL,
		       strerror(-err));
		free(ux);
		return err;
	}
	snprintf(ux->link_dir, sizeof(ux->link_dir), "%s/%s", ctx->run_dir, UBLK_LINK_DIR);
	mkdir(ux->link_dir, 0755);
	adopt_links(ux);
	*priv = ux;
	return 0;
}

/* Timers of one device: what is due now, and when to look again. */
static uint64_t udev_timers(struct ublk_dev *u, uint64_t now)
{
	uint64_t dead_ns = (uint64_t)u->ux->ctx->dead_timeout_s * NSEC_PER_SEC;

	if (u->ctrl.op)
		return UINT64_MAX;	/* its completion moves it on */
	if (u->stopping) {
		udev_teardown(u);	/* slots back, or a retry */
		return UINT64_MAX;
	}
	switch (u->state) {
	case U_QUIESCING:
		if (now < u->next_ns)
			return u->next_ns;
		if (now >= u->until_ns)
			udev_give_up_recovery(u, "the kernel did not quiesce it in time");
		else if (ctrl_get_info(u))
			u->next_ns = now + UBLK_QUIESCE_POLL_NS;
		return UINT64_MAX;
	case U_OPENING:
		if (now < u->next_ns)
			return u->next_ns;
		udev_try_start(u);
		return u->state == U_OPENING ? u->next_ns : UINT64_MAX;
	case U_LIVE:
		udev_resize(u);
		return UINT64_MAX;
	case U_IDLE:
		/* A device left by a dead daemon whose disk never came back:
		 * its held I/O fails instead of hanging for ever. */
		if (!u->recover || !dead_ns)
			return UINT64_MAX;
		if (now - u->since_ns < dead_ns)
			return u->since_ns + dead_ns;
		pr_warn("%s: not seen for the dead timeout; removing /dev/ublkb%d\n", u->name,
			u->dev_id);
		u->recover = false;
		udev_stop(u);
		return UINT64_MAX;
	default:
		return UINT64_MAX;
	}
}

static void ublk_tick(void *priv)
{
	struct ublk_export *ux = priv;
	uint64_t now = ux_now(ux), next = UINT64_MAX;
	struct list_node *p, *tmp;

	list_for_each_safe(p, tmp, &ux->devs) {
		struct ublk_dev *u = container_of(p, struct ublk_dev, node);
		uint64_t when;

		if (u->state == U_GONE) {
			struct aoe_dev *d = u->remake ? u->d : NULL;

			/* A device the kernel dropped by itself (-ENODEV) may
			 * still have aborted FETCHes on their way back. */
			if (u->ctrl.op || u->in_kernel || u->in_engine)
				continue;
			udev_free(u);
			if (d && !ux->ctx->stopping && !udev_find(ux, aoe_dev_name(d)) &&
			    udev_export(ux, d))
				pr_err("%s: no memory for a new ublk device\n", aoe_dev_name(d));
			continue;
		}
		when = udev_timers(u, now);
		if (when < next)
			next = when;
	}
	if (next != UINT64_MAX)
		engine_wake_at(ux->ctx->eng, next);
}

/*
 * Removes every device. This is the one place the export runs the loop
 * itself and waits: the daemon is stopping and every request was failed
 * already (engine_fail_all_io()), so nothing else is served any more; the
 * loop only carries the control commands and answers what the kernel still
 * sends while the devices go.
 */
static void ux_fini(void *priv)
{
	struct ublk_export *ux = priv;
	struct aoe_engine *eng = ux->ctx->eng;
	uint64_t until = clock_now_ns() + UBLK_FINI_TIMEOUT_NS;
	struct ublk_dev *u;

	list_for_each_entry(u, &ux->devs, struct ublk_dev, node) {
		u->remake = false;
		udev_stop(u);
	}
	while (!list_empty(&ux->devs) && clock_now_ns() < until) {
		engine_run_once(eng, 50 * NSEC_PER_MSEC);
		ublk_tick(ux);
	}
	if (!list_empty(&ux->devs))
		pr_err("ublk devices did not go away in time; see 'dmesg'\n");
	while (!list_empty(&ux->devs)) {
		u = list_first_entry(&ux->devs, struct ublk_dev, node);
		if (u->ctrl.op)
			engine_forget_event(eng, &u->ctrl.ev);
		for (uint32_t t = 0; t < ux->depth; t++)
			if (u->slots[t].in_kernel)
				engine_forget_event(eng, &u->slots[t].ev);
		udev_free(u);
	}
	close(ux->ctrl_fd);
	free(ux);
}

const struct export_ops export_ublk_ops = {
	.name = "ublk",
	.init = ux_init,
	.fini = ux_fini,
	.dev_up = ux_dev_up,
	.dev_down = ux_dev_down,
	.dev_changed = ux_dev_changed,
	.path = ux_path,
	.tick = ublk_tick,
	.release = ux_release,
};

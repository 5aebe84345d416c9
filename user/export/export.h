/* SPDX-License-Identifier: GPL-2.0 */
/* Front ends that present AoE devices to the system: ublk block devices,
 * FUSE files. They use the engine's public API and this context only. */
#ifndef AOE_EXPORT_H
#define AOE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

/* AUTO: ublk where the kernel has it, else FUSE. */
enum export_kind { EXPORT_AUTO, EXPORT_NONE, EXPORT_FUSE, EXPORT_UBLK };

#define UBLK_DEPTH_DEFAULT	128		/* requests per queue */
#define UBLK_MAX_IO_DEFAULT	(1u << 20)	/* bytes per request */
#define FUSE_SUBDIR		"fuse"

/* What an export may know of its owner: no more. */
struct export_ctx {
	struct aoe_engine *eng;
	const char *run_dir;	/* links, the default FUSE mount point */
	/* Set by the owner when it stops: new requests fail with EIO. */
	bool stopping;
	unsigned int ublk_depth;	/* requests in flight per ublk device */
	unsigned int ublk_max_io;	/* bytes per ublk request */
	const char *fuse_dir;		/* NULL: run_dir/FUSE_SUBDIR */
	/* A ublk device left by a daemon that died waits this long for its
	 * disk before its held I/O fails (0: for ever). */
	unsigned int dead_timeout_s;
};

/*
 * Like kublk's target ops, an export is a small ops table its owner calls
 * from the engine loop; it turns the system's requests into engine
 * requests (export_submit) and answers them from their done().
 */
struct export_ops {
	const char *name;
	/* ctx outlives the export. */
	int (*init)(struct export_ctx *ctx, void **priv);
	/* Answers everything still pending with an error and removes all. */
	void (*fini)(void *priv);
	/* A device is up (first time or back): make it visible / serve it. */
	int (*dev_up)(void *priv, struct aoe_dev *d);
	/* A device is down: its I/O fails; it stays visible. */
	void (*dev_down)(void *priv, struct aoe_dev *d);
	/* Its disk changed on purpose (revalidate): size, flush support. */
	void (*dev_changed)(void *priv, struct aoe_dev *d);
	/* Where users find d, e.g. "/dev/ublkb0"; "" when not exported. */
	void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len);
	/* Called every loop pass (optional): time-driven work. */
	void (*tick)(void *priv);
	/*
	 * Let go of d, which is to be forgotten (flush): 0 once the export
	 * holds nothing of it and shows it no more; -EAGAIN while that is
	 * under way (ask again from a later pass); -EBUSY while it is in use
	 * (mounted, open, requests out), why saying how. Optional: without
	 * it an export holds no device.
	 */
	int (*release)(void *priv, struct aoe_dev *d, char *why, size_t len);
};

extern const struct export_ops export_fuse_ops;
extern const struct export_ops export_ublk_ops;

/* True when ublk can be used: /dev/ublk-control exists or modprobe made it. */
bool ublk_available(void);

/*
 * Every request an export makes goes through here: req is set up for
 * [lba, lba + nsect) of d and handed to the engine, or failed at once with
 * -EIO (done() is called before this returns) when the exports are
 * stopping or d is not up. arrive_ns: when the request reached user space
 * (engine_now() of the pass that read it), 0 when unknown: where its
 * front-end stage starts (engine.h, enum engine_stage).
 */
void export_submit(struct export_ctx *ctx, struct aoe_dev *d, struct aoe_req *req,
		   uint64_t arrive_ns, enum aoe_req_op op, uint64_t lba, uint32_t nsect, uint8_t *buf,
		   void (*done)(struct aoe_req *, int), void *priv);

#endif /* AOE_EXPORT_H */

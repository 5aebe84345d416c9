/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Front ends that present AoE devices to the system: ublk block devices,
 * FUSE files. Like kublk's target ops, an export is a small ops table the
 * daemon calls from the engine loop; it turns the system's requests into
 * engine requests (engine_submit) and answers them from their done().
 */
#ifndef AOE_EXPORT_H
#define AOE_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"

struct daemon;

#define UBLK_DEPTH_DEFAULT	128		/* requests per queue */
#define UBLK_MAX_IO_DEFAULT	(1u << 20)	/* bytes per request */

/* AUTO: ublk where the kernel has it, else FUSE. */
enum export_kind { EXPORT_AUTO, EXPORT_NONE, EXPORT_FUSE, EXPORT_UBLK };

struct export_ops {
	const char *name;
	int (*init)(struct daemon *dm, void **priv);
	/* Answers everything still pending with an error and removes all. */
	void (*fini)(struct daemon *dm, void *priv);
	/* A device is up (first time or back): make it visible / serve it. */
	int (*dev_up)(struct daemon *dm, void *priv, struct aoe_dev *d);
	/* A device is down: its I/O fails; it stays visible. */
	void (*dev_down)(struct daemon *dm, void *priv, struct aoe_dev *d);
	/* Where users find d, e.g. "/dev/ublkb0"; "" when not exported. */
	void (*path)(void *priv, const struct aoe_dev *d, char *buf, size_t len);
	/* Called every loop pass (optional): time-driven work. */
	void (*tick)(void *priv);
};

extern const struct export_ops export_fuse_ops;
extern const struct export_ops export_ublk_ops;

/* True when ublk can be used: /dev/ublk-control exists or modprobe made it. */
bool ublk_available(void);

#endif /* AOE_EXPORT_H */

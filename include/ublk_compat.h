/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The parts of the ublk UAPI (linux/ublk_cmd.h) that aoe-xdp uses and that
 * Debian 12's 6.1 header lacks. The structures themselves are unchanged
 * since 6.1 and come from the system header; what 6.12 added and we need
 * are the ioctl-style command encodings and a few feature flags. Values
 * follow the kernel's UAPI (Documentation/block/ublk.rst).
 */
#ifndef AOE_UBLK_COMPAT_H
#define AOE_UBLK_COMPAT_H

#include <linux/ioctl.h>
#include <linux/ublk_cmd.h>

/* Control commands, ioctl-encoded (UBLK_F_CMD_IOCTL_ENCODE). */
#ifndef UBLK_U_CMD_ADD_DEV
#define UBLK_U_CMD_GET_DEV_INFO		_IOR('u', UBLK_CMD_GET_DEV_INFO, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_ADD_DEV		_IOWR('u', UBLK_CMD_ADD_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_DEL_DEV		_IOWR('u', UBLK_CMD_DEL_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_START_DEV		_IOWR('u', UBLK_CMD_START_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_STOP_DEV		_IOWR('u', UBLK_CMD_STOP_DEV, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_SET_PARAMS		_IOWR('u', UBLK_CMD_SET_PARAMS, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_START_USER_RECOVERY	\
	_IOWR('u', UBLK_CMD_START_USER_RECOVERY, struct ublksrv_ctrl_cmd)
#define UBLK_U_CMD_END_USER_RECOVERY	\
	_IOWR('u', UBLK_CMD_END_USER_RECOVERY, struct ublksrv_ctrl_cmd)
#endif

/* I/O commands, ioctl-encoded. */
#ifndef UBLK_U_IO_FETCH_REQ
#define UBLK_U_IO_FETCH_REQ		_IOWR('u', UBLK_IO_FETCH_REQ, struct ublksrv_io_cmd)
#define UBLK_U_IO_COMMIT_AND_FETCH_REQ	\
	_IOWR('u', UBLK_IO_COMMIT_AND_FETCH_REQ, struct ublksrv_io_cmd)
#endif

#ifndef UBLK_F_CMD_IOCTL_ENCODE
#define UBLK_F_CMD_IOCTL_ENCODE		(1ULL << 6)
#endif

/* Where each queue's descriptor array sits in the char device's mmap. */
#define UBLK_MAX_QUEUE_DESCS_BYTES	(UBLK_MAX_QUEUE_DEPTH * sizeof(struct ublksrv_io_desc))

#endif /* AOE_UBLK_COMPAT_H */

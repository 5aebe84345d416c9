/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ATA over Ethernet (AoE r11) wire format, shared by the XDP program and
 * user space. One definition of every on-wire structure lives here.
 *
 * All multi-byte AoE fields are big-endian; ATA LBA bytes are little-endian
 * (lba0 is the least significant byte).
 */
#ifndef AOE_WIRE_H
#define AOE_WIRE_H

#include <linux/types.h>

#define AOE_ETHERTYPE		0x88A2
#define ETH_P_8021Q_VLAN	0x8100
#define AOE_ETH_ALEN		6
#define AOE_ETH_HLEN		14
#define AOE_VLAN_HLEN		4
#define AOE_ETH_ZLEN		60	/* minimum Ethernet frame without FCS */

#define AOE_VERSION		1
#define AOE_VER_SHIFT		4
#define AOE_FLAG_RSP		0x08	/* response */
#define AOE_FLAG_ERR		0x04	/* error, reason in aoe_hdr.error */
#define AOE_FLAGS_MASK		0x0f

/* aoe_hdr.error values */
enum aoe_error {
	AOE_ERR_BADCMD = 1,	/* unrecognized command code */
	AOE_ERR_BADARG = 2,	/* bad argument parameter */
	AOE_ERR_DEVUNAVAIL = 3,	/* device unavailable */
	AOE_ERR_CFG_SET = 4,	/* config string present */
	AOE_ERR_BADVER = 5,	/* unsupported version */
	AOE_ERR_RESERVED = 6,	/* target is reserved */
};

/* aoe_hdr.cmd values */
enum aoe_cmd {
	AOE_CMD_ATA = 0,
	AOE_CMD_CFG = 1,
	AOE_CMD_MASK = 2,	/* MAC mask list */
	AOE_CMD_RESERVE = 3,	/* reserve/release */
	AOE_CMD_VENDOR_MIN = 0xf0,
};

#define AOE_SHELF_BCAST		0xffff
#define AOE_SLOT_BCAST		0xff

/* Tags with bit 31 set belong to aoe-xdp; the kernel aoe driver keeps it clear. */
#define AOE_TAG_USER_BIT	0x80000000u

/* The common AoE header (after the Ethernet header, and a VLAN tag if any). */
struct aoe_hdr {
	__u8 verfl;		/* version << 4 | flags */
	__u8 error;
	__be16 major;		/* shelf */
	__u8 minor;		/* slot */
	__u8 cmd;
	__be32 tag;
} __attribute__((packed));

#define AOE_HDR_LEN		10	/* sizeof(struct aoe_hdr) */
#define AOE_FULL_HDR_LEN	(AOE_ETH_HLEN + AOE_HDR_LEN)	/* 24 */

/* ATA argument, command 0. */
struct aoe_ata {
	__u8 aflags;
	__u8 errfeat;		/* error on response, feature on request */
	__u8 scnt;		/* sector count */
	__u8 cmdstat;		/* command on request, status on response */
	__u8 lba[6];		/* lba0 first (little-endian) */
	__u8 res[2];
} __attribute__((packed));

#define AOE_ATA_LEN		12
#define AOE_ATA_HDR_LEN		(AOE_FULL_HDR_LEN + AOE_ATA_LEN)	/* 36 */

#define AOE_AFL_EXT		0x40	/* LBA48 */
#define AOE_AFL_DEV		0x10
#define AOE_AFL_ASYNC		0x02
#define AOE_AFL_WRITE		0x01

#define ATA_SECTOR_SIZE		512
#define ATA_STATUS_ERRMASK	0xa9	/* BSY | DF | DRQ | ERR */
#define ATA_STATUS_DRDY		0x40
#define ATA_STATUS_DSC		0x10
#define ATA_STATUS_ERR		0x01
#define ATA_ERR_ABRT		0x04	/* error register: command aborted */
#define ATA_LBA28_MAX		(1u << 28)

enum ata_cmd {
	ATA_CMD_READ = 0x20,
	ATA_CMD_READ_EXT = 0x24,
	ATA_CMD_WRITE = 0x30,
	ATA_CMD_WRITE_EXT = 0x34,
	ATA_CMD_FLUSH = 0xe7,
	ATA_CMD_FLUSH_EXT = 0xea,
	ATA_CMD_IDENTIFY = 0xec,
};

/* Config argument, command 1; followed by cslen bytes of config string. */
struct aoe_cfg {
	__be16 bufcnt;		/* requests the target can queue */
	__be16 fwver;
	__u8 scnt;		/* max sectors per ATA command, 0 means 2 */
	__u8 aoeccmd;		/* AoE version << 4 | config command */
	__be16 cslen;
} __attribute__((packed));

#define AOE_CFG_LEN		8
#define AOE_CFG_HDR_LEN		(AOE_FULL_HDR_LEN + AOE_CFG_LEN)	/* 32 */
#define AOE_CFG_STR_MAX		1024

enum aoe_cfg_cmd {
	AOE_CCMD_READ = 0,
	AOE_CCMD_TEST = 1,	/* exact match */
	AOE_CCMD_PTEST = 2,	/* prefix match */
	AOE_CCMD_SET = 3,
	AOE_CCMD_FSET = 4,	/* force set */
};

/* MAC mask list, command 2; followed by dircount directives. */
struct aoe_mask {
	__u8 res;
	__u8 mcmd;		/* 0 read, 1 edit */
	__u8 merror;
	__u8 dircount;
} __attribute__((packed));

struct aoe_mask_dir {
	__u8 res;
	__u8 dcmd;		/* 0 none, 1 add, 2 delete */
	__u8 mac[AOE_ETH_ALEN];
} __attribute__((packed));

#define AOE_MASK_LEN		4
#define AOE_MASK_DIR_LEN	8

enum aoe_mask_cmd { AOE_MCMD_READ = 0, AOE_MCMD_EDIT = 1 };
enum aoe_mask_dcmd { AOE_DCMD_NONE = 0, AOE_DCMD_ADD = 1, AOE_DCMD_DEL = 2 };

/* Reserve/release, command 3; followed by nmacs MAC addresses. */
struct aoe_reserve {
	__u8 rcmd;		/* 0 read, 1 set, 2 force set */
	__u8 nmacs;
} __attribute__((packed));

#define AOE_RESERVE_LEN		2

enum aoe_reserve_cmd { AOE_RCMD_READ = 0, AOE_RCMD_SET = 1, AOE_RCMD_FSET = 2 };

/* Largest payload one frame can carry with a 9000-byte MTU: 17 sectors. */
#define AOE_JUMBO_SECTORS	17

#endif /* AOE_WIRE_H */

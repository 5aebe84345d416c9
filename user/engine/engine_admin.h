/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Administration of a device's targets (part of engine.h, the engine's
 * public API): the AoE commands that are not block I/O, as aoetools'
 * aoecfg and aoeping send them, and forgetting a device (aoe-flush).
 *
 * An admin request goes to every target of a device, once each (config,
 * MAC mask list, reserve/release), or once on every path to every target
 * (IDENTIFY, for round trips). Every copy has its own tag, and an answer
 * counts only from the target and interface it went to, for the same
 * shelf.slot and command (engine/admin.c). Nothing is sent again: a copy
 * unanswered when the request's time is up gets -ETIMEDOUT (a config test
 * that does not match is such a silence, by the protocol). done() is
 * called once, from the engine loop, when every copy is answered or timed
 * out; the replies are the engine's and live until done() returns. done()
 * may free a, or submit it again.
 */
#ifndef AOE_ENGINE_ADMIN_H
#define AOE_ENGINE_ADMIN_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "aoe_wire.h"
#include "lib/list.h"

struct aoe_engine;
struct aoe_dev;

enum aoe_admin_op {
	AOE_ADMIN_CONFIG,	/* query config information: ccmd, cfgstr */
	AOE_ADMIN_MASK,		/* MAC mask list: mcmd, dirs */
	AOE_ADMIN_RESERVE,	/* reserve/release: rcmd, macs */
	AOE_ADMIN_IDENTIFY,	/* IDENTIFY DEVICE: one round trip per path */
};

/* The longest lists an answer can carry (a one-byte count). */
#define AOE_ADMIN_LIST_MAX	255

/* What one target answered on one path. */
struct aoe_admin_reply {
	uint8_t mac[AOE_ETH_ALEN];	/* the target */
	char iface[IF_NAMESIZE];	/* the interface it was asked on */
	bool has_vlan;
	uint16_t vlan;
	/* 0; -ETIMEDOUT: no answer in time; -EREMOTEIO: the AoE error flag
	 * (aoe_error says which); -EIO: an ATA error (ata_status, ata_error);
	 * -ESHUTDOWN: the engine stopped first. */
	int res;
	uint8_t aoe_error;
	uint8_t ata_status, ata_error;
	uint64_t rtt_ns;		/* from sending to the answer */
	union {
		struct {
			uint16_t bufcnt, fwver;
			uint8_t scnt, aoever, ccmd;
			uint16_t cslen;
			uint8_t str[AOE_CFG_STR_MAX];
		} cfg;
		struct {
			uint8_t mcmd, merror, dircount;
			struct aoe_mask_dir dirs[AOE_ADMIN_LIST_MAX];
		} mask;
		struct {
			uint8_t rcmd, nmacs;
			uint8_t macs[AOE_ADMIN_LIST_MAX][AOE_ETH_ALEN];
		} resv;
	};
};

struct aoe_admin {
	enum aoe_admin_op op;
	/* AOE_ADMIN_CONFIG */
	uint8_t ccmd;			/* AOE_CCMD_* */
	const uint8_t *cfgstr;
	uint16_t cslen;
	/* AOE_ADMIN_MASK */
	uint8_t mcmd;			/* AOE_MCMD_* */
	const struct aoe_mask_dir *dirs;
	uint8_t ndirs;
	/* AOE_ADMIN_RESERVE */
	uint8_t rcmd;			/* AOE_RCMD_* */
	const uint8_t (*macs)[AOE_ETH_ALEN];
	uint8_t nmacs;
	uint32_t timeout_ms;		/* for every answer, from the send */
	void (*done)(struct aoe_admin *a);
	void *priv;

	/* Engine-owned from engine_admin() to the end of done(). */
	struct aoe_admin_reply *replies;
	unsigned int nreplies;
	unsigned int waiting;		/* copies not answered yet */
	uint64_t deadline_ns;
	struct list_node node;
};

/*
 * Sends a to every target of d (see above). 0: done() follows; -ENODEV: no
 * target of d is reachable; -EBUSY: too many admin copies out at once;
 * -EINVAL: a list or string longer than the protocol carries; -ESHUTDOWN:
 * the engine is failing every request (its done() may not ask again then);
 * -ENOMEM. The strings and lists a points at are read until done().
 */
int engine_admin(struct aoe_engine *e, struct aoe_dev *d, struct aoe_admin *a);

/* True while requests of d are queued, in flight or held in the engine. */
bool aoe_dev_busy(const struct aoe_dev *d);
/*
 * Forgets d, as aoetools' aoe-flush does: its targets, copies on record and
 * write guard go with it (a copy still in doubt is given up, said in the
 * log). -EBUSY while aoe_dev_busy(). The caller makes sure no front end
 * holds d any more; a target that answers a later discovery makes a new
 * device.
 */
int engine_forget_dev(struct aoe_engine *e, struct aoe_dev *d);

#endif /* AOE_ENGINE_ADMIN_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded state on a crowded or hostile segment. AoE has no
 * authentication: anyone on the segment can answer a broadcast config
 * query with as many shelf.slots, targets and buffer counts as it likes.
 * So what the engine keeps for them is bounded:
 *
 *  - at most --max-devices devices, --max-targets targets per device and
 *    --max-paths paths per target; past a cap the answer is counted and
 *    dropped (said once per cause, not per frame);
 *  - a path takes its window's TX chunks only once its target answered
 *    IDENTIFY for the device's disk: a forged config answer costs no UMEM;
 *  - a device front ends were never given (not exported) is freed when it
 *    has no identity after --forget-unidentified seconds, or when none of
 *    its targets was heard from for --forget-gone seconds; a target out of
 *    service (refused, tainted, unreachable, its device not up) with
 *    nothing in flight goes the same way. A discovery answer makes them
 *    again;
 *  - a device pool's spare chunks go back to the UMEM when no spare was
 *    taken for POOL_SHRINK_NS (after a burst);
 *  - control frames (discovery, IDENTIFY, probes, admin) take chunks from
 *    a reserve of each UMEM that devices' paths and pools cannot take, so a
 *    device always gets asked to come back.
 */
#include <stdlib.h>

#include "engine_priv.h"
#include "lib/log.h"

struct limit_text {
	const char *counter;
	const char *what;
};

static const struct limit_text limit_texts[LIMIT_CAUSES] = {
	[LIMIT_DEVICES] = { "devices_capped",
		"not kept: already --max-devices devices; name the disks meant for this "
		"host with --only (or raise --max-devices)" },
	[LIMIT_TARGETS] = { "targets_capped",
		"a new target is not kept: already --max-targets targets for this device" },
	[LIMIT_PATHS] = { "paths_capped",
		"a new path to a target is not kept: already --max-paths paths" },
	[LIMIT_PATH_UMEM] = { "path_umem_short",
		"no UMEM chunks of its own for a path: it sends from the device's spares; "
		"raise --tx-chunks" },
	[LIMIT_CTL_UMEM] = { "ctl_umem_short",
		"no UMEM chunk for a control frame (discovery or IDENTIFY): it goes out on "
		"a later try; raise --tx-chunks" },
};

static uint64_t *limit_counter(struct aoe_engine *e, enum limit_cause c)
{
	switch (c) {
	case LIMIT_DEVICES: return &e->lim.devices_capped;
	case LIMIT_TARGETS: return &e->lim.targets_capped;
	case LIMIT_PATHS: return &e->lim.paths_capped;
	case LIMIT_PATH_UMEM: return &e->lim.path_umem_short;
	case LIMIT_CTL_UMEM:
	case LIMIT_CAUSES: break;
	}
	return &e->lim.ctl_umem_short;
}

void limit_hit(struct aoe_engine *e, enum limit_cause c, const char *who, const char *what)
{
	(*limit_counter(e, c))++;
	if (e->limit_logged[c])
		return;
	e->limit_logged[c] = true;
	pr_warn("%s%s%s: %s (counted as %s in 'aoe-xdp stat'; said once)\n", who,
		what ? " " : "", what ? what : "", limit_texts[c].what, limit_texts[c].counter);
}

static uint64_t dev_last_heard(const struct aoe_dev *d)
{
	uint64_t last = d->created_ns;

	for (unsigned int i = 0; i < d->ntargets; i++)
		if (d->targets[i]->last_heard_ns > last)
			last = d->targets[i]->last_heard_ns;
	return last;
}

static bool older_than(const struct aoe_engine *e, uint64_t since, uint32_t s)
{
	return s && e->now_ns - since >= (uint64_t)s * NSEC_PER_SEC;
}

/* Which reason frees d now, or NULL. */
static const char *dev_forget_reason(struct aoe_engine *e, struct aoe_dev *d)
{
	if (d->announced || aoe_dev_busy(d))
		return NULL;
	if (!d->identified && older_than(e, d->created_ns, e->cfg.forget_unidentified_s)) {
		e->lim.unidentified_forgotten++;
		return "no target answered IDENTIFY";
	}
	if (older_than(e, dev_last_heard(d), e->cfg.forget_gone_s)) {
		e->lim.gone_forgotten++;
		return "no target heard from";
	}
	return NULL;
}

static bool target_in_service(const struct aoe_target *t)
{
	return t->idstate == TID_OK && !t->tainted && target_reachable(t) &&
	       t->dev->state == DEV_UP;
}

static bool target_gone(struct aoe_engine *e, const struct aoe_target *t)
{
	return !target_in_service(t) && older_than(e, t->last_heard_ns, e->cfg.forget_gone_s) &&
	       list_empty(&t->inflight) && !t->ncopies && !t->probe_out &&
	       list_empty(&t->dev->resend);
}

static void target_free(struct aoe_dev *d, unsigned int i)
{
	struct aoe_target *t = d->targets[i];
	char mac[AOE_MAC_STR_LEN];

	aoe_format_mac(mac, t->mac);
	pr_info("%s: target %s forgotten: not heard from for --forget-gone\n", d->name, mac);
	for (unsigned int p = 0; p < t->npaths; p++)
		txpool_destroy(&t->paths[p].tx);
	free(t);
	d->targets[i] = d->targets[--d->ntargets];
	d->next_target = 0;
	d->eng->lim.targets_forgotten++;
}

/* Frees, shrinks; true when something is left to watch. */
static bool limits_dev(struct aoe_engine *e, struct aoe_dev *d, bool shrink)
{
	const char *why = dev_forget_reason(e, d);
	bool watch = !d->announced;

	if (why) {
		pr_info("%s: forgotten: %s; it was never exported\n", d->name, why);
		dev_destroy(d);
		return false;
	}
	for (unsigned int i = d->ntargets; i-- > 0;) {
		if (target_gone(e, d->targets[i]))
			target_free(d, i);
		else
			watch |= !target_in_service(d->targets[i]);
	}
	if (shrink)
		e->lim.spares_returned += frame_pool_shrink(&d->pool);
	return watch || d->pool.size;
}

uint64_t limits_step(struct aoe_engine *e, uint64_t next)
{
	struct list_node *pos, *tmp;
	bool watch = false, shrink;

	if (e->now_ns < e->next_limits_ns)
		return e->next_limits_ns < next ? e->next_limits_ns : next;
	shrink = e->now_ns >= e->next_shrink_ns;
	if (shrink)
		e->next_shrink_ns = e->now_ns + POOL_SHRINK_NS;
	list_for_each_safe(pos, tmp, &e->devs)
		watch |= limits_dev(e, container_of(pos, struct aoe_dev, node), shrink);
	e->next_limits_ns = watch ? e->now_ns + LIMITS_INTERVAL_NS : UINT64_MAX;
	return e->next_limits_ns < next ? e->next_limits_ns : next;
}

/* Something new to watch: the pass runs within the interval. */
void limits_wake(struct aoe_engine *e)
{
	if (e->next_limits_ns == UINT64_MAX)
		e->next_limits_ns = e->now_ns + LIMITS_INTERVAL_NS;
}

const struct engine_limit_stats *engine_limit_stats(const struct aoe_engine *e)
{
	return &e->lim;
}

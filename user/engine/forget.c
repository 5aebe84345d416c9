// SPDX-License-Identifier: GPL-2.0
/*
 * Forgetting a device (aoetools' aoe-flush). Only an idle device goes:
 * nothing queued, nothing of a request in flight, no write completion
 * waiting on the guard. What is left of it then is the engine's own
 * (targets, paths, IDENTIFY probes, copies on record, the guard's kept
 * sectors), and dev_destroy() takes all of that down.
 */
#include <errno.h>

#include "engine_priv.h"
#include "lib/log.h"

static bool target_carries_requests(const struct aoe_target *t)
{
	const struct aoe_frame *f;

	list_for_each_entry(f, &t->inflight, struct aoe_frame, node)
		if (f->req)
			return true;
	return false;
}

bool aoe_dev_busy(const struct aoe_dev *d)
{
	if (!list_empty(&d->pending) || !list_empty(&d->resend) || !list_empty(&d->writes) ||
	    !list_empty(&d->guard.held) || !list_empty(&d->guard.flushes) ||
	    d->guard.rewriting || d->guard.flushing)
		return true;
	for (unsigned int i = 0; i < d->ntargets; i++)
		if (target_carries_requests(d->targets[i]))
			return true;
	return false;
}

int engine_forget_dev(struct aoe_engine *e, struct aoe_dev *d)
{
	(void)e;
	if (aoe_dev_busy(d))
		return -EBUSY;
	/* Writes a stalled target may still execute: nobody will rewrite
	 * newer data over them once the device is gone. */
	if (d->nwcopies)
		pr_warn("%s: forgotten with %u write%s still in doubt; they are no longer guarded\n",
			d->name, d->nwcopies, d->nwcopies == 1 ? "" : "s");
	pr_info("%s: forgotten (flush)\n", d->name);
	dev_destroy(d);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Identity: who serves which disk. A device keeps the identity its first
 * IDENTIFY DEVICE answer gave (serial, model, firmware, capacity, LBA48,
 * flush support). Every target is asked IDENTIFY itself, when it first
 * answers a config query, each time it answers one again, and when it
 * comes back from taint, and gets I/O only while its answer matches. So
 * another disk at the same shelf.slot (a target restarted on another
 * file, a stranger on the segment) never receives a write meant for this
 * one: a target that differs is refused, and a device whose targets all
 * differ goes (or stays) down until `aoe-xdp revalidate` accepts the new
 * identity on purpose.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

#define VERIFY_BACKOFF_MIN_NS	(500 * NSEC_PER_MSEC)
#define VERIFY_BACKOFF_MAX_NS	(30 * NSEC_PER_SEC)
/* A failed device's targets are asked again after this, doubling. */
#define FAILED_RETRY_MIN_NS	NSEC_PER_SEC
#define FAILED_RETRY_MAX_NS	(60 * NSEC_PER_SEC)
/* Devices whose failure is said by name; past them, one line for all. */
#define FAILED_SAID_MAX		8

const char *target_id_state_name(enum target_id s)
{
	switch (s) {
	case TID_UNCHECKED: return "unchecked";
	case TID_OK: return "ok";
	case TID_MISMATCH: return "refused";
	case TID_BAD: return "unusable";
	}
	return "?";
}

/* t must answer IDENTIFY (again) before (or while) it carries I/O. */
void identity_check(struct aoe_target *t)
{
	struct aoe_engine *e = t->dev->eng;

	if (!t->verify_due) {
		t->verify_due = true;
		t->next_verify_ns = e->now_ns;
		t->verify_backoff_ns = 0;
	}
	if (e->next_timer_ns > e->now_ns)
		e->next_timer_ns = e->now_ns;
}

/*
 * Whether to say that d failed: once per device, for the first few devices
 * only. A forger's config answers make thousands of shelf.slots that never
 * answer IDENTIFY; their failures are counted in stat, not each logged.
 */
static bool failed_say(struct aoe_dev *d)
{
	struct aoe_engine *e = d->eng;

	if (d->retry_backoff_ns)
		return false;	/* said when it first failed */
	if (e->failed_said < FAILED_SAID_MAX) {
		e->failed_said++;
		return true;
	}
	if (e->failed_said++ == FAILED_SAID_MAX)
		pr_warn("more devices fail IDENTIFY DEVICE; they are not named each time (see "
			"'aoe-xdp stat'). Forged config answers on the segment? See --only\n");
	return false;
}

/* The device looks for an identity: its targets are checked afresh. */
void identity_dev_check(struct aoe_dev *d)
{
	struct aoe_target *t;
	unsigned int i;

	if (d->state != DEV_UP && d->state != DEV_IDENTIFYING) {
		if (d->state != DEV_NEW)
			dev_reset_targets(d);	/* all start afresh when it comes back */
		d->state = DEV_IDENTIFYING;
		d->identify_since_ns = d->eng->now_ns;
	}
	dev_for_each_target(d, i, t)
		identity_check(t);
}

static void dev_set_why(struct aoe_dev *d, const char *fmt, const char *a, const char *b)
{
	snprintf(d->why_buf, sizeof(d->why_buf), fmt, a, b);
	d->why = d->why_buf;
}

static bool dev_has_ok_target(const struct aoe_dev *d)
{
	for (unsigned int i = 0; i < d->ntargets; i++)
		if (d->targets[i]->idstate == TID_OK)
			return true;
	return false;
}

/* t no longer serves this device's disk (or says nothing usable). */
static void target_refuse(struct aoe_target *t, enum target_id state, const char *what)
{
	struct aoe_dev *d = t->dev;
	char mac[AOE_MAC_STR_LEN];
	bool was_ok = t->idstate == TID_OK;

	aoe_format_mac(mac, t->mac);
	if (t->idstate != state || strcmp(t->id_diff, what))
		pr_warn("%s: target %s %s (%s); it gets no I/O. If the disk was replaced on "
			"purpose: aoe-xdp revalidate %s\n", d->name, mac,
			state == TID_MISMATCH ? "serves another disk" : "gave unusable IDENTIFY data",
			what, d->name);
	t->idstate = state;
	snprintf(t->id_diff, sizeof(t->id_diff), "%s", what);
	if (was_ok)
		aoe_io_requeue_target(d, t);
	if (dev_has_ok_target(d))
		return;
	dev_set_why(d, "target %s: %s; run aoe-xdp revalidate to accept it", mac, what);
	if (d->state == DEV_UP) {
		dev_go_down(d, d->why);
	} else if (d->identified) {
		d->state = DEV_DOWN;
	} else {
		d->state = DEV_FAILED;
		if (failed_say(d))	/* said once, not at every retry */
			pr_err("%s: IDENTIFY DEVICE data is unusable (%s); the device is not "
			       "used until it answers with a disk (asked again by itself)\n",
			       d->name, what);
	}
}

static void target_accept(struct aoe_target *t)
{
	struct aoe_dev *d = t->dev;
	struct aoe_engine *e = d->eng;
	bool back = d->state != DEV_UP;

	t->idstate = TID_OK;
	for (unsigned int i = 0; i < t->npaths; i++)
		path_take_tx(&t->paths[i]);
	t->id_diff[0] = '\0';
	if (back) {
		d->state = DEV_UP;
		d->why = NULL;
		d->retry_ns = 0;
		d->retry_backoff_ns = 0;
		pr_info("%s: up, %llu sectors, %u bytes per frame\n", d->name,
			(unsigned long long)d->id.sectors, aoe_dev_payload(d));
		d->announced = true;
		if (e->hooks.dev_up)
			e->hooks.dev_up(e->hooks.ctx, d);
	}
	aoe_io_pump(d);
	guard_pump(d);
}

/* The first identity a device gets, or one accepted by revalidate. */
static void dev_adopt_identity(struct aoe_dev *d, const struct ata_identity *id)
{
	struct aoe_engine *e = d->eng;
	char diff[sizeof(d->why_buf)];
	bool changed = d->identified && ata_identity_diff(&d->id, id, diff, sizeof(diff));
	struct aoe_target *t;
	unsigned int i;

	d->accept_new_id = false;
	if (!changed && d->identified)
		return;
	if (changed) {
		pr_warn("%s: new identity accepted: %s\n", d->name, diff);
		/* Data kept for the old disk means nothing on this one. */
		guard_dev_reset(d);
		dev_for_each_target(d, i, t)
			if (t->idstate == TID_OK)
				t->idstate = TID_UNCHECKED;
	}
	d->id = *id;
	d->identified = true;
	if (changed && e->hooks.dev_changed)
		e->hooks.dev_changed(e->hooks.ctx, d);
}

/*
 * The firmware string is not part of the identity: it changes with every
 * upgrade of the target's software (vblade's "V24" to "V25"), which must
 * not take a disk away. A change is said and shown, nothing more.
 */
static void firmware_change(struct aoe_dev *d, const struct ata_identity *id)
{
	if (!strcmp(d->id.firmware, id->firmware))
		return;
	pr_info("%s: firmware '%s' -> '%s' (the same disk otherwise)\n", d->name,
		d->id.firmware, id->firmware);
	memcpy(d->id.firmware, id->firmware, sizeof(d->id.firmware));
}

void identity_answer(struct aoe_engine *e, struct aoe_target *t)
{
	struct aoe_dev *d = t->dev;
	struct ata_identity id;
	char diff[sizeof(t->id_diff)];

	(void)e;
	t->verify_due = false;
	t->verify_backoff_ns = 0;
	if (ata_identity_parse(t->idbuf, sizeof(t->idbuf), &id)) {
		target_refuse(t, TID_BAD, "no capacity in its IDENTIFY DEVICE data");
		return;
	}
	if (!d->identified || d->accept_new_id) {
		dev_adopt_identity(d, &id);
	} else {
		struct ata_identity same_fw = id;

		memcpy(same_fw.firmware, d->id.firmware, sizeof(same_fw.firmware));
		if (ata_identity_diff(&d->id, &same_fw, diff, sizeof(diff))) {
			target_refuse(t, TID_MISMATCH, diff);
			return;
		}
		firmware_change(d, &id);
	}
	target_accept(t);
}

/* An IDENTIFY went unanswered (or was refused): ask again, less often. */
void identity_no_answer(struct aoe_engine *e, struct aoe_target *t)
{
	if (!t->verify_due)
		return;	/* a taint probe: its own timer asks again */
	t->verify_backoff_ns = t->verify_backoff_ns ? 2 * t->verify_backoff_ns :
						      VERIFY_BACKOFF_MIN_NS;
	if (t->verify_backoff_ns > VERIFY_BACKOFF_MAX_NS)
		t->verify_backoff_ns = VERIFY_BACKOFF_MAX_NS;
	t->next_verify_ns = e->now_ns + t->verify_backoff_ns;
}

/* Sends t's IDENTIFY when due; returns when the timer is next wanted. */
uint64_t identity_timers(struct aoe_engine *e, struct aoe_target *t, uint64_t next)
{
	if (!t->verify_due || t->probe_out || !target_reachable(t))
		return next;
	if (e->now_ns >= t->next_verify_ns) {
		target_send_identify(e, t);
		t->st.identity_checks++;
	}
	else if (t->next_verify_ns < next)
		next = t->next_verify_ns;
	return next;
}

/*
 * A failed device (no usable identity yet: its targets' IDENTIFY went
 * unanswered, or said no disk) is asked again by itself, whatever
 * --rediscover says, less and less often: a timer, never a wait.
 */
static void failed_retry_timer(struct aoe_dev *d, uint64_t *next)
{
	struct aoe_engine *e = d->eng;

	if (!d->retry_ns) {
		d->retry_backoff_ns = d->retry_backoff_ns ? 2 * d->retry_backoff_ns :
							    FAILED_RETRY_MIN_NS;
		if (d->retry_backoff_ns > FAILED_RETRY_MAX_NS)
			d->retry_backoff_ns = FAILED_RETRY_MAX_NS;
		d->retry_ns = e->now_ns + d->retry_backoff_ns;
	}
	if (e->now_ns < d->retry_ns) {
		if (d->retry_ns < *next)
			*next = d->retry_ns;
		return;
	}
	d->retry_ns = 0;
	identity_dev_check(d);
}

/* A device that has looked for its identity for the dead timeout gives up:
 * down when it had one, failed when it never did. */
void identity_dev_timers(struct aoe_dev *d, uint64_t *next)
{
	struct aoe_engine *e = d->eng;
	uint64_t dead_ns = (uint64_t)e->cfg.dead_timeout_s * NSEC_PER_SEC;

	if (d->state == DEV_FAILED && d->ntargets) {
		failed_retry_timer(d, next);
		return;
	}
	if (d->state != DEV_IDENTIFYING || !dead_ns)
		return;
	if (e->now_ns - d->identify_since_ns < dead_ns) {
		if (d->identify_since_ns + dead_ns < *next)
			*next = d->identify_since_ns + dead_ns;
		return;
	}
	if (d->identified) {
		dev_go_down(d, "no answer within the dead timeout");
		return;
	}
	d->state = DEV_FAILED;
	d->why = "IDENTIFY DEVICE got no valid answer";
	if (failed_say(d))
		pr_err("%s: IDENTIFY DEVICE got no answer; the device is not used. Check the target; "
		       "aoe-xdp keeps asking\n", d->name);
}

int engine_revalidate(struct aoe_engine *e, struct aoe_dev *d)
{
	(void)e;
	if (!d->ntargets)
		return -ENODEV;
	d->accept_new_id = true;
	pr_info("%s: revalidating: the next IDENTIFY answer becomes its identity\n", d->name);
	identity_dev_check(d);
	return 0;
}

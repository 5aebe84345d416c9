// SPDX-License-Identifier: GPL-2.0
/*
 * Path MTU, learned per path. A switch port left at a smaller MTU than both
 * ends (a jumbo black hole) drops big frames without a word while small
 * ones pass: config answers, IDENTIFY, short reads. When frames above a
 * size keep vanishing on a path while smaller frames sent after them on the
 * same path are answered, the path falls back to a smaller frame size, as
 * PMTU discovery probes down: the largest size answered meanwhile, or else
 * the next of the usual MTUs' sizes (17 -> 8 -> 2 sectors; Ethernet carries 1500 everywhere). Frames in
 * flight that no longer fit are re-split (aoe_io.c); the device never goes
 * down over it. Every --pmtu-probe seconds the next larger size is tried
 * again: kept if answered, given up again after the same evidence if not.
 *
 * An interface's own MTU may change while attached, either way: it is read
 * again every MTU_CHECK_NS and the paths on it follow at once (frames in
 * flight that no longer fit re-split; a larger MTU used up to what the
 * target's config answer on the path allows).
 */
#include <string.h>

#include "engine_priv.h"
#include "lib/log.h"

/* The MTUs links commonly have (RFC 1191's plateaus, jumbo first), down to
 * Ethernet's own 1500, which every segment carries: below it there is
 * nothing to fall back to, and a loss there is only a loss. */
static const uint32_t plateau_mtu[] = { 9000, 4352, 1500 };
#define NPLATEAUS	(sizeof(plateau_mtu) / sizeof(plateau_mtu[0]))

/* Rounds of big frames lost (each sent after the previous loss) before a
 * small answer makes the path fall back: one lost round is congestion as
 * often as not. */
#define PMTU_LOSSES	2
#define MTU_CHECK_NS	NSEC_PER_SEC

/* Sectors an AoE ATA frame carries within an MTU. */
static uint32_t plateau_sect(uint32_t mtu)
{
	return (mtu + AOE_ETH_HLEN - AOE_ATA_HDR_LEN) / ATA_SECTOR_SIZE;
}

/* The next size down from n sectors; 0 when there is none. */
static uint32_t rung_below(uint32_t n)
{
	for (unsigned int i = 0; i < NPLATEAUS; i++)
		if (plateau_sect(plateau_mtu[i]) < n)
			return plateau_sect(plateau_mtu[i]);
	return 0;
}

/* The next size up from n sectors; 0 when there is none (no cap). */
static uint32_t rung_above(uint32_t n)
{
	for (unsigned int i = NPLATEAUS; i--;)
		if (plateau_sect(plateau_mtu[i]) > n)
			return plateau_sect(plateau_mtu[i]);
	return 0;
}

static void path_name(const struct aoe_path *p, char *mac, const char **ifname)
{
	aoe_format_mac(mac, p->t->mac);
	*ifname = p->ifc ? p->ifc->name : "?";
}

static void schedule_probe_up(struct aoe_engine *e, struct aoe_path *p)
{
	p->probe_up_ns = p->pmtu_sect && e->cfg.pmtu_probe_s ?
		e->now_ns + (uint64_t)e->cfg.pmtu_probe_s * NSEC_PER_SEC : 0;
	if (p->probe_up_ns && p->probe_up_ns < e->next_timer_ns)
		e->next_timer_ns = p->probe_up_ns;
}

static void fall_back(struct aoe_engine *e, struct aoe_path *p)
{
	uint32_t was = p->max_sect, to = rung_below(was);
	struct aoe_dev *d = p->t->dev;
	char mac[AOE_MAC_STR_LEN];
	const char *ifname;

	if (p->best_ok > to && p->best_ok < was)
		to = p->best_ok;
	if (!to || to >= was) {
		p->big_lost = 0;	/* the limit fell meanwhile (MTU, config) */
		return;
	}
	path_name(p, mac, &ifname);
	/* Said once per size: a larger size tried again and lost again is
	 * the expected outcome of a probe, not news. */
	if (p->probing && to == p->pmtu_prev)
		pr_debug("%s: target %s on %s: frames of %u sectors still vanish; back to %u\n",
			 d->name, mac, ifname, was, to);
	else
		pr_warn("%s: target %s on %s: frames of %u sectors vanish on the way while "
			"smaller ones are answered (a link with a smaller MTU?); frames of at "
			"most %u sectors on this path from now on%s\n", d->name, mac, ifname,
			was, to, e->cfg.pmtu_probe_s ? ", a larger size tried again now and then" :
			"");
	p->pmtu_sect = to;
	p->pmtu_prev = to;
	p->pmtu_falls++;
	p->big_lost = 0;
	p->best_ok = 0;
	p->probing = false;
	schedule_probe_up(e, p);
	path_update_max_sect(p);	/* frames in flight too big go again, re-split */
}

void pmtu_lost(struct aoe_engine *e, const struct aoe_frame *f)
{
	struct aoe_path *p = f->path;

	(void)e;
	/* Only frames of the size the path has now are evidence about it: one
	 * framed before its size fell was lost to that change. */
	if (!p || !p->ifc || f->probe || frame_units(f) < 2 || f->nsect > p->max_sect ||
	    !rung_below(p->max_sect) || f->nsect <= rung_below(p->max_sect))
		return;
	/* Frames sent together are lost together: a round counts once. */
	if (p->big_lost && f->sent_ns <= p->big_lost_ns)
		return;
	p->big_lost++;
	p->big_lost_ns = f->sent_ns;
}

void pmtu_answered(struct aoe_engine *e, struct aoe_path *p, uint32_t sect, uint64_t sent_ns)
{
	if (!p || !p->ifc)
		return;
	if (sect > rung_below(p->max_sect)) {
		if (p->probing) {
			char mac[AOE_MAC_STR_LEN];
			const char *ifname;

			path_name(p, mac, &ifname);
			pr_info("%s: target %s on %s: frames of %u sectors are answered; kept\n",
				p->t->dev->name, mac, ifname, p->max_sect);
			p->probing = false;
			schedule_probe_up(e, p);
		}
		p->big_lost = 0;
		return;
	}
	if (sect > p->best_ok)
		p->best_ok = sect;
	if (p->big_lost >= PMTU_LOSSES && sent_ns > p->big_lost_ns)
		fall_back(e, p);
}

/* A late answer to a copy of sect sectors sent on p: frames that big get
 * through; the timeout was a slow target, not the wire. The losses counted
 * against that size go, and a fall back below it is undone (a slow or
 * paused target must not leave a jumbo path at 2 sectors). */
void pmtu_late_answer(struct aoe_engine *e, struct aoe_path *p, uint32_t sect)
{
	if (!p || !p->ifc || !sect)
		return;
	if (p->pmtu_sect && sect > p->pmtu_sect) {
		char mac[AOE_MAC_STR_LEN];
		const char *ifname;

		path_name(p, mac, &ifname);
		pr_info("%s: target %s on %s: frames of %u sectors are answered after all "
			"(late); the fall back to %u is undone\n", p->t->dev->name, mac, ifname,
			sect, p->pmtu_sect);
		p->pmtu_sect = sect;
		p->probing = false;
		path_update_max_sect(p);	/* no cap left once sect is the most */
		schedule_probe_up(e, p);
	}
	if (sect > rung_below(p->max_sect))
		p->big_lost = 0;
}

/* Big frames lost: ask something small on the path to see whether it
 * still carries anything (with only big I/O, nothing small goes out). */
static void probe_small(struct aoe_engine *e, struct aoe_path *p)
{
	struct aoe_target *t = p->t;

	if (p->big_lost < PMTU_LOSSES || t->probe_out || p->small_probe_ns > p->big_lost_ns)
		return;
	p->small_probe_ns = e->now_ns;
	target_send_identify_on(e, t, p);
	t->st.probes++;
}

static uint64_t probe_up(struct aoe_engine *e, struct aoe_path *p, uint64_t next)
{
	char mac[AOE_MAC_STR_LEN];
	const char *ifname;

	if (!p->probe_up_ns || !p->pmtu_sect)
		return next;
	if (e->now_ns < p->probe_up_ns)
		return p->probe_up_ns < next ? p->probe_up_ns : next;
	p->probe_up_ns = 0;
	p->pmtu_sect = rung_above(p->max_sect);
	p->probing = true;
	p->big_lost = 0;
	p->best_ok = 0;
	path_update_max_sect(p);
	path_name(p, mac, &ifname);
	pr_debug("%s: target %s on %s: trying frames of %u sectors again\n", p->t->dev->name,
		 mac, ifname, p->max_sect);
	return next;
}

uint64_t pmtu_timer(struct aoe_engine *e, struct aoe_target *t, uint64_t next)
{
	for (unsigned int i = 0; i < t->npaths; i++) {
		struct aoe_path *p = &t->paths[i];

		if (!p->ifc)
			continue;
		probe_small(e, p);
		next = probe_up(e, p, next);
	}
	return next;
}

static void iface_paths_follow(struct aoe_engine *e, const struct aoe_iface *ifc)
{
	struct aoe_dev *d;

	engine_for_each_dev(e, d) {
		for (unsigned int i = 0; i < d->ntargets; i++) {
			struct aoe_target *t = d->targets[i];

			for (unsigned int k = 0; k < t->npaths; k++)
				if (t->paths[k].ifc == ifc)
					path_update_max_sect(&t->paths[k]);
		}
		aoe_io_pump(d);
	}
}

void pmtu_iface_check(struct aoe_engine *e)
{
	struct aoe_iface *ifc;
	unsigned int i;

	/* The timers run at least once a second (aoe_io_timers()). */
	if (e->now_ns < e->next_mtu_check_ns)
		return;
	e->next_mtu_check_ns = e->now_ns + MTU_CHECK_NS;
	engine_for_each_iface(e, i, ifc) {
		int err = iface_refresh_mtu(ifc);

		if (err) {
			pr_debug("%s: cannot read the MTU: %s\n", ifc->name, strerror(-err));
			continue;
		}
		if (ifc->mtu == e->mtu_seen[i])
			continue;
		if (e->mtu_seen[i])
			pr_info("%s: MTU changed from %u to %u; frames follow\n", ifc->name,
				e->mtu_seen[i], ifc->mtu);
		e->mtu_seen[i] = ifc->mtu;
		iface_paths_follow(e, ifc);
	}
}

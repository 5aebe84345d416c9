// SPDX-License-Identifier: GPL-2.0
/*
 * Where a request's time goes, stage by stage (enum engine_stage in
 * engine.h), counted on every answered request: cheap enough to keep on.
 *
 * The boundaries are clock reads the loop shares. A pass reads the clock
 * once after its wait (the ublk FETCHes and the answers it found have that
 * time), once when its pump first puts a frame on a TX ring (all frames
 * of that pump share it), before and after the kicks when it put frames
 * on a ring (all frames they sent share them); a front end's request reads it once at
 * engine_submit() (the time it waited behind the others the pass found),
 * every completed request once at done(). The commit stage ends at the
 * ring's next submit: the pass's time, read again only after a busy poll.
 *
 * A request of several frames is timed by the frame answered last: its
 * queue stage runs up to that frame's first send, the resend stage from
 * there to its last send (0 unless it was lost or timed out), TX, kick
 * and wire are that last send's. The stages of a request so add up to its time
 * from arrival to commit; the time earlier frames spent is inside them.
 */
#include <string.h>

#include "engine_priv.h"

static const char *const stage_names[ENGINE_STAGES] = {
	[STAGE_FRONT] = "front", [STAGE_QUEUE] = "queue", [STAGE_RESEND] = "resend",
	[STAGE_TX] = "tx", [STAGE_KICK] = "kick",
	[STAGE_WIRE] = "wire", [STAGE_COMPLETE] = "complete", [STAGE_COMMIT] = "commit",
};

const char *engine_stage_name(enum engine_stage s)
{
	return (unsigned int)s < ENGINE_STAGES ? stage_names[s] : "?";
}

const struct engine_stage_stats *engine_stage_stats(const struct aoe_engine *e)
{
	return &e->stages;
}

uint64_t engine_clock(struct aoe_engine *e)
{
	return e->clock ? e->clock(e->clock_ctx) : clock_now_ns();
}

uint64_t engine_stamp(struct aoe_engine *e)
{
	if (!e->stamp_ns)
		e->stamp_ns = engine_clock(e);
	return e->stamp_ns;
}

/* b - a; 0 when b is not later (a boundary crossed in the same instant). */
static uint64_t span(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

static void stage_add_n(struct aoe_engine *e, enum engine_stage s, uint64_t n, uint64_t sum_ns,
			uint64_t max_ns)
{
	struct engine_stage_stat *st = &e->stages.st[s];

	st->count += n;
	st->sum_ns += sum_ns;
	if (max_ns > st->max_ns)
		st->max_ns = max_ns;
}

static void stage_add(struct aoe_engine *e, enum engine_stage s, uint64_t ns)
{
	stage_add_n(e, s, 1, ns, ns);
}

void stages_submitted(struct aoe_engine *e, struct aoe_req *req)
{
	req->sent = (struct frame_send_times){ 0 };
	req->rx_ns = 0;
	req->done_ns = 0;
	if (!req->arrive_ns) {
		req->sub_ns = engine_stamp(e);
		return;
	}
	/* Later than the pass's time: what is placed next shares it. */
	req->sub_ns = engine_clock(e);
	e->stamp_ns = req->sub_ns;
}

void stages_placed(struct aoe_engine *e, struct aoe_frame *f)
{
	struct frame_table *ft = &e->ft;

	f->sent_at.tx_ns = engine_stamp(e);
	if (!f->sent_at.first_tx_ns)
		f->sent_at.first_tx_ns = f->sent_at.tx_ns;
	f->sent_at.kick_ns = 0;
	/* Full (a frame placed again and again in one pass): the rest look
	 * sent without a kick. */
	if (f->req && ft->nplaced < ft->n)
		ft->placed[ft->nplaced++] = (uint32_t)(f - ft->f);
}

/* The pass's kicks, begun at start_ns, are over; sent: one of them called
 * sendto. Its frames are on their way from now (one time for every
 * socket: close enough). */
void stages_kicked(struct aoe_engine *e, uint64_t start_ns, bool sent)
{
	struct frame_table *ft = &e->ft;
	uint64_t t = 0;

	if (!ft->nplaced)
		return;
	if (sent) {
		e->stamp_ns = 0;
		t = engine_stamp(e);
	}
	for (uint32_t i = 0; i < ft->nplaced; i++) {
		ft->f[ft->placed[i]].sent_at.kick_start_ns = start_ns;
		ft->f[ft->placed[i]].sent_at.kick_ns = t;
	}
	ft->nplaced = 0;
}

void stages_answered(const struct aoe_engine *e, const struct aoe_frame *f)
{
	struct aoe_req *req = f->req;

	if (!req)
		return;
	req->sent = f->sent_at;
	req->rx_ns = e->now_ns;
}

/* req is about to be done(): its stages up to now count (answered ones). */
void stages_done(struct aoe_engine *e, struct aoe_req *req)
{
	const struct frame_send_times *st = &req->sent;
	uint64_t kick, sent;

	req->done_ns = 0;
	if (req->internal || req->status || !req->rx_ns)
		return;
	req->done_ns = engine_clock(e);
	kick = st->kick_ns ? st->kick_start_ns : st->tx_ns;
	sent = st->kick_ns ? st->kick_ns : st->tx_ns;
	if (req->arrive_ns)
		stage_add(e, STAGE_FRONT, span(req->arrive_ns, req->sub_ns));
	stage_add(e, STAGE_QUEUE, span(req->sub_ns, st->first_tx_ns));
	stage_add(e, STAGE_RESEND, span(st->first_tx_ns, st->tx_ns));
	stage_add(e, STAGE_TX, span(st->tx_ns, kick));
	stage_add(e, STAGE_KICK, span(kick, sent));
	stage_add(e, STAGE_WIRE, span(sent, req->rx_ns));
	stage_add(e, STAGE_COMPLETE, span(req->rx_ns, req->done_ns));
}

void engine_commit_queued(struct aoe_engine *e, const struct aoe_req *req)
{
	if (!req->done_ns)
		return;
	if (!e->commits.n || req->done_ns < e->commits.first_ns)
		e->commits.first_ns = req->done_ns;
	e->commits.n++;
	e->commits.sum_ns += req->done_ns;
}

/* The ring is being submitted at now_ns: the answers queued on it go. */
void stages_ring_submit(struct aoe_engine *e, uint64_t now_ns)
{
	uint64_t n = e->commits.n, total = n * now_ns;

	if (!n)
		return;
	stage_add_n(e, STAGE_COMMIT, n, span(e->commits.sum_ns, total),
		    span(e->commits.first_ns, now_ns));
	memset(&e->commits, 0, sizeof(e->commits));
}

// SPDX-License-Identifier: GPL-2.0
/* The simulated network of engine_sim.h: sink, fake targets, clock, checks. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_sim.h"
#include "lib/log.h"

#define SIM_DISK_MAX_SECTORS	4096	/* RAM per target: 2 MiB */
/* sim_serve() ends even when something resends forever (10 s of latency). */
#define SIM_SERVE_MAX_ROUNDS	100000
#define SIM_QUEUE_MIN		64	/* first allocation of a growing array */
#define SIM_FWVER		0x4019
#define SIM_SCNT_DEFAULT	2
#define SIM_CFG_STRING		"sim"

/* ATA status and error bits a disk answers with. */
#define ATA_ST_DRDY		0x40
#define ATA_ST_DSC		0x10
#define ATA_ST_ERR		0x01
#define ATA_ER_ABRT		0x04

/* IDENTIFY words a test may take features out of (ata_identify.c). */
#define ID_WORD_CMDSET_SUPP	83
#define ID_WORD_CMDSET_ENABLED	86
#define ID_WORD_LBA48_SECTORS	100
#define ID_BIT_LBA48		(1u << 10)
#define ID_BIT_FLUSH		(1u << 12)
#define ID_BIT_FLUSH_EXT	(1u << 13)

/* Byte offsets of header fields in a frame without VLAN tag. */
#define OFF_DST			0
#define OFF_SRC			AOE_ETH_ALEN
#define OFF_AOE(field)		(AOE_ETH_HLEN + offsetof(struct aoe_hdr, field))
#define OFF_VERFL		OFF_AOE(verfl)
#define OFF_ERROR		OFF_AOE(error)
#define OFF_MAJOR		OFF_AOE(major)
#define OFF_MINOR		OFF_AOE(minor)
#define OFF_CMD			OFF_AOE(cmd)
#define OFF_TAG			OFF_AOE(tag)
#define OFF_ATA_CMDSTAT		(AOE_FULL_HDR_LEN + offsetof(struct aoe_ata, cmdstat))

static void sim_violation(struct sim *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sim_violation(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->violations++)
		return;	/* the first one explains the rest */
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
}

/* --- packet queues ------------------------------------------------------------- */

static int queue_push(struct sim_queue *q, struct sim_pkt *p)
{
	if (q->n == q->cap) {
		unsigned int cap = q->cap ? 2 * q->cap : SIM_QUEUE_MIN;
		struct sim_pkt **np = realloc(q->p, cap * sizeof(*np));

		if (!np)
			return -ENOMEM;
		q->p = np;
		q->cap = cap;
	}
	q->p[q->n++] = p;
	return 0;
}

static struct sim_pkt *queue_take(struct sim_queue *q, unsigned int i)
{
	struct sim_pkt *p = q->p[i];

	memmove(&q->p[i], &q->p[i + 1], (q->n - i - 1) * sizeof(*q->p));
	q->n--;
	return p;
}

static void queue_clear(struct sim_queue *q)
{
	while (q->n)
		free(q->p[--q->n]);
}

static void queue_free(struct sim_queue *q)
{
	queue_clear(q);
	free(q->p);
	memset(q, 0, sizeof(*q));
}

/* --- the TX sink: the kernel's side of the TX and completion rings ------------- */

static int sink_hold(struct sim *s, unsigned int ifn, uint64_t addr)
{
	if (s->nchunks == s->chunk_cap) {
		unsigned int cap = s->chunk_cap ? 2 * s->chunk_cap : SIM_QUEUE_MIN;
		struct sim_chunk *nc = realloc(s->chunks, cap * sizeof(*nc));

		if (!nc)
			return -ENOMEM;
		s->chunks = nc;
		s->chunk_cap = cap;
	}
	s->chunks[s->nchunks++] = (struct sim_chunk){ .ifn = ifn, .addr = addr };
	return 0;
}

/* Checks every chunk before taking any: a refused frame stays the engine's. */
static int sink_check_chunks(struct sim *s, struct aoe_iface *ifc, const uint64_t *addr,
			     const uint32_t *len, unsigned int n, size_t *total)
{
	*total = 0;
	if (!n || n > SIM_MAX_SEGS) {
		sim_violation(s, "%s: a frame of %u chunks was sent", ifc->name, n);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint32_t idx = umem_chunk_index(addr[i]);

		if (addr[i] % UMEM_CHUNK_SIZE || idx >= ifc->umem.nchunks ||
		    len[i] > UMEM_CHUNK_SIZE || (i + 1 < n && len[i] != UMEM_CHUNK_SIZE)) {
			sim_violation(s, "%s: bad TX descriptor %u: addr %llu len %u", ifc->name, i,
				      (unsigned long long)addr[i], len[i]);
			return -EINVAL;
		}
		if (s->chunk_busy[ifc->slot][idx]) {
			sim_violation(s, "%s: chunk %u sent again while the kernel still holds it",
				      ifc->name, idx);
			return -EINVAL;
		}
		*total += len[i];
	}
	if (*total > SIM_PKT_MAX) {
		sim_violation(s, "%s: a %zu-byte frame was sent", ifc->name, *total);
		return -EINVAL;
	}
	return 0;
}

/* What a frame counts against an MTU: all but the Ethernet header and
 * its VLAN tag. */
static size_t sim_pkt_mtu_len(const struct sim_pkt *p)
{
	size_t l2 = AOE_ETH_HLEN;

	if (p->len >= AOE_ETH_HLEN && p->buf[12] == 0x81 && p->buf[13] == 0x00)
		l2 += AOE_VLAN_HLEN;
	return p->len > l2 ? p->len - l2 : 0;
}

/* The link's black hole swallows p (and counts it). */
static bool wire_swallows(struct sim *s, const struct sim_pkt *p)
{
	uint32_t mtu = p->ifn < SIM_MAX_IFACES ? s->wire_mtu[p->ifn] : 0;

	if (!mtu || sim_pkt_mtu_len(p) <= mtu)
		return false;
	s->blackholed++;
	return true;
}

static int sink_tx(void *ctx, struct aoe_iface *ifc, const uint64_t *addr, const uint32_t *len,
		   unsigned int n)
{
	struct sim *s = ctx;
	struct sim_pkt *p;
	size_t total, off = 0;
	int err;

	if (s->tx_fail)
		return s->tx_fail;
	err = sink_check_chunks(s, ifc, addr, len, n, &total);
	if (err)
		return err;
	p = malloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		memcpy(p->buf + off, umem_ptr(&ifc->umem, addr[i]), len[i]);
		off += len[i];
	}
	p->len = total;
	p->ifn = ifc->slot;
	s->oversize += sim_pkt_mtu_len(p) > ifc->mtu;
	if (queue_push(&s->sent, p)) {
		free(p);
		return -ENOMEM;
	}
	s->tx_frames++;
	for (unsigned int i = 0; i < n; i++) {
		if (s->hold_tx && !sink_hold(s, ifc->slot, addr[i])) {
			s->chunk_busy[ifc->slot][umem_chunk_index(addr[i])] = 1;
			continue;
		}
		frame_pool_complete(&ifc->umem, addr[i]);
	}
	return 0;
}

void sim_complete_tx(struct sim *s, unsigned int n)
{
	unsigned int k = n < s->nchunks ? n : s->nchunks;

	if (!k)
		return;
	for (unsigned int i = 0; i < k; i++) {
		struct sim_chunk *c = &s->chunks[i];
		struct aoe_iface *ifc = s->ifc[c->ifn];

		s->chunk_busy[c->ifn][umem_chunk_index(c->addr)] = 0;
		frame_pool_complete(&ifc->umem, c->addr);
	}
	memmove(s->chunks, s->chunks + k, (s->nchunks - k) * sizeof(*s->chunks));
	s->nchunks -= k;
}

/* --- engine set-up -------------------------------------------------------------- */

static void hook_up(void *ctx, struct aoe_dev *d)
{
	struct sim *s = ctx;

	s->ups++;
	s->last_up = d;
}

static void hook_down(void *ctx, struct aoe_dev *d)
{
	struct sim *s = ctx;

	s->downs++;
	s->last_down = d;
}

void sim_config_defaults(struct engine_config *cfg)
{
	engine_config_defaults(cfg);
	cfg->rediscover_s = 0;		/* discovery only when a test asks */
	cfg->dead_timeout_s = 5;
	cfg->rto_min_us = 20000;
	cfg->rto_max_us = 1000000;
	cfg->tx_chunks = SIM_TX_CHUNKS;
}

static int sim_add_iface(struct sim *s, const struct engine_config *cfg, unsigned int i,
			 uint32_t mtu)
{
	const struct iface_sink sink = { .tx = sink_tx, .ctx = s };
	const uint8_t mac[AOE_ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0xaa, (uint8_t)(i + 1) };
	struct aoe_iface *ifc = calloc(1, sizeof(*ifc));
	char name[IF_NAMESIZE];
	int err;

	if (!ifc)
		return -ENOMEM;
	snprintf(name, sizeof(name), "sim%u", i);
	err = iface_open_sim(ifc, name, i, mac, mtu, cfg->tx_chunks, &sink);
	if (err) {
		iface_close(ifc);
		free(ifc);
		return err;
	}
	s->chunk_busy[i] = calloc(ifc->umem.nchunks, 1);
	if (!s->chunk_busy[i]) {
		iface_close(ifc);
		free(ifc);
		return -ENOMEM;
	}
	err = engine_add_opened_iface(s->e, ifc);	/* frees ifc when it fails */
	if (err)
		return err;
	s->ifc[i] = ifc;
	s->nifaces = i + 1;
	return 0;
}

/* The engine's clock in a simulation: the time the test set. */
static uint64_t sim_clock(void *ctx)
{
	return ((const struct sim *)ctx)->now;
}

int sim_create(struct sim **out, const struct engine_config *cfg, unsigned int nifaces,
	       uint32_t mtu, uint32_t frames)
{
	struct engine_hooks hooks = { .dev_up = hook_up, .dev_down = hook_down };
	struct sim *s;
	int err;

	if (!nifaces || nifaces > SIM_MAX_IFACES)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	hooks.ctx = s;
	/* Timeouts, taints and errors are what these runs are made of. */
	log_set_level(LOG_LVL_ERROR);
	s->latency_ns = SIM_LATENCY_NS;
	s->loss_rng = SIM_LOSS_SEED;
	s->now = SIM_T0_NS;
	err = engine_create(cfg, &hooks, &s->e);
	if (err) {
		free(s);
		return err;
	}
	/* A fixed seed and clock: every run sends the same tags at the same
	 * times, so a failure replays. */
	s->e->rng = SIM_RNG_SEED;
	s->e->clock = sim_clock;
	s->e->clock_ctx = s;
	s->e->now_ns = s->now;
	s->e->next_timer_ns = s->now;
	/* Made again after the seed: the slots draw their tag generations
	 * and steps from it. */
	frame_table_fini(&s->e->ft);
	err = frame_table_init(&s->e->ft, frames ? frames : ENGINE_MAX_FRAMES, s->e);
	for (unsigned int i = 0; !err && i < nifaces; i++)
		err = sim_add_iface(s, cfg, i, mtu);
	if (err) {
		sim_destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

void sim_destroy(struct sim *s)
{
	if (!s)
		return;
	/* The "kernel" gives every chunk back before the UMEMs go. */
	sim_complete_tx(s, UINT32_MAX);
	engine_destroy(s->e);	/* fails what is left: the requests are still here */
	for (unsigned int i = 0; i < s->nreqs; i++) {
		free(s->reqs[i]->buf);
		free(s->reqs[i]);
	}
	free(s->reqs);
	for (unsigned int i = 0; i < s->ntargets; i++) {
		struct sim_target *t = &s->tgt[i];
		bool shared = false;

		for (unsigned int j = 0; j < i; j++)
			shared |= s->tgt[j].disk == t->disk;
		if (!shared) {
			free(t->disk);
			free(t->written);
		}
	}
	for (unsigned int i = 0; i < SIM_MAX_IFACES; i++)
		free(s->chunk_busy[i]);
	free(s->chunks);
	queue_free(&s->sent);
	queue_free(&s->held);
	free(s);
}

/* --- fake targets ------------------------------------------------------------- */

/* Eight bytes at a time: the fuzzer makes many of these. */
void sim_pattern(uint64_t lba, uint8_t out[ATA_SECTOR_SIZE])
{
	uint64_t x = (lba + 1) * 0x9e3779b97f4a7c15ull;

	for (unsigned int j = 0; j < ATA_SECTOR_SIZE; j += sizeof(x)) {
		x ^= x >> 29;
		x *= 0xbf58476d1ce4e5b9ull;
		memcpy(out + j, &x, sizeof(x));
	}
}

void sim_target_sector(const struct sim_target *t, uint64_t lba, uint8_t out[ATA_SECTOR_SIZE])
{
	if (lba < t->disk_sectors && t->written[lba])
		memcpy(out, t->disk + lba * ATA_SECTOR_SIZE, ATA_SECTOR_SIZE);
	else
		sim_pattern(lba, out);
}

static void put_sector(struct sim_target *t, uint64_t lba, const uint8_t *in)
{
	if (lba >= t->disk_sectors)
		return;	/* past the RAM: accepted, not kept */
	memcpy(t->disk + lba * ATA_SECTOR_SIZE, in, ATA_SECTOR_SIZE);
	t->written[lba] = 1;
}

struct sim_target *sim_add_target(struct sim *s, uint16_t shelf, uint8_t slot,
				  uint16_t bufcnt, uint64_t sectors, unsigned int ifmask)
{
	struct sim_target *t, *twin = NULL;

	if (s->ntargets >= SIM_MAX_TARGETS)
		return NULL;
	/* Targets of one shelf.slot serve one disk, like vblades on one file. */
	for (unsigned int i = 0; i < s->ntargets && !twin; i++)
		if (s->tgt[i].shelf == shelf && s->tgt[i].slot == slot)
			twin = &s->tgt[i];
	t = &s->tgt[s->ntargets];
	memset(t, 0, sizeof(*t));
	t->sim = s;
	t->shelf = shelf;
	t->slot = slot;
	t->mac[0] = 0x02;
	t->mac[4] = (uint8_t)shelf;
	t->mac[5] = (uint8_t)(s->ntargets + 1);
	t->bufcnt = bufcnt;
	t->fwver = SIM_FWVER;
	t->scnt = SIM_SCNT_DEFAULT;
	t->ifmask = ifmask;
	t->sectors = sectors;
	if (twin) {
		t->disk_sectors = twin->disk_sectors;
		t->disk = twin->disk;
		t->written = twin->written;
		memcpy(t->identify, twin->identify, sizeof(t->identify));
	} else {
		t->disk_sectors = sectors < SIM_DISK_MAX_SECTORS ? (uint32_t)sectors :
			SIM_DISK_MAX_SECTORS;
		/* Unwritten sectors read as sim_pattern(), made when read. */
		t->disk = malloc((size_t)t->disk_sectors * ATA_SECTOR_SIZE + 1);
		t->written = calloc(t->disk_sectors + 1, 1);
		if (!t->disk || !t->written) {
			free(t->disk);
			free(t->written);
			return NULL;
		}
		ata_identity_build(t->identify, sectors, "aoe-xdp simulated disk", "SIM0001", "V1");
	}
	s->ntargets++;
	return t;
}

static void id_clear_bits(uint8_t *id, unsigned int word, uint16_t bits)
{
	id[2 * word] &= (uint8_t)~(bits & 0xff);
	id[2 * word + 1] &= (uint8_t)~(bits >> 8);
}

void sim_target_lba28(struct sim_target *t)
{
	id_clear_bits(t->identify, ID_WORD_CMDSET_SUPP, ID_BIT_LBA48 | ID_BIT_FLUSH_EXT);
	id_clear_bits(t->identify, ID_WORD_CMDSET_ENABLED, ID_BIT_LBA48 | ID_BIT_FLUSH_EXT);
	memset(t->identify + 2 * ID_WORD_LBA48_SECTORS, 0, 8);
}

void sim_target_flush_ext_only(struct sim_target *t)
{
	id_clear_bits(t->identify, ID_WORD_CMDSET_SUPP, ID_BIT_FLUSH);
	id_clear_bits(t->identify, ID_WORD_CMDSET_ENABLED, ID_BIT_FLUSH);
}

void sim_target_no_flush(struct sim_target *t)
{
	id_clear_bits(t->identify, ID_WORD_CMDSET_SUPP, ID_BIT_FLUSH | ID_BIT_FLUSH_EXT);
	id_clear_bits(t->identify, ID_WORD_CMDSET_ENABLED, ID_BIT_FLUSH | ID_BIT_FLUSH_EXT);
}

static int answer_cfg(struct sim_target *t, const struct aoe_view *v, const struct aoe_addr *a,
		      struct sim_pkt *rsp)
{
	struct aoe_cfg_args args = {
		.bufcnt = t->bufcnt, .fwver = t->fwver, .scnt = t->scnt, .ccmd = AOE_CCMD_READ,
		.cfgstr = SIM_CFG_STRING, .cslen = sizeof(SIM_CFG_STRING) - 1,
	};
	struct aoe_cfg_view c;
	int len;

	if (aoe_parse_cfg(v, &c, NULL) || c.ccmd != AOE_CCMD_READ)
		return -ENOENT;
	t->n.cfg++;
	len = aoe_build_cfg(rsp->buf, sizeof(rsp->buf), a, &args);
	if (len < 0)
		return len;
	rsp->len = (size_t)len;
	return 0;
}

/* The LBA of a read or write, or false when the command cannot be served. */
static bool ata_rw_lba(const struct sim_target *t, const struct aoe_ata_view *in, bool ext,
		       uint64_t *lba)
{
	if (ext != !!(in->aflags & AOE_AFL_EXT))
		return false;
	/* LBA28: the device register (lba3's high nibble) must say LBA mode. */
	if (!ext && (in->lba >> 24 & 0xf0) != AOE_LBA28_DEVICE)
		return false;
	*lba = ext ? in->lba : aoe_lba28_decode(in->lba);
	return in->scnt && *lba < t->sectors && in->scnt <= t->sectors - *lba;
}

/* Serves one ATA command; data of a read goes to out (room for it is
 * checked); returns its length, or -1 for an ATA error. */
static int ata_serve(struct sim_target *t, const struct aoe_ata_view *in, uint8_t *out,
		     size_t room)
{
	uint64_t lba;
	bool ext;

	switch (in->cmdstat) {
	case ATA_CMD_IDENTIFY:
		t->n.identify++;
		memcpy(out, t->identify, ATA_SECTOR_SIZE);
		return ATA_SECTOR_SIZE;
	case ATA_CMD_READ:
	case ATA_CMD_READ_EXT:
		t->n.read++;
		ext = in->cmdstat == ATA_CMD_READ_EXT;
		if (!ata_rw_lba(t, in, ext, &lba) || (size_t)in->scnt * ATA_SECTOR_SIZE > room)
			return -1;
		for (unsigned int i = 0; i < in->scnt; i++)
			sim_target_sector(t, lba + i, out + (size_t)i * ATA_SECTOR_SIZE);
		return in->scnt * ATA_SECTOR_SIZE;
	case ATA_CMD_WRITE:
	case ATA_CMD_WRITE_EXT:
		t->n.write++;
		ext = in->cmdstat == ATA_CMD_WRITE_EXT;
		if (!ata_rw_lba(t, in, ext, &lba) ||
		    in->data_len < (size_t)in->scnt * ATA_SECTOR_SIZE)
			return -1;
		for (unsigned int i = 0; i < in->scnt; i++)
			put_sector(t, lba + i, in->data + (size_t)i * ATA_SECTOR_SIZE);
		return 0;
	case ATA_CMD_FLUSH:
	case ATA_CMD_FLUSH_EXT:
		t->n.flush++;
		return 0;
	default:
		t->n.other++;
		return -1;
	}
}

static int answer_ata(struct sim_target *t, const struct aoe_view *v, const struct aoe_addr *a,
		      struct sim_pkt *rsp)
{
	size_t off = aoe_ata_data_offset(a->has_vlan);
	struct aoe_ata_view in;
	struct aoe_ata_args out;
	int data_len, len;

	if (aoe_parse_ata(v, &in, NULL))
		return -ENOENT;
	/* Registers are echoed, as vblade and aoe-target do. */
	out = (struct aoe_ata_args){ .aflags = in.aflags, .scnt = in.scnt,
				     .cmdstat = ATA_ST_DRDY, .lba = in.lba };
	data_len = ata_serve(t, &in, rsp->buf + off, sizeof(rsp->buf) - off);
	if (data_len < 0) {
		out.cmdstat = ATA_ST_DRDY | ATA_ST_DSC | ATA_ST_ERR;
		out.errfeat = ATA_ER_ABRT;
		data_len = 0;
	}
	len = aoe_build_ata_hdr(rsp->buf, sizeof(rsp->buf), a, &out, (size_t)data_len);
	if (len < 0)
		return len;
	rsp->len = (size_t)len;
	return 0;
}

static bool is_broadcast(const uint8_t *mac)
{
	static const uint8_t bcast[AOE_ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	return !memcmp(mac, bcast, AOE_ETH_ALEN);
}

int sim_target_answer(struct sim_target *t, const struct sim_pkt *req, struct sim_pkt *rsp)
{
	struct aoe_addr a;
	struct aoe_view v;
	bool bcast;
	int len;

	if (req->ifn >= SIM_MAX_IFACES || !(t->ifmask & 1u << req->ifn) ||
	    aoe_parse(req->buf, req->len, &v, NULL) || aoe_is_response(&v))
		return -ENOENT;
	bcast = is_broadcast(v.dst);
	if ((!bcast && memcmp(v.dst, t->mac, AOE_ETH_ALEN)) ||
	    (v.shelf != t->shelf && v.shelf != AOE_SHELF_BCAST) ||
	    (v.slot != t->slot && v.slot != AOE_SLOT_BCAST))
		return -ENOENT;
	memset(&a, 0, sizeof(a));
	memcpy(a.dst, v.src, AOE_ETH_ALEN);
	memcpy(a.src, t->mac, AOE_ETH_ALEN);
	a.has_vlan = v.has_vlan;
	a.vlan = v.vlan;
	a.shelf = t->shelf;
	a.slot = t->slot;
	a.tag = v.tag;
	a.flags = AOE_FLAG_RSP;
	rsp->ifn = req->ifn;
	switch (v.cmd) {
	case AOE_CMD_CFG:
		return answer_cfg(t, &v, &a, rsp);
	case AOE_CMD_ATA:
		return bcast ? -ENOENT : answer_ata(t, &v, &a, rsp);
	default:
		t->n.other++;
		a.flags |= AOE_FLAG_ERR;
		a.error = AOE_ERR_BADCMD;
		len = aoe_build_ata_hdr(rsp->buf, sizeof(rsp->buf), &a,
					&(struct aoe_ata_args){ 0 }, 0);
		if (len < 0)
			return len;
		rsp->buf[OFF_CMD] = v.cmd;
		rsp->len = (size_t)len;
		return 0;
	}
}

struct sim_target *sim_route(struct sim *s, const struct sim_pkt *p)
{
	for (unsigned int i = 0; i < s->ntargets; i++)
		if ((s->tgt[i].ifmask & 1u << p->ifn) && p->len >= AOE_ETH_ALEN &&
		    !memcmp(p->buf + OFF_DST, s->tgt[i].mac, AOE_ETH_ALEN))
			return &s->tgt[i];
	return NULL;
}

/* --- time ---------------------------------------------------------------------- */

void sim_step(struct sim *s)
{
	engine_step(s->e, s->now);
}

void sim_advance(struct sim *s, uint64_t ns)
{
	s->now += ns;
	sim_step(s);
}

void sim_run_for(struct sim *s, uint64_t ns, uint64_t step_ns)
{
	while (ns) {
		uint64_t d = ns < step_ns ? ns : step_ns;

		sim_advance(s, d);
		ns -= d;
	}
}

/* --- frames ----------------------------------------------------------------------- */

unsigned int sim_nsent(const struct sim *s)
{
	return s->sent.n;
}

struct sim_pkt *sim_sent_at(const struct sim *s, unsigned int i)
{
	return i < s->sent.n ? s->sent.p[i] : NULL;
}

struct sim_pkt *sim_take_sent(struct sim *s)
{
	return s->sent.n ? queue_take(&s->sent, 0) : NULL;
}

void sim_drop_sent(struct sim *s)
{
	queue_clear(&s->sent);
}

void sim_deliver_pieces(struct sim *s, const struct sim_pkt *p, const size_t *len,
			unsigned int n)
{
	struct rx_frame fr = { .nseg = 0 };
	uint8_t *piece[SIM_MAX_SEGS];
	size_t off = 0;

	if (p->ifn >= s->nifaces || p->len > sizeof(p->buf) || !n || n > SIM_MAX_SEGS)
		return;
	/* Each piece in an allocation of its own size: ASan sees any read
	 * past a piece, as it would past a UMEM chunk's frame. */
	for (unsigned int i = 0; i < n; i++) {
		size_t left = p->len - off, k = i + 1 < n && len[i] < left ? len[i] : left;

		piece[i] = malloc(k ? k : 1);
		if (!piece[i])
			goto out;
		memcpy(piece[i], p->buf + off, k);
		fr.seg[i] = piece[i];
		fr.seg_len[i] = (uint32_t)k;
		fr.nseg++;
		off += k;
	}
	fr.len = p->len;
	s->e->now_ns = s->now;	/* as the loop reads the clock before its rings */
	engine_rx_frame(s->e, s->ifc[p->ifn], &fr);
out:
	while (fr.nseg)
		free(piece[--fr.nseg]);
}

void sim_deliver_segs(struct sim *s, const struct sim_pkt *p, size_t seg_max)
{
	size_t len[SIM_MAX_SEGS];
	unsigned int n;

	if (!seg_max)
		seg_max = UMEM_RX_FRAME_MAX;
	n = p->len ? (unsigned int)((p->len + seg_max - 1) / seg_max) : 1;
	if (n > SIM_MAX_SEGS)
		return;	/* the kernel cannot deliver it either */
	for (unsigned int i = 0; i < n; i++)
		len[i] = seg_max;
	sim_deliver_pieces(s, p, len, n);
}

void sim_deliver(struct sim *s, const struct sim_pkt *p)
{
	sim_deliver_segs(s, p, 0);
}

/* Whether the wire loses a frame, at ppm parts per million (splitmix64). */
static bool wire_loses(struct sim *s, uint32_t ppm)
{
	uint64_t z;

	if (!ppm)
		return false;
	z = s->loss_rng += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z % SIM_PPM < ppm;
}

/* Every target that takes req answers it; answers go to wire or are held. */
static void serve_one(struct sim *s, const struct sim_pkt *req, struct sim_queue *wire)
{
	bool taken = false;

	if (wire_swallows(s, req))
		return;
	if (wire_loses(s, s->loss_req_ppm)) {
		s->lost_req++;
		return;
	}
	for (unsigned int i = 0; i < s->ntargets; i++) {
		struct sim_target *t = &s->tgt[i];
		enum sim_verdict v = SIM_ANSWER;
		struct sim_pkt *rsp;

		if (t->silent)
			continue;
		rsp = malloc(sizeof(*rsp));
		if (!rsp)
			return;
		if (sim_target_answer(t, req, rsp)) {
			free(rsp);
			continue;
		}
		taken = true;
		if (t->policy)
			v = t->policy(t, req, rsp, t->policy_ctx);
		if (v == SIM_ANSWER && wire_swallows(s, rsp))
			v = SIM_DROP;
		if (v == SIM_ANSWER && wire_loses(s, s->loss_rsp_ppm)) {
			s->lost_rsp++;
			v = SIM_DROP;
		}
		if (v == SIM_DROP || (v == SIM_ANSWER && queue_push(wire, rsp)) ||
		    (v == SIM_HOLD && queue_push(&s->held, rsp)))
			free(rsp);
	}
	if (!taken)
		s->unrouted++;
}

unsigned int sim_serve_rounds(struct sim *s, unsigned int max_rounds)
{
	struct sim_queue wire = { 0 };
	unsigned int delivered = 0;

	sim_step(s);	/* what answers delivered since the last pass let go */
	for (unsigned int r = 0; r < max_rounds && s->sent.n; r++) {
		while (s->sent.n) {
			struct sim_pkt *req = queue_take(&s->sent, 0);

			serve_one(s, req, &wire);
			free(req);
		}
		s->now += s->latency_ns;
		while (wire.n) {
			struct sim_pkt *p = queue_take(&wire, 0);

			sim_deliver(s, p);
			free(p);
			delivered++;
		}
		sim_step(s);
	}
	queue_free(&wire);
	return delivered;
}

unsigned int sim_serve(struct sim *s)
{
	return sim_serve_rounds(s, SIM_SERVE_MAX_ROUNDS);
}

unsigned int sim_nheld(const struct sim *s)
{
	return s->held.n;
}

struct sim_pkt *sim_held_at(const struct sim *s, unsigned int i)
{
	return i < s->held.n ? s->held.p[i] : NULL;
}

void sim_release(struct sim *s, unsigned int i)
{
	struct sim_pkt *p;

	if (i >= s->held.n)
		return;
	p = queue_take(&s->held, i);
	sim_deliver(s, p);
	free(p);
}

void sim_forget_held(struct sim *s, unsigned int i)
{
	if (i < s->held.n)
		free(queue_take(&s->held, i));
}

void sim_drop_held(struct sim *s)
{
	queue_clear(&s->held);
}

struct aoe_dev *sim_attach(struct sim *s, uint16_t shelf, uint8_t slot)
{
	struct aoe_dev *d;

	engine_discover(s->e);
	sim_serve(s);
	d = engine_find_dev(s->e, shelf, slot);
	return d && aoe_dev_state(d) == DEV_UP ? d : NULL;
}

/* --- frame fields -------------------------------------------------------------------- */

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t sim_pkt_tag(const struct sim_pkt *p)
{
	return p->len >= AOE_FULL_HDR_LEN ? get_be32(p->buf + OFF_TAG) : 0;
}

uint8_t sim_pkt_cmd(const struct sim_pkt *p)
{
	return p->buf[OFF_CMD];
}

int sim_pkt_ata(const struct sim_pkt *p, struct aoe_ata_view *a)
{
	struct aoe_view v;
	int err = aoe_parse(p->buf, p->len, &v, NULL);

	return err ? err : aoe_parse_ata(&v, a, NULL);
}

const uint8_t *sim_pkt_dst(const struct sim_pkt *p)
{
	return p->buf + OFF_DST;
}

void sim_pkt_set_dst(struct sim_pkt *p, const uint8_t mac[AOE_ETH_ALEN])
{
	memcpy(p->buf + OFF_DST, mac, AOE_ETH_ALEN);
}

void sim_pkt_set_src(struct sim_pkt *p, const uint8_t mac[AOE_ETH_ALEN])
{
	memcpy(p->buf + OFF_SRC, mac, AOE_ETH_ALEN);
}

void sim_pkt_set_addr(struct sim_pkt *p, uint16_t shelf, uint8_t slot)
{
	p->buf[OFF_MAJOR] = (uint8_t)(shelf >> 8);
	p->buf[OFF_MAJOR + 1] = (uint8_t)shelf;
	p->buf[OFF_MINOR] = slot;
}

void sim_pkt_set_cmd(struct sim_pkt *p, uint8_t cmd)
{
	p->buf[OFF_CMD] = cmd;
}

void sim_pkt_set_tag(struct sim_pkt *p, uint32_t tag)
{
	p->buf[OFF_TAG] = (uint8_t)(tag >> 24);
	p->buf[OFF_TAG + 1] = (uint8_t)(tag >> 16);
	p->buf[OFF_TAG + 2] = (uint8_t)(tag >> 8);
	p->buf[OFF_TAG + 3] = (uint8_t)tag;
}

void sim_pkt_set_flags(struct sim_pkt *p, uint8_t flags, uint8_t error)
{
	p->buf[OFF_VERFL] = (uint8_t)(AOE_VERSION << AOE_VER_SHIFT | (flags & AOE_FLAGS_MASK));
	p->buf[OFF_ERROR] = error;
}

void sim_pkt_set_status(struct sim_pkt *p, uint8_t status)
{
	p->buf[OFF_ATA_CMDSTAT] = status;
}

void sim_pkt_make_aoe_error(struct sim_pkt *p, uint8_t error)
{
	sim_pkt_set_flags(p, AOE_FLAG_RSP | AOE_FLAG_ERR, error);
	p->len = AOE_ETH_ZLEN;	/* the registers, padded */
}

int sim_pkt_ata_cmd(const struct sim_pkt *p)
{
	struct aoe_ata_view a;

	return sim_pkt_ata(p, &a) ? -1 : a.cmdstat;
}

/* --- requests -------------------------------------------------------------------------- */

static void sim_req_done(struct aoe_req *req, int res)
{
	struct sim_req *r = req->priv;

	if (r->ndone++)
		sim_violation(r->sim, "request %u (op %d, lba %llu) completed twice: %d, then %d",
			      r->id, req->op, (unsigned long long)req->lba, r->res, res);
	r->res = res;
	r->done_ns = r->sim->now;
}

static int track(struct sim *s, struct sim_req *r)
{
	if (s->nreqs == s->req_cap) {
		unsigned int cap = s->req_cap ? 2 * s->req_cap : SIM_QUEUE_MIN;
		struct sim_req **nr = realloc(s->reqs, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		s->reqs = nr;
		s->req_cap = cap;
	}
	r->id = s->nreqs;
	s->reqs[s->nreqs++] = r;
	return 0;
}

struct sim_req *sim_submit(struct sim *s, struct aoe_dev *d, enum aoe_req_op op,
			   uint64_t lba, uint32_t nsect)
{
	size_t bytes = op == AOE_OP_IDENTIFY ? ATA_SECTOR_SIZE : (size_t)nsect * ATA_SECTOR_SIZE;
	struct sim_req *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->buf = malloc(bytes ? bytes : 1);
	if (!r->buf || track(s, r)) {
		free(r->buf);
		free(r);
		return NULL;
	}
	r->sim = s;
	/* Writes carry bytes no other request's do; reads start poisoned. */
	memset(r->buf, 0xee, bytes);
	for (size_t j = 0; op == AOE_OP_WRITE && j < bytes; j += ATA_SECTOR_SIZE)
		sim_pattern((uint64_t)r->id << 32 | j, r->buf + j);
	aoe_req_prep(&r->req, op, lba, nsect, r->buf, sim_req_done, r);
	engine_submit(s->e, d, &r->req);
	return r;
}

void sim_resubmit(struct sim *s, struct aoe_dev *d, struct sim_req *r, uint64_t lba)
{
	size_t bytes = (size_t)r->req.nsect * ATA_SECTOR_SIZE;

	if (!r->ndone)
		sim_violation(s, "request %u submitted again before it was done", r->id);
	r->ndone = 0;
	r->res = 0;
	if (r->req.op == AOE_OP_READ)
		memset(r->buf, 0xee, bytes);
	aoe_req_prep(&r->req, r->req.op, lba, r->req.nsect, r->buf, sim_req_done, r);
	engine_submit(s->e, d, &r->req);
}

/* --- a closed-loop load ------------------------------------------------------------------ */

/* A request of the load is done: counted; a read's data checked against
 * the disk of the first target that serves d (reads only: no write of
 * the load changes what it reads). */
static void load_account(struct sim *s, struct sim_load *l, const struct sim_req *r,
			 bool timed)
{
	uint64_t lat = r->done_ns - r->req.start_ns;
	uint8_t want[ATA_SECTOR_SIZE];

	l->done += timed;
	if (r->res) {
		l->failed++;
		return;
	}
	if (lat > l->lat_max_ns)
		l->lat_max_ns = lat;
	if (lat > l->slow_ns) {
		l->slow++;
		l->slow_ns_sum += lat;
	}
	if (r->req.op != AOE_OP_READ)
		return;
	for (uint32_t i = 0; i < r->req.nsect; i++) {
		sim_target_sector(&s->tgt[0], r->req.lba + i, want);
		if (memcmp(r->buf + (size_t)i * ATA_SECTOR_SIZE, want, sizeof(want))) {
			l->bad_data++;
			return;
		}
	}
}

/* Counts what is done and keeps qd requests out (while submit, the
 * timed part); *out says whether some are still out. */
static int load_top_up(struct sim *s, struct aoe_dev *d, struct sim_load *l, bool submit,
		       bool *out)
{
	*out = false;
	for (unsigned int i = 0; i < l->qd; i++) {
		struct sim_req *r = l->slot[i];
		uint64_t lba = l->next_lba;

		if (r && !r->ndone) {
			*out = true;
			continue;
		}
		if (r && r->ndone == 1 && r->done_ns != UINT64_MAX) {
			load_account(s, l, r, submit);
			r->done_ns = UINT64_MAX;	/* counted */
		}
		if (!submit)
			continue;
		l->next_lba = (l->next_lba + l->nsect) % (l->span - l->span % l->nsect);
		if (!r) {
			r = l->slot[i] = sim_submit(s, d, l->op, lba, l->nsect);
			if (!r)
				return -ENOMEM;
		} else {
			sim_resubmit(s, d, r, lba);
		}
		*out |= !r->ndone;
	}
	return 0;
}

/* One round: what was sent is answered latency_ns later, or time passes. */
static void load_round(struct sim *s, struct sim_load *l, struct aoe_dev *d)
{
	uint32_t maxout;

	if (sim_nsent(s))
		sim_serve_rounds(s, 1);
	else
		sim_advance(s, s->latency_ns);
	if (!d->ntargets)
		return;
	maxout = d->targets[0]->win.maxout;
	l->rounds++;
	l->maxout_sum += maxout;
	if (!l->maxout_min || maxout < l->maxout_min)
		l->maxout_min = maxout;
	if (maxout > l->maxout_max)
		l->maxout_max = maxout;
}

int sim_load_run(struct sim *s, struct aoe_dev *d, struct sim_load *l, uint64_t ns)
{
	uint64_t end = s->now + ns, drain_end;
	bool out;
	int err;

	if (!l->qd || l->span < l->nsect)
		return -EINVAL;
	if (!l->slot) {
		l->slot = calloc(l->qd, sizeof(*l->slot));
		if (!l->slot)
			return -ENOMEM;
	}
	while (s->now < end) {
		err = load_top_up(s, d, l, true, &out);
		if (err)
			return err;
		load_round(s, l, d);
	}
	drain_end = s->now + 2ull * s->e->cfg.dead_timeout_s * NSEC_PER_SEC;
	for (;;) {
		load_top_up(s, d, l, false, &out);
		if (!out || s->now >= drain_end)
			return 0;
		load_round(s, l, d);
	}
}

void sim_load_free(struct sim_load *l)
{
	free(l->slot);
	l->slot = NULL;
}

/* --- invariants ------------------------------------------------------------------------- */

static bool frame_of_table(const struct frame_table *ft, const struct aoe_frame *f)
{
	return f >= ft->f && f < ft->f + ft->n;
}

/* Each target's in-flight list against its window, and the frames on it. */
static uint32_t check_targets(struct sim *s, struct aoe_dev *d)
{
	struct aoe_target *t;
	struct aoe_frame *f;
	uint32_t listed = 0;
	unsigned int i;

	dev_for_each_target(d, i, t) {
		uint32_t n = 0;

		list_for_each_entry(f, &t->inflight, struct aoe_frame, node) {
			if (!frame_of_table(&s->e->ft, f) || !f->tag || f->queued || !f->path ||
			    f->path->t != t)
				sim_violation(s, "%s target %u: a frame in flight is not one",
					      d->name, i);
			n++;
		}
		if (n != t->win.nout)
			sim_violation(s, "%s target %u: window nout %u, %u frames in flight",
				      d->name, i, t->win.nout, n);
		listed += n;
	}
	list_for_each_entry(f, &d->resend, struct aoe_frame, node) {
		if (!frame_of_table(&s->e->ft, f) || !f->tag || !f->queued)
			sim_violation(s, "%s: a frame queued for resend is not one", d->name);
		listed++;
	}
	return listed;
}

/* The device pool's held count against the chunks the sink holds for it. */
static void check_pool(struct sim *s, struct aoe_dev *d)
{
	uint32_t sink = 0, sets = 0;
	struct aoe_target *t;
	unsigned int i;

	for (unsigned int c = 0; c < s->nchunks; c++) {
		const struct umem_area *u = &s->ifc[s->chunks[c].ifn]->umem;
		const struct txpool *home = u->home[umem_chunk_index(s->chunks[c].addr)];

		sink += home && home->dev == &d->pool;
	}
	dev_for_each_target(d, i, t)
		for (unsigned int p = 0; p < t->npaths; p++)
			sets += t->paths[p].tx.held;
	for (unsigned int k = 0; k < POOL_MAX_IFACES; k++)
		sets += d->pool.spare[k].held;
	if (d->pool.held != sink || d->pool.held != sets)
		sim_violation(s, "%s: pool holds %u chunks, the sink %u, its sets %u", d->name,
			      d->pool.held, sink, sets);
	if (d->pool.size > d->pool.cap)
		sim_violation(s, "%s: pool of %u spares past its cap %u", d->name, d->pool.size,
			      d->pool.cap);
}

static bool is_sim_req(const struct aoe_req *req)
{
	return req->done == sim_req_done;
}

static void check_requests(struct sim *s)
{
	const struct frame_table *ft = &s->e->ft;
	uint32_t *frames = calloc(s->nreqs ? s->nreqs : 1, sizeof(*frames));

	if (!frames)
		return;
	for (uint32_t i = 0; i < ft->n; i++) {
		const struct aoe_frame *f = &ft->f[i];

		if (f->tag && f->req && is_sim_req(f->req))
			frames[((struct sim_req *)f->req->priv)->id]++;
	}
	for (unsigned int i = 0; i < s->nreqs; i++) {
		const struct sim_req *r = s->reqs[i];

		if (r->ndone && frames[i])
			sim_violation(s, "request %u is done but %u frames still serve it", i,
				      frames[i]);
		else if (!r->ndone && r->req.inflight != frames[i])
			sim_violation(s, "request %u counts %u frames in flight, the table %u", i,
				      r->req.inflight, frames[i]);
	}
	free(frames);
}

int sim_check(struct sim *s)
{
	const struct frame_table *ft = &s->e->ft;
	uint32_t used = 0, listed = 0;
	struct aoe_dev *d;

	for (uint32_t i = 0; i < ft->n; i++)
		used += ft->f[i].tag != 0;
	if (used != ft->n - ft->nfree)
		sim_violation(s, "%u frames carry a tag, the table has %u in use", used,
			      ft->n - ft->nfree);
	engine_for_each_dev(s->e, d) {
		listed += check_targets(s, d);
		check_pool(s, d);
	}
	if (listed != used)
		sim_violation(s, "%u frames in use, %u in flight or queued", used, listed);
	check_requests(s);
	return s->violations ? -EPROTO : 0;
}

bool sim_all_done_once(const struct sim *s)
{
	for (unsigned int i = 0; i < s->nreqs; i++)
		if (s->reqs[i]->ndone != 1)
			return false;
	return true;
}

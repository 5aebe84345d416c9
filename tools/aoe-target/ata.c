// SPDX-License-Identifier: GPL-2.0
/* ATA commands (AoE command 0): IDENTIFY, READ/WRITE (LBA28 and 48), FLUSH. */
#include <string.h>

#include "target.h"

#define ATA_STATUS_FAILED	(ATA_STATUS_DRDY | ATA_STATUS_DSC | ATA_STATUS_ERR)
/* How the targets that abort FLUSH say so (vblade, Plan 9 vblade). */
#define ATA_STATUS_ABORTED	(ATA_STATUS_DRDY | ATA_STATUS_ERR)

/* One ATA request being answered. */
struct ata_req {
	struct target *t;
	const struct aoe_view *v;
	struct tgt_dev *dev;
	struct aoe_ata_view in;
	struct aoe_addr addr;
	struct aoe_ata_args out;	/* the answer's ATA registers */
	bool status_quirk;		/* out.cmdstat is a quirk's, not an error */
};

/* Sends the answer built in buf (or only the registers when data_len is 0). */
static void ata_send(struct ata_req *r, uint8_t *buf, size_t data_len)
{
	struct target *t = r->t;
	int len = aoe_build_ata_hdr(buf, t->io.frame_cap, &r->addr, &r->out, data_len);

	if (len < 0) {
		t->stats.answers_tx_dropped++;
		return;
	}
	if (r->addr.flags & AOE_FLAG_ERR)
		t->stats.answers_aoe_errors++;
	else if ((r->out.cmdstat & ATA_STATUS_ERR) && !r->status_quirk)
		t->stats.answers_ata_errors++;
	resp_answer(t, buf, (size_t)len, aoe_ata_rsp_len(r->addr.has_vlan, data_len), &r->addr,
		    true);
}

static void ata_reply(struct ata_req *r)
{
	ata_send(r, resp_buf(r->t), 0);
}

/* The command failed: ATA status ERR with ABRT, registers otherwise echoed. */
static void ata_fail(struct ata_req *r)
{
	r->out.cmdstat = ATA_STATUS_FAILED;
	r->out.errfeat = ATA_ERR_ABRT;
	r->out.scnt = r->in.scnt;
	ata_reply(r);
}

/* The request itself is malformed: AoE error, not an ATA one. */
static void aoe_fail(struct ata_req *r, uint8_t error)
{
	r->addr.flags |= AOE_FLAG_ERR;
	r->addr.error = error;
	r->out.cmdstat = r->in.cmdstat;
	r->out.scnt = r->in.scnt;
	ata_reply(r);
}

static bool carries_no_data(const struct ata_req *r)
{
	/* Short frames may arrive padded to the Ethernet minimum. */
	return aoe_len_matches(r->v->hdr_len + AOE_ATA_LEN + r->in.data_len,
			       r->v->hdr_len + AOE_ATA_LEN);
}

static void ata_identify(struct ata_req *r)
{
	uint8_t *buf;

	if (r->in.scnt != 1 || !carries_no_data(r)) {
		aoe_fail(r, AOE_ERR_BADARG);
		return;
	}
	buf = resp_buf(r->t);
	memcpy(buf + aoe_ata_data_offset(r->addr.has_vlan), r->dev->identify, ATA_SECTOR_SIZE);
	ata_send(r, buf, ATA_SECTOR_SIZE);
}

/* FLUSH refused the way vblade and Plan 9's vblade do: nothing flushed. */
static void flush_abort(struct ata_req *r)
{
	r->out.cmdstat = ATA_STATUS_ABORTED;
	r->out.errfeat = ATA_ERR_ABRT;
	r->out.scnt = r->in.scnt;
	ata_reply(r);
}

/* FLUSH done, answered the way the quirk says (the default: status DRDY). */
static void flush_done_answer(struct ata_req *r)
{
	struct target *t = r->t;

	if (quirk_use(t, QUIRK_FLUSH_ECHO)) {
		/* ggaoed never fills the registers in for FLUSH: its answer is
		 * the request's ATA header. */
		r->out.cmdstat = r->in.cmdstat;
		r->out.errfeat = r->in.errfeat;
		r->out.scnt = r->in.scnt;
		r->status_quirk = true;
	} else if (quirk_use(t, QUIRK_FLUSH_STATUS0)) {
		r->out.cmdstat = 0;
		r->out.errfeat = QUIRK_GARBAGE_ERR;
		r->status_quirk = true;
	}
	ata_reply(r);
}

static void ata_flush(struct ata_req *r)
{
	struct target *t = r->t;
	int rc;

	if ((r->in.cmdstat == ATA_CMD_FLUSH_EXT && quirk_use(t, QUIRK_FLUSH_EXT_ABORT)) ||
	    quirk_use(t, QUIRK_FLUSH_ABORT)) {
		flush_abort(r);
		return;
	}
	if (quirk_use(t, QUIRK_FLUSH_BADARG)) {
		aoe_fail(r, AOE_ERR_BADARG);
		return;
	}
	rc = backing_flush(&r->dev->store);
	if (rc < 0) {
		pr_info("e%u.%u: flush failed: %s\n", r->dev->shelf, r->dev->slot,
			strerror(-rc));
		ata_fail(r);
		return;
	}
	t->stats.answers_flushes_synced += (unsigned int)rc;
	flush_done_answer(r);
}

static bool is_write_cmd(uint8_t cmd)
{
	return cmd == ATA_CMD_WRITE || cmd == ATA_CMD_WRITE_EXT;
}

static void count_request(struct tgt_stats *st, uint8_t cmd)
{
	switch (cmd) {
	case ATA_CMD_IDENTIFY:
		st->requests_ata_identify++;
		break;
	case ATA_CMD_READ:
	case ATA_CMD_READ_EXT:
		st->requests_ata_read++;
		break;
	case ATA_CMD_WRITE:
	case ATA_CMD_WRITE_EXT:
		st->requests_ata_write++;
		break;
	case ATA_CMD_FLUSH:
	case ATA_CMD_FLUSH_EXT:
		st->requests_ata_flush++;
		break;
	default:
		st->requests_ata_other++;
		break;
	}
}

/* Checks what READ/WRITE asks for; false after answering it. */
static bool rw_request_ok(struct ata_req *r, bool write, uint64_t lba)
{
	struct target *t = r->t;
	unsigned int scnt = r->in.scnt;

	if (!scnt || scnt > t->scnt ||
	    (write ? r->in.data_len != (size_t)scnt * ATA_SECTOR_SIZE : !carries_no_data(r))) {
		aoe_fail(r, AOE_ERR_BADARG);
		return false;
	}
	if (fault_roll(&t->faults, FAULT_ATA_ERROR, t->faults.cfg.ata_error_ppm)) {
		t->stats.faults_errored++;
		ata_fail(r);
		return false;
	}
	if ((write && t->opt.read_only) || lba + scnt > r->dev->sectors) {
		ata_fail(r);
		return false;
	}
	return true;
}

/* Plan 9's vblade answers a successful READ/WRITE with where the next
 * command would start: the raw 48-bit field plus the count, as it adds. */
static void rw_success_lba(struct ata_req *r)
{
	if (quirk_use(r->t, QUIRK_LBA_ADVANCE))
		r->out.lba = (r->in.lba + r->in.scnt) & AOE_LBA48_MAX;
}

static void ata_read_write(struct ata_req *r)
{
	struct target *t = r->t;
	bool write = is_write_cmd(r->in.cmdstat);
	bool lba28 = r->in.cmdstat == ATA_CMD_READ || r->in.cmdstat == ATA_CMD_WRITE;
	uint64_t lba = lba28 ? aoe_lba28_decode(r->in.lba) : r->in.lba;
	size_t bytes = (size_t)r->in.scnt * ATA_SECTOR_SIZE;
	uint64_t off = lba * ATA_SECTOR_SIZE;
	uint8_t *buf;
	int rc;

	if (!rw_request_ok(r, write, lba))
		return;
	if (write) {
		rc = backing_write(&r->dev->store, r->in.data, off, bytes);
		if (!rc) {
			t->stats.bytes_written += bytes;
			rw_success_lba(r);
			ata_reply(r);
		}
	} else {
		buf = resp_buf(t);
		rc = backing_read(&r->dev->store, buf + aoe_ata_data_offset(r->addr.has_vlan), off, bytes);
		if (!rc) {
			t->stats.bytes_read += bytes;
			rw_success_lba(r);
			ata_send(r, buf, bytes);
		}
	}
	if (rc) {
		pr_info("e%u.%u: %s of %u sectors at %llu failed: %s\n", r->dev->shelf,
			r->dev->slot, write ? "write" : "read", r->in.scnt,
			(unsigned long long)lba, strerror(-rc));
		ata_fail(r);
	}
}

void tgt_handle_ata(struct target *t, const struct aoe_view *v, struct tgt_dev *dev)
{
	struct ata_req r = { .t = t, .v = v, .dev = dev };
	const char *why = NULL;

	if (tgt_rejected(t, aoe_parse_ata(v, &r.in, &why), &why, "ATA request"))
		return;
	if (fault_stall_on_ata(&t->faults)) {
		t->stats.faults_stalled_ignored++;
		return;
	}
	count_request(&t->stats, r.in.cmdstat);
	if (fault_roll(&t->faults, FAULT_DROP, t->faults.cfg.drop_ppm)) {
		t->stats.faults_dropped++;
		return;
	}
	tgt_answer_addr(t, v, dev, &r.addr);
	/* Success registers: all sectors done, status ready, LBA echoed. */
	r.out = (struct aoe_ata_args){
		.aflags = r.in.aflags,
		.cmdstat = ATA_STATUS_DRDY,
		.lba = r.in.lba,
	};
	if (dev->nreserve && r.in.cmdstat != ATA_CMD_IDENTIFY &&
	    !tgt_mac_in(dev->reserve, dev->nreserve, v->src)) {
		aoe_fail(&r, AOE_ERR_RESERVED);
		return;
	}
	/* Where the default's success answers carry 0 (all sectors done). */
	if (r.in.scnt && quirk_use(t, QUIRK_SCNT_ECHO))
		r.out.scnt = r.in.scnt;
	switch (r.in.cmdstat) {
	case ATA_CMD_IDENTIFY:
		ata_identify(&r);
		break;
	case ATA_CMD_READ:
	case ATA_CMD_READ_EXT:
	case ATA_CMD_WRITE:
	case ATA_CMD_WRITE_EXT:
		ata_read_write(&r);
		break;
	case ATA_CMD_FLUSH:
	case ATA_CMD_FLUSH_EXT:
		ata_flush(&r);
		break;
	default:
		ata_fail(&r);
		break;
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * engine_admin() (config, MAC mask list, reserve/release, IDENTIFY round
 * trips) and engine_forget_dev() on simulated interfaces: one copy per
 * target (per path for IDENTIFY), tags in the admin range that never
 * repeat, answers taken only from the right target, shelf.slot, interface
 * and command with a sane length, timeouts, AoE errors, late answers, and
 * forgetting only an idle device.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_priv.h"

#define NIF		2
#define MAXPKT		64
#define PKT_LEN		2200
#define MS		NSEC_PER_MSEC

struct pkt {
	unsigned int ifn;
	size_t len;
	uint8_t buf[PKT_LEN];
};

static struct aoe_engine *eng;
static struct aoe_iface *ifs[NIF];
static struct pkt sent[MAXPKT];
static unsigned int nsent;
static uint64_t now;
static const uint8_t tmac[2][AOE_ETH_ALEN] = { { 2, 0, 0, 0, 1, 1 }, { 2, 0, 0, 0, 1, 2 } };

/* The sink: a copy of every frame, its chunks back at once. */
static int sink_tx(void *ctx, struct aoe_iface *ifc, const uint64_t *addr, const uint32_t *len,
		   unsigned int n)
{
	struct pkt *p = &sent[nsent % MAXPKT];

	(void)ctx;
	cr_assert_eq(n, 1, "admin frames fit one chunk");
	p->ifn = ifc->slot;
	p->len = len[0];
	memcpy(p->buf, umem_ptr(&ifc->umem, addr[0]), len[0]);
	nsent++;
	frame_pool_complete(&ifc->umem, addr[0]);
	return 0;
}

static void step(uint64_t ns)
{
	now += ns;
	engine_step(eng, now);
}

static void setup(void)
{
	struct engine_config cfg;
	struct iface_sink sink = { .tx = sink_tx };

	engine_config_defaults(&cfg);
	cfg.rediscover_s = 0;
	cr_assert_eq(engine_create(&cfg, NULL, &eng), 0);
	for (unsigned int i = 0; i < NIF; i++) {
		uint8_t mac[AOE_ETH_ALEN] = { 2, 0, 0, 0, 0, (uint8_t)(i + 1) };
		char name[8];

		snprintf(name, sizeof(name), "s%u", i);
		ifs[i] = calloc(1, sizeof(*ifs[i]));
		cr_assert_eq(iface_open_sim(ifs[i], name, i, mac, 1500, 256, &sink), 0);
		cr_assert_eq(engine_add_opened_iface(eng, ifs[i]), 0);
	}
	nsent = 0;
	now = 1000 * NSEC_PER_SEC;
	engine_step(eng, now);
}

static void teardown(void)
{
	engine_destroy(eng);
}

TestSuite(admin, .init = setup, .fini = teardown);

/* Device e1.1 with ntargets targets; target i on the interfaces in
 * masks[i] (bit per interface). */
static struct aoe_dev *make_dev(unsigned int ntargets, const unsigned int *masks)
{
	struct aoe_dev *d = dev_create(eng, 1, 1);

	cr_assert_not_null(d);
	for (unsigned int i = 0; i < ntargets; i++) {
		struct aoe_target *t = target_create(d, tmac[i], 16);

		cr_assert_not_null(t);
		for (unsigned int k = 0; k < NIF; k++) {
			struct aoe_path *p;

			if (masks[i] & (1u << k))
				cr_assert_eq(target_add_path(t, ifs[k], false, 0, &p), 0);
		}
	}
	return d;
}

static struct aoe_dev *one_target(void)
{
	static const unsigned int m[] = { 1 };

	return make_dev(1, m);
}

/* done() records what it saw: how often, and a copy of the replies. */
static unsigned int ndone;
static struct aoe_admin_reply got[8];
static unsigned int ngot;

static void on_done(struct aoe_admin *a)
{
	ndone++;
	ngot = a->nreplies < 8 ? a->nreplies : 8;
	memcpy(got, a->replies, ngot * sizeof(*got));
}

static void submit(struct aoe_dev *d, struct aoe_admin *a)
{
	a->timeout_ms = a->timeout_ms ? a->timeout_ms : 500;
	a->done = on_done;
	ndone = 0;
	ngot = 0;
	cr_assert_eq(engine_admin(eng, d, a), 0);
	step(0);	/* the pass that sends the copies */
}

/* --- answers, built as a target would ------------------------------------------- */

static struct aoe_addr answer_addr(const struct pkt *req, const uint8_t src[AOE_ETH_ALEN])
{
	struct aoe_view v;
	struct aoe_addr a = { .flags = AOE_FLAG_RSP };

	cr_assert_eq(aoe_parse(req->buf, req->len, &v, NULL), 0);
	memcpy(a.dst, v.src, AOE_ETH_ALEN);
	memcpy(a.src, src ? src : v.dst, AOE_ETH_ALEN);
	a.shelf = v.shelf;
	a.slot = v.slot;
	a.tag = v.tag;
	return a;
}

static void deliver(unsigned int ifn, const uint8_t *buf, size_t len)
{
	struct rx_frame fr = { .nseg = 1, .len = len };

	fr.seg[0] = buf;
	fr.seg_len[0] = (uint32_t)len;
	engine_rx_frame(eng, ifs[ifn], &fr);
	step(0);
}

static void answer_config(const struct pkt *req, const struct aoe_addr *a, const char *str,
			  unsigned int ifn)
{
	uint8_t buf[PKT_LEN];
	struct aoe_cfg_args c = { .bufcnt = 16, .fwver = 0x4019, .cfgstr = str,
				  .cslen = (uint16_t)strlen(str) };
	int len = aoe_build_cfg(buf, sizeof(buf), a, &c);

	(void)req;
	cr_assert_gt(len, 0);
	deliver(ifn, buf, (size_t)len);
}

static void answer_identify(const struct pkt *req, uint8_t status, size_t data_len)
{
	struct aoe_addr a = answer_addr(req, NULL);
	struct aoe_ata_args ata = { .cmdstat = status };
	uint8_t buf[PKT_LEN], data[ATA_SECTOR_SIZE] = { 0 };
	int len = aoe_build_ata(buf, sizeof(buf), &a, &ata, data, data_len);

	cr_assert_gt(len, 0);
	deliver(req->ifn, buf, (size_t)len);
}

static uint32_t pkt_tag(const struct pkt *p)
{
	struct aoe_view v;

	cr_assert_eq(aoe_parse(p->buf, p->len, &v, NULL), 0);
	return v.tag;
}

/* --- tests ------------------------------------------------------------------------ */

Test(admin, config_read_goes_to_each_target_once_and_gathers_their_answers)
{
	static const unsigned int m[] = { 3, 1 };	/* target 0 on both interfaces */
	struct aoe_dev *d = make_dev(2, m);
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .ccmd = AOE_CCMD_READ };
	struct aoe_addr r0, r1;

	submit(d, &a);
	cr_assert_eq(nsent, 2, "one query per target, not per path");
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t tag = pkt_tag(&sent[i]);

		cr_assert(tag & AOE_TAG_USER_BIT);
		cr_assert_geq(tag_index(tag), ADMIN_IDX_BASE, "an admin tag, above every frame's");
		cr_assert_lt(tag_index(tag), TAG_DISCOVER_IDX);
	}
	cr_assert_neq(pkt_tag(&sent[0]), pkt_tag(&sent[1]));
	r0 = answer_addr(&sent[0], tmac[0]);
	r1 = answer_addr(&sent[1], tmac[1]);
	step(3 * MS);
	answer_config(&sent[0], &r0, "zero", sent[0].ifn);
	cr_assert_eq(ndone, 0, "one target has not answered yet");
	answer_config(&sent[1], &r1, "one", sent[1].ifn);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(ngot, 2);
	cr_assert_eq(got[0].res, 0);
	cr_assert_eq(got[1].res, 0);
	cr_assert_eq(memcmp(got[0].mac, tmac[0], 6), 0);
	cr_assert_eq(got[0].cfg.cslen, 4);
	cr_assert_eq(memcmp(got[0].cfg.str, "zero", 4), 0);
	cr_assert_eq(got[1].cfg.bufcnt, 16);
	cr_assert_eq(got[0].rtt_ns, 3 * MS, "timed from the send to the answer");
	cr_assert_str_eq(d->config, "one", "the device shows the config string last heard");
}

Test(admin, answers_from_the_wrong_mac_address_interface_or_command_are_refused)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .ccmd = AOE_CCMD_READ };
	const uint8_t stranger[AOE_ETH_ALEN] = { 2, 9, 9, 9, 9, 9 };
	struct aoe_addr r;
	uint8_t buf[PKT_LEN];
	int len;

	submit(d, &a);
	cr_assert_eq(nsent, 1);
	r = answer_addr(&sent[0], stranger);
	answer_config(&sent[0], &r, "x", 0);
	cr_assert_eq(engine_rx_stats(eng)->bad_src, 1);
	r = answer_addr(&sent[0], tmac[0]);
	r.slot = 2;
	answer_config(&sent[0], &r, "x", 0);
	cr_assert_eq(engine_rx_stats(eng)->bad_addr, 1);
	r.slot = 1;
	memcpy(r.dst, ifs[1]->mac, AOE_ETH_ALEN);
	answer_config(&sent[0], &r, "x", 1);
	cr_assert_eq(engine_rx_stats(eng)->wrong_iface, 1, "asked on s0, answered on s1");
	memcpy(r.dst, ifs[0]->mac, AOE_ETH_ALEN);
	len = aoe_build_reserve(buf, sizeof(buf), &r, AOE_RCMD_READ, NULL, 0);
	deliver(0, buf, (size_t)len);
	cr_assert_eq(engine_rx_stats(eng)->bad_cmd, 1, "a reserve answer to a config query");
	/* A config string that runs past the frame. */
	len = aoe_build_cfg(buf, sizeof(buf), &r, &(struct aoe_cfg_args){ .cslen = 0 });
	buf[AOE_FULL_HDR_LEN + offsetof(struct aoe_cfg, cslen) + 1] = 200;
	deliver(0, buf, (size_t)len);
	cr_assert_eq(engine_rx_stats(eng)->bad_len, 1);
	cr_assert_eq(ndone, 0, "none of those is an answer");
	answer_config(&sent[0], &r, "right", 0);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, 0);
	cr_assert_eq(got[0].cfg.cslen, 5);
}

Test(admin, silence_times_out_and_a_late_answer_is_only_counted)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .ccmd = AOE_CCMD_TEST, .timeout_ms = 200,
			       .cfgstr = (const uint8_t *)"abc", .cslen = 3 };
	struct pkt old;
	struct aoe_addr r;
	uint64_t late;

	submit(d, &a);
	old = sent[0];
	step(199 * MS);
	cr_assert_eq(ndone, 0);
	step(1 * MS);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, -ETIMEDOUT);
	late = engine_rx_stats(eng)->late;
	r = answer_addr(&old, tmac[0]);
	answer_config(&old, &r, "abc", 0);
	cr_assert_eq(engine_rx_stats(eng)->late, late + 1);
	cr_assert_eq(ndone, 1, "done() once only");
}

Test(admin, an_aoe_error_answer_is_the_reply)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .ccmd = AOE_CCMD_SET,
			       .cfgstr = (const uint8_t *)"new", .cslen = 3 };
	struct aoe_addr r;

	submit(d, &a);
	r = answer_addr(&sent[0], tmac[0]);
	r.flags |= AOE_FLAG_ERR;
	r.error = AOE_ERR_CFG_SET;
	answer_config(&sent[0], &r, "old", 0);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, -EREMOTEIO);
	cr_assert_eq(got[0].aoe_error, AOE_ERR_CFG_SET);
	cr_assert_str_neq(d->config, "old", "an error answer says nothing of the string");
}

Test(admin, the_set_request_carries_the_string)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .ccmd = AOE_CCMD_FSET,
			       .cfgstr = (const uint8_t *)"host-a", .cslen = 6 };
	struct aoe_view v;
	struct aoe_cfg_view c;

	submit(d, &a);
	cr_assert_eq(aoe_parse(sent[0].buf, sent[0].len, &v, NULL), 0);
	cr_assert_eq(aoe_parse_cfg(&v, &c, NULL), 0);
	cr_assert_eq(c.ccmd, AOE_CCMD_FSET);
	cr_assert_eq(c.cslen, 6);
	cr_assert_eq(memcmp(c.cfgstr, "host-a", 6), 0);
	cr_assert_eq(memcmp(v.dst, tmac[0], 6), 0, "unicast to the target");
	cr_assert(!aoe_is_response(&v));
}

Test(admin, identify_goes_on_every_path_and_times_each)
{
	static const unsigned int m[] = { 3 };
	struct aoe_dev *d = make_dev(1, m);
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_IDENTIFY };

	submit(d, &a);
	cr_assert_eq(nsent, 2, "one IDENTIFY per path");
	cr_assert_neq(sent[0].ifn, sent[1].ifn);
	step(2 * MS);
	answer_identify(&sent[1], ATA_STATUS_DRDY, ATA_SECTOR_SIZE);
	step(5 * MS);
	answer_identify(&sent[0], ATA_STATUS_DRDY, 100);
	cr_assert_eq(engine_rx_stats(eng)->bad_len, 1, "an IDENTIFY answer without its sector");
	answer_identify(&sent[0], ATA_STATUS_DRDY, ATA_SECTOR_SIZE);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, 0);
	cr_assert_eq(got[1].res, 0);
	cr_assert_eq(got[0].rtt_ns, 7 * MS);
	cr_assert_eq(got[1].rtt_ns, 2 * MS);
	cr_assert_str_eq(got[0].iface, ifs[sent[0].ifn]->name);
}

Test(admin, an_ata_error_to_identify_is_an_eio_reply)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_IDENTIFY };

	submit(d, &a);
	answer_identify(&sent[0], ATA_STATUS_DRDY | ATA_STATUS_ERR, 0);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, -EIO);
	cr_assert_eq(got[0].ata_status, ATA_STATUS_DRDY | ATA_STATUS_ERR);
}

Test(admin, mask_and_reserve_lists_come_back)
{
	struct aoe_dev *d = one_target();
	struct aoe_mask_dir dirs[2] = { { .dcmd = AOE_DCMD_ADD, .mac = { 2, 1, 1, 1, 1, 1 } },
					{ .dcmd = AOE_DCMD_ADD, .mac = { 2, 2, 2, 2, 2, 2 } } };
	const uint8_t macs[1][AOE_ETH_ALEN] = { { 2, 3, 3, 3, 3, 3 } };
	static struct aoe_admin m;
	m = (struct aoe_admin){ .op = AOE_ADMIN_MASK, .mcmd = AOE_MCMD_EDIT, .dirs = dirs,
			       .ndirs = 2 };
	static struct aoe_admin rv;
	rv = (struct aoe_admin){ .op = AOE_ADMIN_RESERVE, .rcmd = AOE_RCMD_SET, .macs = macs,
				.nmacs = 1 };
	struct aoe_addr r;
	uint8_t buf[PKT_LEN];
	int len;

	submit(d, &m);
	r = answer_addr(&sent[0], tmac[0]);
	len = aoe_build_mask(buf, sizeof(buf), &r, AOE_MCMD_EDIT, 0, dirs, 2);
	deliver(0, buf, (size_t)len);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, 0);
	cr_assert_eq(got[0].mask.dircount, 2);
	cr_assert_eq(memcmp(got[0].mask.dirs[1].mac, dirs[1].mac, 6), 0);

	submit(d, &rv);
	r = answer_addr(&sent[1], tmac[0]);
	len = aoe_build_reserve(buf, sizeof(buf), &r, AOE_RCMD_SET, macs, 1);
	deliver(0, buf, (size_t)len);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].resv.nmacs, 1);
	cr_assert_eq(memcmp(got[0].resv.macs[0], macs[0], 6), 0);
}

Test(admin, a_list_longer_than_the_mtu_carries_is_not_sent)
{
	struct aoe_dev *d = one_target();
	static struct aoe_mask_dir dirs[AOE_ADMIN_LIST_MAX];
	static struct aoe_admin m;
	m = (struct aoe_admin){ .op = AOE_ADMIN_MASK, .mcmd = AOE_MCMD_EDIT, .dirs = dirs,
			       .ndirs = AOE_ADMIN_LIST_MAX };

	submit(d, &m);
	cr_assert_eq(nsent, 0);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, -EMSGSIZE);
}

Test(admin, no_target_no_request)
{
	struct aoe_dev *d = dev_create(eng, 3, 3);
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG };

	cr_assert_eq(engine_admin(eng, d, &a), -ENODEV);
}

/* Tags stay unique over many requests, and an answer to an old one never
 * completes the request that now has its slot. */
Test(admin, tags_do_not_repeat_and_old_answers_do_not_complete_new_requests)
{
	enum { N = 3000 };
	struct aoe_dev *d = one_target();
	static uint32_t tags[N];
	struct pkt first;
	struct aoe_addr r;

	for (unsigned int i = 0; i < N; i++) {
		static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG, .timeout_ms = 1 };

		submit(d, &a);
		tags[i] = pkt_tag(&sent[(nsent - 1) % MAXPKT]);
		if (!i)
			first = sent[0];
		step(1 * MS);
		cr_assert_eq(ndone, 1);
	}
	for (unsigned int i = 0; i < N; i++)
		for (unsigned int k = i + 1; k < N; k++)
			cr_assert_neq(tags[i], tags[k], "tag %#x used twice (%u, %u)", tags[i], i, k);
	{
		static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_CONFIG };

		submit(d, &a);
		r = answer_addr(&first, tmac[0]);
		answer_config(&first, &r, "old", 0);
		cr_assert_eq(ndone, 0, "an answer to the first request's tag");
		step(500 * MS);
		cr_assert_eq(ndone, 1);
	}
}

Test(admin, stopping_fails_what_is_out)
{
	struct aoe_dev *d = one_target();
	static struct aoe_admin a;
	a = (struct aoe_admin){ .op = AOE_ADMIN_IDENTIFY };

	submit(d, &a);
	engine_fail_all_io(eng);
	cr_assert_eq(ndone, 1);
	cr_assert_eq(got[0].res, -ESHUTDOWN);
}

/* --- forgetting ---------------------------------------------------------------- */

static int read_res;
static unsigned int read_done;

static void on_read(struct aoe_req *req, int res)
{
	(void)req;
	read_res = res;
	read_done++;
}

Test(admin, only_an_idle_device_is_forgotten)
{
	struct aoe_dev *d = one_target();
	struct aoe_req req;
	static uint8_t buf[ATA_SECTOR_SIZE];

	/* Up, with a disk, its target's identity accepted. */
	d->state = DEV_UP;
	d->identified = true;
	d->id.sectors = 1000;
	d->id.lba48 = true;
	d->targets[0]->idstate = TID_OK;
	aoe_req_prep(&req, AOE_OP_READ, 0, 1, buf, on_read, NULL);
	read_done = 0;
	engine_submit(eng, d, &req);
	cr_assert(aoe_dev_busy(d));
	cr_assert_eq(engine_forget_dev(eng, d), -EBUSY);
	cr_assert_eq(engine_find_dev(eng, 1, 1), d, "still there");
	d->state = DEV_DOWN;
	aoe_io_fail_all(d, -EIO);
	cr_assert_eq(read_done, 1);
	cr_assert_not(aoe_dev_busy(d));
	cr_assert_eq(engine_forget_dev(eng, d), 0);
	cr_assert_null(engine_find_dev(eng, 1, 1));
	cr_assert_null(engine_first_dev(eng));
}

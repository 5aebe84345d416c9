// SPDX-License-Identifier: GPL-2.0
/* What every export shares: how a request reaches the engine. */
#include <errno.h>

#include "export.h"

void export_submit(struct export_ctx *ctx, struct aoe_dev *d, struct aoe_req *req,
		   uint64_t arrive_ns, enum aoe_req_op op, uint64_t lba, uint32_t nsect, uint8_t *buf,
		   void (*done)(struct aoe_req *, int), void *priv)
{
	aoe_req_prep(req, op, lba, nsect, buf, done, priv);
	req->arrive_ns = arrive_ns;
	if (ctx->stopping) {
		done(req, -EIO);
		return;
	}
	engine_submit(ctx->eng, d, req);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * aoe-xdp config, mask, reserve and ping: the daemon asks the targets and
 * answers when they have, or when each had its --timeout-ms (ping: once per
 * round). Nothing to do here but wait for it long enough.
 */
#include "commands.h"
#include "daemon/commands.h"

#define ADMIN_REPLY_MARGIN_S 10

static int admin_wait_s(unsigned int timeout_ms, unsigned int rounds)
{
	return (int)((uint64_t)timeout_ms * rounds / 1000) + ADMIN_REPLY_MARGIN_S;
}

static int config_run(const struct cmd_args *a)
{
	const struct config_opts *o = a->opts;

	return cmd_call_daemon(a, admin_wait_s(o->timeout_ms, 1));
}

static int mask_run(const struct cmd_args *a)
{
	const struct mask_opts *o = a->opts;

	return cmd_call_daemon(a, admin_wait_s(o->timeout_ms, 1));
}

static int reserve_run(const struct cmd_args *a)
{
	const struct reserve_opts *o = a->opts;

	return cmd_call_daemon(a, admin_wait_s(o->timeout_ms, 1));
}

static int ping_run(const struct cmd_args *a)
{
	const struct ping_opts *o = a->opts;

	return cmd_call_daemon(a, admin_wait_s(o->timeout_ms, o->count));
}

const struct command cmd_config = { .cmd = &config_cmd, .run = config_run };
const struct command cmd_mask = { .cmd = &mask_cmd, .run = mask_run };
const struct command cmd_reserve = { .cmd = &reserve_cmd, .run = reserve_run };
const struct command cmd_ping = { .cmd = &ping_cmd, .run = ping_run };

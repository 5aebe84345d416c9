// SPDX-License-Identifier: GPL-2.0
/* An answer made in memory, then sent: what most commands reply. */
#include <stdlib.h>

#include "reply.h"

void reply_rendered(struct ctl_conn *c, reply_render_fn render, void *ctx)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int status;

	if (!f) {
		ctl_replyf(c, 1, "out of memory\n");
		return;
	}
	status = render(f, ctx);
	fclose(f);
	ctl_reply(c, status, text, len);
	free(text);
}

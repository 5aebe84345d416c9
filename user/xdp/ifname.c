// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "aoe_xdp_shared.h"
#include "ifname.h"
#include "lib/log.h"

/* The characters a pin folder's name writes as an escape (see ifname.h). */
static const struct pin_escape {
	char c;
	const char *text;
} pin_escapes[] = {
	{ '.', "%2e" },	/* bpffs refuses dots */
	{ '%', "%25" },	/* the escape character itself, so decoding is exact */
};

#define PIN_ESCAPE_LEN	3
#define N_ESCAPES	(sizeof(pin_escapes) / sizeof(pin_escapes[0]))

int ifname_check(const char *ifname)
{
	size_t len = strlen(ifname);
	bool space = false;

	for (size_t i = 0; i < len; i++)
		space |= isspace((unsigned char)ifname[i]) != 0;
	/* dev_valid_name(): what the kernel accepts can go into a path. */
	if (!len || len >= IF_NAMESIZE || strchr(ifname, '/') || strchr(ifname, ':') || space ||
	    !strcmp(ifname, ".") || !strcmp(ifname, "..")) {
		pr_err("'%s' is not a valid interface name; list interfaces with: ip link\n",
		       ifname);
		return -EINVAL;
	}
	return 0;
}

static const char *escape_of(char c)
{
	for (size_t i = 0; i < N_ESCAPES; i++)
		if (pin_escapes[i].c == c)
			return pin_escapes[i].text;
	return NULL;
}

int ifname_to_pin(char *out, size_t size, const char *ifname)
{
	size_t off = 0;

	for (const char *p = ifname; *p; p++) {
		const char *esc = escape_of(*p);
		size_t n = esc ? PIN_ESCAPE_LEN : 1;

		if (off + n >= size)
			return -ENAMETOOLONG;
		memcpy(out + off, esc ? esc : p, n);
		off += n;
	}
	if (off >= size)
		return -ENAMETOOLONG;
	out[off] = '\0';
	return 0;
}

/* The character an escape at p stands for, or 0 when p holds none. */
static char unescape_at(const char *p)
{
	for (size_t i = 0; i < N_ESCAPES; i++)
		if (!strncmp(p, pin_escapes[i].text, PIN_ESCAPE_LEN))
			return pin_escapes[i].c;
	return 0;
}

int ifname_from_pin(char *out, size_t size, const char *pin)
{
	size_t off = 0;

	while (*pin) {
		char c = *pin;

		if (c == '.')
			return -EINVAL;	/* never in a pin name */
		if (c == '%') {
			c = unescape_at(pin);
			if (!c)
				return -EINVAL;
			pin += PIN_ESCAPE_LEN;
		} else {
			pin++;
		}
		if (off + 1 >= size)
			return -ENAMETOOLONG;
		out[off++] = c;
	}
	if (!size)
		return -ENAMETOOLONG;
	out[off] = '\0';
	return 0;
}

int ifname_pin_dir(char *out, size_t size, const char *ifname)
{
	char pin[IFNAME_PIN_MAX];
	int n, err = ifname_to_pin(pin, sizeof(pin), ifname);

	if (err)
		return err;
	n = snprintf(out, size, "%s/%s", AOE_XDP_PIN_ROOT, pin);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

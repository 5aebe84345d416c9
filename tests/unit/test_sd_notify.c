// SPDX-License-Identifier: GPL-2.0
/*
 * sd_notify_send(): the datagram systemd's sd_notify(3) sends, to a socket
 * named by $NOTIFY_SOCKET as a path or an abstract name ('@'); nothing and
 * no error without $NOTIFY_SOCKET; an error when nobody listens.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/sd_notify.h"

/* A datagram socket bound to name (a path, or '@' for abstract). */
static int listener(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));

	cr_assert_geq(fd, 0);
	memcpy(sa.sun_path, name, strlen(name));
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, len), 0, "bind %s: %s", name,
		     strerror(errno));
	return fd;
}

static void expect_datagram(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	cr_assert_gt(n, 0, "no datagram arrived");
	buf[n] = '\0';
	cr_assert_str_eq(buf, want);
}

Test(sd_notify, to_a_path)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/aoe-xdp-notify-%d", getpid());
	unlink(path);
	fd = listener(path);
	setenv(SD_NOTIFY_ENV, path, 1);
	cr_assert_eq(sd_notify_send("READY=1\nSTATUS=2 devices: 2 up"), 0);
	expect_datagram(fd, "READY=1\nSTATUS=2 devices: 2 up");
	close(fd);
	unlink(path);
}

Test(sd_notify, to_an_abstract_name)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "@aoe-xdp-notify-%d", getpid());
	fd = listener(name);
	setenv(SD_NOTIFY_ENV, name, 1);
	cr_assert_eq(sd_notify_send("STOPPING=1"), 0);
	expect_datagram(fd, "STOPPING=1");
	close(fd);
}

Test(sd_notify, without_a_socket_nothing_is_sent)
{
	unsetenv(SD_NOTIFY_ENV);
	cr_assert_eq(sd_notify_send("READY=1"), 0);
}

Test(sd_notify, errors)
{
	setenv(SD_NOTIFY_ENV, "relative/path", 1);
	cr_assert_eq(sd_notify_send("READY=1"), -EINVAL);
	setenv(SD_NOTIFY_ENV, "/nonexistent/aoe-xdp/notify", 1);
	cr_assert_eq(sd_notify_send("READY=1"), -ENOENT);
}

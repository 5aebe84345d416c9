// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sd_notify.h"

/* The address $NOTIFY_SOCKET names; its length, or -errno. */
static int notify_addr(const char *name, struct sockaddr_un *sa)
{
	size_t n = strlen(name);

	if ((name[0] != '/' && name[0] != '@') || n < 2 || n >= sizeof(sa->sun_path))
		return -EINVAL;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, n);
	if (name[0] == '@')
		sa->sun_path[0] = '\0';	/* abstract: no trailing NUL counts */
	else
		n++;
	return (int)(offsetof(struct sockaddr_un, sun_path) + n);
}

int sd_notify_send(const char *state)
{
	const char *name = getenv(SD_NOTIFY_ENV);
	struct sockaddr_un sa;
	int fd, len, err = 0;

	if (!name || !*name)
		return 0;
	len = notify_addr(name, &sa);
	if (len < 0)
		return len;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)len) < 0)
		err = -errno;
	close(fd);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* Files other programs poll (pid file, stats): never seen half written. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "target.h"

int tgt_write_file_atomic(const char *path, void (*fill)(FILE *out, const void *arg),
			  const void *arg)
{
	char tmp[4096];
	FILE *f;
	int err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fill(f, arg);
	if (fflush(f) || ferror(f))
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

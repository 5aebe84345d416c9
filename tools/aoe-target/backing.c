// SPDX-License-Identifier: GPL-2.0
/* Backing stores: files and block devices through pread/pwrite, or RAM. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aoe_wire.h"
#include "backing.h"

int parse_size(const char *s, uint64_t *bytes)
{
	static const char suffixes[] = "KMGT";
	unsigned long long v;
	const char *p;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return errno == ERANGE ? -ERANGE : -EINVAL;
	if (*end) {
		p = strchr(suffixes, end[0] & ~0x20);	/* upper case */
		if (!p || !*p || (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
			return -EINVAL;
		for (long i = 0; i <= p - suffixes; i++) {
			if (v > UINT64_MAX / 1024)
				return -ERANGE;
			v *= 1024;
		}
	}
	*bytes = v;
	return 0;
}

static int open_ram(struct backing *b, const char *size, char *err, size_t errlen)
{
	uint64_t bytes;
	int rc = parse_size(size, &bytes);

	if (rc || !bytes) {
		snprintf(err, errlen, "'%s%s' is not a size: use e.g. ram:64M (K, M, G, T)",
			 BACKING_RAM_PREFIX, size);
		return rc ? rc : -EINVAL;
	}
	if (bytes % ATA_SECTOR_SIZE) {
		snprintf(err, errlen, "ram size %llu is not a multiple of %d bytes",
			 (unsigned long long)bytes, ATA_SECTOR_SIZE);
		return -EINVAL;
	}
	/* NORESERVE: pages appear on first write, so ram:1T works for
	 * tests that touch a few sectors. */
	b->ram = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->ram == MAP_FAILED) {
		b->ram = NULL;
		snprintf(err, errlen, "cannot map %llu bytes of RAM: %s",
			 (unsigned long long)bytes, strerror(errno));
		return -ENOMEM;
	}
	b->bytes = bytes;
	return 0;
}

static int file_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	*bytes = (uint64_t)st.st_size;
	return 0;
}

static int open_file(struct backing *b, const char *path, bool read_only, char *err,
		     size_t errlen)
{
	int rc;

	b->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot open '%s': %s (give an existing file or block device%s, or ram:SIZE)",
			 path, strerror(-rc), read_only ? "" : " writable by us");
		return rc;
	}
	rc = file_size(b->fd, &b->bytes);
	if (rc) {
		snprintf(err, errlen, "cannot size '%s': %s (it must be a regular file or a block device)",
			 path, rc == -EINVAL ? "not a file" : strerror(-rc));
		return rc;
	}
	if (!b->bytes || b->bytes % ATA_SECTOR_SIZE) {
		snprintf(err, errlen, "size of '%s' is %llu bytes, not a non-zero multiple of %d: resize it (truncate -s)",
			 path, (unsigned long long)b->bytes, ATA_SECTOR_SIZE);
		return -EINVAL;
	}
	return 0;
}

int backing_open(struct backing *b, const char *spec, bool read_only, char *err,
		 size_t errlen)
{
	size_t plen = strlen(BACKING_RAM_PREFIX);
	int rc;

	b->fd = -1;
	b->ram = NULL;
	b->bytes = 0;
	if (!strncmp(spec, BACKING_RAM_PREFIX, plen))
		rc = open_ram(b, spec + plen, err, errlen);
	else
		rc = open_file(b, spec, read_only, err, errlen);
	if (rc)
		backing_close(b);
	return rc;
}

void backing_close(struct backing *b)
{
	if (b->ram)
		munmap(b->ram, b->bytes);
	if (b->fd >= 0)
		close(b->fd);
	b->ram = NULL;
	b->fd = -1;
}

/* pread/pwrite all of len bytes: both may stop short, and a read that
 * gets nothing means the file shrank under us. */
static int file_io(int fd, uint8_t *p, size_t len, uint64_t off, bool write)
{
	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

int backing_read(struct backing *b, void *dst, uint64_t off, size_t len)
{
	if (b->ram) {
		memcpy(dst, b->ram + off, len);
		return 0;
	}
	return file_io(b->fd, dst, len, off, false);
}

int backing_write(struct backing *b, const void *src, uint64_t off, size_t len)
{
	if (b->ram) {
		memcpy(b->ram + off, src, len);
		return 0;
	}
	/* file_io() does not write through p when write is true. */
	return file_io(b->fd, (uint8_t *)src, len, off, true);
}

int backing_flush(struct backing *b)
{
	if (b->ram)
		return 0;
	return fdatasync(b->fd) ? -errno : 1;
}

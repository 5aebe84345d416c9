/* SPDX-License-Identifier: GPL-2.0 */
/* Where a shelf.slot keeps its sectors: a file/block device, or RAM. */
#ifndef AOE_TARGET_BACKING_H
#define AOE_TARGET_BACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BACKING_RAM_PREFIX	"ram:"

struct backing {
	int fd;			/* -1 for RAM */
	uint8_t *ram;		/* NULL for files */
	uint64_t bytes;
};

/*
 * spec is a path or "ram:SIZE" (K/M/G/T suffixes, powers of two). Returns
 * 0 or -errno with a message for the user in err.
 */
int backing_open(struct backing *b, const char *spec, bool read_only, char *err,
		 size_t errlen);
void backing_close(struct backing *b);

int backing_read(struct backing *b, void *dst, uint64_t off, size_t len);
int backing_write(struct backing *b, const void *src, uint64_t off, size_t len);
/* fdatasync() for files; nothing to do for RAM. 1 when it synced, 0 when
 * there was nothing to sync, or -errno. */
int backing_flush(struct backing *b);

/* "64M" -> bytes. -EINVAL when it is not a size, -ERANGE when too large. */
int parse_size(const char *s, uint64_t *bytes);

#endif /* AOE_TARGET_BACKING_H */

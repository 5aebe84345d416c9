// SPDX-License-Identifier: GPL-2.0
/*
 * ATA IDENTIFY DEVICE data. Word numbers and bits follow the IDENTIFY DEVICE
 * table of ATA/ATAPI-7 vol. 1 (T13/1532D) and ATA8-ACS (T13/1699-D); words
 * are little-endian, and the data comes from the network, so every string
 * is sanitised and every capacity capped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ata_identify.h"

#define ATA_ID_BYTES		(ATA_ID_WORDS * 2)

/* Word numbers. */
enum {
	ID_SERIAL = 10,		/* 10-19, 20 ASCII characters */
	ID_FIRMWARE = 23,	/* 23-26, 8 characters */
	ID_MODEL = 27,		/* 27-46, 40 characters */
	ID_CAPABILITIES = 49,
	ID_LBA28_SECTORS = 60,	/* 60-61, LE32: total user addressable sectors */
	ID_CMDSET_SUPP = 83,	/* command sets supported (second word) */
	ID_CMDSET_SUPP_EXT = 84,
	ID_CMDSET_ENABLED = 86,	/* mirror of word 83: enabled */
	ID_CMDSET_DEFAULT = 87,	/* validity signature for words 85-87 */
	ID_LBA48_SECTORS = 100,	/* 100-103, LE64: max LBA48 address + 1 */
};

/*
 * Word 83 bits (word 86 mirrors them as "enabled"). Note: word 82 bit 12 is
 * WRITE BUFFER and word 82 bit 5 the write cache; the FLUSH CACHE bits are
 * here in word 83:
 */
#define ID_FLUSH		(1u << 12)	/* mandatory FLUSH CACHE supported */
#define ID_FLUSH_EXT		(1u << 13)	/* FLUSH CACHE EXT supported */
#define ID_LBA48		(1u << 10)	/* 48-bit Address feature set */

/* Words 83, 84 and 87 hold valid data only when bits 15:14 read 01. */
#define ID_VALID_MASK		0xc000u
#define ID_VALID		0x4000u

#define ID_CAP_LBA		(1u << 9)	/* word 49: LBA supported */

#define ID_LBA28_LIMIT		(1ull << 28)	/* sectors LBA28 can address */
#define ID_LBA28_FIELD_MAX	0x0fffffffull	/* largest value for words 60-61 */
#define ID_LBA48_LIMIT		(1ull << 48)

static uint16_t get_word(const uint8_t *id, unsigned int word)
{
	return (uint16_t)(id[2 * word] | id[2 * word + 1] << 8);
}

static void put_word(uint8_t *id, unsigned int word, uint16_t v)
{
	id[2 * word] = v & 0xff;
	id[2 * word + 1] = v >> 8;
}

/* count consecutive words, least significant first */
static uint64_t get_words(const uint8_t *id, unsigned int word, unsigned int count)
{
	uint64_t v = 0;

	while (count--)
		v = v << 16 | get_word(id, word + count);
	return v;
}

static void put_words(uint8_t *id, unsigned int word, unsigned int count, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < count; i++, v >>= 16)
		put_word(id, word + i, v & 0xffff);
}

static uint16_t get_valid_word(const uint8_t *id, unsigned int word,
			       unsigned int signature_word)
{
	if ((get_word(id, signature_word) & ID_VALID_MASK) != ID_VALID)
		return 0;
	return get_word(id, word);
}

/* ATA strings hold two characters per word, the first in the high byte:
 * character i sits at byte i ^ 1 of the field. */
static void get_string(const uint8_t *id, unsigned int word, size_t len, char *out)
{
	const uint8_t *field = id + 2 * word;
	size_t i, end = len;

	for (i = 0; i < len; i++)
		out[i] = (char)field[i ^ 1];
	while (end && (out[end - 1] == ' ' || out[end - 1] == '\0'))
		end--;
	for (i = 0; i < end; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < ' ' || c > '~')
			out[i] = '?';
	}
	out[end] = '\0';
}

static void put_string(uint8_t *id, unsigned int word, size_t len, const char *s)
{
	uint8_t *field = id + 2 * word;
	size_t n = s ? strnlen(s, len) : 0, i;

	for (i = 0; i < len; i++)
		field[i ^ 1] = i < n ? (uint8_t)s[i] : ' ';
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int ata_identity_parse(const void *data, size_t len, struct ata_identity *id)
{
	const uint8_t *p = data;
	uint16_t features;
	uint64_t lba48_sectors;

	memset(id, 0, sizeof(*id));
	if (len < ATA_ID_BYTES)
		return -EBADMSG;
	features = get_valid_word(p, ID_CMDSET_SUPP, ID_CMDSET_SUPP) |
		   get_valid_word(p, ID_CMDSET_ENABLED, ID_CMDSET_DEFAULT);
	id->flush = features & ID_FLUSH;
	id->flush_ext = features & ID_FLUSH_EXT;

	/* The LBA48 bit counts without the validity signature, as the kernel
	 * driver and 9front read it: qaoed sets it in words 83 and 86 with
	 * bit 14 clear, and would otherwise be cut to LBA28's 128 GiB. Like
	 * libata, a device claiming LBA48 with an empty words 100-103 is
	 * addressed with LBA28 and its words 60-61. */
	lba48_sectors = get_words(p, ID_LBA48_SECTORS, 4);
	id->lba48 = ((get_word(p, ID_CMDSET_SUPP) | get_word(p, ID_CMDSET_ENABLED)) & ID_LBA48) &&
		    lba48_sectors;
	if (id->lba48)
		id->sectors = min_u64(lba48_sectors, ID_LBA48_LIMIT);
	else
		id->sectors = min_u64(get_words(p, ID_LBA28_SECTORS, 2), ID_LBA28_LIMIT);

	get_string(p, ID_MODEL, ATA_ID_MODEL_LEN, id->model);
	get_string(p, ID_SERIAL, ATA_ID_SERIAL_LEN, id->serial);
	get_string(p, ID_FIRMWARE, ATA_ID_FW_LEN, id->firmware);
	return id->sectors ? 0 : -EINVAL;
}

void ata_identity_build(uint8_t out[512], uint64_t sectors, const char *model,
			const char *serial, const char *firmware)
{
	ata_identity_build_flags(out, sectors, model, serial, firmware, 0);
}

void ata_identity_build_flags(uint8_t out[512], uint64_t sectors, const char *model,
			      const char *serial, const char *firmware, unsigned int flags)
{
	uint16_t features = ID_FLUSH_EXT | ID_FLUSH | ID_LBA48;

	if (flags & ATA_ID_BUILD_NO_FLUSH_EXT)
		features &= (uint16_t)~ID_FLUSH_EXT;
	if (flags & ATA_ID_BUILD_NO_FLUSH)
		features &= (uint16_t)~ID_FLUSH;

	memset(out, 0, ATA_ID_BYTES);
	put_string(out, ID_SERIAL, ATA_ID_SERIAL_LEN, serial);
	put_string(out, ID_FIRMWARE, ATA_ID_FW_LEN, firmware);
	put_string(out, ID_MODEL, ATA_ID_MODEL_LEN, model);
	put_word(out, ID_CAPABILITIES, ID_CAP_LBA);
	put_words(out, ID_LBA28_SECTORS, 2, min_u64(sectors, ID_LBA28_FIELD_MAX));
	put_word(out, ID_CMDSET_SUPP, ID_VALID | features);
	put_word(out, ID_CMDSET_SUPP_EXT, ID_VALID);
	put_word(out, ID_CMDSET_ENABLED, features);
	put_word(out, ID_CMDSET_DEFAULT, ID_VALID);
	put_words(out, ID_LBA48_SECTORS, 4, sectors);
}

struct diff_out {
	char *buf;
	size_t len, off;
	int n;
};

static void diff_add(struct diff_out *o, const char *fmt, ...)
{
	va_list ap;
	int w;

	o->n++;
	if (!o->buf || o->off >= o->len)
		return;
	if (o->n > 1)
		o->off += (size_t)snprintf(o->buf + o->off, o->len - o->off, ", ");
	if (o->off >= o->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->off += (size_t)w;
}

static void diff_str(struct diff_out *o, const char *what, const char *a, const char *b)
{
	if (strcmp(a, b))
		diff_add(o, "%s '%s' -> '%s'", what, a, b);
}

static const char *flush_name(const struct ata_identity *id)
{
	if (id->flush_ext)
		return id->flush ? "flush+ext" : "ext";
	return id->flush ? "flush" : "none";
}

int ata_identity_diff(const struct ata_identity *a, const struct ata_identity *b, char *out,
		      size_t len)
{
	struct diff_out o = { .buf = out, .len = len };

	if (out && len)
		out[0] = '\0';
	diff_str(&o, "serial", a->serial, b->serial);
	diff_str(&o, "model", a->model, b->model);
	diff_str(&o, "firmware", a->firmware, b->firmware);
	if (a->sectors != b->sectors)
		diff_add(&o, "sectors %llu -> %llu", (unsigned long long)a->sectors,
			 (unsigned long long)b->sectors);
	if (a->lba48 != b->lba48)
		diff_add(&o, "lba48 %s -> %s", a->lba48 ? "yes" : "no", b->lba48 ? "yes" : "no");
	if (a->flush != b->flush || a->flush_ext != b->flush_ext)
		diff_add(&o, "flush %s -> %s", flush_name(a), flush_name(b));
	return o.n;
}

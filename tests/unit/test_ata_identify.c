// SPDX-License-Identifier: GPL-2.0
/*
 * ATA IDENTIFY tests: data built by ata_identity_build parses back, and
 * hand-set words (real targets, hostile ones) parse to what the ATA spec
 * says. Cases hold no pointers (Criterion runs each in its own process).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "proto/ata_identify.h"

#define ID_BYTES	512
#define MAX_WORDS	10
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define RAW(s)		s, sizeof(s) - 1

static uint16_t word_at(const uint8_t *id, unsigned int w)
{
	return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8);
}

static void set_word(uint8_t *id, unsigned int w, uint16_t v)
{
	id[2 * w] = v & 0xff;
	id[2 * w + 1] = v >> 8;
}

/* Parses a heap copy of exactly len bytes, so over-reads trip ASan. */
static int parse_exact(const uint8_t *data, size_t len, struct ata_identity *id)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	cr_assert_not_null(copy);
	memcpy(copy, data, len);
	rc = ata_identity_parse(copy, len, id);
	free(copy);
	return rc;
}

/* --- build -> parse ------------------------------------------------------ */

struct build_case {
	char name[48];
	uint64_t sectors;
	char model[64], serial[64], firmware[64];
	bool null_strings;
	char want_model[41], want_serial[21], want_firmware[9];
};

static struct build_case build_cases[] = {
	{ "small disk", 2048, "aoe-target", "S1", "1.0", false,
	  "aoe-target", "S1", "1.0" },
	{ "LBA28 field full", 0x0fffffff, "m", "s", "f", false, "m", "s", "f" },
	{ "just past LBA28", 0x10000000, "m", "s", "f", false, "m", "s", "f" },
	{ "1 PiB", 1ULL << 41, "m", "s", "f", false, "m", "s", "f" },
	{ "LBA48 max", (1ULL << 48) - 1, "m", "s", "f", false, "m", "s", "f" },
	{ "strings of exact field length", 1,
	  "0123456789012345678901234567890123456789", "ABCDEFGHIJKLMNOPQRST", "FW-12345",
	  false,
	  "0123456789012345678901234567890123456789", "ABCDEFGHIJKLMNOPQRST", "FW-12345" },
	{ "strings cut at field length", 1,
	  "0123456789012345678901234567890123456789XYZ", "ABCDEFGHIJKLMNOPQRSTUVW",
	  "FW-123456789", false,
	  "0123456789012345678901234567890123456789", "ABCDEFGHIJKLMNOPQRST", "FW-12345" },
	{ "odd lengths and inner spaces", 1, "a b c", " lead", "x y", false,
	  "a b c", " lead", "x y" },
	{ "empty strings", 1, "", "", "", false, "", "", "" },
	{ "NULL strings", 1, "", "", "", true, "", "", "" },
};

ParameterizedTestParameters(identify, build)
{
	return cr_make_param_array(struct build_case, build_cases, ARRAY_SIZE(build_cases));
}

ParameterizedTest(struct build_case *c, identify, build)
{
	uint8_t data[ID_BYTES];
	struct ata_identity id;
	uint64_t lba28 = c->sectors < 0x0fffffff ? c->sectors : 0x0fffffff;

	memset(data, 0xa5, sizeof(data));
	if (c->null_strings)
		ata_identity_build(data, c->sectors, NULL, NULL, NULL);
	else
		ata_identity_build(data, c->sectors, c->model, c->serial, c->firmware);
	cr_assert_eq(parse_exact(data, sizeof(data), &id), 0, "%s", c->name);
	cr_expect_eq(id.sectors, c->sectors, "%s: sectors %llu", c->name,
		     (unsigned long long)id.sectors);
	cr_expect(id.lba48, "%s: lba48", c->name);
	cr_expect(id.flush, "%s: flush", c->name);
	cr_expect(id.flush_ext, "%s: flush_ext", c->name);
	cr_expect_str_eq(id.model, c->want_model, "%s: model", c->name);
	cr_expect_str_eq(id.serial, c->want_serial, "%s: serial", c->name);
	cr_expect_str_eq(id.firmware, c->want_firmware, "%s: firmware", c->name);
	cr_expect_eq(word_at(data, 60) | (uint64_t)word_at(data, 61) << 16, lba28,
		     "%s: words 60-61", c->name);
	cr_expect_eq(word_at(data, 49) & (1u << 9), 1u << 9, "%s: LBA supported", c->name);
}

/* --- build with features left out ------------------------------------- */

struct flags_case {
	char name[48];
	unsigned int flags;
	uint16_t w83, w86;	/* what the words must hold */
	bool flush, flush_ext;
};

static struct flags_case flags_cases[] = {
	{ "none left out", 0, 0x7400, 0x3400, true, true },
	/* what vblade 25 and kvblade announce */
	{ "no FLUSH CACHE EXT", ATA_ID_BUILD_NO_FLUSH_EXT, 0x5400, 0x1400, true, false },
	{ "no FLUSH CACHE", ATA_ID_BUILD_NO_FLUSH, 0x6400, 0x2400, false, true },
	{ "no flush at all", ATA_ID_BUILD_NO_FLUSH | ATA_ID_BUILD_NO_FLUSH_EXT, 0x4400, 0x0400,
	  false, false },
};

ParameterizedTestParameters(identify, build_flags)
{
	return cr_make_param_array(struct flags_case, flags_cases, ARRAY_SIZE(flags_cases));
}

/* Only words 83 and 86 change, and flags 0 is ata_identity_build(). */
ParameterizedTest(struct flags_case *c, identify, build_flags)
{
	uint8_t data[ID_BYTES], plain[ID_BYTES];
	struct ata_identity id;

	ata_identity_build(plain, 1ULL << 30, "model", "serial", "fw");
	ata_identity_build_flags(data, 1ULL << 30, "model", "serial", "fw", c->flags);
	cr_expect_eq(word_at(data, 83), c->w83, "%s: word 83 %#06x", c->name, word_at(data, 83));
	cr_expect_eq(word_at(data, 86), c->w86, "%s: word 86 %#06x", c->name, word_at(data, 86));
	set_word(data, 83, word_at(plain, 83));
	set_word(data, 86, word_at(plain, 86));
	cr_expect_arr_eq(data, plain, sizeof(data), "%s: other words differ", c->name);
	ata_identity_build_flags(data, 1ULL << 30, "model", "serial", "fw", c->flags);
	cr_assert_eq(parse_exact(data, sizeof(data), &id), 0, "%s", c->name);
	cr_expect_eq(id.flush, c->flush, "%s: flush", c->name);
	cr_expect_eq(id.flush_ext, c->flush_ext, "%s: flush_ext", c->name);
	cr_expect(id.lba48, "%s: lba48", c->name);
	cr_expect_eq(id.sectors, 1ULL << 30, "%s: sectors", c->name);
}

/* --- hand-set words ------------------------------------------------------ */

struct word_set {
	uint16_t word, val;
};

struct words_case {
	char name[64];
	struct word_set words[MAX_WORDS];	/* {0, 0} ends the list */
	int want_rc;
	uint64_t sectors;
	bool lba48, flush, flush_ext;
};

/* capacity 0x00200000 sectors (1 GiB) in both capacity fields */
#define CAP_BOTH	{ 60, 0 }, { 61, 0x20 }, { 100, 0 }, { 101, 0x20 }
#define GIB		0x200000

static struct words_case words_cases[] = {
	{ "vblade 25", { { 83, 0x5400 }, { 84, 0x4000 }, { 86, 0x1400 }, { 87, 0x4000 },
	  CAP_BOTH }, 0, GIB, true, true, false },
	{ "LBA28 only", { { 83, 0x4000 }, { 60, 0x5678 }, { 61, 0x0012 } },
	  0, 0x125678, false, false, false },
	{ "LBA28 capacity capped at 2^28", { { 60, 0xffff }, { 61, 0xffff } },
	  0, 1ULL << 28, false, false, false },
	{ "LBA48 bit, empty words 100-103", { { 83, 0x4400 }, { 60, 0x1000 } },
	  0, 0x1000, false, false, false },
	{ "LBA48 enabled in word 86 only", { { 86, 0x0400 }, { 87, 0x4000 }, CAP_BOTH },
	  0, GIB, true, false, false },
	/* Without the signature, flush bits do not count, but the LBA48 bit
	 * does (qaoed, and the kernel driver reads it that way). */
	{ "word 86 without word 87 signature", { { 86, 0x3400 }, { 60, 8 }, { 100, 9 } },
	  0, 9, true, false, false },
	{ "word 83 all ones (bad signature)", { { 83, 0xffff }, { 60, 8 }, { 100, 9 } },
	  0, 9, true, false, false },
	{ "word 83 signature 00", { { 83, 0x3400 }, { 60, 8 }, { 100, 9 } },
	  0, 9, true, false, false },
	{ "word 83 signature 10", { { 83, 0xb400 }, { 60, 8 }, { 100, 9 } },
	  0, 9, true, false, false },
	{ "bad signature, no LBA48 bit", { { 83, 0x3000 }, { 60, 8 }, { 100, 9 } },
	  0, 8, false, false, false },
	{ "qaoed: LBA48 in 83 and 86, bit 14 clear, no 87",
	  { { 83, 0x0400 }, { 86, 0x0400 }, CAP_BOTH }, 0, GIB, true, false, false },
	{ "FLUSH CACHE only", { { 83, 0x5000 }, { 60, 8 } }, 0, 8, false, true, false },
	{ "FLUSH CACHE EXT only", { { 83, 0x6400 }, CAP_BOTH }, 0, GIB, true, false, true },
	{ "word 82/85 bit 12 is WRITE BUFFER, not flush",
	  { { 82, 0x1020 }, { 85, 0x1020 }, { 87, 0x4000 }, { 60, 8 } },
	  0, 8, false, false, false },
	{ "LBA48 capacity capped at 2^48",
	  { { 83, 0x4400 }, { 100, 0xffff }, { 101, 0xffff }, { 102, 0xffff }, { 103, 0xffff } },
	  0, 1ULL << 48, true, false, false },
	{ "LBA48 uses all four words",
	  { { 83, 0x4400 }, { 100, 0x0001 }, { 101, 0x0002 }, { 102, 0x0003 }, { 103, 0 } },
	  0, 0x000300020001ULL, true, false, false },
	{ "no capacity", { { 83, 0x7400 }, { 86, 0x3400 }, { 87, 0x4000 } },
	  -EINVAL, 0, false, true, true },
	{ "all zeros", { { 0, 0 } }, -EINVAL, 0, false, false, false },
};

ParameterizedTestParameters(identify, words)
{
	return cr_make_param_array(struct words_case, words_cases, ARRAY_SIZE(words_cases));
}

ParameterizedTest(struct words_case *c, identify, words)
{
	uint8_t data[ID_BYTES] = { 0 };
	struct ata_identity id;
	const struct word_set *w;
	int rc;

	for (w = c->words; w < c->words + MAX_WORDS && (w->word || w->val); w++)
		set_word(data, w->word, w->val);
	rc = parse_exact(data, sizeof(data), &id);
	cr_expect_eq(rc, c->want_rc, "%s: rc %d", c->name, rc);
	cr_expect_eq(id.sectors, c->sectors, "%s: sectors %#llx", c->name,
		     (unsigned long long)id.sectors);
	cr_expect_eq(id.lba48, c->lba48, "%s: lba48", c->name);
	cr_expect_eq(id.flush, c->flush, "%s: flush", c->name);
	cr_expect_eq(id.flush_ext, c->flush_ext, "%s: flush_ext", c->name);
}

Test(identify, short_buffers)
{
	static const size_t lens[] = { 0, 1, 200, 511 };
	uint8_t data[ID_BYTES];
	struct ata_identity id;
	size_t i;

	ata_identity_build(data, 100, "m", "s", "f");
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		cr_expect_eq(parse_exact(data, lens[i], &id), -EBADMSG, "len %zu", lens[i]);
}

Test(identify, longer_buffer_reads_first_512)
{
	uint8_t data[2 * ID_BYTES];
	struct ata_identity id;

	memset(data, 0xff, sizeof(data));
	ata_identity_build(data, 4096, "m", "s", "f");
	cr_assert_eq(parse_exact(data, sizeof(data), &id), 0);
	cr_expect_eq(id.sectors, 4096);
}

/* --- strings from the wire ----------------------------------------------- */

enum id_field { F_SERIAL, F_FIRMWARE, F_MODEL };

struct string_case {
	char name[48];
	enum id_field field;
	uint8_t raw[40];	/* characters in reading order, before the swap */
	size_t raw_len;
	uint8_t fill;		/* the rest of the field */
	char want[41];
};

static struct string_case string_cases[] = {
	{ "plain model", F_MODEL, RAW("Coraid EtherDrive vblade"), ' ',
	  "Coraid EtherDrive vblade" },
	{ "odd length model", F_MODEL, RAW("ABC"), ' ', "ABC" },
	{ "trailing NULs", F_SERIAL, RAW("SN123"), '\0', "SN123" },
	{ "leading spaces kept", F_SERIAL, RAW("   SN9"), ' ', "   SN9" },
	{ "control bytes", F_MODEL, RAW("a\x01" "b\x1f" "c\x7f" "d"), ' ', "a?b?c?d" },
	{ "high bytes", F_FIRMWARE, RAW("\x80\xff" "v1\xc3\xa9"), ' ', "??v1??" },
	{ "inner NUL", F_FIRMWARE, RAW("ab\0cd"), ' ', "ab?cd" },
	{ "all 0xff", F_MODEL, RAW(""), 0xff, "????????????????????????????????????????" },
	{ "all spaces", F_SERIAL, RAW(""), ' ', "" },
	{ "full firmware", F_FIRMWARE, RAW("12345678"), ' ', "12345678" },
	{ "serial of 20 with trailing tab", F_SERIAL, RAW("0123456789012345678\t"), ' ',
	  "0123456789012345678?" },
};

ParameterizedTestParameters(identify, strings)
{
	return cr_make_param_array(struct string_case, string_cases, ARRAY_SIZE(string_cases));
}

ParameterizedTest(struct string_case *c, identify, strings)
{
	static const struct { unsigned int word, len; } fields[] = {
		[F_SERIAL] = { 10, ATA_ID_SERIAL_LEN },
		[F_FIRMWARE] = { 23, ATA_ID_FW_LEN },
		[F_MODEL] = { 27, ATA_ID_MODEL_LEN },
	};
	uint8_t data[ID_BYTES];
	struct ata_identity id;
	const char *got[] = { [F_SERIAL] = id.serial, [F_FIRMWARE] = id.firmware,
			      [F_MODEL] = id.model };
	uint8_t *field;
	size_t i;

	ata_identity_build(data, 1, "model", "serial", "fw");
	field = data + 2 * fields[c->field].word;
	for (i = 0; i < fields[c->field].len; i++)
		field[i ^ 1] = i < c->raw_len ? c->raw[i] : c->fill;
	cr_assert_eq(parse_exact(data, sizeof(data), &id), 0, "%s", c->name);
	cr_expect_str_eq(got[c->field], c->want, "%s", c->name);
}

Test(identify, strings_survive_no_capacity)
{
	uint8_t data[ID_BYTES];
	struct ata_identity id;

	ata_identity_build(data, 0, "still named", "S", "F");
	set_word(data, 60, 0);
	cr_expect_eq(parse_exact(data, sizeof(data), &id), -EINVAL);
	cr_expect_str_eq(id.model, "still named");
}

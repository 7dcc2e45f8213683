/* Strict UTF-8 (RFC 3629 / Unicode table 3-7) and a small display-width table.
 *
 * The width table is deliberately small: it covers the scripts a Chinese CRM shows
 * (CJK ideographs, kana, hangul, full-width forms) and the common combining marks. It is
 * not a full wcwidth(), but unlike wcwidth() it does not depend on the C locale. */
#include "kiscrm/text.h"
#include "utf8.h"
#include "error.h"

#include <limits.h>

int kc_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	if (!s || len == 0)
		return -1;
	const unsigned char *u = (const unsigned char *)s;
	unsigned char b0 = u[0];
	uint32_t c;
	int n;
	/* Allowed range of the second byte: narrowing it for E0, ED, F0 and F4 is what
	 * rules out overlong forms, surrogates and code points above U+10FFFF. */
	unsigned char lo = 0x80, hi = 0xBF;

	if (b0 < 0x80) {
		*cp = b0;
		return 1;
	} else if (b0 >= 0xC2 && b0 <= 0xDF) {
		n = 2;
		c = b0 & 0x1Fu;
	} else if (b0 >= 0xE0 && b0 <= 0xEF) {
		n = 3;
		c = b0 & 0x0Fu;
		if (b0 == 0xE0)
			lo = 0xA0;
		else if (b0 == 0xED)
			hi = 0x9F;
	} else if (b0 >= 0xF0 && b0 <= 0xF4) {
		n = 4;
		c = b0 & 0x07u;
		if (b0 == 0xF0)
			lo = 0x90;
		else if (b0 == 0xF4)
			hi = 0x8F;
	} else {
		return -1; /* continuation byte, C0/C1 overlong lead, or F5..FF */
	}
	if (len < (size_t)n)
		return -1;
	if (u[1] < lo || u[1] > hi)
		return -1;
	for (int i = 1; i < n; i++) {
		if ((u[i] & 0xC0u) != 0x80u)
			return -1;
		c = (c << 6) | (u[i] & 0x3Fu);
	}
	*cp = c;
	return n;
}

struct range {
	uint32_t first, last;
};

static const struct range wide[] = {
	{ 0x1100, 0x115F },   /* Hangul Jamo initial consonants */
	{ 0x2E80, 0x303E },   /* CJK radicals, Kangxi, ideographic punctuation and space */
	{ 0x3041, 0x33FF },   /* kana, Bopomofo, Hangul compatibility, CJK compatibility */
	{ 0x3400, 0x4DBF },   /* CJK extension A */
	{ 0x4E00, 0x9FFF },   /* CJK unified ideographs */
	{ 0xA000, 0xA4CF },   /* Yi */
	{ 0xAC00, 0xD7A3 },   /* Hangul syllables */
	{ 0xF900, 0xFAFF },   /* CJK compatibility ideographs */
	{ 0xFE30, 0xFE4F },   /* CJK compatibility forms */
	{ 0xFF00, 0xFF60 },   /* full-width ASCII and punctuation */
	{ 0xFFE0, 0xFFE6 },   /* full-width signs (￥ …) */
	{ 0x20000, 0x3FFFD }, /* CJK extensions B.. (planes 2 and 3) */
};

static const struct range zero[] = {
	{ 0x0300, 0x036F }, /* combining diacritical marks */
	{ 0x200B, 0x200F }, /* zero-width space, joiners, direction marks */
	{ 0xFE00, 0xFE0F }, /* variation selectors */
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (cp >= r[i].first && cp <= r[i].last)
			return 1;
	return 0;
}

int kc_codepoint_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1; /* fast path for ASCII and Latin-1 */
	if (in_ranges(cp, zero, sizeof(zero) / sizeof(zero[0])))
		return 0;
	if (in_ranges(cp, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

/* An embedded NUL counts as invalid: library text ends up in C strings, where it would
 * silently truncate the value. bad_offset is the start of the ill-formed sequence. */
int kiscrm_utf8_validate(const char *s, size_t len, size_t *bad_offset)
{
	if (!s) {
		if (bad_offset)
			*bad_offset = 0;
		return kc_error_set(KISCRM_EINVALID, "utf8 validate: NULL text");
	}
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		int n = kc_utf8_decode(s + i, len - i, &cp);
		if (n < 0 || cp == 0) {
			if (bad_offset)
				*bad_offset = i;
			return kc_error_set(KISCRM_EINVALID,
					    "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i,
					    (unsigned)(unsigned char)s[i]);
		}
		i += (size_t)n;
	}
	return KISCRM_OK;
}

int kiscrm_utf8_width(const char *s)
{
	if (!s)
		return kc_error_set(KISCRM_EINVALID, "utf8 width: NULL text");
	/* The NUL terminator stops decoding (it is never part of a sequence: every
	 * continuation byte is >= 0x80), so strlen is not needed up front. */
	size_t i = 0;
	long long width = 0;
	while (s[i]) {
		uint32_t cp;
		/* 4 is enough lookahead: a NUL inside it fails the continuation check. */
		int n = kc_utf8_decode(s + i, 4, &cp);
		if (n < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "invalid UTF-8 at byte offset %zu (byte 0x%02X)", i,
					    (unsigned)(unsigned char)s[i]);
		width += kc_codepoint_width(cp);
		if (width > INT_MAX)
			return kc_error_set(KISCRM_EOVERFLOW, "utf8 width: text wider than %d",
					    INT_MAX);
		i += (size_t)n;
	}
	return (int)width;
}

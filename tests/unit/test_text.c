/* UTF-8 validation, decoding and display width. Byte sequences are spelled as escapes
 * (with the character in a comment) so the test does not depend on source encoding. */
#include "helpers.h"
#include "core/utf8.h"

#include <string.h>

static void check_valid(const char *s, size_t len)
{
	size_t off = 12345;
	if (kiscrm_utf8_validate(s, len, &off) != KISCRM_OK)
		fail_msg("valid text rejected: %s", kiscrm_error_last()->message);
	assert_int_equal(off, 12345); /* untouched on success */
}

static void check_invalid(const char *s, size_t len, size_t want_off)
{
	size_t off = 12345;
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_validate(s, len, &off));
	assert_int_equal(off, want_off);
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_validate(s, len, NULL));
}

#define V(lit) check_valid(lit, sizeof(lit) - 1)
#define BAD(lit, off) check_invalid(lit, sizeof(lit) - 1, off)

static void test_validate_ok(void **state)
{
	(void)state;
	V("");
	V("hello, world");
	V("\xE5\xAE\xA2\xE6\x88\xB7"); /* 客户 */
	V("\xC2\x80");                 /* U+0080, smallest 2-byte */
	V("\xDF\xBF");                 /* U+07FF */
	V("\xE0\xA0\x80");             /* U+0800, smallest 3-byte */
	V("\xED\x9F\xBF");             /* U+D7FF, just below the surrogates */
	V("\xEE\x80\x80");             /* U+E000, just above them */
	V("\xEF\xBF\xBF");             /* U+FFFF */
	V("\xF0\x90\x80\x80");         /* U+10000, smallest 4-byte */
	V("\xF0\xA0\x80\x80");         /* U+20000 */
	V("\xF4\x8F\xBF\xBF");         /* U+10FFFF, the largest code point */
	/* Only len bytes are looked at. */
	check_valid("ab\xFF", 2);
	check_valid("\xE5\xAE\xA2\xE6", 3);
	check_valid("x", 0);
}

static void test_validate_bad(void **state)
{
	(void)state;
	BAD("\x80", 0);                    /* lone continuation byte */
	BAD("a\x80", 1);
	BAD("\xC0\xAF", 0);                /* overlong '/' */
	BAD("\xC1\xBF", 0);                /* overlong */
	BAD("\xE0\x80\xAF", 0);            /* overlong 3-byte */
	BAD("\xE0\x9F\xBF", 0);            /* overlong U+07FF */
	BAD("\xF0\x8F\xBF\xBF", 0);        /* overlong U+FFFF */
	BAD("\xED\xA0\x80", 0);            /* U+D800 surrogate */
	BAD("ok\xED\xBF\xBF", 2);          /* U+DFFF surrogate */
	BAD("\xF4\x90\x80\x80", 0);        /* U+110000 */
	BAD("\xF5\x80\x80\x80", 0);
	BAD("\xFE", 0);
	BAD("\xFF", 0);
	BAD("ab\xE5\xAE", 2);              /* truncated 客 */
	BAD("\xE5\x41\xA2", 0);            /* bad second byte */
	BAD("\xE5\xAE\x41", 0);            /* bad third byte */
	BAD("\xE5\xAE\xA2\xC3", 3);        /* truncated at the end after a good char */
	BAD("a\0b", 1);                    /* embedded NUL */
	check_invalid("\xE5\xAE\xA2", 2, 0); /* len cuts the sequence */

	size_t off = 7;
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_validate("x\xC3(", 3, &off));
	assert_int_equal(off, 1);
	assert_msg_has("offset 1");
	assert_msg_has("0xC3");
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_validate(NULL, 3, &off));
	assert_int_equal(off, 0);
}

static void test_decode(void **state)
{
	(void)state;
	uint32_t cp = 0;
	assert_int_equal(kc_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(kc_utf8_decode("\xC3\xA9", 2, &cp), 2); /* é */
	assert_int_equal(cp, 0xE9);
	/* 客 = E5 AE A2 = 0101 101110 100010 = 0x5BA2 */
	assert_int_equal(kc_utf8_decode("\xE5\xAE\xA2", 3, &cp), 3);
	assert_int_equal(cp, 0x5BA2);
	/* F0 A0 80 80 = 000 100000 000000 000000 = 0x20000 */
	assert_int_equal(kc_utf8_decode("\xF0\xA0\x80\x80" "rest", 8, &cp), 4);
	assert_int_equal(cp, 0x20000);
	assert_int_equal(kc_utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4);
	assert_int_equal(cp, 0x10FFFF);
	assert_int_equal(kc_utf8_decode("", 1, &cp), 1); /* NUL is a code point here */
	assert_int_equal(cp, 0);

	cp = 77;
	assert_int_equal(kc_utf8_decode("\xE5\xAE\xA2", 2, &cp), -1);
	assert_int_equal(kc_utf8_decode("A", 0, &cp), -1);
	assert_int_equal(kc_utf8_decode(NULL, 3, &cp), -1);
	assert_int_equal(kc_utf8_decode("\xED\xA0\x80", 3, &cp), -1);
	assert_int_equal(kc_utf8_decode("\xC0\x80", 2, &cp), -1);
	assert_int_equal(cp, 77);
}

static void test_codepoint_width(void **state)
{
	(void)state;
	assert_int_equal(kc_codepoint_width('a'), 1);
	assert_int_equal(kc_codepoint_width(0xE9), 1);
	/* Edges of every range in the table. */
	static const uint32_t wide_edges[][2] = {
		{ 0x1100, 0x115F }, { 0x2E80, 0x303E }, { 0x3041, 0x33FF }, { 0x3400, 0x4DBF },
		{ 0x4E00, 0x9FFF }, { 0xA000, 0xA4CF }, { 0xAC00, 0xD7A3 }, { 0xF900, 0xFAFF },
		{ 0xFE30, 0xFE4F }, { 0xFF00, 0xFF60 }, { 0xFFE0, 0xFFE6 }, { 0x20000, 0x3FFFD },
	};
	for (size_t i = 0; i < sizeof(wide_edges) / sizeof(wide_edges[0]); i++) {
		assert_int_equal(kc_codepoint_width(wide_edges[i][0]), 2);
		assert_int_equal(kc_codepoint_width(wide_edges[i][1]), 2);
	}
	/* Just outside each range (U+4DC0, the hexagrams, sits between CJK extension A
	 * and the unified ideographs; U+3040 between the two kana-side ranges). */
	static const uint32_t narrow[] = {
		0x10FF, 0x1160, 0x2E7F, 0x303F, 0x3040, 0x4DC0, 0xA4D0, 0xD7A4, 0xF8FF,
		0xFB00, 0xFE2F, 0xFE50, 0xFF61, 0xFFE7, 0x1FFFF, 0x3FFFE, 0x10FFFF,
	};
	for (size_t i = 0; i < sizeof(narrow) / sizeof(narrow[0]); i++)
		if (kc_codepoint_width(narrow[i]) != 1)
			fail_msg("U+%04X should be 1 column", (unsigned)narrow[i]);
	static const uint32_t zero[] = { 0x0300, 0x036F, 0x200B, 0x200F, 0xFE00, 0xFE0F };
	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		assert_int_equal(kc_codepoint_width(zero[i]), 0);
	assert_int_equal(kc_codepoint_width(0x02FF), 1);
	assert_int_equal(kc_codepoint_width(0x0370), 1);
	assert_int_equal(kc_codepoint_width(0x200A), 1);
	assert_int_equal(kc_codepoint_width(0x2010), 1);
	assert_int_equal(kc_codepoint_width(0xFDFF), 1);
	assert_int_equal(kc_codepoint_width(0xFE10), 1);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(kiscrm_utf8_width(""), 0);
	assert_int_equal(kiscrm_utf8_width("abc"), 3);
	assert_int_equal(kiscrm_utf8_width("\xE5\xAE\xA2\xE6\x88\xB7"), 4); /* 客户 */
	/* 张三 Ltd: 2 + 2 + 1 (space) + 3 */
	assert_int_equal(kiscrm_utf8_width("\xE5\xBC\xA0\xE4\xB8\x89 Ltd"), 8);
	assert_int_equal(kiscrm_utf8_width("\xEF\xBC\xA1\xEF\xBC\xA2"), 4); /* ＡＢ full-width */
	assert_int_equal(kiscrm_utf8_width("e\xCC\x81"), 1);               /* e + U+0301 */
	assert_int_equal(kiscrm_utf8_width("a\xE2\x80\x8B" "b"), 2);       /* ZWSP */
	assert_int_equal(kiscrm_utf8_width("\xED\x95\x9C"), 2);            /* 한 */
	assert_int_equal(kiscrm_utf8_width("\xE3\x81\x82"), 2);            /* あ */
	assert_int_equal(kiscrm_utf8_width("\xE3\x80\x80"), 2);            /* ideographic space */
	assert_int_equal(kiscrm_utf8_width("\xF0\xA0\x80\x80"), 2);        /* U+20000 */
	assert_int_equal(kiscrm_utf8_width("\xC3\xA9"), 1);                /* é */
	assert_int_equal(kiscrm_utf8_width("\xE2\x82\xAC" "5"), 2);        /* €5 */
	assert_int_equal(kiscrm_utf8_width("\xEF\xBF\xA5" "100"), 5);      /* ￥100 */
	assert_int_equal(kiscrm_utf8_width("\xE2\x9D\xA4\xEF\xB8\x8F"), 1); /* ❤ + VS16 */
	assert_int_equal(kiscrm_utf8_width("\xEF\xBD\xA1"), 1); /* U+FF61 half-width stop */
}

static void test_width_errors(void **state)
{
	(void)state;
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_width(NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_width("ab\xE5\xAE"));
	assert_msg_has("offset 2");
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_width("\xC0\xAF"));
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_width("\xED\xA0\x80"));
	assert_rc(KISCRM_EINVALID, kiscrm_utf8_width("x\xFF"));
	assert_msg_has("0xFF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_bad),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_codepoint_width),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_width_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

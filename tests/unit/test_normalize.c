/* kiscrm_customer_normalize_name: company-name keys for duplicate detection; and the
 * person-name and phone keys of invitation lists (entities/normalize.h). */
#include "helpers.h"
#include "entities/normalize.h"

#include <string.h>

/* Asserts that @p name normalises to @p expected. */
static void check_key(const char *name, const char *expected)
{
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&buf, name));
	if (!buf.ptr || strcmp(buf.ptr, expected) != 0)
		fail_msg("'%s' normalised to '%s', expected '%s'", name, buf.ptr ? buf.ptr : "",
			 expected);
	kiscrm_buf_dispose(&buf);
}

static void test_chinese_legal_forms(void **state)
{
	(void)state;
	check_key("北京金蝶软件有限公司", "北京金蝶软件");
	check_key("北京金蝶软件 有限公司", "北京金蝶软件");
	check_key("北京 金蝶软件有限公司", "北京金蝶软件");
	check_key("北京金蝶软件（有限公司）", "北京金蝶软件");
	check_key("北京金蝶软件(有限公司)", "北京金蝶软件");
	check_key("北京金蝶软件", "北京金蝶软件");
	check_key("上海某某股份有限公司", "上海某某");
	check_key("上海某某", "上海某某");
	check_key("某某有限责任公司", "某某");
	check_key("某某集团有限公司", "某某");
	/* stripped repeatedly: 公司, then 集团 */
	check_key("某某集团公司", "某某");
	check_key("某某集团", "某某");
}

static void test_full_width(void **state)
{
	(void)state;
	/* Ａ U+FF21 - 0xFEE0 = U+0041 'A', then lower-cased */
	check_key("ＡＢＣ贸易有限责任公司", "abc贸易");
	check_key("abc贸易", "abc贸易");
	check_key("ABC贸易", "abc贸易");
	/* U+3000 ideographic space is dropped like a space */
	check_key("北京\xE3\x80\x80金蝶", "北京金蝶");
	/* full-width "ＡＣＭＥ　ＩＮＣ．" */
	check_key("ＡＣＭＥ　ＩＮＣ．", "acme");
	/* full-width digits: １２３ U+FF11.. → "123" */
	check_key("１２３科技", "123科技");
}

static void test_english_legal_forms(void **state)
{
	(void)state;
	check_key("Acme Co., Ltd.", "acme");
	check_key("ACME co.,ltd", "acme");
	check_key("Acme Co. Ltd", "acme");
	check_key("acme", "acme");
	check_key("Foo Inc.", "foo");
	check_key("Foo Inc", "foo");
	check_key("foo", "foo");
	check_key("Foo Corporation", "foo");
	check_key("Foo Corp.", "foo");
	check_key("Foo Company Limited", "foo");
	check_key("Foo Limited", "foo");
	check_key("Foo LLC", "foo");
	check_key("Foo GmbH", "foo");
	/* stripped repeatedly: ltd, then corp */
	check_key("Foo Holdings Corp. Ltd", "fooholdings");
	/* punctuation dropped: . , ( ) - & ' " / */
	check_key("A.B-C & D's \"E\"/F (G)", "abcdsefg");
	/* other symbols are kept */
	check_key("A+B Ltd", "a+b");
	/* after a CJK character no space is needed */
	check_key("金蝶Inc", "金蝶");
	check_key("金蝶Co.,Ltd.", "金蝶");
}

static void test_word_boundaries(void **state)
{
	(void)state;
	/* English suffixes must start a word: these names keep their endings */
	check_key("Zinc", "zinc");
	check_key("Intercorp", "intercorp");
	check_key("Boltd", "boltd");
	check_key("Smallc", "smallc");
}

static void test_never_empty(void **state)
{
	(void)state;
	check_key("有限公司", "有限公司");
	check_key("（有限公司）", "有限公司");
	check_key("Ltd.", "ltd");
	/* stripping "inc" then "ltd" would empty it: the unstripped text is kept */
	check_key("Ltd Inc", "ltdinc");
	check_key("集团有限公司", "集团有限公司");
}

static void test_appends(void **state)
{
	(void)state;
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&buf, "Acme Inc"));
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&buf, "|"));
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&buf, "北京金蝶软件有限公司"));
	assert_string_equal("acme|北京金蝶软件", buf.ptr);
	kiscrm_buf_dispose(&buf);
}

static void test_errors(void **state)
{
	(void)state;
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(NULL, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(&buf, NULL));

	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&buf, "ok"));
	/* 0xFF never appears in UTF-8; offset 6 after the two 3-byte characters */
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(&buf, "北京\xFF公司"));
	const kiscrm_error *e = kiscrm_error_last();
	assert_int_equal(KISCRM_EINVALID, e->code);
	assert_non_null(strstr(e->message, "北京\\xFF"));
	assert_non_null(strstr(e->message, "offset 6"));
	/* truncated sequence, overlong '/', surrogate */
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(&buf, "abc\xE5\x8C"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(&buf, "a\xC0\xAF"));
	assert_rc(KISCRM_EINVALID, kiscrm_customer_normalize_name(&buf, "\xED\xA0\x80"));
	/* the buffer is untouched by the failures */
	assert_string_equal("ok", buf.ptr);
	assert_int_equal(2, buf.size);
	kiscrm_buf_dispose(&buf);
}

typedef int (*key_fn)(const char *, kiscrm_buf *);

static void check_person_key(key_fn fn, const char *text, const char *expected)
{
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, fn(text, &buf));
	if (strcmp(buf.ptr ? buf.ptr : "", expected) != 0)
		fail_msg("'%s' gave the key '%s', expected '%s'", text ? text : "(NULL)", buf.ptr ? buf.ptr : "", expected);
	kiscrm_buf_dispose(&buf);
}

static void test_person_and_phone_keys(void **state)
{
	(void)state;
	check_person_key(kc_normalize_person_name, "王 经理", "王经理");
	check_person_key(kc_normalize_person_name, "\xE3\x80\x80王经理\xE3\x80\x80", "王经理"); /* ideographic spaces */
	check_person_key(kc_normalize_person_name, "ZHANG  Wei", "zhangwei");
	check_person_key(kc_normalize_person_name, "Ｚｈａｎｇ Wei", "zhangwei"); /* full width */
	check_person_key(kc_normalize_person_name, "阿卜杜·热合曼", "阿卜杜热合曼"); /* middle dot */
	check_person_key(kc_normalize_person_name, "J. Smith", "jsmith");
	check_person_key(kc_normalize_person_name, NULL, "");
	check_person_key(kc_normalize_phone, "+86 138-0000-0001", "13800000001");
	check_person_key(kc_normalize_phone, "0086 13800000001", "13800000001");
	check_person_key(kc_normalize_phone, "8613800000001", "13800000001");
	check_person_key(kc_normalize_phone, "(010) 8888 6666", "01088886666");
	check_person_key(kc_normalize_phone, "８６１３８０００００００１", "13800000001"); /* full-width digits */
	check_person_key(kc_normalize_phone, "861234", "861234"); /* too short to carry +86 */
	check_person_key(kc_normalize_phone, "无", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chinese_legal_forms),
		cmocka_unit_test(test_full_width),
		cmocka_unit_test(test_english_legal_forms),
		cmocka_unit_test(test_word_boundaries),
		cmocka_unit_test(test_never_empty),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_person_and_phone_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

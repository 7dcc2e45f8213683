/* kiscrm_table: building, accessors, errors and the CSV, JSON and text writers.
 *
 * Dates used: 2000-01-01 is day 10957 (946684800 s / 86400 s per day), and
 * 2000-01-01T00:00:00Z is second 946684800. Money is in fen (2 decimals). */
#include "helpers.h"
#include "table/table_internal.h"
#include "core/buf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define D_2000_01_01 10957
#define T_2000_01_01 INT64_C(946684800)

static void assert_error_mentions(const char *needle)
{
	const kiscrm_error *e = kiscrm_error_last();
	if (!strstr(e->message, needle))
		fail_msg("error message '%s' does not mention '%s'", e->message, needle);
}

static kiscrm_table *new_table(const char *name)
{
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, name));
	assert_non_null(t);
	return t;
}

/* The six-column table used by the accessor, CSV and JSON tests. */
static kiscrm_table *sample_table(void)
{
	kiscrm_table *t = new_table("sample");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "name", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "count", KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "amount", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "signed", KISCRM_TYPE_DATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "rate", KISCRM_TYPE_RATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "note", KISCRM_TYPE_TEXT));

	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "北京金蝶"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, 3));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 2, INT64_C(-123456789)));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 3, D_2000_01_01));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 4, 0.25));
	/* note stays NULL */

	assert_int_equal(1, kiscrm_table_add_row(t, KISCRM_ROW_TOTAL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 0, "a,b"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 1, 1, -7));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 1, 2, 5)); /* 0.05 */
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 1, 4, NAN));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 5, "say \"hi\""));
	return t;
}

static void test_new_and_free(void **state)
{
	(void)state;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_EINVALID, kiscrm_table_new(NULL, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_table_new(&t, NULL));
	assert_null(t);
	kiscrm_table_free(NULL);

	t = new_table("funnel");
	assert_string_equal("funnel", kiscrm_table_name(t));
	assert_int_equal(0, kiscrm_table_column_count(t));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);

	assert_null(kiscrm_table_name(NULL));
	assert_int_equal(0, kiscrm_table_column_count(NULL));
	assert_int_equal(0, kiscrm_table_row_count(NULL));
}

static void test_accessors(void **state)
{
	(void)state;
	kiscrm_table *t = sample_table();

	assert_int_equal(6, kiscrm_table_column_count(t));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("name", kiscrm_table_column_name(t, 0));
	assert_string_equal("note", kiscrm_table_column_name(t, 5));
	assert_null(kiscrm_table_column_name(t, 6));
	assert_null(kiscrm_table_column_name(NULL, 0));
	assert_int_equal(KISCRM_TYPE_TEXT, kiscrm_table_column_type(t, 0));
	assert_int_equal(KISCRM_TYPE_INT, kiscrm_table_column_type(t, 1));
	assert_int_equal(KISCRM_TYPE_MONEY, kiscrm_table_column_type(t, 2));
	assert_int_equal(KISCRM_TYPE_DATE, kiscrm_table_column_type(t, 3));
	assert_int_equal(KISCRM_TYPE_RATE, kiscrm_table_column_type(t, 4));
	assert_int_equal(KISCRM_TYPE_NULL, kiscrm_table_column_type(t, 6));

	assert_int_equal(2, kiscrm_table_column_index(t, "amount"));
	assert_int_equal(5, kiscrm_table_column_index(t, "note"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_table_column_index(t, "nope"));
	assert_error_mentions("nope");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_table_column_index(t, NULL));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_table_column_index(NULL, "name"));

	assert_int_equal(KISCRM_ROW_DETAIL, kiscrm_table_row_kind(t, 0));
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 1));
	assert_int_equal(KISCRM_ROW_DETAIL, kiscrm_table_row_kind(t, 2));

	/* values */
	assert_string_equal("北京金蝶", kiscrm_table_text(t, 0, 0));
	assert_int_equal(3, kiscrm_table_int(t, 0, 1));
	assert_int_equal(-123456789, kiscrm_table_int(t, 0, 2));
	assert_int_equal(D_2000_01_01, kiscrm_table_int(t, 0, 3));
	assert_true(kiscrm_table_rate(t, 0, 4) == 0.25);
	assert_int_equal(-7, kiscrm_table_int(t, 1, 1));

	/* NULLs, including the NaN rate */
	assert_int_equal(0, kiscrm_table_is_null(t, 0, 0));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 5));
	assert_int_equal(1, kiscrm_table_is_null(t, 1, 3));
	assert_int_equal(1, kiscrm_table_is_null(t, 1, 4));
	assert_true(kiscrm_table_rate(t, 1, 4) == 0.0);
	assert_null(kiscrm_table_text(t, 0, 5));
	assert_int_equal(0, kiscrm_table_int(t, 1, 3));

	/* out of range is NULL */
	assert_int_equal(1, kiscrm_table_is_null(t, 2, 0));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 6));
	assert_int_equal(1, kiscrm_table_is_null(NULL, 0, 0));

	/* reading with the wrong accessor gives the neutral value */
	assert_null(kiscrm_table_text(t, 0, 1));
	assert_int_equal(0, kiscrm_table_int(t, 0, 0));
	assert_int_equal(0, kiscrm_table_int(t, 0, 4));
	assert_true(kiscrm_table_rate(t, 0, 1) == 0.0);
	assert_null(kiscrm_table_text(NULL, 0, 0));
	assert_int_equal(0, kiscrm_table_int(NULL, 0, 0));
	assert_true(kiscrm_table_rate(NULL, 0, 0) == 0.0);

	kiscrm_table_free(t);
}

static void test_overwrite_and_null(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("t");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "s", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "r", KISCRM_TYPE_RATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "tm", KISCRM_TYPE_TIME));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_SUBTOTAL));
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 0));

	/* replacing text frees the old copy (checked by valgrind / ASan) */
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "first"));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "second"));
	assert_string_equal("second", kiscrm_table_text(t, 0, 0));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, NULL));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 0));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, ""));
	assert_int_equal(0, kiscrm_table_is_null(t, 0, 0));
	assert_string_equal("", kiscrm_table_text(t, 0, 0));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "third"));
	assert_rc(KISCRM_OK, kiscrm_table_set_null(t, 0, 0));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 0));

	/* a finite rate, then infinities become NULL */
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 1, 1.5));
	assert_int_equal(0, kiscrm_table_is_null(t, 0, 1));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 1, INFINITY));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 1));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 1, -INFINITY));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 1));

	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 2, T_2000_01_01));
	assert_int_equal(T_2000_01_01, kiscrm_table_int(t, 0, 2));
	assert_rc(KISCRM_OK, kiscrm_table_set_null(t, 0, 2));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 2));

	/* many rows: the flat cell array grows (16 initial rows, doubled) */
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "keep"));
	for (int i = 1; i < 100; i++) {
		assert_int_equal(i, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
		assert_rc(KISCRM_OK, kiscrm_table_set_text(t, (size_t)i, 0, "行"));
	}
	assert_int_equal(100, kiscrm_table_row_count(t));
	assert_string_equal("keep", kiscrm_table_text(t, 0, 0));
	assert_string_equal("行", kiscrm_table_text(t, 99, 0));
	assert_int_equal(1, kiscrm_table_is_null(t, 99, 1));
	kiscrm_table_free(t);
}

static void test_errors(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("errs");

	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(NULL, "a", KISCRM_TYPE_INT));
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, NULL, KISCRM_TYPE_INT));
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, "", KISCRM_TYPE_INT));
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, "bad", KISCRM_TYPE_NULL));
	assert_error_mentions("bad");
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, "bad", (kiscrm_type)99));
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, "x\xC3", KISCRM_TYPE_TEXT));
	assert_error_mentions("x\\xC3");

	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "客户", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "m", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "r", KISCRM_TYPE_RATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "d", KISCRM_TYPE_DATE));
	assert_rc(KISCRM_EEXISTS, kiscrm_table_add_column(t, "客户", KISCRM_TYPE_INT));
	assert_error_mentions("客户");
	assert_int_equal(5, kiscrm_table_column_count(t));

	assert_rc(KISCRM_EINVALID, kiscrm_table_add_row(NULL, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_row(t, (kiscrm_row_kind)3));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));

	/* no columns after the first row */
	assert_rc(KISCRM_EINVALID, kiscrm_table_add_column(t, "late", KISCRM_TYPE_INT));
	assert_error_mentions("late");

	/* wrong type */
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 0, 0, 1));
	assert_error_mentions("客户");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 0, 3, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(t, 0, 1, "x"));
	assert_error_mentions("'n'");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_rate(t, 0, 2, 0.5));
	assert_error_mentions("'m'");
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 2));

	/* out of range */
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 1, 1, 1));
	assert_error_mentions("row 1");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 0, 5, 1));
	assert_error_mentions("column 5");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(t, 0, 9, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_rate(t, 3, 3, 1.0));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_null(t, 0, 5));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_null(t, 1, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(NULL, 0, 0, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(NULL, 0, 0, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_rate(NULL, 0, 0, 1.0));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_null(NULL, 0, 0));

	/* invalid UTF-8: truncated 3-byte sequence, lone continuation byte, surrogate */
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(t, 0, 0, "北\xE4\xBA"));
	assert_error_mentions("\\xE4");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(t, 0, 0, "ok\x80"));
	assert_error_mentions("ok\\x80");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_text(t, 0, 0, "\xED\xA0\x80"));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 0));

	/* a date outside years 1..9999 cannot be stored: 9999-12-31 is day 2932896, so
	 * 3000000 is in year 10183 */
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 0, 4, 3000000));
	assert_error_mentions("3000000");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_int(t, 0, 4, INT64_C(1) << 40));
	assert_int_equal(1, kiscrm_table_is_null(t, 0, 4));

	/* money decimals */
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_money_decimals(t, 7));
	assert_error_mentions("7");
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_money_decimals(t, -1));
	assert_rc(KISCRM_EINVALID, kiscrm_table_set_money_decimals(NULL, 2));

	/* writers */
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_csv(NULL, t));
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_csv(&buf, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_json(NULL, t));
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_json(&buf, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_text(NULL, t));
	assert_rc(KISCRM_EINVALID, kiscrm_table_write_text(&buf, NULL));
	assert_int_equal(0, buf.size);
	kiscrm_buf_dispose(&buf);

	kiscrm_table_free(t);
}

static void test_csv(void **state)
{
	(void)state;
	kiscrm_table *t = sample_table();
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	/* -123456789 fen = -1234567.89 yuan, no thousands separators; 5 fen = 0.05;
	 * the NaN rate and other NULLs are empty fields */
	assert_string_equal("name,count,amount,signed,rate,note\n"
			    "北京金蝶,3,-1234567.89,2000-01-01,0.25,\n"
			    "\"a,b\",-7,0.05,,,\"say \"\"hi\"\"\"\n",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("q");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "a,b", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "r", KISCRM_TYPE_RATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "t", KISCRM_TYPE_TIME));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "line1\nline2"));
	/* 1/3 with 10 significant digits */
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 1, 1.0 / 3.0));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 2, T_2000_01_01 + 3661));
	assert_int_equal(1, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 0, "cr\rhere"));
	assert_int_equal(2, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 2, 0, "\""));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 2, 1, 1e20));
	assert_int_equal(3, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 3, 0, "plain text; ok"));

	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	/* 946684800 + 3661 s = 2000-01-01 01:01:01 */
	assert_string_equal("\"a,b\",r,t\n"
			    "\"line1\nline2\",0.3333333333,2000-01-01T01:01:01Z\n"
			    "\"cr\rhere\",,\n"
			    "\"\"\"\",1e+20,\n"
			    "plain text; ok,,\n",
			    buf.ptr);

	/* writers append */
	size_t first = buf.size;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	assert_int_equal(2 * first, buf.size);
	assert_memory_equal(buf.ptr, buf.ptr + first, first);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_json(void **state)
{
	(void)state;
	kiscrm_table *t = sample_table();
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	assert_string_equal(
		"{\"columns\":["
		"{\"name\":\"name\",\"type\":\"text\"},"
		"{\"name\":\"count\",\"type\":\"int\"},"
		"{\"name\":\"amount\",\"type\":\"money\"},"
		"{\"name\":\"signed\",\"type\":\"date\"},"
		"{\"name\":\"rate\",\"type\":\"rate\"},"
		"{\"name\":\"note\",\"type\":\"text\"}],"
		"\"rows\":["
		"[\"北京金蝶\",3,\"-1234567.89\",\"2000-01-01\",0.25,null],"
		"[\"a,b\",-7,\"0.05\",null,null,\"say \\\"hi\\\"\"]]}",
		buf.ptr);
	/* the Chinese text is the same bytes as UTF-8 input: 北 E5 8C 97, 京 E4 BA AC,
	 * 金 E9 87 91, 蝶 E8 9D B6 */
	assert_non_null(strstr(buf.ptr, "[\"\xE5\x8C\x97\xE4\xBA\xAC\xE9\x87\x91\xE8\x9D\xB6\","));
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_json_escaping(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("esc");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "a\"b", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "t", KISCRM_TYPE_TIME));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "q\"b\\s/\n\t\x01\x1F\x7F é"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, T_2000_01_01));

	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	/* '"' and '\' get a backslash, control characters \u00XX, DEL, '/' and UTF-8 stay */
	assert_string_equal("{\"columns\":[{\"name\":\"a\\\"b\",\"type\":\"text\"},"
			    "{\"name\":\"t\",\"type\":\"time\"}],"
			    "\"rows\":[[\"q\\\"b\\\\s/\\u000A\\u0009\\u0001\\u001F\x7F é\","
			    "\"2000-01-01T00:00:00Z\"]]}",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_json_empty(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("empty");
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	assert_string_equal("{\"columns\":[],\"rows\":[]}", buf.ptr);
	kiscrm_buf_dispose(&buf);

	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	assert_string_equal("{\"columns\":[{\"name\":\"n\",\"type\":\"int\"}],\"rows\":[]}",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);

	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	assert_string_equal("n\n", buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_text_chinese(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("text");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "客户", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "amount", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "rate", KISCRM_TYPE_RATE));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "北京金蝶"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, INT64_C(123456789)));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 0, 2, 0.5));
	assert_int_equal(1, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 0, "Acme"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 1, 1, -5));
	assert_int_equal(2, kiscrm_table_add_row(t, KISCRM_ROW_TOTAL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 2, 0, "合计"));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 2, 1, INT64_C(123456784)));
	assert_rc(KISCRM_OK, kiscrm_table_set_rate(t, 2, 2, 0.3));

	/* Widths: 客户 column max(4, 8 for 北京金蝶, 4, 4) = 8; amount max(6, 12 for
	 * "1,234,567.89", 5 for "-0.05", 12) = 12; rate max(4, 4, 0, 4) = 4.
	 * Gap of two spaces; rule = 8 + 2 + 12 + 2 + 4 = 28 dashes. Text left, numbers
	 * right, trailing spaces dropped. Header: 客户 + 4 pad + 2 gap + 6 pad = 12 spaces.
	 * Acme row: 4 pad + 2 gap + 7 pad (12 - 5) = 13 spaces, empty rate trimmed. */
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&buf, t));
	assert_string_equal("客户            amount  rate\n"
			    "----------------------------\n"
			    "北京金蝶  1,234,567.89  0.50\n"
			    "Acme             -0.05\n"
			    "----------------------------\n"
			    "合计      1,234,567.84  0.30\n",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

/* Notes: read back in order, printed by the text writer after a blank line, absent from
 * CSV and JSON; a table without notes prints as before. */
static void test_notes(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("noted");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_int_equal(0, kiscrm_table_note_count(t));
	assert_null(kiscrm_table_note(t, 0));
	assert_int_equal(0, kiscrm_table_note_count(NULL));
	assert_null(kiscrm_table_note(NULL, 0));
	assert_rc(KISCRM_OK, kc_table_add_note(t, "first note"));
	assert_rc(KISCRM_OK, kc_table_add_note(t, "第二条说明"));
	assert_rc(KISCRM_EINVALID, kc_table_add_note(t, NULL));
	assert_rc(KISCRM_EINVALID, kc_table_add_note(NULL, "x"));
	assert_int_equal(2, kiscrm_table_note_count(t));
	assert_string_equal("first note", kiscrm_table_note(t, 0));
	assert_string_equal("第二条说明", kiscrm_table_note(t, 1));
	assert_null(kiscrm_table_note(t, 2));
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&buf, t));
	assert_string_equal("n\n-\n\nfirst note\n第二条说明\n", buf.ptr);
	buf.size = 0;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	assert_string_equal("n\n", buf.ptr);
	buf.size = 0;
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	assert_null(strstr(buf.ptr, "note"));
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_text_types_and_subtotals(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("types");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "n", KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "d", KISCRM_TYPE_DATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "t", KISCRM_TYPE_TEXT));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 0, 7));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 1, D_2000_01_01));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 2, "x"));
	assert_int_equal(1, kiscrm_table_add_row(t, KISCRM_ROW_SUBTOTAL));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 1, 0, 12345));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 1, 2, "长"));
	assert_int_equal(2, kiscrm_table_add_row(t, KISCRM_ROW_TOTAL));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 2, 2, "a\tb"));

	/* Widths: n = 5 ("12345"), d = 10 ("2000-01-01"), t = 3 ("a\tb", tab shown as a
	 * space). Rule = 5 + 2 + 10 + 2 + 3 = 22. Header: 4 pad + "n", gap, "d" + 9 pad,
	 * gap, "t" (trailing pad trimmed): 11 spaces between d and t. Subtotal row: 12345,
	 * gap 2 + 10 pad for the NULL date + gap 2 = 14 spaces, then 长. Each subtotal and
	 * total row gets a rule above it. */
	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&buf, t));
	assert_string_equal("    n  d           t\n"
			    "----------------------\n"
			    "    7  2000-01-01  x\n"
			    "----------------------\n"
			    "12345              长\n"
			    "----------------------\n"
			    "                   a b\n",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

static void test_money_formats(void **state)
{
	(void)state;
	kiscrm_table *t = new_table("money");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "m", KISCRM_TYPE_MONEY));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_OK, kiscrm_table_set_int(t, 0, 0, INT64_C(-123456789)));

	kiscrm_buf buf = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&buf, t));
	/* width 13 = strlen("-1,234,567.89"); header "m" right-aligned */
	assert_string_equal("            m\n"
			    "-------------\n"
			    "-1,234,567.89\n",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	assert_string_equal("m\n-1234567.89\n", buf.ptr);
	kiscrm_buf_dispose(&buf);
	assert_rc(KISCRM_OK, kiscrm_table_write_json(&buf, t));
	assert_string_equal("{\"columns\":[{\"name\":\"m\",\"type\":\"money\"}],"
			    "\"rows\":[[\"-1234567.89\"]]}",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);

	/* with 3 decimals the same minor units read -123456.789 */
	assert_rc(KISCRM_OK, kiscrm_table_set_money_decimals(t, 3));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&buf, t));
	assert_string_equal("m\n-123456.789\n", buf.ptr);
	kiscrm_buf_dispose(&buf);
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&buf, t));
	assert_string_equal("           m\n"
			    "------------\n"
			    "-123,456.789\n",
			    buf.ptr);
	kiscrm_buf_dispose(&buf);
	kiscrm_table_free(t);
}

/* Texts the library sets (kc_table_set_text_trusted) live in the table's chunks: many of
 * them across several chunks, a text longer than a chunk's share, Chinese, the empty
 * text; a trusted cell set again through the public API and back; NULL over both. Every
 * text reads back exactly (ASan and valgrind check that nothing is freed twice or lost). */
static void test_trusted_texts(void **state)
{
	(void)state;
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "texts"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "name", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "note", KISCRM_TYPE_TEXT));
	enum { ROWS = 20000 };
	static char long_text[40000];
	memset(long_text, 'x', sizeof(long_text) - 1);
	char buf[64];
	for (int r = 0; r < ROWS; r++) {
		assert_int_equal(r, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
		snprintf(buf, sizeof(buf), "项目 %d", r);
		assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, (size_t)r, 0, buf));
		assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, (size_t)r, 1,
							    r == 7 ? long_text : r % 2 ? "" : "北京"));
	}
	/* a trusted cell rewritten through the API, an API cell rewritten trusted, NULLs */
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 3, 0, "用户"));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 4, 0, "a"));
	assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, 4, 0, "b"));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 5, 0, NULL));
	assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, 6, 0, NULL));
	for (int r = 0; r < ROWS; r++) {
		snprintf(buf, sizeof(buf), "项目 %d", r);
		const char *want = r == 3 ? "用户" : r == 4 ? "b" : buf;
		if (r == 5 || r == 6)
			assert_true(kiscrm_table_is_null(t, (size_t)r, 0));
		else
			assert_string_equal(want, kiscrm_table_text(t, (size_t)r, 0));
		assert_string_equal(r == 7 ? long_text : r % 2 ? "" : "北京", kiscrm_table_text(t, (size_t)r, 1));
	}
	kiscrm_table_free(t);
}

/* A trusted text equal to the one set last in its column shares that copy; the caller's
 * buffer may be rewritten in between (a report formats every group name into one), so
 * equal means equal bytes, not the same pointer. */
static void test_trusted_texts_shared(void **state)
{
	(void)state;
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "shared"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "owner", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "amount", KISCRM_TYPE_MONEY));
	static const char *const owners[] = { "李雷", "王芳", "王芳", "李雷", "李雷" };
	char buf[32];
	for (size_t r = 0; r < 5; r++) {
		assert_int_equal((int)r, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
		snprintf(buf, sizeof(buf), "%s", owners[r]);
		assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, r, 0, buf));
		assert_rc(KISCRM_OK, kiscrm_table_set_int(t, r, 1, (int64_t)r * 100));
	}
	for (size_t r = 0; r < 5; r++)
		assert_string_equal(owners[r], kiscrm_table_text(t, r, 0));
	assert_ptr_equal(kiscrm_table_text(t, 1, 0), kiscrm_table_text(t, 2, 0));
	assert_ptr_equal(kiscrm_table_text(t, 3, 0), kiscrm_table_text(t, 4, 0));
	assert_ptr_not_equal(kiscrm_table_text(t, 0, 0), kiscrm_table_text(t, 3, 0)); /* not the last */
	/* a shared cell rewritten through the API leaves its neighbour alone */
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 2, 0, "张伟"));
	assert_rc(KISCRM_OK, kiscrm_table_set_null(t, 2, 0));
	assert_string_equal("王芳", kiscrm_table_text(t, 1, 0));
	assert_true(kiscrm_table_is_null(t, 2, 0));
	/* NULL cells of a fresh row, whatever their value slot held */
	assert_int_equal(5, kiscrm_table_add_row(t, KISCRM_ROW_TOTAL));
	assert_true(kiscrm_table_is_null(t, 5, 0));
	assert_true(kiscrm_table_is_null(t, 5, 1));
	assert_int_equal(0, kiscrm_table_int(t, 5, 1));
	assert_int_equal(400, kiscrm_table_int(t, 4, 1));
	kiscrm_table_free(t);
}

/* A table that adopted a buffer of texts points its cells into it: no copy, the buffer
 * freed with the table (valgrind and ASan see a leak or a double free otherwise), the
 * caller's buffer left empty. A kept cell set again — to a copy, an owned text or NULL —
 * frees nothing of the buffer, and the table's rows can grow past a reservation. */
static void test_adopted_texts(void **state)
{
	(void)state;
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_table_new(&t, "adopted"));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "project", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "kind", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kc_table_reserve_rows(t, 3));
	kiscrm_buf texts = KISCRM_BUF_INIT;
	static const char names[] = "金蝶 KIS 升级\0ERP 实施\0"; /* two texts back to back */
	assert_rc(KISCRM_OK, kc_buf_put(&texts, names, sizeof(names) - 1));
	const char *first = texts.ptr, *second = texts.ptr + strlen(texts.ptr) + 1;
	assert_rc(KISCRM_OK, kc_table_adopt_texts(t, &texts));
	assert_null(texts.ptr);
	assert_int_equal(0, texts.size);
	for (size_t r = 0; r < 4; r++) { /* one row past the reservation */
		assert_int_equal((int)r, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
		assert_rc(KISCRM_OK, kc_table_set_text_kept(t, r, 0, r % 2 ? second : first));
		assert_rc(KISCRM_OK, kc_table_set_text_kept(t, r, 1, "opportunity"));
	}
	assert_ptr_equal(first, kiscrm_table_text(t, 0, 0));
	assert_ptr_equal(second, kiscrm_table_text(t, 3, 0));
	assert_string_equal("ERP 实施", kiscrm_table_text(t, 1, 0));
	assert_string_equal("opportunity", kiscrm_table_text(t, 2, 1));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "改名"));
	assert_rc(KISCRM_OK, kc_table_set_text_kept(t, 0, 0, second)); /* frees the owned copy */
	assert_rc(KISCRM_OK, kc_table_set_text_kept(t, 1, 0, NULL));
	assert_true(kiscrm_table_is_null(t, 1, 0));
	assert_string_equal("ERP 实施", kiscrm_table_text(t, 0, 0));
	assert_string_equal("金蝶 KIS 升级", kiscrm_table_text(t, 2, 0));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 3, 0, "张伟")); /* owned at free time */
	kiscrm_buf csv = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&csv, t));
	assert_non_null(strstr(csv.ptr, "金蝶 KIS 升级,opportunity"));
	kiscrm_buf_dispose(&csv);
	assert_rc(KISCRM_OK, kc_table_adopt_texts(t, &texts)); /* an empty buffer: nothing */
	kiscrm_table_free(t);
}

/* A report's rows written straight into their cells: the columns' types checked once
 * (INT takes an INT or MONEY column, nothing else), the cells then read as the setters
 * would have left them; a rate of 300 / 400 is 0.75, of anything over 0 NULL. A table
 * with a cell that owns its text (set through the public setter) refuses the direct
 * writes, which would leak it. */
static void test_row_cells(void **state)
{
	(void)state;
	kiscrm_table *t = sample_table();
	kc_row_cells c;
	assert_rc(KISCRM_OK, kc_table_check_type(t, 1, KISCRM_TYPE_INT));
	assert_rc(KISCRM_OK, kc_table_check_type(t, 2, KISCRM_TYPE_INT));   /* money */
	assert_rc(KISCRM_OK, kc_table_check_type(t, 2, KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kc_table_check_type(t, 4, KISCRM_TYPE_RATE));
	assert_rc(KISCRM_EINVALID, kc_table_check_type(t, 3, KISCRM_TYPE_INT)); /* a date */
	assert_error_mentions("'signed' is date, not int");
	assert_rc(KISCRM_EINVALID, kc_table_check_type(t, 0, KISCRM_TYPE_MONEY));
	assert_error_mentions("'name' is text, not money");
	assert_rc(KISCRM_EINVALID, kc_table_check_type(t, 6, KISCRM_TYPE_TEXT));
	assert_error_mentions("column 6 out of range");
	/* sample_table's texts were set through kiscrm_table_set_text: owned */
	assert_rc(KISCRM_EINVALID, kc_table_row_cells(t, 0, &c));
	assert_error_mentions("owns its text");
	kiscrm_table_free(t);

	t = new_table("direct");
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "name", KISCRM_TYPE_TEXT));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "amount", KISCRM_TYPE_MONEY));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "rate", KISCRM_TYPE_RATE));
	assert_rc(KISCRM_OK, kiscrm_table_add_column(t, "other", KISCRM_TYPE_RATE));
	assert_int_equal(0, kiscrm_table_add_row(t, KISCRM_ROW_DETAIL));
	assert_rc(KISCRM_EINVALID, kc_table_row_cells(t, 1, &c));
	assert_error_mentions("row 1 out of range");
	assert_rc(KISCRM_OK, kc_table_row_cells(t, 0, &c));
	kc_cells_text_kept(&c, 0, "合同 K1");
	kc_cells_int(&c, 1, 300);
	kc_cells_ratio(&c, 2, 300, 400);
	kc_cells_ratio(&c, 3, 300, 0);
	assert_string_equal("合同 K1", kiscrm_table_text(t, 0, 0));
	assert_int_equal(300, kiscrm_table_int(t, 0, 1));
	assert_true(fabs(kiscrm_table_rate(t, 0, 2) - 0.75) < 1e-12);
	assert_true(kiscrm_table_is_null(t, 0, 3));
	kc_cells_text_kept(&c, 0, NULL);
	kc_cells_null(&c, 1);
	assert_true(kiscrm_table_is_null(t, 0, 0));
	assert_true(kiscrm_table_is_null(t, 0, 1));
	/* a trusted (chunk) text does not stop them; a public one does */
	assert_rc(KISCRM_OK, kc_table_set_text_trusted(t, 0, 0, "可信"));
	assert_rc(KISCRM_OK, kc_table_row_cells(t, 0, &c));
	assert_rc(KISCRM_OK, kiscrm_table_set_text(t, 0, 0, "公开"));
	assert_rc(KISCRM_EINVALID, kc_table_row_cells(t, 0, &c));
	kiscrm_table_free(t);
}

/* Tables are told apart by their serial, also one allocated where a freed one was: a
 * report that remembers the table it labelled last (kc_report_add_row) must not take the
 * new one for it. */
static void test_serials(void **state)
{
	(void)state;
	kiscrm_table *a = NULL, *b = NULL;
	assert_rc(KISCRM_OK, kiscrm_table_new(&a, "a"));
	assert_rc(KISCRM_OK, kiscrm_table_new(&b, "b"));
	uint64_t sa = kc_table_serial(a), sb = kc_table_serial(b);
	assert_true(sa != 0 && sb != 0 && sa != sb);
	kiscrm_table_free(a);
	assert_rc(KISCRM_OK, kiscrm_table_new(&a, "a"));
	assert_true(kc_table_serial(a) != sa && kc_table_serial(a) != sb);
	kiscrm_table_free(a);
	kiscrm_table_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_free),
		cmocka_unit_test(test_accessors),
		cmocka_unit_test(test_overwrite_and_null),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_csv_quoting),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_empty),
		cmocka_unit_test(test_text_chinese),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_text_types_and_subtotals),
		cmocka_unit_test(test_money_formats),
		cmocka_unit_test(test_trusted_texts),
		cmocka_unit_test(test_trusted_texts_shared),
		cmocka_unit_test(test_adopted_texts),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_row_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Money: parsing, formatting, scaling and splitting, exactly. Every expected value below
 * is worked out by hand from the inputs. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

static void check_parse(const char *text, int decimals, kiscrm_money expected)
{
	kiscrm_money v = 42;
	int rc = kiscrm_money_parse(&v, text, decimals);
	if (rc != KISCRM_OK)
		fail_msg("parse('%s', %d) failed: %s", text, decimals,
			 kiscrm_error_last()->message);
	if (v != expected)
		fail_msg("parse('%s', %d) = %lld, want %lld", text, decimals, (long long)v,
			 (long long)expected);
}

/* Fails with code; the output is untouched and the message quotes the text. */
static void check_reject(const char *text, int decimals, int code)
{
	kiscrm_money v = 42;
	int rc = kiscrm_money_parse(&v, text, decimals);
	if (rc != code)
		fail_msg("parse('%s', %d) gave %d, want %d", text, decimals, rc, code);
	assert_int_equal(v, 42);
	char quoted[128];
	snprintf(quoted, sizeof(quoted), "'%s'", text);
	assert_msg_has(quoted);
}

static void test_parse_basic(void **state)
{
	(void)state;
	check_parse("1234.56", 2, 123456);
	check_parse("-0.05", 2, -5);
	check_parse("1,234.56", 2, 123456);
	check_parse("+7", 2, 700);
	check_parse("7", 2, 700);
	check_parse("0.5", 2, 50);      /* one fraction digit of two: 5 tenths = 50 fen */
	check_parse(" 12 ", 2, 1200);
	check_parse("   -3.10  ", 2, -310);
	check_parse("0", 2, 0);
	check_parse("-0", 2, 0);
	check_parse("-0.00", 2, 0);
	check_parse("007.01", 2, 701);
	check_parse("1,234,567.89", 2, 123456789);
	check_parse("12,345", 2, 1234500);
	check_parse("999,999", 2, 99999900);
}

static void test_parse_decimals(void **state)
{
	(void)state;
	/* 0 decimals: whole units, no fraction allowed. */
	check_parse("1234", 0, 1234);
	check_parse("-1,000", 0, -1000);
	check_reject("1.5", 0, KISCRM_EINVALID);
	/* 3 decimals (e.g. dinar): 1.5 = 1500, 1.234 = 1234. */
	check_parse("1.5", 3, 1500);
	check_parse("1.234", 3, 1234);
	check_parse("-0.001", 3, -1);
	check_parse("12", 3, 12000);
	check_reject("1.2345", 3, KISCRM_EINVALID);
	/* 6 decimals, the maximum. */
	check_parse("0.000001", 6, 1);
	check_parse("2", 6, 2000000);

	kiscrm_money v = 42;
	assert_rc(KISCRM_EINVALID, kiscrm_money_parse(&v, "1", 7));
	assert_rc(KISCRM_EINVALID, kiscrm_money_parse(&v, "1", -1));
	assert_int_equal(v, 42);
}

static void test_parse_rejects(void **state)
{
	(void)state;
	check_reject("1.234", 2, KISCRM_EINVALID);
	assert_msg_has("decimals");
	check_reject("1,23", 2, KISCRM_EINVALID);
	check_reject("12,34.5", 2, KISCRM_EINVALID);
	check_reject("1234,567", 2, KISCRM_EINVALID); /* leading group longer than 3 */
	check_reject("1,234,56", 2, KISCRM_EINVALID);
	check_reject("1,2345", 2, KISCRM_EINVALID);
	check_reject(",123", 2, KISCRM_EINVALID);
	check_reject("1,", 2, KISCRM_EINVALID);
	check_reject("1,,234", 2, KISCRM_EINVALID);
	check_reject("", 2, KISCRM_EINVALID);
	check_reject("   ", 2, KISCRM_EINVALID);
	check_reject("abc", 2, KISCRM_EINVALID);
	check_reject("1e5", 2, KISCRM_EINVALID);
	check_reject("--1", 2, KISCRM_EINVALID);
	check_reject("+-1", 2, KISCRM_EINVALID);
	check_reject("- 1", 2, KISCRM_EINVALID);
	check_reject("+", 2, KISCRM_EINVALID);
	check_reject("-", 2, KISCRM_EINVALID);
	check_reject("1.2.3", 2, KISCRM_EINVALID);
	check_reject("7.", 2, KISCRM_EINVALID);
	check_reject(".5", 2, KISCRM_EINVALID);
	check_reject("1 2", 2, KISCRM_EINVALID);
	check_reject("\t1", 2, KISCRM_EINVALID);
	check_reject("1.5x", 2, KISCRM_EINVALID);
	check_reject("0x10", 2, KISCRM_EINVALID);
	check_reject("1.-5", 2, KISCRM_EINVALID);
	/* A syntax error wins over an overflow that happens before it. */
	check_reject("99999999999999999999x", 2, KISCRM_EINVALID);

	kiscrm_money v = 42;
	assert_rc(KISCRM_EINVALID, kiscrm_money_parse(NULL, "1", 2));
	assert_rc(KISCRM_EINVALID, kiscrm_money_parse(&v, NULL, 2));
	assert_int_equal(v, 42);
}

static void test_parse_limits(void **state)
{
	(void)state;
	/* INT64_MAX = 9223372036854775807 = 92233720368547758.07 yuan with 2 decimals;
	 * INT64_MIN = -9223372036854775808 = -92233720368547758.08. */
	check_parse("92233720368547758.07", 2, INT64_MAX);
	check_parse("92,233,720,368,547,758.07", 2, INT64_MAX);
	check_reject("92233720368547758.08", 2, KISCRM_EOVERFLOW);
	assert_msg_has("92233720368547758.08");
	check_parse("-92233720368547758.08", 2, INT64_MIN);
	check_reject("-92233720368547758.09", 2, KISCRM_EOVERFLOW);
	check_reject("99999999999999999999", 2, KISCRM_EOVERFLOW);
	/* 92233720368547759 * 100 overflows only while appending the implicit ".00". */
	check_reject("92233720368547759", 2, KISCRM_EOVERFLOW);
	check_parse("9223372036854775807", 0, INT64_MAX);
	check_reject("9223372036854775808", 0, KISCRM_EOVERFLOW);
	check_parse("-9223372036854775808", 0, INT64_MIN);
	check_reject("-9223372036854775809", 0, KISCRM_EOVERFLOW);
	/* Leading zeros do not count towards overflow. */
	check_parse("0000000000000000000000001.00", 2, 100);
}

static void check_format(kiscrm_money v, int decimals, unsigned flags, const char *want)
{
	char buf[32];
	memset(buf, 'X', sizeof(buf));
	int n = kiscrm_money_format(buf, sizeof(buf), v, decimals, flags);
	if (n < 0)
		fail_msg("format(%lld) failed: %s", (long long)v, kiscrm_error_last()->message);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format(void **state)
{
	(void)state;
	check_format(123456, 2, 0, "1234.56");
	check_format(123456, 2, KISCRM_MONEY_THOUSANDS, "1,234.56");
	check_format(-123456789, 2, KISCRM_MONEY_THOUSANDS, "-1,234,567.89");
	check_format(-123456789, 2, 0, "-1234567.89");
	check_format(-5, 2, 0, "-0.05");
	check_format(0, 2, 0, "0.00");
	check_format(0, 0, 0, "0");
	check_format(5, 0, 0, "5");
	check_format(-5, 0, 0, "-5");
	check_format(1, 3, 0, "0.001");
	check_format(1500, 3, 0, "1.500");
	check_format(999, 0, KISCRM_MONEY_THOUSANDS, "999");
	check_format(1000, 0, KISCRM_MONEY_THOUSANDS, "1,000");
	check_format(-100000, 2, KISCRM_MONEY_THOUSANDS, "-1,000.00");
	check_format(INT64_MIN, 2, 0, "-92233720368547758.08");
	check_format(INT64_MIN, 2, KISCRM_MONEY_THOUSANDS, "-92,233,720,368,547,758.08");
	check_format(INT64_MIN, 0, KISCRM_MONEY_THOUSANDS, "-9,223,372,036,854,775,808");
	check_format(INT64_MAX, 2, 0, "92233720368547758.07");
	check_format(INT64_MAX, 6, 0, "9223372036854.775807");
}

static void test_format_errors(void **state)
{
	(void)state;
	char buf[8];
	/* "1234.56" needs 7 bytes + NUL = 8. */
	assert_int_equal(kiscrm_money_format(buf, 8, 123456, 2, 0), 7);
	assert_string_equal(buf, "1234.56");
	assert_rc(KISCRM_EINVALID, kiscrm_money_format(buf, 7, 123456, 2, 0));
	assert_msg_has("too small");
	assert_rc(KISCRM_EINVALID, kiscrm_money_format(buf, 0, 1, 2, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_money_format(NULL, 32, 1, 2, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_money_format(buf, 8, 1, 7, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_money_format(buf, 8, 1, -1, 0));
	/* The widest value fits in 32 bytes, as documented. */
	char big[32];
	assert_int_equal(kiscrm_money_format(big, sizeof(big), INT64_MIN, 0,
					     KISCRM_MONEY_THOUSANDS),
			 26);
}

static void test_format_roundtrip(void **state)
{
	(void)state;
	static const kiscrm_money values[] = {
		0, 1, -1, 9, 10, 99, 100, 999, 1000, 12345, -12345, 999999, 1000000,
		123456789, -987654321, 4294967296LL, INT64_MAX, INT64_MIN, INT64_MIN + 1,
		INT64_MAX - 1,
	};
	for (int d = 0; d <= 6; d++) {
		for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
			for (unsigned f = 0; f <= KISCRM_MONEY_THOUSANDS; f++) {
				char buf[32];
				kiscrm_money back = 0;
				assert_true(kiscrm_money_format(buf, sizeof(buf), values[i], d,
								f) > 0);
				assert_rc(KISCRM_OK, kiscrm_money_parse(&back, buf, d));
				assert_int_equal(back, values[i]);
			}
		}
	}
}

static void check_scale(kiscrm_money amount, int64_t num, int64_t den, kiscrm_money want)
{
	kiscrm_money out = 42;
	assert_rc(KISCRM_OK, kiscrm_money_scale(&out, amount, num, den));
	if (out != want)
		fail_msg("scale(%lld, %lld, %lld) = %lld, want %lld", (long long)amount,
			 (long long)num, (long long)den, (long long)out, (long long)want);
}

static void test_scale(void **state)
{
	(void)state;
	/* 12345 * 30 = 370350; / 100 = 3703.5 -> half away from zero. */
	check_scale(12345, 30, 100, 3704);
	check_scale(-12345, 30, 100, -3704);
	check_scale(12345, -30, 100, -3704);
	check_scale(12345, 30, -100, -3704);
	check_scale(-12345, -30, 100, 3704);
	check_scale(-12345, 30, -100, 3704);
	check_scale(10, 1, 3, 3);   /* 3.33 */
	check_scale(20, 1, 3, 7);   /* 6.67 */
	check_scale(-20, 1, 3, -7);
	check_scale(1, 1, 2, 1);    /* 0.5 */
	check_scale(-1, 1, 2, -1);
	check_scale(1, 49, 100, 0); /* 0.49 */
	check_scale(0, 5, 7, 0);
	check_scale(100, 0, 7, 0);
	check_scale(12345, 100, 100, 12345);
	/* Products beyond 64 bits are fine when the result fits. */
	check_scale(INT64_MAX, 2, 2, INT64_MAX);
	check_scale(INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX);
	check_scale(INT64_MIN, 1, 1, INT64_MIN);
	check_scale(INT64_MIN, 1, 2, INT64_MIN / 2);
	/* 2^62 * 3 / 4 = 3 * 2^60 exactly. */
	check_scale(INT64_C(4611686018427387904), 3, 4, INT64_C(3458764513820540928));
}

static void test_scale_errors(void **state)
{
	(void)state;
	kiscrm_money out = 42;
	assert_rc(KISCRM_EINVALID, kiscrm_money_scale(&out, 100, 1, 0));
	assert_msg_has("denominator");
	assert_rc(KISCRM_EINVALID, kiscrm_money_scale(NULL, 100, 1, 2));
	assert_rc(KISCRM_EOVERFLOW, kiscrm_money_scale(&out, INT64_MAX, 3, 2));
	assert_rc(KISCRM_EOVERFLOW, kiscrm_money_scale(&out, INT64_MIN, 1, -1)); /* 2^63 */
	assert_rc(KISCRM_EOVERFLOW, kiscrm_money_scale(&out, INT64_MIN, -1, 1));
	assert_int_equal(out, 42);
}

static void check_split(kiscrm_money total, const int64_t *w, size_t n, const kiscrm_money *want)
{
	kiscrm_money parts[16];
	assert_true(n <= 16);
	assert_rc(KISCRM_OK, kiscrm_money_split(parts, total, w, n));
	for (size_t i = 0; i < n; i++)
		if (parts[i] != want[i])
			fail_msg("split(%lld) part %zu = %lld, want %lld", (long long)total, i,
				 (long long)parts[i], (long long)want[i]);
}

static void test_split(void **state)
{
	(void)state;
	/* 100/3 = 33 r 1 each; the one leftover goes to the lowest index. */
	check_split(100, (int64_t[]){ 1, 1, 1 }, 3, (kiscrm_money[]){ 34, 33, 33 });
	check_split(-100, (int64_t[]){ 1, 1, 1 }, 3, (kiscrm_money[]){ -34, -33, -33 });
	/* The 20/25/25/30 % yearly decomposition of 1000 divides exactly. */
	check_split(1000, (int64_t[]){ 20, 25, 25, 30 }, 4,
		    (kiscrm_money[]){ 200, 250, 250, 300 });
	check_split(-1000, (int64_t[]){ 20, 25, 25, 30 }, 4,
		    (kiscrm_money[]){ -200, -250, -250, -300 });
	/* 100 by 1:2:3 (W = 6): 100/6 = 16 r 4, 200/6 = 33 r 2, 300/6 = 50 r 0; floors sum
	 * to 99 and the leftover unit goes to the largest remainder (index 0). */
	check_split(100, (int64_t[]){ 1, 2, 3 }, 3, (kiscrm_money[]){ 17, 33, 50 });
	/* 10 by 3:3:4 (W = 10) is exact. */
	check_split(10, (int64_t[]){ 3, 3, 4 }, 3, (kiscrm_money[]){ 3, 3, 4 });
	/* Largest remainder is not always the first index: 10 by 1:1:8 (W = 10) is exact,
	 * but 11 by 1:1:8: 11/10 = 1 r 1, 1 r 1, 88/10 = 8 r 8 -> floors 10, +1 to index 2. */
	check_split(11, (int64_t[]){ 1, 1, 8 }, 3, (kiscrm_money[]){ 1, 1, 9 });
	/* Zero weights get nothing, even when there is a leftover: 101 by 1:0:1 gives 50 r 1
	 * at indices 0 and 2; the tie goes to index 0. */
	check_split(100, (int64_t[]){ 0, 1, 1 }, 3, (kiscrm_money[]){ 0, 50, 50 });
	check_split(101, (int64_t[]){ 1, 0, 1 }, 3, (kiscrm_money[]){ 51, 0, 50 });
	check_split(-101, (int64_t[]){ 1, 0, 1 }, 3, (kiscrm_money[]){ -51, 0, -50 });
	/* 5 over 7 equal parts: each 0 r 5, five leftover units go to indices 0..4. */
	check_split(5, (int64_t[]){ 1, 1, 1, 1, 1, 1, 1 }, 7,
		    (kiscrm_money[]){ 1, 1, 1, 1, 1, 0, 0 });
	check_split(-5, (int64_t[]){ 1, 1, 1, 1, 1, 1, 1 }, 7,
		    (kiscrm_money[]){ -1, -1, -1, -1, -1, 0, 0 });
	check_split(0, (int64_t[]){ 1, 2 }, 2, (kiscrm_money[]){ 0, 0 });
	check_split(123, (int64_t[]){ 5 }, 1, (kiscrm_money[]){ 123 });
	/* Extremes: INT64_MIN = -2^63 halves exactly into -2^62 twice; INT64_MAX is odd,
	 * so the halves are 2^62 - 1 r 1 each and index 0 gets the extra unit. */
	check_split(INT64_MIN, (int64_t[]){ 1, 1 }, 2,
		    (kiscrm_money[]){ INT64_MIN / 2, INT64_MIN / 2 });
	check_split(INT64_MIN, (int64_t[]){ 7 }, 1, (kiscrm_money[]){ INT64_MIN });
	check_split(INT64_MAX, (int64_t[]){ 1, 1 }, 2,
		    (kiscrm_money[]){ INT64_MAX / 2 + 1, INT64_MAX / 2 });
	/* Huge weights whose sum exceeds int64 still split correctly. */
	check_split(100, (int64_t[]){ INT64_MAX, INT64_MAX }, 2, (kiscrm_money[]){ 50, 50 });
	check_split(INT64_MAX, (int64_t[]){ INT64_MAX, 0 }, 2,
		    (kiscrm_money[]){ INT64_MAX, 0 });
}

static void test_split_sums(void **state)
{
	(void)state;
	/* Whatever the inputs, the parts add up to the total exactly. */
	static const kiscrm_money totals[] = { 1, 7, 99, 100, 12345, -12345, 1000000007 };
	static const int64_t w[] = { 3, 0, 7, 11, 1, 13, 2, 0, 5 };
	for (size_t t = 0; t < sizeof(totals) / sizeof(totals[0]); t++) {
		for (size_t n = 1; n <= sizeof(w) / sizeof(w[0]); n++) {
			kiscrm_money parts[9], sum = 0;
			int64_t wsum = 0;
			for (size_t i = 0; i < n; i++)
				wsum += w[i];
			if (wsum == 0)
				continue;
			assert_rc(KISCRM_OK, kiscrm_money_split(parts, totals[t], w, n));
			for (size_t i = 0; i < n; i++)
				sum += parts[i];
			assert_int_equal(sum, totals[t]);
		}
	}
}

static void test_split_errors(void **state)
{
	(void)state;
	kiscrm_money parts[3] = { 42, 42, 42 };
	assert_rc(KISCRM_EINVALID,
		  kiscrm_money_split(parts, 100, (int64_t[]){ 0, 0, 0 }, 3));
	assert_msg_has("zero");
	assert_rc(KISCRM_EINVALID,
		  kiscrm_money_split(parts, 100, (int64_t[]){ 1, -2, 1 }, 3));
	assert_msg_has("-2");
	assert_rc(KISCRM_EINVALID, kiscrm_money_split(parts, 100, (int64_t[]){ 1 }, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_money_split(NULL, 100, (int64_t[]){ 1 }, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_money_split(parts, 100, NULL, 1));
	assert_int_equal(parts[0], 42);
	assert_int_equal(parts[1], 42);
	assert_int_equal(parts[2], 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_basic),
		cmocka_unit_test(test_parse_decimals),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_errors),
		cmocka_unit_test(test_format_roundtrip),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_scale_errors),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_sums),
		cmocka_unit_test(test_split_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

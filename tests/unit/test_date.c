/* Calendar arithmetic. Epoch day numbers are worked out by hand in the comments:
 * a common year has 365 days, and between 1970 and 2026 the leap years are
 * 1972, 1976, …, 2024 = (2024 - 1972) / 4 + 1 = 14 years. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

static kiscrm_date ymd(int y, int m, int d)
{
	kiscrm_date out = 0;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

/* 2026-01-01 = 56 * 365 + 14 = 20454 (see above). */
#define D_2026_01_01 20454
/* 2026-11-25 = 20454 + (31+28+31+30+31+30+31+31+30+31 = 304) + 24 = 20782. */
#define D_2026_11_25 20782

static void test_epoch_values(void **state)
{
	(void)state;
	assert_int_equal(ymd(1970, 1, 1), 0);
	assert_int_equal(ymd(1970, 1, 2), 1);
	assert_int_equal(ymd(1969, 12, 31), -1);
	/* 2000-01-01 = 30 * 365 + 7 leap years (1972..1996) = 10957;
	 * 2000-03-01 = 10957 + 31 + 29 (2000 is a leap year) = 11017. */
	assert_int_equal(ymd(2000, 1, 1), 10957);
	assert_int_equal(ymd(2000, 3, 1), 11017);
	assert_int_equal(ymd(2026, 1, 1), D_2026_01_01);
	assert_int_equal(ymd(2026, 11, 25), D_2026_11_25);
	/* 2025-01-01 = 20454 - 365 = 20089; 2025-11-25 = 20089 + 304 + 24 = 20417. */
	assert_int_equal(ymd(2025, 11, 25), 20417);
	/* Proleptic range ends: 0001-01-01 is 719162 days before the epoch (its ordinal is
	 * 1 and 1970-01-01's is 719163), 9999-12-31 has ordinal 3652059. */
	assert_int_equal(ymd(1, 1, 1), -719162);
	assert_int_equal(ymd(9999, 12, 31), 3652059 - 719163);
}

static void test_ymd_roundtrip(void **state)
{
	(void)state;
	/* Walk every day of years 1..9999: to_ymd must step the calendar one day at a
	 * time (day+1, else the 1st of the next month, else Jan 1 of the next year). */
	int py = 0, pm = 12, pd = 31;
	for (kiscrm_date d = -719162; d <= 2932896; d++) {
		int y, m, dd;
		kiscrm_date_to_ymd(d, &y, &m, &dd);
		int ok = (y == py && m == pm && dd == pd + 1) ||
			 (y == py && m == pm + 1 && dd == 1 &&
			  pd == kiscrm_date_days_in_month(py, pm)) ||
			 (y == py + 1 && m == 1 && dd == 1 && pm == 12 && pd == 31);
		if (!ok)
			fail_msg("day %d gave %d-%d-%d after %d-%d-%d", (int)d, y, m, dd, py, pm,
				 pd);
		kiscrm_date back;
		assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&back, y, m, dd));
		if (back != d)
			fail_msg("day %d -> %d-%d-%d -> %d", (int)d, y, m, dd, (int)back);
		py = y;
		pm = m;
		pd = dd;
	}
	assert_int_equal(py, 9999);
	kiscrm_date_to_ymd(0, NULL, NULL, NULL); /* NULL outputs are allowed */
}

static void test_leap_years(void **state)
{
	(void)state;
	kiscrm_date d;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&d, 2024, 2, 29));
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&d, 2000, 2, 29));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2100, 2, 29));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 1900, 2, 29));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 2, 29));
	assert_int_equal(kiscrm_date_days_in_month(2024, 2), 29);
	assert_int_equal(kiscrm_date_days_in_month(2000, 2), 29);
	assert_int_equal(kiscrm_date_days_in_month(2100, 2), 28);
	assert_int_equal(kiscrm_date_days_in_month(2026, 2), 28);
	assert_int_equal(kiscrm_date_days_in_month(2026, 1), 31);
	assert_int_equal(kiscrm_date_days_in_month(2026, 4), 30);
	assert_int_equal(kiscrm_date_days_in_month(2026, 12), 31);
	assert_int_equal(kiscrm_date_days_in_month(2026, 0), 0);
	assert_int_equal(kiscrm_date_days_in_month(2026, 13), 0);
}

static void test_from_ymd_errors(void **state)
{
	(void)state;
	kiscrm_date d = 42;
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 0, 1, 1));
	assert_msg_has("year");
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 10000, 1, 1));
	assert_msg_has("10000");
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 0, 1));
	assert_msg_has("month");
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 13, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 1, 0));
	assert_msg_has("day");
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 1, 32));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(&d, 2026, 4, 31));
	assert_rc(KISCRM_EINVALID, kiscrm_date_from_ymd(NULL, 2026, 1, 1));
	assert_int_equal(d, 42);
}

static void test_parse_format(void **state)
{
	(void)state;
	kiscrm_date d = 0;
	assert_rc(KISCRM_OK, kiscrm_date_parse(&d, "2026-11-25"));
	assert_int_equal(d, D_2026_11_25);
	assert_rc(KISCRM_OK, kiscrm_date_parse(&d, "1970-01-01"));
	assert_int_equal(d, 0);
	assert_rc(KISCRM_OK, kiscrm_date_parse(&d, "0001-01-01"));
	assert_int_equal(d, -719162);
	assert_rc(KISCRM_OK, kiscrm_date_parse(&d, "2024-02-29"));

	char buf[11];
	assert_int_equal(kiscrm_date_format(buf, sizeof(buf), D_2026_11_25), 10);
	assert_string_equal(buf, "2026-11-25");
	assert_int_equal(kiscrm_date_format(buf, sizeof(buf), -1), 10);
	assert_string_equal(buf, "1969-12-31");
	assert_int_equal(kiscrm_date_format(buf, sizeof(buf), -719162), 10);
	assert_string_equal(buf, "0001-01-01");
	assert_int_equal(kiscrm_date_format(buf, sizeof(buf), 2932896), 10);
	assert_string_equal(buf, "9999-12-31");

	assert_rc(KISCRM_EINVALID, kiscrm_date_format(buf, 10, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_date_format(NULL, 11, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_date_format(buf, sizeof(buf), -719163)); /* year 0 */
	assert_rc(KISCRM_EINVALID, kiscrm_date_format(buf, sizeof(buf), 2932897)); /* 10000 */
	assert_rc(KISCRM_EINVALID, kiscrm_date_format(buf, sizeof(buf), KISCRM_DATE_NONE));
}

static void test_parse_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-02-30", "2026-2-3", "2026-02-3", "20260225", "2026/02/25", "",
		"abcd-ef-gh", "2026-02-25 ", " 2026-02-25", "0000-01-01", "2026-13-01",
		"2026-00-10", "2026-01-00", "2026-01-32", "2100-02-29", "+202-01-01",
		"2026-01-1x", "2026-11-25T00:00:00Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kiscrm_date d = 42;
		if (kiscrm_date_parse(&d, bad[i]) != KISCRM_EINVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(d, 42);
		char quoted[64];
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_msg_has(quoted);
	}
	kiscrm_date d;
	assert_rc(KISCRM_EINVALID, kiscrm_date_parse(&d, "2026-02-30"));
	assert_msg_has("day 30");
	assert_rc(KISCRM_EINVALID, kiscrm_date_parse(&d, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_date_parse(NULL, "2026-01-01"));
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(kiscrm_date_weekday(0), 4);  /* 1970-01-01 was a Thursday */
	assert_int_equal(kiscrm_date_weekday(-1), 3); /* 1969-12-31 Wednesday */
	assert_int_equal(kiscrm_date_weekday(4), 1);  /* 1970-01-05 Monday */
	assert_int_equal(kiscrm_date_weekday(-4), 7); /* 1969-12-28 Sunday */
	/* 20454 = 7 * 2922, so 2026-01-01 is a whole number of weeks after a Thursday. */
	assert_int_equal(kiscrm_date_weekday(ymd(2026, 1, 1)), 4);
	assert_int_equal(kiscrm_date_weekday(ymd(2027, 1, 1)), 5);    /* +365 = 52w + 1 */
	assert_int_equal(kiscrm_date_weekday(ymd(2024, 12, 30)), 1);
	assert_int_equal(kiscrm_date_weekday(ymd(2026, 11, 25)), 3); /* 20782 - 20454 = 328 = 46w + 6 */
}

static void check_iso(int y, int m, int d, int want_year, int want_week)
{
	int iy = 0, w = 0;
	kiscrm_date_iso_week(ymd(y, m, d), &iy, &w);
	if (iy != want_year || w != want_week)
		fail_msg("%04d-%02d-%02d: got %d-W%02d, want %d-W%02d", y, m, d, iy, w,
			 want_year, want_week);
}

static void test_iso_week(void **state)
{
	(void)state;
	check_iso(2026, 1, 1, 2026, 1);    /* Thursday: week 1 holds it */
	check_iso(2025, 12, 29, 2026, 1);  /* the Monday of that week */
	check_iso(2025, 12, 28, 2025, 52); /* the Sunday before */
	check_iso(2027, 1, 1, 2026, 53);   /* Friday: its Thursday is 2026-12-31 */
	check_iso(2027, 1, 3, 2026, 53);   /* Sunday */
	check_iso(2027, 1, 4, 2027, 1);    /* Monday */
	check_iso(2026, 12, 31, 2026, 53);
	check_iso(2024, 12, 30, 2025, 1);  /* Monday whose Thursday is 2025-01-02 */
	check_iso(2024, 12, 29, 2024, 52);
	check_iso(2021, 1, 3, 2020, 53);   /* 2021-01-01 was a Friday */
	/* 2026-11-25 is a Wednesday; its Thursday is day 329 of 2026 (0-based) and week 1's
	 * Thursday is day 0, so it is 329 / 7 = 47 weeks later: W48. */
	check_iso(2026, 11, 25, 2026, 48);
	int w = 0;
	kiscrm_date_iso_week(0, NULL, &w); /* NULL outputs allowed */
	assert_int_equal(w, 1);            /* 1970-01-01 Thursday */
	kiscrm_date_iso_week(0, NULL, NULL);
}

static void test_week_start(void **state)
{
	(void)state;
	kiscrm_date wed = D_2026_11_25; /* Wednesday */
	assert_int_equal(kiscrm_date_week_start(wed, 1), wed - 2); /* Mon 2026-11-23 */
	assert_int_equal(kiscrm_date_week_start(wed, 7), wed - 3); /* Sun 2026-11-22 */
	assert_int_equal(kiscrm_date_week_start(wed, 3), wed);     /* Wednesday itself */
	assert_int_equal(kiscrm_date_week_start(wed, 4), wed - 6); /* Thu 2026-11-19 */
	assert_int_equal(kiscrm_date_week_start(wed, 6), wed - 4); /* Sat 2026-11-21 */
	kiscrm_date sun = wed - 3;
	assert_int_equal(kiscrm_date_week_start(sun, 1), sun - 6);
	assert_int_equal(kiscrm_date_week_start(sun, 7), sun);
	/* Out-of-range first_weekday means Monday. */
	assert_int_equal(kiscrm_date_week_start(wed, 0), wed - 2);
	assert_int_equal(kiscrm_date_week_start(wed, 8), wed - 2);
	assert_int_equal(kiscrm_date_week_start(wed, -3), wed - 2);
	/* Before the epoch: 1969-12-31 (Wednesday) -> Monday 1969-12-29. */
	assert_int_equal(kiscrm_date_week_start(-1, 1), -3);
}

static void test_months(void **state)
{
	(void)state;
	assert_int_equal(kiscrm_date_month_start(D_2026_11_25), ymd(2026, 11, 1));
	assert_int_equal(kiscrm_date_month_start(D_2026_11_25), D_2026_11_25 - 24);
	assert_int_equal(kiscrm_date_month_start(-1), ymd(1969, 12, 1));

	assert_int_equal(kiscrm_date_add_months(ymd(2026, 1, 31), 1), ymd(2026, 2, 28));
	assert_int_equal(kiscrm_date_add_months(ymd(2024, 1, 31), 1), ymd(2024, 2, 29));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 3, 31), -1), ymd(2026, 2, 28));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 5, 31), 1), ymd(2026, 6, 30));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 11, 25), 2), ymd(2027, 1, 25));
	assert_int_equal(kiscrm_date_add_months(ymd(2024, 2, 29), 12), ymd(2025, 2, 28));
	assert_int_equal(kiscrm_date_add_months(ymd(2024, 2, 29), 48), ymd(2028, 2, 29));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 1, 15), -13), ymd(2024, 12, 15));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 1, 15), -1), ymd(2025, 12, 15));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 12, 15), 1), ymd(2027, 1, 15));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 1, 15), 0), ymd(2026, 1, 15));
	assert_int_equal(kiscrm_date_add_months(ymd(2026, 1, 15), -120), ymd(2016, 1, 15));
}

static void test_fiscal(void **state)
{
	(void)state;
	/* April start: FY 2026 runs 2026-04-01 .. 2027-03-31. */
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2027, 3, 31), 4), 2026);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2027, 3, 31), 4), 4);
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2026, 4, 1), 4), 2026);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 4, 1), 4), 1);
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2026, 3, 31), 4), 2025);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 3, 31), 4), 4);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 6, 30), 4), 1);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 7, 1), 4), 2);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 10, 1), 4), 3);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2027, 1, 1), 4), 4);
	assert_int_equal(kiscrm_date_fiscal_year_start(ymd(2027, 3, 31), 4), ymd(2026, 4, 1));
	assert_int_equal(kiscrm_date_fiscal_year_start(ymd(2026, 4, 1), 4), ymd(2026, 4, 1));
	assert_int_equal(kiscrm_date_fiscal_year_start(ymd(2026, 3, 31), 4), ymd(2025, 4, 1));

	/* Calendar fiscal year. */
	assert_int_equal(kiscrm_date_fiscal_year(D_2026_11_25, 1), 2026);
	assert_int_equal(kiscrm_date_fiscal_quarter(D_2026_11_25, 1), 4);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 3, 31), 1), 1);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 4, 1), 1), 2);
	assert_int_equal(kiscrm_date_fiscal_year_start(D_2026_11_25, 1), D_2026_01_01);
	/* Out-of-range start months mean January. */
	assert_int_equal(kiscrm_date_fiscal_year_start(D_2026_11_25, 0), D_2026_01_01);
	assert_int_equal(kiscrm_date_fiscal_year_start(D_2026_11_25, 13), D_2026_01_01);
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2026, 1, 1), -5), 2026);
	assert_int_equal(kiscrm_date_fiscal_quarter(D_2026_11_25, 99), 4);

	/* December start: FY 2026 runs 2026-12-01 .. 2027-11-30. */
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2026, 12, 1), 12), 2026);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 12, 1), 12), 1);
	assert_int_equal(kiscrm_date_fiscal_year(ymd(2026, 11, 30), 12), 2025);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2026, 11, 30), 12), 4);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2027, 2, 28), 12), 1);
	assert_int_equal(kiscrm_date_fiscal_quarter(ymd(2027, 3, 1), 12), 2);
}

static void test_periods(void **state)
{
	(void)state;
	kiscrm_date d = D_2026_11_25; /* Wednesday */
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_WEEK, 1, 1), ymd(2026, 11, 23));
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_WEEK, 7, 1), ymd(2026, 11, 22));
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_MONTH, 1, 1), ymd(2026, 11, 1));
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_QUARTER, 1, 1), ymd(2026, 10, 1));
	/* April FY: Nov is 7 months in -> Q3, which starts in October. */
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_QUARTER, 1, 4), ymd(2026, 10, 1));
	/* February FY: Nov is 9 months in -> Q4, which starts Feb + 9 months = November. */
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_QUARTER, 1, 2), ymd(2026, 11, 1));
	/* March FY: Nov is 8 months in -> Q3, which starts Mar + 6 months = September. */
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_QUARTER, 1, 3), ymd(2026, 9, 1));
	/* April FY, a January date: Q4 of FY 2025 started 2026-01-01. */
	assert_int_equal(kiscrm_period_start(ymd(2026, 2, 14), KISCRM_PERIOD_QUARTER, 1, 4),
			 ymd(2026, 1, 1));
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_YEAR, 1, 1), ymd(2026, 1, 1));
	assert_int_equal(kiscrm_period_start(d, KISCRM_PERIOD_YEAR, 1, 4), ymd(2026, 4, 1));
	assert_int_equal(kiscrm_period_start(ymd(2026, 2, 14), KISCRM_PERIOD_YEAR, 1, 4),
			 ymd(2025, 4, 1));
	/* Invalid periods are weeks. */
	assert_int_equal(kiscrm_period_start(d, 99, 1, 1), ymd(2026, 11, 23));
	assert_int_equal(kiscrm_period_start(d, 0, 7, 1), ymd(2026, 11, 22));

	assert_int_equal(kiscrm_period_next(ymd(2026, 11, 23), KISCRM_PERIOD_WEEK),
			 ymd(2026, 11, 30));
	assert_int_equal(kiscrm_period_next(ymd(2026, 12, 28), KISCRM_PERIOD_WEEK),
			 ymd(2027, 1, 4));
	assert_int_equal(kiscrm_period_next(ymd(2026, 11, 1), KISCRM_PERIOD_MONTH),
			 ymd(2026, 12, 1));
	assert_int_equal(kiscrm_period_next(ymd(2026, 12, 1), KISCRM_PERIOD_MONTH),
			 ymd(2027, 1, 1));
	assert_int_equal(kiscrm_period_next(ymd(2026, 11, 1), KISCRM_PERIOD_QUARTER),
			 ymd(2027, 2, 1));
	assert_int_equal(kiscrm_period_next(ymd(2026, 4, 1), KISCRM_PERIOD_YEAR),
			 ymd(2027, 4, 1));
	assert_int_equal(kiscrm_period_next(ymd(2026, 11, 23), 42), ymd(2026, 11, 30));
}

static void test_period_tiling(void **state)
{
	(void)state;
	/* Periods tile the calendar: walking start -> next visits every period once, and
	 * each day maps back to the period whose range contains it. */
	for (int p = KISCRM_PERIOD_WEEK; p <= KISCRM_PERIOD_YEAR; p++) {
		for (int fy = 1; fy <= 12; fy += 3) {
			kiscrm_date s = kiscrm_period_start(ymd(2024, 1, 1), p, 7, fy);
			for (int i = 0; i < 30; i++) {
				kiscrm_date n = kiscrm_period_next(s, p);
				assert_true(n > s);
				assert_int_equal(kiscrm_period_start(s, p, 7, fy), s);
				assert_int_equal(kiscrm_period_start(n - 1, p, 7, fy), s);
				assert_int_equal(kiscrm_period_start(n, p, 7, fy), n);
				s = n;
			}
		}
	}
}

static void check_time(const char *text, kiscrm_time want)
{
	kiscrm_time t = 42;
	assert_rc(KISCRM_OK, kiscrm_time_parse(&t, text));
	if (t != want)
		fail_msg("'%s' -> %lld, want %lld", text, (long long)t, (long long)want);
}

static void test_time(void **state)
{
	(void)state;
	check_time("1970-01-01T00:00:00Z", 0);
	check_time("1970-01-01 00:00:00", 0);
	check_time("1970-01-01", 0);
	check_time("1969-12-31T23:59:59Z", -1);
	check_time("1970-01-02", 86400);
	/* 20782 * 86400 = 1795564800; 13:45:30 = 46800 + 2700 + 30 = 49530. */
	check_time("2026-11-25T13:45:30Z", INT64_C(1795614330));
	check_time("2026-11-25 13:45:30", INT64_C(1795614330));
	check_time("2026-11-25", INT64_C(1795564800));
	check_time("2026-11-25T23:59:59Z", INT64_C(1795564800) + 86399);

	char buf[21];
	assert_int_equal(kiscrm_time_format(buf, sizeof(buf), 0), 20);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(kiscrm_time_format(buf, sizeof(buf), -1), 20);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	assert_int_equal(kiscrm_time_format(buf, sizeof(buf), INT64_C(1795614330)), 20);
	assert_string_equal(buf, "2026-11-25T13:45:30Z");
	/* 0001-01-01T00:00:00Z = -719162 * 86400 = -62135596800. */
	assert_int_equal(kiscrm_time_format(buf, sizeof(buf), INT64_C(-62135596800)), 20);
	assert_string_equal(buf, "0001-01-01T00:00:00Z");
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(buf, sizeof(buf), INT64_C(-62135596801)));
	/* 10000-01-01 = day 2932897: 2932897 * 86400 = 253402300800. */
	assert_int_equal(kiscrm_time_format(buf, sizeof(buf), INT64_C(253402300799)), 20);
	assert_string_equal(buf, "9999-12-31T23:59:59Z");
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(buf, sizeof(buf), INT64_C(253402300800)));
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(buf, sizeof(buf), INT64_MAX));
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(buf, sizeof(buf), INT64_MIN));
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(buf, 20, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_time_format(NULL, 21, 0));

	assert_int_equal(kiscrm_time_date(0), 0);
	assert_int_equal(kiscrm_time_date(86399), 0);
	assert_int_equal(kiscrm_time_date(86400), 1);
	assert_int_equal(kiscrm_time_date(-1), -1);
	assert_int_equal(kiscrm_time_date(-86400), -1);
	assert_int_equal(kiscrm_time_date(-86401), -2);
	assert_int_equal(kiscrm_time_date(INT64_C(1795614330)), D_2026_11_25);
}

static void test_time_rejects(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2026-11-25T13:45:30",  "2026-11-25 13:45:30Z", "2026-11-25T24:00:00Z",
		"2026-11-25T13:60:00Z", "2026-11-25T13:45:60Z", "2026-11-25t13:45:30z",
		"2026-11-25T1:45:30Z",  "2026-02-30T00:00:00Z", "",
		"now",                  "2026-11-25 13:45",     "2026-11-25T13-45-30Z",
		"2026-11-25X13:45:30Z", "2026-11-25T13:45:30+08:00", "2026-11-25 ",
		"2026-11-25T13:45:3xZ", "0000-01-01T00:00:00Z",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		kiscrm_time t = 42;
		if (kiscrm_time_parse(&t, bad[i]) != KISCRM_EINVALID)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(t, 42);
		char quoted[64];
		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		assert_msg_has(quoted);
	}
	kiscrm_time t;
	assert_rc(KISCRM_EINVALID, kiscrm_time_parse(&t, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_time_parse(NULL, "1970-01-01"));
}

static void test_time_roundtrip(void **state)
{
	(void)state;
	/* Steps of 7919 * 97 s (not a multiple of a minute) over three years. */
	for (kiscrm_time t = INT64_C(1700000000); t < INT64_C(1800000000); t += 7919 * 97) {
		char buf[21];
		kiscrm_time back;
		assert_int_equal(kiscrm_time_format(buf, sizeof(buf), t), 20);
		assert_rc(KISCRM_OK, kiscrm_time_parse(&back, buf));
		assert_int_equal(back, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_epoch_values),
		cmocka_unit_test(test_ymd_roundtrip),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_from_ymd_errors),
		cmocka_unit_test(test_parse_format),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_iso_week),
		cmocka_unit_test(test_week_start),
		cmocka_unit_test(test_months),
		cmocka_unit_test(test_fiscal),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_period_tiling),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_time_rejects),
		cmocka_unit_test(test_time_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

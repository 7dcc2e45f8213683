/* The business calendar of service-level deadlines (service/biz_calendar.h): working
 * hours with a lunch break, the 2026 Spring Festival holidays with their make-up
 * Saturdays, and a negative UTC offset. Every expected instant is worked out by hand in
 * the comment beside it; times are written in UTC ("Z"), local = UTC + 8 h unless the
 * test says otherwise. */
#include "helpers.h"
#include "service/biz_calendar.h"

#define HOUR 3600
#define MINUTE 60

/* Spring Festival 2026: Sunday 15 Feb … Monday 23 Feb, nine days. */
static kiscrm_date spring_holidays[9];
/* Make-up working Saturdays 14 Feb and 28 Feb. */
static kiscrm_date spring_workdays[2];

/* UTC+8; Monday–Friday 09:00–12:00 and 13:30–18:00 (7.5 h, lunch 12:00–13:30); no
 * weekend hours; make-up days worked like a Monday. */
static kc_biz_calendar china_calendar(void)
{
	kc_biz_calendar cal;
	memset(&cal, 0, sizeof(cal));
	for (int wd = 0; wd < 5; wd++) {
		cal.week[wd][0] = (kc_biz_span){ 9 * 60, 12 * 60 };
		cal.week[wd][1] = (kc_biz_span){ 13 * 60 + 30, 18 * 60 };
		cal.nspans[wd] = 2;
	}
	for (int i = 0; i < 9; i++)
		spring_holidays[i] = kc_test_day("2026-02-15") + i;
	spring_workdays[0] = kc_test_day("2026-02-14");
	spring_workdays[1] = kc_test_day("2026-02-28");
	cal.holidays = spring_holidays;
	cal.nholidays = 9;
	cal.workdays = spring_workdays;
	cal.nworkdays = 2;
	cal.makeup_weekday = 0;
	cal.utc_offset_min = 480;
	return cal;
}

/* Asserts kc_biz_add(t, seconds) succeeds with @expected (a "...Z" text). */
static void check_add(const kc_biz_calendar *cal, const char *t, int64_t seconds, const char *expected)
{
	kiscrm_time out = 0;
	assert_rc(KISCRM_OK, kc_biz_add(cal, kc_test_time(t), seconds, &out));
	if (out != kc_test_time(expected)) {
		char got[32];
		kiscrm_time_format(got, sizeof(got), out);
		fail_msg("%s + %lld business s = %s, expected %s", t, (long long)seconds, got, expected);
	}
}

static int64_t secs(const kc_biz_calendar *cal, const char *a, const char *b)
{
	return kc_biz_seconds(cal, kc_test_time(a), kc_test_time(b));
}

/* Asserts that kc_biz_check refuses @cal naming @field and @value. */
static void check_refused(const kc_biz_calendar *cal, const char *field, const char *value,
			  const char *needle)
{
	assert_rc(KISCRM_EINVALID, kc_biz_check(cal));
	assert_str_or_null(field, kiscrm_error_last()->field);
	assert_str_or_null(value, kiscrm_error_last()->value);
	assert_msg_has(needle);
}

static void test_weekday_and_local_day(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	assert_int_equal(3, kc_biz_weekday(0));                         /* 1970-01-01 Thursday */
	assert_int_equal(2, kc_biz_weekday(-1));                        /* 1969-12-31 Wednesday */
	assert_int_equal(5, kc_biz_weekday(kc_test_day("2026-02-14"))); /* Saturday */
	assert_int_equal(6, kc_biz_weekday(kc_test_day("2026-02-15"))); /* Sunday */
	assert_int_equal(0, kc_biz_weekday(kc_test_day("2026-02-23"))); /* Monday */
	/* 15:59:59Z = 23:59:59 local, still the 13th; 16:00Z = local midnight of the 14th */
	assert_int_equal(kc_test_day("2026-02-13"), kc_biz_local_day(&cal, kc_test_time("2026-02-13T15:59:59Z")));
	assert_int_equal(kc_test_day("2026-02-14"), kc_biz_local_day(&cal, kc_test_time("2026-02-13T16:00:00Z")));
	/* one second before the epoch, at UTC: 1969-12-31 (floor, not truncation) */
	cal.utc_offset_min = 0;
	assert_int_equal(-1, kc_biz_local_day(&cal, -1));
	/* UTC-5: 2026-03-07T02:00Z is 21:00 on Friday the 6th */
	cal.utc_offset_min = -300;
	assert_int_equal(kc_test_day("2026-03-06"), kc_biz_local_day(&cal, kc_test_time("2026-03-07T02:00:00Z")));
}

static void test_is_workday(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	assert_int_equal(0, kc_biz_is_workday(&cal, kc_test_day("2026-02-16"))); /* Monday, holiday */
	assert_int_equal(0, kc_biz_is_workday(&cal, kc_test_day("2026-02-23"))); /* Monday, last holiday */
	assert_int_equal(1, kc_biz_is_workday(&cal, kc_test_day("2026-02-24"))); /* Tuesday after */
	assert_int_equal(1, kc_biz_is_workday(&cal, kc_test_day("2026-02-14"))); /* make-up Saturday */
	assert_int_equal(1, kc_biz_is_workday(&cal, kc_test_day("2026-02-28"))); /* make-up Saturday */
	assert_int_equal(0, kc_biz_is_workday(&cal, kc_test_day("2026-03-07"))); /* plain Saturday */
	assert_int_equal(0, kc_biz_is_workday(&cal, kc_test_day("2026-03-08"))); /* plain Sunday */
	assert_int_equal(1, kc_biz_is_workday(&cal, kc_test_day("2026-03-09"))); /* plain Monday */
}

/* Opened Friday 2026-02-13 17:30 local = 09:30Z, just before the Spring Festival. */
static void test_add_over_spring_festival(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	/* 4 h: Fri 17:30–18:00 = 0.5 h; make-up Sat 14th 09:00–12:00 = 3 h (3.5 h);
	 * 13:30 + 0.5 h = Sat 14:00 local = 06:00Z */
	check_add(&cal, "2026-02-13T09:30:00Z", 4 * HOUR, "2026-02-14T06:00:00Z");
	/* 8 h: Fri 0.5 h + Sat 7.5 h uses Saturday up exactly: Sat 18:00 local = 10:00Z, not
	 * 09:00 on Tuesday the 24th */
	check_add(&cal, "2026-02-13T09:30:00Z", 8 * HOUR, "2026-02-14T10:00:00Z");
	/* 9 h: 8 h by Sat 18:00, Sun 15th … Mon 23rd are holidays; Tue 24th 09:00 + 1 h =
	 * 10:00 local = 02:00Z */
	check_add(&cal, "2026-02-13T09:30:00Z", 9 * HOUR, "2026-02-24T02:00:00Z");
	/* and back: Fri 0.5 h + Sat 7.5 h + Tue 1 h = 9 h */
	assert_int_equal(9 * HOUR, secs(&cal, "2026-02-13T09:30:00Z", "2026-02-24T02:00:00Z"));
	/* Sat 18:00 local (10:00Z) → Tue 09:00 local (01:00Z): nothing but holidays */
	assert_int_equal(0, secs(&cal, "2026-02-14T10:00:00Z", "2026-02-24T01:00:00Z"));
	/* Sat 17:00 local → Tue 10:00 local: 1 h + 1 h */
	assert_int_equal(2 * HOUR, secs(&cal, "2026-02-14T09:00:00Z", "2026-02-24T02:00:00Z"));
}

static void test_add_lunch_and_boundaries(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	/* Tue 2026-03-03 12:20 local (04:20Z), 1 h: clock starts at 13:30, ends 14:30 local
	 * = 06:30Z */
	check_add(&cal, "2026-03-03T04:20:00Z", HOUR, "2026-03-03T06:30:00Z");
	/* 11:30 local (03:30Z), 1 h: 30 min to 12:00, 13:30 + 30 min = 14:00 local = 06:00Z */
	check_add(&cal, "2026-03-03T03:30:00Z", HOUR, "2026-03-03T06:00:00Z");
	/* 09:00 local (01:00Z), 3 h: the morning exactly, 12:00 local = 04:00Z (not 13:30) */
	check_add(&cal, "2026-03-03T01:00:00Z", 3 * HOUR, "2026-03-03T04:00:00Z");
	/* 09:00 local, 7.5 h: the whole day, 18:00 local = 10:00Z */
	check_add(&cal, "2026-03-03T01:00:00Z", 7 * HOUR + 30 * MINUTE, "2026-03-03T10:00:00Z");
	/* 12:00 exactly (04:00Z), 1 s: 13:30:01 local = 05:30:01Z */
	check_add(&cal, "2026-03-03T04:00:00Z", 1, "2026-03-03T05:30:01Z");
	/* 13:30 exactly (05:30Z), 1 s: 13:30:01 local */
	check_add(&cal, "2026-03-03T05:30:00Z", 1, "2026-03-03T05:30:01Z");
	/* 18:00 exactly (10:00Z), 1 s: Wed 09:00:01 local = 01:00:01Z */
	check_add(&cal, "2026-03-03T10:00:00Z", 1, "2026-03-04T01:00:01Z");
	/* 03:00 local (Mon 2 Mar 19:00Z), 1 h: 09:00 + 1 h = 10:00 local = 02:00Z */
	check_add(&cal, "2026-03-02T19:00:00Z", HOUR, "2026-03-03T02:00:00Z");
}

static void test_add_zero_and_errors(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	kiscrm_time out = 0;
	/* 0 s at Tue 23:00 local (15:00Z) and on a Sunday: t itself, not the next morning */
	check_add(&cal, "2026-03-03T15:00:00Z", 0, "2026-03-03T15:00:00Z");
	check_add(&cal, "2026-03-08T04:00:00Z", 0, "2026-03-08T04:00:00Z");
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, kc_test_time("2026-03-03T15:00:00Z"), -1, &out));
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, 0, 1, NULL));
	assert_rc(KISCRM_EINVALID, kc_biz_add(NULL, 0, 1, &out));
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, INT64_MAX, 1, &out));
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, INT64_MIN, 1, &out));
}

static void test_seconds(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	/* Fri 2026-03-06 17:00 local (09:00Z) → Mon 2026-03-09 10:00 local (02:00Z): 1 h + 1 h */
	assert_int_equal(2 * HOUR, secs(&cal, "2026-03-06T09:00:00Z", "2026-03-09T02:00:00Z"));
	/* empty and reversed intervals */
	assert_int_equal(0, secs(&cal, "2026-03-03T02:00:00Z", "2026-03-03T02:00:00Z"));
	assert_int_equal(0, secs(&cal, "2026-03-03T03:00:00Z", "2026-03-03T02:00:00Z"));
	/* Tue 3 Mar: lunch 12:00–13:30 local (04:00Z–05:30Z) holds nothing */
	assert_int_equal(0, secs(&cal, "2026-03-03T04:00:00Z", "2026-03-03T05:30:00Z"));
	/* 11:59 → 13:31 local: one minute each side of lunch */
	assert_int_equal(2 * MINUTE, secs(&cal, "2026-03-03T03:59:00Z", "2026-03-03T05:31:00Z"));
	/* up to 12:00 exactly and from 13:30 exactly: 09:00–12:00 = 3 h, 13:30–18:00 = 4.5 h */
	assert_int_equal(3 * HOUR, secs(&cal, "2026-03-03T01:00:00Z", "2026-03-03T04:00:00Z"));
	assert_int_equal(4 * HOUR + 30 * MINUTE, secs(&cal, "2026-03-03T05:30:00Z", "2026-03-03T10:00:00Z"));
	/* local midnight to midnight (Mon 2 Mar 16:00Z → Tue 3 Mar 16:00Z): 7.5 h */
	assert_int_equal(27000, secs(&cal, "2026-03-02T16:00:00Z", "2026-03-03T16:00:00Z"));
	/* a plain week, Mon 2 Mar 00:00 local → Mon 9 Mar 00:00 local: 5 × 7.5 h */
	assert_int_equal(5 * 27000, secs(&cal, "2026-03-01T16:00:00Z", "2026-03-08T16:00:00Z"));
	/* February 2026 local (1 Feb is a Sunday, 28 days = 4 weeks): 20 weekdays, minus the
	 * holidays Mon 16 … Fri 20 and Mon 23 (6), plus make-up Saturdays 14 and 28 (2) =
	 * 16 days × 27000 s = 432000 */
	assert_int_equal(432000, secs(&cal, "2026-01-31T16:00:00Z", "2026-02-28T16:00:00Z"));
	/* instants beyond the years 1…9999 count as nothing (and do not overflow) */
	assert_int_equal(0, kc_biz_seconds(&cal, INT64_MAX - 10, INT64_MAX));
	assert_int_equal(0, kc_biz_seconds(&cal, INT64_MIN, INT64_MIN + 10));
}

/* UTC-5 (e.g. New York in winter), Monday–Friday 09:00–17:00, no holidays. */
static void test_negative_offset(void **state)
{
	(void)state;
	kc_biz_calendar cal;
	memset(&cal, 0, sizeof(cal));
	for (int wd = 0; wd < 5; wd++) {
		cal.week[wd][0] = (kc_biz_span){ 9 * 60, 17 * 60 };
		cal.nspans[wd] = 1;
	}
	cal.utc_offset_min = -300;
	assert_rc(KISCRM_OK, kc_biz_check(&cal));
	/* Fri 2026-03-06 16:00 local = 21:00Z, 2 h: 1 h to 17:00, Mon 9 Mar 09:00 + 1 h =
	 * 10:00 local = 15:00Z */
	check_add(&cal, "2026-03-06T21:00:00Z", 2 * HOUR, "2026-03-09T15:00:00Z");
	assert_int_equal(2 * HOUR, secs(&cal, "2026-03-06T21:00:00Z", "2026-03-09T15:00:00Z"));
	/* Saturday 00:00Z is still Friday 19:00 local: 16:30 → 19:00 local holds 30 min */
	assert_int_equal(30 * MINUTE, secs(&cal, "2026-03-06T21:30:00Z", "2026-03-07T00:00:00Z"));
	/* Mon 9 Mar 08:00Z is Mon 03:00 local, before opening: 1 h → 10:00 local = 15:00Z */
	check_add(&cal, "2026-03-09T08:00:00Z", HOUR, "2026-03-09T15:00:00Z");
}

/* A calendar used by property checks below: for many starts and budgets the result of
 * kc_biz_add is where kc_biz_seconds reaches the budget, and one second earlier it
 * has not (the earliest instant). */
static void test_add_matches_seconds(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	static const int64_t budgets[] = { 1, 59, 1799, HOUR, 3 * HOUR, 27000, 27001, 100000, 432000 };
	kiscrm_time from = kc_test_time("2026-02-09T00:00:00Z"), to = kc_test_time("2026-03-03T00:00:00Z");
	for (kiscrm_time t = from; t < to; t += 47 * MINUTE) {
		for (size_t i = 0; i < sizeof(budgets) / sizeof(budgets[0]); i++) {
			kiscrm_time out = 0;
			assert_rc(KISCRM_OK, kc_biz_add(&cal, t, budgets[i], &out));
			assert_int_equal(budgets[i], kc_biz_seconds(&cal, t, out));
			assert_int_equal(budgets[i] - 1, kc_biz_seconds(&cal, t, out - 1));
		}
	}
}

/* A calendar worked on Mondays only, 09:00–10:00 UTC, with every Monday a holiday for a
 * while: kc_biz_add must give up after 20 years instead of looping on. */
static void test_add_gives_up(void **state)
{
	(void)state;
	static kiscrm_date mondays[1100];
	kc_biz_calendar cal;
	kiscrm_time out = 0;
	kiscrm_date first = kc_test_day("2026-03-02"); /* a Monday */
	for (int i = 0; i < 1100; i++)
		mondays[i] = first + 7 * i;
	memset(&cal, 0, sizeof(cal));
	cal.week[0][0] = (kc_biz_span){ 9 * 60, 10 * 60 };
	cal.nspans[0] = 1;
	cal.holidays = mondays;
	/* 1100 Mondays = 7700 days ≈ 21.1 years > 20 years (7305 days): refused */
	cal.nholidays = 1100;
	assert_rc(KISCRM_OK, kc_biz_check(&cal));
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, kc_test_time("2026-03-02T00:00:00Z"), 1, &out));
	assert_msg_has("20 years");
	/* 1000 Mondays = 7000 days < 7305: the first free Monday is 2026-03-02 + 7000 days.
	 * 2026-03-02 + 19 years = 2045-03-02 is 19 × 365 + 5 leap days (2028 … 2044) = 6940
	 * days; 60 more = 2045-05-01 (29 days to 31 Mar, 30 in April, 1 May); 09:00:01Z. */
	cal.nholidays = 1000;
	assert_int_equal(first + 7000, kc_test_day("2045-05-01"));
	check_add(&cal, "2026-03-02T00:00:00Z", 1, "2045-05-01T09:00:01Z");
	/* a calendar without any hours (kc_biz_check would refuse it) */
	memset(&cal, 0, sizeof(cal));
	assert_rc(KISCRM_EINVALID, kc_biz_add(&cal, 0, 1, &out));
}

static void test_check(void **state)
{
	(void)state;
	kc_biz_calendar cal = china_calendar();
	assert_rc(KISCRM_OK, kc_biz_check(&cal));
	assert_rc(KISCRM_EINVALID, kc_biz_check(NULL));

	/* Monday 09:00–12:30 then 12:00–13:30 */
	cal.week[0][0] = (kc_biz_span){ 9 * 60, 12 * 60 + 30 };
	cal.week[0][1] = (kc_biz_span){ 12 * 60, 13 * 60 + 30 };
	check_refused(&cal, "week[0]", "12:00-13:30", "week[0]: 12:00-13:30 overlaps 09:00-12:30");
	/* touching spans are fine: [09:00, 12:00) then [12:00, 13:30) */
	cal.week[0][0].end = 12 * 60;
	assert_rc(KISCRM_OK, kc_biz_check(&cal));

	cal = china_calendar();
	cal.week[2][1] = (kc_biz_span){ 18 * 60, 9 * 60 }; /* Wednesday 18:00–09:00 */
	check_refused(&cal, "week[2]", "18:00-09:00", "empty");
	cal.week[2][1] = (kc_biz_span){ 9 * 60, 9 * 60 }; /* empty */
	check_refused(&cal, "week[2]", "09:00-09:00", "empty");

	cal = china_calendar();
	cal.week[1][0] = (kc_biz_span){ 13 * 60 + 30, 18 * 60 }; /* Tuesday afternoon first */
	cal.week[1][1] = (kc_biz_span){ 9 * 60, 12 * 60 };
	check_refused(&cal, "week[1]", "09:00-12:00", "listed after 13:30-18:00");

	cal = china_calendar();
	cal.week[4][1].end = 1441;
	check_refused(&cal, "week[4]", "13:30-1441", "outside");
	cal.week[4][1] = (kc_biz_span){ -30, 600 };
	check_refused(&cal, "week[4]", "-30-10:00", "outside");
	cal.week[4][1] = (kc_biz_span){ 13 * 60 + 30, 1440 }; /* until midnight is allowed */
	assert_rc(KISCRM_OK, kc_biz_check(&cal));

	cal = china_calendar();
	cal.nspans[3] = 5;
	check_refused(&cal, "nspans[3]", "5", "0..4");

	cal = china_calendar();
	memset(cal.nspans, 0, sizeof(cal.nspans));
	check_refused(&cal, "week", NULL, "no working hours");

	cal = china_calendar();
	kiscrm_date unsorted[3] = { kc_test_day("2026-02-15"), kc_test_day("2026-02-17"), kc_test_day("2026-02-16") };
	cal.holidays = unsorted;
	cal.nholidays = 3;
	check_refused(&cal, "holidays[2]", "2026-02-16", "comes before holidays[1]");
	unsorted[2] = unsorted[1];
	check_refused(&cal, "holidays[2]", "2026-02-17", "repeats");

	cal = china_calendar();
	kiscrm_date both[2] = { kc_test_day("2026-02-14"), kc_test_day("2026-02-16") };
	cal.workdays = both; /* 16 Feb is also holidays[1] */
	check_refused(&cal, "workdays[1]", "2026-02-16", "also holidays[1]");
	cal.workdays = NULL;
	check_refused(&cal, "workdays", NULL, "NULL");

	cal = china_calendar();
	cal.makeup_weekday = 7;
	check_refused(&cal, "makeup_weekday", "7", "outside");
	cal.makeup_weekday = 5; /* Saturday has no hours to lend the make-up days */
	check_refused(&cal, "makeup_weekday", "5", "no hours");

	cal = china_calendar();
	cal.utc_offset_min = 841;
	check_refused(&cal, "utc_offset_min", "841", "outside");
	cal.utc_offset_min = -721;
	check_refused(&cal, "utc_offset_min", "-721", "outside");
	cal.utc_offset_min = 840; /* Kiribati, UTC+14 */
	assert_rc(KISCRM_OK, kc_biz_check(&cal));
	cal.utc_offset_min = -720;
	assert_rc(KISCRM_OK, kc_biz_check(&cal));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekday_and_local_day),
		cmocka_unit_test(test_is_workday),
		cmocka_unit_test(test_add_over_spring_festival),
		cmocka_unit_test(test_add_lunch_and_boundaries),
		cmocka_unit_test(test_add_zero_and_errors),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_negative_offset),
		cmocka_unit_test(test_add_matches_seconds),
		cmocka_unit_test(test_add_gives_up),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Activities (kiscrm/activity.h): rules, recurring series with exceptions, overlaps and
 * the iCalendar export. Every expected list is worked out by hand in the comments from
 * the calendar (2026-11-23 is a Monday). Runs on both backends. */
#include "helpers.h"
#include "kiscrm/sys/kpi_metric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, other, cust;
} world;

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->other = kc_test_staff(w->db, "李四", dept, "sales_rep");
	w->cust = kc_test_customer(w->db, "北京甲科技有限公司");
	*state = w;
	return 0;
}

#define T kc_test_time

/* Inserts an activity; returns its id, or the error code (< 0). */
static kiscrm_id activity(world *w, kiscrm_id owner, const char *type, const char *subject, const char *start,
			  int minutes, const char *rrule, const char *status)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_TYPE, type);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_SUBJECT, subject);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_START, T(start));
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_DURATION_MIN, minutes);
	if (rrule)
		kiscrm_record_set_text(r, KISCRM_ACTIVITY_RRULE, rrule);
	if (status)
		kiscrm_record_set_text(r, KISCRM_ACTIVITY_STATUS, status);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_id id = rc == KISCRM_OK ? kiscrm_record_id(r) : rc;
	kiscrm_record_free(r);
	return id;
}

static kiscrm_id exception(world *w, kiscrm_id act, const char *original, const char *moved, int cancelled)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY_EXCEPTION);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID, act);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START, T(original));
	if (moved)
		kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_NEW_START, T(moved));
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_CANCELLED, cancelled);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_id id = rc == KISCRM_OK ? kiscrm_record_id(r) : rc;
	kiscrm_record_free(r);
	return id;
}

static kiscrm_table *occurrences(world *w, const char *from, const char *to, kiscrm_id owner)
{
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	kiscrm_table *t = NULL;
	q.from = T(from);
	q.to = T(to);
	q.owner_id = owner;
	assert_int_equal(KISCRM_OK, kiscrm_activity_occurrences(&t, w->db, &q));
	return t;
}

/* The starts of a table's rows as "YYYY-MM-DDTHH:MM:SSZ" joined by spaces. */
static void starts(const kiscrm_table *t, char *buf, size_t size)
{
	int col = kiscrm_table_column_index(t, "start");
	buf[0] = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		char one[32];
		kiscrm_time_format(one, sizeof(one), kiscrm_table_int(t, r, (size_t)col));
		if (r)
			strncat(buf, " ", size - strlen(buf) - 1);
		strncat(buf, one, size - strlen(buf) - 1);
	}
}

/* WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6 from Monday 2026-11-23 09:00: the weeks of 11-23,
 * 12-07 and 12-21 (every other week), Monday and Wednesday of each = 11-23, 11-25, 12-07,
 * 12-09, 12-21, 12-23 (six: COUNT reached). Exceptions: 11-25 moved to Thursday 11-26
 * 14:00; 12-07 cancelled. In November and December: 11-23, 11-26 14:00 (moved), 12-09,
 * 12-21, 12-23. In December only: 12-09, 12-21, 12-23 (the moved one is in November). */
static void test_weekly_series_with_exceptions(void **state)
{
	world *w = *state;
	char got[512];
	kiscrm_id s = activity(w, w->rep, "call_back", "每两周电话回访", "2026-11-23T09:00:00Z", 30,
			       "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6", NULL);
	assert_true(s > 0);
	assert_true(exception(w, s, "2026-11-25T09:00:00Z", "2026-11-26T14:00:00Z", 0) > 0);
	assert_true(exception(w, s, "2026-12-07T09:00:00Z", NULL, 1) > 0);

	kiscrm_table *t = occurrences(w, "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", 0);
	starts(t, got, sizeof(got));
	assert_string_equal("2026-11-23T09:00:00Z 2026-11-26T14:00:00Z 2026-12-09T09:00:00Z "
			    "2026-12-21T09:00:00Z 2026-12-23T09:00:00Z", got);
	/* the moved one is marked; its end is its new start + 30 minutes */
	int ex = kiscrm_table_column_index(t, "exception"), end = kiscrm_table_column_index(t, "end");
	assert_int_equal(0, kiscrm_table_int(t, 0, (size_t)ex));
	assert_int_equal(1, kiscrm_table_int(t, 1, (size_t)ex));
	assert_int_equal(T("2026-11-26T14:30:00Z"), kiscrm_table_int(t, 1, (size_t)end));
	assert_string_equal("planned", kiscrm_table_text(t, 0, (size_t)kiscrm_table_column_index(t, "status")));
	kiscrm_table_free(t);

	t = occurrences(w, "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", w->rep);
	starts(t, got, sizeof(got));
	assert_string_equal("2026-12-09T09:00:00Z 2026-12-21T09:00:00Z 2026-12-23T09:00:00Z", got);
	kiscrm_table_free(t);
	/* another person's calendar is empty */
	t = occurrences(w, "2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z", w->other);
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);

	/* an exception must name an occurrence, and only one per occurrence */
	assert_int_equal(KISCRM_EINVALID, exception(w, s, "2026-11-24T09:00:00Z", NULL, 1)); /* a Tuesday */
	assert_msg_has("is not an occurrence of activity");
	assert_int_equal(KISCRM_ECONFLICT, exception(w, s, "2026-12-07T09:00:00Z", NULL, 1));
	assert_msg_has("already has exception");
	/* a one-off activity has no occurrences to change */
	kiscrm_id once = activity(w, w->rep, "visit", "拜访", "2026-11-24T10:00:00Z", 60, NULL, NULL);
	assert_int_equal(KISCRM_EINVALID, exception(w, once, "2026-11-24T10:00:00Z", NULL, 1));
	assert_msg_has("is not a series");
}

/* DAILY;INTERVAL=3;UNTIL=20261130 from 11-23 10:00: 11-23, 11-26, 11-29 (12-02 is past the
 * whole day of 11-30). MONTHLY;COUNT=3 from Saturday 2026-10-31 08:00: 10-31, (no
 * 11-31), 12-31, 2027-01-31. */
static void test_daily_until_and_monthly_count(void **state)
{
	world *w = *state;
	char got[512];
	assert_true(activity(w, w->rep, "task", "日报", "2026-11-23T10:00:00Z", 0, "FREQ=DAILY;INTERVAL=3;UNTIL=20261130",
			     NULL) > 0);
	kiscrm_table *t = occurrences(w, "2026-11-01T00:00:00Z", "2026-12-31T00:00:00Z", 0);
	starts(t, got, sizeof(got));
	assert_string_equal("2026-11-23T10:00:00Z 2026-11-26T10:00:00Z 2026-11-29T10:00:00Z", got);
	kiscrm_table_free(t);
	assert_true(activity(w, w->other, "meeting", "月度例会", "2026-10-31T08:00:00Z", 60, "freq=monthly;count=3",
			     NULL) > 0);
	t = occurrences(w, "2026-10-01T00:00:00Z", "2027-03-01T00:00:00Z", w->other);
	starts(t, got, sizeof(got));
	assert_string_equal("2026-10-31T08:00:00Z 2026-12-31T08:00:00Z 2027-01-31T08:00:00Z", got);
	kiscrm_table_free(t);
}

/* Rules outside the subset, unknown types and bad statuses are refused, naming the part. */
static void test_bad_activities(void **state)
{
	world *w = *state;
	static const struct {
		const char *rule, *says;
	} bad[] = {
		{ "FREQ=YEARLY", "FREQ=YEARLY is not supported (DAILY, WEEKLY, MONTHLY)" },
		{ "FREQ=WEEKLY;BYDAY=TU", "the start's weekday must be one of BYDAY" },
		{ "FREQ=DAILY;COUNT=2;UNTIL=20261201", "COUNT and UNTIL exclude each other" },
		{ "FREQ=DAILY;BYSETPOS=1", "BYSETPOS=1 is not supported" },
		{ "FREQ=MONTHLY;BYDAY=MO", "BYDAY is supported with FREQ=WEEKLY only" },
		{ "FREQ=DAILY;INTERVAL=0", "INTERVAL=0 must be a whole number from 1 to 1000" },
		{ "FREQ=WEEKLY;BYDAY=1MO", "BYDAY=1MO must list weekdays" },
		{ "FREQ=DAILY;UNTIL=2026-12-01", "UNTIL=2026-12-01 must be YYYYMMDD" },
		{ "INTERVAL=2", "FREQ is required" },
		{ "FREQ=DAILY;UNTIL=20261101", "UNTIL is before the start" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(KISCRM_EINVALID, activity(w, w->rep, "visit", "x", "2026-11-23T09:00:00Z", 60,
							   bad[i].rule, NULL));
		assert_msg_has(bad[i].says);
		assert_string_equal("rrule", kiscrm_error_last()->field);
	}
	assert_int_equal(KISCRM_EINVALID, activity(w, w->rep, "golf", "x", "2026-11-23T09:00:00Z", 60, NULL, NULL));
	assert_msg_has("'golf' is not a configured activity type");
	assert_int_equal(KISCRM_EINVALID,
			 activity(w, w->rep, "visit", "x", "2026-11-23T09:00:00Z", 60, NULL, "maybe"));
	assert_int_equal(KISCRM_EINVALID, activity(w, w->rep, "visit", "x", "2026-11-23T09:00:00Z", -5, NULL, NULL));
	assert_int_equal(0, kc_test_count(w->db, KISCRM_KIND_ACTIVITY, NULL));
	/* the window of a query */
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	kiscrm_table *t = NULL;
	q.from = q.to = T("2026-11-23T00:00:00Z");
	assert_int_equal(KISCRM_EINVALID, kiscrm_activity_occurrences(&t, w->db, &q));
	q.to = q.from + (kiscrm_time)3661 * 86400; /* more than ten years */
	assert_int_equal(KISCRM_EINVALID, kiscrm_activity_occurrences(&t, w->db, &q));
	assert_null(t);
}

/* A done activity is what happened: never deleted. A planned series is, with its
 * exceptions (owned). done_at defaults to the start. */
static void test_done_is_never_deleted(void **state)
{
	world *w = *state;
	kiscrm_id done = activity(w, w->rep, "visit", "现场拜访", "2026-11-20T09:00:00Z", 90, NULL, "done");
	assert_true(done > 0);
	assert_int_equal(T("2026-11-20T09:00:00Z"),
			 kc_test_stored_int(w->db, KISCRM_KIND_ACTIVITY, done, KISCRM_ACTIVITY_DONE_AT));
	assert_int_equal(KISCRM_ECONFLICT, kiscrm_record_delete(w->db, KISCRM_KIND_ACTIVITY, done, 0));
	assert_msg_has("never deleted");
	assert_int_equal(1, kc_test_exists(w->db, KISCRM_KIND_ACTIVITY, done));
	kiscrm_id s = activity(w, w->rep, "call_back", "回访", "2026-11-23T09:00:00Z", 30, "FREQ=WEEKLY;COUNT=4", NULL);
	assert_true(exception(w, s, "2026-11-30T09:00:00Z", NULL, 1) > 0);
	assert_int_equal(KISCRM_OK, kiscrm_record_delete(w->db, KISCRM_KIND_ACTIVITY, s, KISCRM_DELETE_CASCADE));
	assert_int_equal(0, kc_test_count(w->db, KISCRM_KIND_ACTIVITY_EXCEPTION, NULL));
}

/* X 09:00–10:00 (the first occurrence of a weekly series), Y 09:30–10:30 and Z 10:00–10:30,
 * all of 张三 on 11-23; W of 李四 09:00–10:00. Overlaps: X–Y 30 minutes (09:30–10:00),
 * Y–Z 30 minutes (10:00–10:30); X–Z touch at 10:00 but do not overlap; W is another
 * person's. The series' next occurrence (11-30) overlaps nothing. */
static void test_overlaps(void **state)
{
	world *w = *state;
	kiscrm_id x = activity(w, w->rep, "call_back", "X", "2026-11-23T09:00:00Z", 60, "FREQ=WEEKLY;COUNT=2", NULL);
	kiscrm_id y = activity(w, w->rep, "visit", "Y", "2026-11-23T09:30:00Z", 60, NULL, NULL);
	kiscrm_id z = activity(w, w->rep, "meeting", "Z", "2026-11-23T10:00:00Z", 30, NULL, NULL);
	assert_true(activity(w, w->other, "visit", "W", "2026-11-23T09:00:00Z", 60, NULL, NULL) > 0);
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	kiscrm_table *t = NULL;
	q.from = T("2026-11-01T00:00:00Z");
	q.to = T("2026-12-31T00:00:00Z");
	assert_int_equal(KISCRM_OK, kiscrm_activity_overlaps(&t, w->db, &q));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_int_equal(x, kiscrm_table_int(t, 0, 1));
	assert_int_equal(y, kiscrm_table_int(t, 0, 2));
	assert_int_equal(30, kiscrm_table_int(t, 0, 5));
	assert_int_equal(y, kiscrm_table_int(t, 1, 1));
	assert_int_equal(z, kiscrm_table_int(t, 1, 2));
	assert_int_equal(30, kiscrm_table_int(t, 1, 5));
	kiscrm_table_free(t);
}

/* Folding: every physical line ≤ 75 octets, CRLF, never starting inside a character;
 * unfolding gives back the line. */
static void check_folding(const char *ics, const char *want_line)
{
	size_t n = strlen(ics);
	char *unfolded = malloc(n + 1);
	size_t u = 0, line_start = 0;
	assert_non_null(unfolded);
	for (size_t i = 0; i < n; i++) {
		if (ics[i] == '\n') {
			assert_true(i > 0 && ics[i - 1] == '\r');
			assert_true(i - 1 - line_start <= 75);
			line_start = i + 1;
			if (line_start < n && ics[line_start] == ' ') {
				/* a continuation: never starts with a UTF-8 continuation byte */
				assert_true(line_start + 1 < n && (((unsigned char)ics[line_start + 1]) & 0xC0) != 0x80);
				u--; /* drop the CR just copied */
				i++; /* skip the space */
				line_start = i; /* the space counts toward the 75 */
				continue;
			}
		}
		unfolded[u++] = ics[i];
	}
	unfolded[u] = 0;
	if (!strstr(unfolded, want_line))
		fail_msg("unfolded file lacks '%s'", want_line);
	free(unfolded);
}

/* The subject is k ASCII letters then Chinese (3 octets a character) and characters to
 * escape; for k = 0 … 80 the 75-octet boundary falls on every byte of a character. */
static void test_ical_folding_and_escaping(void **state)
{
	world *w = *state;
	static const char tail[] = "客户拜访：讨论金蝶KIS实施方案, 确认上线时间;王经理\\张总";
	static const char escaped[] = "客户拜访：讨论金蝶KIS实施方案\\, 确认上线时间\\;王经理\\\\张总";
	kiscrm_id id = activity(w, w->rep, "visit", "x", "2026-11-23T09:00:00Z", 60, NULL, NULL);
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	q.from = T("2026-11-23T00:00:00Z");
	q.to = T("2026-11-24T00:00:00Z");
	for (int k = 0; k <= 80; k++) {
		char subject[256], want[320];
		memset(subject, 'a', (size_t)k);
		strcpy(subject + k, tail);
		assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_ACTIVITY, id, KISCRM_ACTIVITY_SUBJECT,
								subject));
		kiscrm_buf out = KISCRM_BUF_INIT;
		assert_int_equal(KISCRM_OK, kiscrm_activity_ical(&out, w->db, &q, T("2026-11-22T08:00:00Z")));
		memset(want, 'a', (size_t)k);
		snprintf(want + k, sizeof(want) - (size_t)k, "%s", escaped);
		char line[400];
		snprintf(line, sizeof(line), "SUMMARY:%s\r\n", want);
		check_folding(out.ptr, line);
		if (k == 0) {
			assert_non_null(strstr(out.ptr, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
			assert_non_null(strstr(out.ptr, "DTSTAMP:20261122T080000Z\r\n"));
			assert_non_null(strstr(out.ptr, "DTSTART:20261123T090000\r\nDTEND:20261123T100000\r\n"));
			char uid[64];
			snprintf(uid, sizeof(uid), "UID:activity-%lld@kiscrm\r\n", (long long)id);
			assert_non_null(strstr(out.ptr, uid));
		}
		kiscrm_buf_dispose(&out);
	}
}

/* A series exports its rule, an EXDATE per cancelled occurrence and a RECURRENCE-ID event
 * per moved one (same UID). */
static void test_ical_series(void **state)
{
	world *w = *state;
	kiscrm_id s = activity(w, w->rep, "call_back", "回访", "2026-11-23T09:00:00Z", 30,
			       "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6", NULL);
	assert_true(exception(w, s, "2026-11-25T09:00:00Z", "2026-11-26T14:00:00Z", 0) > 0);
	assert_true(exception(w, s, "2026-12-07T09:00:00Z", NULL, 1) > 0);
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	q.from = T("2026-11-01T00:00:00Z");
	q.to = T("2027-01-01T00:00:00Z");
	kiscrm_buf out = KISCRM_BUF_INIT;
	assert_int_equal(KISCRM_OK, kiscrm_activity_ical(&out, w->db, &q, T("2026-11-22T08:00:00Z")));
	assert_non_null(strstr(out.ptr, "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=6\r\n"));
	assert_non_null(strstr(out.ptr, "EXDATE:20261207T090000\r\n"));
	assert_non_null(strstr(out.ptr, "RECURRENCE-ID:20261125T090000\r\nDTSTART:20261126T140000\r\n"));
	/* two VEVENTs: the series and the moved occurrence */
	int events = 0;
	for (const char *p = out.ptr; (p = strstr(p, "BEGIN:VEVENT")) != NULL; p++)
		events++;
	assert_int_equal(2, events);
	kiscrm_buf_dispose(&out);
}

static kiscrm_id set_done(world *w, kiscrm_id id, const char *done_at)
{
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_ACTIVITY, id);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_STATUS, "done");
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_DONE_AT, T(done_at));
	int rc = kiscrm_record_update(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

#define D kc_test_day

/* A customer's and an opportunity's last activity is the day of their latest DONE
 * activity, kept by the library:
 *   a done visit on 11-10 (customer C, opportunity O)  → C 11-10, O 11-10
 *   a planned call on 11-25 (C, O)                     → unchanged (not done)
 *   that call done at 11-20                            → C 11-20, O 11-20
 *   a done e-mail on 11-15 (C only)                    → C 11-20 (the later), O 11-20
 *   the 11-20 call moved to customer C2 (and off O)    → C 11-15, C2 11-20, O 11-10 */
static void test_last_activity_is_derived(void **state)
{
	world *w = *state;
	kiscrm_id c2 = kc_test_customer(w->db, "上海乙贸易有限公司");
	kiscrm_record *o = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_NAME, "ERP 项目");
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_STAGE, "opportunity");
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust);
	kiscrm_id opp = kc_test_insert(w->db, o);

	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_TYPE, "visit");
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_SUBJECT, "现场拜访");
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OPPORTUNITY_ID, opp);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_START, T("2026-11-10T09:00:00Z"));
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_STATUS, "done");
	kc_test_insert(w->db, r);
	assert_int_equal(D("2026-11-10"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->cust, KISCRM_CUSTOMER_LAST_ACTIVITY));
	assert_int_equal(D("2026-11-10"), kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_LAST_ACTIVITY));

	r = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_TYPE, "call_back");
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_SUBJECT, "电话回访");
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OPPORTUNITY_ID, opp);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_START, T("2026-11-25T09:00:00Z"));
	kiscrm_id call = kc_test_insert(w->db, r);
	assert_int_equal(D("2026-11-10"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->cust, KISCRM_CUSTOMER_LAST_ACTIVITY));
	assert_int_equal(KISCRM_OK, set_done(w, call, "2026-11-20T16:00:00Z"));
	assert_int_equal(D("2026-11-20"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->cust, KISCRM_CUSTOMER_LAST_ACTIVITY));
	assert_int_equal(D("2026-11-20"), kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_LAST_ACTIVITY));

	kiscrm_id mail = activity(w, w->rep, "email", "邮件", "2026-11-15T11:00:00Z", 0, NULL, "done");
	assert_true(mail > 0);
	assert_int_equal(D("2026-11-20"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->cust, KISCRM_CUSTOMER_LAST_ACTIVITY));

	r = kc_test_get(w->db, KISCRM_KIND_ACTIVITY, call);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, c2);
	kiscrm_record_set_null(r, KISCRM_ACTIVITY_OPPORTUNITY_ID);
	assert_int_equal(KISCRM_OK, kiscrm_record_update(w->db, r));
	kiscrm_record_free(r);
	assert_int_equal(D("2026-11-15"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->cust, KISCRM_CUSTOMER_LAST_ACTIVITY));
	assert_int_equal(D("2026-11-20"), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, c2, KISCRM_CUSTOMER_LAST_ACTIVITY));
	assert_int_equal(D("2026-11-10"), kc_test_stored_int(w->db, KISCRM_KIND_OPPORTUNITY, opp, KISCRM_OPPORTUNITY_LAST_ACTIVITY));
}

static double metric(world *w, const char *key, int scope, kiscrm_id staff, kiscrm_id dept)
{
	const kiscrm_kpi_metric *m = kiscrm_kpi_metric_find(key);
	assert_non_null(m);
	kiscrm_kpi_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	ctx.scope = scope;
	ctx.staff_id = staff;
	ctx.department_id = dept;
	ctx.from = D("2026-11-01");
	ctx.to = D("2026-12-01");
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	assert_int_equal(KISCRM_OK, m->compute(&v, w->db, &ctx, m->user));
	assert_int_equal(1, v.has_actual);
	return v.actual;
}

static void customer_with_first_contract(world *w, const char *name, kiscrm_id owner, const char *day)
{
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(c, KISCRM_CUSTOMER_NAME, name);
	kiscrm_record_set_int(c, KISCRM_CUSTOMER_OWNER_ID, owner);
	kiscrm_record_set_int(c, KISCRM_CUSTOMER_FIRST_CONTRACT, D(day));
	kc_test_insert(w->db, c);
}

static void target_count(world *w, const char *metric, kiscrm_id owner, kiscrm_id dept, int64_t count)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, metric);
	kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_MONTH);
	kiscrm_record_set_int(r, KISCRM_TARGET_START, D("2026-11-01"));
	kiscrm_record_set_int(r, KISCRM_TARGET_COUNT, count);
	if (owner)
		kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, owner);
	if (dept)
		kiscrm_record_set_int(r, KISCRM_TARGET_DEPARTMENT_ID, dept);
	kc_test_insert(w->db, r);
}

/* The KPI metrics `visits` and `new_customers`, registered through the public registry
 * when the database was opened. November 2026; 张三 and 李四 in 销售一部, 王五 in 销售二部:
 *   张三: visit 11-02 done, executive visit 11-05 done, call-back 11-06 done (not a visit),
 *         visit 11-07 planned (not done), visit 12-01 done (after the window) → 2
 *   李四: visit 11-10 done → 1;  王五: visit 11-12 done → 1
 *   visits: 张三 2, 销售一部 2 + 1 = 3, company 4.
 *   first contracts: 张三's customer 11-03, 李四's 10-20 (before), 王五's 11-15
 *   new_customers: 张三 1, 销售一部 1, company 2. */
static void test_kpi_metrics_from_activities(void **state)
{
	world *w = *state;
	kiscrm_id d1 = kc_test_stored_int(w->db, KISCRM_KIND_STAFF, w->rep, KISCRM_STAFF_DEPARTMENT_ID);
	kiscrm_id d2 = kc_test_department(w->db, "销售二部", 0);
	kiscrm_id wang = kc_test_staff(w->db, "王五", d2, "sales_rep");
	assert_true(activity(w, w->rep, "visit", "a", "2026-11-02T09:00:00Z", 60, NULL, "done") > 0);
	assert_true(activity(w, w->rep, "executive_visit", "b", "2026-11-05T09:00:00Z", 60, NULL, "done") > 0);
	assert_true(activity(w, w->rep, "call_back", "c", "2026-11-06T09:00:00Z", 10, NULL, "done") > 0);
	assert_true(activity(w, w->rep, "visit", "d", "2026-11-07T09:00:00Z", 60, NULL, NULL) > 0);
	assert_true(activity(w, w->rep, "visit", "e", "2026-12-01T09:00:00Z", 60, NULL, "done") > 0);
	assert_true(activity(w, w->other, "visit", "f", "2026-11-10T09:00:00Z", 60, NULL, "done") > 0);
	assert_true(activity(w, wang, "visit", "g", "2026-11-12T09:00:00Z", 60, NULL, "done") > 0);
	assert_true(metric(w, "visits", KISCRM_KPI_SCOPE_PERSON, w->rep, d1) == 2.0);
	assert_true(metric(w, "visits", KISCRM_KPI_SCOPE_DEPARTMENT, 0, d1) == 3.0);
	assert_true(metric(w, "visits", KISCRM_KPI_SCOPE_COMPANY, 0, 0) == 4.0);
	customer_with_first_contract(w, "甲", w->rep, "2026-11-03");
	customer_with_first_contract(w, "乙", w->other, "2026-10-20");
	customer_with_first_contract(w, "丙", wang, "2026-11-15");
	assert_true(metric(w, "new_customers", KISCRM_KPI_SCOPE_PERSON, w->rep, d1) == 1.0);
	assert_true(metric(w, "new_customers", KISCRM_KPI_SCOPE_DEPARTMENT, 0, d1) == 1.0);
	assert_true(metric(w, "new_customers", KISCRM_KPI_SCOPE_COMPANY, 0, 0) == 2.0);
	assert_string_equal("visits", kiscrm_kpi_metric_find("visits")->target_metric);

	/* Targets of these metrics become measurable in the targets report: 张三 5 visits in
	 * November (2 done: gap 3, 40 %), 销售一部 3 (3: gap 0, 100 %), the company 4 new
	 * customers (2: gap 2, 50 %). */
	target_count(w, "visits", w->rep, 0, 5);
	target_count(w, "visits", 0, d1, 3);
	target_count(w, "new_customers", 0, 0, 4);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.from = D("2026-11-01");
	o.to = D("2026-12-01");
	o.as_of = D("2026-12-04");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_targets(&t, w->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	int c_metric = kiscrm_table_column_index(t, "metric"), c_owner = kiscrm_table_column_index(t, "owner");
	int c_actual = kiscrm_table_column_index(t, "actual_count"), c_gap = kiscrm_table_column_index(t, "gap_count");
	int c_done = kiscrm_table_column_index(t, "completion");
	int seen = 0;
	for (size_t i = 0; i < 3; i++) {
		const char *m = kiscrm_table_text(t, i, (size_t)c_metric);
		int64_t actual = kiscrm_table_int(t, i, (size_t)c_actual), gap = kiscrm_table_int(t, i, (size_t)c_gap);
		double done = kiscrm_table_rate(t, i, (size_t)c_done);
		if (strcmp(m, "new_customers") == 0) {
			assert_true(actual == 2 && gap == 2 && done > 0.4999 && done < 0.5001);
			seen |= 1;
		} else if (!kiscrm_table_is_null(t, i, (size_t)c_owner)) {
			assert_true(actual == 2 && gap == 3 && done > 0.3999 && done < 0.4001);
			seen |= 2;
		} else {
			assert_true(actual == 3 && gap == 0 && done > 0.9999 && done < 1.0001);
			seen |= 4;
		}
	}
	assert_int_equal(7, seen);
	kiscrm_table_free(t);

	/* … and in the gap report of November: by owner, 张三's row has 5, 2, 3; ungrouped, the
	 * company's new customers 4, 2, 2 and no visits target at that level */
	o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-11-15");
	o.period = KISCRM_PERIOD_MONTH;
	int by[1] = { KISCRM_GROUP_OWNER };
	o.group_by = by;
	o.ngroup = 1;
	assert_int_equal(KISCRM_OK, kiscrm_report_gap(&t, w->db, &o));
	int vt = kiscrm_table_column_index(t, "visits_target"), v = kiscrm_table_column_index(t, "visits");
	int vg = kiscrm_table_column_index(t, "visits_gap");
	int rows_with_target = 0;
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++) {
		if (kiscrm_table_is_null(t, i, (size_t)vt))
			continue;
		assert_string_equal("张三", kiscrm_table_text(t, i, 0));
		assert_int_equal(5, kiscrm_table_int(t, i, (size_t)vt));
		assert_int_equal(2, kiscrm_table_int(t, i, (size_t)v));
		assert_int_equal(3, kiscrm_table_int(t, i, (size_t)vg));
		rows_with_target++;
	}
	assert_int_equal(1, rows_with_target);
	kiscrm_table_free(t);
	o.ngroup = 0;
	o.group_by = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_gap(&t, w->db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(4, kiscrm_table_int(t, 0, (size_t)kiscrm_table_column_index(t, "new_customers_target")));
	assert_int_equal(2, kiscrm_table_int(t, 0, (size_t)kiscrm_table_column_index(t, "new_customers")));
	assert_int_equal(2, kiscrm_table_int(t, 0, (size_t)kiscrm_table_column_index(t, "new_customers_gap")));
	assert_true(kiscrm_table_is_null(t, 0, (size_t)kiscrm_table_column_index(t, "visits_target")));
	kiscrm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_weekly_series_with_exceptions, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_daily_until_and_monthly_count, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_activities, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_done_is_never_deleted, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_overlaps, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_ical_folding_and_escaping, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_ical_series, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_last_activity_is_derived, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_kpi_metrics_from_activities, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

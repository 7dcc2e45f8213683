/* Business calendar arithmetic for service-level deadlines (see biz_calendar.h).
 *
 * A day's working time is a handful of spans of minutes, so both directions are walked
 * a day at a time: kc_biz_seconds sums the overlap of each day's spans with [a, b), and
 * kc_biz_add spends the budget span by span until it runs out inside one. That keeps
 * holidays and make-up days (which break any "n full weeks" shortcut) a binary search
 * per day, and the cost a few thousand days for any realistic deadline. Times are kept
 * in seconds throughout so partial minutes at either end are exact. */
#include "service/biz_calendar.h"
#include "core/error.h"
#include "kiscrm/date.h"
#include "kiscrm/errors.h"

#include <stdio.h>

#define DAY_SECONDS 86400
#define DAY_MINUTES 1440
#define MIN_OFFSET (-720)
#define MAX_OFFSET 840
/* The years 1…9999 of kiscrm/date.h, as instants: 0001-01-01T00:00:00Z and
 * 10000-01-01T00:00:00Z. Clamping to them keeps every local-day computation inside
 * int32 days and bounds the walk of kc_biz_seconds. */
#define MIN_TIME INT64_C(-62135596800)
#define MAX_TIME INT64_C(253402300800)
/* kc_biz_add gives up after 20 years of 365.25 days: a calendar that has not produced
 * the time by then is one whose hours are all cancelled by holidays. */
#define ADD_MAX_DAYS 7305

/* Floor division and its non-negative remainder (C's / truncates toward zero, which
 * would put instants before 1970 on the wrong day). */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if (a % b != 0 && (a < 0) != (b < 0))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int64_t clamp_time(int64_t t)
{
	return t < MIN_TIME ? MIN_TIME : t > MAX_TIME ? MAX_TIME : t;
}

/* Lower-bound binary search: 1 when @day is in the ascending list. */
static int contains(const kiscrm_date *list, size_t n, kiscrm_date day)
{
	size_t lo = 0, hi = n;
	if (!list)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (list[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && list[lo] == day;
}

/* The number of spans of weekday @wd, clamped so an unchecked calendar cannot make us
 * read past week[wd]. */
static int span_count(const kc_biz_calendar *cal, int wd)
{
	int n = cal->nspans[wd];
	return n < 0 ? 0 : n > KC_BIZ_MAX_SPANS ? KC_BIZ_MAX_SPANS : n;
}

/* The working spans of a local day through *spans, and how many there are. A make-up
 * day wins over a holiday (kc_biz_check refuses a day in both lists anyway). */
static int day_spans(const kc_biz_calendar *cal, kiscrm_date day, const kc_biz_span **spans)
{
	int wd;
	if (contains(cal->workdays, cal->nworkdays, day)) {
		if (cal->makeup_weekday < 0 || cal->makeup_weekday > 6)
			return 0;
		wd = cal->makeup_weekday;
	} else if (contains(cal->holidays, cal->nholidays, day)) {
		return 0;
	} else {
		wd = kc_biz_weekday(day);
	}
	*spans = cal->week[wd];
	return span_count(cal, wd);
}

/* Business seconds of one day's spans inside [from, to), seconds after local midnight. */
static int64_t overlap(const kc_biz_span *spans, int n, int64_t from, int64_t to)
{
	int64_t sum = 0;
	for (int i = 0; i < n; i++) {
		int64_t lo = (int64_t)spans[i].start * 60, hi = (int64_t)spans[i].end * 60;
		if (lo < from)
			lo = from;
		if (hi > to)
			hi = to;
		if (hi > lo)
			sum += hi - lo;
	}
	return sum;
}

kiscrm_date kc_biz_local_day(const kc_biz_calendar *cal, kiscrm_time t)
{
	/* Day and offset are added separately so that t near INT64_MAX cannot overflow. */
	int64_t shifted = floor_mod(t, DAY_SECONDS) + (cal ? (int64_t)cal->utc_offset_min * 60 : 0);
	return (kiscrm_date)(floor_div(t, DAY_SECONDS) + floor_div(shifted, DAY_SECONDS));
}

int kc_biz_weekday(kiscrm_date day)
{
	return kiscrm_date_weekday(day) - 1; /* ISO 1 = Monday → 0 = Monday */
}

int kc_biz_is_workday(const kc_biz_calendar *cal, kiscrm_date day)
{
	const kc_biz_span *spans;
	if (!cal)
		return 0;
	if (contains(cal->workdays, cal->nworkdays, day))
		return 1;
	return day_spans(cal, day, &spans) > 0;
}

int64_t kc_biz_seconds(const kc_biz_calendar *cal, kiscrm_time a, kiscrm_time b)
{
	if (!cal)
		return 0;
	a = clamp_time(a);
	b = clamp_time(b);
	if (b <= a)
		return 0;
	int64_t offset = (int64_t)cal->utc_offset_min * 60;
	int64_t la = a + offset, lb = b + offset; /* local seconds; clamping keeps them small */
	int64_t first = floor_div(la, DAY_SECONDS), last = floor_div(lb, DAY_SECONDS);
	int64_t sum = 0;
	for (int64_t d = first; d <= last; d++) {
		const kc_biz_span *spans = NULL;
		int n = day_spans(cal, (kiscrm_date)d, &spans);
		if (n == 0)
			continue;
		int64_t from = d == first ? la - d * DAY_SECONDS : 0;
		int64_t to = d == last ? lb - d * DAY_SECONDS : DAY_SECONDS;
		sum += overlap(spans, n, from, to);
	}
	return sum;
}

/* Spends *left business seconds on one day's spans from @from (seconds after local
 * midnight). Returns 1 and the local second of the day at which the budget runs out
 * through *at, or 0 with *left reduced by what the day held. Running out exactly at a
 * span's end stops there: that is the earliest instant with the full count. */
static int spend_day(const kc_biz_span *spans, int n, int64_t from, int64_t *left, int64_t *at)
{
	for (int i = 0; i < n; i++) {
		int64_t lo = (int64_t)spans[i].start * 60, hi = (int64_t)spans[i].end * 60;
		if (lo < from)
			lo = from;
		if (hi <= lo)
			continue;
		if (*left <= hi - lo) {
			*at = lo + *left;
			return 1;
		}
		*left -= hi - lo;
	}
	return 0;
}

int kc_biz_add(const kc_biz_calendar *cal, kiscrm_time t, int64_t seconds, kiscrm_time *out)
{
	if (!cal || !out)
		return kc_error_set(KISCRM_EINVALID, "business calendar: NULL argument");
	if (seconds < 0)
		return kc_error_set(KISCRM_EINVALID,
				    "business calendar: cannot add %lld seconds (negative)",
				    (long long)seconds);
	if (t < MIN_TIME || t > MAX_TIME)
		return kc_error_set(KISCRM_EINVALID,
				    "business calendar: time %lld is outside the years 1..9999",
				    (long long)t);
	if (seconds == 0) {
		*out = t;
		return KISCRM_OK;
	}
	int64_t offset = (int64_t)cal->utc_offset_min * 60;
	int64_t local = t + offset;
	int64_t first = floor_div(local, DAY_SECONDS), left = seconds;
	for (int64_t d = first; d <= first + ADD_MAX_DAYS; d++) {
		const kc_biz_span *spans = NULL;
		int n = day_spans(cal, (kiscrm_date)d, &spans);
		int64_t at;
		if (n > 0 && spend_day(spans, n, d == first ? local - d * DAY_SECONDS : 0, &left, &at)) {
			*out = d * DAY_SECONDS + at - offset;
			return KISCRM_OK;
		}
	}
	char when[32];
	if (kiscrm_time_format(when, sizeof(when), t) < 0)
		snprintf(when, sizeof(when), "%lld", (long long)t);
	return kc_error_set(KISCRM_EINVALID,
			    "business calendar: %lld business seconds after %s need more than 20 "
			    "years of calendar (are all working days holidays?)",
			    (long long)seconds, when);
}

/* --- validation ---------------------------------------------------------------------- */

/* "HH:MM" for minutes in 0…1440 ("24:00" for the end of the day), the bare number of
 * minutes otherwise, so an out-of-range value is still quoted as given. */
static void format_minute(char *buf, size_t size, int minute)
{
	if (minute >= 0 && minute <= DAY_MINUTES)
		snprintf(buf, size, "%02d:%02d", minute / 60, minute % 60);
	else
		snprintf(buf, size, "%d", minute);
}

static void format_span(char *buf, size_t size, kc_biz_span span)
{
	char start[16], end[16];
	format_minute(start, sizeof(start), span.start);
	format_minute(end, sizeof(end), span.end);
	snprintf(buf, size, "%s-%s", start, end);
}

static void format_day(char *buf, size_t size, kiscrm_date day)
{
	if (kiscrm_date_format(buf, size, day) < 0)
		snprintf(buf, size, "day %ld", (long)day);
}

static int check_day(const kc_biz_calendar *cal, int wd)
{
	char field[16], text[48], prev_text[48];
	if (cal->nspans[wd] < 0 || cal->nspans[wd] > KC_BIZ_MAX_SPANS) {
		snprintf(field, sizeof(field), "nspans[%d]", wd);
		snprintf(text, sizeof(text), "%d", cal->nspans[wd]);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
				       "%s: %d spans, expected 0..%d", field, cal->nspans[wd],
				       KC_BIZ_MAX_SPANS);
	}
	snprintf(field, sizeof(field), "week[%d]", wd);
	for (int i = 0; i < cal->nspans[wd]; i++) {
		kc_biz_span s = cal->week[wd][i];
		format_span(text, sizeof(text), s);
		if (s.start < 0 || s.end > DAY_MINUTES)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
					       "%s: span %s is outside 00:00-24:00", field, text);
		if (s.start >= s.end)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
					       "%s: span %s is empty or ends before it starts", field,
					       text);
		if (i == 0)
			continue;
		/* Spans only touching ([09:00, 12:00) then [12:00, …)) are fine: half-open. */
		kc_biz_span prev = cal->week[wd][i - 1];
		format_span(prev_text, sizeof(prev_text), prev);
		if (s.start < prev.start)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
					       "%s: %s is listed after %s; list a day's spans in order",
					       field, text, prev_text);
		if (s.start < prev.end)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
					       "%s: %s overlaps %s", field, text, prev_text);
	}
	return KISCRM_OK;
}

/* A list of days must be strictly ascending: the binary searches depend on it, and a
 * repeat is most likely a typo for another day. */
static int check_days(const char *name, const kiscrm_date *days, size_t n)
{
	char field[40], text[24], prev_text[24];
	if (n > 0 && !days)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, NULL,
				       "%s: NULL list of %zu days", name, n);
	for (size_t i = 1; i < n; i++) {
		if (days[i] > days[i - 1])
			continue;
		snprintf(field, sizeof(field), "%s[%zu]", name, i);
		format_day(text, sizeof(text), days[i]);
		format_day(prev_text, sizeof(prev_text), days[i - 1]);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
				       "%s: %s %s %s[%zu]; keep the list sorted", field, text,
				       days[i] == days[i - 1] ? "repeats" : "comes before", name,
				       i - 1);
	}
	return KISCRM_OK;
}

/* Both lists sorted: walk them together to find a day that is both. */
static int check_disjoint(const kc_biz_calendar *cal)
{
	size_t i = 0, j = 0;
	while (i < cal->nholidays && j < cal->nworkdays) {
		if (cal->holidays[i] < cal->workdays[j]) {
			i++;
		} else if (cal->holidays[i] > cal->workdays[j]) {
			j++;
		} else {
			char field[40], text[24];
			snprintf(field, sizeof(field), "workdays[%zu]", j);
			format_day(text, sizeof(text), cal->workdays[j]);
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, text,
					       "%s: %s is also holidays[%zu]", field, text, i);
		}
	}
	return KISCRM_OK;
}

int kc_biz_check(const kc_biz_calendar *cal)
{
	char text[16];
	int rc, total = 0;
	if (!cal)
		return kc_error_set(KISCRM_EINVALID, "business calendar: NULL calendar");
	if (cal->utc_offset_min < MIN_OFFSET || cal->utc_offset_min > MAX_OFFSET) {
		snprintf(text, sizeof(text), "%d", cal->utc_offset_min);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "utc_offset_min", text,
				       "utc_offset_min: %d minutes is outside %d..%d", cal->utc_offset_min,
				       MIN_OFFSET, MAX_OFFSET);
	}
	for (int wd = 0; wd < 7; wd++) {
		if ((rc = check_day(cal, wd)) != KISCRM_OK)
			return rc;
		total += cal->nspans[wd];
	}
	if (total == 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "week", NULL,
				       "week: no working hours on any day");
	if (cal->makeup_weekday < 0 || cal->makeup_weekday > 6) {
		snprintf(text, sizeof(text), "%d", cal->makeup_weekday);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "makeup_weekday", text,
				       "makeup_weekday: %d is outside 0 (Monday)..6 (Sunday)",
				       cal->makeup_weekday);
	}
	/* A make-up day worked with the hours of a day that has none would not be worked. */
	if (cal->nworkdays > 0 && cal->nspans[cal->makeup_weekday] == 0) {
		snprintf(text, sizeof(text), "%d", cal->makeup_weekday);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "makeup_weekday", text,
				       "makeup_weekday: week[%d] has no hours for the make-up days",
				       cal->makeup_weekday);
	}
	if ((rc = check_days("holidays", cal->holidays, cal->nholidays)) != KISCRM_OK ||
	    (rc = check_days("workdays", cal->workdays, cal->nworkdays)) != KISCRM_OK)
		return rc;
	return check_disjoint(cal);
}

/* Business calendar (工作日历) for service-level deadlines: weekly working hours with a
 * lunch break, public holidays and Chinese make-up working days (调休: a weekend day that
 * is worked), at a fixed UTC offset. Deadlines such as "answer within 4 business hours"
 * are counted on it, so a request opened on Friday evening is not late on Monday morning.
 *
 * Everything here is pure arithmetic on the caller's struct: no clock, no allocation, no
 * time-zone database (China has no daylight saving time, so a fixed offset is exact).
 * The computing functions expect a calendar kc_biz_check() accepted; on any other they
 * stay memory-safe but their results mean nothing. Instants outside the years 1…9999
 * (UTC) count as no business time. */
#ifndef KC_BIZ_CALENDAR_H
#define KC_BIZ_CALENDAR_H

#include "kiscrm/types.h"

#include <stddef.h>
#include <stdint.h>

#define KC_BIZ_MAX_SPANS 4

/* Working time of one day: minutes after local midnight, [start, end),
 * 0 <= start < end <= 1440. */
typedef struct kc_biz_span {
	int start, end;
} kc_biz_span;

typedef struct kc_biz_calendar {
	kc_biz_span week[7][KC_BIZ_MAX_SPANS]; /* [0] = Monday … [6] = Sunday, each day's spans in order */
	int nspans[7];
	const kiscrm_date *holidays; /* sorted ascending, no repeats: local days not worked */
	size_t nholidays;
	const kiscrm_date *workdays; /* sorted ascending: make-up working days (调休), worked with the hours of week[makeup_weekday] */
	size_t nworkdays;
	int makeup_weekday; /* 0 = Monday */
	int utc_offset_min; /* e.g. 480 for UTC+8; -720 … 840 */
} kc_biz_calendar;

/* KISCRM_OK, or KISCRM_EINVALID with kc_error_set_at(...) naming the problem (field
 * "week[0]", "holidays[3]" …, value the offending text): a span outside 0…1440 or empty,
 * spans of one day overlapping or out of order ("week[0]: 12:00-13:30 overlaps
 * 09:00-12:30"), nspans outside 0…KC_BIZ_MAX_SPANS, no working time in the whole week,
 * holidays/workdays unsorted or repeated (or NULL with a count) or a date in both lists,
 * makeup_weekday out of 0..6 or without hours while there are make-up days, offset out
 * of range. */
int kc_biz_check(const kc_biz_calendar *cal);

/* The local day of an instant, and the weekday (0 = Monday) of a local day. */
kiscrm_date kc_biz_local_day(const kc_biz_calendar *cal, kiscrm_time t);
int kc_biz_weekday(kiscrm_date day);

/* 1 when @day is worked: a make-up day, or a weekday with spans that is not a holiday. */
int kc_biz_is_workday(const kc_biz_calendar *cal, kiscrm_date day);

/* Business seconds in [a, b) (0 when b <= a). */
int64_t kc_biz_seconds(const kc_biz_calendar *cal, kiscrm_time a, kiscrm_time b);

/* The instant at which @seconds business seconds after @t have elapsed: for
 * seconds == 0, t itself; otherwise the earliest instant x with
 * kc_biz_seconds(t, x) == seconds (so a deadline that uses up a span exactly ends at the
 * span's end, e.g. 18:00, not at the next morning). Result through *out. KISCRM_EINVALID
 * (error set) if it would need more than 20 years of calendar (guards against a calendar
 * that never works), for negative @seconds, NULL arguments or @t outside the years
 * 1…9999. */
int kc_biz_add(const kc_biz_calendar *cal, kiscrm_time t, int64_t seconds, kiscrm_time *out);

#endif

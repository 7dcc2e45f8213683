/**
 * @file kiscrm/activity.h
 * @brief Activities (活动): visits, call-backs, meetings and tasks with customers, recurring
 *        series, the calendar of a person or a customer, overlaps, and iCalendar export.
 *
 * An activity is a record of kind ::KISCRM_KIND_ACTIVITY, stored with
 * kiscrm_record_insert() / kiscrm_record_update(). Its `type` is a key of the configured
 * activity types (analysis.yaml `activity_types`: visit 现场拜访, call_back 电话回访,
 * executive_visit 高层拜访, tech_exchange 技术交流会, site_tour 考察样板点/公司参观, meeting,
 * demo, email, task; kiscrm_config_activity_type_key()).
 *
 * **Times** are ::kiscrm_time values read as the wall-clock time of the company's office:
 * the library keeps no time zone, so 09:00 is stored as 09:00 "UTC" and exported to
 * iCalendar as a floating local time (no `Z`).
 *
 * **Rules checked on every insert and update** (errors name the field and the value):
 * `type` is a configured type; `status` is planned, done or cancelled (NULL is stored as
 * planned); `duration_min` is 0 … 10080 (a week); a `done` activity has a `done_at` (the
 * start when not given); `rrule` is in the supported subset (below). A done activity is
 * never deleted (::KISCRM_ECONFLICT): it is what happened.
 *
 * **Recurring series.** `rrule` holds an RFC 5545 recurrence rule, of which this subset
 * is supported: `FREQ=DAILY|WEEKLY|MONTHLY`, `INTERVAL=n` (1 … 1000, default 1),
 * `BYDAY=MO,WE,…` (WEEKLY only; the start's own weekday must be one of them), and at most
 * one of `COUNT=n` (1 … 10000) and `UNTIL=YYYYMMDD[THHMMSS[Z]]` (inclusive). Anything else
 * is refused with ::KISCRM_EINVALID naming the part. The series starts at `start` (its
 * first occurrence); WEEKLY weeks start on Monday (RFC 5545's default WKST), so
 * `INTERVAL=2` means every other Monday-to-Sunday week counted from the start's week; a
 * MONTHLY series on the 31st skips months without a 31st, as RFC 5545 does.
 *
 * **Exceptions** (::KISCRM_KIND_ACTIVITY_EXCEPTION) change one occurrence of a series:
 * moved to `new_start`, or `cancelled`, optionally with its own status and outcome. The
 * `original_start` must be an occurrence of the series, and a series has at most one
 * exception per occurrence (::KISCRM_ECONFLICT otherwise). Series are expanded on read,
 * for the window asked, never stored occurrence by occurrence.
 */
#ifndef KISCRM_ACTIVITY_H
#define KISCRM_ACTIVITY_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_ACTIVITY. */
typedef enum kiscrm_activity_field {
	KISCRM_ACTIVITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 0),             /**< INT id. */
	KISCRM_ACTIVITY_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 1),           /**< TEXT, required: a configured activity type. */
	KISCRM_ACTIVITY_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 2),        /**< TEXT, required: what it is about. */
	KISCRM_ACTIVITY_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 3),    /**< INT → customer. */
	KISCRM_ACTIVITY_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 4), /**< INT → opportunity it serves. */
	KISCRM_ACTIVITY_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 5),       /**< INT → staff, required: whose calendar. */
	KISCRM_ACTIVITY_CONTACTS = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 6),       /**< TEXT: ids of the customer's contacts met, comma-separated. */
	KISCRM_ACTIVITY_PARTICIPANTS = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 7),   /**< TEXT: ids of other staff taking part, comma-separated. */
	KISCRM_ACTIVITY_START = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 8),          /**< TIME, required: start (of the first occurrence of a series). */
	KISCRM_ACTIVITY_DURATION_MIN = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 9),   /**< INT minutes (NULL: 0, a point in time). */
	KISCRM_ACTIVITY_DUE = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 10),           /**< DATE a task is due. */
	KISCRM_ACTIVITY_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 11),        /**< TEXT planned, done or cancelled. */
	KISCRM_ACTIVITY_DONE_AT = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 12),       /**< TIME it was done. */
	KISCRM_ACTIVITY_OUTCOME = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 13),       /**< TEXT: what came of it. */
	KISCRM_ACTIVITY_NEXT_STEP = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 14),     /**< TEXT: what happens next. */
	KISCRM_ACTIVITY_RRULE = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 15),          /**< TEXT recurrence rule (see above); NULL: once. */
	KISCRM_ACTIVITY_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY, 16) /**< INT → partner (kiscrm/channel.h), derived: its customer's, else its opportunity's. */
} kiscrm_activity_field;

/** Fields of ::KISCRM_KIND_ACTIVITY_EXCEPTION: one changed occurrence of a series. */
typedef enum kiscrm_activity_exception_field {
	KISCRM_ACTIVITY_EXCEPTION_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 0),             /**< INT id. */
	KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 1),    /**< INT → activity, required, owned (deleted with it). */
	KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 2), /**< TIME, required: the occurrence changed. */
	KISCRM_ACTIVITY_EXCEPTION_NEW_START = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 3),      /**< TIME it moved to (NULL: not moved). */
	KISCRM_ACTIVITY_EXCEPTION_CANCELLED = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 4),      /**< INT 1: this occurrence does not take place. */
	KISCRM_ACTIVITY_EXCEPTION_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 5),         /**< TEXT status of this occurrence (NULL: the series'). */
	KISCRM_ACTIVITY_EXCEPTION_OUTCOME = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 6),         /**< TEXT outcome of this occurrence. */
	KISCRM_ACTIVITY_EXCEPTION_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_ACTIVITY_EXCEPTION, 7) /**< INT → partner (kiscrm/channel.h), derived: its activity's. */
} kiscrm_activity_exception_field;

/** Which activities a calendar call covers. Fields are only ever appended. */
typedef struct kiscrm_activity_query {
	unsigned int version;    /**< ::KISCRM_ACTIVITY_QUERY_VERSION. */
	kiscrm_time from;        /**< First instant of the window (inclusive), required. */
	kiscrm_time to;          /**< End of the window (exclusive), after `from`; at most 10 years later. */
	kiscrm_id owner_id;      /**< Only this person's activities (0: everyone's). */
	kiscrm_id customer_id;   /**< Only this customer's activities (0: every customer's). */
} kiscrm_activity_query;

/** Current version of ::kiscrm_activity_query. */
#define KISCRM_ACTIVITY_QUERY_VERSION 1
/** Initialiser: version set, an empty window (set `from` and `to`), no filter. */
#define KISCRM_ACTIVITY_QUERY_INIT { KISCRM_ACTIVITY_QUERY_VERSION, 0, 0, 0, 0 }

/**
 * The occurrences starting in the window: one-off activities and every occurrence of the
 * series, with their exceptions applied (a moved occurrence appears at its new start if
 * that lies in the window; a cancelled one does not appear).
 *
 * Columns: `activity_id` INT, `start` TIME, `end` TIME (start + duration), `type` TEXT,
 * `subject` TEXT, `customer_id` INT, `owner_id` INT, `status` TEXT (the exception's, else
 * the activity's), `exception` INT (1: a moved or changed occurrence). Rows are sorted by
 * start, then activity id.
 *
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param q the window and filters
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL, empty or too long a window),
 *         ::KISCRM_EVERSION, storage errors.
 */
KISCRM_API int kiscrm_activity_occurrences(kiscrm_table **out, kiscrm_db *db, const kiscrm_activity_query *q);

/**
 * Double bookings: every pair of one person's occurrences in the window whose time spans
 * [start, end) intersect (an occurrence of duration 0 overlaps one that contains its
 * start). Columns: `owner_id` INT, `first_id`, `second_id` INT (activities),
 * `first_start`, `second_start` TIME, `overlap_min` INT (minutes both take). Sorted by
 * owner, then the first start.
 *
 * @param[out] out the table
 * @param db the database
 * @param q the window and filters (`customer_id` is ignored: a calendar is a person's)
 * @return as kiscrm_activity_occurrences().
 */
KISCRM_API int kiscrm_activity_overlaps(kiscrm_table **out, kiscrm_db *db, const kiscrm_activity_query *q);

/**
 * The activities with an occurrence in the window as an iCalendar file (RFC 5545): a
 * VCALENDAR with one VEVENT per activity — a series with its RRULE, an EXDATE per
 * cancelled occurrence and a VEVENT with RECURRENCE-ID per moved or changed one. Lines
 * end with CRLF and are folded at 75 octets, never inside a UTF-8 character; TEXT values
 * are escaped (backslash, semicolon, comma, newline). UID is `activity-ID@kiscrm`
 * (`activity-ID-START@kiscrm` for an exception), times are floating local times, STATUS
 * CONFIRMED or CANCELLED, CATEGORIES the type key.
 *
 * @param[out] out receives the file (appended; kiscrm_buf_dispose() frees it)
 * @param db the database
 * @param q the window and filters
 * @param dtstamp the DTSTAMP of every event (when the file is made: the library has no clock)
 * @return as kiscrm_activity_occurrences().
 */
KISCRM_API int kiscrm_activity_ical(kiscrm_buf *out, kiscrm_db *db, const kiscrm_activity_query *q,
				    kiscrm_time dtstamp);

KISCRM_END_DECL

#endif

/* What the files of the activities area share: the recurrence subset (rrule.c), the
 * store's hooks (activity.c) and the calendar of a query (calendar.c), which the
 * iCalendar export (ical.c) reads too. */
#ifndef KC_ACTIVITIES_INTERNAL_H
#define KC_ACTIVITIES_INTERNAL_H

#include "kiscrm/activity.h"
#include "storage/kind.h"

#include <stddef.h>

#define KC_DAY_SECONDS 86400

/* ---- recurrence (rrule.c) ---- */

enum { KC_FREQ_NONE = 0, KC_FREQ_DAILY, KC_FREQ_WEEKLY, KC_FREQ_MONTHLY };

typedef struct kc_rrule {
	int freq;         /* KC_FREQ_*; NONE: a one-off activity */
	int interval;     /* >= 1 */
	unsigned byday;   /* bit d-1 for ISO weekday d (1 Monday … 7 Sunday); WEEKLY only */
	int count;        /* 0: no COUNT */
	int has_until;
	kiscrm_time until; /* inclusive */
} kc_rrule;

/* Parses @text (NULL: a one-off) for a series starting at @start; KISCRM_EINVALID naming
 * the part outside the supported subset. */
int kc_rrule_parse(kc_rrule *r, const char *text, kiscrm_time start);

/* Calls cb with the start of every occurrence before @limit, in order, from @start; stops
 * early when cb returns non-zero (> 0: stop without error). */
typedef int (*kc_occurrence_cb)(void *payload, kiscrm_time start);
int kc_rrule_expand(const kc_rrule *r, kiscrm_time start, kiscrm_time limit, kc_occurrence_cb cb,
		    void *payload);

/* 1 when @t is an occurrence of the series, 0 when not. */
int kc_rrule_has(const kc_rrule *r, kiscrm_time start, kiscrm_time t);

/* ---- the store's hooks (activity.c) ---- */

int kc_activity_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_activity_exception_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_activity_before_delete(kiscrm_db *db, kiscrm_id id);

/* ---- the calendar of a query (calendar.c) ---- */

typedef struct kc_exception {
	kiscrm_id id;
	kiscrm_time original, moved; /* moved: 0 with has_moved 0 */
	int has_moved, cancelled;
	char *status, *outcome;
} kc_exception;

typedef struct kc_activity {
	kiscrm_id id, customer_id, owner_id;
	char *type, *subject, *status, *outcome, *rrule_text, *participants;
	kiscrm_time start;
	int64_t duration_min;
	kc_rrule rule;
	kc_exception *ex;
	size_t nex;
} kc_activity;

typedef struct kc_occurrence {
	size_t activity;    /* index in kc_calendar.acts */
	kiscrm_time start, end;
	const char *status;
	int exception;
} kc_occurrence;

typedef struct kc_calendar {
	kc_activity *acts;
	size_t nacts, cap_acts;
	kc_occurrence *occ;
	size_t nocc, cap_occ;
	kiscrm_activity_query q;
} kc_calendar;

/* Loads the activities of the query with their exceptions and the occurrences starting in
 * the window, sorted by start then activity id. */
int kc_calendar_load(kc_calendar *c, kiscrm_db *db, const kiscrm_activity_query *q);
void kc_calendar_free(kc_calendar *c);

/* ---- KPI metrics (metrics.c) ---- */

/* Registers the metrics `visits` and `new_customers` through the public registry, once
 * per process (called when a database is opened). */
void kc_activity_metrics_register(void);

#endif

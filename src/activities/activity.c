/* The rules of activities and their exceptions, run by the store inside the write's
 * transaction (kiscrm/activity.h lists them), and the one refusal on delete: a done
 * activity is a record of what happened. */
#include "activities/activities_internal.h"
#include "activities/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "storage/checks.h"
#include "storage/db.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

#define MAX_DURATION_MIN 10080 /* a week */

static const char *const statuses[] = { "planned", "done", "cancelled", NULL };

static int feed(kiscrm_db *db, const kiscrm_record *rec, const kiscrm_record *old);

int kc_activity_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const char *type = kiscrm_record_text(rec, KISCRM_ACTIVITY_TYPE);
	int rc;
	if (type && kiscrm_config_activity_type_find(ctx->db->config, type) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "type", type,
				       "activity.type: '%s' is not a configured activity type "
				       "(analysis.yaml activity_types)", type);
	if (kiscrm_record_is_null(rec, KISCRM_ACTIVITY_STATUS) &&
	    (rc = kc_record_put_text(rec, KISCRM_ACTIVITY_STATUS, "planned")) < 0)
		return rc;
	if ((rc = kc_check_enum(rec, KISCRM_ACTIVITY_STATUS, statuses)) < 0)
		return rc;
	if (!kiscrm_record_is_null(rec, KISCRM_ACTIVITY_DURATION_MIN)) {
		int64_t d = kiscrm_record_int(rec, KISCRM_ACTIVITY_DURATION_MIN);
		if (d < 0 || d > MAX_DURATION_MIN) {
			char text[24];
			snprintf(text, sizeof(text), "%lld", (long long)d);
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "duration_min", text,
					       "activity.duration_min: %s is not 0 … %d minutes (a week)", text,
					       MAX_DURATION_MIN);
		}
	}
	if (kiscrm_record_is_null(rec, KISCRM_ACTIVITY_START))
		return KISCRM_OK; /* the store reports the missing required field */
	kiscrm_time start = kiscrm_record_int(rec, KISCRM_ACTIVITY_START);
	const char *status = kiscrm_record_text(rec, KISCRM_ACTIVITY_STATUS);
	if (strcmp(status, "done") == 0 && kiscrm_record_is_null(rec, KISCRM_ACTIVITY_DONE_AT))
		kc_record_put_int(rec, KISCRM_ACTIVITY_DONE_AT, start);
	kc_rrule r;
	if ((rc = kc_rrule_parse(&r, kiscrm_record_text(rec, KISCRM_ACTIVITY_RRULE), start)) != 0)
		return rc;
	return feed(ctx->db, rec, old);
}

/* ---- what activities feed: the derived last activity ---- */

typedef struct {
	kiscrm_id self;
	kiscrm_date latest;
} latest_ctx;

static int latest_cb(void *payload, const kiscrm_value *row)
{
	latest_ctx *l = payload;
	const kiscrm_value *done = &row[KC_FI(KISCRM_ACTIVITY_DONE_AT)];
	if (row[0].u.i == l->self || done->type == KISCRM_TYPE_NULL)
		return 0;
	kiscrm_date d = kiscrm_time_date(done->u.i);
	if (l->latest == KISCRM_DATE_NONE || d > l->latest)
		l->latest = d;
	return 0;
}

/* Sets the `last_activity` of the customer or opportunity @id (kind @kind, field @field)
 * to the day of its latest done activity: the stored ones linked through @link except
 * @self, and @extra (the day of the activity being written, KISCRM_DATE_NONE if not done).
 * A record that does not exist is left to the store to report. */
static int refresh(kiscrm_db *db, kiscrm_kind kind, kiscrm_field field, kiscrm_field link, kiscrm_id id,
		   kiscrm_id self, kiscrm_date extra)
{
	if (id <= 0)
		return KISCRM_OK;
	kiscrm_cond c[2] = {
		{ (int)link, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } },
		{ KISCRM_ACTIVITY_STATUS, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = "done" } } },
	};
	kiscrm_query q = { 2, c, KC_BIT(0) | KC_BIT(KISCRM_ACTIVITY_DONE_AT) };
	latest_ctx l = { self, extra };
	int rc = kc_db_scan(db, &kc_activity_def, &q, latest_cb, &l);
	if (rc)
		return rc;
	kiscrm_record *r = NULL;
	if ((rc = kiscrm_record_get(&r, db, kind, id)) == KISCRM_ENOTFOUND)
		return KISCRM_OK;
	if (rc)
		return rc;
	if (l.latest == KISCRM_DATE_NONE)
		rc = kiscrm_record_set_null(r, field);
	else
		kc_record_put_int(r, field, l.latest);
	if (rc == 0)
		rc = kc_db_update(db, r->def, r->vals);
	kiscrm_record_free(r);
	return rc;
}

/* The customers and opportunities the activity is linked to before and after the write:
 * each gets its last activity again (an activity that moves to another customer leaves
 * the old one's figure right too). */
static int feed(kiscrm_db *db, const kiscrm_record *rec, const kiscrm_record *old)
{
	static const struct {
		kiscrm_kind kind;
		kiscrm_field field, link;
	} targets[] = {
		{ KISCRM_KIND_CUSTOMER, KISCRM_CUSTOMER_LAST_ACTIVITY, KISCRM_ACTIVITY_CUSTOMER_ID },
		{ KISCRM_KIND_OPPORTUNITY, KISCRM_OPPORTUNITY_LAST_ACTIVITY, KISCRM_ACTIVITY_OPPORTUNITY_ID },
	};
	kiscrm_id self = kiscrm_record_id(rec); /* 0 on insert: excludes nothing */
	kiscrm_date extra = KISCRM_DATE_NONE;
	const char *status = kiscrm_record_text(rec, KISCRM_ACTIVITY_STATUS);
	if (status && strcmp(status, "done") == 0 && !kiscrm_record_is_null(rec, KISCRM_ACTIVITY_DONE_AT))
		extra = kiscrm_time_date(kiscrm_record_int(rec, KISCRM_ACTIVITY_DONE_AT));
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(targets) / sizeof(targets[0]); i++) {
		kiscrm_id now = !kiscrm_record_is_null(rec, targets[i].link) ? kiscrm_record_int(rec, targets[i].link) : 0;
		kiscrm_id was = old && !kiscrm_record_is_null(old, targets[i].link) ? kiscrm_record_int(old, targets[i].link) : 0;
		rc = refresh(db, targets[i].kind, targets[i].field, targets[i].link, now, self, extra);
		if (rc == 0 && was && was != now)
			rc = refresh(db, targets[i].kind, targets[i].field, targets[i].link, was, self, KISCRM_DATE_NONE);
	}
	return rc;
}

/* ---- exceptions ---- */

typedef struct {
	int found;
	kiscrm_time start;
	char rrule[512];
} series;

static int series_cb(void *payload, const kiscrm_value *row)
{
	series *s = payload;
	const kiscrm_value *r = &row[KC_FI(KISCRM_ACTIVITY_RRULE)];
	s->found = 1;
	s->start = row[KC_FI(KISCRM_ACTIVITY_START)].u.i;
	snprintf(s->rrule, sizeof(s->rrule), "%s", r->type == KISCRM_TYPE_TEXT ? r->u.s : "");
	return 0;
}

static int dup_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = row[0].u.i;
	return 0;
}

static void time_text(char buf[32], kiscrm_time t)
{
	if (kiscrm_time_format(buf, 32, t) != KISCRM_OK)
		snprintf(buf, 32, "%lld", (long long)t);
}

int kc_activity_exception_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	int rc;
	if ((rc = kc_check_enum(rec, KISCRM_ACTIVITY_EXCEPTION_STATUS, statuses)) < 0)
		return rc;
	int64_t cancelled = kiscrm_record_is_null(rec, KISCRM_ACTIVITY_EXCEPTION_CANCELLED)
		? 0 : kiscrm_record_int(rec, KISCRM_ACTIVITY_EXCEPTION_CANCELLED);
	if (cancelled != 0 && cancelled != 1)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "cancelled", NULL,
				       "activity_exception.cancelled must be 0 or 1");
	if (kiscrm_record_is_null(rec, KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID) ||
	    kiscrm_record_is_null(rec, KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START))
		return KISCRM_OK; /* the store reports the missing required field */
	kiscrm_id act = kiscrm_record_int(rec, KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID);
	kiscrm_time orig = kiscrm_record_int(rec, KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START);
	series s = { 0, 0, "" };
	if (act > 0 && (rc = kc_db_get(db, &kc_activity_def, act, series_cb, &s)) != 0 && rc != KISCRM_ENOTFOUND)
		return rc;
	if (!s.found)
		return KISCRM_OK; /* the store reports the missing activity */
	char when[32];
	time_text(when, orig);
	kc_rrule r;
	if (!s.rrule[0])
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "activity_id", NULL,
				       "activity %lld is not a series (no rrule): change the activity itself",
				       (long long)act);
	if ((rc = kc_rrule_parse(&r, s.rrule, s.start)) != 0)
		return rc;
	if (!kc_rrule_has(&r, s.start, orig))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "original_start", when,
				       "activity_exception.original_start: %s is not an occurrence of activity "
				       "%lld (%s)", when, (long long)act, s.rrule);
	/* one exception per occurrence */
	kiscrm_cond c[2] = {
		{ KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = act } } },
		{ KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START, KISCRM_OP_EQ, { KISCRM_TYPE_TIME, { .i = orig } } },
	};
	kiscrm_query q = { 2, c, KC_BIT(0) };
	kiscrm_id other = 0;
	if ((rc = kc_db_scan(db, &kc_activity_exception_def, &q, dup_cb, &other)) != 0)
		return rc;
	if (other && (!old || other != kiscrm_record_id(old)))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "original_start", when,
				       "the occurrence %s of activity %lld already has exception %lld: change "
				       "that one", when, (long long)act, (long long)other);
	return KISCRM_OK;
}

/* ---- delete ---- */

static int status_cb(void *payload, const kiscrm_value *row)
{
	const kiscrm_value *v = &row[KC_FI(KISCRM_ACTIVITY_STATUS)];
	*(int *)payload = v->type == KISCRM_TYPE_TEXT && strcmp(v->u.s, "done") == 0;
	return 0;
}

int kc_activity_before_delete(kiscrm_db *db, kiscrm_id id)
{
	int done = 0;
	int rc = kc_db_get(db, &kc_activity_def, id, status_cb, &done);
	if (rc)
		return rc;
	if (done)
		return kc_error_set(KISCRM_ECONFLICT,
				    "activity %lld is done: a done activity records what happened and is "
				    "never deleted (a planned one can be cancelled)", (long long)id);
	/* not done: it fed no last activity, nothing to recompute */
	return KISCRM_OK;
}

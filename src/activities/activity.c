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
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

#define MAX_DURATION_MIN 10080 /* a week */

static const char *const statuses[] = { "planned", "done", "cancelled", NULL };

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
	return kc_rrule_parse(&r, kiscrm_record_text(rec, KISCRM_ACTIVITY_RRULE), start);
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
	return KISCRM_OK;
}

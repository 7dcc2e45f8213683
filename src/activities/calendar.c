/* The calendar of a query: activities and their exceptions loaded through the storage
 * layer's read chokepoint, series expanded for the window only, exceptions applied; and
 * the two tables read from it, the occurrences and the double bookings. */
#include "activities/activities_internal.h"
#include "activities/kinds.h"
#include "analytics/report.h"
#include "core/error.h"
#include "core/field.h"
#include "core/options.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "storage/db.h"

#include <stdlib.h>
#include <string.h>

#define MAX_WINDOW ((kiscrm_time)3660 * KC_DAY_SECONDS) /* ten years */

static int check_query(kiscrm_activity_query *q, const kiscrm_activity_query *in)
{
	int rc = kc_options_copy(q, in, &kc_activity_query_v);
	if (rc)
		return rc;
	if (!in)
		return kc_error_set(KISCRM_EINVALID, "activity query is NULL: a window (from, to) is required");
	if (q->to <= q->from || q->to - q->from > MAX_WINDOW)
		return kc_error_set(KISCRM_EINVALID,
				    "activity query: the window must end after it starts and span at most ten "
				    "years (from %lld, to %lld)", (long long)q->from, (long long)q->to);
	if (q->owner_id < 0 || q->customer_id < 0)
		return kc_error_set(KISCRM_EINVALID, "activity query: owner_id and customer_id must not be negative");
	return KISCRM_OK;
}

static int text_dup(char **out, const kiscrm_value *v)
{
	return kc_strdup_to(out, kc_val_text(v));
}

static int activity_cb(void *payload, const kiscrm_value *row)
{
	kc_calendar *c = payload;
	if (KC_VEC_GROW(c->acts, c->nacts, c->cap_acts, 64))
		return KISCRM_ENOMEM;
	kc_activity *a = &c->acts[c->nacts++];
	memset(a, 0, sizeof(*a));
	a->id = row[0].u.i;
	a->customer_id = kc_val_int(&row[KC_FI(KISCRM_ACTIVITY_CUSTOMER_ID)], 0);
	a->owner_id = kc_val_int(&row[KC_FI(KISCRM_ACTIVITY_OWNER_ID)], 0);
	a->start = row[KC_FI(KISCRM_ACTIVITY_START)].u.i;
	a->duration_min = kc_val_int(&row[KC_FI(KISCRM_ACTIVITY_DURATION_MIN)], 0);
	int rc;
	if ((rc = text_dup(&a->type, &row[KC_FI(KISCRM_ACTIVITY_TYPE)])) != 0 ||
	    (rc = text_dup(&a->subject, &row[KC_FI(KISCRM_ACTIVITY_SUBJECT)])) != 0 ||
	    (rc = text_dup(&a->status, &row[KC_FI(KISCRM_ACTIVITY_STATUS)])) != 0 ||
	    (rc = text_dup(&a->outcome, &row[KC_FI(KISCRM_ACTIVITY_OUTCOME)])) != 0 ||
	    (rc = text_dup(&a->rrule_text, &row[KC_FI(KISCRM_ACTIVITY_RRULE)])) != 0 ||
	    (rc = text_dup(&a->participants, &row[KC_FI(KISCRM_ACTIVITY_PARTICIPANTS)])) != 0)
		return rc;
	return kc_rrule_parse(&a->rule, a->rrule_text, a->start);
}

static int by_id(const void *x, const void *y)
{
	kiscrm_id a = ((const kc_activity *)x)->id, b = ((const kc_activity *)y)->id;
	return (a > b) - (a < b);
}

static int exception_cb(void *payload, const kiscrm_value *row)
{
	kc_calendar *c = payload;
	kc_activity key;
	key.id = row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID)].u.i;
	kc_activity *a = bsearch(&key, c->acts, c->nacts, sizeof(*c->acts), by_id);
	if (!a)
		return 0; /* an activity outside the query */
	kc_exception *grown = realloc(a->ex, (a->nex + 1) * sizeof(*a->ex));
	if (!grown)
		return kc_error_oom();
	a->ex = grown;
	kc_exception *e = &a->ex[a->nex++];
	memset(e, 0, sizeof(*e));
	const kiscrm_value *moved = &row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_NEW_START)];
	e->id = row[0].u.i;
	e->original = row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START)].u.i;
	e->has_moved = moved->type != KISCRM_TYPE_NULL;
	e->moved = e->has_moved ? moved->u.i : 0;
	e->cancelled = kc_val_int(&row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_CANCELLED)], 0) != 0;
	int rc = text_dup(&e->status, &row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_STATUS)]);
	return rc ? rc : text_dup(&e->outcome, &row[KC_FI(KISCRM_ACTIVITY_EXCEPTION_OUTCOME)]);
}

static int push(kc_calendar *c, size_t act, kiscrm_time start, const char *status, int exception)
{
	if (KC_VEC_GROW(c->occ, c->nocc, c->cap_occ, 64))
		return KISCRM_ENOMEM;
	const kc_activity *a = &c->acts[act];
	kc_occurrence *o = &c->occ[c->nocc++];
	o->activity = act;
	o->start = start;
	o->end = start + a->duration_min * 60;
	o->status = status;
	o->exception = exception;
	return KISCRM_OK;
}

typedef struct {
	kc_calendar *c;
	size_t act;
} expand_ctx;

static const kc_exception *exception_at(const kc_activity *a, kiscrm_time original)
{
	for (size_t i = 0; i < a->nex; i++)
		if (a->ex[i].original == original)
			return &a->ex[i];
	return NULL;
}

/* An occurrence of the series: in the window unless changed by an exception (a moved or
 * cancelled one is placed by expand_exceptions). */
static int occurrence_cb(void *payload, kiscrm_time t)
{
	expand_ctx *x = payload;
	kc_calendar *c = x->c;
	const kc_activity *a = &c->acts[x->act];
	if (t < c->q.from)
		return 0;
	const kc_exception *e = exception_at(a, t);
	if (e && (e->cancelled || e->has_moved))
		return 0;
	return push(c, x->act, t, e && e->status ? e->status : a->status, e != NULL);
}

static int expand_exceptions(kc_calendar *c, size_t act)
{
	const kc_activity *a = &c->acts[act];
	for (size_t i = 0; i < a->nex; i++) {
		const kc_exception *e = &a->ex[i];
		if (e->cancelled || !e->has_moved || e->moved < c->q.from || e->moved >= c->q.to)
			continue;
		int rc = push(c, act, e->moved, e->status ? e->status : a->status, 1);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

static int by_start(const void *x, const void *y, void *ctx)
{
	const kc_occurrence *a = x, *b = y;
	const kc_calendar *c = ctx;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	kiscrm_id ia = c->acts[a->activity].id, ib = c->acts[b->activity].id;
	return (ia > ib) - (ia < ib);
}

int kc_calendar_load(kc_calendar *c, kiscrm_db *db, const kiscrm_activity_query *q)
{
	memset(c, 0, sizeof(*c));
	int rc = kc_check_db(db);
	if (rc || (rc = check_query(&c->q, q)) != 0)
		return rc;
	kiscrm_cond conds[3];
	int n = 0;
	/* only activities that can have an occurrence before the window's end */
	conds[n++] = (kiscrm_cond){ KISCRM_ACTIVITY_START, KISCRM_OP_LT, { KISCRM_TYPE_TIME, { .i = c->q.to } } };
	if (c->q.owner_id)
		conds[n++] = (kiscrm_cond){ KISCRM_ACTIVITY_OWNER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = c->q.owner_id } } };
	if (c->q.customer_id)
		conds[n++] = (kiscrm_cond){ KISCRM_ACTIVITY_CUSTOMER_ID, KISCRM_OP_EQ,
					    { KISCRM_TYPE_INT, { .i = c->q.customer_id } } };
	kiscrm_query query = { n, conds, 0 };
	if ((rc = kc_db_scan(db, &kc_activity_def, &query, activity_cb, c)) == 0 && c->nacts)
		rc = kc_db_scan(db, &kc_activity_exception_def, NULL, exception_cb, c);
	for (size_t i = 0; rc == 0 && i < c->nacts; i++) {
		expand_ctx x = { c, i };
		if ((rc = kc_rrule_expand(&c->acts[i].rule, c->acts[i].start, c->q.to, occurrence_cb, &x)) == 0)
			rc = expand_exceptions(c, i);
	}
	if (rc == 0)
		rc = kc_sort_ctx(c->occ, c->nocc, sizeof(*c->occ), by_start, c);
	if (rc)
		kc_calendar_free(c);
	return rc;
}

void kc_calendar_free(kc_calendar *c)
{
	for (size_t i = 0; i < c->nacts; i++) {
		kc_activity *a = &c->acts[i];
		for (size_t j = 0; j < a->nex; j++) {
			free(a->ex[j].status);
			free(a->ex[j].outcome);
		}
		free(a->ex);
		free(a->type);
		free(a->subject);
		free(a->status);
		free(a->outcome);
		free(a->rrule_text);
		free(a->participants);
	}
	free(c->acts);
	free(c->occ);
	memset(c, 0, sizeof(*c));
}

/* ---- the two tables ---- */

static int new_table(kiscrm_table **t, kiscrm_db *db, const char *name, const char *const *cols)
{
	int rc = kiscrm_table_new(t, name);
	if (rc == 0)
		kc_report_label(*t, db);
	return rc ? rc : kc_add_columns(*t, cols);
}

int kiscrm_activity_occurrences(kiscrm_table **out, kiscrm_db *db, const kiscrm_activity_query *q)
{
	static const char *const cols[] = {
		"activity_id:int", "start:time", "end:time", "type:text", "subject:text", "customer_id:int",
		"owner_id:int", "status:text", "exception:int", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_activity_occurrences: out is NULL");
	*out = NULL;
	kc_calendar c;
	kiscrm_table *t = NULL;
	int rc = kc_calendar_load(&c, db, q);
	if (rc)
		return rc;
	rc = new_table(&t, db, "activity_occurrences", cols);
	for (size_t i = 0; rc == 0 && i < c.nocc; i++) {
		const kc_occurrence *o = &c.occ[i];
		const kc_activity *a = &c.acts[o->activity];
		int r = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (r < 0) {
			rc = r;
			break;
		}
		size_t row = (size_t)r;
		if ((rc = kc_cell_int(t, row, 0, a->id)) || (rc = kc_cell_int(t, row, 1, o->start)) ||
		    (rc = kc_cell_int(t, row, 2, o->end)) || (rc = kc_cell_text(t, row, 3, a->type)) ||
		    (rc = kc_cell_text(t, row, 4, a->subject)) ||
		    (a->customer_id && (rc = kc_cell_int(t, row, 5, a->customer_id))) ||
		    (rc = kc_cell_int(t, row, 6, a->owner_id)) || (rc = kc_cell_text(t, row, 7, o->status)))
			break;
		rc = kc_cell_int(t, row, 8, o->exception);
	}
	kc_calendar_free(&c);
	return kc_report_deliver(out, t, rc);
}

static int by_owner_start(const void *x, const void *y, void *ctx)
{
	const kc_occurrence *a = x, *b = y;
	const kc_calendar *c = ctx;
	kiscrm_id oa = c->acts[a->activity].owner_id, ob = c->acts[b->activity].owner_id;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return by_start(x, y, ctx);
}

/* A zero-length occurrence is a point: it takes the second it starts in. */
static kiscrm_time end_of(const kc_occurrence *o)
{
	return o->end > o->start ? o->end : o->start + 1;
}

int kiscrm_activity_overlaps(kiscrm_table **out, kiscrm_db *db, const kiscrm_activity_query *q)
{
	static const char *const cols[] = {
		"owner_id:int", "first_id:int", "second_id:int", "first_start:time", "second_start:time",
		"overlap_min:int", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_activity_overlaps: out is NULL");
	*out = NULL;
	kiscrm_activity_query all;
	kc_calendar c;
	kiscrm_table *t = NULL;
	int rc = kc_options_copy(&all, q, &kc_activity_query_v);
	if (rc)
		return rc;
	all.customer_id = 0; /* a calendar is a person's, whoever the customer */
	if ((rc = kc_calendar_load(&c, db, q ? &all : NULL)) != 0)
		return rc;
	if ((rc = kc_sort_ctx(c.occ, c.nocc, sizeof(*c.occ), by_owner_start, &c)) == 0)
		rc = new_table(&t, db, "activity_overlaps", cols);
	for (size_t i = 0; rc == 0 && i < c.nocc; i++) {
		const kc_occurrence *a = &c.occ[i];
		kiscrm_id owner = c.acts[a->activity].owner_id;
		for (size_t j = i + 1; rc == 0 && j < c.nocc; j++) {
			const kc_occurrence *b = &c.occ[j];
			if (c.acts[b->activity].owner_id != owner || b->start >= end_of(a))
				break;
			kiscrm_time lo = b->start, hi = a->end < b->end ? a->end : b->end;
			int r = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
			if (r < 0) {
				rc = r;
				break;
			}
			size_t row = (size_t)r;
			if ((rc = kc_cell_int(t, row, 0, owner)) || (rc = kc_cell_int(t, row, 1, c.acts[a->activity].id)) ||
			    (rc = kc_cell_int(t, row, 2, c.acts[b->activity].id)) ||
			    (rc = kc_cell_int(t, row, 3, a->start)))
				break;
			if ((rc = kc_cell_int(t, row, 4, b->start)) == 0)
				rc = kc_cell_int(t, row, 5, hi > lo ? (hi - lo) / 60 : 0);
		}
	}
	kc_calendar_free(&c);
	return kc_report_deliver(out, t, rc);
}

/* The audit log (审计日志): who changed which record when, and each changed field's old and
 * new value, written by the storage layer's write functions (db.c) in the same transaction
 * as the change, for every kind and every path — the public record functions, the hooks'
 * derived updates, cascades, merges, imports.
 *
 * Why an insert records no values: the inserted row is the stored row, and every later
 * change records the values it replaced, so the row as inserted is the current row with
 * the updates undone. Copying every inserted row would double what a bulk load writes
 * (measured in the closing note of the audit work); a delete records the values it
 * removes, since nothing else keeps them. */
#include "storage/audit.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/audit.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same_value(const kiscrm_value *a, const kiscrm_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case KISCRM_TYPE_NULL:
		return 1;
	case KISCRM_TYPE_TEXT:
		return strcmp(a->u.s, b->u.s) == 0;
	case KISCRM_TYPE_RATE:
		return a->u.r == b->u.r;
	default:
		return a->u.i == b->u.i;
	}
}

/* A value as a JSON string (or null), money with the currency's decimals, dates ISO. */
static int json_value(kiscrm_buf *b, const kiscrm_db *db, const kiscrm_value *v)
{
	char text[64];
	switch (v->type) {
	case KISCRM_TYPE_NULL:
		return kc_buf_puts(b, "null");
	case KISCRM_TYPE_TEXT:
		return kc_buf_json_string(b, v->u.s);
	case KISCRM_TYPE_RATE:
		snprintf(text, sizeof(text), "%.15g", v->u.r);
		break;
	case KISCRM_TYPE_MONEY:
		kiscrm_money_format(text, sizeof(text), v->u.i, db->money_decimals, 0);
		break;
	case KISCRM_TYPE_DATE:
		if (kiscrm_date_format(text, sizeof(text), (kiscrm_date)v->u.i) < 0)
			snprintf(text, sizeof(text), "%lld", (long long)v->u.i);
		break;
	case KISCRM_TYPE_TIME:
		if (kiscrm_time_format(text, sizeof(text), v->u.i) < 0)
			snprintf(text, sizeof(text), "%lld", (long long)v->u.i);
		break;
	default:
		snprintf(text, sizeof(text), "%lld", (long long)v->u.i);
		break;
	}
	return kc_buf_json_string(b, text);
}

/* {"field":[old,new],…} over the fields that differ (id excluded). */
static int changes_json(kiscrm_buf *b, const kiscrm_db *db, const kiscrm_kind_def *def,
			const kiscrm_value *old, const kiscrm_value *row, int *count)
{
	static const kiscrm_value null = { KISCRM_TYPE_NULL, { 0 } };
	int rc = kc_buf_puts(b, "{");
	*count = 0;
	for (int i = 1; rc == 0 && i < def->nfields; i++) {
		const kiscrm_value *o = old ? &old[i] : &null, *n = row ? &row[i] : &null;
		if (same_value(o, n))
			continue;
		if ((rc = kc_buf_puts(b, (*count)++ ? ",\"" : "\"")) == 0 &&
		    (rc = kc_buf_puts(b, def->fields[i].name)) == 0 && (rc = kc_buf_puts(b, "\":[")) == 0 &&
		    (rc = json_value(b, db, o)) == 0 && (rc = kc_buf_puts(b, ",")) == 0 &&
		    (rc = json_value(b, db, n)) == 0)
			rc = kc_buf_puts(b, "]");
	}
	return rc ? rc : kc_buf_puts(b, "}");
}

/* One entry, straight to the backend: the log is not itself logged, and no principal
 * filters it. @last is the end of a run of inserts (0: one record). */
static int write_entry(kiscrm_db *db, const kc_audit_run *e)
{
	const kiscrm_kind_def *adef = kc_db_def(db, KISCRM_KIND_AUDIT_ENTRY);
	kiscrm_value v[11] = { { KISCRM_TYPE_NULL, { 0 } } };
	_Static_assert(sizeof(v) / sizeof(v[0]) == 11, "one value per audit field");
	if (e->day != KISCRM_DATE_NONE)
		v[KC_FI(KISCRM_AUDIT_ENTRY_DAY)] = (kiscrm_value){ KISCRM_TYPE_DATE, { .i = e->day } };
	if (e->at)
		v[KC_FI(KISCRM_AUDIT_ENTRY_AT)] = (kiscrm_value){ KISCRM_TYPE_TIME, { .i = e->at } };
	if (e->actor)
		v[KC_FI(KISCRM_AUDIT_ENTRY_ACTOR_ID)] = (kiscrm_value){ KISCRM_TYPE_INT, { .i = e->actor } };
	if (e->job)
		v[KC_FI(KISCRM_AUDIT_ENTRY_JOB)] = (kiscrm_value){ KISCRM_TYPE_TEXT, { .s = e->job } };
	v[KC_FI(KISCRM_AUDIT_ENTRY_ACTION)] = (kiscrm_value){ KISCRM_TYPE_TEXT, { .s = e->action } };
	v[KC_FI(KISCRM_AUDIT_ENTRY_KIND)] = (kiscrm_value){ KISCRM_TYPE_TEXT, { .s = e->def->name } };
	v[KC_FI(KISCRM_AUDIT_ENTRY_RECORD_ID)] = (kiscrm_value){ KISCRM_TYPE_INT, { .i = e->first } };
	if (e->last != e->first)
		v[KC_FI(KISCRM_AUDIT_ENTRY_LAST_ID)] = (kiscrm_value){ KISCRM_TYPE_INT, { .i = e->last } };
	if (e->changes)
		v[KC_FI(KISCRM_AUDIT_ENTRY_CHANGES)] = (kiscrm_value){ KISCRM_TYPE_TEXT, { .s = e->changes } };
	if (e->partner)
		v[KC_FI(KISCRM_AUDIT_ENTRY_PARTNER_ID)] = (kiscrm_value){ KISCRM_TYPE_INT, { .i = e->partner } };
	kiscrm_id entry;
	return db->backend->insert(db->backend, adef, v, &entry);
}

/* What the handle says of the change being written now. */
static kc_audit_run entry_of(const kiscrm_db *db, const kiscrm_kind_def *def, const char *action,
			     kiscrm_id id, kiscrm_id partner, const char *changes)
{
	return (kc_audit_run){ def, action, id, id, partner, db->actor, db->job, db->today, db->write_at, changes };
}

static int logging(const kiscrm_db *db, const kiscrm_kind_def *def)
{
	return db->audit && def->kind != KISCRM_KIND_AUDIT_ENTRY && kc_db_def(db, KISCRM_KIND_AUDIT_ENTRY);
}

int kc_audit_flush(kiscrm_db *db)
{
	int rc = KISCRM_OK;
	for (int k = 0; db->runs && k < db->kinds->nkinds; k++) {
		kc_audit_run *run = &db->runs[k];
		if (run->def && rc == KISCRM_OK)
			rc = write_entry(db, run);
		run->def = NULL;
	}
	return rc;
}

void kc_audit_discard(kiscrm_db *db)
{
	for (int k = 0; db->runs && k < db->kinds->nkinds; k++)
		db->runs[k].def = NULL;
}

int kc_audit_note(kiscrm_db *db, const kiscrm_kind_def *def, const char *action, kiscrm_id id,
		  kiscrm_id partner, const char *changes)
{
	if (!logging(db, def))
		return KISCRM_OK;
	/* the runs of inserts before it, so that a record's entries keep their order */
	int rc = kc_audit_flush(db);
	kc_audit_run e = entry_of(db, def, action, id, partner, changes);
	return rc ? rc : write_entry(db, &e);
}

static int same_run(const kc_audit_run *run, const kc_audit_run *e)
{
	return run->def == e->def && e->first == run->last + 1 && e->first - run->first < KISCRM_AUDIT_RUN_MAX &&
	       run->partner == e->partner && run->actor == e->actor && run->job == e->job && run->day == e->day &&
	       run->at == e->at;
}

int kc_audit_insert(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_id partner)
{
	if (!logging(db, def))
		return KISCRM_OK;
	kc_audit_run e = entry_of(db, def, "insert", id, partner, NULL);
	/* outside a transaction nothing would flush a run: written at once */
	if (db->tx_depth == 0)
		return write_entry(db, &e);
	if (!db->runs && !(db->runs = calloc((size_t)db->kinds->nkinds, sizeof(*db->runs))))
		return kc_error_oom();
	kc_audit_run *run = &db->runs[def->kind - 1];
	if (run->def && same_run(run, &e)) {
		run->last = id;
		return KISCRM_OK;
	}
	int rc = run->def ? write_entry(db, run) : KISCRM_OK;
	*run = e;
	return rc;
}

/* The diff of a stored row against the row about to replace it (NULL: a delete), made
 * inside the backend's get callback, where the stored row's text is valid. */
typedef struct diff {
	kiscrm_db *db;
	const kiscrm_kind_def *def;
	const kiscrm_value *row;
	kc_audit_pending *p;
} diff;

static int diff_cb(void *payload, const kiscrm_value *old)
{
	diff *d = payload;
	d->p->partner = kc_scope_row_partner(d->db, d->def, d->row ? d->row : old);
	return changes_json(&d->p->changes, d->db, d->def, old, d->row, &d->p->count);
}

int kc_audit_prepare(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, const kiscrm_value *row,
		     kc_audit_pending *p)
{
	*p = (kc_audit_pending){ row ? "update" : "delete", id, 0, 0, KISCRM_BUF_INIT, 0 };
	if (!logging(db, def))
		return KISCRM_OK;
	diff d = { db, def, row, p };
	int rc = db->backend->get(db->backend, def, id, diff_cb, &d);
	/* a missing row: the write reports it */
	p->wanted = rc == KISCRM_OK && (p->count > 0 || !row);
	return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc;
}

int kc_audit_finish(kiscrm_db *db, const kiscrm_kind_def *def, kc_audit_pending *p, int rc)
{
	if (rc == KISCRM_OK && p->wanted)
		rc = kc_audit_note(db, def, p->action, p->id, p->partner, p->changes.ptr);
	kiscrm_buf_dispose(&p->changes);
	return rc;
}

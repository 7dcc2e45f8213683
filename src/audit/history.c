/* A record's history from the audit log (kiscrm_audit_history, `kiscrm history KIND ID`):
 * its entries, read through the storage layer's read chokepoint like any record, so a
 * partner's principal sees the history of its own rows only. */
#include "analytics/report.h"
#include "core/error.h"
#include "core/field.h"
#include "kiscrm/audit.h"
#include "kiscrm/org.h"
#include "storage/db.h"

#include <stdio.h>
#include <string.h>

typedef struct history {
	kiscrm_db *db;
	kiscrm_table *t;
	kiscrm_id id;
} history;

/* A staff member's name, "" when unknown or not visible to the principal. */
static int name_cb(void *payload, const kiscrm_value *row)
{
	const char *name = kc_val_text(&row[KC_FI(KISCRM_STAFF_NAME)]);
	snprintf(payload, 128, "%s", name ? name : "");
	return 0;
}

static int entry_cb(void *payload, const kiscrm_value *row)
{
	history *h = payload;
	/* an entry of a run of inserts that ends before the record */
	kiscrm_id first = kc_val_int(&row[KC_FI(KISCRM_AUDIT_ENTRY_RECORD_ID)], 0);
	if (kc_val_int(&row[KC_FI(KISCRM_AUDIT_ENTRY_LAST_ID)], first) < h->id)
		return 0;
	size_t r;
	int rc = kc_add_row(h->t, KISCRM_ROW_DETAIL, &r);
	static const int fields[] = { KISCRM_AUDIT_ENTRY_ID, KISCRM_AUDIT_ENTRY_DAY, KISCRM_AUDIT_ENTRY_AT,
				      KISCRM_AUDIT_ENTRY_ACTOR_ID };
	for (size_t c = 0; rc == 0 && c < sizeof(fields) / sizeof(fields[0]); c++) {
		const kiscrm_value *v = &row[KC_FI(fields[c])];
		if (v->type != KISCRM_TYPE_NULL)
			rc = kc_cell_int(h->t, r, c, v->u.i);
	}
	kiscrm_id actor = kc_val_int(&row[KC_FI(KISCRM_AUDIT_ENTRY_ACTOR_ID)], 0);
	char name[128] = "";
	if (rc == 0 && actor > 0) {
		int found = kc_db_get(h->db, kc_db_def(h->db, KISCRM_KIND_STAFF), actor, name_cb, name);
		if (found == KISCRM_ENOTFOUND)
			kiscrm_error_clear();
		else
			rc = found;
	}
	if (rc == 0 && *name)
		rc = kc_cell_text(h->t, r, 4, name);
	static const int texts[] = { KISCRM_AUDIT_ENTRY_JOB, KISCRM_AUDIT_ENTRY_ACTION, KISCRM_AUDIT_ENTRY_CHANGES };
	for (size_t c = 0; rc == 0 && c < sizeof(texts) / sizeof(texts[0]); c++) {
		const char *text = kc_val_text(&row[KC_FI(texts[c])]);
		if (text)
			rc = kc_cell_text(h->t, r, 5 + c, text);
	}
	return rc;
}

int kiscrm_audit_history(kiscrm_table **out, kiscrm_db *db, kiscrm_kind kind, kiscrm_id id)
{
	static const char *const cols[] = { "entry:int", "day:date", "at:time", "actor_id:int", "actor:text",
					    "job:text", "action:text", "changes:text", NULL };
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_audit_history: out is NULL");
	*out = NULL;
	history h = { db, NULL, id };
	/* the entries of the record itself and the runs of inserts that may hold it: a run
	 * starts at most KISCRM_AUDIT_RUN_MAX - 1 ids before it (the index on record_id
	 * reads that range only) */
	kiscrm_cond c[3] = {
		{ KISCRM_AUDIT_ENTRY_RECORD_ID, KISCRM_OP_LE, { KISCRM_TYPE_INT, { .i = id } } },
		{ KISCRM_AUDIT_ENTRY_RECORD_ID, KISCRM_OP_GT, { KISCRM_TYPE_INT, { .i = id - KISCRM_AUDIT_RUN_MAX } } },
		{ KISCRM_AUDIT_ENTRY_KIND, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = def->name } } },
	};
	kiscrm_query q = { 3, c, 0 };
	if ((rc = kiscrm_table_new(&h.t, "history")) == 0) {
		kc_report_label(h.t, db);
		rc = kc_add_columns(h.t, cols);
	}
	if (rc == 0)
		rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_AUDIT_ENTRY), &q, entry_cb, &h);
	if (rc) {
		kiscrm_table_free(h.t);
		return rc;
	}
	*out = h.t;
	return KISCRM_OK;
}

/* The monthly review list (月度检查): every work item still open (open or in progress) as
 * of a date, with its owner, how many days it is overdue, and its measures so far. */
#include "routines/kinds.h"
#include "analytics/report.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "kiscrm/org.h"
#include "kiscrm/routines.h"

#include <stdlib.h>
#include <string.h>

typedef struct item {
	kiscrm_id id, owner;
	char *list, *title, *status;
	kiscrm_date due, last_measure;
	int64_t measures;
} item;

typedef struct review {
	kc_report *r;
	item *items;
	size_t n, cap;
	kc_idmap index;     /* work item id → item */
} review;

static int item_cb(void *payload, const kiscrm_value *row)
{
	review *v = payload;
	const char *status = kc_val_text(&row[KC_FI(KISCRM_WORK_ITEM_STATUS)]);
	if (status && (strcmp(status, "done") == 0 || strcmp(status, "dropped") == 0))
		return 0;
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.owner_id = kc_val_int(&row[KC_FI(KISCRM_WORK_ITEM_OWNER_ID)], 0);
	int rc = kc_report_staff_department(v->r, d.owner_id, &d.department_id);
	if (rc || !kc_report_accept(v->r, &d))
		return rc;
	if (KC_VEC_GROW(v->items, v->n, v->cap, 32))
		return KISCRM_ENOMEM;
	item *it = &v->items[v->n];
	memset(it, 0, sizeof(*it));
	it->id = row[0].u.i;
	it->owner = d.owner_id;
	it->due = kc_val_date(&row[KC_FI(KISCRM_WORK_ITEM_DUE)]);
	it->last_measure = KISCRM_DATE_NONE;
	if ((rc = kc_strdup_to(&it->list, kc_val_text(&row[KC_FI(KISCRM_WORK_ITEM_LIST)]))) ||
	    (rc = kc_strdup_to(&it->title, kc_val_text(&row[KC_FI(KISCRM_WORK_ITEM_TITLE)]))) ||
	    (rc = kc_strdup_to(&it->status, status)) || (rc = kc_idmap_put(&v->index, it->id, v->n))) {
		free(it->list);
		free(it->title);
		free(it->status);
		return rc;
	}
	v->n++;
	return KISCRM_OK;
}

static int log_cb(void *payload, const kiscrm_value *row)
{
	review *v = payload;
	size_t i;
	kiscrm_date day = kc_val_date(&row[KC_FI(KISCRM_WORK_LOG_DATE)]);
	if (!kc_idmap_get(&v->index, kc_val_int(&row[KC_FI(KISCRM_WORK_LOG_WORK_ITEM_ID)], 0), &i) || day > v->r->as_of)
		return 0; /* a measure dated after the review is not known yet */
	item *it = &v->items[i];
	it->measures++;
	if (it->last_measure == KISCRM_DATE_NONE || day > it->last_measure)
		it->last_measure = day;
	return 0;
}

static int by_due(const void *x, const void *y)
{
	const item *a = x, *b = y;
	if (a->due != b->due)
		return (a->due > b->due) - (a->due < b->due);
	return (a->id > b->id) - (a->id < b->id);
}

int kiscrm_report_work_review(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"id:int", "list:text", "title:text", "owner:text", "due:date", "status:text", "overdue:int",
		"days_overdue:int", "measures:int", "last_measure:date", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_work_review: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	review v;
	memset(&v, 0, sizeof(v));
	v.r = &r;
	kiscrm_table *t = NULL;
	if ((rc = kc_db_scan(db, &kc_work_item_def, NULL, item_cb, &v)) == 0 &&
	    (rc = kc_db_scan(db, &kc_work_log_def, NULL, log_cb, &v)) == 0)
		rc = kc_report_listing(&r, &t, "work-review", cols);
	if (rc == 0)
		kc_sort(v.items, v.n, sizeof(*v.items), by_due);
	for (size_t i = 0; rc == 0 && i < v.n; i++) {
		const item *it = &v.items[i];
		int late = it->due < r.as_of;
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		if ((rc = kc_cell_int(t, row, 0, it->id)) || (rc = kc_cell_text(t, row, 1, it->list)) ||
		    (rc = kc_cell_text(t, row, 2, it->title)) ||
		    (rc = kc_cell_text(t, row, 3, kc_report_staff_name(&r, it->owner))) ||
		    (rc = kc_cell_int(t, row, 4, it->due)) || (rc = kc_cell_text(t, row, 5, it->status)) ||
		    (rc = kc_cell_int(t, row, 6, late)) || (rc = kc_cell_int(t, row, 7, late ? r.as_of - it->due : 0)) ||
		    (rc = kc_cell_int(t, row, 8, it->measures)))
			break;
		if (it->last_measure != KISCRM_DATE_NONE)
			rc = kc_cell_int(t, row, 9, it->last_measure);
	}
	for (size_t i = 0; i < v.n; i++) {
		free(v.items[i].list);
		free(v.items[i].title);
		free(v.items[i].status);
	}
	free(v.items);
	kc_idmap_dispose(&v.index);
	return kc_report_finish(out, t, &r, rc);
}

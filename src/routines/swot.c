/* The SWOT report: every strategy with the two entries it pairs, the scope of its
 * internal entry (the company, a department or a product line), and how far it has
 * become action — the work items carrying it out, and how many of them are still open. */
#include "routines/kinds.h"
#include "analytics/report.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/str.h"
#include "core/vec.h"
#include "kiscrm/routines.h"

#include <stdlib.h>
#include <string.h>

typedef struct entry {
	char *text, *product_line;
	kiscrm_id department;
} entry;

typedef struct strategy {
	kiscrm_id id, internal, external;
	char *type, *text;
	int64_t items, open;
} strategy;

typedef struct swot {
	entry *entries;
	size_t nentries, cap_entries;
	kc_idmap entry_index, strategy_index;
	strategy *strategies;
	size_t nstrategies, cap_strategies;
} swot;

static int entry_cb(void *payload, const kiscrm_value *row)
{
	swot *s = payload;
	if (KC_VEC_GROW(s->entries, s->nentries, s->cap_entries, 16))
		return KISCRM_ENOMEM;
	entry *e = &s->entries[s->nentries];
	memset(e, 0, sizeof(*e));
	e->department = kc_val_int(&row[KC_FI(KISCRM_SWOT_ENTRY_DEPARTMENT_ID)], 0);
	int rc;
	if ((rc = kc_strdup_to(&e->text, kc_val_text(&row[KC_FI(KISCRM_SWOT_ENTRY_TEXT)]))) ||
	    (rc = kc_strdup_to(&e->product_line, kc_val_text(&row[KC_FI(KISCRM_SWOT_ENTRY_PRODUCT_LINE)]))) ||
	    (rc = kc_idmap_put(&s->entry_index, row[0].u.i, s->nentries))) {
		free(e->text);
		free(e->product_line);
		return rc;
	}
	s->nentries++;
	return KISCRM_OK;
}

static int strategy_cb(void *payload, const kiscrm_value *row)
{
	swot *s = payload;
	if (KC_VEC_GROW(s->strategies, s->nstrategies, s->cap_strategies, 16))
		return KISCRM_ENOMEM;
	strategy *g = &s->strategies[s->nstrategies];
	memset(g, 0, sizeof(*g));
	g->id = row[0].u.i;
	g->internal = kc_val_int(&row[KC_FI(KISCRM_SWOT_STRATEGY_INTERNAL)], 0);
	g->external = kc_val_int(&row[KC_FI(KISCRM_SWOT_STRATEGY_EXTERNAL)], 0);
	int rc;
	if ((rc = kc_strdup_to(&g->type, kc_val_text(&row[KC_FI(KISCRM_SWOT_STRATEGY_TYPE)]))) ||
	    (rc = kc_strdup_to(&g->text, kc_val_text(&row[KC_FI(KISCRM_SWOT_STRATEGY_TEXT)]))) ||
	    (rc = kc_idmap_put(&s->strategy_index, g->id, s->nstrategies))) {
		free(g->type);
		free(g->text);
		return rc;
	}
	s->nstrategies++;
	return KISCRM_OK;
}

static int item_cb(void *payload, const kiscrm_value *row)
{
	swot *s = payload;
	size_t i;
	if (!kc_idmap_get(&s->strategy_index, kc_val_int(&row[KC_FI(KISCRM_WORK_ITEM_STRATEGY_ID)], 0), &i))
		return 0;
	const char *status = kc_val_text(&row[KC_FI(KISCRM_WORK_ITEM_STATUS)]);
	s->strategies[i].items++;
	s->strategies[i].open += !status || strcmp(status, "open") == 0 || strcmp(status, "in_progress") == 0;
	return 0;
}

static const entry *entry_at(const swot *s, kiscrm_id id)
{
	size_t i;
	return kc_idmap_get(&s->entry_index, id, &i) ? &s->entries[i] : NULL;
}

int kiscrm_report_swot(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"strategy_id:int", "type:text", "strategy:text", "internal:text", "external:text",
		"department:text", "product_line:text", "work_items:int", "open_items:int", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_swot: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	swot s;
	memset(&s, 0, sizeof(s));
	kiscrm_table *t = NULL;
	if ((rc = kc_db_scan(db, &kc_swot_entry_def, NULL, entry_cb, &s)) == 0 &&
	    (rc = kc_db_scan(db, &kc_swot_strategy_def, NULL, strategy_cb, &s)) == 0 &&
	    (rc = kc_db_scan(db, &kc_work_item_def, NULL, item_cb, &s)) == 0)
		rc = kc_report_listing(&r, &t, "swot", cols);
	for (size_t i = 0; rc == 0 && i < s.nstrategies; i++) { /* in id order */
		const strategy *g = &s.strategies[i];
		const entry *in = entry_at(&s, g->internal), *ex = entry_at(&s, g->external);
		kc_dims d;
		memset(&d, 0, sizeof(d));
		d.department_id = in ? in->department : 0;
		if (r.o.department_id && !kc_report_accept(&r, &d))
			continue;
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		if ((rc = kc_cell_int(t, row, 0, g->id)) || (rc = kc_cell_text(t, row, 1, g->type)) ||
		    (rc = kc_cell_text(t, row, 2, g->text)) || (rc = kc_cell_text(t, row, 3, in ? in->text : NULL)) ||
		    (rc = kc_cell_text(t, row, 4, ex ? ex->text : NULL)) ||
		    (in && in->department && (rc = kc_cell_text(t, row, 5, kc_report_department_name(&r, in->department)))) ||
		    (rc = kc_cell_text(t, row, 6, in ? in->product_line : NULL)) || (rc = kc_cell_int(t, row, 7, g->items)))
			break;
		rc = kc_cell_int(t, row, 8, g->open);
	}
	for (size_t i = 0; i < s.nentries; i++) {
		free(s.entries[i].text);
		free(s.entries[i].product_line);
	}
	for (size_t i = 0; i < s.nstrategies; i++) {
		free(s.strategies[i].type);
		free(s.strategies[i].text);
	}
	free(s.entries);
	free(s.strategies);
	kc_idmap_dispose(&s.entry_index);
	kc_idmap_dispose(&s.strategy_index);
	return kc_report_finish(out, t, &r, rc);
}

/* The key-project drill-down for the penetration meeting (重点项目穿透分析): for every
 * opportunity flagged `key_project`, everything dated about it — created, moved, expected
 * collections, contracts, instalments, money received — in date order. */
#include "analytics/timeline.h"
#include "analytics/funnel_data.h"
#include "core/error.h"
#include "core/field.h"
#include "core/idvec.h"
#include "kiscrm/pipeline.h"
#include "pipeline/kinds.h"

#include <string.h>

typedef struct {
	kc_report *r;
	kc_idvec ids;
} flagged;

static int flagged_cb(void *payload, const kiscrm_value *row)
{
	flagged *f = payload;
	kc_report *r = f->r;
	kc_dims d;
	kc_opp_dims(row, &d);
	const char *pipeline = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]);
	int state = kc_opp_state(r->db->config, pipeline, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
				 kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]));
	/* open ones, and those closed in the window */
	int closed = state != KISCRM_STAGE_OPEN && state >= 0;
	if (!kc_opp_in_pipeline(r, pipeline) || !kc_report_accept(r, &d) ||
	    (closed && !kc_report_in_window(r, kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)]))))
		return 0;
	return kc_idvec_push(&f->ids, row[0].u.i);
}

int kiscrm_report_key_projects(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"opportunity_id:int", "opportunity:text", "owner:text", "date:date", "kind:text", "id:int",
		"what:text", "status:text", "amount:money", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_key_projects: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	flagged f = { &r, KC_IDVEC_INIT };
	kiscrm_cond key = { KISCRM_OPPORTUNITY_KEY_PROJECT, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = 1 } } };
	kiscrm_query q = { 1, &key, 0 };
	kiscrm_table *t = NULL;
	if ((rc = kc_db_scan(db, &kc_opportunity_def, &q, flagged_cb, &f)) == 0)
		rc = kc_report_listing(&r, &t, "key-projects", cols);
	for (size_t p = 0; rc == 0 && p < f.ids.n; p++) { /* projects in id order */
		kc_timeline tl;
		memset(&tl, 0, sizeof(tl));
		tl.opps = (kc_idvec)KC_IDVEC_INIT;
		tl.contracts = (kc_idvec)KC_IDVEC_INIT;
		kiscrm_record *opp = NULL;
		if ((rc = kiscrm_record_get(&opp, db, KISCRM_KIND_OPPORTUNITY, f.ids.ids[p])) == 0 &&
		    (rc = kc_timeline_opportunity(&tl, db, f.ids.ids[p])) == 0)
			kc_timeline_sort(&tl);
		const char *name = opp ? kiscrm_record_text(opp, KISCRM_OPPORTUNITY_NAME) : NULL;
		const char *owner = opp ? kc_report_staff_name(&r, kiscrm_record_int(opp, KISCRM_OPPORTUNITY_OWNER_ID)) : "";
		for (size_t i = 0; rc == 0 && i < tl.n; i++) {
			const kc_event *e = &tl.ev[i];
			size_t row;
			if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
				break;
			if ((rc = kc_cell_int(t, row, 0, f.ids.ids[p])) || (rc = kc_cell_text(t, row, 1, name)) ||
			    (rc = kc_cell_text(t, row, 2, owner)) ||
			    (e->date != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 3, e->date))) ||
			    (rc = kc_cell_text(t, row, 4, e->kind)) || (rc = kc_cell_int(t, row, 5, e->id)) ||
			    (rc = kc_cell_text(t, row, 6, e->what)) || (rc = kc_cell_text(t, row, 7, e->status)))
				break;
			if (e->has_amount)
				rc = kc_cell_int(t, row, 8, e->amount);
		}
		kiscrm_record_free(opp);
		kc_timeline_free(&tl);
	}
	kc_idvec_free(&f.ids);
	return kc_report_finish(out, t, &r, rc);
}

/* The rules of implementation milestones, run by the store inside the write's
 * transaction: a configured type, once per contract; and the instalments that fall due on
 * a milestone follow its dates — the actual one once reached, the planned one before —
 * whichever side changes (the milestone here, the instalment through
 * kc_milestone_instalment_due). */
#include "delivery/kinds.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/idvec.h"
#include "kiscrm/delivery.h"
#include "kiscrm/money_flow.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

typedef struct twin {
	kiscrm_id self, found;
	const char *type;
} twin;

static int twin_cb(void *payload, const kiscrm_value *row)
{
	twin *t = payload;
	const char *type = kc_val_text(&row[KC_FI(KISCRM_MILESTONE_TYPE)]);
	if (row[0].u.i != t->self && type && strcmp(type, t->type) == 0)
		t->found = row[0].u.i;
	return 0;
}

static kiscrm_date due_of(kiscrm_date planned, kiscrm_date actual)
{
	return actual != KISCRM_DATE_NONE ? actual : planned;
}

/* Sets the due date of the instalments on milestone @id. Ids first, changes after: a kind
 * is never changed while it is scanned. */
static int follow(kiscrm_db *db, kiscrm_id id, kiscrm_date due)
{
	kiscrm_cond c = { KISCRM_COLLECTION_PLAN_MILESTONE_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, 1 };
	kc_idvec plans = KC_IDVEC_INIT;
	const kiscrm_kind_def *def = kc_db_def(db, KISCRM_KIND_COLLECTION_PLAN);
	int rc = id && due != KISCRM_DATE_NONE ? kc_db_scan(db, def, &q, kc_idvec_collect, &plans) : 0;
	for (size_t i = 0; rc == 0 && i < plans.n; i++) {
		kiscrm_record *p = NULL;
		if ((rc = kiscrm_record_get(&p, db, KISCRM_KIND_COLLECTION_PLAN, plans.ids[i])) == 0 &&
		    kiscrm_record_int(p, KISCRM_COLLECTION_PLAN_DUE) != due) {
			kc_record_put_int(p, KISCRM_COLLECTION_PLAN_DUE, due);
			rc = kc_db_update(db, p->def, p->vals);
		}
		kiscrm_record_free(p);
	}
	kc_idvec_free(&plans);
	return rc;
}

int kc_milestone_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const kc_service_config *s = kc_config_service(ctx->db->config);
	const char *type = kiscrm_record_text(rec, KISCRM_MILESTONE_TYPE);
	if (!type || kiscrm_record_is_null(rec, KISCRM_MILESTONE_CONTRACT_ID))
		return KISCRM_OK; /* the store reports the missing required field */
	if (kc_named_find(s->milestones, s->nmilestones, type) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "type", type,
				       "milestone.type: '%s' is not a milestone of service.yaml", type);
	kiscrm_id contract = kiscrm_record_int(rec, KISCRM_MILESTONE_CONTRACT_ID);
	kiscrm_cond c = { KISCRM_MILESTONE_CONTRACT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = contract } } };
	kiscrm_query q = { 1, &c, 0 };
	twin t = { kiscrm_record_id(rec), 0, type };
	int rc = kc_db_scan(ctx->db, &kc_milestone_def, &q, twin_cb, &t);
	if (rc)
		return rc;
	if (t.found)
		return kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "type", type,
				       "milestone.type: contract %lld has its %s milestone already (milestone %lld)",
				       (long long)contract, type, (long long)t.found);
	kiscrm_date planned = kiscrm_record_is_null(rec, KISCRM_MILESTONE_PLANNED)
				      ? KISCRM_DATE_NONE : (kiscrm_date)kiscrm_record_int(rec, KISCRM_MILESTONE_PLANNED);
	kiscrm_date actual = kiscrm_record_is_null(rec, KISCRM_MILESTONE_ACTUAL)
				     ? KISCRM_DATE_NONE : (kiscrm_date)kiscrm_record_int(rec, KISCRM_MILESTONE_ACTUAL);
	return follow(ctx->db, kiscrm_record_id(rec), due_of(planned, actual)); /* a new one has no instalments yet */
}

typedef struct milestone_view {
	kiscrm_id contract;
	kiscrm_date planned, actual;
} milestone_view;

static int view_cb(void *payload, const kiscrm_value *row)
{
	milestone_view *v = payload;
	v->contract = kc_val_int(&row[KC_FI(KISCRM_MILESTONE_CONTRACT_ID)], 0);
	v->planned = kc_val_date(&row[KC_FI(KISCRM_MILESTONE_PLANNED)]);
	v->actual = kc_val_date(&row[KC_FI(KISCRM_MILESTONE_ACTUAL)]);
	return 0;
}

int kc_milestone_instalment_due(kiscrm_db *db, kiscrm_record *plan)
{
	if (kiscrm_record_is_null(plan, KISCRM_COLLECTION_PLAN_MILESTONE_ID))
		return KISCRM_OK;
	kiscrm_id id = kiscrm_record_int(plan, KISCRM_COLLECTION_PLAN_MILESTONE_ID);
	milestone_view v = { 0, KISCRM_DATE_NONE, KISCRM_DATE_NONE };
	int rc = kc_db_get(db, &kc_milestone_def, id, view_cb, &v);
	if (rc)
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc; /* the store reports the reference */
	if (kiscrm_record_is_null(plan, KISCRM_COLLECTION_PLAN_CONTRACT_ID) ||
	    kiscrm_record_int(plan, KISCRM_COLLECTION_PLAN_CONTRACT_ID) != v.contract) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)id);
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "milestone_id", text,
				       "collection_plan.milestone_id: milestone %s belongs to contract %lld, not to "
				       "the instalment's", text, (long long)v.contract);
	}
	kiscrm_date due = due_of(v.planned, v.actual);
	if (due != KISCRM_DATE_NONE)
		kc_record_put_int(plan, KISCRM_COLLECTION_PLAN_DUE, due);
	return KISCRM_OK;
}

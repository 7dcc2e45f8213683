/* The 360° view of a customer: everything dated that happened with it — opportunities
 * opened and moved, contracts signed, instalments due, money received, activities — as
 * one table in date order, read through the storage layer's read chokepoint. Contacts
 * have no date and come first. */
#include "analytics/timeline.h"
#include "activities/kinds.h"
#include "analytics/report.h"
#include "core/error.h"
#include "kiscrm/date.h"
#include "core/field.h"
#include "core/idvec.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/activity.h"
#include "kiscrm/customer.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pipeline.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef kc_event event;
typedef kc_timeline timeline;

#define text_of kc_val_text

static int add(timeline *tl, kiscrm_date date, int order, const char *kind, kiscrm_id id, const char *what,
	       const char *status, const kiscrm_value *amount)
{
	if (KC_VEC_GROW(tl->ev, tl->n, tl->cap, 32))
		return KISCRM_ENOMEM;
	event *e = &tl->ev[tl->n];
	memset(e, 0, sizeof(*e));
	e->date = date;
	e->order = order;
	e->kind = kind;
	e->id = id;
	int rc = kc_strdup_to(&e->what, what);
	if (rc == 0 && (rc = kc_strdup_to(&e->status, status)) != 0)
		free(e->what);
	if (rc)
		return rc;
	if (amount && amount->type != KISCRM_TYPE_NULL) {
		e->has_amount = 1;
		e->amount = amount->u.i;
	}
	tl->n++;
	return KISCRM_OK;
}

static int contact_cb(void *p, const kiscrm_value *row)
{
	return add(p, KISCRM_DATE_NONE, 0, "contact", row[0].u.i, text_of(&row[KC_FI(KISCRM_CONTACT_NAME)]),
		   text_of(&row[KC_FI(KISCRM_CONTACT_TITLE)]), NULL);
}

static int opp_cb(void *p, const kiscrm_value *row)
{
	timeline *tl = p;
	const kiscrm_value *c = &row[KC_FI(KISCRM_OPPORTUNITY_CREATED)];
	int rc = kc_idvec_push(&tl->opps, row[0].u.i);
	return rc ? rc
		  : add(tl, c->type == KISCRM_TYPE_NULL ? KISCRM_DATE_NONE : (kiscrm_date)c->u.i, 1, "opportunity",
			row[0].u.i, text_of(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]),
			text_of(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]), &row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)]);
}

static int move_cb(void *p, const kiscrm_value *row)
{
	if (row[KC_FI(KISCRM_STAGE_HISTORY_FROM_STAGE)].type == KISCRM_TYPE_NULL)
		return 0; /* the creation entry: the opportunity's own row says it */
	char what[160];
	snprintf(what, sizeof(what), "opportunity %lld: %s → %s",
		 (long long)row[KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)].u.i,
		 text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_FROM_STAGE)]), text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE)]));
	return add(p, kiscrm_time_date(row[KC_FI(KISCRM_STAGE_HISTORY_AT)].u.i), 2, "stage_move", row[0].u.i, what,
		   text_of(&row[KC_FI(KISCRM_STAGE_HISTORY_TO_STAGE)]), NULL);
}

static int contract_cb(void *p, const kiscrm_value *row)
{
	timeline *tl = p;
	int rc = kc_idvec_push(&tl->contracts, row[0].u.i);
	return rc ? rc
		  : add(tl, (kiscrm_date)row[KC_FI(KISCRM_CONTRACT_SIGNED)].u.i, 3, "contract", row[0].u.i,
			text_of(&row[KC_FI(KISCRM_CONTRACT_NUMBER)]), text_of(&row[KC_FI(KISCRM_CONTRACT_APPROVAL)]),
			&row[KC_FI(KISCRM_CONTRACT_AMOUNT)]);
}

static int plan_cb(void *p, const kiscrm_value *row)
{
	return add(p, (kiscrm_date)row[KC_FI(KISCRM_COLLECTION_PLAN_DUE)].u.i, 4, "collection_plan", row[0].u.i,
		   text_of(&row[KC_FI(KISCRM_COLLECTION_PLAN_NOTE)]), "due", &row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)]);
}

static int collection_cb(void *p, const kiscrm_value *row)
{
	return add(p, (kiscrm_date)row[KC_FI(KISCRM_COLLECTION_RECEIVED)].u.i, 5, "collection", row[0].u.i,
		   text_of(&row[KC_FI(KISCRM_COLLECTION_NOTE)]), "received", &row[KC_FI(KISCRM_COLLECTION_AMOUNT)]);
}

static int activity_cb(void *p, const kiscrm_value *row)
{
	return add(p, kiscrm_time_date(row[KC_FI(KISCRM_ACTIVITY_START)].u.i), 6, "activity", row[0].u.i,
		   text_of(&row[KC_FI(KISCRM_ACTIVITY_SUBJECT)]), text_of(&row[KC_FI(KISCRM_ACTIVITY_STATUS)]), NULL);
}

/* Scans @def's records whose INT @field is @id. */
static int scan_by(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id id, kiscrm_row_cb cb, void *p)
{
	kiscrm_cond c = { field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, 0 };
	return kc_db_scan(db, def, &q, cb, p);
}

static int by_date(const void *a, const void *b)
{
	const event *x = a, *y = b;
	if (x->date != y->date) /* undated first */
		return x->date == KISCRM_DATE_NONE ? -1 : y->date == KISCRM_DATE_NONE ? 1 : x->date < y->date ? -1 : 1;
	if (x->order != y->order)
		return x->order - y->order;
	return (x->id > y->id) - (x->id < y->id);
}

static int opp_plan_cb(void *p, const kiscrm_value *row)
{
	return add(p, (kiscrm_date)row[KC_FI(KISCRM_COLLECTION_PLAN_DUE)].u.i, 4, "collection_plan", row[0].u.i,
		   text_of(&row[KC_FI(KISCRM_COLLECTION_PLAN_NOTE)]), "expected", &row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)]);
}

/* The plans and collections of the contracts gathered from index @from on. */
static int contract_money(timeline *tl, kiscrm_db *db, size_t from)
{
	int rc = 0;
	for (size_t i = from; rc == 0 && i < tl->contracts.n; i++)
		if ((rc = scan_by(db, &kc_collection_plan_def, KISCRM_COLLECTION_PLAN_CONTRACT_ID, tl->contracts.ids[i],
				  plan_cb, tl)) == 0)
			rc = scan_by(db, &kc_collection_def, KISCRM_COLLECTION_CONTRACT_ID, tl->contracts.ids[i],
				     collection_cb, tl);
	return rc;
}

int kc_timeline_opportunity(kc_timeline *tl, kiscrm_db *db, kiscrm_id opp)
{
	int rc;
	size_t first_contract = tl->contracts.n;
	if ((rc = kc_db_get(db, &kc_opportunity_def, opp, opp_cb, tl)) != 0 ||
	    (rc = scan_by(db, &kc_stage_history_def, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, opp, move_cb, tl)) != 0 ||
	    (rc = scan_by(db, &kc_collection_plan_def, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, opp, opp_plan_cb, tl)) != 0 ||
	    (rc = scan_by(db, &kc_contract_def, KISCRM_CONTRACT_OPPORTUNITY_ID, opp, contract_cb, tl)) != 0)
		return rc;
	return contract_money(tl, db, first_contract);
}

void kc_timeline_sort(kc_timeline *tl)
{
	kc_sort(tl->ev, tl->n, sizeof(*tl->ev), by_date);
}

void kc_timeline_free(kc_timeline *tl)
{
	for (size_t i = 0; i < tl->n; i++) {
		free(tl->ev[i].what);
		free(tl->ev[i].status);
	}
	free(tl->ev);
	kc_idvec_free(&tl->opps);
	kc_idvec_free(&tl->contracts);
	memset(tl, 0, sizeof(*tl));
}


int kiscrm_customer_timeline(kiscrm_table **out, kiscrm_db *db, kiscrm_id customer_id)
{
	static const char *const cols[] = {
		"date:date", "kind:text", "id:int", "what:text", "status:text", "amount:money", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_customer_timeline: out is NULL");
	*out = NULL;
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (customer_id <= 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_customer_timeline: customer id %lld", (long long)customer_id);
	if ((rc = kc_db_exists(db, &kc_customer_def, customer_id)) <= 0)
		return rc < 0 ? rc
			      : kc_error_set(KISCRM_ENOTFOUND, "customer %lld does not exist", (long long)customer_id);
	timeline tl;
	kiscrm_table *t = NULL;
	memset(&tl, 0, sizeof(tl));
	tl.opps = (kc_idvec)KC_IDVEC_INIT;
	tl.contracts = (kc_idvec)KC_IDVEC_INIT;
	if ((rc = scan_by(db, &kc_contact_def, KISCRM_CONTACT_CUSTOMER_ID, customer_id, contact_cb, &tl)) == 0 &&
	    (rc = scan_by(db, &kc_opportunity_def, KISCRM_OPPORTUNITY_CUSTOMER_ID, customer_id, opp_cb, &tl)) == 0 &&
	    (rc = scan_by(db, &kc_contract_def, KISCRM_CONTRACT_CUSTOMER_ID, customer_id, contract_cb, &tl)) == 0)
		rc = scan_by(db, &kc_activity_def, KISCRM_ACTIVITY_CUSTOMER_ID, customer_id, activity_cb, &tl);
	for (size_t i = 0; rc == 0 && i < tl.opps.n; i++)
		rc = scan_by(db, &kc_stage_history_def, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, tl.opps.ids[i], move_cb, &tl);
	if (rc == 0 && (rc = contract_money(&tl, db, 0)) == 0)
		kc_timeline_sort(&tl);
	if (rc == 0 && (rc = kiscrm_table_new(&t, "customer_timeline")) == 0) {
		kc_report_label(t, db);
		if ((rc = kc_add_columns(t, cols)) == 0)
			rc = kiscrm_table_set_money_decimals(t, kiscrm_config_currency_decimals(db->config));
	}
	for (size_t i = 0; rc == 0 && i < tl.n; i++) {
		const event *e = &tl.ev[i];
		int r = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (r < 0) {
			rc = r;
			break;
		}
		size_t row = (size_t)r;
		if ((e->date != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 0, e->date))) ||
		    (rc = kc_cell_text(t, row, 1, e->kind)) || (rc = kc_cell_int(t, row, 2, e->id)) ||
		    (rc = kc_cell_text(t, row, 3, e->what)) || (rc = kc_cell_text(t, row, 4, e->status)))
			break;
		if (e->has_amount)
			rc = kc_cell_int(t, row, 5, e->amount);
	}
	kc_timeline_free(&tl);
	return kc_report_deliver(out, t, rc);
}

/* The milestones report (实施里程碑): every milestone of the contracts the owner and
 * department filters select, planned in the window (all when unbounded), with whether it
 * is overdue as of as_of, the days it is late, the instalments that fall due on it, and —
 * for a crisis — the general manager it is escalated to. */
#include "delivery/kinds.h"
#include "analytics/report.h"
#include "core/error.h"
#include "core/field.h"
#include "entities/entity.h"
#include "core/map.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/delivery.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"

#include <stdlib.h>
#include <string.h>

typedef struct stone {
	kiscrm_id id, contract, owner;
	char *type;
	kiscrm_date planned, actual;
	int crisis;
	int64_t instalments;
	kiscrm_money due_amount;
} stone;

typedef struct contract_facts {
	kiscrm_id customer;
	kc_dims dims;
	char *number;
} contract_facts;

typedef struct scan {
	kc_report *r;
	stone *s;
	size_t n, cap;
	kc_idmap index; /* milestone id → s */
	kiscrm_id gm;
	int overflow;
} scan;

static int stone_cb(void *payload, const kiscrm_value *row)
{
	scan *x = payload;
	kiscrm_date planned = kc_val_date(&row[KC_FI(KISCRM_MILESTONE_PLANNED)]);
	if (!kc_report_in_window(x->r, planned) && (x->r->from != KISCRM_DATE_NONE || x->r->to != KISCRM_DATE_NONE))
		return 0;
	if (KC_VEC_GROW(x->s, x->n, x->cap, 16))
		return KISCRM_ENOMEM;
	stone *s = &x->s[x->n];
	memset(s, 0, sizeof(*s));
	s->id = row[0].u.i;
	s->contract = kc_val_int(&row[KC_FI(KISCRM_MILESTONE_CONTRACT_ID)], 0);
	s->owner = kc_val_int(&row[KC_FI(KISCRM_MILESTONE_OWNER_ID)], 0);
	s->planned = planned;
	s->actual = kc_val_date(&row[KC_FI(KISCRM_MILESTONE_ACTUAL)]);
	s->crisis = kc_val_int(&row[KC_FI(KISCRM_MILESTONE_CRISIS)], 0) != 0;
	int rc = kc_strdup_to(&s->type, kc_val_text(&row[KC_FI(KISCRM_MILESTONE_TYPE)]));
	if (rc == 0 && (rc = kc_idmap_put(&x->index, s->id, x->n)) != 0)
		free(s->type);
	if (rc == 0)
		x->n++;
	return rc;
}

static int plan_cb(void *payload, const kiscrm_value *row)
{
	scan *x = payload;
	size_t i;
	if (!kc_idmap_get(&x->index, kc_val_int(&row[KC_FI(KISCRM_COLLECTION_PLAN_MILESTONE_ID)], 0), &i))
		return 0;
	x->s[i].instalments++;
	kc_sum_acc(&x->s[i].due_amount, kc_val_int(&row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)], 0), &x->overflow);
	return 0;
}

static int contract_cb(void *payload, const kiscrm_value *row)
{
	contract_facts *c = payload;
	c->customer = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)], 0);
	c->dims.owner_id = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_OWNER_ID)], 0);
	c->dims.department_id = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)], 0);
	c->dims.customer_id = c->customer;
	return kc_strdup_to(&c->number, kc_val_text(&row[KC_FI(KISCRM_CONTRACT_NUMBER)]));
}

static int stone_row(scan *x, kiscrm_table *t, const stone *s)
{
	contract_facts c;
	memset(&c, 0, sizeof(c));
	int rc = kc_db_get(x->r->db, kc_db_def(x->r->db, KISCRM_KIND_CONTRACT), s->contract, contract_cb, &c);
	if (rc || !kc_report_accept(x->r, &c.dims)) {
		free(c.number);
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc;
	}
	kiscrm_date as_of = x->r->as_of;
	int overdue = s->actual == KISCRM_DATE_NONE && s->planned != KISCRM_DATE_NONE && s->planned < as_of;
	int64_t late = s->planned == KISCRM_DATE_NONE ? 0
		       : s->actual != KISCRM_DATE_NONE ? (int64_t)s->actual - s->planned
		       : overdue ? (int64_t)as_of - s->planned : 0;
	size_t row;
	if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, s->id)) ||
	    (rc = kc_cell_int(t, row, 1, s->contract)) || (c.number && (rc = kc_cell_text(t, row, 2, c.number))) ||
	    (rc = kc_cell_int(t, row, 3, c.customer)) || (rc = kc_cell_text(t, row, 4, s->type)) ||
	    (s->planned != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 5, s->planned))) ||
	    (s->actual != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 6, s->actual))) ||
	    (rc = kc_cell_int(t, row, 7, overdue)) || (rc = kc_cell_int(t, row, 8, late > 0 ? late : 0)) ||
	    (s->owner && (rc = kc_cell_text(t, row, 9, kc_report_staff_name(x->r, s->owner)))) ||
	    (rc = kc_cell_int(t, row, 10, s->instalments)) || (rc = kc_cell_int(t, row, 11, s->due_amount)) ||
	    (rc = kc_cell_int(t, row, 12, s->crisis)))
		goto out;
	if (s->crisis && s->actual == KISCRM_DATE_NONE && x->gm)
		rc = kc_cell_int(t, row, 13, x->gm);
out:
	free(c.number);
	return rc;
}

int kiscrm_report_milestones(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "milestone_id:int", "contract_id:int", "number:text", "customer_id:int",
					    "type:text", "planned:date", "actual:date", "overdue:int", "days_late:int",
					    "owner:text", "instalments:int", "due_amount:money", "crisis:int",
					    "escalate_to_id:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_milestones: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	scan x;
	memset(&x, 0, sizeof(x));
	x.r = &r;
	kiscrm_table *t = NULL;
	if ((rc = kc_db_scan(db, &kc_milestone_def, NULL, stone_cb, &x)) == 0 &&
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_COLLECTION_PLAN), NULL, plan_cb, &x)) == 0 &&
	    (rc = kc_org_general_manager(db, &x.gm)) == 0 && x.overflow)
		rc = kc_sum_overflowed("milestones");
	if (rc == 0)
		rc = kc_report_listing(&r, &t, "milestones", cols);
	for (size_t i = 0; rc == 0 && i < x.n; i++) /* by id: contract by contract as entered */
		rc = stone_row(&x, t, &x.s[i]);
	for (size_t i = 0; i < x.n; i++)
		free(x.s[i].type);
	free(x.s);
	kc_idmap_dispose(&x.index);
	return kc_report_finish(out, t, &r, rc);
}

/* The customer lifecycle (客户生命周期): the stage of every customer as of a date, derived
 * from its contracts (rejected ones excluded) by the rules of analysis.yaml `lifecycle`,
 * the month the stage began, and the movements between two dates. Evaluated, never
 * stored: a rule changed in the configuration applies to the whole history at once. */
#include "analytics/funnel_data.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/sum.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "money_flow/kinds.h"

#include <stdlib.h>
#include <string.h>

enum { L_PROSPECT, L_NEW, L_GROWING, L_MATURE, L_DECLINING, L_LOST };
static const char *const stage_keys[] = { "prospect", "new", "growing", "mature", "declining", "lost" };

typedef struct deal {
	kiscrm_id customer;
	kiscrm_date signed_on;
	kiscrm_money amount;
} deal;

typedef struct life_customer {
	kiscrm_id id, owner, department;
	char *name;
	size_t first, n; /* its deals in life.deals, by signing date */
} life_customer;

typedef struct life {
	kc_report *r;
	const kc_analysis *a;
	deal *deals;
	size_t ndeals, cap_deals;
	life_customer *cust;
	size_t ncust, cap_cust;
} life;

static int deal_cb(void *payload, const kiscrm_value *row)
{
	life *l = payload;
	const char *approval = kc_val_text(&row[KC_FI(KISCRM_CONTRACT_APPROVAL)]);
	if (approval && strcmp(approval, "rejected") == 0)
		return 0; /* a rejected contract binds nobody */
	if (KC_VEC_GROW(l->deals, l->ndeals, l->cap_deals, 256))
		return KISCRM_ENOMEM;
	l->deals[l->ndeals++] = (deal){ row[KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)].u.i,
					(kiscrm_date)row[KC_FI(KISCRM_CONTRACT_SIGNED)].u.i,
					kc_val_int(&row[KC_FI(KISCRM_CONTRACT_AMOUNT)], 0) };
	return 0;
}

static int customer_cb(void *payload, const kiscrm_value *row)
{
	life *l = payload;
	if (KC_VEC_GROW(l->cust, l->ncust, l->cap_cust, 256))
		return KISCRM_ENOMEM;
	life_customer *c = &l->cust[l->ncust];
	memset(c, 0, sizeof(*c));
	c->id = row[0].u.i;
	c->owner = kc_val_int(&row[KC_FI(KISCRM_CUSTOMER_OWNER_ID)], 0);
	int rc = kc_report_staff_department(l->r, c->owner, &c->department);
	if (rc)
		return rc;
	const char *name = kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_NAME)]);
	if (name && !(c->name = strdup(name)))
		return kc_error_oom();
	l->ncust++;
	return 0;
}

static int by_customer_date(const void *a, const void *b)
{
	const deal *x = a, *y = b;
	if (x->customer != y->customer)
		return x->customer < y->customer ? -1 : 1;
	return (x->signed_on > y->signed_on) - (x->signed_on < y->signed_on);
}

static int load(life *l, kc_report *r)
{
	memset(l, 0, sizeof(*l));
	l->r = r;
	l->a = kc_config_analysis(r->db->config);
	int rc = kc_db_scan(r->db, kc_db_def(r->db, KISCRM_KIND_CONTRACT), NULL, deal_cb, l);
	if (rc == 0)
		rc = kc_db_scan(r->db, &kc_customer_def, NULL, customer_cb, l); /* ascending ids */
	if (rc)
		return rc;
	kc_sort(l->deals, l->ndeals, sizeof(*l->deals), by_customer_date);
	/* both in ascending customer id: one merge pass gives each customer its deals */
	size_t d = 0;
	for (size_t i = 0; i < l->ncust; i++) {
		while (d < l->ndeals && l->deals[d].customer < l->cust[i].id)
			d++;
		l->cust[i].first = d;
		while (d < l->ndeals && l->deals[d].customer == l->cust[i].id)
			d++;
		l->cust[i].n = d - l->cust[i].first;
	}
	return KISCRM_OK;
}

static void dispose(life *l)
{
	for (size_t i = 0; i < l->ncust; i++)
		free(l->cust[i].name);
	free(l->cust);
	free(l->deals);
}

/* 128-bit products keep the comparison exact for any int64 sums. */
__extension__ typedef __int128 wide;

/* a ≥ b × percent / 100, exactly. */
static int at_least_percent(kiscrm_money a, kiscrm_money b, int percent)
{
	return (wide)a * 100 >= (wide)b * percent;
}

/* The stage of customer c as of the end of day @day. */
static int stage_at(const life *l, const life_customer *c, kiscrm_date day)
{
	if (c->n == 0)
		return L_PROSPECT; /* (and no deal array to point into) */
	const deal *d = &l->deals[c->first];
	size_t k = 0;
	while (k < c->n && d[k].signed_on <= day)
		k++;
	if (k == 0)
		return L_PROSPECT;
	kiscrm_date end = day + 1;
	if (d[k - 1].signed_on < kiscrm_date_add_months(end, -l->a->lifecycle_lost_months))
		return L_LOST;
	if (d[0].signed_on >= kiscrm_date_add_months(end, -l->a->lifecycle_new_months))
		return L_NEW;
	kiscrm_date b12 = kiscrm_date_add_months(end, -12), b24 = kiscrm_date_add_months(end, -24);
	kiscrm_money last = 0, prev = 0;
	int overflow = 0;
	for (size_t i = 0; i < k; i++) {
		if (d[i].signed_on >= b12)
			kc_sum_acc(&last, d[i].amount, &overflow);
		else if (d[i].signed_on >= b24)
			kc_sum_acc(&prev, d[i].amount, &overflow);
	}
	if (last > prev && at_least_percent(last, prev, 100 + l->a->lifecycle_growth_percent))
		return L_GROWING;
	if (!at_least_percent(last, prev, 100 - l->a->lifecycle_decline_percent) ||
	    (l->a->lifecycle_decline_percent >= 100 && last == 0 && prev > 0))
		return L_DECLINING;
	return L_MATURE;
}

/* The first day of the month in which the stage of @day began: stages are evaluated at
 * month ends, going back until one differs (or the first contract). */
static kiscrm_date since(const life *l, const life_customer *c, kiscrm_date day, int stage)
{
	if (c->n == 0)
		return KISCRM_DATE_NONE;
	kiscrm_date first = l->deals[c->first].signed_on;
	kiscrm_date begin = kiscrm_date_month_start(day);
	for (kiscrm_date e = begin - 1; e >= first - 31; e = kiscrm_date_month_start(e) - 1) {
		if (stage_at(l, c, e) != stage)
			return begin;
		begin = kiscrm_date_month_start(e);
	}
	return begin;
}

static int accept(const life *l, const life_customer *c)
{
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.owner_id = c->owner;
	d.department_id = c->department;
	d.customer_id = c->id;
	return kc_report_accept(l->r, &d);
}

int kiscrm_report_lifecycle(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"customer_id:int", "customer:text", "stage:text", "since:date", "first_contract:date",
		"last_contract:date", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_lifecycle: out pointer is NULL");
	*out = NULL;
	kc_report r;
	life l;
	kiscrm_table *t = NULL;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	if ((rc = load(&l, &r)) == 0)
		rc = kc_report_listing(&r, &t, "lifecycle", cols);
	for (size_t i = 0; rc == 0 && i < l.ncust; i++) {
		const life_customer *c = &l.cust[i];
		if (!accept(&l, c))
			continue;
		int s = stage_at(&l, c, r.as_of);
		size_t k = 0;
		while (k < c->n && l.deals[c->first + k].signed_on <= r.as_of)
			k++; /* c->n == 0: never reads l.deals */
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		kiscrm_date from = since(&l, c, r.as_of, s);
		if ((rc = kc_cell_int(t, row, 0, c->id)) || (rc = kc_cell_text(t, row, 1, c->name)) ||
		    (rc = kc_cell_text(t, row, 2, stage_keys[s])) ||
		    (from != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 3, from))))
			break;
		if (k && (rc = kc_cell_int(t, row, 4, l.deals[c->first].signed_on)) == 0)
			rc = kc_cell_int(t, row, 5, l.deals[c->first + k - 1].signed_on);
	}
	dispose(&l);
	return kc_report_finish(out, t, &r, rc);
}

int kiscrm_report_lifecycle_movements(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"customer_id:int", "customer:text", "from_stage:text", "to_stage:text", "since:date", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_lifecycle_movements: out pointer is NULL");
	*out = NULL;
	kc_report r;
	life l;
	kiscrm_table *t = NULL;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	if (r.from == KISCRM_DATE_NONE || r.to == KISCRM_DATE_NONE) {
		kc_report_end(&r);
		return kc_error_set(KISCRM_EINVALID, "lifecycle movements need a window: set from and to, or a period");
	}
	if ((rc = load(&l, &r)) == 0)
		rc = kc_report_listing(&r, &t, "lifecycle-movements", cols);
	for (size_t i = 0; rc == 0 && i < l.ncust; i++) {
		const life_customer *c = &l.cust[i];
		if (!accept(&l, c))
			continue;
		int was = stage_at(&l, c, r.from - 1), now = stage_at(&l, c, r.to - 1);
		if (was == now)
			continue;
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) != 0)
			break;
		if ((rc = kc_cell_int(t, row, 0, c->id)) || (rc = kc_cell_text(t, row, 1, c->name)) ||
		    (rc = kc_cell_text(t, row, 2, stage_keys[was])) || (rc = kc_cell_text(t, row, 3, stage_keys[now])))
			break;
		rc = kc_cell_int(t, row, 4, since(&l, c, r.to - 1, now));
	}
	dispose(&l);
	return kc_report_finish(out, t, &r, rc);
}

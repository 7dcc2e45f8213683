/* The value engine: each customer's contract and service revenue, cost to serve, years
 * of relationship and weighted score over a window, ranked, and classed A/B/C by the
 * share of customers above them (customers.yaml `value`; kiscrm/value.h). */
#include "value/value_internal.h"
#include "activities/activities_internal.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 wide;

typedef struct {
	kc_value *v;
	int overflow;
} loader;

static int customer_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_value *v = l->v;
	if (KC_VEC_GROW(v->cust, v->ncust, v->cap_cust, 256))
		return KISCRM_ENOMEM;
	kc_value_customer *c = &v->cust[v->ncust];
	memset(c, 0, sizeof(*c));
	c->id = row[0].u.i;
	c->owner = kc_val_int(&row[KC_FI(KISCRM_CUSTOMER_OWNER_ID)], 0);
	int rc = kc_report_staff_department(&v->r, c->owner, &c->department);
	if (rc)
		return rc;
	c->first_contract = KISCRM_DATE_NONE;
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.owner_id = c->owner;
	d.department_id = c->department;
	d.customer_id = c->id;
	c->accepted = kc_report_accept(&v->r, &d);
	rc = kc_strdup_to(&c->name, kc_val_text(&row[KC_FI(KISCRM_CUSTOMER_NAME)]));
	if (rc == 0 && (rc = kc_idmap_put(&v->index, c->id, v->ncust)) != 0)
		free(c->name);
	if (rc == 0)
		v->ncust++;
	return rc;
}

static kc_value_customer *customer_at(kc_value *v, kiscrm_id id)
{
	size_t i;
	return kc_idmap_get(&v->index, id, &i) ? &v->cust[i] : NULL;
}

static int note_line(kc_value_customer *c, const char *line)
{
	if (!line)
		return KISCRM_OK;
	int kept = c->nlines < 8 ? c->nlines : 8;
	for (int i = 0; i < kept; i++)
		if (strcmp(c->lines[i], line) == 0)
			return KISCRM_OK;
	if (c->nlines < 8 && kc_strdup_to(&c->lines[c->nlines], line) != 0)
		return KISCRM_ENOMEM;
	c->nlines++; /* past 8 a repeated line may count twice: only "more than the maximum" matters */
	return KISCRM_OK;
}

static int contract_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_value *v = l->v;
	const char *approval = kc_val_text(&row[KC_FI(KISCRM_CONTRACT_APPROVAL)]);
	kc_value_customer *c = customer_at(v, row[KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)].u.i);
	kiscrm_date signed_on = (kiscrm_date)row[KC_FI(KISCRM_CONTRACT_SIGNED)].u.i;
	if (!c || (approval && strcmp(approval, "rejected") == 0) || signed_on >= v->r.to)
		return 0; /* a rejected contract binds nobody; a later one is not yet history */
	kiscrm_money amount = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_AMOUNT)], 0);
	if (c->first_contract == KISCRM_DATE_NONE || signed_on < c->first_contract)
		c->first_contract = signed_on;
	c->ranked = 1;
	if (signed_on >= v->r.from) {
		const char *bl = kc_val_text(&row[KC_FI(KISCRM_CONTRACT_BUSINESS_LINE)]);
		int service = bl && strcmp(bl, v->cfg->service_line) == 0;
		kc_sum_acc(service ? &c->service : &c->contract, amount, &l->overflow);
		return note_line(c, kc_val_text(&row[KC_FI(KISCRM_CONTRACT_PRODUCT_LINE)]));
	}
	if (signed_on >= kiscrm_date_add_months(v->r.from, -12))
		kc_sum_acc(&c->previous, amount, &l->overflow);
	return 0;
}

static kiscrm_money cost_of(const kc_value_settings *s, const char *type)
{
	for (size_t i = 0; type && i < s->ncosts; i++)
		if (strcmp(s->costs[i].type, type) == 0)
			return s->costs[i].cost;
	return 0;
}

/* The cost to serve: done occurrences (series expanded) with each customer in the window. */
static int load_costs(loader *l)
{
	kc_value *v = l->v;
	kc_calendar cal;
	kiscrm_activity_query q = KISCRM_ACTIVITY_QUERY_INIT;
	q.from = (kiscrm_time)v->r.from * KC_DAY_SECONDS;
	q.to = (kiscrm_time)v->r.to * KC_DAY_SECONDS;
	int rc = kc_calendar_load(&cal, v->r.db, &q);
	if (rc)
		return rc;
	for (size_t i = 0; i < cal.nocc; i++) {
		const kc_occurrence *o = &cal.occ[i];
		const kc_activity *a = &cal.acts[o->activity];
		kc_value_customer *c = a->customer_id ? customer_at(v, a->customer_id) : NULL;
		if (c && o->status && strcmp(o->status, "done") == 0)
			kc_sum_acc(&c->cost, cost_of(v->cfg, a->type), &l->overflow);
	}
	kc_calendar_free(&cal);
	return KISCRM_OK;
}

/* term × bp / 10000, truncated toward zero (exact in 128 bits). */
static wide weigh(kiscrm_money term, int bp)
{
	return (wide)term * bp / 10000;
}

static int score(kc_value *v, kc_value_customer *c)
{
	kiscrm_date last = v->r.to - 1;
	if (c->first_contract != KISCRM_DATE_NONE)
		while (c->years < 200 && kiscrm_date_add_months(c->first_contract, 12 * (c->years + 1)) <= last)
			c->years++;
	wide s = weigh(c->contract, v->cfg->contract_bp) + weigh(c->service, v->cfg->service_bp) -
		 weigh(c->cost, v->cfg->cost_bp) + (wide)c->years * v->cfg->per_year;
	if (s > INT64_MAX || s < -INT64_MAX) /* sums of stored amounts may pass the record bound */
		return kc_error_set(KISCRM_EOVERFLOW, "customer %lld: value score beyond the int64 range",
				    (long long)c->id);
	c->score = (kiscrm_money)s;
	return KISCRM_OK;
}

static int by_score(const void *x, const void *y, void *ctx)
{
	const kc_value *v = ctx;
	const kc_value_customer *a = &v->cust[*(const size_t *)x], *b = &v->cust[*(const size_t *)y];
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Ranks (ties share the better rank) and classes: A when fewer than a_share of the ranked
 * customers score above, B when fewer than a_share + b_share do; never A or B at 0 or less. */
static int rank_all(kc_value *v)
{
	for (size_t i = 0; i < v->ncust; i++)
		v->nranked += v->cust[i].ranked;
	if (!(v->order = malloc((v->nranked ? v->nranked : 1) * sizeof(*v->order))))
		return kc_error_oom();
	size_t n = 0;
	for (size_t i = 0; i < v->ncust; i++)
		if (v->cust[i].ranked)
			v->order[n++] = i;
	int rc = kc_sort_ctx(v->order, n, sizeof(*v->order), by_score, v);
	if (rc)
		return rc;
	size_t above = 0;
	for (size_t k = 0; k < n; k++) {
		kc_value_customer *c = &v->cust[v->order[k]];
		if (k > 0 && c->score != v->cust[v->order[k - 1]].score)
			above = k;
		c->rank = (int)above + 1;
		wide share = (wide)above * 10000;
		if (c->score > 0 && share < (wide)v->cfg->a_bp * (wide)n)
			c->cls = 'A';
		else if (c->score > 0 && share < (wide)(v->cfg->a_bp + v->cfg->b_bp) * (wide)n)
			c->cls = 'B';
		else
			c->cls = 'C';
	}
	return KISCRM_OK;
}

int kc_value_run(kc_value *v, kiscrm_db *db, const kiscrm_report_options *opts)
{
	memset(v, 0, sizeof(*v));
	int rc = kc_report_begin(&v->r, db, opts);
	if (rc)
		return rc;
	v->begun = 1;
	v->cfg = &kc_config_customers(db->config)->value;
	if (v->r.from == KISCRM_DATE_NONE || v->r.to == KISCRM_DATE_NONE)
		return kc_error_set(KISCRM_EINVALID, "customer value needs a window: set from and to, or a period");
	if (v->r.to - v->r.from > 3660)
		return kc_error_set(KISCRM_EINVALID, "customer value covers at most ten years");
	loader l;
	memset(&l, 0, sizeof(l));
	l.v = v;
	if ((rc = kc_db_scan(db, &kc_customer_def, NULL, customer_cb, &l)) == 0 &&
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), NULL, contract_cb, &l)) == 0)
		rc = load_costs(&l);
	if (rc == 0 && l.overflow)
		rc = kc_error_set(KISCRM_EOVERFLOW, "customer value: a sum exceeds the money range");
	for (size_t i = 0; rc == 0 && i < v->ncust; i++)
		rc = score(v, &v->cust[i]);
	return rc ? rc : rank_all(v);
}

void kc_value_end(kc_value *v)
{
	for (size_t i = 0; i < v->ncust; i++) {
		free(v->cust[i].name);
		for (int k = 0; k < v->cust[i].nlines && k < 8; k++)
			free(v->cust[i].lines[k]);
	}
	free(v->cust);
	free(v->order);
	kc_idmap_dispose(&v->index);
	if (v->begun)
		kc_report_end(&v->r);
	memset(v, 0, sizeof(*v));
}

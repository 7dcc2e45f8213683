/* Receivables and their ageing (kiscrm/money_flow.h): the FIFO application of collections
 * to a contract's instalments, per contract or per group.
 *
 * The reports read each kind once — contracts signed by as_of, collections received by
 * as_of, plan entries due by as_of — into flat arrays (no per-row allocation), sort the
 * instalments by contract and due date and walk them once. Instalments due after as_of
 * never matter: FIFO pays older instalments first, so they only receive what is left
 * after every past-due one is paid, and what they would hold is not overdue anyway. */
#include "core/sort.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "money_flow/kinds.h"
#include "report.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "config/pipeline_config.h"
#include "kiscrm/customer.h"
#include "kiscrm/money_flow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int default_bounds[] = { 30, 60, 90, 180 };

/* --- the FIFO rule ------------------------------------------------------------------ */

typedef struct {
	size_t contract; /* index of the contract */
	kiscrm_date due;
	kiscrm_id id;
	kiscrm_money amount;
} instalment;

static int by_contract_due(const void *a, const void *b)
{
	const instalment *x = a, *y = b;
	if (x->contract != y->contract)
		return x->contract < y->contract ? -1 : 1;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

typedef struct {
	const int *bounds;
	size_t nb; /* number of bounds; buckets are nb + 1 */
} ageing;

static size_t bucket_of(const ageing *ag, int64_t days)
{
	for (size_t k = 0; k < ag->nb; k++)
		if (days <= ag->bounds[k])
			return k;
	return ag->nb;
}

/* Applies `collected` to the instalments p[0..n) of one contract, all due on or before
 * as_of and sorted by due date: each instalment counts only up to what the ones before it
 * left of the contract amount, and is paid in full before the next gets anything. The
 * unpaid parts are added to buckets[] (when not NULL) by days past due; returns the
 * overdue total. No overflow: every figure stays between 0 and the contract amount. */
static kiscrm_money fifo_overdue(kiscrm_money amount, kiscrm_money collected, const instalment *p,
				 size_t n, kiscrm_date as_of, const ageing *ag, kiscrm_money *buckets)
{
	kiscrm_money left = amount > 0 ? amount : 0, paid = collected > 0 ? collected : 0, overdue = 0;
	for (size_t i = 0; i < n; i++) {
		kiscrm_money due = p[i].amount < left ? p[i].amount : left;
		if (due < 0)
			due = 0;
		left -= due;
		kiscrm_money applied = paid < due ? paid : due;
		paid -= applied;
		kiscrm_money unpaid = due - applied;
		overdue += unpaid;
		if (buckets && unpaid)
			buckets[bucket_of(ag, (int64_t)as_of - p[i].due)] += unpaid;
	}
	return overdue;
}

/* --- one contract ------------------------------------------------------------------- */

typedef struct {
	instalment *items;
	size_t n, cap;
	kiscrm_money collected;
	int rc;
} one_contract;

static int push_instalment(instalment **items, size_t *n, size_t *cap, instalment it)
{
	if (KC_VEC_GROW(*items, *n, *cap, 16))
		return KISCRM_ENOMEM;
	(*items)[(*n)++] = it;
	return KISCRM_OK;
}

static int one_plan_cb(void *payload, const kiscrm_value *row)
{
	one_contract *o = payload;
	instalment it = { 0, (kiscrm_date)row[KC_FI(KISCRM_COLLECTION_PLAN_DUE)].u.i, row[0].u.i,
			  row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)].u.i };
	return push_instalment(&o->items, &o->n, &o->cap, it);
}

static int one_coll_cb(void *payload, const kiscrm_value *row)
{
	one_contract *o = payload;
	return kc_money_add(&o->collected, row[KC_FI(KISCRM_COLLECTION_AMOUNT)].u.i);
}

static int amount_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_money *)payload = row[KC_FI(KISCRM_CONTRACT_AMOUNT)].type == KISCRM_TYPE_NULL
					   ? 0 : row[KC_FI(KISCRM_CONTRACT_AMOUNT)].u.i;
	return 0;
}

int kiscrm_contract_overdue(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id, kiscrm_date as_of)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	if (as_of == KISCRM_DATE_NONE)
		return kc_error_set(KISCRM_EINVALID, "as_of date is not set");
	kiscrm_money amount = 0;
	rc = contract_id > 0 ? kc_db_get(db, &kc_contract_def, contract_id, amount_cb, &amount)
			     : KISCRM_ENOTFOUND;
	if (rc == KISCRM_ENOTFOUND)
		return kc_error_set(KISCRM_ENOTFOUND, "contract %lld does not exist", (long long)contract_id);
	if (rc)
		return rc;
	one_contract o = { NULL, 0, 0, 0, 0 };
	kiscrm_cond pc[2] = {
		{ KISCRM_COLLECTION_PLAN_CONTRACT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = contract_id } } },
		{ KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LE, { KISCRM_TYPE_DATE, { .i = as_of } } },
	};
	kiscrm_query pq = { 2, pc, 1u | KC_BIT(KISCRM_COLLECTION_PLAN_DUE) | KC_BIT(KISCRM_COLLECTION_PLAN_AMOUNT) };
	kiscrm_cond cc[2] = {
		{ KISCRM_COLLECTION_CONTRACT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = contract_id } } },
		{ KISCRM_COLLECTION_RECEIVED, KISCRM_OP_LE, { KISCRM_TYPE_DATE, { .i = as_of } } },
	};
	kiscrm_query cq = { 2, cc, 1u | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
	rc = kc_db_scan(db, &kc_collection_plan_def, &pq, one_plan_cb, &o);
	if (rc == 0)
		rc = kc_db_scan(db, &kc_collection_def, &cq, one_coll_cb, &o);
	if (rc == 0) {
		kc_sort(o.items, o.n, sizeof(*o.items), by_contract_due);
		*out = fifo_overdue(amount, o.collected, o.items, o.n, as_of, NULL, NULL);
	}
	free(o.items);
	return rc;
}

/* --- the reports -------------------------------------------------------------------- */

#define NO_TEXT ((size_t)-1)

typedef struct {
	kiscrm_id id, customer_id, owner_id, department_id;
	kiscrm_date signed_on;
	kiscrm_money amount, collected;
	size_t number;  /* offset in the text pool, NO_TEXT when NULL */
	size_t unit;    /* row it adds to: the group, or the contract itself */
} contract_fact;

typedef struct {
	kc_report r;
	int ageing_report;
	int per_contract;
	const kiscrm_config *cfg;
	int has_sizes;
	kiscrm_money large_min, medium_min;
	ageing ag;
	contract_fact *c;
	size_t nc, capc;
	kc_idmap index; /* contract id → index in c */
	instalment *plan;
	size_t np, capp;
	char *pool;     /* NUL-separated texts: contract numbers, customer names */
	size_t pool_len, pool_cap;
	kc_idmap cust_name; /* customer id → pool offset (per-contract rows only) */
	/* per unit: [0] contracts, [1] amount, [2] collected, [3] overdue, [4..] buckets */
	kiscrm_money *acc;
	size_t width;
} recv_ctx;

static int pool_add(recv_ctx *x, const char *s, size_t *off)
{
	size_t n = strlen(s) + 1;
	if (x->pool_len + n > x->pool_cap) {
		size_t cap = x->pool_cap ? x->pool_cap * 2 : 1024;
		while (cap < x->pool_len + n)
			cap *= 2;
		char *p = realloc(x->pool, cap);
		if (!p)
			return kc_error_oom();
		x->pool = p;
		x->pool_cap = cap;
	}
	memcpy(x->pool + x->pool_len, s, n);
	*off = x->pool_len;
	x->pool_len += n;
	return KISCRM_OK;
}

static const char *size_class(const recv_ctx *x, kiscrm_money amount)
{
	if (!x->has_sizes)
		return NULL;
	/* the opportunity's rule (src/pipeline/opportunity.c), applied to the contract amount */
	return amount >= x->large_min ? "large" : amount >= x->medium_min ? "medium" : "small";
}

static const char *row_text(const kiscrm_value *row, int field)
{
	const kiscrm_value *v = &row[KC_FI(field)];
	return v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

static kiscrm_id row_id(const kiscrm_value *row, int field)
{
	const kiscrm_value *v = &row[KC_FI(field)];
	return v->type == KISCRM_TYPE_NULL ? 0 : v->u.i;
}

static int contract_cb(void *payload, const kiscrm_value *row)
{
	recv_ctx *x = payload;
	const char *approval = row_text(row, KISCRM_CONTRACT_APPROVAL);
	if (approval && strcmp(approval, "rejected") == 0)
		return 0;
	contract_fact f;
	memset(&f, 0, sizeof(f));
	f.id = row[0].u.i;
	f.customer_id = row_id(row, KISCRM_CONTRACT_CUSTOMER_ID);
	f.owner_id = row_id(row, KISCRM_CONTRACT_OWNER_ID);
	f.department_id = row_id(row, KISCRM_CONTRACT_DEPARTMENT_ID);
	f.signed_on = (kiscrm_date)row[KC_FI(KISCRM_CONTRACT_SIGNED)].u.i;
	f.amount = row_id(row, KISCRM_CONTRACT_AMOUNT);
	f.number = NO_TEXT;
	kc_dims d = { row_text(row, KISCRM_CONTRACT_BUSINESS_LINE), row_text(row, KISCRM_CONTRACT_PRODUCT_LINE),
		      size_class(x, f.amount), f.department_id, f.owner_id, f.customer_id };
	if (!kc_report_accept(&x->r, &d) || !kc_report_in_window(&x->r, f.signed_on))
		return 0;
	int rc;
	if (x->per_contract) {
		const char *num = row_text(row, KISCRM_CONTRACT_NUMBER);
		f.unit = x->nc;
		if (num && (rc = pool_add(x, num, &f.number)) != 0)
			return rc;
	} else if ((rc = kc_report_group(&x->r, &d, &f.unit)) != 0) {
		return rc;
	}
	if (KC_VEC_GROW(x->c, x->nc, x->capc, 64))
		return KISCRM_ENOMEM;
	x->c[x->nc] = f;
	return kc_idmap_put(&x->index, f.id, x->nc++);
}

static int collection_cb(void *payload, const kiscrm_value *row)
{
	recv_ctx *x = payload;
	size_t i;
	if (!kc_idmap_get(&x->index, row_id(row, KISCRM_COLLECTION_CONTRACT_ID), &i))
		return 0;
	return kc_money_add(&x->c[i].collected, row[KC_FI(KISCRM_COLLECTION_AMOUNT)].u.i);
}

static int plan_cb(void *payload, const kiscrm_value *row)
{
	recv_ctx *x = payload;
	size_t i;
	if (!kc_idmap_get(&x->index, row_id(row, KISCRM_COLLECTION_PLAN_CONTRACT_ID), &i))
		return 0; /* an opportunity's plan, or a contract not reported */
	instalment it = { i, (kiscrm_date)row[KC_FI(KISCRM_COLLECTION_PLAN_DUE)].u.i, row[0].u.i,
			  row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)].u.i };
	return push_instalment(&x->plan, &x->np, &x->capp, it);
}

static int customer_cb(void *payload, const kiscrm_value *row)
{
	recv_ctx *x = payload;
	size_t off = 0;
	int rc = pool_add(x, row_text(row, KISCRM_CUSTOMER_NAME) ? row_text(row, KISCRM_CUSTOMER_NAME) : "",
			  &off);
	return rc ? rc : kc_idmap_put(&x->cust_name, row[0].u.i, off);
}

static int load_facts(recv_ctx *x)
{
	kiscrm_db *db = x->r.db;
	kiscrm_value as_of = { KISCRM_TYPE_DATE, { .i = x->r.as_of } };
	kiscrm_cond cc = { KISCRM_CONTRACT_SIGNED, KISCRM_OP_LE, as_of };
	kiscrm_query cq = { 1, &cc, 0 };
	for (int f = KISCRM_CONTRACT_ID; f <= KISCRM_CONTRACT_APPROVAL; f++)
		cq.columns |= KC_BIT(f);
	kiscrm_cond lc = { KISCRM_COLLECTION_RECEIVED, KISCRM_OP_LE, as_of };
	kiscrm_query lq = { 1, &lc, 1u | KC_BIT(KISCRM_COLLECTION_CONTRACT_ID) | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
	kiscrm_cond pc = { KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LE, as_of };
	kiscrm_query pq = { 1, &pc, 1u | KC_BIT(KISCRM_COLLECTION_PLAN_CONTRACT_ID) |
				      KC_BIT(KISCRM_COLLECTION_PLAN_DUE) | KC_BIT(KISCRM_COLLECTION_PLAN_AMOUNT) };
	int rc = kc_db_scan(db, &kc_contract_def, &cq, contract_cb, x);
	if (rc == 0 && x->nc)
		rc = kc_db_scan(db, &kc_collection_def, &lq, collection_cb, x);
	if (rc == 0 && x->nc)
		rc = kc_db_scan(db, &kc_collection_plan_def, &pq, plan_cb, x);
	if (rc == 0 && x->per_contract && x->nc) {
		kiscrm_query nq = { 0, NULL, 1u | KC_BIT(KISCRM_CUSTOMER_NAME) };
		rc = kc_db_scan(db, &kc_customer_def, &nq, customer_cb, x);
	}
	return rc;
}

/* Walks every contract with its sorted instalments into the per-unit accumulators. */
static int accumulate(recv_ctx *x, size_t nunits)
{
	x->width = 4 + x->ag.nb + 1;
	x->acc = calloc((nunits ? nunits : 1) * x->width, sizeof(*x->acc));
	if (!x->acc)
		return kc_error_oom();
	kc_sort(x->plan, x->np, sizeof(*x->plan), by_contract_due);
	size_t p = 0;
	for (size_t i = 0; i < x->nc; i++) {
		const contract_fact *f = &x->c[i];
		size_t first = p;
		while (p < x->np && x->plan[p].contract == i)
			p++;
		kiscrm_money receivable = f->amount;
		int rc = kc_money_add(&receivable, -f->collected);
		if (rc)
			return rc;
		if (x->ageing_report && receivable == 0)
			continue;
		kiscrm_money *a = &x->acc[f->unit * x->width];
		/* No plan at all: plan is NULL, and NULL + 0 is undefined in C. */
		kiscrm_money overdue = fifo_overdue(f->amount, f->collected,
						    x->plan ? x->plan + first : NULL, p - first,
						    x->r.as_of, &x->ag, a + 4);
		a[0]++;
		if ((rc = kc_money_add(&a[1], f->amount)) != 0 || (rc = kc_money_add(&a[2], f->collected)) != 0 ||
		    (rc = kc_money_add(&a[3], overdue)) != 0)
			return rc;
	}
	return KISCRM_OK;
}

static void free_ctx(recv_ctx *x)
{
	kc_report_end(&x->r);
	free(x->c);
	free(x->plan);
	free(x->pool);
	free(x->acc);
	kc_idmap_dispose(&x->index);
	kc_idmap_dispose(&x->cust_name);
}

static int add_bucket_columns(recv_ctx *x, kiscrm_table *t)
{
	int rc = KISCRM_OK;
	for (size_t k = 0; rc == 0 && k <= x->ag.nb; k++) {
		/* The buckets follow analysis.yaml's ageing_bounds, so they are labelled here. */
		char name[48], zh[64], en[64];
		if (k == x->ag.nb) {
			snprintf(name, sizeof(name), ">%d", x->ag.bounds[k - 1]);
			snprintf(zh, sizeof(zh), "逾期%d天以上", x->ag.bounds[k - 1]);
			snprintf(en, sizeof(en), "Over %d days overdue", x->ag.bounds[k - 1]);
		} else {
			snprintf(name, sizeof(name), "%d-%d", k ? x->ag.bounds[k - 1] + 1 : 0, x->ag.bounds[k]);
			snprintf(zh, sizeof(zh), "逾期%s天", name);
			snprintf(en, sizeof(en), "%s days overdue", name);
		}
		rc = kiscrm_table_add_column(t, name, KISCRM_TYPE_MONEY);
		if (rc == 0)
			rc = kc_table_set_column_label(t, kiscrm_table_column_count(t) - 1, zh, en);
	}
	return rc;
}

static int make_table(recv_ctx *x, kiscrm_table **out)
{
	static const char *const contract_cols[] = { "contract_id:int", "number:text", "customer:text",
						     "owner:text", "department:text", "signed:date", NULL };
	static const char *const group_cols[] = { "contracts:int", NULL };
	static const char *const recv_cols[] = { "amount:money", "collected:money", "receivable:money",
						 "overdue:money", "not_due:money", NULL };
	static const char *const ageing_cols[] = { "receivable:money", "not_due:money", NULL };
	kiscrm_table *t;
	int rc = kc_report_table(&x->r, &t, x->ageing_report ? "ageing" : "receivables");
	if (rc)
		return rc;
	if ((rc = kc_add_columns(t, x->per_contract ? contract_cols : group_cols)) == 0)
		rc = kc_add_columns(t, x->ageing_report ? ageing_cols : recv_cols);
	if (rc == 0 && x->ageing_report && (rc = add_bucket_columns(x, t)) == 0)
		rc = kiscrm_table_add_column(t, "overdue", KISCRM_TYPE_MONEY);
	return kc_report_deliver(out, t, rc);
}

/* Sets the figures of one row from accumulator a; col is the first figure column. */
static int put_figures(recv_ctx *x, kiscrm_table *t, size_t row, size_t col, const kiscrm_money *a)
{
	kiscrm_money receivable = a[1], not_due;
	int rc = kc_money_add(&receivable, -a[2]);
	if (rc)
		return rc;
	not_due = receivable - a[3]; /* overdue ≤ amount, so no overflow */
	if (!x->ageing_report) {
		if ((rc = kc_cell_int(t, row, col, a[1])) == 0 && (rc = kc_cell_int(t, row, col + 1, a[2])) == 0 &&
		    (rc = kc_cell_int(t, row, col + 2, receivable)) == 0 &&
		    (rc = kc_cell_int(t, row, col + 3, a[3])) == 0)
			rc = kc_cell_int(t, row, col + 4, not_due);
		return rc;
	}
	if ((rc = kc_cell_int(t, row, col, receivable)) != 0 || (rc = kc_cell_int(t, row, col + 1, not_due)) != 0)
		return rc;
	for (size_t k = 0; rc == 0 && k <= x->ag.nb; k++)
		rc = kc_cell_int(t, row, col + 2 + k, a[4 + k]);
	return rc ? rc : kc_cell_int(t, row, col + 3 + x->ag.nb, a[3]);
}

static int contract_row(recv_ctx *x, kiscrm_table *t, const contract_fact *f, size_t *row)
{
	size_t off;
	int rc = kc_report_add_row(&x->r, t, SIZE_MAX, KISCRM_ROW_DETAIL, row);
	if (rc == 0)
		rc = kc_cell_int(t, *row, 0, f->id);
	if (rc == 0 && f->number != NO_TEXT)
		rc = kc_cell_text(t, *row, 1, x->pool + f->number);
	if (rc == 0 && kc_idmap_get(&x->cust_name, f->customer_id, &off))
		rc = kc_cell_text(t, *row, 2, x->pool + off);
	if (rc == 0)
		rc = kc_cell_text(t, *row, 3, kc_report_staff_name(&x->r, f->owner_id));
	if (rc == 0 && f->department_id)
		rc = kc_cell_text(t, *row, 4, kc_report_department_name(&x->r, f->department_id));
	if (rc == 0)
		rc = kc_cell_int(t, *row, 5, f->signed_on);
	return rc;
}

static int emit_rows(recv_ctx *x, kiscrm_table *t, size_t nunits)
{
	kiscrm_money *total = &x->acc[nunits * x->width]; /* the spare unit at the end */
	size_t fig = x->per_contract ? 6 : x->r.o.ngroup + 1, row;
	int rc = KISCRM_OK;
	size_t *order = NULL;
	if (!x->per_contract && (rc = kc_report_sorted(&x->r, &order)) != 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < nunits; i++) {
		size_t u = x->per_contract ? i : order[i];
		const kiscrm_money *a = &x->acc[u * x->width];
		if (a[0] == 0)
			continue; /* ageing: nothing receivable */
		for (size_t k = 0; rc == 0 && k < x->width; k++)
			rc = kc_money_add(&total[k], a[k]);
		if (rc)
			break;
		if (x->per_contract)
			rc = contract_row(x, t, &x->c[u], &row);
		else if ((rc = kc_report_add_row(&x->r, t, u, KISCRM_ROW_DETAIL, &row)) == 0)
			rc = kc_cell_int(t, row, fig - 1, a[0]);
		if (rc == 0)
			rc = put_figures(x, t, row, fig, a);
	}
	free(order);
	if (rc == 0)
		rc = kc_report_add_row(&x->r, t, SIZE_MAX, KISCRM_ROW_TOTAL, &row);
	if (rc == 0 && !x->per_contract)
		rc = kc_cell_int(t, row, fig - 1, total[0]);
	return rc ? rc : put_figures(x, t, row, fig, total);
}

static int run(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts, int ageing_report)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	recv_ctx x;
	memset(&x, 0, sizeof(x));
	int rc = kc_report_begin(&x.r, db, opts);
	if (rc)
		return rc;
	x.ageing_report = ageing_report;
	x.per_contract = x.r.o.ngroup == 0;
	const kc_analysis *an = kc_config_analysis(db->config);
	x.ag.bounds = an && an->nageing ? an->ageing_bounds : default_bounds;
	x.ag.nb = an && an->nageing ? an->nageing : sizeof(default_bounds) / sizeof(default_bounds[0]);
	x.has_sizes = an != NULL;
	x.large_min = an ? an->large_min : 0;
	x.medium_min = an ? an->medium_min : 0;
	kiscrm_table *t = NULL;
	if ((rc = load_facts(&x)) == 0) {
		size_t nunits = x.per_contract ? x.nc : x.r.ngroups;
		/* one spare unit after the last holds the grand total */
		if ((rc = accumulate(&x, nunits + 1)) == 0 && (rc = make_table(&x, &t)) == 0 &&
		    (rc = emit_rows(&x, t, nunits)) != 0) {
			kiscrm_table_free(t);
			t = NULL;
		}
	}
	free_ctx(&x);
	if (rc == 0)
		*out = t;
	return rc;
}

int kiscrm_report_receivables(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return run(out, db, opts, 0);
}

int kiscrm_report_ageing(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return run(out, db, opts, 1);
}

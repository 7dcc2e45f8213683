/* The eight-week rolling budget (八周滚动预算): building the projects of a week from one
 * scan per kind, the rolling table and its gap to the weekly targets. */
#include "core/sort.h"
#include "core/field.h"
#include "analytics/kinds.h"
#include "entities/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"
#include "budget_build.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "core/scratch.h"
#include "core/prefetch.h"
#include "table/table_internal.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/pipeline.h"
#include "targets/lookup.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field indices of kinds whose public enums live in other headers (schema.c order). */
enum { CT_ID, CT_NUMBER, CT_CUSTOMER, CT_OPPORTUNITY, CT_SIGNED, CT_AMOUNT, CT_OWNER,
       CT_DEPARTMENT, CT_BUSINESS_LINE, CT_PRODUCT_LINE };
enum { CP_ID, CP_CONTRACT, CP_OPPORTUNITY, CP_DUE, CP_AMOUNT };
enum { CO_ID, CO_CONTRACT, CO_RECEIVED, CO_AMOUNT };


const char *kc_budget_text(const kc_budget *b, size_t off)
{
	return off == KC_BNONE ? NULL : b->arena.ptr + off;
}

static int put_text(kc_budget *b, const kiscrm_value *v, size_t *off)
{
	if (v->type != KISCRM_TYPE_TEXT) {
		*off = KC_BNONE;
		return KISCRM_OK;
	}
	*off = b->arena.size;
	return kc_buf_put(&b->arena, v->u.s, strlen(v->u.s) + 1);
}

/* put_text for a field of few values (stage, status, business and product line): a text
 * the scan handed out before (the same interned pointer, kc_text_memo) keeps its first
 * copy's offset instead of a new copy. */
static int put_repeated(kc_budget *b, const kiscrm_value *v, size_t *off)
{
	int at;
	if (v->type == KISCRM_TYPE_TEXT && kc_text_memo_get(&b->repeated, v->u.s, &at)) {
		*off = (size_t)at;
		return KISCRM_OK;
	}
	int rc = put_text(b, v, off);
	if (rc == 0 && v->type == KISCRM_TYPE_TEXT && *off <= INT_MAX)
		kc_text_memo_put(&b->repeated, v->u.s, (int)*off);
	return rc;
}

static kiscrm_id val_id(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? 0 : v->u.i;
}

/* 1 when an opportunity row's status is open: an interned status (b->open_memo) is
 * compared once per scan, not once per row (strcmp was 2.5 % of a rolling summary). */
static int row_open(kc_budget *b, const kiscrm_value *row)
{
	const kiscrm_value *st = &row[KC_FI(KISCRM_OPPORTUNITY_STATUS)];
	int open;
	if (st->type != KISCRM_TYPE_TEXT)
		return 0;
	if (kc_text_memo_get(&b->open_memo, st->u.s, &open))
		return open;
	open = strcmp(st->u.s, "open") == 0;
	kc_text_memo_put(&b->open_memo, st->u.s, open);
	return open;
}

static kiscrm_date val_date(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? KISCRM_DATE_NONE : (kiscrm_date)v->u.i;
}

void kc_budget_dims(const kc_budget *b, const kc_bproject *p, kc_dims *d)
{
	memset(d, 0, sizeof(*d));
	d->business_line = kc_budget_text(b, p->bl);
	d->product_line = kc_budget_text(b, p->pl);
	d->department_id = p->department_id;
	d->owner_id = p->owner_id;
	d->customer_id = p->customer_id;
}

/* The budget's arrays of one entry per project, contract or plan are taken from the
 * handle's kept working memory and handed back to it, under these sites. */
static const char projects_site, colls_site, agg_site, cplans_site, oplans_site, placed_site;

void kc_budget_dispose(kc_budget *b)
{
	KC_SCRATCH_KEEP_VEC(b->scratch, &projects_site, 0, b->p, b->cap);
	KC_SCRATCH_KEEP_VEC(b->scratch, &colls_site, 0, b->colls, b->cap_colls);
	kc_idmap_dispose(&b->by_opp);
	kc_idmap_dispose(&b->by_contract);
	kiscrm_buf_dispose(&b->arena);
	memset(b, 0, sizeof(*b));
}

static int new_project(kc_budget *b, size_t *idx)
{
	if (KC_VEC_GROW(b->p, b->n, b->cap, 64))
		return KISCRM_ENOMEM;
	/* Field by field: a memset (or a compound literal) of the 168 bytes is a `rep stos`
	 * to gcc, whose start-up cost was a fifth of the contract callback. */
	kc_bproject *p = &b->p[b->n];
	p->kind = p->live = p->has_plan = p->open = 0;
	p->expect_week = -1;
	p->opportunity_id = p->contract_id = p->customer_id = p->owner_id = p->department_id = 0;
	p->name = p->bl = p->pl = p->stage = p->status = p->customer = KC_BNONE;
	p->date = KISCRM_DATE_NONE;
	p->probability = -1;
	p->amount = p->plan_contract = p->plan_collection = p->act_contract = p->act_collection = 0;
	p->expect_contract = p->expect_weighted = 0;
	p->coll = KC_BNOCOLL;
	*idx = b->n++;
	return KISCRM_OK;
}

/* The expected collections of @p by week, made (zero) on first use. */
static int collections_of(kc_budget *b, kc_bproject *p, kiscrm_money **weeks)
{
	if (p->coll == KC_BNOCOLL) {
		if (b->ncolls >= KC_BNOCOLL)
			return kc_error_set(KISCRM_EOVERFLOW, "rolling budget: too many projects with collections");
		if (KC_VEC_GROW(b->colls, b->ncolls, b->cap_colls, 64))
			return KISCRM_ENOMEM;
		memset(&b->colls[b->ncolls], 0, sizeof(b->colls[0]));
		p->coll = (uint32_t)b->ncolls++;
	}
	*weeks = b->colls[p->coll].w;
	return KISCRM_OK;
}

/* Week column of a date: overdue dates fall into the current week (0). */
static int week_of(const kc_budget *b, kiscrm_date d)
{
	if (d < b->week)
		return 0;
	int k = (d - b->week) / 7;
	return k < KISCRM_BUDGET_WEEKS ? k : -1;
}

int kc_budget_find_snapshot(kiscrm_db *db, kiscrm_date week, kiscrm_id *id);

typedef struct {
	kiscrm_id id;
	int found;
} find_ctx;

static int find_cb(void *payload, const kiscrm_value *row)
{
	find_ctx *f = payload;
	if (!f->found)
		f->id = row[0].u.i;
	f->found = 1;
	return 0;
}

int kc_budget_find_snapshot(kiscrm_db *db, kiscrm_date week, kiscrm_id *id)
{
	kiscrm_cond c = { KISCRM_SNAPSHOT_WEEK, KISCRM_OP_EQ, { KISCRM_TYPE_DATE, { .i = week } } };
	kiscrm_query q = { 1, &c, KC_BIT(0) };
	find_ctx f = { 0, 0 };
	int rc = kc_db_scan(db, &kc_snapshot_def, &q, find_cb, &f);
	if (rc)
		return rc;
	*id = f.id;
	return f.found;
}

/* ---- the previous snapshot's plan for the past week ---- */

static int plan_cb(void *payload, const kiscrm_value *row)
{
	kc_budget *b = payload;
	kiscrm_id opp = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_OPPORTUNITY_ID)]);
	kiscrm_id con = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_ID)]);
	kc_idmap *map = opp ? &b->by_opp : &b->by_contract;
	kiscrm_id key = opp ? opp : con;
	size_t i;
	int rc;
	if (!kc_idmap_get(map, key, &i)) {
		if ((rc = new_project(b, &i)) != 0 || (rc = kc_idmap_put(map, key, i)) != 0)
			return rc;
		kc_bproject *p = &b->p[i];
		p->kind = con ? KC_BPROJ_CONTRACT : KC_BPROJ_OPPORTUNITY;
		p->opportunity_id = opp;
		p->contract_id = con;
		p->customer_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CUSTOMER_ID)]);
		p->owner_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_OWNER_ID)]);
		p->department_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_DEPARTMENT_ID)]);
		p->date = val_date(&row[KC_FI(KISCRM_SNAPSHOT_LINE_EXPECTED_CLOSE)]);
		p->amount = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_AMOUNT)]);
		if (row[KC_FI(KISCRM_SNAPSHOT_LINE_PROBABILITY)].type != KISCRM_TYPE_NULL)
			p->probability = (int)row[KC_FI(KISCRM_SNAPSHOT_LINE_PROBABILITY)].u.i;
		if ((b->want_bl && (rc = put_text(b, &row[KC_FI(KISCRM_SNAPSHOT_LINE_BUSINESS_LINE)], &p->bl)) != 0) ||
		    (b->want_pl && (rc = put_text(b, &row[KC_FI(KISCRM_SNAPSHOT_LINE_PRODUCT_LINE)], &p->pl)) != 0) ||
		    (b->texts && (rc = put_text(b, &row[KC_FI(KISCRM_SNAPSHOT_LINE_STAGE)], &p->stage)) != 0) ||
		    (b->texts && (rc = put_text(b, &row[KC_FI(KISCRM_SNAPSHOT_LINE_STATUS)], &p->status)) != 0))
			return rc;
	}
	kc_bproject *p = &b->p[i];
	p->has_plan = 1;
	kc_sum_acc(&p->plan_contract, val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_AMOUNT)]), &b->overflow);
	kc_sum_acc(&p->plan_collection, val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_COLLECTION_AMOUNT)]), &b->overflow);
	return 0;
}

static int load_plan(kc_budget *b, kiscrm_db *db)
{
	kiscrm_id sid = 0;
	int rc = kc_budget_find_snapshot(db, b->past, &sid);
	if (rc <= 0)
		return rc;
	b->has_prev = 1;
	kiscrm_cond c[2] = {
		{ KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = sid } } },
		{ KISCRM_SNAPSHOT_LINE_WEEK, KISCRM_OP_EQ, { KISCRM_TYPE_DATE, { .i = b->past } } },
	};
	kiscrm_query q = { 2, c, 0 };
	return kc_db_scan(db, &kc_snapshot_line_def, &q, plan_cb, b);
}

/* ---- contracts' collections and plans ---- */

typedef struct {
	kiscrm_money collected; /* received up to as_of */
	kiscrm_money past;      /* received in the past week */
	kiscrm_money open[KISCRM_BUDGET_WEEKS];
	int has_open;
} coll_agg;

typedef struct {
	kiscrm_id owner; /* contract or opportunity */
	kiscrm_date due;
	kiscrm_id id;
	kiscrm_money amount;
} plan_item;

typedef struct {
	kc_budget *b;
	kc_idmap agg_index; /* contract id → agg */
	coll_agg *agg;
	size_t nagg, cap_agg;
	plan_item *cplans, *oplans;
	size_t ncp, cap_cp, nop, cap_op;
	int plans_unordered;     /* cplans are not in (contract, due) order */
	kiscrm_id last_contract; /* agg_of's last answer (0: none): a contract's collections */
	size_t last_agg;         /* and plans come one after the other */
} build_ctx;

static int agg_of(build_ctx *x, kiscrm_id contract, coll_agg **out)
{
	size_t i;
	if (contract && contract == x->last_contract) {
		*out = &x->agg[x->last_agg];
		return KISCRM_OK;
	}
	if (!kc_idmap_get(&x->agg_index, contract, &i)) {
		if (KC_VEC_GROW(x->agg, x->nagg, x->cap_agg, 64))
			return KISCRM_ENOMEM;
		i = x->nagg++;
		memset(&x->agg[i], 0, sizeof(x->agg[i]));
		int rc = kc_idmap_put(&x->agg_index, contract, i);
		if (rc)
			return rc;
	}
	x->last_contract = contract;
	x->last_agg = i;
	*out = &x->agg[i];
	return KISCRM_OK;
}

static int coll_cb(void *payload, const kiscrm_value *row)
{
	build_ctx *x = payload;
	coll_agg *a;
	kiscrm_id contract = val_id(&row[CO_CONTRACT]);
	kiscrm_date d = val_date(&row[CO_RECEIVED]);
	int rc = agg_of(x, contract, &a);
	if (rc)
		return rc;
	kc_sum_acc(&a->collected, val_id(&row[CO_AMOUNT]), &x->b->overflow);
	if (d >= x->b->past && d < x->b->week)
		kc_sum_acc(&a->past, val_id(&row[CO_AMOUNT]), &x->b->overflow);
	return 0;
}

static int push_plan(plan_item **arr, size_t *n, size_t *cap, const plan_item *it)
{
	if (KC_VEC_GROW(*arr, *n, *cap, 64))
		return KISCRM_ENOMEM;
	(*arr)[(*n)++] = *it;
	return KISCRM_OK;
}

static int cplan_cb(void *payload, const kiscrm_value *row)
{
	build_ctx *x = payload;
	plan_item it = { 0, val_date(&row[CP_DUE]), row[0].u.i, val_id(&row[CP_AMOUNT]) };
	if ((it.owner = val_id(&row[CP_CONTRACT])) != 0) {
		/* still in (contract, due) order (ids ascend)? Plans entered with their
		 * contracts, one contract after the other, are; any other order is sorted
		 * (order_plans), where a set of the contracts seen, to allow contracts in any
		 * order, cost an insertion and a lookup per contract. */
		if (!x->plans_unordered && x->ncp) {
			const plan_item *last = &x->cplans[x->ncp - 1];
			if (last->owner > it.owner || (last->owner == it.owner && last->due > it.due))
				x->plans_unordered = 1;
		}
		return push_plan(&x->cplans, &x->ncp, &x->cap_cp, &it);
	}
	if ((it.owner = val_id(&row[CP_OPPORTUNITY])) != 0)
		return push_plan(&x->oplans, &x->nop, &x->cap_op, &it);
	return 0;
}

/* Due-date order within one contract's plans (then id: two plans due the same day). */
static int due_before(const plan_item *x, const plan_item *y)
{
	return x->due != y->due ? x->due < y->due : x->id < y->id;
}

/* Orders the contract plans by contract, then due date: a counting pass by the
 * contract's collection slot and an insertion sort of each contract's few plans (a
 * comparison sort of 300,000 plans was a tenth of the rolling summary). Plans come in id
 * order, which is already this order when each contract's plans were entered together
 * and in due order (cplan_cb notes when they were not): then nothing moves. */
static int order_plans(build_ctx *x)
{
	/* agg_of below adds a slot for each contract with plans and no collections: at most
	 * ncp more than now */
	size_t *slot = malloc(x->ncp * sizeof(*slot)), *end = calloc(x->nagg + x->ncp + 1, sizeof(*end));
	plan_item *sorted = malloc(x->ncp * sizeof(*sorted));
	int rc = slot && end && sorted ? KISCRM_OK : kc_error_oom();
	for (size_t i = 0; rc == 0 && i < x->ncp; i++) {
		coll_agg *a;
		if ((rc = agg_of(x, x->cplans[i].owner, &a)) == 0)
			slot[i] = (size_t)(a - x->agg);
	}
	if (rc == 0) {
		for (size_t i = 0; i < x->ncp; i++)
			end[slot[i] + 1]++;
		for (size_t a = 0; a < x->nagg; a++)
			end[a + 1] += end[a];
		for (size_t i = 0; i < x->ncp; i++)
			sorted[end[slot[i]]++] = x->cplans[i];
		for (size_t a = 0, from = 0; a < x->nagg; from = end[a++]) /* end[a]: past slot a */
			for (size_t i = from + 1; i < end[a]; i++) {
				plan_item it = sorted[i];
				size_t j = i;
				for (; j > from && due_before(&it, &sorted[j - 1]); j--)
					sorted[j] = sorted[j - 1];
				sorted[j] = it;
			}
		free(x->cplans);
		x->cplans = sorted;
		x->cap_cp = x->ncp; /* sorted's size, which build_dispose hands back */
		sorted = NULL;
	}
	free(slot);
	free(end);
	free(sorted);
	return rc;
}

/* Applies each contract's collections to its plans in due-date order (FIFO) and keeps
 * the unpaid rests per week. Plans due from W+8 on were not loaded: they come last in
 * FIFO order, so they cannot change what the earlier plans receive. Contracts are
 * independent: their order does not matter. */
static int apply_fifo(build_ctx *x)
{
	int rc = x->plans_unordered ? order_plans(x) : KISCRM_OK;
	kiscrm_money left = 0;
	coll_agg *a = NULL;
	for (size_t i = 0; rc == 0 && i < x->ncp; i++) {
		const plan_item *it = &x->cplans[i];
		if (i == 0 || it->owner != it[-1].owner) { /* the next contract */
			if ((rc = agg_of(x, it->owner, &a)) != 0)
				break;
			left = a->collected;
		}
		kiscrm_money paid = left < it->amount ? (left > 0 ? left : 0) : it->amount;
		left -= paid;
		kiscrm_money rest = it->amount - paid;
		int k = week_of(x->b, it->due);
		if (rest > 0 && k >= 0) {
			kc_sum_acc(&a->open[k], rest, &x->b->overflow);
			a->has_open = 1;
		}
	}
	return rc;
}

/* ---- opportunities ---- */

static int fill_opportunity(kc_budget *b, kc_bproject *p, const kiscrm_value *row, int open)
{
	int rc;
	p->live = 1;
	p->open = (signed char)open;
	p->kind = KC_BPROJ_OPPORTUNITY;
	p->opportunity_id = row[0].u.i;
	p->customer_id = val_id(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)]);
	p->owner_id = val_id(&row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)]);
	p->department_id = val_id(&row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)]);
	p->date = val_date(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)]);
	p->amount = val_id(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)]);
	p->probability = row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY)].type == KISCRM_TYPE_NULL
		? -1 : (int)row[KC_FI(KISCRM_OPPORTUNITY_PROBABILITY)].u.i;
	if ((b->want_bl && (rc = put_repeated(b, &row[KC_FI(KISCRM_OPPORTUNITY_BUSINESS_LINE)], &p->bl)) != 0) ||
	    (b->want_pl && (rc = put_repeated(b, &row[KC_FI(KISCRM_OPPORTUNITY_PRODUCT_LINE)], &p->pl)) != 0))
		return rc;
	if (b->texts && ((rc = put_text(b, &row[KC_FI(KISCRM_OPPORTUNITY_NAME)], &p->name)) != 0 ||
			 (rc = put_repeated(b, &row[KC_FI(KISCRM_OPPORTUNITY_STAGE)], &p->stage)) != 0 ||
			 (rc = put_repeated(b, &row[KC_FI(KISCRM_OPPORTUNITY_STATUS)], &p->status)) != 0))
		return rc;
	return KISCRM_OK;
}

static int opp_cb(void *payload, const kiscrm_value *row)
{
	kc_budget *b = payload;
	int open = row_open(b, row);
	kiscrm_date close = val_date(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)]);
	int expected = open && close != KISCRM_DATE_NONE && close < b->end;
	size_t i;
	int rc;
	if (!kc_idmap_get(&b->by_opp, row[0].u.i, &i)) {
		if (!expected)
			return 0;
		if ((rc = new_project(b, &i)) != 0 || (rc = kc_idmap_put(&b->by_opp, row[0].u.i, i)) != 0)
			return rc;
	} else {
		/* known from the plan: the live record replaces the snapshot's facts */
		b->p[i].bl = b->p[i].pl = b->p[i].stage = b->p[i].status = KC_BNONE;
	}
	kc_bproject *p = &b->p[i];
	if ((rc = fill_opportunity(b, p, row, open)) != 0)
		return rc;
	if (expected) {
		/* one opportunity row per project: its only expectation */
		kiscrm_money w = 0;
		if (p->probability > 0 && (rc = kiscrm_money_scale(&w, p->amount, p->probability, 100)) != 0)
			return rc;
		p->expect_week = week_of(b, close);
		p->expect_contract = p->amount;
		p->expect_weighted = w;
	}
	return 0;
}

static int add_opportunity_plans(kc_budget *b, build_ctx *x)
{
	for (size_t i = 0; i < x->nop; i++) {
		size_t j;
		const plan_item *it = &x->oplans[i];
		if (!kc_idmap_get(&b->by_opp, it->owner, &j))
			continue;
		kc_bproject *p = &b->p[j];
		/* only an open opportunity that is a row expects its own collections; a won one's
		 * contract plans take over */
		if (p->kind != KC_BPROJ_OPPORTUNITY || !p->live || !p->open ||
		    p->date == KISCRM_DATE_NONE || p->date >= b->end)
			continue;
		int k = week_of(b, it->due);
		if (k < 0)
			continue;
		kiscrm_money *weeks = NULL; /* set by collections_of (gcc -O3 cannot tell) */
		int rc = collections_of(b, p, &weeks);
		if (rc)
			return rc;
		kc_sum_acc(&weeks[k], it->amount, &b->overflow);
	}
	return KISCRM_OK;
}

/* ---- contracts ---- */

static int contract_cb(void *payload, const kiscrm_value *row)
{
	build_ctx *x = payload;
	kc_budget *b = x->b;
	kiscrm_id id = row[0].u.i, opp = val_id(&row[CT_OPPORTUNITY]);
	kiscrm_date signed_on = val_date(&row[CT_SIGNED]);
	kiscrm_money amount = val_id(&row[CT_AMOUNT]);
	if (signed_on != KISCRM_DATE_NONE && signed_on > b->as_of)
		return 0;
	size_t ai;
	coll_agg *a = kc_idmap_get(&x->agg_index, id, &ai) ? &x->agg[ai] : NULL;
	int signed_past = signed_on >= b->past && signed_on < b->week;
	size_t i;
	int known = (opp && kc_idmap_get(&b->by_opp, opp, &i)) || kc_idmap_get(&b->by_contract, id, &i);
	int wanted = signed_past || (a && (a->has_open || a->past));
	int rc;
	if (!known) {
		if (!wanted)
			return 0;
		if ((rc = new_project(b, &i)) != 0)
			return rc;
		if (opp && (rc = kc_idmap_put(&b->by_opp, opp, i)) != 0)
			return rc;
	}
	if ((rc = kc_idmap_put(&b->by_contract, id, i)) != 0)
		return rc;
	kc_bproject *p = &b->p[i];
	if (p->kind == KC_BPROJ_CONTRACT && p->live) {
		/* a second contract of the same opportunity: add its figures */
		kc_sum_acc(&p->amount, amount, &b->overflow);
	} else {
		/* an opportunity turned into its contract: its own expectations end here */
		p->expect_week = -1;
		p->expect_contract = p->expect_weighted = 0;
		if (p->coll != KC_BNOCOLL)
			memset(&b->colls[p->coll], 0, sizeof(b->colls[0]));
		p->kind = KC_BPROJ_CONTRACT;
		p->live = 1;
		p->open = 0;
		p->contract_id = id;
		p->opportunity_id = opp;
		p->customer_id = val_id(&row[CT_CUSTOMER]);
		p->owner_id = val_id(&row[CT_OWNER]);
		p->department_id = val_id(&row[CT_DEPARTMENT]);
		p->date = signed_on;
		p->amount = amount;
		p->probability = -1;
		p->stage = p->status = KC_BNONE;
		p->bl = p->pl = KC_BNONE;
		if ((b->texts && (rc = put_text(b, &row[CT_NUMBER], &p->name)) != 0) ||
		    (b->want_bl && (rc = put_repeated(b, &row[CT_BUSINESS_LINE], &p->bl)) != 0) ||
		    (b->want_pl && (rc = put_repeated(b, &row[CT_PRODUCT_LINE], &p->pl)) != 0))
			return rc;
	}
	if (signed_past)
		kc_sum_acc(&p->act_contract, amount, &b->overflow);
	if (a) {
		kc_sum_acc(&p->act_collection, a->past, &b->overflow);
		if (a->has_open) {
			kiscrm_money *weeks = NULL; /* set by collections_of (gcc -O3 cannot tell) */
			if ((rc = collections_of(b, p, &weeks)) != 0)
				return rc;
			for (int k = 0; k < KISCRM_BUDGET_WEEKS; k++)
				kc_sum_acc(&weeks[k], a->open[k], &b->overflow);
		}
	}
	return 0;
}

static void build_dispose(build_ctx *x)
{
	kc_idmap_dispose(&x->agg_index);
	KC_SCRATCH_KEEP_VEC(x->b->scratch, &agg_site, 0, x->agg, x->cap_agg);
	KC_SCRATCH_KEEP_VEC(x->b->scratch, &cplans_site, 0, x->cplans, x->cap_cp);
	KC_SCRATCH_KEEP_VEC(x->b->scratch, &oplans_site, 0, x->oplans, x->cap_op);
}

/* 1 when the report groups by @dim. */
static int grouped_by(const kc_report *r, int dim)
{
	for (size_t i = 0; i < r->o.ngroup; i++)
		if (r->o.group_by[i] == dim)
			return 1;
	return 0;
}

int kc_budget_build(kc_budget *b, kc_report *r, int flags)
{
	kiscrm_db *db = r->db;
	memset(b, 0, sizeof(*b));
	b->texts = (flags & KC_BUDGET_TEXTS) != 0;
	b->want_bl = b->texts || grouped_by(r, KISCRM_GROUP_BUSINESS_LINE);
	b->want_pl = b->texts || grouped_by(r, KISCRM_GROUP_PRODUCT_LINE);
	b->as_of = r->as_of;
	b->week = kiscrm_date_week_start(r->as_of, r->week_start);
	b->past = b->week - 7;
	b->end = b->week + 7 * KISCRM_BUDGET_WEEKS;
	b->scratch = db->scratch;
	KC_SCRATCH_TAKE_VEC(b->scratch, &projects_site, 0, b->p, b->cap);
	KC_SCRATCH_TAKE_VEC(b->scratch, &colls_site, 0, b->colls, b->cap_colls);
	build_ctx x;
	memset(&x, 0, sizeof(x));
	x.b = b;
	KC_SCRATCH_TAKE_VEC(b->scratch, &agg_site, 0, x.agg, x.cap_agg);
	KC_SCRATCH_TAKE_VEC(b->scratch, &cplans_site, 0, x.cplans, x.cap_cp);
	KC_SCRATCH_TAKE_VEC(b->scratch, &oplans_site, 0, x.oplans, x.cap_op);
	int rc = load_plan(b, db);
	if (rc == 0) {
		kiscrm_cond c = { KISCRM_COLLECTION_RECEIVED, KISCRM_OP_LE, { KISCRM_TYPE_DATE, { .i = b->as_of } } };
		kiscrm_query q = { 1, &c, KC_BIT(0) | KC_BIT(CO_CONTRACT) | KC_BIT(CO_RECEIVED) | KC_BIT(CO_AMOUNT) };
		rc = kc_db_scan(db, &kc_collection_def, &q, coll_cb, &x);
	}
	if (rc == 0) {
		kiscrm_cond c = { KISCRM_COLLECTION_PLAN_DUE, KISCRM_OP_LT, { KISCRM_TYPE_DATE, { .i = b->end } } };
		kiscrm_query q = { 1, &c, KC_BIT(0) | KC_BIT(CP_CONTRACT) | KC_BIT(CP_OPPORTUNITY) | KC_BIT(CP_DUE) |
					  KC_BIT(CP_AMOUNT) };
		rc = kc_db_scan(db, &kc_collection_plan_def, &q, cplan_cb, &x);
	}
	if (rc == 0)
		rc = apply_fifo(&x);
	if (rc == 0) {
		kiscrm_query q = { 0, NULL,
			KC_BIT(0) | KC_BIT(KISCRM_OPPORTUNITY_CUSTOMER_ID) | KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) |
			KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) | KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) |
			KC_BIT(KISCRM_OPPORTUNITY_EXPECTED_CLOSE) | KC_BIT(KISCRM_OPPORTUNITY_PROBABILITY) |
			KC_BIT(KISCRM_OPPORTUNITY_STATUS) };
		if (b->texts)
			q.columns |= KC_BIT(KISCRM_OPPORTUNITY_NAME) | KC_BIT(KISCRM_OPPORTUNITY_STAGE);
		if (b->want_bl)
			q.columns |= KC_BIT(KISCRM_OPPORTUNITY_BUSINESS_LINE);
		if (b->want_pl)
			q.columns |= KC_BIT(KISCRM_OPPORTUNITY_PRODUCT_LINE);
		/* SQL does the filtering: the open opportunities expected before W+8, then — only
		 * when the previous snapshot planned some — those closed since the past week began
		 * (won or lost there). A planned opportunity found by neither (deleted, or slipped
		 * beyond W+8) keeps the facts its snapshot line recorded. */
		kiscrm_cond open[2] = {
			{ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = "open" } } },
			{ KISCRM_OPPORTUNITY_EXPECTED_CLOSE, KISCRM_OP_LT, { KISCRM_TYPE_DATE, { .i = b->end } } },
		};
		kiscrm_cond closed[2] = {
			{ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_NE, { KISCRM_TYPE_TEXT, { .s = "open" } } },
			{ KISCRM_OPPORTUNITY_CLOSED, KISCRM_OP_GE, { KISCRM_TYPE_DATE, { .i = b->past } } },
		};
		int planned = b->by_opp.n != 0;
		q.ncond = 2;
		q.conds = open;
		kc_text_memo_init(&b->repeated, db->texts_interned); /* a new scan */
		kc_text_memo_init(&b->open_memo, db->texts_interned);
		rc = kc_db_scan(db, &kc_opportunity_def, &q, opp_cb, b);
		if (rc == 0 && planned) {
			q.conds = closed;
			kc_text_memo_init(&b->repeated, db->texts_interned);
			kc_text_memo_init(&b->open_memo, db->texts_interned);
			rc = kc_db_scan(db, &kc_opportunity_def, &q, opp_cb, b);
		}
	}
	if (rc == 0)
		rc = add_opportunity_plans(b, &x);
	if (rc == 0) {
		kiscrm_query q = { 0, NULL,
			KC_BIT(0) | KC_BIT(CT_CUSTOMER) | KC_BIT(CT_OPPORTUNITY) | KC_BIT(CT_SIGNED) | KC_BIT(CT_AMOUNT) |
			KC_BIT(CT_OWNER) | KC_BIT(CT_DEPARTMENT) };
		if (b->texts)
			q.columns |= KC_BIT(CT_NUMBER);
		if (b->want_bl)
			q.columns |= KC_BIT(CT_BUSINESS_LINE);
		if (b->want_pl)
			q.columns |= KC_BIT(CT_PRODUCT_LINE);
		kc_text_memo_init(&b->repeated, db->texts_interned);
		rc = kc_db_scan(db, &kc_contract_def, &q, contract_cb, &x);
	}
	if (rc == 0 && b->overflow)
		rc = kc_sum_overflowed("rolling budget");
	build_dispose(&x);
	if (rc)
		kc_budget_dispose(b);
	return rc;
}

/* ---- the rolling table ---- */

enum { N_PW = 6, N_WEEKCOLS = 3 * KISCRM_BUDGET_WEEKS, N_TOTALS = 3 };

typedef struct {
	int has_plan;
	kiscrm_money plan_c, act_c, plan_k, act_k;
	kiscrm_money c[KISCRM_BUDGET_WEEKS], w[KISCRM_BUDGET_WEEKS], k[KISCRM_BUDGET_WEEKS];
	int overflow; /* kc_sum_acc: put_sums() fails */
} sums;

/* Adds a project's weekly figures (expected contract, weighted, collection) into c, w and
 * k: the one week of an opportunity's expectation, the collections when it has some. */
static void weeks_add(kiscrm_money *c, kiscrm_money *w, kiscrm_money *k, int *overflow, const kc_budget *b,
		      const kc_bproject *p)
{
	if (p->expect_week >= 0) {
		kc_sum_acc(&c[p->expect_week], p->expect_contract, overflow);
		kc_sum_acc(&w[p->expect_week], p->expect_weighted, overflow);
	}
	for (int i = 0; p->coll != KC_BNOCOLL && i < KISCRM_BUDGET_WEEKS; i++)
		kc_sum_acc(&k[i], b->colls[p->coll].w[i], overflow);
}

static void sums_add(sums *s, const kc_budget *b, const kc_bproject *p)
{
	s->has_plan = b->has_prev;
	kc_sum_acc(&s->plan_c, p->plan_contract, &s->overflow);
	kc_sum_acc(&s->plan_k, p->plan_collection, &s->overflow);
	kc_sum_acc(&s->act_c, p->act_contract, &s->overflow);
	kc_sum_acc(&s->act_k, p->act_collection, &s->overflow);
	weeks_add(s->c, s->w, s->k, &s->overflow, b, p);
}

/* Adds the sums of a group into the total's: a total is its groups' sums, so each
 * project is added once, into its group (the same integers in another order). */
static void sums_merge(sums *into, const sums *from)
{
	into->overflow |= from->overflow;
	kc_sum_acc(&into->plan_c, from->plan_c, &into->overflow);
	kc_sum_acc(&into->plan_k, from->plan_k, &into->overflow);
	kc_sum_acc(&into->act_c, from->act_c, &into->overflow);
	kc_sum_acc(&into->act_k, from->act_k, &into->overflow);
	for (int k = 0; k < KISCRM_BUDGET_WEEKS; k++) {
		kc_sum_acc(&into->c[k], from->c[k], &into->overflow);
		kc_sum_acc(&into->w[k], from->w[k], &into->overflow);
		kc_sum_acc(&into->k[k], from->k[k], &into->overflow);
	}
}

static int set_money_or_null(kiscrm_table *t, size_t row, size_t col, int has, kiscrm_money v)
{
	return has ? kc_cell_int(t, row, col, v) : kiscrm_table_set_null(t, row, col);
}

/* The past week's six columns: plan, actual and rate of contracts, then of collections. */
static const kiscrm_type past_week_types[N_PW] = {
	KISCRM_TYPE_MONEY, KISCRM_TYPE_MONEY, KISCRM_TYPE_RATE, KISCRM_TYPE_MONEY, KISCRM_TYPE_MONEY, KISCRM_TYPE_RATE,
};

/* Checks once a table that the figure columns from `first` on (the past week's six, the
 * weeks' and the totals) have the types put_past_week, put_sums and put_project_sums
 * write straight into their cells. */
static int check_figure_columns(const kiscrm_table *t, size_t first)
{
	int rc = KISCRM_OK;
	for (size_t i = 0; rc == 0 && i < N_PW + N_WEEKCOLS + N_TOTALS; i++)
		rc = kc_table_check_type(t, first + i, i < N_PW ? past_week_types[i] : KISCRM_TYPE_MONEY);
	return rc;
}

/* Writes the past week's plan, actual and rate of contracts and collections into a fresh
 * row's cells from column `col` on; without a plan (no snapshot of the past week) plan and
 * rate stay NULL. Types checked by check_figure_columns. */
static void put_past_week(const kc_row_cells *c, size_t col, int has_plan, kiscrm_money plan_c,
			  kiscrm_money act_c, kiscrm_money plan_k, kiscrm_money act_k)
{
	if (has_plan) {
		kc_cells_int(c, col, plan_c);
		kc_cells_ratio(c, col + 2, (double)act_c, (double)plan_c);
		kc_cells_int(c, col + 3, plan_k);
		kc_cells_ratio(c, col + 5, (double)act_k, (double)plan_k);
	}
	kc_cells_int(c, col + 1, act_c);
	kc_cells_int(c, col + 4, act_k);
}

/* Writes the figures of a row of sums, just added, from column `col` on. */
static int put_sums(kiscrm_table *t, size_t row, size_t col, const sums *s)
{
	if (s->overflow)
		return kc_sum_overflowed("rolling budget");
	kc_row_cells c;
	kiscrm_money tot[N_TOTALS] = { 0, 0, 0 };
	int overflow = 0;
	int rc = kc_table_row_cells(t, row, &c);
	if (rc)
		return rc;
	put_past_week(&c, col, s->has_plan, s->plan_c, s->act_c, s->plan_k, s->act_k);
	col += N_PW;
	for (int k = 0; k < KISCRM_BUDGET_WEEKS; k++, col += 3) {
		kc_cells_int(&c, col, s->c[k]);
		kc_cells_int(&c, col + 1, s->w[k]);
		kc_cells_int(&c, col + 2, s->k[k]);
		kc_sum_acc(&tot[0], s->c[k], &overflow);
		kc_sum_acc(&tot[1], s->w[k], &overflow);
		kc_sum_acc(&tot[2], s->k[k], &overflow);
	}
	if (overflow)
		return kc_sum_overflowed("rolling budget");
	for (int i = 0; i < N_TOTALS; i++)
		kc_cells_int(&c, col + (size_t)i, tot[i]);
	return KISCRM_OK;
}

/* Writes the figures of one project's row, read from the project itself, into its cells
 * from column `col` on (their types checked by check_figure_columns): the sums of one
 * project are its own figures, so nothing is summed but its collections' total, where a
 * sums was cleared and filled for each of 300,000 rows. */
static int put_project_sums(const kc_row_cells *c, size_t col, const kc_budget *b, const kc_bproject *p)
{
	const kiscrm_money *coll = p->coll == KC_BNOCOLL ? NULL : b->colls[p->coll].w;
	kiscrm_money total = 0;
	int overflow = 0;
	put_past_week(c, col, b->has_prev, p->plan_contract, p->act_contract, p->plan_collection,
		      p->act_collection);
	col += N_PW;
	for (int k = 0; k < KISCRM_BUDGET_WEEKS; k++, col += 3) {
		kc_cells_int(c, col, k == p->expect_week ? p->expect_contract : 0);
		kc_cells_int(c, col + 1, k == p->expect_week ? p->expect_weighted : 0);
		kc_cells_int(c, col + 2, coll ? coll[k] : 0);
		if (coll)
			kc_sum_acc(&total, coll[k], &overflow);
	}
	if (overflow)
		return kc_sum_overflowed("rolling budget");
	kc_cells_int(c, col, p->expect_week >= 0 ? p->expect_contract : 0);
	kc_cells_int(c, col + 1, p->expect_week >= 0 ? p->expect_weighted : 0);
	kc_cells_int(c, col + 2, total);
	return KISCRM_OK;
}

/* detail = 0: the summary table, without the columns that describe a project. */
static int add_rolling_columns(kiscrm_table *t, int detail)
{
	static const char *const head[] = {
		"kind:text", "opportunity_id:int", "contract_id:int", "project:text", "customer:text",
		"owner:text", "department:text", "business_line:text", "product_line:text", "stage:text",
		"expected_close:date", "probability:int",
		"pw_contract_plan:money", "pw_contract_actual:money", "pw_contract_rate:rate",
		"pw_collection_plan:money", "pw_collection_actual:money", "pw_collection_rate:rate", NULL,
	};
	static const char *const tail[] = {
		"total_contract:money", "total_weighted:money", "total_collection:money", NULL,
	};
	int rc = 0;
	/* the first 12 columns describe the project */
	for (const char *const *h = detail ? head : head + 12; rc == 0 && *h; h++) {
		/* business_line / product_line may already be group columns */
		char name[64];
		const char *colon = strchr(*h, ':');
		memcpy(name, *h, (size_t)(colon - *h));
		name[colon - *h] = '\0';
		if (kiscrm_table_column_index(t, name) >= 0) {
			kiscrm_error_clear();
			continue;
		}
		const char *one[2] = { *h, NULL };
		rc = kc_add_columns(t, one);
	}
	for (int k = 1; rc == 0 && k <= KISCRM_BUDGET_WEEKS; k++) {
		char c[32], w[32], l[32];
		snprintf(c, sizeof(c), "w%d_contract:money", k);
		snprintf(w, sizeof(w), "w%d_weighted:money", k);
		snprintf(l, sizeof(l), "w%d_collection:money", k);
		const char *specs[] = { c, w, l, NULL };
		rc = kc_add_columns(t, specs);
	}
	return rc ? rc : kc_add_columns(t, tail);
}

static int col(const kiscrm_table *t, const char *name)
{
	return kiscrm_table_column_index(t, name);
}

/* Columns of the project facts, looked up once per table (by name: a group-by dimension
 * may already have created business_line, product_line, owner or department). */
enum { PC_KIND, PC_OPP, PC_CONTRACT, PC_PROJECT, PC_CUSTOMER, PC_OWNER, PC_DEPARTMENT, PC_BL, PC_PL,
       PC_STAGE, PC_CLOSE, PC_PROB, PC_N };

static void project_columns(const kiscrm_table *t, size_t *cx)
{
	static const char *const names[PC_N] = {
		"kind", "opportunity_id", "contract_id", "project", "customer", "owner", "department",
		"business_line", "product_line", "stage", "expected_close", "probability",
	};
	for (int i = 0; i < PC_N; i++)
		cx[i] = (size_t)col(t, names[i]);
}

/* The name cell of a person or department set last in a column, and whose it is. */
typedef struct {
	kiscrm_id id;
	const char *cell; /* the table's copy, or NULL */
} name_cell;

/* Sets the name of @id (person or department, by @name_of) in a column whose previous
 * name is @last: rows come sorted by group, so the same person's name repeats down the
 * column, and the cell set last (a copy the table keeps as long as itself) serves again
 * without the name being looked up, measured and compared (a tenth of the samples of
 * a full rolling budget's emission). */
static int put_name(kc_report *r, kiscrm_table *t, size_t row, size_t col, kiscrm_id id,
		    const char *(*name_of)(kc_report *, kiscrm_id), name_cell *last)
{
	if (last->cell && last->id == id)
		return kc_table_set_text_kept(t, row, col, last->cell);
	int rc = kc_cell_text(t, row, col, name_of(r, id));
	last->id = id;
	last->cell = rc ? NULL : kiscrm_table_text(t, row, col);
	return rc;
}

/* The types of the cells a project row writes directly, by PC_ column: checked once a
 * table (check_project_columns), not once a cell. */
static const kiscrm_type project_types[PC_N] = {
	KISCRM_TYPE_TEXT, KISCRM_TYPE_INT,  KISCRM_TYPE_INT,  KISCRM_TYPE_TEXT,
	KISCRM_TYPE_TEXT, KISCRM_TYPE_TEXT, KISCRM_TYPE_TEXT, KISCRM_TYPE_TEXT,
	KISCRM_TYPE_TEXT, KISCRM_TYPE_TEXT, KISCRM_TYPE_DATE, KISCRM_TYPE_INT,
};

static int check_project_columns(const kiscrm_table *t, const size_t *cx)
{
	int rc = KISCRM_OK;
	for (int i = 0; rc == 0 && i < PC_N; i++)
		rc = kc_table_check_type(t, cx[i], project_types[i]);
	return rc;
}

/* The project's own texts are in the budget's arena, which the table has adopted
 * (emit_rolling): they are set without a copy, straight into the row's cells. Names of
 * people and departments belong to the report and are copied (shared down a sorted
 * column); last[] holds the owner's and the department's cell of the row before. The
 * expected close goes through kiscrm_table_set_int, which checks a date's range. */
static int put_project(kc_report *r, const kc_budget *b, kiscrm_table *t, size_t row, const kc_row_cells *c,
		       const kc_bproject *p, const size_t *cx, name_cell *last)
{
	int rc = KISCRM_OK;
	kc_cells_text_kept(c, cx[PC_KIND], p->kind == KC_BPROJ_CONTRACT ? "contract" : "opportunity");
	if (p->opportunity_id)
		kc_cells_int(c, cx[PC_OPP], p->opportunity_id);
	if (p->contract_id)
		kc_cells_int(c, cx[PC_CONTRACT], p->contract_id);
	kc_cells_text_kept(c, cx[PC_PROJECT], kc_budget_text(b, p->name));
	kc_cells_text_kept(c, cx[PC_CUSTOMER], kc_budget_text(b, p->customer));
	kc_cells_text_kept(c, cx[PC_BL], kc_budget_text(b, p->bl));
	kc_cells_text_kept(c, cx[PC_PL], kc_budget_text(b, p->pl));
	kc_cells_text_kept(c, cx[PC_STAGE], kc_budget_text(b, p->stage));
	if (p->probability >= 0)
		kc_cells_int(c, cx[PC_PROB], p->probability);
	if (p->owner_id)
		rc = put_name(r, t, row, cx[PC_OWNER], p->owner_id, kc_report_staff_name, &last[0]);
	if (!rc && p->department_id)
		rc = put_name(r, t, row, cx[PC_DEPARTMENT], p->department_id, kc_report_department_name, &last[1]);
	if (!rc && p->date != KISCRM_DATE_NONE)
		rc = kc_cell_int(t, row, cx[PC_CLOSE], p->date);
	return rc;
}

/* A project in the table's order: its group's position in sorted order and its kind,
 * then its id. */
typedef struct {
	uint64_t rank_kind; /* rank << 1 | kind */
	kiscrm_id id;       /* the contract's or the opportunity's */
	size_t project;
	uint32_t group;
	uint32_t coll;      /* the project's: lay_out asks for the collections of a project
	                       ahead without waiting for the project */
} placed;

static int by_group_project(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const placed *x = a, *y = b;
	if (x->rank_kind != y->rank_kind)
		return x->rank_kind < y->rank_kind ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Sorts pl[0 … m) by (rank_kind, id) into out: a counting sort on rank_kind (twice the
 * groups: a few thousand buckets at most), stable, so that each bucket keeps the order
 * the projects were built in — by id within each scan, as every backend scans; a bucket
 * out of order (projects of the previous snapshot's plan come first, the closed deals of
 * a second scan last) is sorted on its own. A comparison sort of 300,000 projects was a
 * tenth of a full rolling budget. */
static int sort_placed(const placed *pl, size_t m, size_t nkeys, placed *out)
{
	size_t *start = calloc(nkeys + 1, sizeof(*start));
	if (!start)
		return kc_error_oom();
	for (size_t i = 0; i < m; i++)
		start[pl[i].rank_kind + 1]++;
	for (size_t k = 0; k < nkeys; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < m; i++)
		out[start[pl[i].rank_kind]++] = pl[i];
	/* start[k] is now the end of bucket k */
	int rc = KISCRM_OK;
	for (size_t k = 0, from = 0; rc == 0 && k < nkeys; from = start[k++]) {
		size_t to = start[k];
		for (size_t i = from + 1; i < to; i++)
			if (out[i].id < out[i - 1].id) {
				rc = kc_sort_ctx(out + from, to - from, sizeof(*out), by_group_project, NULL);
				break;
			}
	}
	free(start);
	return rc;
}

/* Groups the accepted projects: *out gets them sorted by group then project; *rank maps
 * a group to its position in sorted order. The keys are copied out of the projects so
 * that the sort touches no project: read in sorted order the projects are all over
 * memory. */
static int place_projects(kc_report *r, const kc_budget *b, placed **out, size_t *n, size_t **rank)
{
	size_t bytes, sorted_bytes;
	placed *pl = kc_scratch_get(b->scratch, &placed_site, 0, b->n * sizeof(*pl), &bytes);
	placed *sorted = kc_scratch_get(b->scratch, &placed_site, 1, b->n * sizeof(*pl), &sorted_bytes);
	size_t m = 0, *order = NULL, *rk = NULL;
	int rc = pl && sorted ? KISCRM_OK : kc_error_oom();
	/* Each project is read once, here: the kind and id go into its key now and the group's
	 * rank joins them below (a second pass over 300,000 projects of 168 bytes, 51 MB,
	 * read them all from memory again: a third of this function's time). */
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		const kc_bproject *p = &b->p[i];
		kc_dims d;
		kc_budget_dims(b, p, &d);
		if (!kc_report_accept(r, &d))
			continue;
		size_t g;
		pl[m].project = i;
		pl[m].rank_kind = p->kind == KC_BPROJ_CONTRACT;
		pl[m].id = p->kind == KC_BPROJ_CONTRACT ? p->contract_id : p->opportunity_id;
		pl[m].coll = p->coll;
		if ((rc = kc_report_group(r, &d, &g)) == 0 && g >= UINT32_MAX)
			rc = kc_error_set(KISCRM_EOVERFLOW, "rolling budget: too many groups");
		pl[m].group = (uint32_t)g;
		m++;
	}
	if (rc == 0)
		rc = kc_report_sorted(r, &order);
	if (rc == 0 && !(rk = malloc((r->ngroups ? r->ngroups : 1) * sizeof(*rk))))
		rc = kc_error_oom();
	if (rc == 0) {
		for (size_t i = 0; i < r->ngroups; i++)
			rk[order[i]] = i;
		for (size_t i = 0; i < m; i++)
			pl[i].rank_kind |= (uint64_t)rk[pl[i].group] << 1;
		rc = sort_placed(pl, m, 2 * (r->ngroups ? r->ngroups : 1), sorted);
	}
	free(order);
	kc_scratch_keep(b->scratch, &placed_site, 0, pl, bytes);
	if (rc) {
		kc_scratch_keep(b->scratch, &placed_site, 1, sorted, sorted_bytes);
		free(rk);
		return rc;
	}
	*out = sorted;
	*n = m;
	*rank = rk;
	return KISCRM_OK;
}

/* The summary (no project rows): each project added into its group's sums, a dense array
 * indexed by group, then one row per group in the groups' order and the total — where the
 * full table sorts every project to print them (a summary of 300,000 projects spent a
 * quarter of its time in that sort). The sums are the same integers in another order. */
static int emit_summary(kc_report *r, const kc_budget *b, kiscrm_table *t)
{
	sums *group = NULL, total;
	size_t cap = 0, *order = NULL;
	int rc = KISCRM_OK;
	memset(&total, 0, sizeof(total));
	total.has_plan = b->has_prev;
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		kc_dims d;
		size_t g;
		kc_budget_dims(b, &b->p[i], &d);
		if (!kc_report_accept(r, &d))
			continue;
		if ((rc = kc_report_group(r, &d, &g)) != 0)
			break;
		if (g >= cap) {
			size_t grown = cap ? cap * 2 : 64;
			while (grown <= g)
				grown *= 2;
			sums *bigger = realloc(group, grown * sizeof(*group));
			if (!bigger) {
				rc = kc_error_oom();
				break;
			}
			memset(bigger + cap, 0, (grown - cap) * sizeof(*bigger));
			group = bigger;
			cap = grown;
		}
		sums_add(&group[g], b, &b->p[i]);
	}
	size_t first = (size_t)col(t, "pw_contract_plan"), row;
	if (rc == 0)
		rc = check_figure_columns(t, first);
	for (size_t g = 0; rc == 0 && g < cap && g < r->ngroups; g++)
		sums_merge(&total, &group[g]);
	if (rc == 0 && r->o.ngroup && (rc = kc_report_sorted(r, &order)) == 0)
		for (size_t i = 0; rc == 0 && i < r->ngroups; i++)
			if ((rc = kc_report_add_row(r, t, order[i], KISCRM_ROW_SUBTOTAL, &row)) == 0)
				rc = put_sums(t, row, first, &group[order[i]]);
	if (rc == 0)
		rc = kc_report_add_row(r, t, (size_t)-1, KISCRM_ROW_TOTAL, &row);
	if (rc == 0)
		rc = put_sums(t, row, first, &total);
	free(group);
	free(order);
	return rc;
}

/* How many projects ahead a read in the table's order (the copy into that order, or the
 * rows when there is no copy) asks for the next ones and their collections: read in that
 * order they are all over memory, a cache and TLB miss each. */
#define PREFETCH_AHEAD 16

/* Asks for the project placed PREFETCH_AHEAD after pl[i] (of n) and its collections, whose
 * index the placed key carries so as not to wait on the project. A macro, not a function:
 * gcc 12 finds such a function "pure" and drops its calls. */
#define PREFETCH_PLACED(b, pl, i, n)                                                          \
	do {                                                                                  \
		if ((i) + PREFETCH_AHEAD < (n)) {                                             \
			const placed *ahead_ = &(pl)[(i) + PREFETCH_AHEAD];                   \
			const char *at_ = (const char *)&(b)->p[ahead_->project];             \
			KC_PREFETCH(at_);                                                     \
			KC_PREFETCH(at_ + 64);                                                \
			KC_PREFETCH(at_ + 128);                                               \
			if (ahead_->coll != KC_BNOCOLL)                                       \
				KC_PREFETCH(&(b)->colls[ahead_->coll]);                       \
		}                                                                             \
	} while (0)
_Static_assert(sizeof(kc_bproject) <= 3 * 64, "a project spans more than three cache lines");

/* The names of the customers of the table's projects, in the budget's arena. */
typedef struct {
	kc_budget *b;
	kc_idmap offset; /* customer id → arena offset of the name, or NAME_UNREAD */
	int all;         /* every customer's name is kept */
} cust_names;

#define NAME_UNREAD (KC_BNONE - 1) /* a customer referred to whose name is not read (yet) */

static int cust_cb(void *payload, const kiscrm_value *row)
{
	cust_names *c = payload;
	size_t off;
	if (!c->all && !kc_idmap_get(&c->offset, row[0].u.i, &off))
		return 0;
	int rc = put_text(c->b, &row[1], &off);
	if (rc || off == KC_BNONE) /* no name: the projects' stays KC_BNONE */
		return rc;
	return kc_idmap_put(&c->offset, row[0].u.i, off);
}

/* One scan of the customers for the names of those the placed projects pl[0 … n) refer
 * to. With projects for half the customers or more (a full budget of a large book), every
 * customer's name is kept: finding the ones referred to first was a pass over every
 * project, and with the names set into each project after, a sixth of the budget's
 * build at 1,000,000 opportunities; lay_out finds each project's name as it copies it. */
static int load_customer_names(cust_names *c, kc_budget *b, kiscrm_db *db, const placed *pl, size_t n)
{
	int64_t customers = 0;
	int rc = kc_db_count(db, &kc_customer_def, NULL, &customers);
	c->b = b;
	c->all = rc == 0 && (uint64_t)customers / 2 <= n;
	for (size_t i = 0; rc == 0 && !c->all && i < n; i++) {
		kiscrm_id id = b->p[pl[i].project].customer_id;
		size_t known;
		if (id && !kc_idmap_get(&c->offset, id, &known))
			rc = kc_idmap_put(&c->offset, id, NAME_UNREAD);
	}
	kiscrm_query q = { 0, NULL, KC_BIT(0) | KC_BIT(1) };
	if (rc == 0 && (c->all || c->offset.n))
		rc = kc_db_scan(db, &kc_customer_def, &q, cust_cb, c);
	return rc;
}

/* Whether the placed projects are worth laying out in the table's order: when the copy's
 * memory stays the handle's from one report to the next. Where it would be fresh pages
 * every time (3,000,000 projects against the default 512 MiB kept: 513 MB more to fault
 * in, where this machine's first touch of a page costs more than the copy saves), the rows
 * read the projects where they are, asked for ahead. */
static int worth_laying_out(const kc_budget *b, size_t n)
{
	return n <= kc_scratch_limit(b->scratch) / 4 / sizeof(kc_bproject);
}

/* The customer's name of @p from @names (lay_out's, for projects read where they are). */
static void name_customer(kc_bproject *p, const cust_names *names)
{
	size_t name;
	if (p->customer_id && kc_idmap_get(&names->offset, p->customer_id, &name) && name != NAME_UNREAD)
		p->customer = name;
}

/* The placed projects copied out in the table's order, with their collections. */
typedef struct {
	kc_bproject *p;   /* n projects, whose coll indexes colls */
	kc_bweeks *colls;
	size_t p_bytes, colls_bytes;
} in_order;

static const char in_order_site;

/* Copies the projects of pl[0 … n) and their collections into o in that order, each with
 * its customer's name from @names, and makes *view a budget reading them (its texts stay
 * b's). Read through the placed keys, the projects are all over memory: the row loop
 * waited on each one between the writes of 47 cells. A loop that only copies keeps many
 * of those reads in flight, and the rows then read their projects one after the other
 * (the full budget at 1,000,000 opportunities took 6 % less). */
static int lay_out(const kc_budget *b, const placed *pl, size_t n, const cust_names *names, in_order *o,
		   kc_budget *view)
{
	o->p = kc_scratch_get(b->scratch, &in_order_site, 0, n * sizeof(*o->p), &o->p_bytes);
	o->colls = kc_scratch_get(b->scratch, &in_order_site, 1, b->ncolls * sizeof(*o->colls), &o->colls_bytes);
	if (!o->p || !o->colls)
		return kc_error_oom();
	uint32_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		PREFETCH_PLACED(b, pl, i, n);
		kc_bproject *p = &o->p[i];
		*p = b->p[pl[i].project];
		name_customer(p, names);
		if (p->coll != KC_BNOCOLL) { /* each project's collections are its own */
			o->colls[nc] = b->colls[p->coll];
			p->coll = nc++;
		}
	}
	*view = *b;
	view->p = o->p;
	view->n = view->cap = n;
	view->colls = o->colls;
	view->ncolls = view->cap_colls = nc;
	return KISCRM_OK;
}

static void in_order_dispose(const kc_budget *b, in_order *o)
{
	kc_scratch_keep(b->scratch, &in_order_site, 0, o->p, o->p_bytes);
	kc_scratch_keep(b->scratch, &in_order_site, 1, o->colls, o->colls_bytes);
}

/* detail = 0 leaves out the project rows: only the group sub-totals and the total. The
 * full table takes the budget's texts over (b->arena is left empty). */
static int emit_rolling(kc_report *r, kc_budget *b, kiscrm_table *t, int detail)
{
	if (!detail)
		return emit_summary(r, b, t);
	placed *pl;
	size_t n, *rank;
	int rc = place_projects(r, b, &pl, &n, &rank);
	if (rc)
		return rc;
	size_t first = (size_t)col(t, "pw_contract_plan"), cx[PC_N];
	sums total, sub;
	in_order o = { NULL, NULL, 0, 0 };
	kc_budget v = *b; /* what the rows read: b, or b with its projects laid out in o (taken
			     again below: the customers' names grow b's arena first) */
	name_cell last[2] = { { 0, NULL }, { 0, NULL } }; /* owner, department */
	cust_names names;
	memset(&names, 0, sizeof(names));
	int laid = worth_laying_out(b, n);
	project_columns(t, cx);
	rc = check_project_columns(t, cx);
	if (!rc)
		rc = check_figure_columns(t, first);
	if (!rc)
		rc = kc_table_reserve_rows(t, kiscrm_table_row_count(t) + n + r->ngroups + 1);
	if (!rc)
		rc = load_customer_names(&names, b, r->db, pl, n);
	/* after the names: v reads the arena they grew */
	if (!rc && laid)
		rc = lay_out(b, pl, n, &names, &o, &v);
	else
		v = *b;
	memset(&total, 0, sizeof(total));
	memset(&sub, 0, sizeof(sub));
	total.has_plan = sub.has_plan = b->has_prev;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		kc_bproject *p = laid ? &v.p[i] : &b->p[pl[i].project];
		size_t row;
		if (!laid) {
			PREFETCH_PLACED(b, pl, i, n);
			name_customer(p, &names);
		}
		sums_add(&sub, &v, p);
		kc_row_cells cells;
		rc = kc_report_add_row(r, t, pl[i].group, KISCRM_ROW_DETAIL, &row);
		if (!rc)
			rc = kc_table_row_cells(t, row, &cells);
		if (!rc)
			rc = put_project(r, &v, t, row, &cells, p, cx, last);
		if (!rc)
			rc = put_project_sums(&cells, first, &v, p);
		if (!rc && (i + 1 == n || pl[i + 1].group != pl[i].group)) { /* the group's last */
			if (r->o.ngroup && (rc = kc_report_add_row(r, t, pl[i].group, KISCRM_ROW_SUBTOTAL, &row)) == 0)
				rc = put_sums(t, row, first, &sub);
			sums_merge(&total, &sub);
			memset(&sub, 0, sizeof(sub));
			sub.has_plan = b->has_prev;
		}
	}
	/* the cells point into the arena: the table keeps it (on failure the table is freed
	 * before anything reads a cell) */
	if (!rc)
		rc = kc_table_adopt_texts(t, &b->arena);
	size_t row;
	if (!rc)
		rc = kc_report_add_row(r, t, (size_t)-1, KISCRM_ROW_TOTAL, &row);
	if (!rc)
		rc = put_sums(t, row, first, &total);
	in_order_dispose(b, &o);
	kc_idmap_dispose(&names.offset);
	kc_scratch_keep(b->scratch, &placed_site, 1, pl, b->n * sizeof(*pl));
	free(rank);
	return rc;
}

static int rolling(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts, int detail)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "rolling budget: output pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_budget b;
	kiscrm_table *t = NULL;
	rc = kc_budget_build(&b, &r, detail ? KC_BUDGET_TEXTS : 0);
	if (rc) {
		kc_report_end(&r);
		return rc;
	}
	rc = kc_report_table(&r, &t, detail ? "rolling-budget" : "rolling-summary");
	if (!rc)
		rc = add_rolling_columns(t, detail);
	if (!rc)
		rc = emit_rolling(&r, &b, t, detail);
	kc_budget_dispose(&b);
	return kc_report_finish(out, t, &r, rc);
}

int kiscrm_report_rolling_budget(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return rolling(out, db, opts, 1);
}

int kiscrm_report_rolling_summary(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return rolling(out, db, opts, 0);
}

/* ---- gap to the weekly targets ---- */

typedef struct {
	kc_dims dims;
	kiscrm_money c[KISCRM_BUDGET_WEEKS], w[KISCRM_BUDGET_WEEKS], k[KISCRM_BUDGET_WEEKS];
	int overflow; /* kc_sum_acc: emit_gap_rows() fails */
} gap_group;

static int emit_gap_rows(kc_report *r, const kc_budget *b, kiscrm_table *t, size_t group,
			 kiscrm_row_kind kind, unsigned level, const gap_group *g)
{
	static const char *const metrics[2] = { KC_METRIC_CONTRACT_AMOUNT, KC_METRIC_COLLECTION_AMOUNT };
	int rc = g->overflow ? kc_sum_overflowed("rolling gap") : 0;
	size_t first = r->o.ngroup;
	for (int m = 0; rc == 0 && m < 2; m++) {
		kiscrm_money cum_t = 0, cum_e = 0;
		int any = 0, overflow = 0;
		for (int k = 0; rc == 0 && k < KISCRM_BUDGET_WEEKS; k++) {
			kiscrm_date ws = b->week + 7 * k;
			kiscrm_money target = 0;
			int found = 0;
			rc = kc_target_sum(r->db, metrics[m], KISCRM_PERIOD_WEEK, ws, ws + 7, level,
					   level ? &g->dims : NULL, &target, NULL, &found);
			kiscrm_money e = m == 0 ? g->c[k] : g->k[k];
			kiscrm_money w = m == 0 ? g->w[k] : g->k[k];
			size_t row;
			if (!rc)
				rc = kc_report_add_row(r, t, group, kind, &row);
			if (rc)
				break;
			any |= found;
			kc_sum_acc(&cum_t, found ? target : 0, &overflow);
			kc_sum_acc(&cum_e, e, &overflow);
			rc = overflow ? kc_sum_overflowed("rolling gap") : kc_cell_text(t, row, first, metrics[m]);
			if (!rc)
				rc = kc_cell_int(t, row, first + 1, k + 1);
			if (!rc)
				rc = kc_cell_int(t, row, first + 2, ws);
			if (!rc)
				rc = set_money_or_null(t, row, first + 3, found, target);
			if (!rc)
				rc = kc_cell_int(t, row, first + 4, e);
			if (!rc)
				rc = kc_cell_int(t, row, first + 5, w);
			if (!rc)
				rc = set_money_or_null(t, row, first + 6, found, target - e);
			if (!rc)
				rc = set_money_or_null(t, row, first + 7, found, target - w);
			if (!rc)
				rc = set_money_or_null(t, row, first + 8, any, cum_t);
			if (!rc)
				rc = kc_cell_int(t, row, first + 9, cum_e);
			if (!rc)
				rc = set_money_or_null(t, row, first + 10, any, cum_t - cum_e);
		}
	}
	return rc;
}

static void gap_add(gap_group *g, const kc_budget *b, const kc_bproject *p)
{
	weeks_add(g->c, g->w, g->k, &g->overflow, b, p);
}

static int emit_gap(kc_report *r, const kc_budget *b, kiscrm_table *t, unsigned level)
{
	placed *pl;
	size_t n, *rank;
	int rc = place_projects(r, b, &pl, &n, &rank);
	if (rc)
		return rc;
	gap_group total, g;
	memset(&total, 0, sizeof(total));
	memset(&g, 0, sizeof(g));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const kc_bproject *p = &b->p[pl[i].project];
		if (i == 0 || pl[i - 1].group != pl[i].group) {
			memset(&g, 0, sizeof(g));
			kc_budget_dims(b, p, &g.dims);
		}
		gap_add(&g, b, p);
		gap_add(&total, b, p);
		if (r->o.ngroup && (i + 1 == n || pl[i + 1].group != pl[i].group))
			rc = emit_gap_rows(r, b, t, pl[i].group, KISCRM_ROW_DETAIL, level, &g);
	}
	if (!rc)
		rc = emit_gap_rows(r, b, t, (size_t)-1, KISCRM_ROW_TOTAL, 0, &total);
	kc_scratch_keep(b->scratch, &placed_site, 1, pl, b->n * sizeof(*pl));
	free(rank);
	return rc;
}

int kiscrm_report_rolling_gap(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"metric:text", "week:int", "week_start:date", "target:money", "expected:money",
		"weighted:money", "gap:money", "weighted_gap:money", "cum_target:money",
		"cum_expected:money", "cum_gap:money", NULL,
	};
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "rolling gap: output pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	unsigned level = 0;
	kc_budget b;
	kiscrm_table *t = NULL;
	if ((rc = kc_target_level_of(&r.o, &level)) != 0 || (rc = kc_budget_build(&b, &r, 0)) != 0) {
		kc_report_end(&r);
		return rc;
	}
	rc = kc_report_table(&r, &t, "rolling-gap");
	if (!rc)
		rc = kc_add_columns(t, cols);
	if (!rc)
		rc = emit_gap(&r, &b, t, level);
	kc_budget_dispose(&b);
	return kc_report_finish(out, t, &r, rc);
}

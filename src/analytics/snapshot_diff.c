/* What changed in the rolling budget since last week (snapshot-diff): the snapshot of the
 * past week ("old") against the current week's snapshot — or, when the current week is not
 * saved yet, against the live table, because the weekly routine compares before it saves.
 *
 * A contract is compared by its expected collections week by week, after taking off the
 * old side what was collected since the old snapshot: an instalment paid on time is gone
 * from both sides, so it is not a move. */
#include "core/field.h"
#include "core/sort.h"
#include "analytics/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"
#include "budget_build.h"
#include "funnel_data.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/date.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NWEEKS KISCRM_BUDGET_WEEKS

/* In the order the report documents ("the first that applies") and sorts rows by. */
enum { CH_NEW, CH_WON, CH_LOST, CH_SETTLED, CH_SLIPPED, CH_PULLED_IN, CH_AMOUNT_CHANGED, CH_REMOVED, CH_NONE };
static const char *const change_names[] = {
	"new", "won", "lost", "settled", "slipped", "pulled_in", "amount_changed", "removed",
};

static kiscrm_id val_id(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? 0 : v->u.i;
}

static kiscrm_date val_date(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? KISCRM_DATE_NONE : (kiscrm_date)v->u.i;
}

typedef struct {
	int present, kind; /* present: 1 in the table, 2 known live only (a gone opportunity) */
	kiscrm_id opp, con, customer, owner, dept;
	size_t bl, pl, stage, status;
	kiscrm_date date, first_coll;
	kiscrm_money amount, contract, collection;
	kiscrm_money coll[NWEEKS]; /* expected collection in each week of its table */
} side;

typedef struct {
	side s[2]; /* 0 old, 1 new */
	int change;
	size_t group;
	/* A contract's live money: collected after the old side's as_of up to the new side's,
	 * collected up to the new side's as_of, and planned, all in all. */
	kiscrm_money since, collected, planned;
	int dated; /* a compared contract: dates[] are the dates the report shows */
	kiscrm_date dates[2];
} dproj;

typedef struct {
	kc_budget b; /* only its arena and maps are used */
	dproj *d;
	size_t n, cap;
	int cur;               /* side being loaded */
	kiscrm_date week[2];   /* first day of each side's table: W−1 and W */
	kiscrm_date as_of[2];  /* the date each side was computed for */
	kc_idmap contracts;    /* contract id → dproj (contracts of compared projects) */
} diff_ctx;

static int text_of(diff_ctx *x, const kiscrm_value *v, size_t *off)
{
	if (v->type != KISCRM_TYPE_TEXT) {
		*off = KC_BNONE;
		return KISCRM_OK;
	}
	*off = x->b.arena.size;
	return kc_buf_put(&x->b.arena, v->u.s, strlen(v->u.s) + 1);
}

static int diff_slot(diff_ctx *x, kiscrm_id opp, kiscrm_id con, size_t *i)
{
	kc_idmap *map = opp ? &x->b.by_opp : &x->b.by_contract;
	kiscrm_id key = opp ? opp : con;
	if (kc_idmap_get(map, key, i))
		return KISCRM_OK;
	if (KC_VEC_GROW(x->d, x->n, x->cap, 64))
		return KISCRM_ENOMEM;
	memset(&x->d[x->n], 0, sizeof(dproj));
	*i = x->n++;
	return kc_idmap_put(map, key, *i);
}

static int line_cb(void *payload, const kiscrm_value *row)
{
	diff_ctx *x = payload;
	kiscrm_id opp = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_OPPORTUNITY_ID)]);
	kiscrm_id con = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_ID)]);
	size_t i;
	int rc = diff_slot(x, opp, con, &i);
	if (rc)
		return rc;
	side *s = &x->d[i].s[x->cur];
	if (!s->present) {
		s->present = 1;
		s->kind = con ? KC_BPROJ_CONTRACT : KC_BPROJ_OPPORTUNITY;
		s->opp = opp;
		s->con = con;
		s->customer = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CUSTOMER_ID)]);
		s->owner = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_OWNER_ID)]);
		s->dept = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_DEPARTMENT_ID)]);
		s->date = val_date(&row[KC_FI(KISCRM_SNAPSHOT_LINE_EXPECTED_CLOSE)]);
		s->first_coll = KISCRM_DATE_NONE;
		s->amount = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_AMOUNT)]);
		if ((rc = text_of(x, &row[KC_FI(KISCRM_SNAPSHOT_LINE_BUSINESS_LINE)], &s->bl)) != 0 ||
		    (rc = text_of(x, &row[KC_FI(KISCRM_SNAPSHOT_LINE_PRODUCT_LINE)], &s->pl)) != 0 ||
		    (rc = text_of(x, &row[KC_FI(KISCRM_SNAPSHOT_LINE_STAGE)], &s->stage)) != 0 ||
		    (rc = text_of(x, &row[KC_FI(KISCRM_SNAPSHOT_LINE_STATUS)], &s->status)) != 0)
			return rc;
	}
	kiscrm_money coll = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_COLLECTION_AMOUNT)]);
	kiscrm_date week = val_date(&row[KC_FI(KISCRM_SNAPSHOT_LINE_WEEK)]);
	if ((rc = kc_money_add(&s->contract, val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_AMOUNT)]))) != 0 ||
	    (rc = kc_money_add(&s->collection, coll)) != 0)
		return rc;
	if (coll && week != KISCRM_DATE_NONE && (s->first_coll == KISCRM_DATE_NONE || week < s->first_coll))
		s->first_coll = week;
	if (coll && week != KISCRM_DATE_NONE && week >= x->week[x->cur] && week < x->week[x->cur] + 7 * NWEEKS)
		rc = kc_money_add(&s->coll[(week - x->week[x->cur]) / 7], coll);
	return rc;
}

/* ---- loading the two sides ---- */

typedef struct {
	kiscrm_id id;
	kiscrm_date as_of;
	int found;
} snap_ref;

static int snap_ref_cb(void *payload, const kiscrm_value *row)
{
	snap_ref *s = payload;
	if (!s->found) {
		s->id = row[0].u.i;
		s->as_of = val_date(&row[KC_FI(KISCRM_SNAPSHOT_AS_OF)]);
	}
	s->found = 1;
	return 0;
}

/* The snapshot of the week starting `week`: 1 found, 0 none, < 0 error. */
static int find_snapshot(kiscrm_db *db, kiscrm_date week, snap_ref *s)
{
	kiscrm_cond c = { KISCRM_SNAPSHOT_WEEK, KISCRM_OP_EQ, { KISCRM_TYPE_DATE, { .i = week } } };
	kiscrm_query q = { 1, &c, KC_BIT(KISCRM_SNAPSHOT_ID) | KC_BIT(KISCRM_SNAPSHOT_AS_OF) };
	memset(s, 0, sizeof(*s));
	int rc = kc_db_scan(db, &kc_snapshot_def, &q, snap_ref_cb, s);
	if (rc)
		return rc;
	/* a snapshot without as_of (never written by this library): the week's first day */
	if (s->found && s->as_of == KISCRM_DATE_NONE)
		s->as_of = week;
	return s->found;
}

static int load_snapshot(diff_ctx *x, kiscrm_db *db, const snap_ref *s, int cur)
{
	x->cur = cur;
	x->as_of[cur] = s->as_of;
	kiscrm_cond c = { KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = s->id } } };
	kiscrm_query q = { 1, &c, 0 };
	return kc_db_scan(db, &kc_snapshot_line_def, &q, line_cb, x);
}

/* The new side from the live data: the table the snapshot of the current week would hold
 * if it were saved now, as of the report's date. */
static int load_live(diff_ctx *x, kc_report *r)
{
	kc_budget b;
	int rc = kc_budget_build(&b, r, KC_BUDGET_TEXTS);
	if (rc)
		return rc;
	x->cur = 1;
	x->as_of[1] = r->as_of;
	rc = kc_budget_lines(&b, 0, line_cb, x);
	kc_budget_dispose(&b);
	return rc;
}

/* ---- the contracts' live collections and plans ---- */

static int contract_map_cb(void *payload, const kiscrm_value *row)
{
	diff_ctx *x = payload;
	kiscrm_id opp = val_id(&row[KC_FI(KISCRM_CONTRACT_OPPORTUNITY_ID)]);
	size_t i;
	/* the project of a contract: its opportunity's when it has one (that is how the
	 * snapshot keys it), else its own */
	if (!(opp && kc_idmap_get(&x->b.by_opp, opp, &i)) && !kc_idmap_get(&x->b.by_contract, row[0].u.i, &i))
		return 0;
	if (x->d[i].s[0].kind != KC_BPROJ_CONTRACT || !x->d[i].s[0].present)
		return 0; /* only contracts of the old side are compared by their collections */
	return kc_idmap_put(&x->contracts, row[0].u.i, i);
}

static int collection_cb(void *payload, const kiscrm_value *row)
{
	diff_ctx *x = payload;
	size_t i;
	if (!kc_idmap_get(&x->contracts, val_id(&row[KC_FI(KISCRM_COLLECTION_CONTRACT_ID)]), &i))
		return 0;
	dproj *d = &x->d[i];
	kiscrm_money v = val_id(&row[KC_FI(KISCRM_COLLECTION_AMOUNT)]);
	int rc = kc_money_add(&d->collected, v);
	if (rc == 0 && val_date(&row[KC_FI(KISCRM_COLLECTION_RECEIVED)]) > x->as_of[0])
		rc = kc_money_add(&d->since, v);
	return rc;
}

static int plan_cb(void *payload, const kiscrm_value *row)
{
	diff_ctx *x = payload;
	size_t i;
	if (!kc_idmap_get(&x->contracts, val_id(&row[KC_FI(KISCRM_COLLECTION_PLAN_CONTRACT_ID)]), &i))
		return 0;
	return kc_money_add(&x->d[i].planned, val_id(&row[KC_FI(KISCRM_COLLECTION_PLAN_AMOUNT)]));
}

static int load_money(diff_ctx *x, kiscrm_db *db)
{
	kiscrm_query qc = { 0, NULL, KC_BIT(KISCRM_CONTRACT_ID) | KC_BIT(KISCRM_CONTRACT_OPPORTUNITY_ID) };
	int rc = kc_db_scan(db, &kc_contract_def, &qc, contract_map_cb, x);
	if (rc || x->contracts.n == 0)
		return rc;
	kiscrm_cond c = { KISCRM_COLLECTION_RECEIVED, KISCRM_OP_LE, { KISCRM_TYPE_DATE, { .i = x->as_of[1] } } };
	kiscrm_query qo = { 1, &c, KC_BIT(KISCRM_COLLECTION_ID) | KC_BIT(KISCRM_COLLECTION_CONTRACT_ID) |
				   KC_BIT(KISCRM_COLLECTION_RECEIVED) | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
	if ((rc = kc_db_scan(db, &kc_collection_def, &qo, collection_cb, x)) != 0)
		return rc;
	kiscrm_query qp = { 0, NULL, KC_BIT(KISCRM_COLLECTION_PLAN_ID) | KC_BIT(KISCRM_COLLECTION_PLAN_CONTRACT_ID) |
				   KC_BIT(KISCRM_COLLECTION_PLAN_AMOUNT) };
	return kc_db_scan(db, &kc_collection_plan_def, &qp, plan_cb, x);
}

/* ---- classifying ---- */

static int str_is(const diff_ctx *x, size_t off, const char *s)
{
	const char *t = kc_budget_text(&x->b, off);
	return t && strcmp(t, s) == 0;
}

static int is_lost(const char *s)
{
	return s && (strcmp(s, "lost") == 0 || strcmp(s, "abandoned") == 0);
}

/* A contract of the old side that has nothing left to collect: all its plans are paid by
 * the new side's as_of, some of it since the old side's, and the new side expects nothing. */
static int is_settled(const dproj *d)
{
	const side *o = &d->s[0], *n = &d->s[1];
	if (!o->present || o->kind != KC_BPROJ_CONTRACT || (n->present == 1 && n->collection != 0))
		return 0;
	return d->since > 0 && d->planned > 0 && d->collected >= d->planned;
}

/* A contract of the old side that expected nothing there and is fully paid: it was in the
 * old table only for last week's collections, and reported settled then. Leaving the table
 * now is no news. */
static int was_settled(const dproj *d)
{
	const side *o = &d->s[0];
	return o->kind == KC_BPROJ_CONTRACT && o->collection == 0 && d->since <= 0 && d->planned > 0 &&
	       d->collected >= d->planned;
}

/* The live state of opportunities that left the snapshot: one scan of each kind. */
typedef struct {
	diff_ctx *x;
	kc_idmap gone; /* opportunity id → dproj */
} live_ctx;

static int live_opp_cb(void *payload, const kiscrm_value *row)
{
	live_ctx *l = payload;
	size_t i;
	if (!kc_idmap_get(&l->gone, row[0].u.i, &i))
		return 0;
	dproj *d = &l->x->d[i];
	const kiscrm_value *st = &row[KC_FI(KISCRM_OPPORTUNITY_STATUS)];
	const char *status = st->type == KISCRM_TYPE_TEXT ? st->u.s : NULL;
	kiscrm_date close = val_date(&row[KC_FI(KISCRM_OPPORTUNITY_EXPECTED_CLOSE)]);
	if (d->change == CH_WON)
		return 0; /* a contract was found */
	if (status && strcmp(status, "won") == 0)
		d->change = CH_WON;
	else if (is_lost(status))
		d->change = CH_LOST;
	else if (status && strcmp(status, "open") == 0 && close != KISCRM_DATE_NONE &&
		 d->s[0].date != KISCRM_DATE_NONE && close > d->s[0].date)
		d->change = CH_SLIPPED;
	else
		return 0;
	/* what the opportunity looks like now */
	side *n = &d->s[1];
	n->date = close;
	n->amount = val_id(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)]);
	n->first_coll = KISCRM_DATE_NONE;
	int rc = text_of(l->x, &row[KC_FI(KISCRM_OPPORTUNITY_STAGE)], &n->stage);
	n->present = 2; /* known live, not in the snapshot */
	return rc;
}

static int live_contract_cb(void *payload, const kiscrm_value *row)
{
	live_ctx *l = payload;
	size_t i;
	const kiscrm_value *opp = &row[KC_FI(KISCRM_CONTRACT_OPPORTUNITY_ID)];
	if (opp->type == KISCRM_TYPE_NULL || !kc_idmap_get(&l->gone, opp->u.i, &i))
		return 0;
	l->x->d[i].change = CH_WON;
	return 0;
}

static int classify_gone(diff_ctx *x, kiscrm_db *db)
{
	live_ctx l = { x, { 0 } };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < x->n; i++) {
		dproj *d = &x->d[i];
		if (d->s[0].present && !d->s[1].present) {
			d->change = is_settled(d) ? CH_SETTLED : was_settled(d) ? CH_NONE : CH_REMOVED;
			if (d->s[0].kind == KC_BPROJ_OPPORTUNITY && d->s[0].opp)
				rc = kc_idmap_put(&l.gone, d->s[0].opp, i);
		}
	}
	if (rc == 0 && l.gone.n) {
		kiscrm_query qc = { 0, NULL, KC_BIT(KISCRM_CONTRACT_ID) | KC_BIT(KISCRM_CONTRACT_OPPORTUNITY_ID) };
		rc = kc_db_scan(db, &kc_contract_def, &qc, live_contract_cb, &l);
		kiscrm_query qo = { 0, NULL, KC_BIT(0) | KC_BIT(KISCRM_OPPORTUNITY_STATUS) | KC_BIT(KISCRM_OPPORTUNITY_EXPECTED_CLOSE) |
				    KC_BIT(KISCRM_OPPORTUNITY_AMOUNT) | KC_BIT(KISCRM_OPPORTUNITY_STAGE) };
		if (rc == 0)
			rc = kc_db_scan(db, &kc_opportunity_def, &qo, live_opp_cb, &l);
	}
	kc_idmap_dispose(&l.gone);
	return rc;
}

static int compare_dates(kiscrm_date a, kiscrm_date b)
{
	if (a == KISCRM_DATE_NONE || b == KISCRM_DATE_NONE || a == b)
		return CH_NONE;
	return b > a ? CH_SLIPPED : CH_PULLED_IN;
}

/* Compares a contract's expected collections on both sides over the weeks W−1 … W+7
 * (j = 0 … 8, week W−1 + 7j). The old side's table covers W−1 … W+6: what was collected
 * since it was computed pays its weeks oldest first (as FIFO pays instalments), and what
 * is left was expected by the same weeks now. The new side covers W … W+7 (an overdue
 * rest lands in its w1, W).
 *
 * Money that stays in its week, or is paid, changes nothing. By week j, O(j) and N(j) are
 * what each side expected up to that week (cumulated); the first week j0 ≤ W+6 where
 * they differ decides: O(j0) > N(j0) means money expected by j0 now comes later —
 * slipped, from week j0 to the first week where N catches up with O(j0) (none: it left
 * the eight weeks); O(j0) < N(j0) means money now expected by j0 was expected later —
 * pulled in, from the first week where O reaches N(j0); when O never does, the money is
 * new (e.g. a new instalment), not a move. The dates shown are those weeks; when nothing
 * moved, the first week each side expects a collection. */
static int compare_contract(dproj *d, kiscrm_date w1)
{
	kiscrm_money left = d->since > 0 ? d->since : 0, co = 0, cn = 0;
	kiscrm_money o[NWEEKS + 1], n[NWEEKS + 1], cumo[NWEEKS + 1], cumn[NWEEKS + 1];
	int rc = 0;
	for (int j = 0; rc == 0 && j <= NWEEKS; j++) {
		kiscrm_money v = j < NWEEKS ? d->s[0].coll[j] : 0;
		kiscrm_money paid = left < v ? left : v;
		left -= paid;
		o[j] = v - paid;
		n[j] = j > 0 ? d->s[1].coll[j - 1] : 0;
		if ((rc = kc_money_add(&co, o[j])) == 0)
			rc = kc_money_add(&cn, n[j]);
		cumo[j] = co;
		cumn[j] = cn;
	}
	if (rc)
		return rc;
	kiscrm_date start = w1 - 7; /* week j = 0 */
	d->dated = 1;
	d->dates[0] = d->dates[1] = KISCRM_DATE_NONE;
	d->change = CH_NONE;
	int j0 = 0;
	while (j0 < NWEEKS && cumo[j0] == cumn[j0])
		j0++;
	if (j0 < NWEEKS && cumo[j0] > cumn[j0]) {
		d->change = CH_SLIPPED;
		d->dates[0] = start + 7 * j0;
		for (int j = j0 + 1; j <= NWEEKS && d->dates[1] == KISCRM_DATE_NONE; j++)
			if (cumn[j] >= cumo[j0])
				d->dates[1] = start + 7 * j;
		return KISCRM_OK;
	}
	if (j0 < NWEEKS) {
		for (int j = j0 + 1; j < NWEEKS && d->change == CH_NONE; j++)
			if (cumo[j] >= cumn[j0]) {
				d->change = CH_PULLED_IN;
				d->dates[0] = start + 7 * j;
				d->dates[1] = start + 7 * j0;
			}
		if (d->change != CH_NONE)
			return KISCRM_OK;
	}
	for (int j = NWEEKS; j >= 0; j--) {
		if (o[j])
			d->dates[0] = start + 7 * j;
		if (n[j])
			d->dates[1] = start + 7 * j;
	}
	return KISCRM_OK;
}

static int classify(diff_ctx *x, dproj *d)
{
	const side *o = &d->s[0], *n = &d->s[1];
	if (!o->present) {
		d->change = CH_NEW;
		return KISCRM_OK;
	}
	if (!n->present)
		return KISCRM_OK; /* classify_gone */
	int old_open = o->kind == KC_BPROJ_OPPORTUNITY && !str_is(x, o->status, "won") && !is_lost(kc_budget_text(&x->b, o->status));
	if (old_open && (n->kind == KC_BPROJ_CONTRACT || str_is(x, n->status, "won"))) {
		d->change = CH_WON;
		return KISCRM_OK;
	}
	if (!is_lost(kc_budget_text(&x->b, o->status)) && is_lost(kc_budget_text(&x->b, n->status))) {
		d->change = CH_LOST;
		return KISCRM_OK;
	}
	if (is_settled(d)) {
		d->change = CH_SETTLED;
		return KISCRM_OK;
	}
	if (o->kind == KC_BPROJ_CONTRACT && n->kind == KC_BPROJ_CONTRACT) {
		int rc = compare_contract(d, x->week[1]);
		if (rc)
			return rc;
	} else {
		d->change = compare_dates(o->date, n->date);
	}
	if (d->change == CH_NONE && o->amount != n->amount)
		d->change = CH_AMOUNT_CHANGED;
	return KISCRM_OK;
}

/* ---- the table ---- */

static const side *newer(const dproj *d)
{
	return d->s[1].present == 1 ? &d->s[1] : &d->s[0];
}

/* What by_change sorts by: each group's position in sorted order, and the projects. */
typedef struct {
	const size_t *rank;
	const dproj *d;
} change_order;

static int by_change(const void *a, const void *b, void *ctx)
{
	const change_order *o = ctx;
	const dproj *x = &o->d[*(const size_t *)a], *y = &o->d[*(const size_t *)b];
	if (x->group != y->group)
		return o->rank[x->group] < o->rank[y->group] ? -1 : 1;
	if (x->change != y->change)
		return x->change - y->change;
	const side *p = newer(x), *q = newer(y);
	kiscrm_id i = p->opp ? p->opp : p->con, j = q->opp ? q->opp : q->con;
	if (!p->opp != !q->opp)
		return p->opp ? -1 : 1;
	return (i > j) - (i < j);
}

/* The report's own columns, after the group columns. Grouping by owner already made the
 * `owner` column: the detail rows fill that one (as the rolling table does). */
static const char *const diff_cols[] = {
	"change:text", "kind:text", "opportunity_id:int", "contract_id:int", "owner:text",
	"old_stage:text", "new_stage:text", "old_date:date", "new_date:date", "old_amount:money",
	"new_amount:money", "amount_delta:money", "old_contract:money", "new_contract:money",
	"old_collection:money", "new_collection:money",
};
enum { DC_CHANGE, DC_KIND, DC_OPP, DC_CONTRACT, DC_OWNER, DC_OLD_STAGE, DC_NEW_STAGE, DC_OLD_DATE,
       DC_NEW_DATE, DC_OLD_AMOUNT, DC_NEW_AMOUNT, DC_DELTA, DC_OLD_CONTRACT, DC_NEW_CONTRACT,
       DC_OLD_COLL, DC_NEW_COLL, DC_N };

static int add_diff_columns(kiscrm_table *t, size_t *cx)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < DC_N; i++) {
		char name[32];
		const char *colon = strchr(diff_cols[i], ':');
		snprintf(name, sizeof(name), "%.*s", (int)(colon - diff_cols[i]), diff_cols[i]);
		int c = kiscrm_table_column_index(t, name);
		if (c < 0) {
			kiscrm_error_clear();
			const char *one[2] = { diff_cols[i], NULL };
			if ((rc = kc_add_columns(t, one)) == 0)
				c = kiscrm_table_column_index(t, name);
		}
		cx[i] = (size_t)c;
	}
	return rc;
}

static int put_side_dates(kiscrm_table *t, size_t row, const size_t *cx, const dproj *d)
{
	int rc = 0;
	for (int k = 0; rc == 0 && k < 2; k++) {
		const side *s = &d->s[k];
		kiscrm_date dt = d->dated ? d->dates[k]
			       : s->kind == KC_BPROJ_CONTRACT && s->present == 1 ? s->first_coll : s->date;
		if (s->present && dt != KISCRM_DATE_NONE)
			rc = kc_cell_int(t, row, cx[DC_OLD_DATE + k], dt);
	}
	return rc;
}

static int emit_diff_row(kc_report *r, diff_ctx *x, kiscrm_table *t, const size_t *cx, const dproj *d)
{
	const side *nw = newer(d), *o = &d->s[0], *n = &d->s[1];
	size_t row;
	int rc = kc_report_add_row(r, t, d->group, KISCRM_ROW_DETAIL, &row);
	if (!rc)
		rc = kc_cell_text(t, row, cx[DC_CHANGE], change_names[d->change]);
	if (!rc)
		rc = kc_cell_text(t, row, cx[DC_KIND], nw->kind == KC_BPROJ_CONTRACT ? "contract" : "opportunity");
	if (!rc && nw->opp)
		rc = kc_cell_int(t, row, cx[DC_OPP], nw->opp);
	if (!rc && nw->con)
		rc = kc_cell_int(t, row, cx[DC_CONTRACT], nw->con);
	if (!rc && nw->owner)
		rc = kc_cell_text(t, row, cx[DC_OWNER], kc_report_staff_name(r, nw->owner));
	if (!rc && o->present)
		rc = kc_cell_text(t, row, cx[DC_OLD_STAGE], kc_budget_text(&x->b, o->stage));
	if (!rc && n->present)
		rc = kc_cell_text(t, row, cx[DC_NEW_STAGE], kc_budget_text(&x->b, n->stage));
	if (!rc)
		rc = put_side_dates(t, row, cx, d);
	if (!rc && o->present)
		rc = kc_cell_int(t, row, cx[DC_OLD_AMOUNT], o->amount);
	if (!rc && n->present)
		rc = kc_cell_int(t, row, cx[DC_NEW_AMOUNT], n->amount);
	if (!rc)
		rc = kc_cell_int(t, row, cx[DC_DELTA], (n->present ? n->amount : 0) - (o->present ? o->amount : 0));
	if (!rc && o->present)
		rc = kc_cell_int(t, row, cx[DC_OLD_CONTRACT], o->contract);
	if (!rc && n->present == 1)
		rc = kc_cell_int(t, row, cx[DC_NEW_CONTRACT], n->contract);
	if (!rc && o->present)
		rc = kc_cell_int(t, row, cx[DC_OLD_COLL], o->collection);
	if (!rc && n->present == 1)
		rc = kc_cell_int(t, row, cx[DC_NEW_COLL], n->collection);
	return rc;
}

static int emit_diff(kc_report *r, diff_ctx *x, kiscrm_table *t, const size_t *cx)
{
	size_t *idx = malloc((x->n ? x->n : 1) * sizeof(size_t)), m = 0, *order = NULL, *rank = NULL;
	int rc = idx ? 0 : kc_error_oom();
	for (size_t i = 0; rc == 0 && i < x->n; i++) {
		dproj *d = &x->d[i];
		if (d->change == CH_NONE)
			continue;
		const side *s = newer(d);
		kc_dims dims;
		memset(&dims, 0, sizeof(dims));
		dims.business_line = kc_budget_text(&x->b, s->bl);
		dims.product_line = kc_budget_text(&x->b, s->pl);
		dims.department_id = s->dept;
		dims.owner_id = s->owner;
		dims.customer_id = s->customer;
		if (!kc_report_accept(r, &dims))
			continue;
		rc = kc_report_group(r, &dims, &d->group);
		idx[m++] = i;
	}
	if (rc == 0)
		rc = kc_report_sorted(r, &order);
	if (rc == 0 && !(rank = malloc((r->ngroups ? r->ngroups : 1) * sizeof(size_t))))
		rc = kc_error_oom();
	if (rc == 0) {
		for (size_t i = 0; i < r->ngroups; i++)
			rank[order[i]] = i;
		change_order co = { rank, x->d };
		rc = kc_sort_ctx(idx, m, sizeof(size_t), by_change, &co);
	}
	for (size_t i = 0; rc == 0 && i < m; i++)
		rc = emit_diff_row(r, x, t, cx, &x->d[idx[i]]);
	free(idx);
	free(order);
	free(rank);
	return rc;
}

/* ---- notes ---- */

static void fmt_day(char *buf, size_t size, kiscrm_date d)
{
	if (kiscrm_date_format(buf, size, d) < 0)
		snprintf(buf, size, "day %ld", (long)d); /* beyond year 9999 */
}

static int note_no_previous(kiscrm_table *t, const kc_report *r, kiscrm_date past)
{
	char w[32], text[512];
	fmt_day(w, sizeof(w), past);
	if (strcmp(r->o.lang, "zh") == 0)
		snprintf(text, sizeof(text),
			 "没有上周（%s 起）的滚动预算快照，无可对比：请每周保存一次快照（kiscrm snapshot）。", w);
	else
		snprintf(text, sizeof(text),
			 "No rolling-budget snapshot of the previous week (starting %s) to compare with: "
			 "save one every week (kiscrm snapshot).", w);
	return kc_table_add_note(t, text);
}

static int note_live(kiscrm_table *t, const kc_report *r, kiscrm_date week)
{
	char w[32], p[32], a[32], text[512];
	fmt_day(w, sizeof(w), week);
	fmt_day(p, sizeof(p), week - 7);
	fmt_day(a, sizeof(a), r->as_of);
	if (strcmp(r->o.lang, "zh") == 0)
		snprintf(text, sizeof(text),
			 "本周（%s 起）尚未保存快照：对比的是截至 %s 的实时滚动表与上周（%s 起）的快照。", w, a, p);
	else
		snprintf(text, sizeof(text),
			 "The week starting %s has no snapshot yet: compared the live table as of %s with the "
			 "snapshot of the week starting %s.", w, a, p);
	return kc_table_add_note(t, text);
}

/* ---- the report ---- */

static int compare(diff_ctx *x, kc_report *r, const snap_ref *old, const snap_ref *cur)
{
	int rc = load_snapshot(x, r->db, old, 0);
	if (rc == 0)
		rc = cur->found ? load_snapshot(x, r->db, cur, 1) : load_live(x, r);
	if (rc == 0)
		rc = load_money(x, r->db);
	for (size_t i = 0; rc == 0 && i < x->n; i++)
		rc = classify(x, &x->d[i]);
	if (rc == 0)
		rc = classify_gone(x, r->db);
	return rc;
}

int kiscrm_report_snapshot_diff(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "snapshot diff: output pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	diff_ctx x;
	memset(&x, 0, sizeof(x));
	kiscrm_date week = kiscrm_date_week_start(r.as_of, r.week_start);
	x.week[0] = week - 7;
	x.week[1] = week;
	kiscrm_table *t = NULL;
	size_t cx[DC_N];
	snap_ref old, cur = { 0, KISCRM_DATE_NONE, 0 };
	int has_old = 0;
	if ((rc = find_snapshot(db, week - 7, &old)) >= 0) {
		has_old = rc;
		rc = find_snapshot(db, week, &cur);
	}
	if (rc >= 0)
		rc = has_old ? compare(&x, &r, &old, &cur) : 0;
	if (!rc)
		rc = kc_report_table(&r, &t, "snapshot-diff");
	if (!rc)
		rc = add_diff_columns(t, cx);
	if (!rc && has_old)
		rc = emit_diff(&r, &x, t, cx);
	if (!rc && !has_old)
		rc = note_no_previous(t, &r, week - 7);
	else if (!rc && !cur.found)
		rc = note_live(t, &r, week);
	free(x.d);
	kc_idmap_dispose(&x.contracts);
	kc_budget_dispose(&x.b);
	return kc_report_finish(out, t, &r, rc);
}

/* Weekly snapshots of the rolling budget: saving, and forecast accuracy from snapshots
 * against what really happened (comparing two weeks is snapshot_diff.c). */
#include "core/sort.h"
#include "core/field.h"
#include "analytics/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"
#include "budget_build.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/sum.h"
#include "core/vec.h"
#include "core/options.h"
#include "core/idvec.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/date.h"
#include "kiscrm/pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CT_ID, CT_NUMBER, CT_CUSTOMER, CT_OPPORTUNITY, CT_SIGNED, CT_AMOUNT, CT_OWNER,
       CT_DEPARTMENT, CT_BUSINESS_LINE, CT_PRODUCT_LINE };
enum { CO_ID, CO_CONTRACT, CO_RECEIVED, CO_AMOUNT };

#define SECONDS_PER_DAY 86400

static kiscrm_value v_null(void)
{
	kiscrm_value v = { KISCRM_TYPE_NULL, { .i = 0 } };
	return v;
}

static kiscrm_value v_int(int type, int64_t i, int set)
{
	kiscrm_value v = { set ? type : KISCRM_TYPE_NULL, { .i = i } };
	return v;
}

static kiscrm_value v_text(const char *s)
{
	kiscrm_value v = { s ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL, { .s = s } };
	return v;
}

static kiscrm_id val_id(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? 0 : v->u.i;
}

static kiscrm_date val_date(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_NULL ? KISCRM_DATE_NONE : (kiscrm_date)v->u.i;
}

/* ---- saving ---- */

void kc_budget_line(kiscrm_value *row, const kc_budget *b, const kc_bproject *p, kiscrm_id sid, int k)
{
	const char *status = p->kind == KC_BPROJ_CONTRACT ? "contract" : kc_budget_text(b, p->status);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_ID)] = v_null();
	row[KC_FI(KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID)] = v_int(KISCRM_TYPE_INT, sid, 1);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_OPPORTUNITY_ID)] = v_int(KISCRM_TYPE_INT, p->opportunity_id, p->opportunity_id != 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_ID)] = v_int(KISCRM_TYPE_INT, p->contract_id, p->contract_id != 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_CUSTOMER_ID)] = v_int(KISCRM_TYPE_INT, p->customer_id, p->customer_id != 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_OWNER_ID)] = v_int(KISCRM_TYPE_INT, p->owner_id, p->owner_id != 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_DEPARTMENT_ID)] = v_int(KISCRM_TYPE_INT, p->department_id, p->department_id != 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_BUSINESS_LINE)] = v_text(kc_budget_text(b, p->bl));
	row[KC_FI(KISCRM_SNAPSHOT_LINE_PRODUCT_LINE)] = v_text(kc_budget_text(b, p->pl));
	row[KC_FI(KISCRM_SNAPSHOT_LINE_STAGE)] = v_text(kc_budget_text(b, p->stage));
	row[KC_FI(KISCRM_SNAPSHOT_LINE_WEEK)] = v_int(KISCRM_TYPE_DATE, b->week + 7 * k, k >= 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_AMOUNT)] = v_int(KISCRM_TYPE_MONEY, kc_bproject_contract(p, k), 1);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_WEIGHTED_AMOUNT)] = v_int(KISCRM_TYPE_MONEY, kc_bproject_weighted(p, k), 1);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_COLLECTION_AMOUNT)] = v_int(KISCRM_TYPE_MONEY, kc_bproject_collection(b, p, k), 1);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_EXPECTED_CLOSE)] = v_int(KISCRM_TYPE_DATE, p->date, p->date != KISCRM_DATE_NONE);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_PROBABILITY)] = v_int(KISCRM_TYPE_INT, p->probability, p->probability >= 0);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_AMOUNT)] = v_int(KISCRM_TYPE_MONEY, p->amount, 1);
	row[KC_FI(KISCRM_SNAPSHOT_LINE_STATUS)] = v_text(status);
}

int kc_budget_lines(const kc_budget *b, kiscrm_id sid, kc_budget_line_cb cb, void *payload)
{
	int rc = 0;
	kiscrm_value row[KC_BUDGET_LINE_FIELDS];
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		const kc_bproject *p = &b->p[i];
		int any = 0;
		for (int k = 0; rc == 0 && k < KISCRM_BUDGET_WEEKS; k++) {
			if (!kc_bproject_contract(p, k) && !kc_bproject_weighted(p, k) && !kc_bproject_collection(b, p, k))
				continue;
			any = 1;
			kc_budget_line(row, b, p, sid, k);
			rc = cb(payload, row);
		}
		if (rc == 0 && !any) {
			kc_budget_line(row, b, p, sid, -1);
			rc = cb(payload, row);
		}
	}
	return rc;
}

typedef struct {
	kiscrm_db *db;
} insert_ctx;

static int insert_line(void *payload, const kiscrm_value *row)
{
	insert_ctx *c = payload;
	kiscrm_id id;
	return kc_db_insert(c->db, &kc_snapshot_line_def, row, &id);
}

static int write_lines(kiscrm_db *db, const kc_budget *b, kiscrm_id sid)
{
	insert_ctx c = { db };
	return kc_budget_lines(b, sid, insert_line, &c);
}

static int save(kiscrm_db *db, const kc_budget *b, kiscrm_id *out)
{
	const kiscrm_kind_def *sdef = &kc_snapshot_def;
	const kiscrm_kind_def *ldef = &kc_snapshot_line_def;
	kiscrm_id sid = 0;
	int rc = kc_budget_find_snapshot(db, b->week, &sid);
	if (rc < 0)
		return rc;
	int exists = rc;
	kiscrm_value row[5];
	row[KC_FI(KISCRM_SNAPSHOT_ID)] = v_int(KISCRM_TYPE_INT, sid, exists);
	row[KC_FI(KISCRM_SNAPSHOT_WEEK)] = v_int(KISCRM_TYPE_DATE, b->week, 1);
	/* The library has no clock: the snapshot was taken on the business date, or — when
	 * the handle has none — on the date it was computed for; at 00:00 UTC. */
	kiscrm_date taken = db->today != KISCRM_DATE_NONE ? db->today : b->as_of;
	row[KC_FI(KISCRM_SNAPSHOT_TAKEN)] = v_int(KISCRM_TYPE_TIME, (int64_t)taken * SECONDS_PER_DAY, 1);
	row[KC_FI(KISCRM_SNAPSHOT_BY_ID)] = v_int(KISCRM_TYPE_INT, db->actor, db->actor != 0);
	row[KC_FI(KISCRM_SNAPSHOT_AS_OF)] = v_int(KISCRM_TYPE_DATE, b->as_of, 1);
	if (exists) {
		/* replace: drop the old lines, keep the snapshot's id */
		kc_idvec l = KC_IDVEC_INIT;
		kiscrm_cond c = { KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = sid } } };
		kiscrm_query q = { 1, &c, KC_BIT(0) };
		rc = kc_db_scan(db, ldef, &q, kc_idvec_collect, &l);
		for (size_t i = 0; rc == 0 && i < l.n; i++)
			rc = kc_db_remove(db, ldef, l.ids[i]);
		kc_idvec_free(&l);
		if (rc == 0)
			rc = kc_db_update(db, sdef, row);
	} else {
		rc = kc_db_insert(db, sdef, row, &sid);
	}
	if (rc == 0)
		rc = write_lines(db, b, sid);
	if (rc == 0 && out)
		*out = sid;
	return rc;
}

/* The budget is built from the data read inside the transaction that saves it: the
 * snapshot is the state of one moment, not a mix of before and after another writer. */
static int snapshot_locked(kiscrm_id *out, kiscrm_db *db, kiscrm_date as_of)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = as_of;
	kc_report r;
	kc_budget b;
	int rc = kc_report_begin(&r, db, &o);
	if (rc)
		return rc;
	if ((rc = kc_budget_build(&b, &r, KC_BUDGET_TEXTS)) == 0) {
		rc = save(db, &b, out);
		kc_budget_dispose(&b);
	}
	kc_report_end(&r);
	return rc;
}

int kiscrm_budget_snapshot(kiscrm_id *out, kiscrm_db *db, kiscrm_date as_of)
{
	int rc = kc_check_db(db);
	if (rc || (rc = kc_tx_begin(db)) != 0)
		return rc;
	const char *job = kc_db_job(db, "snapshot");
	rc = kc_tx_end(db, snapshot_locked(out, db, as_of));
	kc_db_job(db, job);
	return rc;
}

/* ---- forecast accuracy ---- */

typedef struct {
	kiscrm_money fc, ac, fk, ak; /* forecast/actual contract, forecast/actual collection */
} wcell;

typedef struct {
	kc_report *r;
	kiscrm_date *weeks;  /* measured weeks */
	kiscrm_id *sids;     /* their snapshots */
	size_t nweeks, capw;
	kc_idmap week_index; /* week start → index */
	wcell *cells;        /* group * nweeks + week */
	size_t capg;         /* groups the cells have room for */
	size_t cur;          /* week being loaded */
	kc_idmap coll_index; /* contract id → first entry in colls */
	struct coll_entry { kiscrm_id contract; size_t week; kiscrm_money amount; size_t next; } *colls;
	size_t ncoll, capc;
	kiscrm_date lo, hi;  /* [first measured week, day after the last one) */
} acc_ctx;

static int snap_cb(void *payload, const kiscrm_value *row)
{
	acc_ctx *a = payload;
	kiscrm_date w = val_date(&row[KC_FI(KISCRM_SNAPSHOT_WEEK)]);
	kc_report *r = a->r;
	kiscrm_date cur = kiscrm_date_week_start(r->as_of, r->week_start);
	if (w == KISCRM_DATE_NONE || w >= cur || !kc_report_in_window(r, w))
		return 0;
	if (a->nweeks == a->capw) {
		size_t cap = kc_vec_next_cap(a->capw, 16);
		if (KC_VEC_RESIZE(a->weeks, cap) || KC_VEC_RESIZE(a->sids, cap))
			return KISCRM_ENOMEM;
		a->capw = cap;
	}
	a->weeks[a->nweeks] = w;
	a->sids[a->nweeks] = row[0].u.i;
	if (a->lo == KISCRM_DATE_NONE || w < a->lo)
		a->lo = w;
	if (a->hi == KISCRM_DATE_NONE || w + 7 > a->hi)
		a->hi = w + 7;
	return kc_idmap_put(&a->week_index, w, a->nweeks++);
}

static int cell_of(acc_ctx *a, const kc_dims *d, size_t week, wcell **out)
{
	*out = NULL;
	if (!kc_report_accept(a->r, d))
		return 0;
	size_t g;
	int rc = kc_report_group(a->r, d, &g);
	if (rc)
		return rc;
	if (g >= a->capg) {
		size_t cap = a->capg ? a->capg * 2 : 16;
		while (cap <= g)
			cap *= 2;
		wcell *p = realloc(a->cells, cap * a->nweeks * sizeof(*p));
		if (!p)
			return kc_error_oom();
		memset(p + a->capg * a->nweeks, 0, (cap - a->capg) * a->nweeks * sizeof(*p));
		a->cells = p;
		a->capg = cap;
	}
	*out = &a->cells[g * a->nweeks + week];
	return 0;
}

static int acc_line_cb(void *payload, const kiscrm_value *row)
{
	acc_ctx *a = payload;
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.business_line = row[KC_FI(KISCRM_SNAPSHOT_LINE_BUSINESS_LINE)].type == KISCRM_TYPE_TEXT ? row[KC_FI(KISCRM_SNAPSHOT_LINE_BUSINESS_LINE)].u.s : NULL;
	d.product_line = row[KC_FI(KISCRM_SNAPSHOT_LINE_PRODUCT_LINE)].type == KISCRM_TYPE_TEXT ? row[KC_FI(KISCRM_SNAPSHOT_LINE_PRODUCT_LINE)].u.s : NULL;
	d.owner_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_OWNER_ID)]);
	d.department_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_DEPARTMENT_ID)]);
	d.customer_id = val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CUSTOMER_ID)]);
	wcell *c;
	int rc = cell_of(a, &d, a->cur, &c);
	if (rc || !c)
		return rc;
	if ((rc = kc_money_add(&c->fc, val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_CONTRACT_AMOUNT)]))) != 0)
		return rc;
	return kc_money_add(&c->fk, val_id(&row[KC_FI(KISCRM_SNAPSHOT_LINE_COLLECTION_AMOUNT)]));
}

static int acc_coll_cb(void *payload, const kiscrm_value *row)
{
	acc_ctx *a = payload;
	kc_report *r = a->r;
	size_t w;
	kiscrm_date ws = kiscrm_date_week_start(val_date(&row[CO_RECEIVED]), r->week_start);
	if (!kc_idmap_get(&a->week_index, ws, &w))
		return 0;
	if (KC_VEC_GROW(a->colls, a->ncoll, a->capc, 64))
		return KISCRM_ENOMEM;
	kiscrm_id con = val_id(&row[CO_CONTRACT]);
	size_t head;
	struct coll_entry *e = &a->colls[a->ncoll];
	e->contract = con;
	e->week = w;
	e->amount = val_id(&row[CO_AMOUNT]);
	e->next = kc_idmap_get(&a->coll_index, con, &head) ? head : (size_t)-1;
	return kc_idmap_put(&a->coll_index, con, a->ncoll++);
}

static int acc_contract_cb(void *payload, const kiscrm_value *row)
{
	acc_ctx *a = payload;
	kc_report *r = a->r;
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.business_line = row[CT_BUSINESS_LINE].type == KISCRM_TYPE_TEXT ? row[CT_BUSINESS_LINE].u.s : NULL;
	d.product_line = row[CT_PRODUCT_LINE].type == KISCRM_TYPE_TEXT ? row[CT_PRODUCT_LINE].u.s : NULL;
	d.owner_id = val_id(&row[CT_OWNER]);
	d.department_id = val_id(&row[CT_DEPARTMENT]);
	d.customer_id = val_id(&row[CT_CUSTOMER]);
	kiscrm_date s = val_date(&row[CT_SIGNED]);
	size_t w;
	wcell *c;
	int rc = 0;
	if (s != KISCRM_DATE_NONE && kc_idmap_get(&a->week_index, kiscrm_date_week_start(s, r->week_start), &w)) {
		if ((rc = cell_of(a, &d, w, &c)) != 0)
			return rc;
		if (c && (rc = kc_money_add(&c->ac, val_id(&row[CT_AMOUNT]))) != 0)
			return rc;
	}
	size_t e;
	if (!kc_idmap_get(&a->coll_index, row[0].u.i, &e))
		return 0;
	for (; e != (size_t)-1; e = a->colls[e].next) {
		if ((rc = cell_of(a, &d, a->colls[e].week, &c)) != 0)
			return rc;
		if (c && (rc = kc_money_add(&c->ak, a->colls[e].amount)) != 0)
			return rc;
	}
	return 0;
}

/* 1 − |A − F| ÷ max(F, A); 1 when both are 0. */
static double accuracy(kiscrm_money f, kiscrm_money a)
{
	double F = fabs((double)f), A = fabs((double)a);
	double m = F > A ? F : A;
	if (m == 0)
		return 1.0;
	return 1.0 - fabs((double)a - (double)f) / m;
}

static int put_accuracy(acc_ctx *a, kiscrm_table *t, size_t row, const wcell *cells)
{
	size_t c = a->r->o.ngroup;
	wcell s = { 0, 0, 0, 0 };
	double acc_c = 0, acc_k = 0;
	int overflow = 0;
	for (size_t w = 0; w < a->nweeks; w++) {
		kc_sum_acc(&s.fc, cells[w].fc, &overflow);
		kc_sum_acc(&s.ac, cells[w].ac, &overflow);
		kc_sum_acc(&s.fk, cells[w].fk, &overflow);
		kc_sum_acc(&s.ak, cells[w].ak, &overflow);
		acc_c += accuracy(cells[w].fc, cells[w].ac);
		acc_k += accuracy(cells[w].fk, cells[w].ak);
	}
	if (overflow)
		return kc_sum_overflowed("forecast accuracy");
	int rc = kc_cell_int(t, row, c, (int64_t)a->nweeks);
	if (!rc)
		rc = kc_cell_int(t, row, c + 1, s.fc);
	if (!rc)
		rc = kc_cell_int(t, row, c + 2, s.ac);
	if (!rc)
		rc = kc_cell_ratio(t, row, c + 3, acc_c, (double)a->nweeks);
	if (!rc)
		rc = kc_cell_int(t, row, c + 4, s.fk);
	if (!rc)
		rc = kc_cell_int(t, row, c + 5, s.ak);
	if (!rc)
		rc = kc_cell_ratio(t, row, c + 6, acc_k, (double)a->nweeks);
	return rc;
}

static int emit_accuracy(acc_ctx *a, kiscrm_table *t)
{
	kc_report *r = a->r;
	size_t *order = NULL;
	int rc = kc_report_sorted(r, &order);
	wcell *tot = calloc(a->nweeks ? a->nweeks : 1, sizeof(*tot));
	if (!rc && !tot)
		rc = kc_error_oom();
	for (size_t i = 0; rc == 0 && i < r->ngroups; i++) {
		const wcell *cells = &a->cells[order[i] * a->nweeks];
		size_t row;
		int overflow = 0;
		for (size_t w = 0; w < a->nweeks; w++) {
			kc_sum_acc(&tot[w].fc, cells[w].fc, &overflow);
			kc_sum_acc(&tot[w].ac, cells[w].ac, &overflow);
			kc_sum_acc(&tot[w].fk, cells[w].fk, &overflow);
			kc_sum_acc(&tot[w].ak, cells[w].ak, &overflow);
		}
		rc = overflow ? kc_sum_overflowed("forecast accuracy")
			      : kc_report_add_row(r, t, order[i], KISCRM_ROW_DETAIL, &row);
		if (!rc)
			rc = put_accuracy(a, t, row, cells);
	}
	size_t row;
	if (!rc)
		rc = kc_report_add_row(r, t, (size_t)-1, KISCRM_ROW_TOTAL, &row);
	if (!rc)
		rc = put_accuracy(a, t, row, tot);
	free(tot);
	free(order);
	return rc;
}

static int load_accuracy(acc_ctx *a, kiscrm_db *db)
{
	kiscrm_query all = { 0, NULL, 0 };
	int rc = kc_db_scan(db, &kc_snapshot_def, &all, snap_cb, a);
	for (size_t w = 0; rc == 0 && w < a->nweeks; w++) {
		/* the week's own column of the snapshot made during it */
		kiscrm_cond c[2] = {
			{ KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = a->sids[w] } } },
			{ KISCRM_SNAPSHOT_LINE_WEEK, KISCRM_OP_EQ, { KISCRM_TYPE_DATE, { .i = a->weeks[w] } } },
		};
		kiscrm_query q = { 2, c, 0 };
		a->cur = w;
		rc = kc_db_scan(db, &kc_snapshot_line_def, &q, acc_line_cb, a);
	}
	if (rc || !a->nweeks)
		return rc;
	kiscrm_cond cc[2] = {
		{ KISCRM_COLLECTION_RECEIVED, KISCRM_OP_GE, { KISCRM_TYPE_DATE, { .i = a->lo } } },
		{ KISCRM_COLLECTION_RECEIVED, KISCRM_OP_LT, { KISCRM_TYPE_DATE, { .i = a->hi } } },
	};
	kiscrm_query qc = { 2, cc, KC_BIT(0) | KC_BIT(CO_CONTRACT) | KC_BIT(CO_RECEIVED) | KC_BIT(CO_AMOUNT) };
	rc = kc_db_scan(db, &kc_collection_def, &qc, acc_coll_cb, a);
	kiscrm_query qk = { 0, NULL, KC_BIT(0) | KC_BIT(CT_CUSTOMER) | KC_BIT(CT_SIGNED) | KC_BIT(CT_AMOUNT) | KC_BIT(CT_OWNER) |
			    KC_BIT(CT_DEPARTMENT) | KC_BIT(CT_BUSINESS_LINE) | KC_BIT(CT_PRODUCT_LINE) };
	if (!rc)
		rc = kc_db_scan(db, &kc_contract_def, &qk, acc_contract_cb, a);
	return rc;
}

int kiscrm_report_forecast_accuracy(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"weeks:int", "contract_forecast:money", "contract_actual:money", "contract_accuracy:rate",
		"collection_forecast:money", "collection_actual:money", "collection_accuracy:rate", NULL,
	};
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "forecast accuracy: output pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int rc = kc_options_copy(&o, opts, &kc_report_options_v);
	if (rc)
		return rc;
	if (o.ngroup == 0) {
		o.group_by = by_owner;
		o.ngroup = 1;
	}
	kc_report r;
	if ((rc = kc_report_begin(&r, db, &o)) != 0)
		return rc;
	acc_ctx a;
	memset(&a, 0, sizeof(a));
	a.r = &r;
	a.lo = a.hi = KISCRM_DATE_NONE;
	kiscrm_table *t = NULL;
	rc = load_accuracy(&a, db);
	if (!rc)
		rc = kc_report_table(&r, &t, "forecast-accuracy");
	if (!rc)
		rc = kc_add_columns(t, cols);
	if (!rc)
		rc = emit_accuracy(&a, t);
	free(a.weeks);
	free(a.sids);
	free(a.cells);
	free(a.colls);
	kc_idmap_dispose(&a.week_index);
	kc_idmap_dispose(&a.coll_index);
	return kc_report_finish(out, t, &r, rc);
}

/* The per-run population cache of the built-in metrics (kc_kpi_cache_*, kpi_internal.h).
 *
 * A scoring run asks for the same built-in metric for hundreds of subjects. Instead of a
 * scan (or a whole report run) per subject, the first request of a (metric, scope,
 * window) loads the population at once: one scan accumulating per owner, per department
 * and for the company, or one report run grouped by owner or department whose rows are
 * mapped back to ids by name. Whatever cannot be answered that way exactly (names shared
 * by two people, an amount overflowing, a department's manual scores whose average
 * depends on the order of addition) falls back to the metric's own per-subject function
 * (metrics_builtin.c), so the numbers are always those of kiscrm_kpi_metric_compute().
 * Values are memoised per subject. Registered (user) metrics always run their own
 * function. */
#include "kpi/metrics_builtin.h"
#include "kpi/kpi_internal.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kpi/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/vec.h"
#include "core/str.h"
#include "core/map.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/report.h"
#include "kiscrm/table.h"
#include "storage/db.h"

/* Scans behind the scan metrics (target_completion reads the contract scan). */
enum { S_CONTRACT, S_COLLECTION, S_NEW_OPP, S_CYCLE, S_MANUAL };

typedef struct kc_acc {
	kiscrm_money sum; /* money, or days for the sales cycle */
	int64_t n;
	double dsum;      /* manual scores */
	int overflow;
} kc_acc;

typedef struct acc_set {
	kc_idmap owner, dept; /* id → index into a */
	kc_acc *a;
	size_t na, cap;
	kc_acc total;
} acc_set;

typedef struct scan_entry {
	int kind;
	char *indicator, *scheme; /* manual scores only */
	kiscrm_date from, to;
	acc_set acc;
} scan_entry;

typedef struct entry {
	int kind, scope;
	char *indicator, *scheme; /* manual only */
	kiscrm_date from, to, as_of;
	int loaded, bulk;   /* bulk: the population path answers (else per subject) */
	size_t scan;        /* scan kinds: index into the cache's scans */
	kiscrm_table *t;    /* report kinds: the grouped report */
	kc_idmap rows;      /* subject id → row of t */
	kc_idmap known;     /* subject ids whose name is unique (others: per subject) */
	kc_idmap memo;      /* subject id → index into vals */
	kiscrm_kpi_value *vals;
	size_t nvals, capvals;
} entry;

struct kc_kpi_cache {
	entry *e;
	size_t n, cap;
	scan_entry *s;
	size_t ns, caps;
};
static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void acc_dispose(acc_set *s)
{
	kc_idmap_dispose(&s->owner);
	kc_idmap_dispose(&s->dept);
	free(s->a);
}

int kc_kpi_cache_new(kc_kpi_cache **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return kc_error_oom();
	return KISCRM_OK;
}

void kc_kpi_cache_free(kc_kpi_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		entry *e = &c->e[i];
		free(e->indicator);
		free(e->scheme);
		kiscrm_table_free(e->t);
		kc_idmap_dispose(&e->rows);
		kc_idmap_dispose(&e->known);
		kc_idmap_dispose(&e->memo);
		free(e->vals);
	}
	for (size_t i = 0; i < c->ns; i++) {
		free(c->s[i].indicator);
		free(c->s[i].scheme);
		acc_dispose(&c->s[i].acc);
	}
	free(c->e);
	free(c->s);
	free(c);
}

/* --- accumulating scans --- */

static void acc_add(kc_acc *a, kiscrm_money v, double d)
{
	if ((v > 0 && a->sum > INT64_MAX - v) || (v < 0 && a->sum < INT64_MIN - v))
		a->overflow = 1;
	else
		a->sum += v;
	a->n++;
	a->dsum += d;
}

static int acc_at(acc_set *s, kc_idmap *m, kiscrm_id id, kc_acc **out)
{
	size_t i;
	if (!kc_idmap_get(m, id, &i)) {
		if (KC_VEC_GROW(s->a, s->na, s->cap, 64))
			return KISCRM_ENOMEM;
		memset(&s->a[s->na], 0, sizeof(kc_acc));
		int rc = kc_idmap_put(m, id, s->na);
		if (rc)
			return rc;
		i = s->na++;
	}
	*out = &s->a[i];
	return KISCRM_OK;
}

/* Adds one record to its owner, its department (each when set) and the company. */
static int acc_row(acc_set *s, const kiscrm_value *owner, const kiscrm_value *dept, kiscrm_money v, double d)
{
	kc_acc *a;
	int rc;
	if (owner && owner->type == KISCRM_TYPE_INT) {
		if ((rc = acc_at(s, &s->owner, owner->u.i, &a)))
			return rc;
		acc_add(a, v, d);
	}
	if (dept && dept->type == KISCRM_TYPE_INT) {
		if ((rc = acc_at(s, &s->dept, dept->u.i, &a)))
			return rc;
		acc_add(a, v, d);
	}
	acc_add(&s->total, v, d);
	return KISCRM_OK;
}

typedef struct bulk_scan {
	acc_set *acc;
	const char *scheme;
	kc_idmap contracts; /* collections: contract id → index into owner/dept */
	kiscrm_value *c_owner, *c_dept;
	size_t nc, capc;
} bulk_scan;

static int bulk_contract_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	const kiscrm_value *ap = &row[KC_FI(KISCRM_CONTRACT_APPROVAL)];
	if (ap->type == KISCRM_TYPE_TEXT && strcmp(ap->u.s, "rejected") == 0)
		return 0;
	return acc_row(b->acc, &row[KC_FI(KISCRM_CONTRACT_OWNER_ID)], &row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)],
		       row[KC_FI(KISCRM_CONTRACT_AMOUNT)].u.i, 0);
}

static int bulk_contract_id_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	if (b->nc == b->capc) {
		size_t cap = kc_vec_next_cap(b->capc, 256);
		if (KC_VEC_RESIZE(b->c_owner, cap) || KC_VEC_RESIZE(b->c_dept, cap))
			return KISCRM_ENOMEM;
		b->capc = cap;
	}
	/* only the INT/NULL type and the id are kept: no text is referenced after the row */
	b->c_owner[b->nc] = kc_kpi_ival(row[KC_FI(KISCRM_CONTRACT_OWNER_ID)].type, row[KC_FI(KISCRM_CONTRACT_OWNER_ID)].u.i);
	b->c_dept[b->nc] = kc_kpi_ival(row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)].type, row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)].u.i);
	return kc_idmap_put(&b->contracts, row[0].u.i, b->nc++);
}

static int bulk_collection_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	size_t i;
	kiscrm_money v = row[KC_FI(KISCRM_COLLECTION_AMOUNT)].u.i;
	if (!kc_idmap_get(&b->contracts, row[KC_FI(KISCRM_COLLECTION_CONTRACT_ID)].u.i, &i))
		return acc_row(b->acc, NULL, NULL, v, 0); /* the company counts every collection */
	return acc_row(b->acc, &b->c_owner[i], &b->c_dept[i], v, 0);
}

static int bulk_opp_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	return acc_row(b->acc, &row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)], &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)], 0, 0);
}

static int bulk_cycle_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	const kiscrm_value *cr = &row[KC_FI(KISCRM_OPPORTUNITY_CREATED)], *cl = &row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)];
	if (cr->type != KISCRM_TYPE_DATE || cl->type != KISCRM_TYPE_DATE)
		return 0;
	return acc_row(b->acc, &row[KC_FI(KISCRM_OPPORTUNITY_OWNER_ID)], &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)],
		       cl->u.i - cr->u.i, 0);
}

static int bulk_manual_cb(void *payload, const kiscrm_value *row)
{
	bulk_scan *b = payload;
	const kiscrm_value *sch = &row[KC_FI(KISCRM_KPI_SCORE_SCHEME)];
	if (sch->type == KISCRM_TYPE_TEXT && b->scheme && strcmp(sch->u.s, b->scheme) != 0)
		return 0;
	if (row[KC_FI(KISCRM_KPI_SCORE_SCORE)].type != KISCRM_TYPE_RATE)
		return 0;
	/* departments take the manual path: their average is over the people of a subtree */
	return acc_row(b->acc, &row[KC_FI(KISCRM_KPI_SCORE_STAFF_ID)], NULL, 0, row[KC_FI(KISCRM_KPI_SCORE_SCORE)].u.r);
}

static int run_scan(scan_entry *s, kiscrm_db *db)
{
	kiscrm_cond c[5];
	int n = 0, rc;
	bulk_scan b;
	kiscrm_kpi_context w;
	memset(&b, 0, sizeof(b));
	memset(&w, 0, sizeof(w));
	b.acc = &s->acc;
	b.scheme = s->scheme;
	w.from = s->from;
	w.to = s->to;
	switch (s->kind) {
	case S_CONTRACT: {
		kc_kpi_window_conds(c, &n, &w, KISCRM_CONTRACT_SIGNED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_CONTRACT_AMOUNT) | KC_BIT(KISCRM_CONTRACT_APPROVAL) |
					       KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) | KC_BIT(KISCRM_CONTRACT_OWNER_ID) };
		return kc_db_scan(db, &kc_contract_def, &q, bulk_contract_cb, &b);
	}
	case S_COLLECTION: {
		kiscrm_query qc = { 0, NULL,
				    1u | KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) | KC_BIT(KISCRM_CONTRACT_OWNER_ID) };
		rc = kc_db_scan(db, &kc_contract_def, &qc, bulk_contract_id_cb, &b);
		if (rc == 0) {
			kc_kpi_window_conds(c, &n, &w, KISCRM_COLLECTION_RECEIVED);
			kiscrm_query q = { n, c,
					   1u | KC_BIT(KISCRM_COLLECTION_CONTRACT_ID) | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
			rc = kc_db_scan(db, &kc_collection_def, &q, bulk_collection_cb, &b);
		}
		kc_idmap_dispose(&b.contracts);
		free(b.c_owner);
		free(b.c_dept);
		return rc;
	}
	case S_NEW_OPP: {
		kc_kpi_window_conds(c, &n, &w, KISCRM_OPPORTUNITY_CREATED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) |
					       KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) };
		return kc_db_scan(db, &kc_opportunity_def, &q, bulk_opp_cb, &b);
	}
	case S_CYCLE: {
		c[n++] = (kiscrm_cond){ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_EQ, kc_kpi_tval("won") };
		kc_kpi_window_conds(c, &n, &w, KISCRM_OPPORTUNITY_CLOSED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) |
					       KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) | KC_BIT(KISCRM_OPPORTUNITY_CREATED) |
					       KC_BIT(KISCRM_OPPORTUNITY_CLOSED) };
		return kc_db_scan(db, &kc_opportunity_def, &q, bulk_cycle_cb, &b);
	}
	default: {
		c[n++] = (kiscrm_cond){ KISCRM_KPI_SCORE_INDICATOR, KISCRM_OP_EQ, kc_kpi_tval(s->indicator) };
		kc_kpi_window_conds(c, &n, &w, KISCRM_KPI_SCORE_START);
		kiscrm_query q = { n, c, 0 };
		return kc_db_scan(db, &kc_kpi_score_def, &q, bulk_manual_cb, &b);
	}
	}
}

/* A copy of s (NULL for NULL); *oom = 1 when it cannot be made. */
static char *dup_opt(const char *s, int *oom)
{
	char *p = kc_strdup(s);
	if (s && !p)
		*oom = 1;
	return p;
}

/* The scan of @kind for @ctx's window, run on first use. */
static int scan_of(kc_kpi_cache *c, kiscrm_db *db, int kind, const kiscrm_kpi_context *ctx, size_t *out)
{
	const char *ind = kind == S_MANUAL ? ctx->indicator : NULL, *sch = kind == S_MANUAL ? ctx->scheme : NULL;
	for (size_t i = 0; i < c->ns; i++) {
		scan_entry *s = &c->s[i];
		if (s->kind == kind && s->from == ctx->from && s->to == ctx->to && same_text(s->indicator, ind) &&
		    same_text(s->scheme, sch)) {
			*out = i;
			return KISCRM_OK;
		}
	}
	if (KC_VEC_GROW(c->s, c->ns, c->caps, 8))
		return KISCRM_ENOMEM;
	scan_entry *s = &c->s[c->ns];
	int oom = 0;
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->from = ctx->from;
	s->to = ctx->to;
	s->indicator = dup_opt(ind, &oom);
	s->scheme = dup_opt(sch, &oom);
	c->ns++;
	if (oom)
		return kc_error_oom();
	*out = c->ns - 1;
	return run_scan(s, db);
}

/* The subject's accumulator: *fallback = 1 when the population path cannot answer. */
static int subject_acc(const acc_set *s, kiscrm_db *db, const kiscrm_kpi_context *ctx, kc_acc *out,
		       int *fallback)
{
	size_t i;
	memset(out, 0, sizeof(*out));
	if (ctx->scope == KISCRM_KPI_SCOPE_COMPANY) {
		*out = s->total;
	} else if (ctx->scope == KISCRM_KPI_SCOPE_PERSON) {
		if (kc_idmap_get(&s->owner, ctx->staff_id, &i))
			*out = s->a[i];
	} else {
		kiscrm_id *ids = NULL;
		size_t n = 0;
		int rc = kiscrm_department_subtree(&ids, &n, db, ctx->department_id);
		if (rc) {
			*fallback = 1; /* the per-subject path reports it */
			return KISCRM_OK;
		}
		for (size_t k = 0; k < n; k++)
			if (kc_idmap_get(&s->dept, ids[k], &i)) {
				const kc_acc *a = &s->a[i];
				out->overflow |= a->overflow;
				acc_add(out, a->sum, a->dsum);
				out->n += a->n - 1;
			}
		kiscrm_ids_free(ids);
	}
	*fallback = out->overflow;
	return KISCRM_OK;
}

/* --- grouped reports --- */

typedef struct name_scan {
	kc_strmap names; /* name → index into ids */
	kiscrm_id *ids;  /* 0 once a second record has the name */
	size_t n, cap;
} name_scan;

static int name_cb(void *payload, const kiscrm_value *row)
{
	name_scan *s = payload;
	size_t i;
	if (row[1].type != KISCRM_TYPE_TEXT || !row[1].u.s[0])
		return 0;
	if (kc_strmap_get(&s->names, row[1].u.s, &i)) {
		s->ids[i] = 0;
		return 0;
	}
	if (KC_VEC_GROW(s->ids, s->n, s->cap, 64))
		return KISCRM_ENOMEM;
	s->ids[s->n] = row[0].u.i;
	return kc_strmap_put(&s->names, row[1].u.s, s->n++);
}

/* Runs the report of @e grouped by owner (person) or department and maps its detail rows to
 * ids through the names, which must be unique among the staff (or departments). */
static int load_report(entry *e, kiscrm_db *db, kc_kpi_report_fn fn, int windowed)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int group = e->scope == KISCRM_KPI_SCOPE_PERSON ? KISCRM_GROUP_OWNER : KISCRM_GROUP_DEPARTMENT;
	name_scan ns;
	size_t i;
	int rc;

	o.as_of = e->as_of;
	if (windowed) {
		o.from = e->from;
		o.to = e->to;
	}
	o.group_by = &group;
	o.ngroup = 1;
	memset(&ns, 0, sizeof(ns));
	kiscrm_query q = { 0, NULL, 0x3 }; /* id and name: field 1 of staff and department */
	rc = kc_db_scan(db, group == KISCRM_GROUP_OWNER ? &kc_staff_def : &kc_department_def, &q,
			name_cb, &ns);
	for (i = 0; rc == 0 && i < ns.n; i++)
		if (ns.ids[i])
			rc = kc_idmap_put(&e->known, ns.ids[i], 0);
	if (rc == 0)
		rc = fn(&e->t, db, &o);
	size_t nrows = rc == 0 ? kiscrm_table_row_count(e->t) : 0;
	for (size_t r = 0; rc == 0 && r < nrows; r++) {
		const char *g = kiscrm_table_row_kind(e->t, r) == KISCRM_ROW_DETAIL ? kiscrm_table_text(e->t, r, 0) : NULL;
		if (g && kc_strmap_get(&ns.names, g, &i) && ns.ids[i])
			rc = kc_idmap_put(&e->rows, ns.ids[i], r);
	}
	kc_strmap_dispose(&ns.names);
	free(ns.ids);
	return rc;
}

/* --- entries --- */

static int entry_load(kc_kpi_cache *c, entry *e, kiscrm_db *db, const kiscrm_kpi_context *ctx)
{
	static const int scans[] = { S_CONTRACT, S_CONTRACT, S_COLLECTION, S_NEW_OPP, S_CYCLE, S_MANUAL };
	e->loaded = 1;
	if (e->kind <= B_MANUAL) {
		/* companies use the totals; a department's manual average is left to m_manual */
		if (e->kind == B_MANUAL && (e->scope == KISCRM_KPI_SCOPE_DEPARTMENT || !ctx->indicator))
			return KISCRM_OK;
		e->bulk = 1;
		return scan_of(c, db, scans[e->kind], ctx, &e->scan);
	}
	/* reports: the company is one run anyway; a department's receivables are the total of
	 * its subtree, which a report grouped by department does not give exactly */
	if (e->scope == KISCRM_KPI_SCOPE_COMPANY || (e->kind == B_RECV && e->scope == KISCRM_KPI_SCOPE_DEPARTMENT))
		return KISCRM_OK;
	e->bulk = 1;
	switch (e->kind) {
	case B_QUAL: return load_report(e, db, kiscrm_report_qualification, 0);
	case B_WIN: return load_report(e, db, kiscrm_report_win_rate, 1);
	case B_ACCURACY: return load_report(e, db, kiscrm_report_forecast_accuracy, 1);
	case B_SUFF: return load_report(e, db, kiscrm_report_sufficiency, 1);
	default: return load_report(e, db, kiscrm_report_receivables, 0);
	}
}

/* The value of @ctx's subject from the population data; *fallback = 1 when it has none. */
static int entry_value(kc_kpi_cache *c, entry *e, kiscrm_kpi_value *out, kiscrm_db *db,
		       const kiscrm_kpi_context *ctx, int *fallback)
{
	size_t i;
	*fallback = 0;
	if (e->kind <= B_MANUAL) {
		kc_acc a;
		int rc = subject_acc(&c->s[e->scan].acc, db, ctx, &a, fallback);
		if (rc || *fallback)
			return rc;
		switch (e->kind) {
		case B_CONTRACT:
		case B_COLLECTION: kc_kpi_set_money(out, db, a.sum); return KISCRM_OK;
		case B_COMPLETION: return kc_kpi_completion_of(out, db, ctx, a.sum);
		case B_NEW_OPP:
			out->has_actual = 1;
			out->actual = (double)a.n;
			return KISCRM_OK;
		case B_CYCLE:
			if (a.n) {
				out->has_actual = 1;
				out->actual = (double)a.sum / (double)a.n;
			}
			return KISCRM_OK;
		default:
			if (a.n) {
				out->has_actual = 1;
				out->actual = a.dsum / (double)a.n;
			}
			return KISCRM_OK;
		}
	}
	kiscrm_id id = e->scope == KISCRM_KPI_SCOPE_PERSON ? ctx->staff_id : ctx->department_id;
	if (!kc_idmap_get(&e->known, id, &i)) {
		*fallback = 1;
		return KISCRM_OK;
	}
	long row = kc_idmap_get(&e->rows, id, &i) ? (long)i : -1;
	switch (e->kind) {
	case B_QUAL: return kc_kpi_read_rate(out, e->t, row, "rate");
	case B_WIN: return kc_kpi_read_rate(out, e->t, row, "win_rate");
	case B_ACCURACY: return kc_kpi_read_rate(out, e->t, row, "contract_accuracy");
	case B_SUFF: return kc_kpi_read_sufficiency(out, e->t, row);
	default: return kc_kpi_read_overdue(out, db, e->t, row);
	}
}

static int entry_of(kc_kpi_cache *c, int kind, const kiscrm_kpi_context *ctx, entry **out)
{
	const char *ind = kind == B_MANUAL ? ctx->indicator : NULL, *sch = kind == B_MANUAL ? ctx->scheme : NULL;
	for (size_t i = 0; i < c->n; i++) {
		entry *e = &c->e[i];
		if (e->kind == kind && e->scope == ctx->scope && e->from == ctx->from && e->to == ctx->to &&
		    e->as_of == ctx->as_of && same_text(e->indicator, ind) && same_text(e->scheme, sch)) {
			*out = e;
			return KISCRM_OK;
		}
	}
	if (KC_VEC_GROW(c->e, c->n, c->cap, 16))
		return KISCRM_ENOMEM;
	entry *e = &c->e[c->n++];
	int oom = 0;
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->scope = ctx->scope;
	e->from = ctx->from;
	e->to = ctx->to;
	e->as_of = ctx->as_of;
	e->indicator = dup_opt(ind, &oom);
	e->scheme = dup_opt(sch, &oom);
	*out = e;
	return oom ? kc_error_oom() : KISCRM_OK;
}

static int memo_put(entry *e, kiscrm_id id, const kiscrm_kpi_value *v)
{
	if (KC_VEC_GROW(e->vals, e->nvals, e->capvals, 64))
		return KISCRM_ENOMEM;
	e->vals[e->nvals] = *v;
	return kc_idmap_put(&e->memo, id, e->nvals++);
}

int kc_kpi_cache_compute(kc_kpi_cache *c, kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_metric *m,
			 const kiscrm_kpi_context *ctx)
{
	int kind = kc_kpi_builtin_kind(m), fallback = 1, rc;
	entry *e = NULL;
	size_t i;
	if (!c || kind == B_NONE)
		return m->compute(out, db, ctx, m->user);
	if ((rc = entry_of(c, kind, ctx, &e)))
		return rc;
	kiscrm_id id = ctx->scope == KISCRM_KPI_SCOPE_PERSON	   ? ctx->staff_id
		       : ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT ? ctx->department_id
								   : 0;
	if (kc_idmap_get(&e->memo, id, &i)) {
		*out = e->vals[i];
		return KISCRM_OK;
	}
	if (!e->loaded && (rc = entry_load(c, e, db, ctx)))
		return rc;
	kiscrm_kpi_value v = *out;
	if (e->bulk && (rc = entry_value(c, e, &v, db, ctx, &fallback)))
		return rc;
	if (fallback) {
		v = *out;
		if ((rc = m->compute(&v, db, ctx, m->user)))
			return rc;
	}
	*out = v;
	return memo_put(e, id, &v);
}

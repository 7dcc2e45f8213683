/* The built-in metrics (one table at the end — a new built-in metric is one function and
 * one line; registry.c adds those registered at run time by later code).
 *
 * Simple metrics scan their records once for the subject (an indexed owner condition for
 * a person, a department subtree for a department). Metrics that other modules already
 * compute (sufficiency, qualification, win rate, forecast accuracy, receivables) call the
 * public report for the subject and read its row, so the numbers agree with the reports.
 * The population cache (population.c) answers the same metrics for many subjects at once
 * with the pieces declared in metrics_builtin.h. */
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
#include "core/sum.h"
#include "core/map.h"
#include "kiscrm/budget.h"
#include "kiscrm/config.h"
#include "kiscrm/forecast.h"
#include "kiscrm/report.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/record.h"
#include "kiscrm/table.h"
#include "kiscrm/target.h"
#include "storage/db.h"

/* ------------------------------------------------------------------------------------ */
/* Helpers                                                                               */

double kc_kpi_major(kiscrm_db *db, kiscrm_money minor)
{
	int d = kiscrm_config_currency_decimals(kiscrm_db_config(db));
	double div = 1;
	while (d-- > 0)
		div *= 10;
	return (double)minor / div;
}

/* Who a scan keeps: a person by an owner condition, a department by its subtree. */
typedef struct subject_filter {
	int scope;
	kc_idmap depts; /* department subtree (scope department) */
} subject_filter;

static int filter_begin(subject_filter *f, kiscrm_db *db, const kiscrm_kpi_context *ctx)
{
	memset(f, 0, sizeof(*f));
	f->scope = ctx->scope;
	if (ctx->scope != KISCRM_KPI_SCOPE_DEPARTMENT)
		return KISCRM_OK;
	kiscrm_id *ids = NULL;
	size_t n = 0;
	int rc = kiscrm_department_subtree(&ids, &n, db, ctx->department_id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = kc_idmap_put(&f->depts, ids[i], i);
	kiscrm_ids_free(ids);
	return rc;
}

static int filter_keep(const subject_filter *f, const kiscrm_value *dept)
{
	size_t ignored;
	if (f->scope != KISCRM_KPI_SCOPE_DEPARTMENT)
		return 1;
	return dept->type == KISCRM_TYPE_INT && kc_idmap_get(&f->depts, dept->u.i, &ignored);
}

/* Appends the owner condition of a person to c[*n]. */
static void owner_cond(kiscrm_cond *c, int *n, const kiscrm_kpi_context *ctx, int field)
{
	if (ctx->scope == KISCRM_KPI_SCOPE_PERSON)
		c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_EQ, kc_kpi_ival(KISCRM_TYPE_INT, ctx->staff_id) };
}

void kc_kpi_window_conds(kiscrm_cond *c, int *n, const kiscrm_kpi_context *ctx, int field)
{
	c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_GE, kc_kpi_ival(KISCRM_TYPE_DATE, ctx->from) };
	c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_LT, kc_kpi_ival(KISCRM_TYPE_DATE, ctx->to) };
}

void kc_kpi_set_money(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_money v)
{
	out->has_actual = 1;
	out->actual_money = v;
	out->actual = kc_kpi_major(db, v);
}

/* ------------------------------------------------------------------------------------ */
/* Built-in metrics computed by one scan                                                 */

typedef struct sum_scan {
	const subject_filter *f;
	int dept_field, amount_field;
	kiscrm_money sum;
	int64_t n;
	const kc_idmap *contracts; /* collections: keep rows whose contract is in the set */
} sum_scan;

static int contract_cb(void *payload, const kiscrm_value *row)
{
	sum_scan *s = payload;
	const kiscrm_value *ap = &row[KC_FI(KISCRM_CONTRACT_APPROVAL)];
	if (ap->type == KISCRM_TYPE_TEXT && strcmp(ap->u.s, "rejected") == 0)
		return 0;
	if (!filter_keep(s->f, &row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)]))
		return 0;
	s->n++;
	return kc_money_add(&s->sum, row[KC_FI(KISCRM_CONTRACT_AMOUNT)].u.i);
}

static int contract_sum(kiscrm_money *out, kiscrm_db *db, const kiscrm_kpi_context *ctx)
{
	subject_filter f;
	kiscrm_cond c[4];
	int n = 0, rc = filter_begin(&f, db, ctx);
	if (rc == 0) {
		owner_cond(c, &n, ctx, KISCRM_CONTRACT_OWNER_ID);
		kc_kpi_window_conds(c, &n, ctx, KISCRM_CONTRACT_SIGNED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_CONTRACT_AMOUNT) | KC_BIT(KISCRM_CONTRACT_APPROVAL) |
					       KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) };
		sum_scan s = { &f, 0, 0, 0, 0, NULL };
		rc = kc_db_scan(db, &kc_contract_def, &q, contract_cb, &s);
		*out = s.sum;
	}
	kc_idmap_dispose(&f.depts);
	return rc;
}

static int m_contract_amount(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	kiscrm_money sum = 0;
	int rc = contract_sum(&sum, db, ctx);
	(void)user;
	if (rc == 0)
		kc_kpi_set_money(out, db, sum);
	return rc;
}

/* target_completion from the subject's contract sum. */
int kc_kpi_completion_of(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			 kiscrm_money sum)
{
	kiscrm_money target = 0;
	int64_t count = 0;
	int found = 0;
	int rc = kc_kpi_decomposed_target(db, NULL, ctx, KISCRM_METRIC_CONTRACT_AMOUNT, &found, &target, &count);
	if (rc)
		return rc;
	if (!found) {
		out->note = "no_target";
		return KISCRM_OK;
	}
	if (target == 0) {
		out->note = "zero_target";
		return KISCRM_OK;
	}
	out->has_actual = 1;
	out->actual = (double)sum / (double)target;
	return KISCRM_OK;
}

static int m_target_completion(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			       void *user)
{
	kiscrm_money sum = 0;
	int rc = contract_sum(&sum, db, ctx);
	(void)user;
	return rc ? rc : kc_kpi_completion_of(out, db, ctx, sum);
}

typedef struct id_set {
	const subject_filter *f;
	kc_idmap ids;
} id_set;

static int contract_id_cb(void *payload, const kiscrm_value *row)
{
	id_set *s = payload;
	if (!filter_keep(s->f, &row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)]))
		return 0;
	return kc_idmap_put(&s->ids, row[0].u.i, 0);
}

static int collection_cb(void *payload, const kiscrm_value *row)
{
	sum_scan *s = payload;
	size_t ignored;
	if (s->contracts && !kc_idmap_get(s->contracts, row[KC_FI(KISCRM_COLLECTION_CONTRACT_ID)].u.i, &ignored))
		return 0;
	return kc_money_add(&s->sum, row[KC_FI(KISCRM_COLLECTION_AMOUNT)].u.i);
}

static int m_collection_amount(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			       void *user)
{
	subject_filter f;
	id_set set;
	kiscrm_cond c[4];
	int n = 0, rc = filter_begin(&f, db, ctx);
	(void)user;
	memset(&set, 0, sizeof(set));
	set.f = &f;
	if (rc == 0 && ctx->scope != KISCRM_KPI_SCOPE_COMPANY) {
		owner_cond(c, &n, ctx, KISCRM_CONTRACT_OWNER_ID);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) };
		rc = kc_db_scan(db, &kc_contract_def, &q, contract_id_cb, &set);
	}
	if (rc == 0) {
		n = 0;
		kc_kpi_window_conds(c, &n, ctx, KISCRM_COLLECTION_RECEIVED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_COLLECTION_CONTRACT_ID) | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
		sum_scan s = { &f, 0, 0, 0, 0, ctx->scope == KISCRM_KPI_SCOPE_COMPANY ? NULL : &set.ids };
		rc = kc_db_scan(db, &kc_collection_def, &q, collection_cb, &s);
		if (rc == 0)
			kc_kpi_set_money(out, db, s.sum);
	}
	kc_idmap_dispose(&set.ids);
	kc_idmap_dispose(&f.depts);
	return rc;
}

static int opp_count_cb(void *payload, const kiscrm_value *row)
{
	sum_scan *s = payload;
	if (filter_keep(s->f, &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)]))
		s->n++;
	return 0;
}

static int m_new_opportunities(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			       void *user)
{
	subject_filter f;
	kiscrm_cond c[4];
	int n = 0, rc = filter_begin(&f, db, ctx);
	(void)user;
	if (rc == 0) {
		owner_cond(c, &n, ctx, KISCRM_OPPORTUNITY_OWNER_ID);
		kc_kpi_window_conds(c, &n, ctx, KISCRM_OPPORTUNITY_CREATED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) };
		sum_scan s = { &f, 0, 0, 0, 0, NULL };
		rc = kc_db_scan(db, &kc_opportunity_def, &q, opp_count_cb, &s);
		if (rc == 0) {
			out->has_actual = 1;
			out->actual = (double)s.n;
		}
	}
	kc_idmap_dispose(&f.depts);
	return rc;
}

typedef struct cycle_scan {
	const subject_filter *f;
	int64_t days, n;
} cycle_scan;

static int cycle_cb(void *payload, const kiscrm_value *row)
{
	cycle_scan *s = payload;
	const kiscrm_value *cr = &row[KC_FI(KISCRM_OPPORTUNITY_CREATED)], *cl = &row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)];
	if (!filter_keep(s->f, &row[KC_FI(KISCRM_OPPORTUNITY_DEPARTMENT_ID)]) || cr->type != KISCRM_TYPE_DATE ||
	    cl->type != KISCRM_TYPE_DATE)
		return 0;
	s->days += cl->u.i - cr->u.i;
	s->n++;
	return 0;
}

static int m_sales_cycle(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	subject_filter f;
	kiscrm_cond c[5];
	int n = 0, rc = filter_begin(&f, db, ctx);
	(void)user;
	if (rc == 0) {
		owner_cond(c, &n, ctx, KISCRM_OPPORTUNITY_OWNER_ID);
		c[n++] = (kiscrm_cond){ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_EQ, kc_kpi_tval("won") };
		kc_kpi_window_conds(c, &n, ctx, KISCRM_OPPORTUNITY_CLOSED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) |
					       KC_BIT(KISCRM_OPPORTUNITY_CREATED) | KC_BIT(KISCRM_OPPORTUNITY_CLOSED) };
		cycle_scan s = { &f, 0, 0 };
		rc = kc_db_scan(db, &kc_opportunity_def, &q, cycle_cb, &s);
		if (rc == 0 && s.n) {
			out->has_actual = 1;
			out->actual = (double)s.days / (double)s.n;
		}
	}
	kc_idmap_dispose(&f.depts);
	return rc;
}

/* Manual scores: the person's (or the department's people's) scores for the indicator. */
typedef struct manual_scan {
	const kiscrm_kpi_context *ctx;
	kc_idmap *members; /* department: its staff; NULL otherwise */
	double sum;
	int64_t n;
} manual_scan;

static int member_cb(void *payload, const kiscrm_value *row)
{
	id_set *s = payload;
	if (!filter_keep(s->f, &row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)]))
		return 0;
	return kc_idmap_put(&s->ids, row[0].u.i, 0);
}

static int manual_cb(void *payload, const kiscrm_value *row)
{
	manual_scan *s = payload;
	const kiscrm_value *sch = &row[KC_FI(KISCRM_KPI_SCORE_SCHEME)];
	size_t ignored;
	if (sch->type == KISCRM_TYPE_TEXT && s->ctx->scheme && strcmp(sch->u.s, s->ctx->scheme) != 0)
		return 0;
	if (s->members && !kc_idmap_get(s->members, row[KC_FI(KISCRM_KPI_SCORE_STAFF_ID)].u.i, &ignored))
		return 0;
	if (row[KC_FI(KISCRM_KPI_SCORE_SCORE)].type != KISCRM_TYPE_RATE)
		return 0;
	s->sum += row[KC_FI(KISCRM_KPI_SCORE_SCORE)].u.r;
	s->n++;
	return 0;
}

static int m_manual(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	subject_filter f;
	id_set set;
	kiscrm_cond c[5];
	int n = 0, rc;
	(void)user;
	if (!ctx->indicator)
		return kc_error_set(KISCRM_EINVALID, "metric 'manual' needs the indicator key in its context");
	memset(&set, 0, sizeof(set));
	set.f = &f;
	rc = filter_begin(&f, db, ctx);
	if (rc == 0 && ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT) {
		kiscrm_query q = { 0, NULL, 1u | KC_BIT(KISCRM_STAFF_DEPARTMENT_ID) };
		rc = kc_db_scan(db, &kc_staff_def, &q, member_cb, &set);
	}
	if (rc == 0) {
		owner_cond(c, &n, ctx, KISCRM_KPI_SCORE_STAFF_ID);
		c[n++] = (kiscrm_cond){ KISCRM_KPI_SCORE_INDICATOR, KISCRM_OP_EQ, kc_kpi_tval(ctx->indicator) };
		kc_kpi_window_conds(c, &n, ctx, KISCRM_KPI_SCORE_START);
		kiscrm_query q = { n, c, 0 };
		manual_scan s = { ctx, ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT ? &set.ids : NULL, 0, 0 };
		rc = kc_db_scan(db, &kc_kpi_score_def, &q, manual_cb, &s);
		if (rc == 0 && s.n) {
			out->has_actual = 1;
			out->actual = s.sum / (double)s.n;
		}
	}
	kc_idmap_dispose(&set.ids);
	kc_idmap_dispose(&f.depts);
	return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Built-in metrics read from the other modules' reports                                 */

/* Runs @fn for the subject: a person with the owner filter grouped by owner, a department
 * with its filter grouped by department (its own row is the one with its name), the
 * company ungrouped (its TOTAL row when there is one). *row is -1 when the subject has
 * no row. @windowed: pass the window, else only as_of. */
static int subject_report(kiscrm_table **t, long *row, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			  kc_kpi_report_fn fn, int windowed)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int group = 0, rc;
	char *dname = NULL;

	*row = -1;
	o.as_of = ctx->as_of;
	if (windowed) {
		o.from = ctx->from;
		o.to = ctx->to;
	}
	if (ctx->scope == KISCRM_KPI_SCOPE_PERSON) {
		group = KISCRM_GROUP_OWNER;
		o.owner_id = ctx->staff_id;
	} else if (ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT) {
		group = KISCRM_GROUP_DEPARTMENT;
		o.department_id = ctx->department_id;
		kiscrm_record *d = NULL;
		if ((rc = kiscrm_record_get(&d, db, KISCRM_KIND_DEPARTMENT, ctx->department_id)))
			return rc;
		const char *name = kiscrm_record_text(d, KISCRM_DEPARTMENT_NAME);
		dname = name ? strdup(name) : NULL;
		kiscrm_record_free(d);
		if (!dname)
			return kc_error_oom();
	}
	if (group) {
		o.group_by = &group;
		o.ngroup = 1;
	}
	if ((rc = fn(t, db, &o))) {
		free(dname);
		return rc;
	}
	size_t nrows = kiscrm_table_row_count(*t);
	for (size_t i = 0; i < nrows; i++) {
		kiscrm_row_kind k = kiscrm_table_row_kind(*t, i);
		if (ctx->scope == KISCRM_KPI_SCOPE_COMPANY) {
			if (k == KISCRM_ROW_TOTAL || (*row < 0 && k == KISCRM_ROW_DETAIL))
				*row = (long)i;
			continue;
		}
		if (k != KISCRM_ROW_DETAIL)
			continue;
		if (dname) {
			const char *g = kiscrm_table_text(*t, i, 0);
			if (!g || strcmp(g, dname) != 0)
				continue;
		}
		*row = (long)i;
		break;
	}
	free(dname);
	return KISCRM_OK;
}

/* Reads RATE column @col of row @row of @t: has_actual stays 0 when NULL or absent (-1). */
int kc_kpi_read_rate(kiscrm_kpi_value *out, kiscrm_table *t, long row, const char *col)
{
	int c = kiscrm_table_column_index(t, col);
	if (c < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "report '%s' has no column '%s'", kiscrm_table_name(t), col);
	if (row >= 0 && !kiscrm_table_is_null(t, (size_t)row, (size_t)c)) {
		out->has_actual = 1;
		out->actual = kiscrm_table_rate(t, (size_t)row, (size_t)c);
	}
	return KISCRM_OK;
}

/* The RATE column @col of the subject's row of @fn's report. */
static int rate_metric(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, kc_kpi_report_fn fn,
		       int windowed, const char *col)
{
	kiscrm_table *t = NULL;
	long row;
	int rc = subject_report(&t, &row, db, ctx, fn, windowed);
	if (rc)
		return rc;
	rc = kc_kpi_read_rate(out, t, row, col);
	kiscrm_table_free(t);
	return rc;
}

static int m_qualification_rate(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
				void *user)
{
	(void)user;
	return rate_metric(out, db, ctx, kiscrm_report_qualification, 0, "rate");
}

static int m_win_rate(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	return rate_metric(out, db, ctx, kiscrm_report_win_rate, 1, "win_rate");
}

static int m_forecast_accuracy(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			       void *user)
{
	(void)user;
	return rate_metric(out, db, ctx, kiscrm_report_forecast_accuracy, 1, "contract_accuracy");
}

/* Sufficiency of row @row of a sufficiency table (-1: the subject has no row). */
int kc_kpi_read_sufficiency(kiscrm_kpi_value *out, kiscrm_table *t, long row)
{
	int cr = kiscrm_table_column_index(t, "ratio"), ct = kiscrm_table_column_index(t, "threshold");
	int crem = kiscrm_table_column_index(t, "remaining");
	if (cr < 0 || ct < 0 || crem < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "report 'sufficiency' lacks its ratio/threshold/remaining columns");
	if (row < 0)
		return KISCRM_OK;
	size_t r = (size_t)row;
	out->has_target = 1;
	out->target = kiscrm_table_rate(t, r, (size_t)ct);
	if (!kiscrm_table_is_null(t, r, (size_t)cr)) {
		out->has_actual = 1;
		out->actual = kiscrm_table_rate(t, r, (size_t)cr);
	} else if (!kiscrm_table_is_null(t, r, (size_t)crem)) {
		/* the target is already met: nothing remains to cover, sufficient by definition */
		out->has_actual = 1;
		out->actual = out->target;
		out->note = "target_met";
	} else {
		out->note = "no_target";
	}
	return KISCRM_OK;
}

static int m_sufficiency(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	kiscrm_table *t = NULL;
	long row;
	int rc = subject_report(&t, &row, db, ctx, kiscrm_report_sufficiency, 1);
	(void)user;
	if (rc)
		return rc;
	rc = kc_kpi_read_sufficiency(out, t, row);
	kiscrm_table_free(t);
	return rc;
}

/* Overdue amount of row @row of a receivables table; 0 when the row is -1. */
int kc_kpi_read_overdue(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_table *t, long row)
{
	int c = kiscrm_table_column_index(t, "overdue");
	if (c < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "report 'receivables' has no column 'overdue'");
	kc_kpi_set_money(out, db, row >= 0 ? kiscrm_table_int(t, (size_t)row, (size_t)c) : 0);
	return KISCRM_OK;
}

static int m_receivables_overdue(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
				 void *user)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t = NULL;
	int rc;
	(void)user;
	/* The TOTAL row of the filtered report is the subject's sum. */
	o.as_of = ctx->as_of;
	if (ctx->scope == KISCRM_KPI_SCOPE_PERSON)
		o.owner_id = ctx->staff_id;
	else if (ctx->scope == KISCRM_KPI_SCOPE_DEPARTMENT)
		o.department_id = ctx->department_id;
	int group = KISCRM_GROUP_OWNER;
	o.group_by = &group;
	o.ngroup = 1;
	if ((rc = kiscrm_report_receivables(&t, db, &o)))
		return rc;
	long total = -1;
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++)
		if (kiscrm_table_row_kind(t, i) == KISCRM_ROW_TOTAL)
			total = (long)i;
	rc = kc_kpi_read_overdue(out, db, t, total);
	kiscrm_table_free(t);
	return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Which built-in a metric is (for the population cache)                                 */

int kc_kpi_builtin_kind(const kiscrm_kpi_metric *m)
{
	static const struct {
		kiscrm_kpi_metric_fn fn;
		int kind;
	} kinds[] = {
		{ m_contract_amount, B_CONTRACT }, { m_target_completion, B_COMPLETION },
		{ m_collection_amount, B_COLLECTION }, { m_new_opportunities, B_NEW_OPP },
		{ m_sales_cycle, B_CYCLE }, { m_manual, B_MANUAL }, { m_qualification_rate, B_QUAL },
		{ m_win_rate, B_WIN }, { m_forecast_accuracy, B_ACCURACY }, { m_sufficiency, B_SUFF },
		{ m_receivables_overdue, B_RECV },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (m->compute == kinds[i].fn)
			return kinds[i].kind;
	return B_NONE;
}

/* ------------------------------------------------------------------------------------ */
/* The built-in metrics (the registry of all metrics is registry.c)                      */

#define M(key, zh, en, unit, target, fn) \
	{ KISCRM_KPI_METRIC_VERSION, key, zh, en, unit, target, fn, NULL }

static const kiscrm_kpi_metric builtin[] = {
	M("contract_amount", "合同额", "Contract amount", KISCRM_KPI_UNIT_MONEY, KISCRM_METRIC_CONTRACT_AMOUNT,
	  m_contract_amount),
	M("collection_amount", "回款额", "Collection amount", KISCRM_KPI_UNIT_MONEY,
	  KISCRM_METRIC_COLLECTION_AMOUNT, m_collection_amount),
	M("target_completion", "指标完成率", "Target completion rate", KISCRM_KPI_UNIT_RATIO, NULL,
	  m_target_completion),
	M("new_opportunities", "新增商机数", "New opportunities", KISCRM_KPI_UNIT_COUNT,
	  KISCRM_METRIC_OPPORTUNITIES_CREATED, m_new_opportunities),
	M("opportunity_sufficiency", "商机充足率", "Opportunity sufficiency ratio", KISCRM_KPI_UNIT_RATIO, NULL,
	  m_sufficiency),
	M("qualification_rate", "商机合格率", "Opportunity qualification rate", KISCRM_KPI_UNIT_RATIO, NULL,
	  m_qualification_rate),
	M("win_rate", "赢单率", "Win rate", KISCRM_KPI_UNIT_RATIO, NULL, m_win_rate),
	M("sales_cycle", "平均销售周期", "Average sales cycle", KISCRM_KPI_UNIT_DAYS, NULL, m_sales_cycle),
	M("forecast_accuracy", "预测准确率", "Forecast accuracy", KISCRM_KPI_UNIT_RATIO, NULL, m_forecast_accuracy),
	M("receivables_overdue", "逾期应收账款", "Overdue receivables", KISCRM_KPI_UNIT_MONEY, NULL,
	  m_receivables_overdue),
	M("manual", "人工评分", "Manual score", KISCRM_KPI_UNIT_SCORE, NULL, m_manual),
};

const kiscrm_kpi_metric *kc_kpi_builtin_metrics(size_t *n)
{
	*n = sizeof(builtin) / sizeof(builtin[0]);
	return builtin;
}

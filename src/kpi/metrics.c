/* The built-in metrics (one table below — a new built-in metric is one function and one
 * line; registry.c adds those registered at run time by later code).
 *
 * Simple metrics scan their records once for the subject (an indexed owner condition for
 * a person, a department subtree for a department). Metrics that other modules already
 * compute (sufficiency, qualification, win rate, forecast accuracy, receivables) call the
 * public report for the subject and read its row, so the numbers agree with the reports. */
#include "kpi/kpi_internal.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kpi/kinds.h"
#include "money_flow/kinds.h"
#include "pipeline/kinds.h"

#include <stdlib.h>
#include <string.h>

#include "analytics/report.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/str.h"
#include "core/options.h"
#include "core/map.h"
#include "kiscrm/budget.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "kiscrm/forecast.h"
#include "kiscrm/report.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/record.h"
#include "kiscrm/table.h"
#include "kiscrm/target.h"
#include "targets/lookup.h"
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

static kiscrm_value ival(int type, int64_t v)
{
	kiscrm_value x;
	x.type = type;
	x.u.i = v;
	return x;
}

static kiscrm_value tval(const char *s)
{
	kiscrm_value x;
	x.type = s ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL;
	x.u.s = s;
	return x;
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
		c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_EQ, ival(KISCRM_TYPE_INT, ctx->staff_id) };
}

static void window_conds(kiscrm_cond *c, int *n, const kiscrm_kpi_context *ctx, int field)
{
	c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_GE, ival(KISCRM_TYPE_DATE, ctx->from) };
	c[(*n)++] = (kiscrm_cond){ field, KISCRM_OP_LT, ival(KISCRM_TYPE_DATE, ctx->to) };
}

static void set_money(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_money v)
{
	out->has_actual = 1;
	out->actual_money = v;
	out->actual = kc_kpi_major(db, v);
}

static int add_money(kiscrm_money *sum, kiscrm_money v)
{
	if ((v > 0 && *sum > INT64_MAX - v) || (v < 0 && *sum < INT64_MIN - v))
		return kc_error_set(KISCRM_EOVERFLOW, "KPI amount overflows");
	*sum += v;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Decomposed targets                                                                    */

/* The target kinds to try for a window: the coarsest kind whose periods tile it exactly,
 * then finer ones; weeks always (a week belongs to the period its first day is in). */
static int tiles(kiscrm_db *db, const kiscrm_kpi_context *ctx, int period)
{
	const kiscrm_config *cfg = kiscrm_db_config(db);
	int ws = kiscrm_config_week_start(cfg), fy = kiscrm_config_fiscal_year_start(cfg);
	if (period == KISCRM_PERIOD_WEEK)
		return 1;
	return kiscrm_period_start(ctx->from, period, ws, fy) == ctx->from &&
	       kiscrm_period_start(ctx->to, period, ws, fy) == ctx->to;
}

static int target_at(kiscrm_db *db, const kiscrm_kpi_context *ctx, const char *metric, int period,
		     int *found, kiscrm_money *amount, int64_t *count)
{
	kc_dims d;
	int rc;
	memset(&d, 0, sizeof(d));
	*found = 0;
	switch (ctx->scope) {
	case KISCRM_KPI_SCOPE_PERSON:
		d.owner_id = ctx->staff_id;
		d.department_id = ctx->department_id;
		if ((rc = kc_target_sum(db, metric, period, ctx->from, ctx->to, KC_TLEVEL_OWNER, &d, amount,
					count, found)) || *found)
			return rc;
		return kc_target_sum(db, metric, period, ctx->from, ctx->to, KC_TLEVEL_DEPARTMENT | KC_TLEVEL_OWNER,
				     &d, amount, count, found);
	case KISCRM_KPI_SCOPE_DEPARTMENT:
		d.department_id = ctx->department_id;
		return kc_target_sum(db, metric, period, ctx->from, ctx->to, KC_TLEVEL_DEPARTMENT, &d, amount,
				     count, found);
	default:
		return kc_target_sum(db, metric, period, ctx->from, ctx->to, 0, NULL, amount, count, found);
	}
}

int kc_kpi_decomposed_target(kiscrm_db *db, const kiscrm_kpi_context *ctx, const char *target_metric,
			     int *found, kiscrm_money *amount, int64_t *count)
{
	static const int kinds[] = { KISCRM_PERIOD_YEAR, KISCRM_PERIOD_QUARTER, KISCRM_PERIOD_MONTH,
				     KISCRM_PERIOD_WEEK };
	*found = 0;
	*amount = 0;
	*count = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!tiles(db, ctx, kinds[i]))
			continue;
		kiscrm_money a = 0;
		int64_t c = 0;
		int rc = target_at(db, ctx, target_metric, kinds[i], found, &a, &c);
		if (rc)
			return rc;
		if (*found) {
			*amount = a;
			*count = c;
			return KISCRM_OK;
		}
	}
	return KISCRM_OK;
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
	return add_money(&s->sum, row[KC_FI(KISCRM_CONTRACT_AMOUNT)].u.i);
}

static int contract_sum(kiscrm_money *out, kiscrm_db *db, const kiscrm_kpi_context *ctx)
{
	subject_filter f;
	kiscrm_cond c[4];
	int n = 0, rc = filter_begin(&f, db, ctx);
	if (rc == 0) {
		owner_cond(c, &n, ctx, KISCRM_CONTRACT_OWNER_ID);
		window_conds(c, &n, ctx, KISCRM_CONTRACT_SIGNED);
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
		set_money(out, db, sum);
	return rc;
}

/* target_completion from the subject's contract sum. */
static int completion_of(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, kiscrm_money sum)
{
	kiscrm_money target = 0;
	int64_t count = 0;
	int found = 0;
	int rc = kc_kpi_decomposed_target(db, ctx, KISCRM_METRIC_CONTRACT_AMOUNT, &found, &target, &count);
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
	return rc ? rc : completion_of(out, db, ctx, sum);
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
	return add_money(&s->sum, row[KC_FI(KISCRM_COLLECTION_AMOUNT)].u.i);
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
		window_conds(c, &n, ctx, KISCRM_COLLECTION_RECEIVED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_COLLECTION_CONTRACT_ID) | KC_BIT(KISCRM_COLLECTION_AMOUNT) };
		sum_scan s = { &f, 0, 0, 0, 0, ctx->scope == KISCRM_KPI_SCOPE_COMPANY ? NULL : &set.ids };
		rc = kc_db_scan(db, &kc_collection_def, &q, collection_cb, &s);
		if (rc == 0)
			set_money(out, db, s.sum);
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
		window_conds(c, &n, ctx, KISCRM_OPPORTUNITY_CREATED);
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
		c[n++] = (kiscrm_cond){ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_EQ, tval("won") };
		window_conds(c, &n, ctx, KISCRM_OPPORTUNITY_CLOSED);
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
		c[n++] = (kiscrm_cond){ KISCRM_KPI_SCORE_INDICATOR, KISCRM_OP_EQ, tval(ctx->indicator) };
		window_conds(c, &n, ctx, KISCRM_KPI_SCORE_START);
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

typedef int (*report_fn)(kiscrm_table **, kiscrm_db *, const kiscrm_report_options *);

/* Runs @fn for the subject: a person with the owner filter grouped by owner, a department
 * with its filter grouped by department (its own row is the one with its name), the
 * company ungrouped (its TOTAL row when there is one). *row is -1 when the subject has
 * no row. @windowed: pass the window, else only as_of. */
static int subject_report(kiscrm_table **t, long *row, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			  report_fn fn, int windowed)
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
static int read_rate(kiscrm_kpi_value *out, kiscrm_table *t, long row, const char *col)
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
static int rate_metric(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, report_fn fn,
		       int windowed, const char *col)
{
	kiscrm_table *t = NULL;
	long row;
	int rc = subject_report(&t, &row, db, ctx, fn, windowed);
	if (rc)
		return rc;
	rc = read_rate(out, t, row, col);
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
static int read_sufficiency(kiscrm_kpi_value *out, kiscrm_table *t, long row)
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
	rc = read_sufficiency(out, t, row);
	kiscrm_table_free(t);
	return rc;
}

/* Overdue amount of row @row of a receivables table; 0 when the row is -1. */
static int read_overdue(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_table *t, long row)
{
	int c = kiscrm_table_column_index(t, "overdue");
	if (c < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "report 'receivables' has no column 'overdue'");
	set_money(out, db, row >= 0 ? kiscrm_table_int(t, (size_t)row, (size_t)c) : 0);
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
	rc = read_overdue(out, db, t, total);
	kiscrm_table_free(t);
	return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Per-run cache: built-in metrics computed once for the whole population                */

/* A scoring run asks for the same built-in metric for hundreds of subjects. Instead of a
 * scan (or a whole report run) per subject, the first request of a (metric, scope,
 * window) loads the population at once: one scan accumulating per owner, per department
 * and for the company, or one report run grouped by owner or department whose rows are
 * mapped back to ids by name. Whatever cannot be answered that way exactly (names shared
 * by two people, an amount overflowing, a department's manual scores whose average
 * depends on the order of addition) falls back to the metric's own per-subject function,
 * so the numbers are always those of kiscrm_kpi_metric_compute(). Values are memoised per
 * subject. Registered (user) metrics always run their own function. */

enum { B_CONTRACT, B_COMPLETION, B_COLLECTION, B_NEW_OPP, B_CYCLE, B_MANUAL, B_QUAL, B_WIN, B_ACCURACY,
       B_SUFF, B_RECV, B_NONE };

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

static int kind_of(const kiscrm_kpi_metric *m)
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
	b->c_owner[b->nc] = ival(row[KC_FI(KISCRM_CONTRACT_OWNER_ID)].type, row[KC_FI(KISCRM_CONTRACT_OWNER_ID)].u.i);
	b->c_dept[b->nc] = ival(row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)].type, row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)].u.i);
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
		window_conds(c, &n, &w, KISCRM_CONTRACT_SIGNED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_CONTRACT_AMOUNT) | KC_BIT(KISCRM_CONTRACT_APPROVAL) |
					       KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) | KC_BIT(KISCRM_CONTRACT_OWNER_ID) };
		return kc_db_scan(db, &kc_contract_def, &q, bulk_contract_cb, &b);
	}
	case S_COLLECTION: {
		kiscrm_query qc = { 0, NULL,
				    1u | KC_BIT(KISCRM_CONTRACT_DEPARTMENT_ID) | KC_BIT(KISCRM_CONTRACT_OWNER_ID) };
		rc = kc_db_scan(db, &kc_contract_def, &qc, bulk_contract_id_cb, &b);
		if (rc == 0) {
			window_conds(c, &n, &w, KISCRM_COLLECTION_RECEIVED);
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
		window_conds(c, &n, &w, KISCRM_OPPORTUNITY_CREATED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) |
					       KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) };
		return kc_db_scan(db, &kc_opportunity_def, &q, bulk_opp_cb, &b);
	}
	case S_CYCLE: {
		c[n++] = (kiscrm_cond){ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_EQ, tval("won") };
		window_conds(c, &n, &w, KISCRM_OPPORTUNITY_CLOSED);
		kiscrm_query q = { n, c, 1u | KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) |
					       KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) | KC_BIT(KISCRM_OPPORTUNITY_CREATED) |
					       KC_BIT(KISCRM_OPPORTUNITY_CLOSED) };
		return kc_db_scan(db, &kc_opportunity_def, &q, bulk_cycle_cb, &b);
	}
	default: {
		c[n++] = (kiscrm_cond){ KISCRM_KPI_SCORE_INDICATOR, KISCRM_OP_EQ, tval(s->indicator) };
		window_conds(c, &n, &w, KISCRM_KPI_SCORE_START);
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
static int load_report(entry *e, kiscrm_db *db, report_fn fn, int windowed)
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
		case B_COLLECTION: set_money(out, db, a.sum); return KISCRM_OK;
		case B_COMPLETION: return completion_of(out, db, ctx, a.sum);
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
	case B_QUAL: return read_rate(out, e->t, row, "rate");
	case B_WIN: return read_rate(out, e->t, row, "win_rate");
	case B_ACCURACY: return read_rate(out, e->t, row, "contract_accuracy");
	case B_SUFF: return read_sufficiency(out, e->t, row);
	default: return read_overdue(out, db, e->t, row);
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
	int kind = kind_of(m), fallback = 1, rc;
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

/* Gap analysis (差额), §9 of the domain, on the engine of forecast_internal.h: the money
 * gap with its strategy hint, and the count targets measured through the KPI metric
 * registry. The rules choosing the strategy are documented in kiscrm/forecast.h. The
 * window and the end it shares with the sufficiency report are in sufficiency.c. */
#include "forecast_internal.h"
#include "core/error.h"
#include "kiscrm/date.h"
#include "kiscrm/table.h"
#include "kiscrm/sys/kpi_metric.h"
#include "kiscrm/org.h"
#include "core/field.h"
#include "core/map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *code, *zh, *en;
} strategies[] = {
	{ "on_track", "加权商机已覆盖目标，保持节奏",
	  "The weighted pipeline covers the target: keep the pace" },
	{ "staffing", "差额超过目标一半且全部商机赢单也不够：补充销售人员",
	  "Gap above half the target, not covered even by the whole pipeline: add sales staff" },
	{ "more_opportunities", "全部商机赢单也完不成目标：增加商机（网格化营销、市场活动、电话营销、老客户二次销售）",
	  "Even winning every open opportunity misses the target: generate more opportunities "
	  "(grid marketing, market activities, telemarketing, resale to existing customers)" },
	{ "partner_support", "商机偏少、所需赢率过高：争取伙伴与厂商支持",
	  "Pipeline too thin for a realistic win rate: get second-tier partner and vendor support" },
	{ "process_resources", "商机充足但预期转化不足：调整销售流程与资源（售前支持、重点项目总经理介入）",
	  "Ample pipeline but too little expected to convert: adjust the sales process and resources "
	  "(presales support, manager attention on key projects)" },
};

enum { S_ON_TRACK, S_STAFFING, S_MORE, S_PARTNER, S_PROCESS };

static int strategy_of(kiscrm_money target, kiscrm_money achieved, kiscrm_money gap, kiscrm_money pipeline,
		       double threshold)
{
	if (gap <= 0)
		return S_ON_TRACK;
	/* in double: the comparisons only choose a hint, the amounts stay exact */
	double t = (double)target, a = (double)achieved, p = (double)pipeline, g = (double)gap;
	if (a + p < t)
		return g * 2 > t ? S_STAFFING : S_MORE;
	if (p < threshold * (t - a))
		return S_PARTNER;
	return S_PROCESS;
}

/* The KPI subject of group @g for the count targets: the company, the person or the
 * department (kc_report_group_subject); 0 for other groupings. */
static int subject_of(const kc_fc *fc, size_t g, kiscrm_kpi_context *ctx)
{
	const kc_report *r = &fc->r;
	int dim;
	kiscrm_id id;
	memset(ctx, 0, sizeof(*ctx));
	ctx->version = KISCRM_KPI_CONTEXT_VERSION;
	ctx->from = r->from;
	ctx->to = r->to;
	ctx->period = r->o.period;
	ctx->as_of = r->as_of < r->to - 1 ? r->as_of : r->to - 1;
	if (!kc_report_group_subject(r, g, &dim, &id))
		return 0;
	ctx->scope = dim == KISCRM_GROUP_OWNER        ? KISCRM_KPI_SCOPE_PERSON
		     : dim == KISCRM_GROUP_DEPARTMENT ? KISCRM_KPI_SCOPE_DEPARTMENT
						      : KISCRM_KPI_SCOPE_COMPANY;
	ctx->staff_id = dim == KISCRM_GROUP_OWNER ? id : 0;
	ctx->department_id = dim == KISCRM_GROUP_DEPARTMENT ? id : 0;
	return 1;
}

/* A count target (visits, new customers) of group @g at column @col: target, achieved
 * (measured by the KPI metric of the registry for the group's person, department or the
 * company) and gap; nothing without a target. */
static int count_gap(kc_fc *fc, kiscrm_table *t, size_t row, size_t g, int which, const char *metric,
		     int period, size_t col)
{
	int64_t target = 0;
	kiscrm_kpi_context ctx;
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	if (!kc_fc_target_of(fc, g, which, period, &target))
		return KISCRM_OK;
	int rc = kc_cell_int(t, row, col, target);
	if (rc || !subject_of(fc, g, &ctx))
		return rc;
	if ((rc = kiscrm_kpi_metric_compute(&v, fc->r.db, metric, &ctx)) != 0 || !v.has_actual)
		return rc;
	int64_t actual = (int64_t)(v.actual + 0.5);
	if ((rc = kc_cell_int(t, row, col + 1, actual)) == 0)
		rc = kc_cell_int(t, row, col + 2, target - actual);
	return rc;
}

/* Active staff per department (company: all), for collections per head (人均收款). */
typedef struct staff_count {
	kc_idmap by_dept;
	int64_t all;
} staff_count;

static int staff_cb(void *payload, const kiscrm_value *row)
{
	staff_count *s = payload;
	if (kc_val_int(&row[KC_FI(KISCRM_STAFF_ACTIVE)], 1) == 0)
		return 0;
	kiscrm_id dept = kc_val_int(&row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)], 0);
	size_t n = 0;
	kc_idmap_get(&s->by_dept, dept, &n);
	s->all++;
	return kc_idmap_put(&s->by_dept, dept, n + 1);
}

/* heads and collected ÷ heads at @col: one for a person, the active staff of a department
 * (its own) or of the company; nothing for other groupings. */
static int per_head(const kc_fc *fc, const staff_count *staff, kiscrm_table *t, size_t row, size_t g,
		    kiscrm_money collected, size_t col)
{
	int dim;
	kiscrm_id id;
	size_t n = 0;
	if (!kc_report_group_subject(&fc->r, g, &dim, &id))
		return KISCRM_OK;
	int64_t heads = staff->all;
	if (dim == KISCRM_GROUP_OWNER)
		heads = 1;
	else if (dim == KISCRM_GROUP_DEPARTMENT)
		heads = kc_idmap_get(&staff->by_dept, id, &n) ? (int64_t)n : 0;
	int rc = kc_cell_int(t, row, col, heads);
	if (rc == 0 && heads > 0)
		rc = kc_cell_int(t, row, col + 1, collected / heads); /* truncated to the minor unit */
	return rc;
}

/* The make-up levers (业绩补差) for a gap, comma-separated keys: the strategy's lever,
 * analysis (分析) when key projects were won or lost in the window — their win/loss
 * analysis is the manual's lever — and acceleration (加快) when deals expected just after
 * the window could be pulled in. */
static int levers(kiscrm_table *t, size_t row, size_t col, int strategy, int analyse, int accelerate)
{
	const char *keys[3];
	size_t n = 0;
	if (strategy != S_ON_TRACK)
		keys[n++] = strategies[strategy].code;
	if (analyse)
		keys[n++] = "analysis";
	if (accelerate)
		keys[n++] = "acceleration";
	if (n == 0)
		return KISCRM_OK;
	char text[96];
	snprintf(text, sizeof(text), "%s%s%s%s%s", keys[0], n > 1 ? "," : "", n > 1 ? keys[1] : "", n > 2 ? "," : "",
		 n > 2 ? keys[2] : "");
	return kc_cell_text(t, row, col, text);
}

static int gap_rows(kc_fc *fc, kiscrm_table *t, const size_t *order, int period)
{
	size_t base = fc->r.o.ngroup;
	int zh = kc_fc_zh(fc), rc = 0;
	double threshold = kc_fc_threshold(fc);
	staff_count staff;
	memset(&staff, 0, sizeof(staff));
	rc = kc_db_scan(fc->r.db, kc_db_def(fc->r.db, KISCRM_KIND_STAFF), NULL, staff_cb, &staff);
	for (size_t i = 0; rc == 0 && i < fc->r.ngroups; i++) {
		size_t g = order[i], row;
		const kc_fc_cell *c = kc_fc_cell_at(fc, g, 0);
		kiscrm_money target = 0, ctarget = 0;
		int has = kc_fc_target_of(fc, g, KC_FC_CONTRACTS, period, &target);
		int chas = kc_fc_target_of(fc, g, KC_FC_COLLECTIONS, period, &ctarget);
		if ((rc = kc_report_add_row(&fc->r, t, g, KISCRM_ROW_DETAIL, &row)) ||
		    (rc = kc_cell_int(t, row, base + 1, c->closed)) ||
		    (rc = kc_cell_int(t, row, base + 2, c->weighted)) ||
		    (rc = kc_cell_int(t, row, base + 4, c->open)) ||
		    (rc = kc_cell_int(t, row, base + 8, c->collected)))
			break;
		if (has) {
			kiscrm_money gap = target;
			if ((rc = kc_fc_add(&gap, -c->closed, "gap")) || (rc = kc_fc_add(&gap, -c->weighted, "gap")))
				break;
			int s = strategy_of(target, c->closed, gap, c->open, threshold);
			if ((rc = kc_cell_int(t, row, base, target)) || (rc = kc_cell_int(t, row, base + 3, gap)) ||
			    (rc = kc_cell_text(t, row, base + 5, strategies[s].code)) ||
			    (rc = kc_cell_text(t, row, base + 6, zh ? strategies[s].zh : strategies[s].en)) ||
			    (rc = levers(t, row, base + 20, s, gap > 0 && c->key_decided > 0, gap > 0 && c->accel > 0)))
				break;
		}
		if (chas) {
			kiscrm_money cgap = ctarget;
			if ((rc = kc_fc_add(&cgap, -c->collected, "collection gap")) ||
			    (rc = kc_cell_int(t, row, base + 7, ctarget)) || (rc = kc_cell_int(t, row, base + 9, cgap)))
				break;
		}
		if ((rc = count_gap(fc, t, row, g, KC_FC_VISITS, "visits", period, base + 10)) ||
		    (rc = count_gap(fc, t, row, g, KC_FC_NEW_CUSTOMERS, "new_customers", period, base + 13)) ||
		    (rc = kc_cell_int(t, row, base + 16, c->accel_count)) || (rc = kc_cell_int(t, row, base + 17, c->accel)) ||
		    (rc = per_head(fc, &staff, t, row, g, c->collected, base + 18)))
			break;
	}
	kc_idmap_dispose(&staff.by_dept);
	return rc;
}

int kiscrm_report_gap(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"target:money", "achieved:money", "expected:money", "gap:money", "pipeline:money",
		"strategy:text", "strategy_text:text", "collection_target:money", "collected:money",
		"collection_gap:money", "visits_target:int", "visits:int", "visits_gap:int",
		"new_customers_target:int", "new_customers:int", "new_customers_gap:int", "accelerable_count:int",
		"accelerable:money", "heads:int", "collected_per_head:money", "levers:text", NULL,
	};
	kc_fc fc;
	int period = 0;
	int rc = kc_gap_begin(&fc, out, db, opts, 1, &period);
	if (rc)
		return rc;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	if ((rc = kc_report_table(&fc.r, &t, "gap")) == 0 && (rc = kc_add_columns(t, cols)) == 0 &&
	    (rc = kc_report_sorted(&fc.r, &order)) == 0)
		rc = gap_rows(&fc, t, order, period);
	return kc_gap_finish(&fc, t, order, rc, out);
}



/* The weekly meeting pack (周例会, DOMAIN §19): what a general manager goes through on
 * Monday morning — the rolling budget by department, the next eight weeks against the
 * weekly targets, each person's quarter gap and pipeline sufficiency, the funnel and its
 * diagnosis, then the lists of weekly_lists.c and the KPI ranking. */
#include "packs/pack.h"

#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int rolling_budget(kc_pack *p)
{
	static const kc_colmap cols[] = {
		{ "department", "部门", "Department", 0 },
		{ "pw_contract_plan", "上周计划签约", "Last wk plan", 0 },
		{ "pw_contract_actual", "上周实际签约", "Last wk signed", 0 },
		{ "pw_contract_rate", "完成率", "Rate", 0 },
		{ "pw_collection_plan", "上周计划回款", "Last wk coll. plan", 0 },
		{ "pw_collection_actual", "上周实际回款", "Last wk collected", 0 },
		{ "pw_collection_rate", "回款完成率", "Coll. rate", 0 },
		{ "total_contract", "八周签约", "8 wk contracts", 0 },
		{ "total_weighted", "八周加权签约", "8 wk weighted", 0 },
		{ "total_collection", "八周回款", "8 wk collections", 0 },
	};
	int group[] = { KISCRM_GROUP_DEPARTMENT };
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s;
	int rc = kc_pack_section(p, "八周滚动预算（按部门）", "Eight-week rolling budget by department", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, group, 1, 0);
	if ((rc = kc_pack_run(p, s, &t, "rolling-budget", &o)) != 0)
		return rc < 0 ? rc : 0;
	size_t projects = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		projects += kiscrm_table_row_kind(t, r) == KISCRM_ROW_DETAIL;
	kc_extract x = { cols, N(cols), kc_pack_not_detail, NULL, NULL, 0, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	if (!rc)
		rc = kc_doc_note(p->doc, s,
				 KC_T(p, "在表项目 %zu 个（明细：kiscrm report rolling-budget --by department）",
				      "%zu projects in the table (details: kiscrm report rolling-budget --by department)"),
				 projects);
	return rc < 0 ? rc : 0;
}

/* Row of week @week of metric @metric in the rolling-gap report, or -1. */
static long gap_row(const kiscrm_table *t, const char *metric, int64_t week)
{
	int m = kiscrm_table_column_index(t, "metric"), w = kiscrm_table_column_index(t, "week");
	for (size_t r = 0; m >= 0 && w >= 0 && r < kiscrm_table_row_count(t); r++) {
		const char *s = kiscrm_table_text(t, r, (size_t)m);
		if (s && strcmp(s, metric) == 0 && kiscrm_table_int(t, r, (size_t)w) == week)
			return (long)r;
	}
	return -1;
}

/* Contracts and collections of the next eight weeks side by side, one row per week: the
 * chart draws the expected amounts as bars against the weekly targets as lines. */
static const kc_colmap gap_cols[] = {
	{ "week", "周", "Week", 0 },
	{ "week_start", "周一", "Starts", 0 },
	{ "c_target", "签约目标", "Contract target", 0 },
	{ "c_expected", "预计签约", "Contracts expected", 0 },
	{ "c_weighted", "加权签约", "Weighted", 0 },
	{ "c_gap", "签约缺口", "Contract gap", KC_F_GAP },
	{ "k_target", "回款目标", "Collection target", 0 },
	{ "k_expected", "预计回款", "Collections expected", 0 },
	{ "k_gap", "回款缺口", "Collection gap", KC_F_GAP },
};

static int eight_weeks_table(kc_pack *p, kiscrm_table **out, const kiscrm_table *t)
{
	/* source: metric of the row, column */
	static const struct {
		const char *metric, *col;
	} src[] = {
		{ "contract_amount", "week" },	       { "contract_amount", "week_start" },
		{ "contract_amount", "target" },       { "contract_amount", "expected" },
		{ "contract_amount", "weighted" },     { "contract_amount", "gap" },
		{ "collection_amount", "target" },     { "collection_amount", "expected" },
		{ "collection_amount", "gap" },
	};
	kiscrm_table *x = NULL;
	int rc = kiscrm_table_new(&x, "rolling-gap");
	if (!rc)
		rc = kiscrm_table_set_money_decimals(x, p->decimals);
	for (size_t c = 0; !rc && c < N(src); c++) {
		int k = kiscrm_table_column_index(t, src[c].col);
		rc = k < 0 ? kc_error_set(KISCRM_ENOTFOUND, "rolling-gap has no column '%s'", src[c].col)
			   : kiscrm_table_add_column(x, KC_T(p, gap_cols[c].zh, gap_cols[c].en),
						     kiscrm_table_column_type(t, (size_t)k));
	}
	for (int64_t week = 1; !rc && gap_row(t, "contract_amount", week) >= 0; week++) {
		int row = kiscrm_table_add_row(x, KISCRM_ROW_DETAIL);
		rc = row < 0 ? row : 0;
		for (size_t c = 0; !rc && c < N(src); c++) {
			long r = gap_row(t, src[c].metric, week);
			if (r >= 0)
				rc = kc_pack_copy_cell(x, (size_t)row, c, t, (size_t)r,
						       (size_t)kiscrm_table_column_index(t, src[c].col));
		}
	}
	if (rc) {
		kiscrm_table_free(x);
		return rc;
	}
	*out = x;
	return KISCRM_OK;
}

static int eight_weeks(kc_pack *p)
{
	kiscrm_report_options o;
	kiscrm_table *t, *x = NULL;
	size_t s;
	int rc = kc_pack_section(p, "未来八周签约与回款（对比周目标；缺口 = 周目标 − 预计）",
				 "Next eight weeks: contracts and collections against the weekly targets (gap = target − expected)",
				 &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, 0);
	if ((rc = kc_pack_run(p, s, &t, "rolling-gap", &o)) != 0)
		return rc < 0 ? rc : 0;
	rc = eight_weeks_table(p, &x, t);
	kiscrm_table_free(t);
	if (rc < 0)
		return kc_pack_fail(p, s, "rolling-gap", rc) < 0 ? rc : 0;
	if ((rc = kc_doc_set_table(p->doc, s, x)) < 0)
		return rc;
	kc_doc_set_format(p->doc, s, KC_T(p, "签约缺口", "Contract gap"), KISCRM_DOC_GAP);
	kc_doc_set_format(p->doc, s, KC_T(p, "回款缺口", "Collection gap"), KISCRM_DOC_GAP);
	static const char *const series[] = { "c_expected", "k_expected", "c_target", "k_target" };
	kc_pack_chart(p, s, KISCRM_CHART_BAR, gap_cols, N(gap_cols), "week_start", series, 4, "0011");
	return 0;
}

/* Terminal stages (won, lost) and the open sub-total close the funnel as summary rows, so
 * that the chart draws the working stages only. */
static kiscrm_row_kind funnel_kind(const kc_pack *p, const kiscrm_table *t, size_t r)
{
	int st = kiscrm_table_column_index(t, "stage");
	const char *key = st >= 0 ? kiscrm_table_text(t, r, (size_t)st) : NULL;
	int i = key ? kiscrm_config_stage_find(p->cfg, 0, key) : -1;
	if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL || (i >= 0 && kiscrm_config_stage_terminal(p->cfg, 0, (size_t)i)))
		return KISCRM_ROW_SUBTOTAL;
	return KISCRM_ROW_DETAIL;
}

static int funnel_summary(kc_pack *p, size_t s, const kiscrm_table *t)
{
	int wr = kiscrm_table_column_index(t, "win_rate"), cy = kiscrm_table_column_index(t, "cycle_days"),
	    ve = kiscrm_table_column_index(t, "velocity");
	for (size_t r = 0; wr >= 0 && cy >= 0 && ve >= 0 && r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_SUBTOTAL)
			continue;
		char v[48] = "-";
		if (!kiscrm_table_is_null(t, r, (size_t)ve))
			kc_pack_money(p, v, sizeof(v), kiscrm_table_int(t, r, (size_t)ve));
		int rc = kc_doc_note(p->doc, s,
				     KC_T(p, "赢单率 %.1f%%，平均销售周期 %.0f 天，销售速度 %s /天",
					  "Win rate %.1f%%, average sales cycle %.0f days, velocity %s a day"),
				     kiscrm_table_rate(t, r, (size_t)wr) * 100, kiscrm_table_rate(t, r, (size_t)cy), v);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int funnel(kc_pack *p)
{
	static const kc_colmap cols[] = {
		{ "stage_name", "阶段", "Stage", 0 },
		{ "count", "数量", "Count", 0 },
		{ "amount", "金额", "Amount", 0 },
		{ "entered", "进入", "Entered", 0 },
		{ "conversion", "转化率", "Conversion", 0 },
		{ "avg_days", "平均停留天数", "Avg days", KC_F_PLAIN },
	};
	static const kc_colmap dcols[] = {
		{ "department", "部门", "Department", 0 }, { "code", "诊断", "Diagnosis", 0 },
		{ "stage", "阶段", "Stage", 0 },	    { "open_count", "在途", "Open", 0 },
		{ "remedy_zh", "对策", "Remedy", 0 },
	};
	static const kc_colmap dcols_en[] = {
		{ "department", "部门", "Department", 0 }, { "code", "诊断", "Diagnosis", 0 },
		{ "stage", "阶段", "Stage", 0 },	    { "open_count", "在途", "Open", 0 },
		{ "remedy_en", "对策", "Remedy", 0 },
	};
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s;
	int rc = kc_pack_section(p, "销售漏斗（默认流程，本季度成交）", "Sales funnel (default pipeline, closes this quarter)", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, KISCRM_PERIOD_QUARTER);
	if ((rc = kc_pack_run(p, s, &t, "funnel", &o)) < 0)
		return rc;
	if (rc == 0) {
		kc_extract x = { cols, N(cols), NULL, NULL, NULL, 0, funnel_kind };
		rc = kc_pack_table(p, s, t, &x);
		if (!rc)
			rc = funnel_summary(p, s, t);
		static const char *const series[] = { "entered" };
		kc_pack_chart(p, s, KISCRM_CHART_FUNNEL, cols, N(cols), "stage_name", series, 1, NULL);
		kiscrm_table_free(t);
		if (rc < 0)
			return rc;
	}

	int group[] = { KISCRM_GROUP_DEPARTMENT };
	if ((rc = kc_pack_section(p, "漏斗形状诊断（按部门）", "Funnel shape diagnosis by department", &s)) < 0)
		return rc;
	kc_pack_options(p, &o, group, 1, KISCRM_PERIOD_QUARTER);
	if ((rc = kc_pack_run(p, s, &t, "funnel-diagnosis", &o)) != 0)
		return rc < 0 ? rc : 0;
	kc_extract x = { p->zh ? dcols : dcols_en, N(dcols), NULL, NULL, NULL, 0, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	return rc < 0 ? rc : 0;
}

int kc_pack_weekly(kc_pack *p)
{
	int (*const sections[])(kc_pack *) = {
		rolling_budget, eight_weeks, kc_pack_gap_by_person, funnel, kc_pack_won_lost, kc_pack_changes,
		kc_pack_receivables, kc_pack_care_overdue, kc_pack_service,
	};
	for (size_t i = 0; i < N(sections); i++) {
		int rc = sections[i](p);
		if (rc < 0)
			return rc;
	}
	int rc = kc_pack_kpi_ranking(p, KISCRM_PERIOD_MONTH);
	return rc < 0 ? rc : 0;
}

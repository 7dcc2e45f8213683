/* The monthly (月度总结会) and quarterly (季度总结会) packs of DOMAIN §19: targets against
 * actual by dimension, the KPI scorecards and ranking, ABC value-class and lifecycle
 * movements, market-activity returns, key-account care by person and the open work and
 * problem lists — each over the month or fiscal quarter containing the pack's date. The
 * quarterly pack adds the gap and sufficiency by person. */
#include "packs/pack.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Keeps the report's own row kinds (a person's KPI total stands apart from the detail). */
static kiscrm_row_kind own_kind(const kc_pack *p, const kiscrm_table *t, size_t r)
{
	(void)p;
	return kiscrm_table_row_kind(t, r);
}

static int not_subtotal(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	return kiscrm_table_row_kind(t, row) != KISCRM_ROW_SUBTOTAL;
}

/* The targets of exactly this period (not the weeks or months inside it). */
static int period_is(const kiscrm_table *t, size_t row, const void *arg)
{
	const char *want[] = { "period", arg };
	return kc_pack_text_is(t, row, want);
}

/* A section over one report run for the period, cut down to @cols. */
static int section(kc_pack *p, int period, const char *zh, const char *en, const char *report,
		   const kc_extract *x, size_t *s)
{
	kiscrm_report_options o;
	kiscrm_table *t;
	int rc = kc_pack_section(p, zh, en, s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, period);
	if ((rc = kc_pack_run(p, *s, &t, report, &o)) != 0)
		return rc;
	rc = kc_pack_table(p, *s, t, x);
	kiscrm_table_free(t);
	if (!rc)
		rc = kc_pack_none_if_empty(p, *s);
	return rc;
}

static int targets(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "metric", "指标", "Metric", 0 },
		{ "department", "部门", "Department", 0 },
		{ "owner", "人员", "Person", 0 },
		{ "business_line", "业务线", "Business line", 0 },
		{ "product_line", "产品线", "Product line", 0 },
		{ "amount", "目标", "Target", 0 },
		{ "actual_amount", "实际", "Actual", 0 },
		{ "gap_amount", "缺口", "Gap", KC_F_GAP },
		{ "count", "目标数", "Target (count)", 0 },
		{ "actual_count", "实际数", "Actual (count)", 0 },
		{ "completion", "完成率", "Completion", 0 },
	};
	size_t s;
	kc_extract x = { cols, N(cols), period_is, period == KISCRM_PERIOD_MONTH ? "month" : "quarter", NULL, 0, NULL };
	int rc = section(p, period, "目标与实际（按维度）", "Targets against actual by dimension", "targets", &x, &s);
	if (rc == 0)
		rc = kc_doc_note(p->doc, s, "%s",
				 KC_T(p, "部门、人员均空的行是公司目标；完成率 = 实际 ÷ 目标。",
				      "Rows without department and person are the company's targets; completion = actual ÷ target."));
	return rc < 0 ? rc : 0;
}

static int kpi_scorecards(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "name", "姓名", "Name", 0 },
		{ "indicator_name", "指标", "Indicator", 0 },
		{ "actual", "实际", "Actual", KC_F_PLAIN },
		{ "target", "目标", "Target", KC_F_PLAIN },
		{ "ratio", "达成率", "Achieved", KC_F_PERCENT },
		{ "weight", "权重", "Weight", 0 },
		{ "weighted_score", "加权得分", "Weighted score", KC_F_PLAIN },
		{ "total", "总分", "Total", KC_F_PLAIN },
		{ "grade", "等级", "Grade", 0 },
	};
	size_t s;
	kc_extract x = { cols, N(cols), NULL, NULL, NULL, 0, own_kind };
	int rc = section(p, period, "KPI 计分卡", "KPI scorecards", "kpi", &x, &s);
	return rc < 0 ? rc : 0;
}

static int movements(kc_pack *p, int period)
{
	static const kc_colmap vcols[] = {
		{ "customer", "客户", "Customer", 0 },	     { "from_class", "原等级", "From", 0 },
		{ "from_as_of", "原评定日", "Classed", 0 }, { "to_class", "新等级", "To", 0 },
		{ "to_as_of", "新评定日", "Reclassed", 0 },
	};
	static const kc_colmap lcols[] = {
		{ "customer", "客户", "Customer", 0 },
		{ "from_stage", "原阶段", "From", 0 },
		{ "to_stage", "新阶段", "To", 0 },
		{ "since", "起始", "Since", 0 },
	};
	size_t s;
	kc_extract v = { vcols, N(vcols), NULL, NULL, NULL, 0, NULL };
	int rc = section(p, period, "客户价值 ABC 等级变动", "ABC value-class movements", "value-movements", &v, &s);
	if (rc < 0)
		return rc;
	kc_extract l = { lcols, N(lcols), NULL, NULL, NULL, 0, NULL };
	rc = section(p, period, "客户生命周期变动", "Customer lifecycle movements", "lifecycle-movements", &l, &s);
	return rc < 0 ? rc : 0;
}

static int campaigns(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "campaign", "市场活动", "Activity", 0 }, { "type_name", "类型", "Type", 0 },
		{ "start", "开始", "Start", 0 },	   { "cost", "费用", "Cost", 0 },
		{ "leads", "线索", "Leads", 0 },	   { "opportunities", "商机", "Opportunities", 0 },
		{ "won_count", "赢单数", "Won", 0 },	   { "pipeline", "在途金额", "Pipeline", 0 },
		{ "won", "赢单金额", "Won amount", 0 },	   { "roi", "回报率", "ROI", 0 },
	};
	size_t s;
	kc_extract x = { cols, N(cols), not_subtotal, NULL, NULL, 0, NULL };
	int rc = section(p, period, "市场活动回报", "Market-activity returns", "campaign-roi", &x, &s);
	if (rc == 0)
		rc = kc_doc_note(p->doc, s, "%s",
				 KC_T(p, "回报率 = （赢单金额 − 费用）÷ 费用。", "ROI = (won − cost) ÷ cost."));
	return rc < 0 ? rc : 0;
}

static int care(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "responsible", "责任人", "Responsible", 0 }, { "rule_name", "关怀事项", "Care", 0 },
		{ "accounts", "客户数", "Accounts", 0 },	    { "required", "应做", "Required", 0 },
		{ "done", "已做", "Done", 0 },		    { "missing", "欠缺", "Missing", 0 },
		{ "rate", "完成率", "Rate", 0 },
	};
	size_t s;
	kc_extract x = { cols, N(cols), NULL, NULL, NULL, 0, own_kind };
	int rc = section(p, period, "重点客户关怀完成情况（按责任人）", "Key-account care by responsible person",
			 "care-people", &x, &s);
	return rc < 0 ? rc : 0;
}

static int work_lists(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "list", "清单", "List", 0 },		  { "title", "事项", "Item", 0 },
		{ "owner", "负责人", "Owner", 0 },	  { "due", "期限", "Due", 0 },
		{ "status", "状态", "Status", 0 },	  { "days_overdue", "逾期天数", "Days overdue", 0 },
		{ "measures", "措施数", "Measures", 0 }, { "last_measure", "最近措施", "Last measure", 0 },
	};
	size_t s;
	kc_extract x = { cols, N(cols), NULL, NULL, NULL, 0, NULL };
	int rc = section(p, period, "工作清单与问题清单（未完成）", "Open work and problem lists", "work-review", &x, &s);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	const kiscrm_table *t = p->doc->sections[s].table;
	size_t items = kiscrm_table_row_count(t), late = 0;
	int d = kiscrm_table_column_index(t, KC_T(p, "逾期天数", "Days overdue"));
	for (size_t r = 0; d >= 0 && r < items; r++)
		late += kiscrm_table_int(t, r, (size_t)d) > 0;
	rc = items ? kc_doc_note(p->doc, s, KC_T(p, "未完成 %zu 项，其中逾期 %zu 项", "%zu open items, %zu of them overdue"),
				 items, late)
		   : 0;
	return rc < 0 ? rc : 0;
}

int kc_pack_periodic(kc_pack *p, int period)
{
	int (*const sections[])(kc_pack *, int) = { targets, kpi_scorecards, kc_pack_kpi_ranking, movements,
						    campaigns, care, work_lists };
	if (period == KISCRM_PERIOD_QUARTER) {
		int rc = kc_pack_gap_by_person(p);
		if (rc < 0)
			return rc;
	}
	for (size_t i = 0; i < N(sections); i++) {
		int rc = sections[i](p, period);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Cutting a report down to what a meeting reads: chosen columns under display names,
 * chosen rows, codes translated. */
#include "packs/pack.h"
#include "core/buf.h"

#include <stdio.h>
#include <string.h>

typedef struct textmap {
	const char *key, *zh, *en;
} textmap;

static const textmap codes[] = {
	{ "contract_amount", "签约", "contracts" },
	{ "collection_amount", "回款", "collections" },
	{ "opportunities_created", "新增商机", "new opportunities" },
	{ "new_opportunities", "新增商机", "new opportunities" },
	{ "visits", "拜访", "visits" },
	{ "new_customers", "新客户", "new customers" },
	{ "healthy", "健康", "healthy" },
	{ "thin_top", "前端不足", "thin top" },
	{ "bottleneck", "阶段堵塞", "bottleneck" },
	{ "fat_top_thin_bottom", "头重脚轻", "fat top, thin bottom" },
	{ "bottom_heavy", "后端堆积", "bottom heavy" },
	{ "won", "赢单", "won" },
	{ "lost", "输单", "lost" },
	{ "abandoned", "放弃", "abandoned" },
	{ "new", "新增", "new" },
	{ "on_track", "保持节奏", "on track" },
	{ "staffing", "补充人员", "add sales staff" },
	{ "more_opportunities", "增加商机", "more opportunities" },
	{ "partner_support", "伙伴与厂商支持", "partner and vendor support" },
	{ "process_resources", "调整流程与资源", "adjust process and resources" },
	{ "slipped", "延期", "slipped" },
	{ "pulled_in", "提前", "pulled in" },
	{ "amount_changed", "金额变化", "amount changed" },
	{ "removed", "移出", "removed" },
	{ "settled", "已结清", "settled" },
	{ "overdue", "逾期", "overdue" },
	{ "due", "待办", "due" },
	{ "open", "未处理", "open" },
	{ "in_progress", "进行中", "in progress" },
	{ "waiting", "等待客户", "waiting" },
	{ "resolved", "已解决", "resolved" },
	{ "annual", "年度主要工作", "annual work" },
	{ "resource", "资源清单", "resources" },
	{ "problem", "问题清单", "problems" },
	{ "month", "月", "month" },
	{ "quarter", "季度", "quarter" },
	{ "year", "年", "year" },
	{ "week", "周", "week" },
	{ "urgent", "紧急", "urgent" },
	{ "high", "高", "high" },
	{ "normal", "普通", "normal" },
	{ "low", "低", "low" },
	{ "general_manager", "总经理", "general manager" },
	{ "birthday", "生日", "birthday" },
	{ "important_date", "重要日子", "important date" },
	{ "family_celebration", "家庭喜事", "family celebration" },
	{ "site_survey", "现场调研", "site survey" },
	{ "delivery", "交付", "delivery" },
	{ "installation", "安装", "installation" },
	{ "initial_acceptance", "初验", "initial acceptance" },
	{ "final_acceptance", "终验", "final acceptance" },
};

const char *kc_pack_translate(const kc_pack *p, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].key, key) == 0)
			return p->zh ? codes[i].zh : codes[i].en;
	return key;
}

/* The name of a stage of the default pipeline (the key when the configuration has none). */
static const char *stage_name(const kc_pack *p, const char *key)
{
	int s = key ? kiscrm_config_stage_find(p->cfg, 0, key) : -1;
	return s < 0 ? kc_pack_translate(p, key) : kiscrm_config_stage_name(p->cfg, 0, (size_t)s, p->lang);
}

const char *kc_pack_reason_name(const kc_pack *p, const char *key)
{
	int i = key ? kiscrm_config_reason_category_find(p->cfg, key) : -1;
	return i < 0 ? key : kiscrm_config_reason_category_name(p->cfg, (size_t)i, p->lang);
}

/* Lifecycle stages (the codes "new" and "lost" mean something else elsewhere). */
static const textmap lifecycle[] = {
	{ "prospect", "潜在客户", "prospect" }, { "new", "新客户", "new" },	  { "growing", "成长期", "growing" },
	{ "mature", "成熟期", "mature" },	 { "declining", "衰退期", "declining" }, { "lost", "流失", "lost" },
};

const char *kc_pack_display(const kc_pack *p, const char *column, const char *value)
{
	if (value && (strcmp(column, "from_stage") == 0 || strcmp(column, "to_stage") == 0))
		for (size_t i = 0; i < sizeof(lifecycle) / sizeof(lifecycle[0]); i++)
			if (strcmp(lifecycle[i].key, value) == 0)
				return p->zh ? lifecycle[i].zh : lifecycle[i].en;
	if (strcmp(column, "stage") == 0)
		return stage_name(p, value);
	if (strcmp(column, "reason_category") == 0)
		return kc_pack_reason_name(p, value);
	return kc_pack_translate(p, value);
}

void kc_pack_options(const kc_pack *p, kiscrm_report_options *o, const int *group, size_t ngroup, int period)
{
	*o = p->base;
	o->as_of = p->as_of;
	o->from = o->to = KISCRM_DATE_NONE;
	o->lang = p->lang;
	o->group_by = group;
	o->ngroup = ngroup;
	o->period = period;
}

int kc_pack_section(kc_pack *p, const char *zh, const char *en, size_t *s)
{
	return kc_doc_add_section(p->doc, KC_T(p, zh, en), s);
}

int kc_pack_fail(kc_pack *p, size_t s, const char *what, int rc)
{
	if (rc == KISCRM_ENOMEM)
		return rc;
	const kiscrm_error *e = kiscrm_error_last();
	int n = kc_doc_note(p->doc, s, "(%s: %s)", what, e->message ? e->message : kiscrm_strerror(rc));
	return n < 0 ? n : 1;
}

int kc_pack_run(kc_pack *p, size_t s, kiscrm_table **t, const char *name, const kiscrm_report_options *o)
{
	*t = NULL;
	int rc = kiscrm_report_run(t, p->db, name, o);
	return rc < 0 ? kc_pack_fail(p, s, name, rc) : 0;
}

int kc_pack_copy_cell(kiscrm_table *dst, size_t drow, size_t dcol, const kiscrm_table *src, size_t srow,
		      size_t scol)
{
	if (kiscrm_table_is_null(src, srow, scol))
		return KISCRM_OK;
	switch (kiscrm_table_column_type(src, scol)) {
	case KISCRM_TYPE_TEXT:
		return kiscrm_table_set_text(dst, drow, dcol, kiscrm_table_text(src, srow, scol));
	case KISCRM_TYPE_RATE:
		return kiscrm_table_set_rate(dst, drow, dcol, kiscrm_table_rate(src, srow, scol));
	default:
		return kiscrm_table_set_int(dst, drow, dcol, kiscrm_table_int(src, srow, scol));
	}
}

/* 1 when every row is a total row (a report without grouping gives total rows only). */
static int all_total(const kiscrm_table *t)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_TOTAL)
			return 0;
	return 1;
}

static kiscrm_row_kind default_kind(const kiscrm_table *src, size_t r, const kiscrm_table *dst)
{
	/* A summary of sub-totals reads as plain rows; only the grand total keeps its rule,
	 * and only when detail rows come before it. */
	return kiscrm_table_row_kind(src, r) == KISCRM_ROW_TOTAL && kiscrm_table_row_count(dst) && !all_total(src)
		       ? KISCRM_ROW_TOTAL
		       : KISCRM_ROW_DETAIL;
}

static int fill_row(const kc_pack *p, kiscrm_table *t, const kiscrm_table *src, size_t r, const int *idx, size_t n,
		    kiscrm_row_kind kind)
{
	int row = kiscrm_table_add_row(t, kind);
	if (row < 0)
		return row;
	for (size_t col = 0; col < n; col++) {
		size_t sc = (size_t)idx[col];
		int rc;
		if (kiscrm_table_column_type(src, sc) == KISCRM_TYPE_TEXT) {
			const char *s = kc_pack_display(p, kiscrm_table_column_name(src, sc), kiscrm_table_text(src, r, sc));
			if (!s && col == 0 && kiscrm_table_row_kind(src, r) != KISCRM_ROW_DETAIL)
				s = KC_T(p, "合计", "Total");
			rc = kiscrm_table_set_text(t, (size_t)row, col, s);
		} else
			rc = kc_pack_copy_cell(t, (size_t)row, col, src, r, sc);
		if (rc < 0)
			return rc;
	}
	return KISCRM_OK;
}

int kc_pack_table(kc_pack *p, size_t s, const kiscrm_table *src, const kc_extract *x)
{
	kiscrm_table *t = NULL;
	int idx[32], fmt[32];
	size_t n = 0;
	int rc = kiscrm_table_new(&t, kiscrm_table_name(src));
	if (!rc)
		rc = kiscrm_table_set_money_decimals(t, p->decimals);
	for (size_t i = 0; !rc && i < x->ncols && n < 32; i++) {
		int k = kiscrm_table_column_index(src, x->cols[i].src);
		if (k < 0)
			continue;
		rc = kiscrm_table_add_column(t, KC_T(p, x->cols[i].zh, x->cols[i].en),
					     kiscrm_table_column_type(src, (size_t)k));
		fmt[n] = x->cols[i].fmt;
		idx[n++] = k;
	}
	size_t total = x->rows ? x->nrows : kiscrm_table_row_count(src);
	for (size_t j = 0; !rc && j < total; j++) {
		size_t r = x->rows ? x->rows[j] : j;
		if (x->keep && !x->keep(src, r, x->arg))
			continue;
		rc = fill_row(p, t, src, r, idx, n, x->kind ? x->kind(p, src, r) : default_kind(src, r, t));
	}
	if (rc) {
		kiscrm_table_free(t);
		return kc_pack_fail(p, s, kiscrm_table_name(src), rc);
	}
	if ((rc = kc_doc_set_table(p->doc, s, t)) < 0)
		return rc;
	for (size_t c = 0; c < n; c++)
		if (fmt[c] != KC_F_DEFAULT)
			p->doc->sections[s].formats[c] = (unsigned char)(fmt[c] - 1);
	return KISCRM_OK;
}

static const char *heading(const kc_pack *p, const kc_colmap *cols, size_t ncols, const char *src)
{
	for (size_t i = 0; i < ncols; i++)
		if (strcmp(cols[i].src, src) == 0)
			return KC_T(p, cols[i].zh, cols[i].en);
	return src;
}

void kc_pack_chart(kc_pack *p, size_t s, int kind, const kc_colmap *cols, size_t ncols, const char *label,
		   const char *const *series, size_t nseries, const char *lines)
{
	const char *names[KISCRM_CHART_MAX_SERIES];
	size_t n = 0;
	for (size_t i = 0; i < nseries && n < KISCRM_CHART_MAX_SERIES; i++)
		names[n++] = heading(p, cols, ncols, series[i]);
	kc_doc_set_chart(p->doc, s, kind, heading(p, cols, ncols, label), names, n, lines);
}

int kc_pack_none_if_empty(kc_pack *p, size_t s)
{
	const kiscrm_table *t = p->doc->sections[s].table;
	if (t && kiscrm_table_row_count(t) == 0)
		return kc_doc_note(p->doc, s, "%s", KC_T(p, "无", "none"));
	return KISCRM_OK;
}

void kc_pack_money(const kc_pack *p, char *out, size_t size, int64_t v)
{
	if (kiscrm_money_format(out, size, v, p->decimals, KISCRM_MONEY_THOUSANDS) < 0 && size)
		out[0] = '\0';
}

int kc_pack_not_detail(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	return kiscrm_table_row_kind(t, row) != KISCRM_ROW_DETAIL;
}

int kc_pack_is_detail(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	return kiscrm_table_row_kind(t, row) == KISCRM_ROW_DETAIL;
}

int kc_pack_text_is(const kiscrm_table *t, size_t row, const void *arg)
{
	const char *const *a = arg;
	int col = kiscrm_table_column_index(t, a[0]);
	const char *s = col < 0 ? NULL : kiscrm_table_text(t, row, (size_t)col);
	return s && strcmp(s, a[1]) == 0;
}

/*
 * `kiscrm meeting`: the weekly meeting pack (周例会) — the reports a general manager goes
 * through on Monday morning, each cut down to what fits a terminal: the rolling budget
 * by department, the eight weeks against the weekly targets, each person's quarter gap
 * and pipeline sufficiency, the funnel and its diagnosis, last week's wins and losses
 * with their reasons, what changed since last week's table, overdue receivables, and the
 * KPI ranking. Built from the library's reports through the public API only.
 */
#include "cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct pack {
	cli *c;
	int zh;
	int decimals;
	kiscrm_date as_of, week;
	const char *lang;
} pack;

#define T(p, zh_text, en_text) ((p)->zh ? (zh_text) : (en_text))

/* A column taken over from a report: its source name and its heading in each language. */
typedef struct colmap {
	const char *src, *zh, *en;
} colmap;

/* Translations of text cells (codes shown by reports): key → zh / en. */
typedef struct textmap {
	const char *key, *zh, *en;
} textmap;

static const textmap codes[] = {
	{ "contract_amount", "签约", "contracts" },
	{ "collection_amount", "回款", "collections" },
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
};

static const char *translate(const pack *p, const char *key)
{
	if (!key)
		return NULL;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(codes[i].key, key) == 0)
			return p->zh ? codes[i].zh : codes[i].en;
	return key;
}

/* Display name of a stage of the default pipeline, from pipelines.yaml (the key itself
 * when the configuration has no such stage). */
static const char *stage_name(const pack *p, const char *key)
{
	const kiscrm_config *cfg = kiscrm_db_config(p->c->db);
	int s = key ? kiscrm_config_stage_find(cfg, 0, key) : -1;
	return s < 0 ? key : kiscrm_config_stage_name(cfg, 0, (size_t)s, p->lang);
}

/* Display name of a win/loss reason category, from analysis.yaml. */
static const char *reason_name(const pack *p, const char *key)
{
	const kiscrm_config *cfg = kiscrm_db_config(p->c->db);
	int i = key ? kiscrm_config_reason_category_find(cfg, key) : -1;
	return i < 0 ? key : kiscrm_config_reason_category_name(cfg, (size_t)i, p->lang);
}

/* A text cell of column `column` for display: stages and reason categories by their
 * configured names, other codes by the table above. */
static const char *display(const pack *p, const char *column, const char *value)
{
	if (strcmp(column, "stage") == 0)
		return stage_name(p, value);
	if (strcmp(column, "reason_category") == 0)
		return reason_name(p, value);
	return translate(p, value);
}

static void fmt_money(char *out, size_t size, int64_t v, int decimals)
{
	char digits[40];
	int64_t unit = 1;
	for (int i = 0; i < decimals; i++)
		unit *= 10;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t whole = a / (uint64_t)unit, frac = a % (uint64_t)unit;
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)whole);
	size_t k = 0;
	if (v < 0 && k + 1 < size)
		out[k++] = '-';
	for (int i = 0; i < n && k + 2 < size; i++) {
		out[k++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i < n - 1)
			out[k++] = ',';
	}
	if (decimals > 0 && k + (size_t)decimals + 2 < size) {
		out[k++] = '.';
		for (int i = decimals - 1; i >= 0; i--, frac /= 10)
			out[k + (size_t)i] = (char)('0' + frac % 10);
		k += (size_t)decimals;
	}
	out[k] = '\0';
}

static void section(const pack *p, const char *zh, const char *en)
{
	printf("\n■ %s\n", T(p, zh, en));
}

static void note(const char *text)
{
	printf("  %s\n", text);
}

static void print_table(const kiscrm_table *t)
{
	kiscrm_buf out = KISCRM_BUF_INIT;
	if (kiscrm_table_write_text(&out, t) == 0 && out.ptr) {
		/* Indent every line by two spaces under the section title. */
		for (char *line = out.ptr, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (!nl) {
				printf("  %s\n", line);
				break;
			}
			printf("  %.*s\n", (int)(nl - line), line);
		}
	}
	kiscrm_buf_dispose(&out);
}

/* Runs a report; on failure prints the library's message under the section and returns NULL. */
static kiscrm_table *run(const pack *p, const char *name, const kiscrm_report_options *o)
{
	kiscrm_table *t = NULL;
	if (kiscrm_report_run(&t, p->c->db, name, o) < 0) {
		printf("  (%s: %s)\n", name, kiscrm_error_last()->message);
		return NULL;
	}
	return t;
}

static void options(const pack *p, kiscrm_report_options *o, const int *group, size_t ngroup)
{
	kiscrm_report_options_init(o, KISCRM_REPORT_OPTIONS_VERSION);
	o->as_of = p->as_of;
	o->lang = p->lang;
	o->group_by = group;
	o->ngroup = ngroup;
}

static int copy_cell(kiscrm_table *dst, size_t drow, size_t dcol, const kiscrm_table *src,
		     size_t srow, size_t scol)
{
	if (kiscrm_table_is_null(src, srow, scol))
		return 0;
	switch (kiscrm_table_column_type(src, scol)) {
	case KISCRM_TYPE_TEXT:
		return kiscrm_table_set_text(dst, drow, dcol, kiscrm_table_text(src, srow, scol));
	case KISCRM_TYPE_RATE:
		return kiscrm_table_set_rate(dst, drow, dcol, kiscrm_table_rate(src, srow, scol));
	default:
		return kiscrm_table_set_int(dst, drow, dcol, kiscrm_table_int(src, srow, scol));
	}
}

/* 1 when every row is a total row (a report without grouping in total rows only). */
static int all_total(const kiscrm_table *t)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_TOTAL)
			return 0;
	return 1;
}

typedef int (*row_filter)(const kiscrm_table *t, size_t row, const void *arg);

/* A table of the columns `cols` of `src` (missing columns are left out) over the rows
 * `keep` accepts (all when NULL), in `rows` order when given. Text cells are translated;
 * the first column of total rows reads "合计" / "Total" when NULL. */
static kiscrm_table *extract(const pack *p, const kiscrm_table *src, const colmap *cols, size_t ncols,
			     row_filter keep, const void *arg, const size_t *rows, size_t nrows)
{
	kiscrm_table *t;
	int idx[32];
	size_t n = 0;
	if (kiscrm_table_new(&t, kiscrm_table_name(src)) < 0)
		return NULL;
	kiscrm_table_set_money_decimals(t, p->decimals);
	for (size_t i = 0; i < ncols && n < 32; i++) {
		int k = kiscrm_table_column_index(src, cols[i].src);
		if (k < 0)
			continue;
		if (kiscrm_table_add_column(t, T(p, cols[i].zh, cols[i].en),
					    kiscrm_table_column_type(src, (size_t)k)) < 0)
			goto fail;
		idx[n++] = k;
	}
	size_t total = rows ? nrows : kiscrm_table_row_count(src);
	for (size_t j = 0; j < total; j++) {
		size_t r = rows ? rows[j] : j;
		if (keep && !keep(src, r, arg))
			continue;
		kiscrm_row_kind kind = kiscrm_table_row_kind(src, r);
		/* A summary of sub-totals reads as plain rows; only the grand total keeps its
		 * rule, and only when detail rows come before it. */
		int row = kiscrm_table_add_row(t, kind == KISCRM_ROW_TOTAL && kiscrm_table_row_count(t) &&
							  !all_total(src)
							  ? KISCRM_ROW_TOTAL
							  : KISCRM_ROW_DETAIL);
		if (row < 0)
			goto fail;
		for (size_t col = 0; col < n; col++) {
			size_t sc = (size_t)idx[col];
			if (kiscrm_table_column_type(src, sc) == KISCRM_TYPE_TEXT) {
				const char *s = display(p, kiscrm_table_column_name(src, sc), kiscrm_table_text(src, r, sc));
				if (!s && col == 0 && kind != KISCRM_ROW_DETAIL)
					s = T(p, "合计", "Total");
				if (kiscrm_table_set_text(t, (size_t)row, col, s) < 0)
					goto fail;
			} else if (copy_cell(t, (size_t)row, col, src, r, sc) < 0)
				goto fail;
		}
	}
	return t;
fail:
	kiscrm_table_free(t);
	return NULL;
}

static int not_detail(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	return kiscrm_table_row_kind(t, row) != KISCRM_ROW_DETAIL;
}

static int is_detail(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	return kiscrm_table_row_kind(t, row) == KISCRM_ROW_DETAIL;
}

/* Text column `arg[0]` equals `arg[1]`. */
static int text_is(const kiscrm_table *t, size_t row, const void *arg)
{
	const char *const *a = arg;
	int col = kiscrm_table_column_index(t, a[0]);
	const char *s = col < 0 ? NULL : kiscrm_table_text(t, row, (size_t)col);
	return s && strcmp(s, a[1]) == 0;
}

static void show(kiscrm_table *t)
{
	if (t)
		print_table(t);
	kiscrm_table_free(t);
}

/* ---- sections ------------------------------------------------------------------------ */

static void rolling_budget(const pack *p)
{
	static const colmap cols[] = {
		{ "department", "部门", "Department" },
		{ "pw_contract_plan", "上周计划签约", "Last wk plan" },
		{ "pw_contract_actual", "上周实际签约", "Last wk signed" },
		{ "pw_contract_rate", "完成率", "Rate" },
		{ "pw_collection_plan", "上周计划回款", "Last wk coll. plan" },
		{ "pw_collection_actual", "上周实际回款", "Last wk collected" },
		{ "pw_collection_rate", "回款完成率", "Coll. rate" },
		{ "total_contract", "八周签约", "8 wk contracts" },
		{ "total_weighted", "八周加权签约", "8 wk weighted" },
		{ "total_collection", "八周回款", "8 wk collections" },
	};
	int group[] = { KISCRM_GROUP_DEPARTMENT };
	kiscrm_report_options o;
	section(p, "八周滚动预算（按部门）", "Eight-week rolling budget by department");
	options(p, &o, group, 1);
	kiscrm_table *t = run(p, "rolling-budget", &o);
	if (!t)
		return;
	size_t projects = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		projects += kiscrm_table_row_kind(t, r) == KISCRM_ROW_DETAIL;
	printf(T(p, "  在表项目 %zu 个（kiscrm report rolling-budget --by department 查看明细）\n",
		 "  %zu projects in the table (details: kiscrm report rolling-budget --by department)\n"),
	       projects);
	show(extract(p, t, cols, sizeof(cols) / sizeof(cols[0]), not_detail, NULL, NULL, 0));
	kiscrm_table_free(t);
}

static void rolling_gap(const pack *p)
{
	static const colmap cols[] = {
		{ "week", "周", "Week" },
		{ "week_start", "周一", "Starts" },
		{ "target", "周目标", "Target" },
		{ "expected", "预计", "Expected" },
		{ "weighted", "加权预计", "Weighted" },
		{ "gap", "缺口", "Gap" },
		{ "cum_target", "累计目标", "Cum. target" },
		{ "cum_gap", "累计缺口", "Cum. gap" },
	};
	kiscrm_report_options o;
	section(p, "未来八周签约缺口（公司，周目标 − 预计）", "Next eight weeks: contract gap to weekly targets (company)");
	options(p, &o, NULL, 0);
	kiscrm_table *t = run(p, "rolling-gap", &o);
	if (!t)
		return;
	const char *const want[] = { "metric", "contract_amount" };
	show(extract(p, t, cols, sizeof(cols) / sizeof(cols[0]), text_is, want, NULL, 0));
	kiscrm_table_free(t);
}

/* Gap and sufficiency of the quarter, joined by owner. */
static void gap_by_person(const pack *p)
{
	int group[] = { KISCRM_GROUP_OWNER };
	kiscrm_report_options o;
	section(p, "本季度目标缺口与商机充足率（按人）", "This quarter: gap to target and pipeline sufficiency by person");
	options(p, &o, group, 1);
	o.period = KISCRM_PERIOD_QUARTER;
	kiscrm_table *gap = run(p, "gap", &o), *suf = gap ? run(p, "sufficiency", &o) : NULL, *t = NULL;
	if (!gap || !suf)
		goto out;
	static const struct {
		int from_suf;
		const char *src, *zh, *en;
	} cols[] = {
		{ 0, "owner", "人员", "Person" },
		{ 0, "target", "季度目标", "Target" },
		{ 0, "achieved", "已签约", "Achieved" },
		{ 0, "expected", "加权预计", "Weighted pipeline" },
		{ 0, "gap", "缺口", "Gap" },
		{ 1, "ratio", "充足率", "Sufficiency" },
		{ 0, "strategy", "对策", "Strategy" },
	};
	size_t n = sizeof(cols) / sizeof(cols[0]);
	int idx[8];
	if (kiscrm_table_new(&t, "gap") < 0)
		goto out;
	kiscrm_table_set_money_decimals(t, p->decimals);
	for (size_t i = 0; i < n; i++) {
		const kiscrm_table *s = cols[i].from_suf ? suf : gap;
		idx[i] = kiscrm_table_column_index(s, cols[i].src);
		if (idx[i] < 0 || kiscrm_table_add_column(t, T(p, cols[i].zh, cols[i].en),
							  kiscrm_table_column_type(s, (size_t)idx[i])) < 0) {
			printf("  (gap: no column '%s')\n", cols[i].src);
			goto out;
		}
	}
	int gown = kiscrm_table_column_index(gap, "owner"), sown = kiscrm_table_column_index(suf, "owner");
	size_t insufficient = 0, people = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(gap); r++) {
		const char *who = kiscrm_table_text(gap, r, (size_t)gown);
		kiscrm_row_kind kind = kiscrm_table_row_kind(gap, r);
		if (kind == KISCRM_ROW_DETAIL && kiscrm_table_is_null(gap, r, (size_t)idx[1]))
			continue; /* people without a target (the general manager, presales) */
		size_t sr = (size_t)-1;
		for (size_t k = 0; k < kiscrm_table_row_count(suf); k++) {
			const char *w2 = kiscrm_table_text(suf, k, (size_t)sown);
			if (kiscrm_table_row_kind(suf, k) == kind && ((!who && !w2) || (who && w2 && strcmp(who, w2) == 0)))
				sr = k;
		}
		int row = kiscrm_table_add_row(t, kind);
		if (row < 0)
			goto out;
		for (size_t i = 0; i < n; i++) {
			if (cols[i].from_suf) {
				if (sr != (size_t)-1)
					copy_cell(t, (size_t)row, i, suf, sr, (size_t)idx[i]);
			} else if (kiscrm_table_column_type(gap, (size_t)idx[i]) == KISCRM_TYPE_TEXT)
				kiscrm_table_set_text(t, (size_t)row, i, translate(p, kiscrm_table_text(gap, r, (size_t)idx[i])));
			else
				copy_cell(t, (size_t)row, i, gap, r, (size_t)idx[i]);
		}
		if (kind != KISCRM_ROW_DETAIL && !who)
			kiscrm_table_set_text(t, (size_t)row, 0, T(p, "合计", "Total"));
		if (kind == KISCRM_ROW_DETAIL && sr != (size_t)-1) {
			int ins = kiscrm_table_column_index(suf, "insufficient");
			people++;
			insufficient += ins >= 0 && kiscrm_table_int(suf, sr, (size_t)ins) == 1;
		}
	}
	print_table(t);
	printf(T(p, "  商机不足（充足率低于阈值）：%zu / %zu 人\n",
		 "  Pipeline insufficient (ratio below the threshold): %zu of %zu people\n"),
	       insufficient, people);
out:
	kiscrm_table_free(t);
	kiscrm_table_free(gap);
	kiscrm_table_free(suf);
}

static void funnel(const pack *p)
{
	static const colmap cols[] = {
		{ "stage_name", "阶段", "Stage" },
		{ "count", "数量", "Count" },
		{ "amount", "金额", "Amount" },
		{ "entered", "进入", "Entered" },
		{ "conversion", "转化率", "Conversion" },
		{ "avg_days", "平均停留天数", "Avg days" },
	};
	static const colmap dcols[] = {
		{ "department", "部门", "Department" },
		{ "code", "诊断", "Diagnosis" },
		{ "stage", "阶段", "Stage" },
		{ "open_count", "在途", "Open" },
		{ "remedy_zh", "对策", "Remedy" },
	};
	static const colmap dcols_en[] = {
		{ "department", "部门", "Department" },
		{ "code", "诊断", "Diagnosis" },
		{ "stage", "阶段", "Stage" },
		{ "open_count", "在途", "Open" },
		{ "remedy_en", "对策", "Remedy" },
	};
	kiscrm_report_options o;
	section(p, "销售漏斗（默认流程，本季度成交）", "Sales funnel (default pipeline, closes this quarter)");
	options(p, &o, NULL, 0);
	o.period = KISCRM_PERIOD_QUARTER;
	kiscrm_table *t = run(p, "funnel", &o);
	if (t) {
		show(extract(p, t, cols, sizeof(cols) / sizeof(cols[0]), NULL, NULL, NULL, 0));
		int wr = kiscrm_table_column_index(t, "win_rate"), cy = kiscrm_table_column_index(t, "cycle_days"),
		    ve = kiscrm_table_column_index(t, "velocity");
		for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
			if (kiscrm_table_row_kind(t, r) == KISCRM_ROW_SUBTOTAL && wr >= 0 && cy >= 0 && ve >= 0) {
				char v[48] = "-";
				if (!kiscrm_table_is_null(t, r, (size_t)ve))
					fmt_money(v, sizeof(v), kiscrm_table_int(t, r, (size_t)ve), p->decimals);
				printf(T(p, "  赢单率 %.1f%%，平均销售周期 %.0f 天，销售速度 %s /天\n",
					 "  Win rate %.1f%%, average sales cycle %.0f days, velocity %s a day\n"),
				       kiscrm_table_rate(t, r, (size_t)wr) * 100, kiscrm_table_rate(t, r, (size_t)cy), v);
			}
		kiscrm_table_free(t);
	}

	int group[] = { KISCRM_GROUP_DEPARTMENT };
	options(p, &o, group, 1);
	printf("\n  %s\n", T(p, "漏斗形状诊断（按部门）：", "Funnel shape diagnosis by department:"));
	t = run(p, "funnel-diagnosis", &o);
	if (t) {
		const colmap *dc = p->zh ? dcols : dcols_en;
		show(extract(p, t, dc, 5, NULL, NULL, NULL, 0));
		kiscrm_table_free(t);
	}
}

typedef struct closed_row {
	int won;
	int64_t amount;
	kiscrm_id id;
} closed_row;

static int closed_cmp(const void *a, const void *b)
{
	const closed_row *x = a, *y = b;
	if (x->won != y->won)
		return y->won - x->won;
	if (x->amount != y->amount)
		return x->amount < y->amount ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Last week's closes, listed from the opportunities themselves. */
static void won_lost(const pack *p)
{
	kiscrm_date from = p->week - 7, to = p->week;
	char f[16], e[16];
	kiscrm_date_format(f, sizeof(f), from);
	kiscrm_date_format(e, sizeof(e), to - 1);
	printf(T(p, "\n■ 上周赢单与输单（%s 至 %s）\n", "\n■ Won and lost last week (%s to %s)\n"), f, e);

	kiscrm_iter *it = NULL;
	const kiscrm_record *rec;
	closed_row *rows = NULL;
	size_t n = 0, cap = 0;
	kiscrm_table *t = NULL;
	int rc;
	/* Closed in [from, to) and not open: the library selects them (by the backend's
	 * indexes), instead of reading every opportunity here. */
	const kiscrm_filter_cond closed_last_week[] = {
		{ KISCRM_OPPORTUNITY_CLOSED, KISCRM_OP_GE, KISCRM_TYPE_DATE, { .i = from } },
		{ KISCRM_OPPORTUNITY_CLOSED, KISCRM_OP_LT, KISCRM_TYPE_DATE, { .i = to } },
		{ KISCRM_OPPORTUNITY_STATUS, KISCRM_OP_NE, KISCRM_TYPE_TEXT, { .s = "open" } },
	};
	kiscrm_filter filter = KISCRM_FILTER_INIT;
	filter.ncond = sizeof(closed_last_week) / sizeof(closed_last_week[0]);
	filter.conds = closed_last_week;
	if (kiscrm_iter_new(&it, p->c->db, KISCRM_KIND_OPPORTUNITY, &filter) < 0)
		goto fail;
	while ((rc = kiscrm_iter_next(&rec, it)) == 0) {
		const char *status = kiscrm_record_text(rec, KISCRM_OPPORTUNITY_STATUS);
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			closed_row *nr = realloc(rows, cap * sizeof(*nr));
			if (!nr)
				goto fail;
			rows = nr;
		}
		rows[n].won = strcmp(status, "won") == 0;
		rows[n].amount = kiscrm_record_int(rec, KISCRM_OPPORTUNITY_AMOUNT);
		rows[n++].id = kiscrm_record_id(rec);
	}
	kiscrm_iter_free(it);
	it = NULL;
	if (rc != KISCRM_ITEROVER)
		goto fail;
	if (n == 0) {
		note(T(p, "上周没有赢单或输单。", "Nothing was won or lost last week."));
		free(rows);
		return;
	}
	qsort(rows, n, sizeof(*rows), closed_cmp);
	if (kiscrm_table_new(&t, "won-lost") < 0 || kiscrm_table_set_money_decimals(t, p->decimals) < 0 ||
	    kiscrm_table_add_column(t, T(p, "结果", "Outcome"), KISCRM_TYPE_TEXT) < 0 ||
	    kiscrm_table_add_column(t, T(p, "项目", "Opportunity"), KISCRM_TYPE_TEXT) < 0 ||
	    kiscrm_table_add_column(t, T(p, "负责人", "Owner"), KISCRM_TYPE_TEXT) < 0 ||
	    kiscrm_table_add_column(t, T(p, "金额", "Amount"), KISCRM_TYPE_MONEY) < 0 ||
	    kiscrm_table_add_column(t, T(p, "原因类别", "Category"), KISCRM_TYPE_TEXT) < 0 ||
	    kiscrm_table_add_column(t, T(p, "原因", "Reason"), KISCRM_TYPE_TEXT) < 0)
		goto fail;
	int64_t sum[2] = { 0, 0 };
	size_t count[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		kiscrm_record *o, *owner = NULL;
		if (kiscrm_record_get(&o, p->c->db, KISCRM_KIND_OPPORTUNITY, rows[i].id) < 0)
			goto fail;
		if (!kiscrm_record_is_null(o, KISCRM_OPPORTUNITY_OWNER_ID))
			kiscrm_record_get(&owner, p->c->db, KISCRM_KIND_STAFF,
					  kiscrm_record_int(o, KISCRM_OPPORTUNITY_OWNER_ID));
		int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (row >= 0) {
			size_t rr = (size_t)row;
			kiscrm_table_set_text(t, rr, 0, translate(p, kiscrm_record_text(o, KISCRM_OPPORTUNITY_STATUS)));
			kiscrm_table_set_text(t, rr, 1, kiscrm_record_text(o, KISCRM_OPPORTUNITY_NAME));
			kiscrm_table_set_text(t, rr, 2, owner ? kiscrm_record_text(owner, KISCRM_STAFF_NAME) : NULL);
			kiscrm_table_set_int(t, rr, 3, rows[i].amount);
			kiscrm_table_set_text(t, rr, 4,
					      reason_name(p, kiscrm_record_text(o, KISCRM_OPPORTUNITY_REASON_CATEGORY)));
			kiscrm_table_set_text(t, rr, 5, kiscrm_record_text(o, KISCRM_OPPORTUNITY_REASON));
		}
		sum[rows[i].won] += rows[i].amount;
		count[rows[i].won]++;
		kiscrm_record_free(owner);
		kiscrm_record_free(o);
		if (row < 0)
			goto fail;
	}
	print_table(t);
	char w[48], l[48];
	fmt_money(w, sizeof(w), sum[1], p->decimals);
	fmt_money(l, sizeof(l), sum[0], p->decimals);
	printf(T(p, "  赢单 %zu 个，%s 元；输单 %zu 个，%s 元\n", "  Won %zu for %s; lost %zu worth %s\n"),
	       count[1], w, count[0], l);
	kiscrm_table_free(t);
	free(rows);
	return;
fail:
	printf("  (won/lost: %s)\n", kiscrm_error_last()->message);
	kiscrm_iter_free(it);
	kiscrm_table_free(t);
	free(rows);
}

static void changes(const pack *p)
{
	static const char *const order[] = { "new", "won", "lost", "settled", "slipped", "pulled_in", "amount_changed",
					     "removed" };
	kiscrm_report_options o;
	section(p, "本周滚动表变化（对比上周快照）", "Changes in the rolling table since last week's snapshot");
	options(p, &o, NULL, 0);
	kiscrm_table *t = NULL;
	if (kiscrm_report_run(&t, p->c->db, "snapshot-diff", &o) < 0) {
		printf("  %s\n", kiscrm_error_last()->message);
		note(T(p, "（每周一运行 kiscrm snapshot 保存本周滚动表）",
		       "(run `kiscrm snapshot` every Monday to save the week's table)"));
		return;
	}
	int ch = kiscrm_table_column_index(t, "change");
	printf("  ");
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		size_t n = 0;
		for (size_t r = 0; ch >= 0 && r < kiscrm_table_row_count(t); r++) {
			const char *s = kiscrm_table_text(t, r, (size_t)ch);
			n += s && strcmp(s, order[k]) == 0;
		}
		printf("%s%s %zu", k ? T(p, "，", ", ") : "", translate(p, order[k]), n);
	}
	printf(T(p, "\n  （明细：kiscrm report snapshot-diff）\n", "\n  (details: kiscrm report snapshot-diff)\n"));
	/* e.g. that this week is not saved yet, or that there is no snapshot to compare with */
	for (size_t i = 0; i < kiscrm_table_note_count(t); i++)
		note(kiscrm_table_note(t, i));
	kiscrm_table_free(t);
}

static void receivables(const pack *p)
{
	int group[] = { KISCRM_GROUP_DEPARTMENT };
	kiscrm_report_options o;
	section(p, "逾期应收账款（账龄）", "Overdue receivables (ageing)");
	options(p, &o, group, 1);
	kiscrm_table *t = run(p, "ageing", &o);
	if (!t)
		return;
	/* All columns of the report but the count: the bucket columns follow the configuration. */
	colmap cols[24];
	size_t n = 0;
	for (size_t i = 0; i < kiscrm_table_column_count(t) && n < 24; i++) {
		const char *name = kiscrm_table_column_name(t, i);
		if (strcmp(name, "contracts") == 0)
			continue;
		cols[n].src = name;
		cols[n].zh = strcmp(name, "department") == 0 ? "部门"
			     : strcmp(name, "receivable") == 0 ? "应收"
			     : strcmp(name, "not_due") == 0	? "未到期"
			     : strcmp(name, "overdue") == 0	? "逾期合计"
								: name;
		cols[n].en = strcmp(name, "department") == 0 ? "Department"
			     : strcmp(name, "receivable") == 0 ? "Receivable"
			     : strcmp(name, "not_due") == 0	? "Not due"
			     : strcmp(name, "overdue") == 0	? "Overdue"
								: name;
		n++;
	}
	show(extract(p, t, cols, n, NULL, NULL, NULL, 0));
	kiscrm_table_free(t);

	/* The ten largest overdue contracts. */
	options(p, &o, NULL, 0);
	t = run(p, "ageing", &o);
	if (!t)
		return;
	int ov = kiscrm_table_column_index(t, "overdue");
	size_t top[10], ntop = 0;
	for (size_t r = 0; ov >= 0 && r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL || kiscrm_table_int(t, r, (size_t)ov) <= 0)
			continue;
		int64_t v = kiscrm_table_int(t, r, (size_t)ov);
		size_t k = ntop < 10 ? ntop++ : 10;
		while (k > 0 && kiscrm_table_int(t, top[k - 1], (size_t)ov) < v) {
			if (k < 10)
				top[k] = top[k - 1];
			k--;
		}
		if (k < 10)
			top[k] = r;
	}
	static const colmap tcols[] = {
		{ "number", "合同号", "Contract" },
		{ "customer", "客户", "Customer" },
		{ "owner", "负责人", "Owner" },
		{ "signed", "签约日", "Signed" },
		{ "receivable", "应收", "Receivable" },
		{ "overdue", "逾期", "Overdue" },
	};
	if (ntop) {
		printf("\n  %s\n", T(p, "逾期金额最大的合同：", "Largest overdue contracts:"));
		show(extract(p, t, tcols, sizeof(tcols) / sizeof(tcols[0]), is_detail, NULL, top, ntop));
	}
	kiscrm_table_free(t);
}

/* Service requests still open (or waiting) that are late or about to be (an escalation
 * level reached) at the end of the meeting day, and the implementation milestones overdue
 * or in crisis. */
static int needs_attention(const kiscrm_table *t, size_t row, const void *arg)
{
	static const char *const resolved[] = { "status", "resolved" };
	(void)arg;
	if (text_is(t, row, resolved))
		return 0;
	int esc = kiscrm_table_column_index(t, "escalation");
	int fr = kiscrm_table_column_index(t, "first_response_breached");
	int res = kiscrm_table_column_index(t, "resolution_breached");
	return (esc >= 0 && !kiscrm_table_is_null(t, row, (size_t)esc)) ||
	       (fr >= 0 && kiscrm_table_int(t, row, (size_t)fr)) || (res >= 0 && kiscrm_table_int(t, row, (size_t)res));
}

static int milestone_attention(const kiscrm_table *t, size_t row, const void *arg)
{
	(void)arg;
	int overdue = kiscrm_table_column_index(t, "overdue"), crisis = kiscrm_table_column_index(t, "crisis");
	int actual = kiscrm_table_column_index(t, "actual");
	return (overdue >= 0 && kiscrm_table_int(t, row, (size_t)overdue)) ||
	       (crisis >= 0 && kiscrm_table_int(t, row, (size_t)crisis) && actual >= 0 &&
		kiscrm_table_is_null(t, row, (size_t)actual));
}

static void service(const pack *p)
{
	kiscrm_report_options o;
	section(p, "逾期与升级的服务请求", "Overdue and escalated service requests");
	options(p, &o, NULL, 0);
	kiscrm_table *t = run(p, "service-sla", &o);
	static const colmap cols[] = {
		{ "request_id", "编号", "Request" },
		{ "subject", "主题", "Subject" },
		{ "priority", "优先级", "Priority" },
		{ "status", "状态", "Status" },
		{ "resolution_due", "解决时限", "Resolution due" },
		{ "used", "时限占用", "Used" },
		{ "escalation", "升级至", "Escalate to" },
	};
	if (t) {
		kiscrm_table *x = extract(p, t, cols, sizeof(cols) / sizeof(cols[0]), needs_attention, NULL, NULL, 0);
		if (x && kiscrm_table_row_count(x) == 0)
			note(T(p, "无", "none"));
		show(x);
		kiscrm_table_free(t);
	}
	section(p, "逾期与危机的实施里程碑", "Implementation milestones overdue or in crisis");
	t = run(p, "milestones", &o);
	static const colmap mcols[] = {
		{ "number", "合同号", "Contract" },
		{ "type", "里程碑", "Milestone" },
		{ "planned", "计划日期", "Planned" },
		{ "days_late", "延误天数", "Days late" },
		{ "crisis", "重大危机", "Crisis" },
	};
	if (t) {
		kiscrm_table *x = extract(p, t, mcols, sizeof(mcols) / sizeof(mcols[0]), milestone_attention, NULL, NULL, 0);
		if (x && kiscrm_table_row_count(x) == 0)
			note(T(p, "无", "none"));
		show(x);
		kiscrm_table_free(t);
	}
}

static void kpi(const pack *p)
{
	static const colmap cols[] = {
		{ "rank", "名次", "Rank" },
		{ "name", "姓名", "Name" },
		{ "department", "部门", "Department" },
		{ "total", "得分", "Score" },
		{ "grade", "等级", "Grade" },
	};
	kiscrm_report_options o;
	section(p, "KPI 排名（本月）", "KPI ranking (this month)");
	options(p, &o, NULL, 0);
	o.period = KISCRM_PERIOD_MONTH;
	kiscrm_table *t = NULL;
	fflush(stdout);
	/* By name, so that a library without the KPI report still gives the rest of the pack. */
	int rc = kiscrm_report_run(&t, p->c->db, "kpi", &o);
	if (rc == KISCRM_ENOTFOUND) {
		note(T(p, "（此版本的库没有 KPI 报表）", "(this library has no KPI report)"));
		return;
	}
	if (rc < 0) {
		printf("  (kpi: %s)\n", kiscrm_error_last()->message);
		return;
	}
	show(extract(p, t, cols, sizeof(cols) / sizeof(cols[0]), not_detail, NULL, NULL, 0));
	kiscrm_table_free(t);
}

static const char meeting_help[] =
	"usage: kiscrm meeting [--as-of YYYY-MM-DD] [--lang zh|en]\n"
	"\n"
	"Prints the weekly meeting pack (周例会) for the week containing the date (default:\n"
	"today), in Chinese by default or in English with --lang en:\n"
	"  1. eight-week rolling budget by department: last week's plan against what was\n"
	"     signed and collected, and the next eight weeks (report rolling-budget)\n"
	"  2. the next eight weeks against the weekly contract targets (rolling-gap)\n"
	"  3. this quarter's gap to target, strategy and pipeline sufficiency by person\n"
	"     (gap, sufficiency)\n"
	"  4. the sales funnel of the quarter and its shape diagnosis by department\n"
	"     (funnel, funnel-diagnosis)\n"
	"  5. last week's won and lost opportunities with their reasons\n"
	"  6. what changed since last week's snapshot (snapshot-diff)\n"
	"  7. overdue receivables by department and the largest overdue contracts (ageing)\n"
	"  8. the KPI ranking of the month (kpi)\n"
	"A section whose report cannot run prints the library's message and the pack goes on.\n";

int cmd_meeting(cli *c, int argc, char **argv)
{
	pack p;
	const char *v, *lang = NULL;
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.as_of = KISCRM_DATE_NONE;
	for (int i = 1; i < argc; i++) {
		if (cli_is_help(argv[i])) {
			fputs(meeting_help, stdout);
			return 0;
		} else if ((v = cli_opt(argc, argv, &i, "--as-of"))) {
			if (kiscrm_date_parse(&p.as_of, v) < 0)
				return cli_usage("--as-of: '%s' is not a date (YYYY-MM-DD)", v);
		} else if ((v = cli_opt(argc, argv, &i, "--lang"))) {
			if (strcmp(v, "zh") != 0 && strcmp(v, "en") != 0)
				return cli_usage("--lang must be zh or en, not '%s'", v);
			lang = v;
		} else
			return cli_usage("meeting: unknown option '%s'", argv[i]);
	}
	/* Chinese unless asked otherwise, here or by the global --lang. */
	p.lang = lang ? lang : c->lang_given ? c->lang : "zh";
	p.zh = strcmp(p.lang, "zh") == 0;
	if (cli_open(c))
		return 1;
	const kiscrm_config *cfg = kiscrm_db_config(c->db);
	p.decimals = kiscrm_config_currency_decimals(cfg);
	if (p.as_of == KISCRM_DATE_NONE)
		p.as_of = kiscrm_time_date((kiscrm_time)time(NULL));
	p.week = kiscrm_date_week_start(p.as_of, kiscrm_config_week_start(cfg));

	char d[16], w[16];
	kiscrm_date_format(d, sizeof(d), p.as_of);
	kiscrm_date_format(w, sizeof(w), p.week);
	int iy, iw;
	kiscrm_date_iso_week(p.week, &iy, &iw);
	printf(T(&p, "周例会 · %d 年第 %d 周（%s 起）· 数据截至 %s · 金额单位：%s\n",
		 "Weekly meeting · %d week %d (from %s) · as of %s · money in %s\n"),
	       iy, iw, w, d, kiscrm_config_currency(cfg));
	rolling_budget(&p);
	rolling_gap(&p);
	gap_by_person(&p);
	funnel(&p);
	won_lost(&p);
	changes(&p);
	receivables(&p);
	service(&p);
	kpi(&p);
	return 0;
}

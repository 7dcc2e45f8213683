/* Sections more than one pack shows: the quarter's gap and sufficiency by person, and
 * the KPI ranking. */
#include "packs/pack.h"

#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	int from_suf;
	const char *src, *zh, *en;
} gap_cols[] = {
	{ 0, "owner", "人员", "Person" },
	{ 0, "target", "季度目标", "Target" },
	{ 0, "achieved", "已签约", "Achieved" },
	{ 0, "expected", "加权预计", "Weighted pipeline" },
	{ 0, "gap", "缺口", "Gap" },
	{ 1, "ratio", "充足率", "Sufficiency" },
	{ 0, "strategy", "对策", "Strategy" },
};

/* The sufficiency row of the same person (or the same total) as gap row r, or -1. */
static long same_person(const kiscrm_table *gap, size_t r, const kiscrm_table *suf)
{
	int gown = kiscrm_table_column_index(gap, "owner"), sown = kiscrm_table_column_index(suf, "owner");
	const char *who = gown >= 0 ? kiscrm_table_text(gap, r, (size_t)gown) : NULL;
	long found = -1;
	for (size_t k = 0; sown >= 0 && k < kiscrm_table_row_count(suf); k++) {
		const char *w2 = kiscrm_table_text(suf, k, (size_t)sown);
		if (kiscrm_table_row_kind(suf, k) == kiscrm_table_row_kind(gap, r) &&
		    ((!who && !w2) || (who && w2 && strcmp(who, w2) == 0)))
			found = (long)k;
	}
	return found;
}

/* Gap and sufficiency of the quarter joined by owner, people without a target (the
 * general manager, presales) left out. *people and *insufficient count the rest. */
static int join(kc_pack *p, kiscrm_table **out, const kiscrm_table *gap, const kiscrm_table *suf, size_t *people,
		size_t *insufficient)
{
	int idx[N(gap_cols)];
	kiscrm_table *t = NULL;
	int rc = kiscrm_table_new(&t, "gap");
	if (!rc)
		rc = kiscrm_table_set_money_decimals(t, p->decimals);
	for (size_t i = 0; !rc && i < N(gap_cols); i++) {
		const kiscrm_table *s = gap_cols[i].from_suf ? suf : gap;
		idx[i] = kiscrm_table_column_index(s, gap_cols[i].src);
		rc = idx[i] < 0 ? kc_error_set(KISCRM_ENOTFOUND, "no column '%s'", gap_cols[i].src)
				: kiscrm_table_add_column(t, KC_T(p, gap_cols[i].zh, gap_cols[i].en),
							  kiscrm_table_column_type(s, (size_t)idx[i]));
	}
	int ins = kiscrm_table_column_index(suf, "insufficient");
	for (size_t r = 0; !rc && r < kiscrm_table_row_count(gap); r++) {
		kiscrm_row_kind kind = kiscrm_table_row_kind(gap, r);
		if (kind == KISCRM_ROW_DETAIL && kiscrm_table_is_null(gap, r, (size_t)idx[1]))
			continue;
		long sr = same_person(gap, r, suf);
		int row = kiscrm_table_add_row(t, kind == KISCRM_ROW_DETAIL ? KISCRM_ROW_DETAIL : KISCRM_ROW_TOTAL);
		rc = row < 0 ? row : 0;
		for (size_t i = 0; !rc && i < N(gap_cols); i++) {
			if (gap_cols[i].from_suf)
				rc = sr < 0 ? 0 : kc_pack_copy_cell(t, (size_t)row, i, suf, (size_t)sr, (size_t)idx[i]);
			else if (kiscrm_table_column_type(gap, (size_t)idx[i]) == KISCRM_TYPE_TEXT)
				rc = kiscrm_table_set_text(t, (size_t)row, i,
							   kc_pack_translate(p, kiscrm_table_text(gap, r, (size_t)idx[i])));
			else
				rc = kc_pack_copy_cell(t, (size_t)row, i, gap, r, (size_t)idx[i]);
		}
		if (!rc && kind != KISCRM_ROW_DETAIL && kiscrm_table_is_null(t, (size_t)row, 0))
			rc = kiscrm_table_set_text(t, (size_t)row, 0, KC_T(p, "合计", "Total"));
		if (kind == KISCRM_ROW_DETAIL && sr >= 0) {
			(*people)++;
			*insufficient += ins >= 0 && kiscrm_table_int(suf, (size_t)sr, (size_t)ins) == 1;
		}
	}
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

int kc_pack_gap_by_person(kc_pack *p)
{
	int group[] = { KISCRM_GROUP_OWNER };
	kiscrm_report_options o;
	kiscrm_table *gap = NULL, *suf = NULL, *t = NULL;
	size_t s, people = 0, insufficient = 0;
	int rc = kc_pack_section(p, "本季度目标缺口与商机充足率（按人）",
				 "This quarter: gap to target and pipeline sufficiency by person", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, group, 1, KISCRM_PERIOD_QUARTER);
	if ((rc = kc_pack_run(p, s, &gap, "gap", &o)) == 0 && (rc = kc_pack_run(p, s, &suf, "sufficiency", &o)) == 0) {
		rc = join(p, &t, gap, suf, &people, &insufficient);
		if (rc < 0)
			rc = kc_pack_fail(p, s, "gap", rc);
		else if ((rc = kc_doc_set_table(p->doc, s, t)) == 0) {
			kc_doc_set_format(p->doc, s, KC_T(p, "缺口", "Gap"), KISCRM_DOC_GAP);
			kc_doc_set_format(p->doc, s, KC_T(p, "充足率", "Sufficiency"), KISCRM_DOC_PLAIN);
			const char *series[] = { KC_T(p, "缺口", "Gap") };
			kc_doc_set_chart(p->doc, s, KISCRM_CHART_HBAR, KC_T(p, "人员", "Person"), series, 1, NULL);
			rc = kc_doc_note(p->doc, s,
					 KC_T(p, "商机不足（充足率低于阈值）：%zu / %zu 人",
					      "Pipeline insufficient (ratio below the threshold): %zu of %zu people"),
					 insufficient, people);
		}
	}
	kiscrm_table_free(gap);
	kiscrm_table_free(suf);
	return rc < 0 ? rc : 0;
}

int kc_pack_kpi_ranking(kc_pack *p, int period)
{
	static const kc_colmap cols[] = {
		{ "rank", "名次", "Rank", 0 },		 { "name", "姓名", "Name", 0 },
		{ "department", "部门", "Department", 0 }, { "total", "得分", "Score", KC_F_PLAIN },
		{ "grade", "等级", "Grade", 0 },
	};
	kiscrm_report_options o;
	kiscrm_table *t;
	size_t s;
	int rc = period == KISCRM_PERIOD_MONTH ? kc_pack_section(p, "KPI 排名（本月）", "KPI ranking (this month)", &s)
					       : kc_pack_section(p, "KPI 排名（本季度）", "KPI ranking (this quarter)", &s);
	if (rc < 0)
		return rc;
	kc_pack_options(p, &o, NULL, 0, period);
	if ((rc = kc_pack_run(p, s, &t, "kpi", &o)) != 0)
		return rc < 0 ? rc : 0;
	kc_extract x = { cols, N(cols), kc_pack_not_detail, NULL, NULL, 0, NULL };
	rc = kc_pack_table(p, s, t, &x);
	kiscrm_table_free(t);
	static const char *const series[] = { "total" };
	kc_pack_chart(p, s, KISCRM_CHART_HBAR, cols, N(cols), "name", series, 1, NULL);
	return rc < 0 ? rc : 0;
}

/* Funnel-shape diagnosis (漏斗形状诊断): which of the manual's funnel shapes the open
 * pipeline of each group has, and the management answer to it. The rules and their
 * precedence are documented with kiscrm_report_funnel_diagnosis() in kiscrm/report.h;
 * the thresholds come from analysis.yaml:
 *   thin_top_ratio      first-stage count below this × the average of the other working
 *                       stages is a thin top;
 *   bottleneck_ratio    a stage holding more than this × the previous stage is a bottleneck;
 *   fat_top_conversion  first stage → won conversion below this (first stage widest) is a
 *                       fat top with a thin bottom;
 *   bottom_heavy_share  the last two working stages holding more than this share of the
 *                       open count is bottom-heavy. */
#include "funnel_data.h"
#include "core/error.h"
#include "kiscrm/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shape {
	const char *code, *zh, *en;
} shape;

/* The texts are part of the contract (kiscrm/report.h documents them verbatim). */
static const shape HEALTHY = { "healthy", "保持", "Keep the rhythm." };
static const shape THIN_TOP = {
	"thin_top", "增加前端商机：网格化营销、市场活动、电话营销、老客户二次销售",
	"More opportunities: grid marketing, market activities, telemarketing, resale to "
	"existing customers."
};
static const shape BOTTLENECK = {
	"bottleneck", "疏通该阶段：流程、资源、辅导",
	"Unblock this stage: process, resources, coaching."
};
static const shape FAT_TOP = {
	"fat_top_thin_bottom", "提高转化：商机质量、销售技能",
	"Improve conversion: opportunity qualification, selling skills."
};
static const shape BOTTOM_HEAVY = {
	"bottom_heavy", "本季度尚可、下季度将不足，需补充前端商机",
	"This quarter is fine, next quarters will fall short: fill the top of the funnel now."
};

/* The shape of one group's funnel; *stage is the bottleneck stage or -1. */
static const shape *classify(const kc_funnel *f, const kc_analysis *a, size_t g, int *stage)
{
	size_t n = f->nwork;
	int64_t total = 0, rest = 0, widest_other = 0;
	*stage = -1;
	for (size_t s = 0; s < n; s++) {
		int64_t c = kc_funnel_cell(f, g, s)->count;
		total += c;
		if (s > 0) {
			rest += c;
			if (c > widest_other)
				widest_other = c;
		}
	}
	if (total == 0)
		return &THIN_TOP;
	int64_t first = kc_funnel_cell(f, g, 0)->count;
	if (n >= 2) {
		int64_t bottom = kc_funnel_cell(f, g, n - 2)->count + kc_funnel_cell(f, g, n - 1)->count;
		if ((double)bottom > a->bottom_heavy_share * (double)total)
			return &BOTTOM_HEAVY;
		if ((double)first < a->thin_top_ratio * ((double)rest / (double)(n - 1)))
			return &THIN_TOP;
	}
	for (size_t s = 1; s < n; s++)
		if ((double)kc_funnel_cell(f, g, s)->count >
		    a->bottleneck_ratio * (double)kc_funnel_cell(f, g, s - 1)->count) {
			*stage = (int)s;
			return &BOTTLENECK;
		}
	const kc_fcell *top = kc_funnel_cell(f, g, 0);
	if (first >= widest_other && top->entered &&
	    (double)top->to_won / (double)top->entered < a->fat_top_conversion)
		return &FAT_TOP;
	for (size_t s = 1; s < n; s++)
		if (kc_funnel_cell(f, g, s)->count > kc_funnel_cell(f, g, s - 1)->count) {
			*stage = (int)s;
			return &BOTTLENECK;
		}
	return &HEALTHY;
}

static int add_columns(const kc_funnel *f, kiscrm_table *t)
{
	static const char *const fixed[] = {
		"code:text", "stage:text", "remedy_zh:text", "remedy_en:text", "open_count:int",
		"conversion:rate", NULL,
	};
	int rc = kc_add_columns(t, fixed);
	for (size_t s = 0; rc == 0 && s < f->nwork; s++) {
		char name[160];
		int n = snprintf(name, sizeof(name), "count_%s", f->pl->stages[s].key);
		if (n < 0 || (size_t)n >= sizeof(name))
			return kc_error_set(KISCRM_EINVALID, "stage key too long: '%s'", f->pl->stages[s].key);
		rc = kiscrm_table_add_column(t, name, KISCRM_TYPE_INT);
		/* Labelled from the stage's configured names: "需求(诊断)阶段数量". */
		char zh[192], en[192];
		snprintf(zh, sizeof(zh), "%s数量", f->pl->stages[s].zh);
		snprintf(en, sizeof(en), "%s count", f->pl->stages[s].en);
		if (rc == 0)
			rc = kc_table_set_column_label(t, kiscrm_table_column_count(t) - 1, zh, en);
	}
	return rc;
}

static int group_row(const kc_funnel *f, const kc_analysis *a, kiscrm_table *t, size_t g, size_t base)
{
	int stage;
	const shape *sh = classify(f, a, g, &stage);
	const kc_fcell *top = kc_funnel_cell(f, g, 0);
	size_t row;
	int rc = kc_report_add_row(f->r, t, g, KISCRM_ROW_DETAIL, &row);
	if (rc == 0)
		rc = kc_cell_text(t, row, base, sh->code);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + 1, stage < 0 ? NULL : f->pl->stages[stage].key);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + 2, sh->zh);
	if (rc == 0)
		rc = kc_cell_text(t, row, base + 3, sh->en);
	if (rc == 0)
		rc = kc_cell_int(t, row, base + 4, f->groups[g].open_count);
	if (rc == 0)
		rc = kc_cell_ratio(t, row, base + 5, (double)top->to_won, (double)top->entered);
	for (size_t s = 0; rc == 0 && s < f->nwork; s++)
		rc = kc_cell_int(t, row, base + 6 + s, kc_funnel_cell(f, g, s)->count);
	return rc;
}

int kiscrm_report_funnel_diagnosis(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	kc_report r;
	kc_funnel f;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	int rc = kc_funnel_report_begin(&r, &f, out, db, opts, 0, "kiscrm_report_funnel_diagnosis");
	if (rc)
		return rc;
	const kc_analysis *a = kc_config_analysis(db->config);
	if (f.nwork == 0)
		rc = kc_error_set(KISCRM_ECONFIG, "pipeline '%s' has no working stage", f.pl->key);
	if (rc == 0 && (rc = kc_report_table(&r, &t, "funnel-diagnosis")) == 0 &&
	    (rc = add_columns(&f, t)) == 0)
		rc = kc_report_sorted(&r, &order);
	for (size_t k = 0; rc == 0 && k < f.ngroups; k++)
		rc = group_row(&f, a, t, order[k], r.o.ngroup);
	free(order);
	kc_funnel_free(&f);
	return kc_report_finish(out, t, &r, rc);
}

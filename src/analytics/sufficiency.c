/* Opportunity sufficiency (商机充足率), §9 of the domain, on the engine of
 * forecast_internal.h, with the causes of an insufficient group; and the window and end
 * the gap report shares (kept here, apart from gap.c, because the KPI metrics read this
 * report while gap.c reads the KPI metrics). */
#include "forecast_internal.h"
#include "market/grid.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/options.h"
#include "kiscrm/date.h"
#include "kiscrm/table.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *code, *zh, *en;
} causes[] = {
	{ KC_FC_SRC_GRID, "grid_coverage", "网格覆盖不足", "grid coverage" },
	{ KC_FC_SRC_MARKET, "market_activity", "市场活动不足", "market activities" },
	{ KC_FC_SRC_TELE, "telemarketing", "电话营销不足", "telemarketing" },
	{ KC_FC_SRC_RESALE, "resale", "老客户二次销售不足", "resale to existing customers" },
	{ 0, "staff_ability", "人员能力不足", "staff ability" },
};

/* Window of gap and sufficiency: from/to, else the period (default quarter) of as_of. */
int kc_gap_begin(kc_fc *fc, kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts,
		 int collections, int *period)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output table pointer is NULL");
	*out = NULL;
	kiscrm_report_options o;
	int rc = kc_options_copy(&o, opts, &kc_report_options_v);
	if (rc)
		return rc;
	if (!o.period)
		o.period = KISCRM_PERIOD_QUARTER;
	*period = o.period;
	rc = kc_fc_begin(fc, db, &o, o.forecast);
	if (rc)
		return rc;
	fc->want_targets = 1;
	fc->want_collections = collections;
	/* the gap report's acceleration lever: open deals expected within as many days after
	 * the window as it lasts */
	fc->want_accel = collections;
	fc->want_sources = !collections; /* the sufficiency report's causes */
	fc->accel_to = fc->r.to + (fc->r.to - fc->r.from);
	if ((rc = kc_fc_run(fc)) != 0)
		kc_fc_end(fc);
	return rc;
}

int kc_gap_finish(kc_fc *fc, kiscrm_table *t, size_t *order, int rc, kiscrm_table **out)
{
	free(order);
	kc_fc_end(fc);
	return kc_report_deliver(out, t, rc);
}

/* The causes of an insufficient group: keys into *codes, display text into *text. */
static int causes_of(unsigned sources, int zh, kiscrm_buf *codes, kiscrm_buf *text)
{
	int rc = 0, n = 0;
	size_t ncauses = sizeof(causes) / sizeof(causes[0]);
	for (size_t i = 0; rc == 0 && i < ncauses; i++) {
		int hit = causes[i].bit ? !(sources & causes[i].bit) : (sources & KC_FC_SRC_ALL) == KC_FC_SRC_ALL;
		if (!hit)
			continue;
		if ((rc = kc_buf_puts(codes, n ? "," : "")) || (rc = kc_buf_puts(codes, causes[i].code)) ||
		    (rc = kc_buf_puts(text, n ? (zh ? "；" : "; ") : "")) ||
		    (rc = kc_buf_puts(text, zh ? causes[i].zh : causes[i].en)))
			break;
		n++;
	}
	return rc;
}

/* The channels of group @g with the grid's verdict in place of the grid source tag once
 * grid cells exist: the grid is covered when the group (the company, or a person or
 * department by the cells they own) has cells and none of them is thin. Groupings the grid
 * does not know (business line, …) keep the tag. */
static unsigned with_grid(const kc_fc *fc, const kc_grid *grid, size_t g, unsigned sources)
{
	int dim;
	kiscrm_id id;
	if (!grid->n || !kc_report_group_subject(&fc->r, g, &dim, &id))
		return sources;
	int cells = 0, thin = 0;
	for (size_t i = 0; i < grid->n; i++) {
		const kc_grid_cell *c = &grid->cells[i];
		if ((dim == KISCRM_GROUP_OWNER && c->owner != id) || (dim == KISCRM_GROUP_DEPARTMENT && c->department != id))
			continue;
		cells++;
		thin |= c->thin;
	}
	return cells && !thin ? sources | KC_FC_SRC_GRID : sources & ~KC_FC_SRC_GRID;
}

static int sufficiency_rows(kc_fc *fc, const kc_grid *grid, kiscrm_table *t, const size_t *order, int period)
{
	size_t base = fc->r.o.ngroup;
	double threshold = kc_fc_threshold(fc);
	int zh = kc_fc_zh(fc), rc = 0;
	kiscrm_buf codes = KISCRM_BUF_INIT, text = KISCRM_BUF_INIT;
	for (size_t i = 0; rc == 0 && i < fc->r.ngroups; i++) {
		size_t g = order[i], row;
		const kc_fc_cell *c = kc_fc_cell_at(fc, g, 0);
		kiscrm_money target = 0;
		int has = kc_fc_target_of(fc, g, KC_FC_CONTRACTS, period, &target);
		if ((rc = kc_report_add_row(&fc->r, t, g, KISCRM_ROW_DETAIL, &row)) ||
		    (rc = kc_cell_int(t, row, base + 1, c->closed)) ||
		    (rc = kc_cell_int(t, row, base + 3, c->open)) ||
		    (rc = kc_cell_rate(t, row, base + 5, threshold)))
			break;
		if (!has)
			continue;
		kiscrm_money remaining = target;
		if ((rc = kc_fc_add(&remaining, -c->closed, "remaining target")) ||
		    (rc = kc_cell_int(t, row, base, target)) || (rc = kc_cell_int(t, row, base + 2, remaining)))
			break;
		if (remaining <= 0) { /* target met: no ratio, not insufficient */
			rc = kc_cell_int(t, row, base + 6, 0);
			continue;
		}
		double ratio = (double)c->open / (double)remaining;
		int insufficient = ratio < threshold;
		if ((rc = kc_cell_rate(t, row, base + 4, ratio)) || (rc = kc_cell_int(t, row, base + 6, insufficient)))
			break;
		if (!insufficient)
			continue;
		codes.size = text.size = 0;
		if (codes.ptr)
			codes.ptr[0] = '\0';
		if (text.ptr)
			text.ptr[0] = '\0';
		if ((rc = causes_of(with_grid(fc, grid, g, c->sources), zh, &codes, &text)) ||
		    (rc = kc_cell_text(t, row, base + 7, codes.ptr)) ||
		    (rc = kc_cell_text(t, row, base + 8, text.ptr)))
			break;
	}
	kiscrm_buf_dispose(&codes);
	kiscrm_buf_dispose(&text);
	return rc;
}

int kiscrm_report_sufficiency(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = {
		"target:money", "achieved:money", "remaining:money", "pipeline:money", "ratio:rate",
		"threshold:rate", "insufficient:int", "causes:text", "causes_text:text", NULL,
	};
	kc_fc fc;
	int period = 0;
	int rc = kc_gap_begin(&fc, out, db, opts, 0, &period);
	if (rc)
		return rc;
	kiscrm_table *t = NULL;
	size_t *order = NULL;
	kc_grid grid;
	if ((rc = kc_grid_load(&grid, &fc.r)) != 0)
		return kc_gap_finish(&fc, NULL, NULL, rc, out);
	if ((rc = kc_report_table(&fc.r, &t, "sufficiency")) == 0 && (rc = kc_add_columns(t, cols)) == 0 &&
	    (rc = kc_report_sorted(&fc.r, &order)) == 0)
		rc = sufficiency_rows(&fc, &grid, t, order, period);
	kc_grid_free(&grid);
	return kc_gap_finish(&fc, t, order, rc, out);
}

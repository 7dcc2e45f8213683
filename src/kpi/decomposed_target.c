/* The target of a KPI subject (a person, a department, the company) for a window, read
 * from the decomposed targets (kc_target_sum, src/targets/lookup.h). */
#include "kpi/kpi_internal.h"
#include "targets/lookup.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "kiscrm/target.h"

#include <string.h>

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

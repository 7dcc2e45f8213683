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

/* One level's targets: from the memo when there is one, else by a query. */
static int sum_at(kiscrm_db *db, kc_target_memo **memo, const kiscrm_kpi_context *ctx, const char *metric,
		  int period, unsigned level, kiscrm_id dept, kiscrm_id owner, int *found, kiscrm_money *amount,
		  int64_t *count)
{
	if (memo)
		return kc_target_memo_sum(memo, db, metric, period, ctx->from, ctx->to, level, dept, owner, amount,
					  count, found);
	kc_dims d;
	memset(&d, 0, sizeof(d));
	d.department_id = dept;
	d.owner_id = owner;
	return kc_target_sum(db, metric, period, ctx->from, ctx->to, level, level ? &d : NULL, amount, count, found);
}

static int target_at(kiscrm_db *db, kc_target_memo **memo, const kiscrm_kpi_context *ctx, const char *metric,
		     int period, int *found, kiscrm_money *amount, int64_t *count)
{
	int rc;
	*found = 0;
	switch (ctx->scope) {
	case KISCRM_KPI_SCOPE_PERSON:
		if ((rc = sum_at(db, memo, ctx, metric, period, KC_TLEVEL_OWNER, ctx->department_id, ctx->staff_id,
				 found, amount, count)) || *found)
			return rc;
		return sum_at(db, memo, ctx, metric, period, KC_TLEVEL_DEPARTMENT | KC_TLEVEL_OWNER,
			      ctx->department_id, ctx->staff_id, found, amount, count);
	case KISCRM_KPI_SCOPE_DEPARTMENT:
		return sum_at(db, memo, ctx, metric, period, KC_TLEVEL_DEPARTMENT, ctx->department_id, 0, found,
			      amount, count);
	default:
		return sum_at(db, memo, ctx, metric, period, 0, 0, 0, found, amount, count);
	}
}

int kc_kpi_decomposed_target(kiscrm_db *db, kc_target_memo **memo, const kiscrm_kpi_context *ctx,
			     const char *target_metric, int *found, kiscrm_money *amount, int64_t *count)
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
		int rc = target_at(db, memo, ctx, target_metric, kinds[i], found, &a, &c);
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

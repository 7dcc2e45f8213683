/* What the population cache (population.c) shares with the built-in metrics
 * (metrics_builtin.c): which built-in a metric is, and the pieces that turn data read for
 * a whole population into exactly the value the metric's own function computes. */
#ifndef KC_KPI_METRICS_BUILTIN_H
#define KC_KPI_METRICS_BUILTIN_H

#include "kpi/kpi_internal.h"
#include "kiscrm/report.h"
#include "kiscrm/table.h"
#include "kiscrm/sys/backend.h"

#include <stdint.h>

/* The built-in metrics the cache knows (scan metrics up to B_MANUAL, then those read from
 * a report), B_NONE for any other metric. */
enum { B_CONTRACT, B_COMPLETION, B_COLLECTION, B_NEW_OPP, B_CYCLE, B_MANUAL, B_QUAL, B_WIN, B_ACCURACY,
       B_SUFF, B_RECV, B_NONE };

/* The B_* of a metric, by its compute function (a registered metric is B_NONE). */
int kc_kpi_builtin_kind(const kiscrm_kpi_metric *m);

/* A public report the report metrics read (kiscrm_report_win_rate, …). */
typedef int (*kc_kpi_report_fn)(kiscrm_table **, kiscrm_db *, const kiscrm_report_options *);

/* Condition values: an integer of `type` … */
static inline kiscrm_value kc_kpi_ival(int type, int64_t v)
{
	kiscrm_value x;
	x.type = type;
	x.u.i = v;
	return x;
}

/* … and text (NULL when s is NULL). */
static inline kiscrm_value kc_kpi_tval(const char *s)
{
	kiscrm_value x;
	x.type = s ? KISCRM_TYPE_TEXT : KISCRM_TYPE_NULL;
	x.u.s = s;
	return x;
}

/* Appends the conditions field in [ctx->from, ctx->to) to c[*n]. */
void kc_kpi_window_conds(kiscrm_cond *c, int *n, const kiscrm_kpi_context *ctx, int field);

/* Sets a money actual (minor units, and major units as the double). */
void kc_kpi_set_money(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_money v);

/* target_completion from the subject's contract sum. */
int kc_kpi_completion_of(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx,
			 kiscrm_money sum);

/* Reads RATE column @col of row @row of @t: has_actual stays 0 when NULL or absent (-1). */
int kc_kpi_read_rate(kiscrm_kpi_value *out, kiscrm_table *t, long row, const char *col);

/* Sufficiency of row @row of a sufficiency table (-1: the subject has no row). */
int kc_kpi_read_sufficiency(kiscrm_kpi_value *out, kiscrm_table *t, long row);

/* Overdue amount of row @row of a receivables table; 0 when the row is -1. */
int kc_kpi_read_overdue(kiscrm_kpi_value *out, kiscrm_db *db, kiscrm_table *t, long row);

#endif

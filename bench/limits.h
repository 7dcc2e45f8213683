/* The C limit of every report job (limits.c): the same figures as the report, computed by
 * one pass of plain C over packed arrays of just the columns the job reads, loaded
 * beforehand (not timed). No library, no SQL, no records: what any implementation of the
 * job must at least spend. Each limit is checked against the API's table of the same job
 * (lim_check), so that it cannot silently compute something else. */
#ifndef KISCRM_BENCH_LIMITS_H
#define KISCRM_BENCH_LIMITS_H

#include "bench.h"

#include <kiscrm/table.h>

/* Packed columns (int32/int64 arrays, one per field; no structs of rows) and the scratch
 * of the passes: ~200 bytes per opportunity with its four history rows, its share of
 * contracts and of the rolling budget's project rows (~2 GB at 10,000,000). */
typedef struct lim_cols lim_cols;

/* The report window and weeks the jobs use (the bench's raw SQL binds the same). */
typedef struct {
	kiscrm_date w;        /* first day of the as-of week */
	kiscrm_date from, to; /* fiscal quarter of as_of */
} lim_window;

lim_cols *lim_cols_build(const params *p, const stages *st, const lim_window *win);
void lim_cols_free(lim_cols *c);
size_t lim_cols_bytes(const lim_cols *c);

/* The limit jobs, by the bench's job names ("funnel", "rolling_budget", ...): NULL when
 * there is none. A job_fn: takes the lim_cols, returns the rows of the result table. */
typedef long (*lim_fn)(void *cols);
lim_fn lim_job(const char *job);

/* Compares the figures of the last run of @job's limit with the API's table @t. Returns
 * 0 when they agree, else -1 with a description of the first difference in @why. */
int lim_check(lim_cols *c, const char *job, const kiscrm_table *t, char *why, size_t size);

#endif

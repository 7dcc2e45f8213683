/* The hand-written side of kiscrm-bench (raw_sql.c): every SQL form of every job on the
 * library's own SQLite schema, read as a consumer of the report would; the raw bulk load;
 * and, with libpq, the same aggregates and a COPY load on PostgreSQL. */
#ifndef KISCRM_BENCH_RAW_SQL_H
#define KISCRM_BENCH_RAW_SQL_H

#include "bench.h"

#include <sqlite3.h>

#ifdef KISCRM_BENCH_PG
#include "pg_raw.h"
#define PG_FN(f) f
#else
#define PG_FN(f) NULL
#endif

/* The raw connections use the page cache the library's SQLite backend sets, so that both
 * sides run with the same settings (WAL, synchronous NORMAL, this cache). */
#define RAW_CACHE_PRAGMA "PRAGMA cache_size = -65536"

void sq_check_at(sqlite3 *db, int rc, const char *what, int line);
#define SQCHECK(db, x) sq_check_at((db), (x), #x, __LINE__)
void sq_exec(sqlite3 *db, const char *sql);

typedef struct {
	sqlite3 *db;
	const params *p;
	const stages *st;
	kiscrm_date w;        /* first day of the as-of week */
	kiscrm_date from, to; /* fiscal quarter of as_of */
	char *funnel_sql, *budget_sql, *gap_sql, *suff_sql, *kpi_sql;
	char *funnel_corr_sql, *funnel_grouped_sql, *summary_sql; /* the alternative forms */
	char *gap_grouped_sql, *suff_grouped_sql, *kpi_grouped_sql;
	int64_t checksum;     /* keeps the compiler from dropping work; printed in JSON */
#ifdef KISCRM_BENCH_PG
	pgr *pg;              /* set: the aggregates run on PostgreSQL (pg_raw.c) */
	char *pg_sql[5];      /* funnel, budget, gap, sufficiency, KPI, translated */
#endif
} raw_ctx;

/* Builds the SQL text of every form (freed by raw_free_sql). */
void build_sql(raw_ctx *x);
void raw_free_sql(raw_ctx *x);

/* The forms, as job_fn: the raw_ctx in, the rows of the report's table out. */
long raw_funnel(void *payload);
long raw_funnel_correlated(void *payload);
long raw_funnel_grouped(void *payload);
long raw_budget(void *payload);
long raw_summary(void *payload);
long raw_gap(void *payload);
long raw_gap_grouped(void *payload);
long raw_sufficiency(void *payload);
long raw_sufficiency_grouped(void *payload);
long raw_kpi(void *payload);
long raw_kpi_grouped(void *payload);

/* The opportunities and their history by prepared inserts into the library's schema in
 * the (empty) file @path; @rebuild: secondary indexes dropped first, built again after.
 * Returns the seconds; *commit_s the part after the last row (index builds and COMMIT). */
double raw_load(const char *path, const params *p, const stages *st, int rebuild, double *commit_s);

#ifdef KISCRM_BENCH_PG
long pg_funnel(void *payload);
long pg_budget(void *payload);
long pg_gap(void *payload);
long pg_sufficiency(void *payload);
long pg_kpi(void *payload);
/* The same rows as raw_load(), by COPY into the library's tables in @x's schema. */
double pg_copy_load(pgr *x, const params *p, const stages *st);
#endif

#endif

/* The benchmark's hand-written side on PostgreSQL (pg_raw.c): COPY of generated rows into
 * the library's tables, and the report aggregates run as SQL on the same server. Kept
 * apart from kiscrm_bench.c so that only this file needs libpq; the data generator and
 * the SQL texts stay in kiscrm_bench.c. */
#ifndef KISCRM_BENCH_PG_RAW_H
#define KISCRM_BENCH_PG_RAW_H

#include <stddef.h>
#include <stdint.h>

typedef struct pgr pgr;

/* Connects to @conninfo with the first schema of the search path set to @schema (created,
 * or emptied, when @fresh). Exits the program on failure, like the rest of the bench. */
pgr *pgr_open(const char *conninfo, const char *schema, int fresh);
void pgr_close(pgr *x);
/* Runs SQL text without results (DDL, ANALYZE, transaction control). */
void pgr_exec(pgr *x, const char *sql);
/* The connection string of the library's handles for the same schema (static storage of
 * @x, valid until pgr_close). */
const char *pgr_conninfo(const pgr *x);
/* Drops the schema (--keep not given). */
void pgr_drop_schema(pgr *x);

/* COPY: starts `COPY @table_and_columns FROM STDIN` (text format), takes lines (tab
 * separated, \N for NULL, ending in a newline), ends it. Lines are buffered and sent in
 * large pieces. */
void pgr_copy_begin(pgr *x, const char *table_and_columns);
void pgr_copy_line(pgr *x, const char *line, size_t len);
void pgr_copy_end(pgr *x);

/* Rewrites one of the bench's SQLite-dialect aggregates for PostgreSQL: ?N parameters as
 * $N, the scalar max(0, …) / min(a, b) as GREATEST / LEAST, and the GROUP BY keys that
 * PostgreSQL wants listed. Returns malloc'd text. */
char *pgr_translate(const char *sqlite_sql);

/* Runs @sql with @n text parameters and reads every cell of every row as a consumer
 * would, adding numbers (and text lengths) to *checksum. With @subtotal_cols > 0, a
 * change of the first @subtotal_cols columns between consecutive rows counts one extra
 * (sub-total) row, as the rolling budget's raw side does. Returns the rows of the result
 * table. */
long pgr_query(pgr *x, const char *sql, int n, const char *const *params, int subtotal_cols,
	       int64_t *checksum);

#endif

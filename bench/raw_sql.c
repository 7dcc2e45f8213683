/* The hand-written side of the bench (see raw_sql.h): the SQL texts of every job's forms,
 * their readers, the raw SQLite bulk load, and the same on PostgreSQL (COPY, and the
 * aggregates translated by pg_raw.c). */
#include "raw_sql.h"

#include <kiscrm/budget.h>
#include <kiscrm/config.h>
#include <kiscrm/pipeline.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sq_check_at(sqlite3 *db, int rc, const char *what, int line)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("SQLite: %s failed (line %d): %s", what, line, sqlite3_errmsg(db));
}

/* ---- the raw insert ceiling -------------------------------------------------------- */

/* The raw connections use the page cache the library's SQLite backend sets, so that both
 * sides run with the same settings (WAL, synchronous NORMAL, this cache). */

void sq_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("SQLite: %s: %s", sql, err ? err : "?");
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/* The secondary indexes of the opportunity and history tables: dropped (their CREATE
 * statements kept in @sql, NULL-terminated) before a bulk load that rebuilds them. */
#define MAX_INDEXES 32

static void drop_indexes(sqlite3 *db, char **sql)
{
	sqlite3_stmt *s;
	int n = 0;
	SQCHECK(db, sqlite3_prepare_v2(db, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
				   "AND tbl_name IN ('opportunity', 'stage_history')", -1, &s, NULL));
	while (sqlite3_step(s) == SQLITE_ROW && n < MAX_INDEXES - 1)
		sql[n++] = strdup((const char *)sqlite3_column_text(s, 1));
	sql[n] = NULL;
	sqlite3_finalize(s);
	for (int i = 0; i < n; i++) {
		/* "CREATE INDEX [IF NOT EXISTS] "name" ON ..." -> DROP INDEX "name" */
		char drop[256];
		const char *q = strchr(sql[i], '"'), *e = q ? strchr(q + 1, '"') : NULL;
		if (!q || !e)
			die("cannot read the index name of: %s", sql[i]);
		snprintf(drop, sizeof(drop), "DROP INDEX %.*s", (int)(e - q + 1), q);
		sq_exec(db, drop);
	}
}

static void rebuild_indexes(sqlite3 *db, char **sql)
{
	for (int i = 0; sql[i]; i++) {
		sq_exec(db, sql[i]);
		free(sql[i]);
	}
}

/* The same opportunity and history rows (with what the library derives) inserted by
 * prepared statements into the library's schema in a second file holding the organisation
 * (kiscrm_bench.c, open_with_org): the ceiling. With @rebuild, the two tables' secondary
 * indexes are dropped first and built again after the rows, in the same transaction (the
 * classic bulk-load form; timed with the rebuild). */
double raw_load(const char *path, const params *p, const stages *st, int rebuild, double *commit_s)
{
	sqlite3 *db;
	sqlite3_stmt *ins_o, *ins_h;
	opp_t o;
	double t0;
	char *indexes[MAX_INDEXES] = { NULL };

	SQCHECK(NULL, sqlite3_open(path, &db));
	sq_exec(db, "PRAGMA journal_mode = WAL");
	sq_exec(db, "PRAGMA synchronous = NORMAL");
	sq_exec(db, RAW_CACHE_PRAGMA);
	SQCHECK(db, sqlite3_prepare_v2(db,
		"INSERT INTO opportunity (name, customer_id, owner_id, department_id, business_line, "
		"product_line, amount, expected_close, pipeline, stage, probability, probability_manual, "
		"forecast_category, source, size_class, status, created, closed) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12, ?13, ?14, ?15, ?16, ?17)",
		-1, &ins_o, NULL));
	SQCHECK(db, sqlite3_prepare_v2(db,
		"INSERT INTO stage_history (opportunity_id, from_stage, to_stage, at, by_id, amount, pipeline) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &ins_h, NULL));
	t0 = now();
	sq_exec(db, "BEGIN");
	if (rebuild)
		drop_indexes(db, indexes);
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		sqlite3_bind_text(ins_o, 1, o.name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins_o, 2, o.customer);
		sqlite3_bind_int64(ins_o, 3, o.owner);
		sqlite3_bind_int64(ins_o, 4, o.dept);
		sqlite3_bind_text(ins_o, 5, business_lines[o.bl], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 6, product_lines[o.pl], -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_o, 7, o.amount);
		sqlite3_bind_int64(ins_o, 8, o.expected);
		sqlite3_bind_text(ins_o, 9, st->pipeline, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 10, st->key[o.final], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins_o, 11, st->prob[o.final]);
		bind_text_or_null(ins_o, 12, st->cat[o.final]);
		sqlite3_bind_text(ins_o, 13, sources[o.src], -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 14, size_class(o.amount), -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_o, 15, status_of(st, o.final), -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_o, 16, o.created);
		if (o.closed != KISCRM_DATE_NONE)
			sqlite3_bind_int64(ins_o, 17, o.closed);
		else
			sqlite3_bind_null(ins_o, 17);
		SQCHECK(db, sqlite3_step(ins_o));
		sqlite3_reset(ins_o);
	}
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++) {
			sqlite3_bind_int64(ins_h, 1, o.id);
			bind_text_or_null(ins_h, 2, k ? st->key[o.path[k - 1]] : NULL);
			sqlite3_bind_text(ins_h, 3, st->key[o.path[k]], -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins_h, 4, o.at[k]);
			if (k)
				sqlite3_bind_int64(ins_h, 5, o.owner);
			else
				sqlite3_bind_null(ins_h, 5);
			sqlite3_bind_int64(ins_h, 6, o.amount);
			sqlite3_bind_text(ins_h, 7, st->pipeline, -1, SQLITE_STATIC);
			SQCHECK(db, sqlite3_step(ins_h));
			sqlite3_reset(ins_h);
		}
	}
	double t1 = now();
	if (p->rows_only) { /* closing rolls the rows back */
		*commit_s = 0;
		for (int i = 0; indexes[i]; i++)
			free(indexes[i]);
		sqlite3_finalize(ins_o);
		sqlite3_finalize(ins_h);
		sqlite3_close(db);
		return t1 - t0;
	}
	rebuild_indexes(db, indexes);
	sq_exec(db, "COMMIT");
	*commit_s = now() - t1;
	t0 = now() - t0;
	sqlite3_finalize(ins_o);
	sqlite3_finalize(ins_h);
	sqlite3_close(db);
	return t0;
}

/* ---- hand-written SQL ------------------------------------------------------------- */

typedef struct {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int need;
	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		die("vsnprintf failed");
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = (b->n + (size_t)need + 1) * 2;
		char *q = realloc(b->p, cap);
		if (!q)
			die("out of memory");
		b->p = q;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die("SQLite: cannot prepare: %s\n%s", sqlite3_errmsg(db), sql);
	return s;
}

/* Reads every column of every row, as a consumer would. */
static long drain(raw_ctx *x, sqlite3_stmt *s)
{
	long rows = 0;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(s);
		rows++;
		for (int c = 0; c < nc; c++) {
			switch (sqlite3_column_type(s, c)) {
			case SQLITE_INTEGER:
				x->checksum += sqlite3_column_int64(s, c);
				break;
			case SQLITE_FLOAT:
				x->checksum += (int64_t)sqlite3_column_double(s, c);
				break;
			case SQLITE_TEXT:
				x->checksum += sqlite3_column_bytes(s, c);
				break;
			default:
				break;
			}
		}
	}
	SQCHECK(x->db, rc);
	return rows;
}

/* The funnel with a correlated subquery per history row instead of the two windows: the
 * next entry of the same opportunity and the highest later non-lost stage are looked up
 * through the index on stage_history.opportunity_id (four rows per opportunity), so no
 * sort of the whole history is needed. */
static void build_funnel_correlated(raw_ctx *x)
{
	const char *w = x->funnel_sql;
	const char *from = strstr(w, "h AS MATERIALIZED"), *to = strstr(w, "ent AS (");
	sbuf b = { NULL, 0, 0 };
	if (!from || !to)
		die("the funnel SQL has changed: no h AS MATERIALIZED ... ent AS");
	sb_printf(&b, "%.*s", (int)(from - w), w);
	sb_printf(&b, "h AS MATERIALIZED (SELECT x.opportunity_id AS o, x.at AS at, s.ord AS ord, s.term AS term,\n"
		"        (SELECT y.at FROM stage_history y WHERE y.opportunity_id = x.opportunity_id\n"
		"           AND (y.at, y.id) > (x.at, x.id) ORDER BY y.at, y.id LIMIT 1) AS next_at,\n"
		"        (SELECT max(s2.ord) FROM stage_history y JOIN st s2 ON s2.key = y.to_stage\n"
		"           WHERE y.opportunity_id = x.opportunity_id AND (y.at, y.id) > (x.at, x.id) AND s2.term <> 2) AS later\n"
		"        FROM stage_history x JOIN st s ON s.key = x.to_stage WHERE x.pipeline = ?1),\n");
	sb_printf(&b, "%s", to);
	x->funnel_corr_sql = b.p;
}

/* The rolling summary straight by person: the same facts as the budget's, each carrying
 * its owner, summed per person without building the project rows first. */
static void build_summary(raw_ctx *x)
{
	sbuf b = { NULL, 0, 0 };
	sb_printf(&b,
		"WITH col AS (SELECT contract_id AS cid, sum(amount) AS got FROM collection\n"
		"        WHERE received <= ?4 GROUP BY contract_id),\n"
		"pl AS (SELECT p.contract_id AS cid, k.owner_id AS own, k.department_id AS dep, p.due AS due, p.amount AS amt,\n"
		"        sum(p.amount) OVER (PARTITION BY p.contract_id ORDER BY p.due, p.id) AS cum\n"
		"        FROM collection_plan p JOIN contract k ON k.id = p.contract_id\n"
		"        WHERE p.contract_id IS NOT NULL AND k.signed <= ?4),\n"
		"facts(dep, own, wk, c, w, cl, pwc, pwcl) AS (\n"
		"  SELECT department_id, owner_id, max(0, (expected_close - ?1) / 7), amount, (amount * probability + 50) / 100, 0, 0, 0\n"
		"    FROM opportunity WHERE status = 'open' AND expected_close < ?2\n"
		"  UNION ALL SELECT o.department_id, o.owner_id, max(0, (p.due - ?1) / 7), 0, 0, p.amount, 0, 0\n"
		"    FROM collection_plan p JOIN opportunity o ON o.id = p.opportunity_id\n"
		"    WHERE p.opportunity_id IS NOT NULL AND p.due < ?2 AND o.status = 'open' AND o.expected_close < ?2\n"
		"  UNION ALL SELECT pl.dep, pl.own, max(0, (pl.due - ?1) / 7), 0, 0,\n"
		"         max(0, min(pl.amt, pl.cum - coalesce(col.got, 0))), 0, 0\n"
		"    FROM pl LEFT JOIN col ON col.cid = pl.cid WHERE pl.due < ?2 AND pl.cum - coalesce(col.got, 0) > 0\n"
		"  UNION ALL SELECT department_id, owner_id, NULL, 0, 0, 0, amount, 0 FROM contract WHERE signed >= ?3 AND signed < ?1\n"
		"  UNION ALL SELECT k.department_id, k.owner_id, NULL, 0, 0, 0, 0, x.amount\n"
		"    FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?3 AND x.received < ?1 AND k.signed <= ?4)\n"
		"SELECT d.name, s.name, sum(pwc), sum(pwcl)");
	for (int k = 0; k < 8; k++)
		sb_printf(&b, ",\n  sum(CASE WHEN wk = %d THEN c ELSE 0 END), sum(CASE WHEN wk = %d THEN w ELSE 0 END),"
			  " sum(CASE WHEN wk = %d THEN cl ELSE 0 END)", k, k, k);
	sb_printf(&b, "\nFROM facts LEFT JOIN staff s ON s.id = facts.own LEFT JOIN department d ON d.id = facts.dep\n"
		"GROUP BY facts.dep, facts.own ORDER BY d.name, s.name");
	x->summary_sql = b.p;
}

/* The funnel without count(DISTINCT): entries are first grouped by (opportunity, stage),
 * then counted per stage. (A median read by ORDER BY d LIMIT 2 OFFSET (count - 1) / 2
 * per stage cannot be written in one statement: SQLite's LIMIT takes no correlated
 * value.) */
static void build_funnel_grouped(raw_ctx *x)
{
	const char *w = x->funnel_sql;
	const char *from = strstr(w, "ent AS ("), *to = strstr(w, "stay AS (");
	sbuf b = { NULL, 0, 0 };
	if (!from || !to)
		die("the funnel SQL has changed: no ent AS ... stay AS");
	sb_printf(&b, "%.*s", (int)(from - w), w);
	sb_printf(&b, "eo AS (SELECT o, ord, max(term = 0 AND later > ord) AS cv FROM h GROUP BY o, ord),\n"
		"ent AS (SELECT ord, count(*) AS entered, sum(cv) AS converted FROM eo GROUP BY ord),\n");
	sb_printf(&b, "%s", to);
	x->funnel_grouped_sql = b.p;
}

/* Gap and sufficiency with each table aggregated by person on its own and the results
 * joined to staff, instead of one UNION ALL of every fact grouped at the end. */
static const char *const grouped_facts =
	"WITH t AS (SELECT owner_id AS own, sum(CASE WHEN metric = 'contract_amount' THEN amount END) AS tgt,\n"
	"        sum(CASE WHEN metric = 'collection_amount' THEN amount END) AS ctgt FROM target\n"
	"    WHERE metric IN ('contract_amount', 'collection_amount') AND period = 3 AND start >= ?1 AND start < ?2\n"
	"      AND owner_id IS NOT NULL AND department_id IS NULL AND business_line IS NULL AND product_line IS NULL\n"
	"    GROUP BY owner_id),\n"
	"k AS (SELECT owner_id AS own, sum(amount) AS ach FROM contract WHERE signed >= ?1 AND signed < ?2 GROUP BY owner_id),\n"
	"w AS (SELECT o.owner_id AS own, sum(o.amount) AS ach FROM opportunity o\n"
	"    WHERE o.status = 'won' AND o.closed >= ?1 AND o.closed < ?2\n"
	"      AND NOT EXISTS (SELECT 1 FROM contract c WHERE c.opportunity_id = o.id) GROUP BY o.owner_id),\n"
	"p AS (SELECT owner_id AS own, sum((amount * probability + 50) / 100) AS ex, sum(amount) AS pipe,\n"
	"        count(CASE WHEN source = 'grid' THEN 1 END) AS s1, count(CASE WHEN source = 'market_activity' THEN 1 END) AS s2,\n"
	"        count(CASE WHEN source = 'telemarketing' THEN 1 END) AS s3, count(CASE WHEN source = 'resale' THEN 1 END) AS s4\n"
	"    FROM opportunity WHERE status = 'open' AND expected_close >= ?1 AND expected_close < ?2 GROUP BY owner_id)";

static void build_gap_grouped(raw_ctx *x)
{
	sbuf b = { NULL, 0, 0 };
	sb_printf(&b, "%s,\n"
		"c AS (SELECT k.owner_id AS own, sum(x.amount) AS coll FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?1 AND x.received < ?2 GROUP BY k.owner_id)\n"
		"SELECT s.name, s.id, coalesce(t.tgt, 0), coalesce(k.ach, 0) + coalesce(w.ach, 0), coalesce(p.ex, 0),\n"
		"  coalesce(p.pipe, 0), coalesce(t.ctgt, 0), coalesce(c.coll, 0), t.tgt IS NOT NULL, t.ctgt IS NOT NULL\n"
		"FROM staff s LEFT JOIN t ON t.own = s.id LEFT JOIN k ON k.own = s.id LEFT JOIN w ON w.own = s.id\n"
		"  LEFT JOIN p ON p.own = s.id LEFT JOIN c ON c.own = s.id\n"
		"WHERE coalesce(t.own, k.own, w.own, p.own, c.own) IS NOT NULL ORDER BY s.name, s.id", grouped_facts);
	x->gap_grouped_sql = b.p;
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "%s\n"
		"SELECT s.name, s.id, coalesce(t.tgt, 0), coalesce(k.ach, 0) + coalesce(w.ach, 0), coalesce(p.pipe, 0),\n"
		"  t.tgt IS NOT NULL, coalesce(p.s1, 0), coalesce(p.s2, 0), coalesce(p.s3, 0), coalesce(p.s4, 0)\n"
		"FROM staff s LEFT JOIN t ON t.own = s.id LEFT JOIN k ON k.own = s.id LEFT JOIN w ON w.own = s.id\n"
		"  LEFT JOIN p ON p.own = s.id\n"
		"WHERE coalesce(t.own, k.own, w.own, p.own) IS NOT NULL ORDER BY s.name, s.id", grouped_facts);
	x->suff_grouped_sql = b.p;
}

/* The KPI core the same way: one aggregate per table, joined to the active staff. */
static void build_kpi_grouped(raw_ctx *x)
{
	sbuf b = { NULL, 0, 0 };
	sb_printf(&b,
		"WITH k AS (SELECT owner_id AS own, sum(amount) AS ca FROM contract WHERE signed >= ?1 AND signed < ?2 GROUP BY owner_id),\n"
		"t AS (SELECT owner_id AS own, sum(CASE metric WHEN 'contract_amount' THEN amount ELSE 0 END) AS ct,\n"
		"        sum(CASE metric WHEN 'collection_amount' THEN amount ELSE 0 END) AS cot FROM target\n"
		"    WHERE period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL GROUP BY owner_id),\n"
		"c AS (SELECT k.owner_id AS own, sum(x.amount) AS co FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?1 AND x.received < ?2 GROUP BY k.owner_id),\n"
		"o AS (SELECT owner_id AS own, count(*) AS nopp FROM opportunity WHERE created >= ?1 AND created < ?2 GROUP BY owner_id),\n"
		"u AS (SELECT owner_id AS own, count(*) AS ncust FROM customer WHERE created >= ?1 AND created < ?2 GROUP BY owner_id)\n"
		"SELECT s.id, s.name, d.name, s.role, coalesce(k.ca, 0), coalesce(t.ct, 0), coalesce(c.co, 0), coalesce(t.cot, 0),\n"
		"  coalesce(o.nopp, 0), coalesce(u.ncust, 0),\n"
		"  CASE WHEN t.ct > 0 THEN 1.0 * coalesce(k.ca, 0) / t.ct END, CASE WHEN t.cot > 0 THEN 1.0 * coalesce(c.co, 0) / t.cot END\n"
		"FROM staff s JOIN department d ON d.id = s.department_id LEFT JOIN k ON k.own = s.id LEFT JOIN t ON t.own = s.id\n"
		"  LEFT JOIN c ON c.own = s.id LEFT JOIN o ON o.own = s.id LEFT JOIN u ON u.own = s.id\n"
		"WHERE coalesce(s.active, 1) = 1 ORDER BY 11 DESC, s.name");
	x->kpi_grouped_sql = b.p;
}

static void build_alternatives(raw_ctx *x)
{
	build_funnel_correlated(x);
	build_funnel_grouped(x);
	build_summary(x);
	build_gap_grouped(x);
	build_kpi_grouped(x);
}

void build_sql(raw_ctx *x)
{
	const stages *st = x->st;
	sbuf b = { NULL, 0, 0 };

	/* Funnel: counts and amounts per stage; entries, conversions and stays from history. */
	sb_printf(&b, "WITH st(key, ord, term) AS (VALUES ");
	for (size_t s = 0; s < st->n; s++)
		sb_printf(&b, "%s('%s', %zu, %d)", s ? ", " : "", st->key[s], s, st->term[s]);
	sb_printf(&b, "),\n"
		"cur AS (SELECT stage, count(*) AS cnt, sum(amount) AS amt,\n"
		"        sum(CASE WHEN closed IS NOT NULL AND created IS NOT NULL THEN closed - created END) AS cyc,\n"
		"        count(CASE WHEN closed IS NOT NULL AND created IS NOT NULL THEN 1 END) AS ncyc\n"
		"        FROM opportunity WHERE pipeline = ?1 GROUP BY stage),\n"
		"h AS MATERIALIZED (SELECT x.opportunity_id AS o, x.at AS at, s.ord AS ord, s.term AS term,\n"
		"        lead(x.at) OVER w AS next_at,\n"
		"        max(CASE WHEN s.term <> 2 THEN s.ord END) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later\n"
		"        FROM stage_history x JOIN st s ON s.key = x.to_stage WHERE x.pipeline = ?1\n"
		"        WINDOW w AS (PARTITION BY x.opportunity_id ORDER BY x.at, x.id)),\n"
		"ent AS (SELECT ord, count(DISTINCT o) AS entered,\n"
		"        count(DISTINCT CASE WHEN term = 0 AND later > ord THEN o END) AS converted FROM h GROUP BY ord),\n"
		"stay AS (SELECT ord, (coalesce(next_at, ?2) - at) / 86400.0 AS d FROM h\n"
		"        WHERE term = 0 AND coalesce(next_at, ?2) >= at),\n"
		"rk AS (SELECT ord, d, row_number() OVER (PARTITION BY ord ORDER BY d) AS rn,\n"
		"        count(*) OVER (PARTITION BY ord) AS cnt FROM stay),\n"
		"med AS (SELECT ord, avg(d) AS avg_d,\n"
		"        avg(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN d END) AS med_d FROM rk GROUP BY ord)\n"
		"SELECT st.key, st.term, cur.cnt, cur.amt, ent.entered,\n"
		"       CASE WHEN st.term = 0 THEN ent.converted END,\n"
		"       CASE WHEN st.term = 0 AND ent.entered > 0 THEN 1.0 * ent.converted / ent.entered END,\n"
		"       med.avg_d, med.med_d, cur.cyc, cur.ncyc\n"
		"FROM st LEFT JOIN cur ON cur.stage = st.key LEFT JOIN ent ON ent.ord = st.ord\n"
		"LEFT JOIN med ON med.ord = st.ord ORDER BY st.ord");
	x->funnel_sql = b.p;

	/* Rolling budget: per project the eight weeks (contract, weighted, collection) and the
	 * past week's actuals; ?1 = W, ?2 = W + 56, ?3 = W - 7, ?4 = as_of. */
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b,
		"WITH col AS (SELECT contract_id AS cid, sum(amount) AS got FROM collection\n"
		"        WHERE received <= ?4 GROUP BY contract_id),\n"
		"pl AS (SELECT p.contract_id AS cid, p.due AS due, p.amount AS amt,\n"
		"        sum(p.amount) OVER (PARTITION BY p.contract_id ORDER BY p.due, p.id) AS cum\n"
		"        FROM collection_plan p JOIN contract k ON k.id = p.contract_id\n"
		"        WHERE p.contract_id IS NOT NULL AND k.signed <= ?4),\n"
		"facts(kind, pid, wk, c, w, cl, pwc, pwcl) AS (\n"
		"  SELECT 0, id, max(0, (expected_close - ?1) / 7), amount, (amount * probability + 50) / 100, 0, 0, 0\n"
		"    FROM opportunity WHERE status = 'open' AND expected_close < ?2\n"
		"  UNION ALL SELECT 0, p.opportunity_id, max(0, (p.due - ?1) / 7), 0, 0, p.amount, 0, 0\n"
		"    FROM collection_plan p JOIN opportunity o ON o.id = p.opportunity_id\n"
		"    WHERE p.opportunity_id IS NOT NULL AND p.due < ?2 AND o.status = 'open' AND o.expected_close < ?2\n"
		"  UNION ALL SELECT 1, pl.cid, max(0, (pl.due - ?1) / 7), 0, 0,\n"
		"         max(0, min(pl.amt, pl.cum - coalesce(col.got, 0))), 0, 0\n"
		"    FROM pl LEFT JOIN col ON col.cid = pl.cid WHERE pl.due < ?2 AND pl.cum - coalesce(col.got, 0) > 0\n"
		"  UNION ALL SELECT 1, id, NULL, 0, 0, 0, amount, 0 FROM contract WHERE signed >= ?3 AND signed < ?1\n"
		"  UNION ALL SELECT 1, x.contract_id, NULL, 0, 0, 0, 0, x.amount\n"
		"    FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?3 AND x.received < ?1 AND k.signed <= ?4),\n"
		"proj AS (SELECT kind, pid");
	for (int k = 0; k < 8; k++)
		sb_printf(&b, ",\n  sum(CASE WHEN wk = %d THEN c ELSE 0 END) AS c%d, sum(CASE WHEN wk = %d THEN w ELSE 0 END) AS w%d,"
			  " sum(CASE WHEN wk = %d THEN cl ELSE 0 END) AS l%d", k, k, k, k, k, k);
	sb_printf(&b, ",\n  sum(pwc) AS pwc, sum(pwcl) AS pwcl FROM facts GROUP BY kind, pid)\n"
		"SELECT d.name, s.name, proj.kind, CASE proj.kind WHEN 0 THEN proj.pid ELSE k.opportunity_id END,\n"
		"  CASE proj.kind WHEN 1 THEN proj.pid END, coalesce(o.name, k.number), c.name,\n"
		"  coalesce(o.business_line, k.business_line), coalesce(o.product_line, k.product_line), o.stage,\n"
		"  coalesce(o.expected_close, k.signed), o.probability, proj.pwc, proj.pwcl");
	for (int k = 0; k < 8; k++)
		sb_printf(&b, ", c%d, w%d, l%d", k, k, k);
	sb_printf(&b, "\nFROM proj LEFT JOIN opportunity o ON proj.kind = 0 AND o.id = proj.pid\n"
		"  LEFT JOIN contract k ON proj.kind = 1 AND k.id = proj.pid\n"
		"  LEFT JOIN staff s ON s.id = coalesce(o.owner_id, k.owner_id)\n"
		"  LEFT JOIN department d ON d.id = coalesce(o.department_id, k.department_id)\n"
		"  LEFT JOIN customer c ON c.id = coalesce(o.customer_id, k.customer_id)\n"
		"ORDER BY d.name, s.name, proj.kind, proj.pid");
	x->budget_sql = b.p;

	/* Gap and sufficiency by person over the fiscal quarter [?1, ?2). */
	static const char *const facts =
		"  SELECT owner_id AS own, amount AS tgt, 0 AS ach, 0 AS ex, 0 AS pipe, 0 AS ctgt, 0 AS coll,\n"
		"         1 AS has_t, 0 AS has_ct, NULL AS src FROM target\n"
		"    WHERE metric = 'contract_amount' AND period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"      AND department_id IS NULL AND business_line IS NULL AND product_line IS NULL\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, amount, 0, 0, 1, NULL FROM target\n"
		"    WHERE metric = 'collection_amount' AND period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"      AND department_id IS NULL AND business_line IS NULL AND product_line IS NULL\n"
		"  UNION ALL SELECT owner_id, 0, amount, 0, 0, 0, 0, 0, 0, NULL FROM contract WHERE signed >= ?1 AND signed < ?2\n"
		"  UNION ALL SELECT o.owner_id, 0, o.amount, 0, 0, 0, 0, 0, 0, NULL FROM opportunity o\n"
		"    WHERE o.status = 'won' AND o.closed >= ?1 AND o.closed < ?2\n"
		"      AND NOT EXISTS (SELECT 1 FROM contract k WHERE k.opportunity_id = o.id)\n"
		"  UNION ALL SELECT owner_id, 0, 0, (amount * probability + 50) / 100, amount, 0, 0, 0, 0, source\n"
		"    FROM opportunity WHERE status = 'open' AND expected_close >= ?1 AND expected_close < ?2\n";
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f AS (\n%s"
		"  UNION ALL SELECT k.owner_id, 0, 0, 0, 0, 0, x.amount, 0, 0, NULL\n"
		"    FROM collection x JOIN contract k ON k.id = x.contract_id WHERE x.received >= ?1 AND x.received < ?2)\n"
		"SELECT s.name, f.own, sum(tgt), sum(ach), sum(ex), sum(pipe), sum(ctgt), sum(coll), max(has_t), max(has_ct)\n"
		"FROM f JOIN staff s ON s.id = f.own GROUP BY f.own ORDER BY s.name, f.own", facts);
	x->gap_sql = b.p;
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f AS (\n%s)\n"
		"SELECT s.name, f.own, sum(tgt), sum(ach), sum(pipe), max(has_t),\n"
		"  count(CASE WHEN src = 'grid' THEN 1 END), count(CASE WHEN src = 'market_activity' THEN 1 END),\n"
		"  count(CASE WHEN src = 'telemarketing' THEN 1 END), count(CASE WHEN src = 'resale' THEN 1 END)\n"
		"FROM f JOIN staff s ON s.id = f.own GROUP BY f.own ORDER BY s.name, f.own", facts);
	x->suff_sql = b.p;

	/* KPI core: per active person, contracts signed, collections received, opportunities
	 * created and new customers in the quarter, with the quarter's targets. */
	b = (sbuf){ NULL, 0, 0 };
	sb_printf(&b, "WITH f(own, ca, ct, co, cot, nopp, ncust) AS (\n"
		"  SELECT owner_id, amount, 0, 0, 0, 0, 0 FROM contract WHERE signed >= ?1 AND signed < ?2\n"
		"  UNION ALL SELECT owner_id, 0, CASE metric WHEN 'contract_amount' THEN amount ELSE 0 END, 0,\n"
		"         CASE metric WHEN 'collection_amount' THEN amount ELSE 0 END, 0, 0 FROM target\n"
		"    WHERE period = 3 AND start >= ?1 AND start < ?2 AND owner_id IS NOT NULL\n"
		"  UNION ALL SELECT k.owner_id, 0, 0, x.amount, 0, 0, 0 FROM collection x JOIN contract k ON k.id = x.contract_id\n"
		"    WHERE x.received >= ?1 AND x.received < ?2\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, 1, 0 FROM opportunity WHERE created >= ?1 AND created < ?2\n"
		"  UNION ALL SELECT owner_id, 0, 0, 0, 0, 0, 1 FROM customer WHERE created >= ?1 AND created < ?2)\n"
		"SELECT s.id, s.name, d.name, s.role, sum(ca), sum(ct), sum(co), sum(cot), sum(nopp), sum(ncust),\n"
		"  CASE WHEN sum(ct) > 0 THEN 1.0 * sum(ca) / sum(ct) END, CASE WHEN sum(cot) > 0 THEN 1.0 * sum(co) / sum(cot) END\n"
		"FROM staff s JOIN department d ON d.id = s.department_id LEFT JOIN f ON f.own = s.id\n"
		"WHERE coalesce(s.active, 1) = 1 GROUP BY s.id ORDER BY 11 DESC, s.name");
	x->kpi_sql = b.p;
	build_alternatives(x);
}

/* Runs one form of the funnel SQL and reads it as a consumer of the report would, adding
 * the SUBTOTAL row (win rate, cycle, velocity). */
static long funnel_read(raw_ctx *x, const char *sql)
{
	sqlite3_stmt *s = prep(x->db, sql);
	long rows = 0;
	int64_t open_cnt = 0, open_amt = 0, won = 0, lost = 0, cyc = 0, ncyc = 0;
	int rc;
	sqlite3_bind_text(s, 1, x->st->pipeline, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)x->p->as_of * DAY);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int term = sqlite3_column_int(s, 1);
		int64_t cnt = sqlite3_column_int64(s, 2), amt = sqlite3_column_int64(s, 3);
		rows++;
		x->checksum += sqlite3_column_int64(s, 4) + sqlite3_column_int64(s, 5) +
			       (int64_t)(1000 * (sqlite3_column_double(s, 6) + sqlite3_column_double(s, 7) +
						 sqlite3_column_double(s, 8)));
		if (term == KISCRM_STAGE_OPEN) {
			open_cnt += cnt;
			open_amt += amt;
		} else if (term == KISCRM_STAGE_WON) {
			won += cnt;
			cyc += sqlite3_column_int64(s, 9);
			ncyc += sqlite3_column_int64(s, 10);
		} else {
			lost += cnt;
		}
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	/* The SUBTOTAL row: win rate, cycle, velocity. */
	{
		double win_rate = won + lost ? (double)won / (double)(won + lost) : 0;
		double cycle = ncyc ? (double)cyc / (double)ncyc : 0;
		double velocity = cycle > 0 ? (double)open_amt * win_rate / cycle : 0;
		x->checksum += open_cnt + (int64_t)velocity;
	}
	return rows + 1;
}

long raw_budget(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->budget_sql);
	long rows = 0;
	int rc;
	char dept[128] = "", owner[128] = "";
	int64_t sub[26] = { 0 }, tot[26] = { 0 };
	sqlite3_bind_int64(s, 1, x->w);
	sqlite3_bind_int64(s, 2, x->w + 56);
	sqlite3_bind_int64(s, 3, x->w - 7);
	sqlite3_bind_int64(s, 4, x->p->as_of);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(s, 0);
		const char *o = (const char *)sqlite3_column_text(s, 1);
		if (!d)
			d = "";
		if (!o)
			o = "";
		if (rows && (strcmp(d, dept) != 0 || strcmp(o, owner) != 0)) {
			rows++; /* the sub-total row of the group just closed */
			for (int i = 0; i < 26; i++)
				x->checksum += sub[i], sub[i] = 0;
		}
		snprintf(dept, sizeof(dept), "%s", d);
		snprintf(owner, sizeof(owner), "%s", o);
		rows++;
		for (int c = 2; c < 12; c++)
			if (sqlite3_column_type(s, c) == SQLITE_TEXT)
				x->checksum += sqlite3_column_bytes(s, c);
			else
				x->checksum += sqlite3_column_int64(s, c);
		for (int i = 0; i < 26; i++) {
			int64_t v = sqlite3_column_int64(s, 12 + i);
			sub[i] += v;
			tot[i] += v;
		}
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	for (int i = 0; i < 26; i++)
		x->checksum += sub[i] + tot[i];
	return rows + (rows ? 1 : 0) + 1;
}

/* The summary by person: one row per person and the TOTAL row. */
long raw_summary(void *payload)
{
	raw_ctx *x = payload;
	sqlite3_stmt *s = prep(x->db, x->summary_sql);
	long rows;
	sqlite3_bind_int64(s, 1, x->w);
	sqlite3_bind_int64(s, 2, x->w + 56);
	sqlite3_bind_int64(s, 3, x->w - 7);
	sqlite3_bind_int64(s, 4, x->p->as_of);
	rows = drain(x, s);
	sqlite3_finalize(s);
	return rows + 1;
}

static long gap_read(raw_ctx *x, const char *sql)
{
	sqlite3_stmt *s = prep(x->db, sql);
	long rows = 0;
	int rc;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t tgt = sqlite3_column_int64(s, 2), ach = sqlite3_column_int64(s, 3);
		int64_t ex = sqlite3_column_int64(s, 4), pipe = sqlite3_column_int64(s, 5);
		int64_t gap = tgt - ach - ex, rem = tgt - ach;
		int strategy = gap <= 0 ? 0 : ach + pipe < tgt ? (gap * 2 > tgt ? 1 : 2) : (pipe < 3 * rem ? 3 : 4);
		x->checksum += gap + strategy + sqlite3_column_int64(s, 6) - sqlite3_column_int64(s, 7) +
			       sqlite3_column_bytes(s, 0);
		rows++;
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	return rows;
}

static long suff_read(raw_ctx *x, const char *sql)
{
	sqlite3_stmt *s = prep(x->db, sql);
	long rows = 0;
	int rc;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t tgt = sqlite3_column_int64(s, 2), ach = sqlite3_column_int64(s, 3);
		int64_t pipe = sqlite3_column_int64(s, 4), rem = tgt - ach;
		double ratio = rem > 0 ? (double)pipe / (double)rem : 0;
		int causes = 0;
		for (int c = 6; c < 10; c++)
			causes = causes * 2 + (sqlite3_column_int64(s, c) == 0);
		x->checksum += (int64_t)(ratio * 1000) + (ratio < 3.0 ? causes : 0) + sqlite3_column_bytes(s, 0);
		rows++;
	}
	SQCHECK(x->db, rc);
	sqlite3_finalize(s);
	return rows;
}

static long kpi_read(raw_ctx *x, const char *sql)
{
	sqlite3_stmt *s = prep(x->db, sql);
	long rows;
	sqlite3_bind_int64(s, 1, x->from);
	sqlite3_bind_int64(s, 2, x->to);
	rows = drain(x, s);
	sqlite3_finalize(s);
	return rows;
}

/* The job functions of every SQL form (job_fn: the context in, the rows out). */
#define SQL_FORM(fn, reader, field)            \
	long fn(void *payload)                 \
	{                                      \
		raw_ctx *x = payload;          \
		return reader(x, x->field);    \
	}
SQL_FORM(raw_funnel, funnel_read, funnel_sql)
SQL_FORM(raw_funnel_correlated, funnel_read, funnel_corr_sql)
SQL_FORM(raw_funnel_grouped, funnel_read, funnel_grouped_sql)
SQL_FORM(raw_gap, gap_read, gap_sql)
SQL_FORM(raw_gap_grouped, gap_read, gap_grouped_sql)
SQL_FORM(raw_sufficiency, suff_read, suff_sql)
SQL_FORM(raw_sufficiency_grouped, suff_read, suff_grouped_sql)
SQL_FORM(raw_kpi, kpi_read, kpi_sql)
SQL_FORM(raw_kpi_grouped, kpi_read, kpi_grouped_sql)

/* ---- hand-written SQL on PostgreSQL ------------------------------------------------- */

#ifdef KISCRM_BENCH_PG

/* Runs translated aggregate @which with the bench's date parameters as text. */
static long pg_run_sql(raw_ctx *x, int which, int n, const int64_t *v, const char *first_text,
		       int subtotal_cols)
{
	char buf[4][32];
	const char *args[4];
	for (int i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%lld", (long long)v[i]);
		args[i] = buf[i];
	}
	if (first_text)
		args[0] = first_text;
	return pgr_query(x->pg, x->pg_sql[which], n, args, subtotal_cols, &x->checksum);
}

long pg_funnel(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { 0, (int64_t)x->p->as_of * DAY };
	/* + the sub-total row, as raw_funnel() counts it */
	return pg_run_sql(x, 0, 2, v, x->st->pipeline, 0) + 1;
}

long pg_budget(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[4] = { x->w, x->w + 56, x->w - 7, x->p->as_of };
	return pg_run_sql(x, 1, 4, v, NULL, 2);
}

long pg_gap(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 2, 2, v, NULL, 0);
}

long pg_sufficiency(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 3, 2, v, NULL, 0);
}

long pg_kpi(void *payload)
{
	raw_ctx *x = payload;
	int64_t v[2] = { x->from, x->to };
	return pg_run_sql(x, 4, 2, v, NULL, 0);
}
#endif

#ifdef KISCRM_BENCH_PG
/* A COPY value: the text, or \N for NULL. */
static const char *copy_text(const char *t)
{
	return t ? t : "\\N";
}

/* The same opportunity and history rows as raw_load(), by COPY into the library's tables
 * in a schema of their own: the PostgreSQL ceiling of a bulk load. */
double pg_copy_load(pgr *x, const params *p, const stages *st)
{
	char line[512], closed[24], by[24];
	opp_t o;
	double t0 = now();
	pgr_exec(x, "BEGIN");
	pgr_copy_begin(x, "opportunity (name, customer_id, owner_id, department_id, business_line, "
		       "product_line, amount, expected_close, pipeline, stage, probability, "
		       "probability_manual, forecast_category, source, size_class, status, created, closed)");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		if (o.closed != KISCRM_DATE_NONE)
			snprintf(closed, sizeof(closed), "%ld", (long)o.closed);
		else
			snprintf(closed, sizeof(closed), "\\N");
		int n = snprintf(line, sizeof(line), "%s\t%ld\t%ld\t%ld\t%s\t%s\t%lld\t%ld\t%s\t%s\t%d\t0\t%s\t%s\t%s\t%s\t%ld\t%s\n",
				 o.name, o.customer, o.owner, o.dept, business_lines[o.bl], product_lines[o.pl],
				 (long long)o.amount, (long)o.expected, st->pipeline, st->key[o.final],
				 st->prob[o.final], copy_text(st->cat[o.final]), sources[o.src],
				 size_class(o.amount), status_of(st, o.final), (long)o.created, closed);
		pgr_copy_line(x, line, (size_t)n);
	}
	pgr_copy_end(x);
	pgr_copy_begin(x, "stage_history (opportunity_id, from_stage, to_stage, \"at\", by_id, amount, pipeline)");
	for (long i = 0; i < p->n; i++) {
		gen_opp(p, st, i, &o);
		for (int k = 0; k < 4; k++) {
			if (k)
				snprintf(by, sizeof(by), "%ld", o.owner);
			else
				snprintf(by, sizeof(by), "\\N");
			int n = snprintf(line, sizeof(line), "%ld\t%s\t%s\t%lld\t%s\t%lld\t%s\n", o.id,
					 copy_text(k ? st->key[o.path[k - 1]] : NULL), st->key[o.path[k]],
					 (long long)o.at[k], by, (long long)o.amount, st->pipeline);
			pgr_copy_line(x, line, (size_t)n);
		}
	}
	pgr_copy_end(x);
	pgr_exec(x, "COMMIT");
	return now() - t0;
}

#endif

void raw_free_sql(raw_ctx *x)
{
	char **all[] = { &x->funnel_sql, &x->budget_sql, &x->gap_sql, &x->suff_sql, &x->kpi_sql,
			 &x->funnel_corr_sql, &x->funnel_grouped_sql, &x->summary_sql, &x->gap_grouped_sql,
			 &x->suff_grouped_sql, &x->kpi_grouped_sql };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}

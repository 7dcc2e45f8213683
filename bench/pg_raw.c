/* The benchmark's hand-written side on PostgreSQL; see pg_raw.h. */
#include "pg_raw.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* COPY data is sent in pieces of this size: one PQputCopyData per row would cost a
 * function call and a check per row for nothing. */
#define COPY_CHUNK (1 << 20)

struct pgr {
	PGconn *conn;
	char schema[64];
	char conninfo[2048];
	char *copy_buf;
	size_t copy_len;
};

static void fail(const pgr *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("kiscrm-bench: PostgreSQL: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (x && x->conn)
		fprintf(stderr, ": %s", PQerrorMessage(x->conn));
	fputc('\n', stderr);
	exit(2);
}

void pgr_exec(pgr *x, const char *sql)
{
	PGresult *res = PQexec(x->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		fail(x, "%.200s", sql);
	PQclear(res);
}

pgr *pgr_open(const char *conninfo, const char *schema, int fresh)
{
	pgr *x = calloc(1, sizeof(*x));
	char sql[256];
	if (!x)
		fail(NULL, "out of memory");
	snprintf(x->schema, sizeof(x->schema), "%s", schema);
	/* The library's handles reach the same schema through the search path. */
	if (!strncmp(conninfo, "postgresql://", 13) || !strncmp(conninfo, "postgres://", 11))
		snprintf(x->conninfo, sizeof(x->conninfo), "%s%soptions=-csearch_path%%3D%s", conninfo,
			 strchr(conninfo, '?') ? "&" : "?", schema);
	else
		snprintf(x->conninfo, sizeof(x->conninfo), "%s options='-csearch_path=%s'", conninfo,
			 schema);
	x->conn = PQconnectdb(fresh ? conninfo : x->conninfo);
	if (PQstatus(x->conn) != CONNECTION_OK)
		fail(x, "cannot connect");
	pgr_exec(x, "SET client_min_messages = warning");
	if (fresh) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS \"%s\" CASCADE", schema);
		pgr_exec(x, sql);
		snprintf(sql, sizeof(sql), "CREATE SCHEMA \"%s\"", schema);
		pgr_exec(x, sql);
		snprintf(sql, sizeof(sql), "SET search_path = \"%s\"", schema);
		pgr_exec(x, sql);
	}
	return x;
}

void pgr_close(pgr *x)
{
	if (!x)
		return;
	PQfinish(x->conn);
	free(x->copy_buf);
	free(x);
}

const char *pgr_conninfo(const pgr *x)
{
	return x->conninfo;
}

void pgr_drop_schema(pgr *x)
{
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS \"%s\" CASCADE", x->schema);
	pgr_exec(x, sql);
}

/* ---- COPY ---------------------------------------------------------------------------- */

void pgr_copy_begin(pgr *x, const char *table_and_columns)
{
	char sql[1024];
	snprintf(sql, sizeof(sql), "COPY %s FROM STDIN", table_and_columns);
	PGresult *res = PQexec(x->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		fail(x, "%s", sql);
	PQclear(res);
	if (!x->copy_buf && !(x->copy_buf = malloc(COPY_CHUNK)))
		fail(NULL, "out of memory");
	x->copy_len = 0;
}

static void copy_flush(pgr *x)
{
	if (x->copy_len && PQputCopyData(x->conn, x->copy_buf, (int)x->copy_len) != 1)
		fail(x, "COPY data");
	x->copy_len = 0;
}

void pgr_copy_line(pgr *x, const char *line, size_t len)
{
	if (x->copy_len + len > COPY_CHUNK)
		copy_flush(x);
	if (len > COPY_CHUNK)
		fail(NULL, "a COPY line of %zu bytes", len);
	memcpy(x->copy_buf + x->copy_len, line, len);
	x->copy_len += len;
}

void pgr_copy_end(pgr *x)
{
	copy_flush(x);
	if (PQputCopyEnd(x->conn, NULL) != 1)
		fail(x, "end of COPY");
	PGresult *res;
	while ((res = PQgetResult(x->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			fail(x, "COPY");
		PQclear(res);
	}
}

/* ---- the aggregates ------------------------------------------------------------------ */

static void put(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if (!(*out = realloc(*out, *cap)))
			fail(NULL, "out of memory");
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
}

char *pgr_translate(const char *in)
{
	/* Pairs (SQLite text, PostgreSQL text), applied in one left-to-right pass. The GROUP
	 * BY rewrites list the selected names that SQLite takes from any row of the group
	 * and PostgreSQL wants grouped (the department of a person, a person's name). */
	static const char *const rules[][2] = {
		{ "max(0, ", "GREATEST(0, " },
		{ "min(pl.amt, ", "LEAST(pl.amt, " },
		{ "GROUP BY f.own ORDER BY", "GROUP BY f.own, s.name ORDER BY" },
		{ "GROUP BY s.id ORDER BY", "GROUP BY s.id, d.name ORDER BY" },
	};
	char *out = NULL;
	size_t len = 0, cap = 0;
	put(&out, &len, &cap, "", 0);
	for (const char *p = in; *p;) {
		size_t r, nr = sizeof(rules) / sizeof(rules[0]);
		for (r = 0; r < nr; r++)
			if (!strncmp(p, rules[r][0], strlen(rules[r][0])))
				break;
		if (r < nr) {
			put(&out, &len, &cap, rules[r][1], strlen(rules[r][1]));
			p += strlen(rules[r][0]);
		} else if (*p == '?' && p[1] >= '1' && p[1] <= '9') {
			put(&out, &len, &cap, "$", 1);
			p++;
		} else {
			put(&out, &len, &cap, p, 1);
			p++;
		}
	}
	return out;
}

static int64_t cell_value(const PGresult *res, int r, int c)
{
	const char *v = PQgetvalue(res, r, c);
	Oid t = PQftype(res, c);
	/* int2, int4, int8, numeric (sums of BIGINT), float8 */
	if (t == 20 || t == 21 || t == 23)
		return strtoll(v, NULL, 10);
	if (t == 1700 || t == 701 || t == 700)
		return (int64_t)strtod(v, NULL);
	return (int64_t)PQgetlength(res, r, c);
}

long pgr_query(pgr *x, const char *sql, int n, const char *const *params, int subtotal_cols,
	       int64_t *checksum)
{
	PGresult *res = PQexecParams(x->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail(x, "aggregate failed:\n%s\n", sql);
	long rows = PQntuples(res), extra = 0;
	int nc = PQnfields(res);
	for (long r = 0; r < rows; r++) {
		for (int c = 0; c < nc; c++)
			if (!PQgetisnull(res, (int)r, c))
				*checksum += cell_value(res, (int)r, c);
		if (subtotal_cols > 0 && r > 0) {
			for (int c = 0; c < subtotal_cols; c++)
				if (strcmp(PQgetvalue(res, (int)r, c), PQgetvalue(res, (int)r - 1, c)) != 0) {
					extra++;
					break;
				}
		}
	}
	PQclear(res);
	/* the last group's sub-total and the total, as the SQLite side counts them */
	if (subtotal_cols > 0)
		extra += (rows ? 1 : 0) + 1;
	return rows + extra;
}

/* SQL of the PostgreSQL backend: the connection (reconnect between transactions),
 * server-side prepared statements per kind and an LRU cache of scan statements, WHERE
 * clauses from queries, and the transaction statements. */
#include "pg_internal.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- connection and errors -------------------------------------------------------- */

/* Makes sure the connection is up and free for a statement whose answer is awaited.
 * Inserts queued in pipeline mode are answered first (pipe.c), so that whatever
 * comes next sees them and their errors surface here. A connection lost between
 * transactions is reset (every prepared statement is then prepared again: the
 * generation changes); one lost inside a transaction is an error, since the server
 * rolled the transaction back. */
int pg_connected(pg_backend *be)
{
	if (be->npending) {
		int rc = pg_pipe_drain(be);
		if (rc)
			return rc;
	}
	if (PQstatus(be->conn) == CONNECTION_OK)
		return KISCRM_OK;
	if (be->in_tx)
		return kc_error_set(KISCRM_ESTORAGE, "connection to PostgreSQL %s lost inside a "
				    "transaction: %s", be->where, PQerrorMessage(be->conn));
	PQreset(be->conn);
	if (PQstatus(be->conn) != CONNECTION_OK)
		return kc_error_set(KISCRM_ESTORAGE, "cannot reconnect to PostgreSQL %s: %s",
				    be->where, PQerrorMessage(be->conn));
	be->gen++;
	return KISCRM_OK;
}

static int result_ok(const PGresult *res)
{
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

/* Finishes an execution: keeps the result in *out (or clears it) on success. */
static int finish(pg_backend *be, PGresult *res, PGresult **out, const char *what)
{
	if (!result_ok(res)) {
		int rc = pg_fail_result(be, res, "%s", what);
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return KISCRM_OK;
}

/* Runs SQL text (DDL, transaction control, several statements at once). */
int pg_exec(pg_backend *be, const char *sql, PGresult **out, const char *what)
{
	int rc = pg_connected(be);
	return rc ? rc : finish(be, PQexec(be->conn, sql), out, what);
}

/* Runs one statement with text parameters and text results (catalog queries). */
int pg_exec_params(pg_backend *be, const char *sql, int n, const char *const *vals, PGresult **out,
		   const char *what)
{
	int rc = pg_connected(be);
	return rc ? rc : finish(be, PQexecParams(be->conn, sql, n, NULL, vals, NULL, NULL, 0), out, what);
}

/* Runs SQL text once (unnamed statement) with the parameters of @p, results in binary:
 * the statements of a scan's later batches, which the statement cache does not keep. */
int pg_exec_bin(pg_backend *be, const char *sql, const pg_params *p, PGresult **out, const char *what)
{
	int rc = pg_connected(be);
	return rc ? rc : finish(be, PQexecParams(be->conn, sql, p ? p->n : 0, p ? p->types : NULL,
						 p ? p->vals : NULL, p ? p->lens : NULL,
						 p ? p->fmts : NULL, 1), out, what);
}

static int prepare(pg_backend *be, pg_stmt *st, const char *what, const char *name)
{
	PGresult *res = PQprepare(be->conn, st->name, st->sql, st->nparams, st->types);
	int rc = KISCRM_OK;
	if (!result_ok(res))
		rc = pg_fail_result(be, res, "prepare %s %s", what, name);
	else
		st->gen = be->gen;
	PQclear(res);
	return rc;
}

/* Prepares @st on the current connection if it is not yet (for the bulk path, which
 * sends it without pg_run). */
int pg_prepared(pg_backend *be, pg_stmt *st, const char *what, const char *name)
{
	int rc = pg_connected(be);
	if (!rc && st->gen != be->gen)
		rc = prepare(be, st, what, name);
	return rc;
}

/* Executes prepared statement @st with @p, results in binary. The result is read whole
 * (never single-row mode): the caller's callbacks may run queries of their own (a large
 * scan is cut into batches by cursor.c, each batch a whole result). A
 * statement the server has forgotten (SQLSTATE 26000: a pooler handed us another
 * session, or DISCARD ALL ran) is prepared again once, outside a transaction. */
int pg_run(pg_backend *be, pg_stmt *st, const pg_params *p, PGresult **out, const char *what,
	   const char *name)
{
	/* With inserts queued, a prepared statement joins the queue: its answer comes after
	 * theirs, in the same round trip. */
	if (be->npending && st->gen == be->gen) {
		char text[200];
		PGresult *res = NULL;
		int rc = pg_pipe_drain_with(be, st, p, &res);
		snprintf(text, sizeof(text), "%s %s", what, name);
		if (rc) {
			PQclear(res);
			return rc;
		}
		return finish(be, res, out, text);
	}
	int rc = pg_connected(be);
	if (rc)
		return rc;
	for (int attempt = 0;; attempt++) {
		if (st->gen != be->gen && (rc = prepare(be, st, what, name)) != 0)
			return rc;
		PGresult *res = PQexecPrepared(be->conn, st->name, p ? p->n : 0, p ? p->vals : NULL,
					       p ? p->lens : NULL, p ? p->fmts : NULL, 1);
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		if (!result_ok(res) && state && !strcmp(state, "26000") && !be->in_tx && attempt == 0) {
			PQclear(res);
			st->gen = 0;
			continue;
		}
		char text[200];
		snprintf(text, sizeof(text), "%s %s", what, name);
		return finish(be, res, out, text);
	}
}

/* Forgets @st; with @deallocate, also on the server (best effort: a failed transaction
 * refuses DEALLOCATE, and the statement then lives until the connection closes). */
void pg_stmt_dispose(pg_backend *be, pg_stmt *st, int deallocate)
{
	if (deallocate && st->gen && st->gen == be->gen && PQstatus(be->conn) == CONNECTION_OK &&
	    !be->npending && PQtransactionStatus(be->conn) != PQTRANS_INERROR) {
		char sql[64];
		snprintf(sql, sizeof(sql), "DEALLOCATE \"%s\"", st->name);
		PQclear(PQexec(be->conn, sql));
	}
	free(st->sql);
	free(st->types);
	memset(st, 0, sizeof(*st));
}

/* Gives @st the SQL in @b (taken over) and a name never used on this connection. */
static void stmt_init(pg_backend *be, pg_stmt *st, kiscrm_buf *b)
{
	snprintf(st->name, sizeof(st->name), "kiscrm_%u", ++be->next_name);
	st->sql = b->ptr;
	b->ptr = NULL;
	b->size = b->asize = 0;
	st->gen = 0;
}

/* ---- kinds ------------------------------------------------------------------------ */

/* Resolves @kind to the schema's own definition (the core may pass an equal copy);
 * returns its index or an error. */
int pg_find_kind(pg_backend *be, const kiscrm_kind_def **kind)
{
	if (!be->schema)
		return kc_error_set(KISCRM_EINVALID, "PostgreSQL backend for %s is not opened",
				    be->where);
	const kiscrm_kind_def *k = *kind;
	if (!k)
		return kc_error_set(KISCRM_EINVALID, "record kind is NULL");
	const kiscrm_schema *s = be->schema;
	int found = -1;
	if (be->last_kind < s->nkinds && s->kinds[be->last_kind] == k)
		found = be->last_kind;
	for (int i = 0; found < 0 && i < s->nkinds; i++)
		if (s->kinds[i] == k || (s->kinds[i]->kind == k->kind && k->name &&
					 strcmp(s->kinds[i]->name, k->name) == 0))
			found = i;
	if (found < 0)
		return kc_error_set(KISCRM_EINVALID, "record kind '%s' is not in the opened schema",
				    k->name ? k->name : "?");
	/* A copy must be equal: rows of another field count would be read out of bounds. */
	if (s->kinds[found]->nfields != k->nfields)
		return kc_error_set(KISCRM_EINVALID, "record kind '%s' has %d fields, the opened "
				    "schema has %d", k->name ? k->name : "?", k->nfields,
				    s->kinds[found]->nfields);
	be->last_kind = found;
	*kind = s->kinds[found];
	return found;
}

/* The select list of a scan, count, distinct values or first value (@form, a pg_form):
 * distinct and first values leave the id NULL too. */
static int build_select_cols(kiscrm_buf *b, const kiscrm_kind_def *k, uint64_t columns, int form)
{
	if (form == PG_COUNT)
		return kc_buf_printf(b, "SELECT count(*) FROM \"%s\"", k->name);
	int rc = kc_buf_puts(b, form == PG_DISTINCT ? "SELECT DISTINCT NULL::bigint"
				: form == PG_FIRST  ? "SELECT NULL::bigint"
						    : "SELECT \"id\"");
	for (int i = 1; !rc && i < k->nfields; i++) {
		/* Unwanted columns are selected as NULL so that column i stays field i. */
		int want = !columns || i >= 64 || (columns >> i) & 1u;
		if (want)
			rc = kc_buf_printf(b, ", \"%s\"", k->fields[i].name);
		else
			rc = kc_buf_puts(b, ", NULL");
	}
	return rc ? rc : kc_buf_printf(b, " FROM \"%s\"", k->name);
}

/* INSERT of a row without RETURNING; @with_id: the id is parameter 1, else the
 * sequence assigns it. */
static int build_insert(kiscrm_buf *b, const kiscrm_kind_def *k, int with_id)
{
	int first = with_id ? 0 : 1;
	if (first >= k->nfields)
		return kc_buf_printf(b, "INSERT INTO \"%s\" DEFAULT VALUES", k->name);
	int rc = kc_buf_printf(b, "INSERT INTO \"%s\" (", k->name);
	for (int i = first; !rc && i < k->nfields; i++)
		rc = kc_buf_printf(b, "%s\"%s\"", i > first ? ", " : "", k->fields[i].name);
	if (!rc)
		rc = kc_buf_puts(b, ") VALUES (");
	for (int i = first; !rc && i < k->nfields; i++)
		rc = kc_buf_printf(b, "%s$%d", i > first ? ", " : "", i - first + 1);
	return rc ? rc : kc_buf_puts(b, ")");
}

/* An explicit id: ON CONFLICT keeps a taken id from being an error (an error would abort
 * the caller's transaction, where SQLite's constraint failure does not), and the sequence
 * is moved past the id so that the next assigned one is greater than any ever used.
 * The sequence is non-transactional, so rolled-back ids are not given out again either. */
static int build_insert_id(kiscrm_buf *b, const kiscrm_kind_def *k)
{
	int rc = kc_buf_puts(b, "WITH ins AS (");
	if (!rc)
		rc = build_insert(b, k, 1);
	if (!rc)
		rc = kc_buf_printf(b, " ON CONFLICT (\"id\") DO NOTHING RETURNING \"id\") "
				   "SELECT ins.\"id\", setval(s.seq, GREATEST(ins.\"id\", "
				   "pg_sequence_last_value(s.seq))) FROM ins, (SELECT "
				   "pg_get_serial_sequence('\"%s\"', 'id')::regclass AS seq) s",
				   k->name);
	return rc;
}

static int build_update(kiscrm_buf *b, const kiscrm_kind_def *k)
{
	int rc = kc_buf_printf(b, "UPDATE \"%s\" SET ", k->name);
	/* A kind with only an id still needs a SET clause; "id" = "id" matches the row, so
	 * the row count still tells whether it exists. */
	if (!rc && k->nfields == 1)
		rc = kc_buf_puts(b, "\"id\" = \"id\"");
	for (int i = 1; !rc && i < k->nfields; i++)
		rc = kc_buf_printf(b, "%s\"%s\" = $%d", i > 1 ? ", " : "", k->fields[i].name, i + 1);
	return rc ? rc : kc_buf_puts(b, " WHERE \"id\" = $1");
}

/* Parameter types of a per-kind statement: the fields it binds, in order. */
static int kind_types(pg_stmt *st, const kiscrm_kind_def *k, int first, int last)
{
	pg_params p;
	int n = last < first ? 0 : last - first + 1;
	int rc = pg_params_init(&p, n);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		p.types[i] = pg_type_oid(k->fields[first + i].type);
	rc = pg_copy_types(st, &p);
	pg_params_dispose(&p);
	return rc;
}

int pg_kind_stmt(pg_backend *be, int ki, enum pg_stmt_kind which, pg_stmt **out)
{
	pg_stmt *st = &be->kinds[ki].st[which];
	*out = st;
	if (st->sql)
		return KISCRM_OK;
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc, first = 0, last = 0;
	switch (which) {
	case PS_INSERT_AUTO:
		rc = build_insert(&b, k, 0);
		if (!rc)
			rc = kc_buf_puts(&b, " RETURNING \"id\"");
		first = 1;
		last = k->nfields - 1;
		break;
	case PS_INSERT_ID:
		rc = build_insert_id(&b, k);
		last = k->nfields - 1;
		break;
	case PS_UPDATE:
		rc = build_update(&b, k);
		last = k->nfields - 1;
		break;
	case PS_REMOVE:
		rc = kc_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"id\" = $1", k->name);
		break;
	case PS_INSERT_BULK:
		/* The id comes from a reserved block (bulk.c): no conflict to expect, and
		 * the sequence is already past it. */
		rc = build_insert(&b, k, 1);
		last = k->nfields - 1;
		break;
	case PS_RESERVE:
		rc = kc_buf_printf(&b, "SELECT nextval(s.seq) FROM (SELECT pg_get_serial_sequence("
				   "'\"%s\"', 'id')::regclass AS seq) s, generate_series(1, $1)",
				   k->name);
		break;
	default:
		rc = build_select_cols(&b, k, 0, 0);
		if (!rc)
			rc = kc_buf_puts(&b, " WHERE \"id\" = $1");
		break;
	}
	if (!rc)
		rc = kind_types(st, k, first, last);
	if (rc) {
		kiscrm_buf_dispose(&b);
		pg_stmt_dispose(be, st, 0);
		return rc;
	}
	stmt_init(be, st, &b);
	return KISCRM_OK;
}

/* ---- scans and counts ------------------------------------------------------------- */

static uint32_t hash_str(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* Appends the WHERE clause of @q to the scratch buffer and fills @p with its values.
 * NULL semantics follow kiscrm_query_match(): EQ NULL is IS NULL, NE NULL is IS NOT
 * NULL, any other comparison with NULL matches nothing. */
static int build_where(pg_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, pg_params *p)
{
	kiscrm_buf *b = &be->sql;
	int rc = KISCRM_OK, n = 0;
	for (int i = 0; !rc && q && i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];
		if (c->field < 0 || c->field >= k->nfields)
			return kc_error_set(KISCRM_EINVALID, "query on %s: field index %d out of range 0..%d",
					    k->name, c->field, k->nfields - 1);
		const kiscrm_field_def *f = &k->fields[c->field];
		int is_null = c->value.type == KISCRM_TYPE_NULL;
		if ((rc = kc_buf_puts(b, i ? " AND " : " WHERE ")) != 0)
			break;
		int param = 0;
		switch (c->op) {
		case KISCRM_OP_EQ:
		case KISCRM_OP_NE:
			if (is_null) {
				rc = kc_buf_printf(b, "\"%s\" IS %s", f->name,
						   c->op == KISCRM_OP_EQ ? "NULL" : "NOT NULL");
			} else {
				rc = kc_buf_printf(b, "\"%s\" %s $%d", f->name,
						   c->op == KISCRM_OP_EQ ? "=" : "<>", n + 1);
				param = 1;
			}
			break;
		case KISCRM_OP_LT:
		case KISCRM_OP_LE:
		case KISCRM_OP_GT:
		case KISCRM_OP_GE: {
			static const char *const ops[] = { "<", "<=", ">", ">=" };
			if (is_null) {
				rc = kc_buf_puts(b, "FALSE");
			} else {
				rc = kc_buf_printf(b, "\"%s\" %s $%d", f->name, ops[c->op - KISCRM_OP_LT],
						   n + 1);
				param = 1;
			}
			break;
		}
		case KISCRM_OP_CONTAINS:
			/* strpos() finds byte substrings of valid UTF-8 exactly; LIKE would need
			 * its wildcards escaped. */
			if (is_null || f->type != KISCRM_TYPE_TEXT) {
				rc = kc_buf_puts(b, "FALSE");
			} else {
				rc = kc_buf_printf(b, "strpos(\"%s\", $%d) > 0", f->name, n + 1);
				param = 1;
			}
			break;
		default:
			return kc_error_set(KISCRM_EINVALID, "query on %s: unknown operator %d on field '%s'",
					    k->name, c->op, f->name);
		}
		if (!rc && param)
			rc = pg_param_set(p, n++, k, f, &c->value);
	}
	p->n = n;
	return rc;
}

/* The cached statement for the SQL in the scratch buffer, or a new one (evicting the
 * least recently used when the cache is full). */
static int scan_stmt(pg_backend *be, const pg_params *p, pg_stmt **out)
{
	const char *sql = be->sql.ptr;
	uint32_t h = hash_str(sql, be->sql.size);
	pg_scan_entry *victim = NULL;
	be->tick++;
	for (int i = 0; i < be->nscans; i++) {
		pg_scan_entry *e = &be->scans[i];
		if (e->hash == h && strcmp(e->stmt.sql, sql) == 0) {
			e->used = be->tick;
			*out = &e->stmt;
			return KISCRM_OK;
		}
		if (!victim || e->used < victim->used)
			victim = e;
	}
	pg_scan_entry *e;
	if (be->nscans < PG_SCAN_CACHE_MAX)
		e = &be->scans[be->nscans++];
	else
		pg_stmt_dispose(be, &(e = victim)->stmt, 1);
	kiscrm_buf copy = KISCRM_BUF_INIT;
	int rc = kc_buf_put(&copy, sql, be->sql.size);
	if (!rc)
		rc = pg_copy_types(&e->stmt, p);
	if (rc) {
		kiscrm_buf_dispose(&copy);
		pg_stmt_dispose(be, &e->stmt, 0);
		*e = be->scans[--be->nscans]; /* keep the table dense */
		memset(&be->scans[be->nscans], 0, sizeof(be->scans[0]));
		return rc;
	}
	stmt_init(be, &e->stmt, &copy);
	e->hash = h;
	e->used = be->tick;
	*out = &e->stmt;
	return KISCRM_OK;
}

/* Builds the SELECT, count or distinct values (@form, a pg_form) of @q with its WHERE
 * clause in the scratch buffer and its values in @p, initialised here with @extra more
 * parameter slots than conditions (the caller disposes of it). */
static int build_query(pg_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form,
		       int extra, pg_params *p)
{
	if (q && q->ncond < 0)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions", q->ncond);
	if (q && q->ncond > 0 && !q->conds)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions but none given",
				    q->ncond);
	int rc = pg_params_init(p, (q ? q->ncond : 0) + extra);
	if (rc)
		return rc;
	be->sql.size = 0;
	rc = build_select_cols(&be->sql, k, q ? q->columns : 0, form);
	if (!rc)
		rc = build_where(be, k, q, p);
	if (rc)
		pg_params_dispose(p);
	return rc;
}

/* The order of a first value: by the lowest wanted field, one row. */
static int first_order(kiscrm_buf *b, const kiscrm_kind_def *k, const kiscrm_query *q)
{
	for (int i = 1; q && i < k->nfields && i < 64; i++)
		if ((q->columns >> i) & 1u)
			return kc_buf_printf(b, " ORDER BY \"%s\" LIMIT 1", k->fields[i].name);
	return kc_error_set(KISCRM_EINVALID, "first value of %s: no wanted field", k->name);
}

/* The statement of a scan, count or distinct values (@form) of @q, and its parameters
 * in @p (initialised here; the caller disposes of it). A scan asks for one row more than
 * a batch: a result of at most be->batch rows is the whole scan, read in one round trip;
 * a full one goes on in batches (cursor.c). Distinct values come whole. */
static int query_stmt(pg_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form,
		      pg_stmt **out, pg_params *p)
{
	int rc = build_query(be, k, q, form, 0, p);
	if (rc)
		return rc;
	if (form == PG_SCAN)
		rc = kc_buf_printf(&be->sql, " ORDER BY \"id\" LIMIT %ld", be->batch + 1);
	else if (form == PG_FIRST)
		rc = first_order(&be->sql, k, q);
	if (!rc)
		rc = scan_stmt(be, p, out);
	if (rc)
		pg_params_dispose(p);
	return rc;
}

/* Runs the scan (its first batch and one row), count or distinct values statement
 * (@form) of @q on @kind; *res holds the whole result (the caller clears it, also on
 * failure). */
int pg_run_query(pg_backend *be, const kiscrm_kind_def **kind, const kiscrm_query *q, int form,
		 PGresult **res)
{
	int ki = pg_find_kind(be, kind);
	if (ki < 0)
		return ki;
	pg_stmt *st;
	pg_params p;
	int rc = query_stmt(be, *kind, q, form, &st, &p);
	if (rc)
		return rc;
	static const char *const what[] = { "scan of", "count of", "distinct values of", "first value of" };
	rc = pg_run(be, st, &p, res, what[form], (*kind)->name);
	pg_params_dispose(&p);
	return rc;
}

/* The rest of a scan of @q after the rows up to an id: the scan's SELECT with "id" > $n
 * (its last parameter) and, with @bounded, "id" <= $n+1; in ascending id order, at most
 * @limit rows (0: all). The SQL is returned in *sql (the caller frees it: the scratch
 * buffer is reused by the scans a callback may run), the parameters in @p with the id
 * slots last, to be set by the caller. */
int pg_tail_sql(pg_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int bounded,
		long limit, char **sql, pg_params *p)
{
	int extra = bounded ? 2 : 1;
	int rc = build_query(be, k, q, PG_SCAN, extra, p);
	if (rc)
		return rc;
	int n = p->n; /* conditions on NULL take no parameter */
	rc = kc_buf_printf(&be->sql, "%s\"id\" > $%d", q && q->ncond > 0 ? " AND " : " WHERE ", n + 1);
	if (!rc && bounded)
		rc = kc_buf_printf(&be->sql, " AND \"id\" <= $%d", n + 2);
	if (!rc)
		rc = kc_buf_puts(&be->sql, " ORDER BY \"id\"");
	if (!rc && limit > 0)
		rc = kc_buf_printf(&be->sql, " LIMIT %ld", limit);
	if (!rc && !(*sql = kc_strdup(be->sql.ptr)))
		rc = kc_error_oom();
	if (rc) {
		pg_params_dispose(p);
		return rc;
	}
	for (int i = n; i < n + extra; i++)
		pg_param_id(p, i, 0);
	p->n = n + extra;
	return KISCRM_OK;
}

void pg_free_statements(pg_backend *be)
{
	/* One DEALLOCATE ALL instead of one round trip per statement; nothing else of ours
	 * is prepared on this connection. */
	if (PQstatus(be->conn) == CONNECTION_OK && PQtransactionStatus(be->conn) == PQTRANS_IDLE &&
	    (be->kinds || be->nscans))
		PQclear(PQexec(be->conn, "DEALLOCATE ALL"));
	if (be->kinds && be->schema)
		for (int i = 0; i < be->schema->nkinds; i++) {
			for (int j = 0; j < PS_NKIND; j++)
				pg_stmt_dispose(be, &be->kinds[i].st[j], 0);
			free(be->kinds[i].ids);
		}
	free(be->kinds);
	be->kinds = NULL;
	for (int i = 0; i < be->nscans; i++)
		pg_stmt_dispose(be, &be->scans[i].stmt, 0);
	be->nscans = 0;
}

/* ---- vtable: transactions --------------------------------------------------------- */

int pg_begin(kiscrm_backend *b)
{
	pg_backend *be = (pg_backend *)b;
	if (be->in_tx)
		return kc_error_set(KISCRM_EINVALID, "PostgreSQL backend: begin inside a transaction");
	int rc = pg_exec(be, PG_BEGIN_SQL, NULL, "begin transaction");
	if (!rc) {
		be->in_tx = 1;
		/* bulk inserts (bulk.c) start again after PG_BULK_AFTER one-by-one inserts */
		for (int i = 0; be->kinds && be->schema && i < be->schema->nkinds; i++)
			be->kinds[i].run = 0;
	}
	return rc;
}

int pg_commit(kiscrm_backend *b)
{
	pg_backend *be = (pg_backend *)b;
	if (!be->in_tx)
		return kc_error_set(KISCRM_EINVALID, "PostgreSQL backend: commit without a transaction");
	/* Inserts still queued are answered first; one that failed fails the commit, and the
	 * message names its row. */
	if (be->npending) {
		int rc = pg_pipe_drain(be);
		if (rc) {
			kiscrm_error saved = *kiscrm_error_last();
			char msg[1024];
			snprintf(msg, sizeof(msg), "%s", saved.message ? saved.message : "");
			PQclear(PQexec(be->conn, "ROLLBACK"));
			be->in_tx = 0;
			return kc_error_set(rc, "commit: %s; the transaction is rolled back", msg);
		}
	}
	/* An error inside the transaction aborted it on the server, and COMMIT would then
	 * answer "ROLLBACK" without an error: say so instead of reporting success. */
	if (PQtransactionStatus(be->conn) == PQTRANS_INERROR) {
		PQclear(PQexec(be->conn, "ROLLBACK"));
		be->in_tx = 0;
		return kc_error_set(KISCRM_ESTORAGE, "commit: the transaction was aborted by an "
				    "earlier error and is rolled back");
	}
	PGresult *res = NULL;
	int rc = pg_exec(be, "COMMIT", &res, "commit");
	be->in_tx = 0; /* a failed COMMIT ends the transaction too */
	if (!rc && strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = kc_error_set(KISCRM_ESTORAGE, "commit: the server rolled the transaction back");
	PQclear(res);
	return rc;
}

int pg_rollback(kiscrm_backend *b)
{
	pg_backend *be = (pg_backend *)b;
	be->in_tx = 0;
	/* Queued inserts are answered (their errors no longer matter) so that the
	 * connection leaves pipeline mode and can send ROLLBACK. */
	if (be->npending)
		pg_pipe_drain(be);
	/* A lost connection, or a failed COMMIT, already ended the transaction. */
	if (PQstatus(be->conn) != CONNECTION_OK || PQtransactionStatus(be->conn) == PQTRANS_IDLE)
		return KISCRM_OK;
	return pg_exec(be, "ROLLBACK", NULL, "rollback");
}

/* Scans of the PostgreSQL backend, read in batches so that client memory stays bounded:
 * a scan of 40 million stage-history rows in one PGresult would take gigabytes. Rows are
 * never streamed (no single-row mode): the core calls the backend again from scan
 * callbacks (nested reads and writes), and libpq cannot run a query while another's rows
 * are still arriving. So every batch is a whole result, and callbacks may run queries
 * between batches.
 *
 * A scan first runs its cached prepared statement with LIMIT batch + 1 (statements.c):
 * most scans (rows of one customer, a small kind) end there, in one round trip as
 * before. When the batch + 1-th row comes back, the rest (the rows after the batch's last
 * id) is set up before any callback runs, and read batch rows at a time:
 *  - inside a transaction, through a cursor: DECLARE kc_scan_<level> NO SCROLL CURSOR FOR
 *    the rest, FETCH FORWARD batch, CLOSE. A cursor reads the snapshot it was declared
 *    in, so the scan returns what one query at its start would have (the transaction's
 *    SERIALIZABLE snapshot) and never the rows its own callbacks write later. A callback
 *    may start another scan: cursors are named by nesting level and closed on every way
 *    out (end, early stop, error), so a name is free again for the next scan.
 *  - outside a transaction, by keyset pages: the rest with "id" > last AND "id" <= max
 *    ORDER BY "id" LIMIT batch, each page a statement of its own. A cursor would need a
 *    transaction around the scan, and the callbacks' writes, each autocommitted today,
 *    would join it: the core's own begin() around a write would nest in it, and a later
 *    failure would undo writes already reported done. WITH HOLD avoids that but makes
 *    the server materialise the whole rest first, and is session state that
 *    transaction-pooling proxies lose between statements. Pages need neither. Each page
 *    sees what was committed before it (READ COMMITTED, as separate calls outside a
 *    transaction always did); max, the largest id when the scan started, keeps rows
 *    inserted meanwhile (by the callbacks too: assigned ids only grow) out, so a scan
 *    whose callback inserts into the kind it scans still ends (doc/postgresql.md says
 *    what else a page may see).
 * Either way rows come in ascending id order, each at most once. */
#include "pg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rest of a scan after its first, full result. */
typedef struct pg_tail {
	pg_backend *be;
	const kiscrm_kind_def *kind;
	char *sql;      /* the rest's SELECT (keyset: one page of it) */
	pg_params p;    /* its parameters, the ids last */
	int cursor;     /* declared: a cursor of this nesting level (0: keyset pages) */
	char name[32];  /* the cursor's */
	char what[160]; /* "scan of <kind>", for errors */
} pg_tail;

/* Test hook: kc_backend_postgres_largest_result() reports the largest result read. */
static void note_rows(pg_backend *be, int n)
{
	if (n > be->largest)
		be->largest = n;
}

/* The largest id of the kind now (0: none), the keyset pages' upper bound. */
static int largest_id(pg_tail *t, int64_t *out)
{
	char sql[PG_NAME_MAX + 40];
	snprintf(sql, sizeof(sql), "SELECT max(\"id\") FROM \"%s\"", t->kind->name);
	PGresult *res = NULL;
	int rc = pg_exec_bin(t->be, sql, NULL, &res, t->what);
	if (!rc)
		rc = PQntuples(res) == 1 ? pg_get_int8(res, 0, 0, out)
					 : kc_error_set(KISCRM_ESTORAGE, "%s: max(id) returned no row", t->what);
	PQclear(res);
	return rc;
}

/* Sets up the rest of the scan of @q after id @last: declares the cursor in a
 * transaction, else prepares the keyset pages. On failure nothing is left to close. */
static int tail_open(pg_tail *t, pg_backend *be, const kiscrm_kind_def *kind,
		     const kiscrm_query *q, int64_t last)
{
	memset(t, 0, sizeof(*t));
	t->be = be;
	t->kind = kind;
	snprintf(t->what, sizeof(t->what), "scan of %s", kind->name);
	int keyset = !be->in_tx;
	int64_t max = 0;
	int rc = keyset ? largest_id(t, &max) : KISCRM_OK;
	if (!rc)
		rc = pg_tail_sql(be, kind, q, keyset, keyset ? be->batch : 0, &t->sql, &t->p);
	if (rc)
		return rc;
	if (keyset) {
		pg_param_id(&t->p, t->p.n - 2, last);
		pg_param_id(&t->p, t->p.n - 1, max);
		return KISCRM_OK;
	}
	pg_param_id(&t->p, t->p.n - 1, last);
	snprintf(t->name, sizeof(t->name), "kc_scan_%d", be->cursors + 1);
	kiscrm_buf decl = KISCRM_BUF_INIT;
	rc = kc_buf_printf(&decl, "DECLARE %s NO SCROLL CURSOR FOR %s", t->name, t->sql);
	if (!rc)
		rc = pg_exec_bin(be, decl.ptr, &t->p, NULL, t->what);
	kiscrm_buf_dispose(&decl);
	if (!rc)
		t->cursor = ++be->cursors;
	else {
		free(t->sql);
		pg_params_dispose(&t->p);
	}
	return rc;
}

/* Reads the next batch after id @last into *res. */
static int tail_next(pg_tail *t, int64_t last, PGresult **res)
{
	if (t->cursor) {
		char sql[64];
		snprintf(sql, sizeof(sql), "FETCH FORWARD %ld FROM %s", t->be->batch, t->name);
		return pg_exec_bin(t->be, sql, NULL, res, t->what);
	}
	pg_param_id(&t->p, t->p.n - 2, last);
	return pg_exec_bin(t->be, t->sql, &t->p, res, t->what);
}

/* Ends the rest of the scan whose outcome is @rc, and returns the outcome: @rc, else a
 * failure to close. Inserts the callbacks queued are answered first (the connection is
 * busy until then). A transaction aborted by an error, or ended, has dropped its cursors
 * already (and refuses CLOSE): nothing to close then. */
static int tail_close(pg_tail *t, int rc)
{
	pg_backend *be = t->be;
	if (t->cursor) {
		int crc = be->npending ? pg_pipe_drain(be) : KISCRM_OK;
		if (!crc && PQstatus(be->conn) == CONNECTION_OK &&
		    PQtransactionStatus(be->conn) == PQTRANS_INTRANS) {
			char sql[64];
			snprintf(sql, sizeof(sql), "CLOSE %s", t->name);
			crc = pg_exec(be, sql, NULL, t->what);
		}
		be->cursors--;
		if (!rc)
			rc = crc;
	}
	free(t->sql);
	pg_params_dispose(&t->p);
	return rc;
}

int pg_scan_rows(pg_backend *be, const kiscrm_kind_def *kind, const kiscrm_query *q,
		 kiscrm_row_cb cb, void *payload)
{
	PGresult *res = NULL;
	int rc = pg_run_query(be, &kind, q, PG_SCAN, &res);
	int n = rc ? 0 : PQntuples(res);
	note_rows(be, n);
	if (rc || n <= be->batch) {
		if (!rc)
			rc = pg_each_row(res, n, kind, cb, payload);
		PQclear(res);
		return rc;
	}
	/* A full first result: the rest is set up before any callback can write. */
	int batch = (int)be->batch;
	int64_t last = 0;
	pg_tail t;
	rc = pg_get_int8(res, batch - 1, 0, &last);
	if (!rc)
		rc = tail_open(&t, be, kind, q, last);
	if (rc) {
		PQclear(res);
		return rc;
	}
	rc = pg_each_row(res, batch, kind, cb, payload);
	PQclear(res);
	for (n = batch; !rc && n == batch;) {
		res = NULL;
		rc = tail_next(&t, last, &res);
		n = rc ? 0 : PQntuples(res);
		note_rows(be, n);
		if (!rc && n > 0)
			rc = pg_get_int8(res, n - 1, 0, &last);
		if (!rc)
			rc = pg_each_row(res, n, kind, cb, payload);
		PQclear(res);
	}
	return tail_close(&t, rc);
}

/* The answers to inserts queued in pipeline mode (bulk.c): read before anything else
 * is sent and awaited (statements.c calls here first), optionally together with the
 * statement that needs them, in one round trip. Errors name the failed row. */
#include "pg_internal.h"

#ifdef LIBPQ_HAS_PIPELINING

/* Reads the answers of every queued insert and leaves pipeline mode. With @st, that
 * statement is sent after the inserts and its result, whatever its status, is stored in
 * *out: the inserts and the read that needs them cost one round trip. The first failed
 * insert is the error (the server skipped what followed it: its transaction is aborted). */
int pg_pipe_drain_with(pg_backend *be, pg_stmt *st, const pg_params *p, PGresult **out)
{
	int n = be->npending, rc = KISCRM_OK, got = 0, nulls = 0, synced = 0;
	be->npending = 0;
	if (n == 0 && !st && PQpipelineStatus(be->conn) == PQ_PIPELINE_OFF)
		return KISCRM_OK;
	int sent = !st || PQsendQueryPrepared(be->conn, st->name, p ? p->n : 0, p ? p->vals : NULL,
					      p ? p->lens : NULL, p ? p->fmts : NULL, 1) == 1;
	if (!sent)
		rc = pg_fail_result(be, NULL, "sending a query after %d rows", n);
	/* The server answers only up to a sync (or flush): without one sent, reading would
	 * wait for ever. */
	int sync_sent = PQpipelineSync(be->conn) == 1;
	if (!sync_sent && !rc)
		rc = pg_fail_result(be, NULL, "insert: sending %d rows", n);
	/* Each command answers with one result followed by NULL; the sync with
	 * PGRES_PIPELINE_SYNC. Two NULLs in a row: the connection is gone. After an error
	 * the remaining answers are still read, so that the connection leaves pipeline mode. */
	while (sync_sent && !synced && nulls < 2) {
		PGresult *res = PQgetResult(be->conn);
		if (!res) {
			nulls++;
			continue;
		}
		nulls = 0;
		ExecStatusType s = PQresultStatus(res);
		if (s == PGRES_PIPELINE_SYNC) {
			synced = 1;
		} else if (got == n && st && sent) {
			*out = res; /* the query's own result: the caller judges it */
			res = NULL;
			got++;
		} else if (s == PGRES_FATAL_ERROR && !rc) {
			const pg_pending *w = got < n ? &be->pending[got] : NULL;
			rc = pg_fail_result(be, res, "insert into %s (id %lld, sent without waiting)",
					    w ? be->schema->kinds[w->ki]->name : "?",
					    w ? (long long)w->id : 0LL);
			got++;
		} else {
			got++;
		}
		PQclear(res);
	}
	if (!synced && !rc)
		rc = pg_fail_result(be, NULL, "insert: the answers to %d rows sent without waiting "
				    "did not arrive", n);
	if (PQexitPipelineMode(be->conn) != 1 && !rc)
		rc = pg_fail_result(be, NULL, "insert: cannot leave pipeline mode");
	if (!rc && st && sent && !*out)
		rc = pg_fail_result(be, NULL, "no answer to a query sent after %d rows", n);
	return rc;
}

int pg_pipe_drain(pg_backend *be)
{
	return pg_pipe_drain_with(be, NULL, NULL, NULL);
}

#else /* libpq before 14: nothing is ever queued */

int pg_pipe_drain_with(pg_backend *be, pg_stmt *st, const pg_params *p, PGresult **out)
{
	(void)be, (void)st, (void)p, (void)out;
	return KISCRM_OK;
}

int pg_pipe_drain(pg_backend *be)
{
	(void)be;
	return KISCRM_OK;
}

#endif

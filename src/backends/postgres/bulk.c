/* Bulk inserts of the PostgreSQL backend. One INSERT per row waiting for its answer costs
 * a network round trip per row: an import of a million opportunities with their history
 * spends its time waiting. Inside a transaction, once a kind has had PG_BULK_AFTER
 * inserts with an assigned id, the backend instead
 *   - takes the ids from a block reserved from the kind's sequence in one statement
 *     (nextval over generate_series), so insert() still returns the id at once;
 *   - queues the INSERT (with that id) in libpq's pipeline mode without waiting;
 *   - reads the answers ("drains") before any statement whose own answer is awaited:
 *     a read (it joins the queue, so it sees the rows and shares their round trip), an
 *     update, a delete, an insert taking the one-by-one path, commit or rollback; and
 *     whenever PG_PIPE_MAX inserts are waiting. Bulk inserts of other kinds just queue.
 * A failed queued insert is reported by the call that drains (at the latest by commit,
 * which then rolls back), naming the kind and the id of the row. COPY was the other
 * candidate; it cannot report which row failed before the end of the COPY and needs the
 * rows of one kind grouped, while the core interleaves kinds (an opportunity, its stage
 * history, its audit entry), so pipelining fits the row-at-a-time vtable better.
 * Without pipeline support in libpq (before 14) every insert takes the one-by-one path.
 * Queued inserts are answered in pipe.c. */
#include "pg_internal.h"

#include <stdlib.h>

void pg_bulk_forget_ids(pg_backend *be, int ki)
{
	if (be->kinds)
		be->kinds[ki].nids = be->kinds[ki].next_id = 0;
}

#ifdef LIBPQ_HAS_PIPELINING

/* Reserves the next block of ids of kind @ki. A block grows with the run (what is left
 * unused at the end stays this handle's for its next transaction). */
static int reserve(pg_backend *be, int ki)
{
	pg_kind_cache *kc = &be->kinds[ki];
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	long want = kc->run < PG_BLOCK_MIN ? PG_BLOCK_MIN : kc->run > PG_BLOCK_MAX ? PG_BLOCK_MAX : kc->run;
	pg_stmt *st;
	pg_params p;
	int rc;
	if (!kc->ids && !(kc->ids = malloc(PG_BLOCK_MAX * sizeof(*kc->ids))))
		return kc_error_oom();
	if ((rc = pg_kind_stmt(be, ki, PS_RESERVE, &st)) != 0 || (rc = pg_params_init(&p, 1)) != 0)
		return rc;
	pg_param_id(&p, 0, want);
	PGresult *res = NULL;
	rc = pg_run(be, st, &p, &res, "reserve ids of", k->name);
	pg_params_dispose(&p);
	int n = rc ? 0 : PQntuples(res);
	if (!rc && n != want)
		rc = kc_error_set(KISCRM_ESTORAGE, "reserve ids of %s: got %d of %ld", k->name, n, want);
	for (int i = 0; !rc && i < n; i++)
		rc = pg_get_int8(res, i, 0, &kc->ids[i]);
	PQclear(res);
	kc->nids = rc ? 0 : n;
	kc->next_id = 0;
	return rc;
}

/* Sends the insert of @row with id @id without waiting for the answer. */
static int queue(pg_backend *be, int ki, pg_stmt *st, const kiscrm_value *row, int64_t id)
{
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	pg_params p;
	int rc = pg_params_init(&p, k->nfields);
	if (rc)
		return rc;
	pg_param_id(&p, 0, id);
	for (int i = 1; !rc && i < k->nfields; i++)
		rc = pg_param_set(&p, i, k, &k->fields[i], &row[i]);
	if (!rc && PQpipelineStatus(be->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(be->conn) != 1)
		rc = pg_fail_result(be, NULL, "insert into %s: cannot enter pipeline mode", k->name);
	if (!rc && PQsendQueryPrepared(be->conn, st->name, p.n, p.vals, p.lens, p.fmts, 1) != 1)
		rc = pg_fail_result(be, NULL, "insert into %s (id %lld)", k->name, (long long)id);
	pg_params_dispose(&p);
	if (!rc) {
		be->pending[be->npending].ki = ki;
		be->pending[be->npending].id = id;
		be->npending++;
	}
	return rc;
}

/* Returns 1 and inserts @row by the bulk path, or 0 when the row takes the one-by-one
 * path; a negative error code on failure. */
int pg_bulk_insert(pg_backend *be, int ki, const kiscrm_value *row, kiscrm_id *out_id)
{
	pg_kind_cache *kc = &be->kinds[ki];
	if (!be->in_tx || ++kc->run <= PG_BULK_AFTER)
		return 0;
	pg_stmt *st;
	int rc;
	if (be->npending == PG_PIPE_MAX && (rc = pg_pipe_drain(be)) != 0)
		return rc;
	if (kc->next_id == kc->nids && (rc = reserve(be, ki)) != 0)
		return rc;
	/* Statements are prepared outside pipeline mode (PQprepare waits for its answer). */
	if ((rc = pg_kind_stmt(be, ki, PS_INSERT_BULK, &st)) != 0 ||
	    (st->gen != be->gen && (rc = pg_prepared(be, st, "insert into", be->schema->kinds[ki]->name)) != 0))
		return rc;
	int64_t id = kc->ids[kc->next_id++];
	if ((rc = queue(be, ki, st, row, id)) != 0)
		return rc;
	if (out_id)
		*out_id = id;
	return 1;
}

#else /* libpq before 14: no pipeline mode */

int pg_bulk_insert(pg_backend *be, int ki, const kiscrm_value *row, kiscrm_id *out_id)
{
	(void)be, (void)ki, (void)row, (void)out_id;
	return 0;
}

#endif

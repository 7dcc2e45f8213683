/* The SQLite backend's transaction slots. Around them, the deferred indexes of bulk
 * loads (bulk.c): built again before COMMIT, forgotten at ROLLBACK, which brings them
 * back itself. */
#include "sqlite_internal.h"

/* Runs a cached transaction-control statement. */
static int exec_cached(sq_backend *be, stmt_slot *slot, const char *sql, const char *what)
{
	if (!slot->stmt) {
		int rc = sq_prepare(be, sql, &slot->stmt, what, "");
		if (rc)
			return rc;
	}
	int src = sqlite3_step(slot->stmt);
	int rc = KISCRM_OK;
	if (src != SQLITE_DONE && src != SQLITE_ROW)
		rc = sq_fail(be, src, "%s", what);
	sqlite3_reset(slot->stmt);
	return rc;
}

int sq_begin(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	sq_bulk_reset(be); /* inserts outside a transaction do not count */
	/* IMMEDIATE takes the write lock now: a second writer waits (busy timeout) or gets
	 * EBUSY here, instead of both holding read locks and deadlocking on upgrade. */
	return exec_cached(be, &be->begin, "BEGIN IMMEDIATE", "begin transaction");
}

int sq_commit(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	int rc = sq_bulk_before_commit(be);
	if (rc == 0 && (rc = exec_cached(be, &be->commit, "COMMIT", "commit")) == 0)
		sq_bulk_reset(be);
	return rc; /* failed: the core rolls back, which resets the bulk state */
}

int sq_rollback(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	sq_bulk_reset(be); /* the rollback brings the deferred indexes back */
	/* Some errors (disk full, I/O) make SQLite roll back on its own; the transaction
	 * the core wants undone is then already gone. */
	if (sqlite3_get_autocommit(be->db))
		return KISCRM_OK;
	return exec_cached(be, &be->rollback, "ROLLBACK", "rollback");
}

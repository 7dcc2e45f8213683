/* The embedded SQLite backend: one table per record kind, statements prepared once per
 * handle and reused, schema version in PRAGMA user_version, forward migration on open.
 *
 * One handle belongs to one thread (the library's rule), so the connection is opened
 * with SQLITE_OPEN_NOMUTEX. Several handles on one file cooperate through WAL and the
 * busy timeout; writers take the lock up front with BEGIN IMMEDIATE so that two
 * writers never deadlock on a lock upgrade. */
#include "sqlite_internal.h"
#include "backends/shared.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- vtable: records -------------------------------------------------------------- */

/* The statement of a scan, count or distinct values (@form, an sq_form) of @q. */
static int open_query(sq_backend *be, const kiscrm_kind_def **kind, const kiscrm_query *q, int form,
		      sqlite3_stmt **st, stmt_slot **slot)
{
	int ki = sq_resolve_kind(be, kind);
	if (ki < 0)
		return ki;
	int rc = sq_check_query(q);
	/* a filtered read of a table whose indexes a bulk load deferred gets them back */
	if (!rc && q && q->ncond > 0)
		rc = sq_bulk_need_indexes(be, ki);
	return rc ? rc : sq_query_stmt(be, *kind, q, form, st, slot);
}

static int sq_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	sq_backend *be = (sq_backend *)b;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "update: row is NULL");
	int ki = sq_resolve_kind(be, &kind);
	if (ki < 0)
		return ki;
	if (row[0].type != KISCRM_TYPE_INT || row[0].u.i <= 0)
		return kc_error_set(KISCRM_EINVALID, "update of %s: row has no id", kind->name);
	stmt_slot *slot;
	int rc = sq_kind_stmt(be, ki, ST_UPDATE, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	sqlite3_bind_int64(st, 1, row[0].u.i);
	for (int i = 1; i < kind->nfields; i++) {
		rc = sq_bind_value(st, i + 1, kind, &kind->fields[i], &row[i]);
		if (rc)
			return rc;
	}
	int src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		rc = sq_fail(be, src, "update of %s %lld", kind->name, (long long)row[0].u.i);
	else if (sqlite3_changes(be->db) == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "update of %s: no record with id %lld",
				  kind->name, (long long)row[0].u.i);
	sqlite3_reset(st);
	return rc;
}

static int sq_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	sq_backend *be = (sq_backend *)b;
	int ki = sq_resolve_kind(be, &kind);
	if (ki < 0)
		return ki;
	stmt_slot *slot;
	int rc = sq_kind_stmt(be, ki, ST_REMOVE, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	sqlite3_bind_int64(st, 1, id);
	int src = sqlite3_step(st);
	if (src != SQLITE_DONE)
		rc = sq_fail(be, src, "delete from %s (id %lld)", kind->name, (long long)id);
	else if (sqlite3_changes(be->db) == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "delete from %s: no record with id %lld",
				  kind->name, (long long)id);
	sqlite3_reset(st);
	return rc;
}

static int sq_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id,
		  kiscrm_row_cb cb, void *payload)
{
	sq_backend *be = (sq_backend *)b;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "get: callback is NULL");
	int ki = sq_resolve_kind(be, &kind);
	if (ki < 0)
		return ki;
	stmt_slot *slot;
	int rc = sq_kind_stmt(be, ki, ST_GET, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	if (slot->busy) { /* a get from inside a get callback: use a private statement */
		rc = sq_prepare(be, sqlite3_sql(slot->stmt), &st, "sq_prepare get from", kind->name);
		if (rc)
			return rc;
		slot = NULL;
	} else {
		slot->busy = 1;
	}
	sqlite3_bind_int64(st, 1, id);
	int nrows;
	rc = sq_step_rows(be, st, kind, 0, cb, payload, &nrows, "get from");
	if (!rc && nrows == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "%s: no record with id %lld", kind->name,
				  (long long)id);
	sq_stmt_release(st, slot);
	return rc;
}

/* Steps the statement of a scan or distinct values (@form) of @q through @cb. */
static int run_rows(sq_backend *be, const kiscrm_kind_def *kind, const kiscrm_query *q, int form,
		    kiscrm_row_cb cb, void *payload, const char *what)
{
	sqlite3_stmt *st;
	stmt_slot *slot;
	int rc = open_query(be, &kind, q, form, &st, &slot);
	if (rc)
		return rc;
	int nrows;
	rc = sq_step_rows(be, st, kind, q ? q->columns : 0, cb, payload, &nrows, what);
	sq_stmt_release(st, slot);
	return rc;
}

static int sq_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		   kiscrm_row_cb cb, void *payload)
{
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "scan: callback is NULL");
	return run_rows((sq_backend *)b, kind, q, SQ_SCAN, cb, payload, "scan of");
}

static int sq_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    int64_t *out)
{
	sq_backend *be = (sq_backend *)b;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "count: output is NULL");
	sqlite3_stmt *st;
	stmt_slot *slot;
	int rc = open_query(be, &kind, q, SQ_COUNT, &st, &slot);
	if (rc)
		return rc;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = sq_fail(be, src, "count of %s", kind->name);
	sq_stmt_release(st, slot);
	return rc;
}


static int sq_distinct(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		       kiscrm_row_cb cb, void *payload)
{
	int rc = kc_backend_check_distinct(q, cb);
	if (rc)
		return rc;
	return run_rows((sq_backend *)b, kind, q, SQ_DISTINCT, cb, payload, "distinct values of");
}

static int sq_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	sq_backend *be = (sq_backend *)b;
	int rc = sq_check_schema(schema);
	if (rc)
		return rc;
	sq_free_statements(be);
	be->schema = NULL;
	int64_t v;
	rc = sq_read_user_version(be, &v);
	if (rc)
		return rc;
	/* Refuse before touching anything, including the journal mode in the header. */
	if (v > schema->version)
		return sq_refuse_newer(be, v, schema);
	rc = sq_check_ours(be, schema, v);
	if (rc)
		return rc;
	if (!be->is_memory) {
		rc = sq_exec_sql(be, "PRAGMA journal_mode = WAL", "switch to WAL");
		if (rc)
			return rc;
	}
	int missing = 0;
	if (v == schema->version)
		rc = sq_schema_missing(be, schema, 0, &missing);
	if (!rc && (v < schema->version || missing))
		rc = sq_migrate(be, schema);
	if (rc)
		return rc;
	be->kinds = calloc(schema->nkinds ? (size_t)schema->nkinds : 1, sizeof(*be->kinds));
	if (!be->kinds)
		return kc_error_oom();
	be->schema = schema;
	be->last_kind = 0;
	return KISCRM_OK;
}

/* ---- construction ----------------------------------------------------------------- */

static void sq_free(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	if (!be)
		return;
	sq_free_statements(be);
	sq_slot_finalize(&be->begin);
	sq_slot_finalize(&be->commit);
	sq_slot_finalize(&be->rollback);
	sqlite3_close_v2(be->db);
	kiscrm_buf_dispose(&be->sql);
	kiscrm_buf_dispose(&be->shape);
	free(be->path);
	free(be);
}

static int configure(sq_backend *be, int busy_timeout_ms)
{
	int64_t ignored;
	sqlite3_extended_result_codes(be->db, 1);
	sqlite3_busy_timeout(be->db, busy_timeout_ms);
	/* Reading the header now turns "file is not a database" into an error of
	 * kiscrm_backend_sqlite_new() rather than of the first query. */
	int rc = sq_query_int(be, "SELECT count(*) FROM sqlite_master", NULL, &ignored,
			   "read the database");
	if (!rc)
		rc = sq_exec_sql(be, "PRAGMA synchronous = NORMAL", "set synchronous");
	/* The core checks references itself, for every backend alike. */
	if (!rc)
		rc = sq_exec_sql(be, "PRAGMA foreign_keys = OFF", "set foreign_keys");
	/* SQLite's default page cache is 2 MiB. Bulk loads insert into several indexes in
	 * random key order (owner, customer, expected date …); once those indexes outgrow the
	 * cache every insert evicts dirty pages, which WAL mode appends to the log again and
	 * again: 1,000,000 opportunities took 50× the time of 100,000 (bench/). 64 MiB keeps
	 * the index pages of a million-row load resident; it is an upper bound, allocated
	 * only as pages are used. */
	if (!rc)
		rc = sq_exec_sql(be, "PRAGMA cache_size = -65536", "set cache_size");
	return rc;
}

/* SQLite creates a missing database file 0644 less the umask, and its -wal and -shm files
 * with the database file's mode (it chmods them to match). So the file is created here,
 * empty (a valid empty database), with the mode wanted: O_EXCL never touches an existing
 * file, whose mode stays the owner's choice. Nothing is removed on a later failure: by
 * then another process may be using the file. */
static int create_file(const char *path, int mode)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return KISCRM_OK;
		return kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL,
				       "cannot create SQLite database '%s': %s", path, strerror(errno));
	}
	/* The umask narrowed the mode given to open(); the caller asked for this one. */
	int rc = KISCRM_OK;
	if (fchmod(fd, (mode_t)mode) != 0)
		rc = kc_error_set_at(KISCRM_ESTORAGE, path, 0, 0, NULL, NULL,
				     "cannot set the mode of '%s' to %04o: %s", path, (unsigned)mode,
				     strerror(errno));
	close(fd);
	return rc;
}

int kiscrm_backend_sqlite_new(kiscrm_backend **out, const char *path, int busy_timeout_ms)
{
	return kc_backend_sqlite_new_mode(out, path, busy_timeout_ms, 0);
}

int kc_backend_sqlite_new_mode(kiscrm_backend **out, const char *path, int busy_timeout_ms, int file_mode)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output backend pointer is NULL");
	*out = NULL;
	if (busy_timeout_ms < 0)
		return kc_error_set(KISCRM_EINVALID, "busy timeout %d ms is negative",
				    busy_timeout_ms);
	if (file_mode == 0)
		file_mode = KC_SQLITE_DEFAULT_FILE_MODE;
	if ((file_mode & ~0777) || (file_mode & 0600) != 0600) {
		char text[16];
		snprintf(text, sizeof(text), "%o", (unsigned)file_mode);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "file_mode", text,
				       "file_mode %s is not a permission mode in 0600 … 0777 (the owner "
				       "needs read and write)", text);
	}
	if (!path)
		path = ":memory:";
	sq_backend *be = calloc(1, sizeof(*be));
	if (!be)
		return kc_error_oom();
	be->path = kc_strdup(path);
	if (!be->path) {
		free(be);
		return kc_error_oom();
	}
	be->is_memory = strcmp(path, ":memory:") == 0 || path[0] == '\0';
	int rc;
	if (!be->is_memory && (rc = create_file(path, file_mode)) != 0) {
		sq_free(&be->base);
		return rc;
	}
	int src = sqlite3_open_v2(path, &be->db,
				  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				  NULL);
	if (src != SQLITE_OK) {
		if (src == SQLITE_NOMEM)
			rc = kc_error_oom();
		else
			rc = kc_error_set(KISCRM_ESTORAGE, "cannot open SQLite database '%s': %s",
					  path, be->db ? sqlite3_errmsg(be->db) : sqlite3_errstr(src));
		sq_free(&be->base);
		return rc;
	}
	rc = configure(be, busy_timeout_ms ? busy_timeout_ms : DEFAULT_BUSY_MS);
	if (rc) {
		if (rc != KISCRM_ENOMEM) {
			/* Put the path in front of SQLite's words ("file is not a database"). */
			const kiscrm_error *e = kiscrm_error_last();
			char msg[512];
			snprintf(msg, sizeof(msg), "%s", e->message);
			rc = kc_error_set(rc == KISCRM_EBUSY ? KISCRM_EBUSY : KISCRM_ESTORAGE,
					  "cannot open SQLite database '%s': %s", path, msg);
		}
		sq_free(&be->base);
		return rc;
	}
	be->base.version = KISCRM_BACKEND_VERSION;
	be->base.open = sq_open;
	be->base.begin = sq_begin;
	be->base.commit = sq_commit;
	be->base.rollback = sq_rollback;
	be->base.insert = sq_insert;
	be->base.update = sq_update;
	be->base.remove = sq_remove;
	be->base.get = sq_get;
	be->base.scan = sq_scan;
	be->base.count = sq_count;
	be->base.free = sq_free;
	be->base.distinct = sq_distinct;
	*out = &be->base;
	return KISCRM_OK;
}

int kc_backend_sqlite_data_version(kiscrm_backend *b, int64_t *version)
{
	return sq_query_int((sq_backend *)b, "PRAGMA data_version", NULL, version, "read the data version");
}

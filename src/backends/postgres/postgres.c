/* The PostgreSQL backend, for many users on one server: one table per record kind, one
 * connection per handle (a handle belongs to one thread, the library's rule), statements
 * prepared on the server per kind and per query shape, whole results (of a large scan:
 * whole batches, cursor.c) read before any callback runs (so the core may call the
 * backend again from a callback), SERIALIZABLE transactions whose conflicts are the
 * retryable KISCRM_EBUSY. */
#include "pg_internal.h"
#include "backends/shared.h"
#include "core/str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- vtable: records -------------------------------------------------------------- */

static int check_row(const kiscrm_value *row, const char *what)
{
	return row ? KISCRM_OK : kc_error_set(KISCRM_EINVALID, "%s: row is NULL", what);
}

static int pg_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		     kiscrm_id *out_id)
{
	pg_backend *be = (pg_backend *)b;
	int rc = check_row(row, "insert");
	if (rc)
		return rc;
	int ki = pg_find_kind(be, &kind);
	if (ki < 0)
		return ki;
	int auto_id;
	if ((rc = kc_backend_insert_id(kind, row, &auto_id)) != 0)
		return rc;
	if (auto_id && (rc = pg_bulk_insert(be, ki, row, out_id)) != 0)
		return rc < 0 ? rc : KISCRM_OK;
	/* An explicit id may lie in this handle's reserved block: give the block up, so
	 * that no later insert is assigned an id taken now. */
	if (!auto_id)
		pg_bulk_forget_ids(be, ki);
	pg_stmt *st;
	if ((rc = pg_kind_stmt(be, ki, auto_id ? PS_INSERT_AUTO : PS_INSERT_ID, &st)) != 0)
		return rc;
	pg_params p;
	int first = auto_id ? 1 : 0;
	if ((rc = pg_params_init(&p, kind->nfields - first)) != 0)
		return rc;
	if (!auto_id)
		pg_param_id(&p, 0, row[0].u.i);
	for (int i = 1; !rc && i < kind->nfields; i++)
		rc = pg_param_set(&p, i - first, kind, &kind->fields[i], &row[i]);
	PGresult *res = NULL;
	if (!rc)
		rc = pg_run(be, st, &p, &res, "insert into", kind->name);
	int64_t id = 0;
	if (!rc && PQntuples(res) == 0)
		rc = kc_error_set(KISCRM_EEXISTS, "insert into %s: id %lld already exists",
				  kind->name, (long long)row[0].u.i);
	else if (!rc)
		rc = pg_get_int8(res, 0, 0, &id);
	if (!rc && out_id)
		*out_id = id;
	PQclear(res);
	pg_params_dispose(&p);
	return rc;
}

/* Runs a statement whose only result is the number of rows it changed. */
static int run_changing(pg_backend *be, pg_stmt *st, const pg_params *p, const char *what,
			const kiscrm_kind_def *kind, kiscrm_id id)
{
	PGresult *res = NULL;
	int rc = pg_run(be, st, p, &res, what, kind->name);
	if (!rc && strcmp(PQcmdTuples(res), "0") == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "%s %s: no record with id %lld", what,
				  kind->name, (long long)id);
	PQclear(res);
	return rc;
}

static int pg_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	pg_backend *be = (pg_backend *)b;
	int rc = check_row(row, "update");
	if (rc)
		return rc;
	int ki = pg_find_kind(be, &kind);
	if (ki < 0)
		return ki;
	if (row[0].type != KISCRM_TYPE_INT || row[0].u.i <= 0)
		return kc_error_set(KISCRM_EINVALID, "update of %s: row has no id", kind->name);
	pg_stmt *st;
	pg_params p;
	if ((rc = pg_kind_stmt(be, ki, PS_UPDATE, &st)) != 0 ||
	    (rc = pg_params_init(&p, kind->nfields)) != 0)
		return rc;
	pg_param_id(&p, 0, row[0].u.i);
	for (int i = 1; !rc && i < kind->nfields; i++)
		rc = pg_param_set(&p, i, kind, &kind->fields[i], &row[i]);
	if (!rc)
		rc = run_changing(be, st, &p, "update of", kind, row[0].u.i);
	pg_params_dispose(&p);
	return rc;
}

static int pg_remove(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id)
{
	pg_backend *be = (pg_backend *)b;
	int ki = pg_find_kind(be, &kind);
	if (ki < 0)
		return ki;
	pg_stmt *st;
	pg_params p;
	int rc;
	if ((rc = pg_kind_stmt(be, ki, PS_REMOVE, &st)) != 0 || (rc = pg_params_init(&p, 1)) != 0)
		return rc;
	pg_param_id(&p, 0, id);
	rc = run_changing(be, st, &p, "delete from", kind, id);
	pg_params_dispose(&p);
	return rc;
}

static int pg_get(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id, kiscrm_row_cb cb,
		  void *payload)
{
	pg_backend *be = (pg_backend *)b;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "get: callback is NULL");
	int ki = pg_find_kind(be, &kind);
	if (ki < 0)
		return ki;
	pg_stmt *st;
	pg_params p;
	int rc;
	if ((rc = pg_kind_stmt(be, ki, PS_GET, &st)) != 0 || (rc = pg_params_init(&p, 1)) != 0)
		return rc;
	pg_param_id(&p, 0, id);
	PGresult *res = NULL;
	rc = pg_run(be, st, &p, &res, "get from", kind->name);
	pg_params_dispose(&p);
	if (!rc && PQntuples(res) == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "%s: no record with id %lld", kind->name,
				  (long long)id);
	if (!rc)
		rc = pg_each_row(res, PQntuples(res), kind, cb, payload);
	PQclear(res);
	return rc;
}

static int pg_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		   kiscrm_row_cb cb, void *payload)
{
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "scan: callback is NULL");
	return pg_scan_rows((pg_backend *)b, kind, q, cb, payload);
}

static int pg_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    int64_t *out)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "count: output is NULL");
	PGresult *res = NULL;
	int rc = pg_run_query((pg_backend *)b, &kind, q, PG_COUNT, &res);
	if (!rc)
		rc = PQntuples(res) == 1 ? pg_get_int8(res, 0, 0, out)
					 : kc_error_set(KISCRM_ESTORAGE, "count of %s returned no row",
							kind->name);
	PQclear(res);
	return rc;
}

static int pg_distinct(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		       kiscrm_row_cb cb, void *payload)
{
	int rc = kc_backend_check_distinct(q, cb);
	if (rc)
		return rc;
	int walked = 0;
	rc = pg_distinct_loose((pg_backend *)b, kind, q, cb, payload, &walked);
	if (rc || walked)
		return rc;
	PGresult *res = NULL;
	rc = pg_run_query((pg_backend *)b, &kind, q, PG_DISTINCT, &res);
	if (!rc)
		rc = pg_each_row(res, PQntuples(res), kind, cb, payload);
	PQclear(res);
	return rc;
}

static int pg_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	pg_backend *be = (pg_backend *)b;
	int rc = pg_check_schema(schema);
	if (rc)
		return rc;
	if (be->in_tx)
		return kc_error_set(KISCRM_EINVALID, "PostgreSQL backend: open inside a transaction");
	pg_free_statements(be);
	be->schema = NULL;
	if ((rc = pg_sync_schema(be, schema)) != 0)
		return rc;
	be->kinds = calloc(schema->nkinds ? (size_t)schema->nkinds : 1, sizeof(*be->kinds));
	if (!be->kinds)
		return kc_error_oom();
	be->schema = schema;
	be->last_kind = 0;
	return KISCRM_OK;
}

/* ---- construction ----------------------------------------------------------------- */

/* Rows per batch of a scan: PG_BATCH_DEFAULT, or KISCRM_PG_BATCH when it is a number in
 * range (a testing knob: tiny batches make small tables take the batched path). */
static long batch_size(void)
{
	const char *text = getenv("KISCRM_PG_BATCH");
	if (!text || !*text)
		return PG_BATCH_DEFAULT;
	char *end;
	long n = strtol(text, &end, 10);
	return *end || n < PG_BATCH_MIN || n > PG_BATCH_MAX ? PG_BATCH_DEFAULT : n;
}

long kc_backend_postgres_largest_result(const kiscrm_backend *b)
{
	return b ? ((const pg_backend *)b)->largest : 0;
}

long kc_backend_postgres_index_walks(const kiscrm_backend *b)
{
	return b ? ((const pg_backend *)b)->walks : 0;
}

static void pg_free(kiscrm_backend *b)
{
	pg_backend *be = (pg_backend *)b;
	if (!be)
		return;
	/* Closing the connection ends an open transaction (rolled back) and frees the
	 * server's prepared statements; no DEALLOCATE round trip needed. */
	PQfinish(be->conn);
	be->conn = NULL;
	pg_free_statements(be);
	kiscrm_buf_dispose(&be->sql);
	free(be->where);
	free(be);
}

/* Server notices ("relation … already exists, skipping") are not errors, and a library
 * must not write to the application's stderr. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* "database 'crm' on /tmp/pg as kiscrm" for messages: names what was reached, never the
 * password of the connection string. */
static int describe(pg_backend *be)
{
	const char *host = PQhost(be->conn);
	char text[512];
	snprintf(text, sizeof(text), "database '%s' on %s as %s", PQdb(be->conn) ? PQdb(be->conn) : "?",
		 host && *host ? host : "the default socket", PQuser(be->conn) ? PQuser(be->conn) : "?");
	free(be->where);
	be->where = kc_strdup(text);
	return be->where ? KISCRM_OK : kc_error_oom();
}

/* The server stores what the client sends only if it can: Chinese names need a UTF8
 * database (SQL_ASCII stores the bytes unchecked, which round-trips too). */
static int check_server(pg_backend *be)
{
	const char *enc = PQparameterStatus(be->conn, "server_encoding");
	if (enc && strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0)
		return kc_error_set(KISCRM_ESTORAGE, "PostgreSQL %s has encoding %s; libkiscrm needs "
				    "a UTF8 database (CREATE DATABASE … ENCODING 'UTF8')", be->where, enc);
	if (PQserverVersion(be->conn) < 100000)
		return kc_error_set(KISCRM_ESTORAGE, "PostgreSQL %s is version %d; libkiscrm needs "
				    "10 or later", be->where, PQserverVersion(be->conn));
	return KISCRM_OK;
}

int kc_backend_postgres_new(kiscrm_backend **out, const char *conninfo)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output backend pointer is NULL");
	*out = NULL;
	pg_backend *be = calloc(1, sizeof(*be));
	if (!be)
		return kc_error_oom();
	/* The caller's string is expanded as "dbname" (URI or key=value); the keywords after
	 * it override it: text is always exchanged in UTF-8. */
	const char *const keys[] = { "dbname", "client_encoding", "fallback_application_name", NULL };
	const char *const vals[] = { conninfo ? conninfo : "", "UTF8", "libkiscrm", NULL };
	be->conn = PQconnectdbParams(keys, vals, 1);
	int rc;
	if (!be->conn) {
		rc = kc_error_oom();
	} else if (PQstatus(be->conn) != CONNECTION_OK) {
		const char *msg = PQerrorMessage(be->conn);
		size_t len = strlen(msg);
		while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
			len--;
		rc = kc_error_set(KISCRM_ESTORAGE, "cannot connect to PostgreSQL: %.*s", (int)len, msg);
	} else if ((rc = describe(be)) == 0) {
		PQsetNoticeProcessor(be->conn, ignore_notice, NULL);
		rc = check_server(be);
	}
	if (rc) {
		pg_free(&be->base);
		return rc;
	}
	be->gen = 1;
	be->batch = batch_size();
	be->base.version = KISCRM_BACKEND_VERSION;
	be->base.open = pg_open;
	be->base.begin = pg_begin;
	be->base.commit = pg_commit;
	be->base.rollback = pg_rollback;
	be->base.insert = pg_insert;
	be->base.update = pg_update;
	be->base.remove = pg_remove;
	be->base.get = pg_get;
	be->base.scan = pg_scan;
	be->base.count = pg_count;
	be->base.distinct = pg_distinct;
	be->base.free = pg_free;
	*out = &be->base;
	return KISCRM_OK;
}

/* Schema of the SQLite backend: one table per kind, its columns checked against the
 * kind definitions, the schema version in PRAGMA user_version, forward migration. */
#include "sqlite_internal.h"
#include "backends/shared.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schema and migration --------------------------------------------------------- */

int sq_check_schema(const kiscrm_schema *s)
{
	int rc = kc_backend_check_shape(s);
	for (int i = 0; rc == 0 && i < s->nkinds; i++) {
		const kiscrm_kind_def *k = s->kinds[i];
		if ((rc = sq_check_name("record kind", k->name)) != 0)
			break;
		if (strcmp(k->name, META_TABLE) == 0 || strncmp(k->name, "sqlite_", 7) == 0)
			return kc_error_set(KISCRM_EINVALID, "record kind name '%s' is reserved",
					    k->name);
		for (int j = 1; rc == 0 && j < k->nfields; j++)
			rc = sq_check_name("field", k->fields[j].name);
	}
	return rc;
}

static int table_exists(sq_backend *be, const char *name, int *exists)
{
	int64_t n;
	int rc = sq_query_int(be, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
			   name, &n, "read the schema");
	*exists = n > 0;
	return rc;
}

/* Counts what @p k lacks in the database: the table itself, columns and indexes. With
 * @p fix set, creates them (inside the caller's transaction). */
static int sync_kind(sq_backend *be, const kiscrm_kind_def *k, int fix, int *missing)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	sqlite3_stmt *st = NULL;
	int exists, rc = table_exists(be, k->name, &exists);
	if (rc)
		return rc;
	if (!exists) {
		(*missing)++;
		if (fix) {
			rc = kc_buf_printf(&b, "CREATE TABLE \"%s\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT",
					   k->name);
			for (int i = 1; !rc && i < k->nfields; i++)
				rc = kc_buf_printf(&b, ", \"%s\" %s", k->fields[i].name,
						   sq_sql_type(k->fields[i].type));
			if (!rc)
				rc = kc_buf_puts(&b, ")");
			if (!rc)
				rc = sq_exec_sql(be, b.ptr, "create table");
		}
	} else {
		/* Which fields have a column already: PRAGMA table_info lists them. */
		rc = kc_buf_printf(&b, "PRAGMA table_info(\"%s\")", k->name);
		if (!rc)
			rc = sq_prepare(be, b.ptr, &st, "read columns of", k->name);
		for (int i = 1; !rc && i < k->nfields; i++) {
			int found = 0, src;
			while ((src = sqlite3_step(st)) == SQLITE_ROW) {
				const char *col = (const char *)sqlite3_column_text(st, 1);
				if (col && strcmp(col, k->fields[i].name) == 0)
					found = 1;
			}
			if (src != SQLITE_DONE)
				rc = sq_fail(be, src, "read columns of %s", k->name);
			sqlite3_reset(st);
			if (rc || found)
				continue;
			(*missing)++;
			if (!fix)
				continue;
			b.size = 0;
			rc = kc_buf_printf(&b, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s", k->name,
					   k->fields[i].name, sq_sql_type(k->fields[i].type));
			if (!rc)
				rc = sq_exec_sql(be, b.ptr, "add column");
		}
		sqlite3_finalize(st);
	}
	for (int i = 1; !rc && i < k->nfields; i++) {
		if (!(k->fields[i].flags & KISCRM_FIELD_INDEXED))
			continue;
		b.size = 0;
		rc = kc_buf_printf(&b, "%s_%s", k->name, k->fields[i].name);
		int64_t n = 0;
		if (!rc)
			rc = sq_query_int(be, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
				       b.ptr, &n, "read the schema");
		if (rc || n)
			continue;
		(*missing)++;
		if (!fix)
			continue;
		rc = sq_create_index(be, k, i);
	}
	kiscrm_buf_dispose(&b);
	return rc;
}

int sq_read_user_version(sq_backend *be, int64_t *v)
{
	return sq_query_int(be, "PRAGMA user_version", NULL, v, "read schema version");
}

int sq_refuse_newer(sq_backend *be, int64_t v, const kiscrm_schema *s)
{
	return kc_error_set(KISCRM_EVERSION,
			    "database '%s' has schema version %lld, newer than this library's %d; "
			    "upgrade libkiscrm", be->path, (long long)v, s->version);
}

/* Refuses files written by something else: a fresh database has no tables but ours;
 * a versioned one carries our meta table. Nothing is modified. */
int sq_check_ours(sq_backend *be, const kiscrm_schema *s, int64_t v)
{
	int rc = KISCRM_OK;
	if (v > 0) {
		int has_meta;
		rc = table_exists(be, META_TABLE, &has_meta);
		int64_t n = 0;
		if (!rc && has_meta)
			rc = sq_query_int(be, "SELECT count(*) FROM " META_TABLE
				       " WHERE key = 'application' AND value = ?1",
				       APPLICATION, &n, "read " META_TABLE);
		if (!rc && !n)
			rc = kc_error_set(KISCRM_EINVALID,
					  "'%s' is not a libkiscrm database (schema version %lld but "
					  "no libkiscrm marker)", be->path, (long long)v);
		return rc;
	}
	sqlite3_stmt *st;
	rc = sq_prepare(be, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
		     "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", &st, "read the schema", "");
	if (rc)
		return rc;
	int src;
	while (!rc && (src = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int known = name && strcmp(name, META_TABLE) == 0;
		for (int i = 0; name && !known && i < s->nkinds; i++)
			known = strcmp(name, s->kinds[i]->name) == 0;
		if (!known)
			rc = kc_error_set(KISCRM_EINVALID,
					  "'%s' is not a libkiscrm database (it has table '%s')",
					  be->path, name ? name : "?");
	}
	if (!rc && src != SQLITE_DONE)
		rc = sq_fail(be, src, "read the schema of '%s'", be->path);
	sqlite3_finalize(st);
	return rc;
}

int sq_schema_missing(sq_backend *be, const kiscrm_schema *s, int fix, int *missing)
{
	*missing = 0;
	int rc = KISCRM_OK;
	for (int i = 0; !rc && i < s->nkinds; i++)
		rc = sync_kind(be, s->kinds[i], fix, missing);
	return rc;
}

/* Creates what is missing and stamps the version, all in one transaction. */
int sq_migrate(sq_backend *be, const kiscrm_schema *s)
{
	int rc = sq_begin(&be->base);
	if (rc)
		return rc;
	int64_t v;
	int missing;
	char sql[160];
	/* Re-read under the write lock: another process may have migrated meanwhile. */
	rc = sq_read_user_version(be, &v);
	if (!rc && v > s->version)
		rc = sq_refuse_newer(be, v, s);
	if (!rc)
		rc = sq_schema_missing(be, s, 1, &missing);
	if (!rc)
		rc = sq_exec_sql(be, "CREATE TABLE IF NOT EXISTS " META_TABLE
			      " (key TEXT PRIMARY KEY, value TEXT)", "create " META_TABLE);
	if (!rc) {
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO " META_TABLE
			 " VALUES ('application', '" APPLICATION "'), ('schema_version', '%d')",
			 s->version);
		rc = sq_exec_sql(be, sql, "write " META_TABLE);
	}
	if (!rc) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", s->version);
		rc = sq_exec_sql(be, sql, "write schema version");
	}
	if (!rc)
		rc = sq_commit(&be->base);
	if (rc)
		sq_rollback(&be->base); /* keeps the first error: rollback rarely fails */
	return rc;
}

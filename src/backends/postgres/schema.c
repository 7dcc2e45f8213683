/* Schema of the PostgreSQL backend: one table per kind in the connection's current schema
 * (the first of search_path), created and migrated like SQLite's (missing tables, columns
 * and indexes are added), the version in the table kiscrm_meta, and data written by a
 * newer library refused. Migration runs in one transaction under an advisory lock, so
 * that several processes opening a fresh database at once create it exactly once. */
#include "pg_internal.h"
#include "backends/shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* First key of the advisory lock; the second is the hash of the schema's name, so that
 * databases in different schemas (tests, tenants) do not wait for each other. */
#define PG_LOCK_CLASS 1262703171 /* "KCRC" */

int pg_check_schema(const kiscrm_schema *s)
{
	int rc = kc_backend_check_shape(s);
	for (int i = 0; rc == 0 && i < s->nkinds; i++) {
		const kiscrm_kind_def *k = s->kinds[i];
		for (int j = -1; j < k->nfields; j++) {
			/* j = -1 checks the table name. Names become quoted identifiers and the
			 * table name also a string literal (pg_get_serial_sequence): refusing
			 * quotes keeps both trivially safe. The sequence "<table>_id_seq" must fit
			 * PostgreSQL's 63 bytes, or it would be truncated. */
			const char *name = j < 0 ? k->name : k->fields[j].name;
			size_t max = j < 0 ? PG_NAME_MAX - 7 : PG_NAME_MAX;
			if (!name || !*name || strlen(name) > max || strpbrk(name, "\"'\\"))
				return kc_error_set(KISCRM_EINVALID, "%s name '%s' is not a valid "
						    "PostgreSQL name", j < 0 ? "record kind" : "field",
						    name ? name : "");
			for (const char *p = name; *p; p++)
				if ((unsigned char)*p < 0x20)
					return kc_error_set(KISCRM_EINVALID, "name '%s' has a control "
							    "character", name);
		}
		if (strcmp(k->name, PG_META_TABLE) == 0 || strncmp(k->name, "pg_", 3) == 0)
			return kc_error_set(KISCRM_EINVALID, "record kind name '%s' is reserved", k->name);
	}
	return rc;
}

/* ---- what the database has -------------------------------------------------------- */

/* The relations of the current schema with their columns, read in one round trip
 * (rather than one query per table, column and index: a fresh database per test and
 * every open of an up-to-date one stay cheap). Columns: relname, relkind, attname,
 * atttypid (NULL for relations other than tables). */
typedef struct catalog {
	PGresult *res;
	char schema[PG_NAME_MAX + 1];
	int has_meta;
	int64_t version; /* 0: no version yet */
} catalog;

static const char catalog_sql[] =
	"SELECT c.relname, c.relkind, a.attname, a.atttypid::int8 "
	"FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN pg_attribute a ON c.relkind IN ('r', 'p') AND a.attrelid = c.oid "
	"AND a.attnum > 0 AND NOT a.attisdropped "
	"WHERE n.nspname = current_schema()";

/* Relation names as PostgreSQL stores them: cut to 63 bytes. */
static int same_name(const char *stored, const char *wanted)
{
	return strncmp(stored, wanted, PG_NAME_MAX) == 0;
}

/* Row of relation @name with relkind in @kinds, or -1; with @col, the row of that column. */
static int cat_find(const catalog *c, const char *name, const char *kinds, const char *col)
{
	int n = PQntuples(c->res);
	for (int r = 0; r < n; r++) {
		if (!same_name(PQgetvalue(c->res, r, 0), name) ||
		    !strchr(kinds, PQgetvalue(c->res, r, 1)[0]))
			continue;
		if (!col || (!PQgetisnull(c->res, r, 2) && strcmp(PQgetvalue(c->res, r, 2), col) == 0))
			return r;
	}
	return -1;
}

static void cat_dispose(catalog *c)
{
	PQclear(c->res);
	c->res = NULL;
}

static int cat_load(pg_backend *be, catalog *c)
{
	PGresult *res = NULL;
	cat_dispose(c);
	c->has_meta = 0;
	c->version = 0;
	int rc = pg_exec(be, "SELECT current_schema()", &res, "read the current schema");
	if (rc)
		return rc;
	if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0)) {
		PQclear(res);
		return kc_error_set(KISCRM_ESTORAGE, "PostgreSQL %s: no schema of search_path exists "
				    "to create the tables in", be->where);
	}
	snprintf(c->schema, sizeof(c->schema), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	if ((rc = pg_exec(be, catalog_sql, &c->res, "read the catalog")) != 0)
		return rc;
	if (cat_find(c, PG_META_TABLE, "r", NULL) < 0)
		return KISCRM_OK;
	c->has_meta = 1;
	rc = pg_exec(be, "SELECT key, value FROM \"" PG_META_TABLE "\" WHERE key IN "
		     "('application', 'schema_version')", &res, "read " PG_META_TABLE);
	if (rc)
		return rc;
	int ours = 0;
	for (int r = 0; r < PQntuples(res); r++) {
		const char *key = PQgetvalue(res, r, 0), *value = PQgetvalue(res, r, 1);
		if (!strcmp(key, "application"))
			ours = !strcmp(value, PG_APPLICATION);
		else
			c->version = strtoll(value, NULL, 10);
	}
	PQclear(res);
	if (!ours)
		return kc_error_set(KISCRM_EINVALID, "schema '%s' of PostgreSQL %s is not a "
				    "libkiscrm database (%s has no libkiscrm marker)", c->schema,
				    be->where, PG_META_TABLE);
	return KISCRM_OK;
}

/* Refuses what this library must not touch: a newer schema, or a schema without our
 * marker that holds tables of something else. Nothing is modified. */
static int cat_check(pg_backend *be, const catalog *c, const kiscrm_schema *s)
{
	if (c->version > s->version)
		return kc_error_set(KISCRM_EVERSION, "schema '%s' of PostgreSQL %s has schema version "
				    "%lld, newer than this library's %d; upgrade libkiscrm",
				    c->schema, be->where, (long long)c->version, s->version);
	if (c->has_meta)
		return KISCRM_OK;
	for (int r = 0; r < PQntuples(c->res); r++) {
		const char *name = PQgetvalue(c->res, r, 0);
		if (!strchr("rpvmf", PQgetvalue(c->res, r, 1)[0]))
			continue; /* indexes and sequences come with tables */
		int known = 0;
		for (int i = 0; !known && i < s->nkinds; i++)
			known = same_name(name, s->kinds[i]->name);
		if (!known)
			return kc_error_set(KISCRM_EINVALID, "schema '%s' of PostgreSQL %s is not a "
					    "libkiscrm database (it has table '%s')", c->schema,
					    be->where, name);
	}
	return KISCRM_OK;
}

/* ---- what is missing -------------------------------------------------------------- */

/* The index over @k's grouped fields in field order (KISCRM_FIELD_GROUPED), which the
 * distinct values of those fields walk (loose.c): counted when missing and, with @ddl,
 * created. */
static int sync_grouped_index(const catalog *c, const kiscrm_kind_def *k, kiscrm_buf *ddl, int *missing)
{
	char name[2 * PG_NAME_MAX + 2];
	int fields[64], n = pg_grouped_fields(k, fields);
	snprintf(name, sizeof(name), "%s" PG_GROUPED_SUFFIX, k->name);
	if (n == 0 || cat_find(c, name, "i", NULL) >= 0)
		return KISCRM_OK;
	(*missing)++;
	if (!ddl)
		return KISCRM_OK;
	int rc = kc_buf_printf(ddl, "CREATE INDEX IF NOT EXISTS \"%s\" ON \"%s\" (", name, k->name);
	for (int i = 0; !rc && i < n; i++)
		rc = kc_buf_printf(ddl, "%s\"%s\"", i ? ", " : "", k->fields[fields[i]].name);
	return rc ? rc : kc_buf_puts(ddl, ");\n");
}

/* Counts what @k lacks (table, columns, indexes) and, with @ddl, appends the statements
 * creating it. Existing columns must have the type this backend gives them: the rows are
 * read in binary, which a different type would garble. */
static int sync_kind(pg_backend *be, const catalog *c, const kiscrm_kind_def *k, kiscrm_buf *ddl,
		     int *missing)
{
	int rc = KISCRM_OK;
	if (cat_find(c, k->name, "rp", NULL) < 0) {
		(*missing)++;
		if (ddl) {
			rc = kc_buf_printf(ddl, "CREATE TABLE IF NOT EXISTS \"%s\" (\"id\" BIGSERIAL "
					   "PRIMARY KEY", k->name);
			for (int i = 1; !rc && i < k->nfields; i++)
				rc = kc_buf_printf(ddl, ", \"%s\" %s", k->fields[i].name,
						   pg_sql_type(k->fields[i].type));
			if (!rc)
				rc = kc_buf_puts(ddl, ");\n");
		}
	} else {
		for (int i = 0; !rc && i < k->nfields; i++) {
			const kiscrm_field_def *f = &k->fields[i];
			int r = cat_find(c, k->name, "rp", f->name);
			if (r >= 0) {
				long long oid = strtoll(PQgetvalue(c->res, r, 3), NULL, 10);
				if (oid != (long long)pg_type_oid(f->type))
					return kc_error_set(KISCRM_ESTORAGE, "column '%s' of table '%s' in "
							    "PostgreSQL %s has type oid %lld, not %s",
							    f->name, k->name, be->where, oid,
							    pg_sql_type(f->type));
				continue;
			}
			(*missing)++;
			if (ddl)
				rc = kc_buf_printf(ddl, "ALTER TABLE \"%s\" ADD COLUMN IF NOT EXISTS "
						   "\"%s\" %s;\n", k->name, f->name, pg_sql_type(f->type));
		}
	}
	for (int i = 1; !rc && i < k->nfields; i++) {
		if (!(k->fields[i].flags & KISCRM_FIELD_INDEXED))
			continue;
		char name[2 * PG_NAME_MAX + 2];
		snprintf(name, sizeof(name), "%s_%s", k->name, k->fields[i].name);
		if (cat_find(c, name, "i", NULL) >= 0)
			continue;
		(*missing)++;
		if (ddl)
			rc = kc_buf_printf(ddl, "CREATE INDEX IF NOT EXISTS \"%s\" ON \"%s\" (\"%s\");\n",
					   name, k->name, k->fields[i].name);
	}
	return rc ? rc : sync_grouped_index(c, k, ddl, missing);
}

static int count_missing(pg_backend *be, const catalog *c, const kiscrm_schema *s, kiscrm_buf *ddl,
			 int *missing)
{
	int rc = KISCRM_OK;
	*missing = 0;
	for (int i = 0; !rc && i < s->nkinds; i++)
		rc = sync_kind(be, c, s->kinds[i], ddl, missing);
	return rc;
}

/* Creates what is missing and stamps the version, in one transaction. READ COMMITTED:
 * every statement after the lock sees what a process that held it before committed. */
static int migrate(pg_backend *be, catalog *c, const kiscrm_schema *s)
{
	kiscrm_buf ddl = KISCRM_BUF_INIT;
	char sql[160];
	int missing;
	int rc = pg_exec(be, "BEGIN ISOLATION LEVEL READ COMMITTED", NULL, "begin migration");
	if (rc)
		return rc;
	be->in_tx = 1;
	snprintf(sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d, hashtext(current_schema()))",
		 PG_LOCK_CLASS);
	rc = pg_exec(be, sql, NULL, "lock the schema for migration");
	/* Re-read under the lock: another process may have migrated meanwhile. */
	if (!rc)
		rc = cat_load(be, c);
	if (!rc)
		rc = cat_check(be, c, s);
	if (!rc)
		rc = count_missing(be, c, s, &ddl, &missing);
	if (!rc)
		rc = kc_buf_printf(&ddl, "CREATE TABLE IF NOT EXISTS \"" PG_META_TABLE "\" "
				   "(key TEXT PRIMARY KEY, value TEXT);\n"
				   "INSERT INTO \"" PG_META_TABLE "\" VALUES ('application', '"
				   PG_APPLICATION "'), ('schema_version', '%d') ON CONFLICT (key) "
				   "DO UPDATE SET value = EXCLUDED.value;\n", s->version);
	if (!rc)
		rc = pg_exec(be, ddl.ptr, NULL, "create the tables");
	if (!rc) {
		PGresult *res = NULL;
		rc = pg_exec(be, "COMMIT", &res, "commit migration");
		if (!rc && strcmp(PQcmdStatus(res), "COMMIT") != 0)
			rc = kc_error_set(KISCRM_ESTORAGE, "migration of PostgreSQL %s rolled back",
					  be->where);
		PQclear(res);
	}
	be->in_tx = 0;
	if (rc && PQstatus(be->conn) == CONNECTION_OK &&
	    PQtransactionStatus(be->conn) != PQTRANS_IDLE)
		PQclear(PQexec(be->conn, "ROLLBACK")); /* keeps the first error */
	kiscrm_buf_dispose(&ddl);
	return rc;
}

/* Brings the current schema up to @s: refuses newer or foreign data before touching
 * anything, and migrates only when something is missing (an up-to-date database is
 * opened with two catalog reads and no lock). */
int pg_sync_schema(pg_backend *be, const kiscrm_schema *s)
{
	catalog c = { 0 };
	int missing = 0;
	int rc = cat_load(be, &c);
	if (!rc)
		rc = cat_check(be, &c, s);
	if (!rc)
		rc = count_missing(be, &c, s, NULL, &missing);
	if (!rc && (c.version < s->version || missing))
		rc = migrate(be, &c, s);
	cat_dispose(&c);
	return rc;
}

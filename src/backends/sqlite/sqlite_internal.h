/* The SQLite backend's private types and the functions its files share: statements.c
 * (errors, statements, binding, the scan cache, transactions), plan.c (the statement of a
 * scan or count: index or scan for range conditions), schema.c (tables, schema version, migration) and sqlite.c (the
 * backend's slots and construction). */
#ifndef KC_BACKENDS_SQLITE_INTERNAL_H
#define KC_BACKENDS_SQLITE_INTERNAL_H

#include "sqlite.h"
#include "core/buf.h"
#include "core/error.h"

#include <sqlite3.h>
#include <stdint.h>

#define DEFAULT_BUSY_MS 5000
/* Scan and count statements are cached by SQL text; a handle sees few distinct query
 * shapes, so a small table with least-recently-used eviction is enough. */
#define SCAN_CACHE_MAX 64
/* Rows of up to this many fields are built on the stack (no allocation per call). */
#define ROW_STACK 64
#define META_TABLE "kiscrm_meta"
#define APPLICATION "libkiscrm"

/* A statement prepared once and reused. `busy` marks it as being stepped while a
 * callback runs, so a nested call of the same shape prepares a temporary one instead
 * of resetting the outer statement under its feet. */
typedef struct stmt_slot {
	sqlite3_stmt *stmt;
	int busy;
} stmt_slot;

typedef struct kind_cache {
	stmt_slot insert;
	stmt_slot update;
	stmt_slot remove;
	stmt_slot get;
} kind_cache;

typedef struct scan_entry {
	char *sql;
	uint32_t hash;
	uint64_t used; /* tick of last use, for LRU eviction */
	stmt_slot slot;
} scan_entry;

typedef struct sq_backend {
	kiscrm_backend base; /* must stay first: the core sees only this */
	sqlite3 *db;
	char *path; /* for messages; ":memory:" for in-memory databases */
	int is_memory;
	const kiscrm_schema *schema;
	kind_cache *kinds; /* parallel to schema->kinds */
	int last_kind;     /* index of the last kind looked up (bulk paths hit it) */
	stmt_slot begin, commit, rollback;
	scan_entry scans[SCAN_CACHE_MAX];
	int nscans;
	uint64_t tick;
	kiscrm_buf sql; /* scratch for building scan SQL, reused */
} sq_backend;

/* The per-kind statements of kind_cache. */
enum stmt_kind { ST_INSERT, ST_UPDATE, ST_REMOVE, ST_GET };


/* statements.c */
int sq_bind_value(sqlite3_stmt *st, int idx, const kiscrm_kind_def *kind,
		const kiscrm_field_def *f, const kiscrm_value *v);
int sq_bind_where(sqlite3_stmt *st, const kiscrm_kind_def *k, const kiscrm_query *q, int *next);
int sq_build_select_cols(kiscrm_buf *b, const kiscrm_kind_def *k, uint64_t columns);
int sq_build_where(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int unindexed_ranges);
int sq_check_name(const char *what, const char *name);
int sq_check_query(const kiscrm_query *q);
int sq_exec_sql(sq_backend *be, const char *sql, const char *what);
int sq_find_kind(sq_backend *be, const kiscrm_kind_def *kind);
void sq_free_statements(sq_backend *be);
int sq_kind_stmt(sq_backend *be, int ki, enum stmt_kind which, stmt_slot **out);
int sq_prepare(sq_backend *be, const char *sql, sqlite3_stmt **out, const char *what,
		const char *name);
int sq_query_int(sq_backend *be, const char *sql, const char *bind_text, int64_t *out,
		const char *what);
int sq_scan_stmt(sq_backend *be, const char *sql, size_t len, sqlite3_stmt **out, stmt_slot **slot,
		 const char *name);
void sq_slot_finalize(stmt_slot *slot);
int sq_begin(kiscrm_backend *b);
int sq_commit(kiscrm_backend *b);
int sq_fail(sq_backend *be, int src, const char *fmt, ...) KC_PRINTF(3, 4);
int sq_rollback(kiscrm_backend *b);
const char *sq_sql_type(int type);
int sq_step_rows(sq_backend *be, sqlite3_stmt *st, const kiscrm_kind_def *kind, uint64_t columns,
		 kiscrm_row_cb cb, void *payload, int *nrows, const char *what);
void sq_stmt_release(sqlite3_stmt *st, stmt_slot *slot);
/* plan.c */
int sq_query_stmt(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int count,
		sqlite3_stmt **st, stmt_slot **slot);
/* schema.c */
int sq_check_ours(sq_backend *be, const kiscrm_schema *s, int64_t v);
int sq_check_schema(const kiscrm_schema *s);
int sq_migrate(sq_backend *be, const kiscrm_schema *s);
int sq_read_user_version(sq_backend *be, int64_t *v);
int sq_refuse_newer(sq_backend *be, int64_t v, const kiscrm_schema *s);
int sq_schema_missing(sq_backend *be, const kiscrm_schema *s, int fix, int *missing);

#endif

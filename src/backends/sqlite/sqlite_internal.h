/* The SQLite backend's private types and the functions its files share: statements.c
 * (errors, statements, binding, the scan cache), transact.c (transactions), bulk.c (the
 * indexes a bulk load defers to its commit), plan.c (the statement of a scan or count:
 * index or scan for range conditions), schema.c (tables, schema version, migration) and
 * sqlite.c (the backend's slots and construction). */
#ifndef KC_BACKENDS_SQLITE_INTERNAL_H
#define KC_BACKENDS_SQLITE_INTERNAL_H

#include "sqlite.h"
#include "core/buf.h"
#include "core/error.h"
#include "backends/shared.h"

#include <sqlite3.h>
#include <stdint.h>

#define DEFAULT_BUSY_MS 5000
/* Scan and count statements are cached by the query's shape; a handle sees few distinct query
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

/* A table's part in the open transaction's bulk load (bulk.c). */
typedef struct sq_bulk {
	int64_t inserts;    /* rows this transaction inserted */
	int64_t next_check; /* inserts at which deferring is considered next (0: defer_after) */
	int deferred;       /* its indexes are dropped until commit */
	int kept;           /* read with conditions, or without indexes: never deferred */
} sq_bulk;

/* A prepared insert of the fields of one shape (insert.c). */
typedef struct insert_shape {
	uint64_t set;  /* bit i: field i is listed (the id always); UINT64_MAX: every field */
	uint64_t used; /* tick of last use, for LRU eviction */
	stmt_slot slot;
	int nbind;              /* the fields bound after the id, in parameter order */
	unsigned char bind[64]; /* (a kind too wide for the set binds all, in order) */
} insert_shape;
#define INSERT_SHAPES 4

typedef struct kind_cache {
	insert_shape inserts[INSERT_SHAPES];
	stmt_slot update;
	stmt_slot remove;
	stmt_slot get;
	sq_bulk bulk;
} kind_cache;

typedef struct scan_entry {
	char *key; /* the query's shape (statements.c, build_shape) */
	size_t keylen;
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
	kiscrm_buf sql;   /* scratch for building scan SQL, reused */
	kiscrm_buf shape; /* scratch for a scan's cache key, reused */
	int64_t defer_after;   /* bulk.c: DEFER_AFTER, or a test's */
	int64_t bulk_restores; /* bulk.c: indexes built again for a read before commit */
} sq_backend;

/* The per-kind statements of kind_cache. */
enum stmt_kind { ST_UPDATE, ST_REMOVE, ST_GET };

/* The forms of a cached query: a scan, a scan whose range conditions keep off the
 * indexes, a count, the probe deciding between the two scans (plan.c), and the distinct
 * values of the wanted fields. */
enum sq_form { SQ_SCAN, SQ_SCAN_UNINDEXED, SQ_COUNT, SQ_RANGE_PROBE, SQ_DISTINCT };
/* A range holding more than one row in this many is read by a scan in id order (plan.c
 * says why and what was measured). */
#define SQ_RANGE_SCAN_SHARE 12


/* statements.c */
/* The error of a bind that failed (@src) or of a value not of its field's type (@src
 * SQLITE_OK). */
int sq_bind_failed(int src, const kiscrm_kind_def *kind, const kiscrm_field_def *f, const kiscrm_value *v);

/* Binds a value of field @f at parameter @idx. Values are bound by the field's type
 * (that is how the core's reference query evaluator reads them); TEXT is bound without
 * copying since the caller's row outlives the statement step. Inline: an insert binds a
 * dozen values, and the call around each was 1.5 % of a bulk load's instructions. */
static inline int sq_bind_value(sqlite3_stmt *st, int idx, const kiscrm_kind_def *kind,
				const kiscrm_field_def *f, const kiscrm_value *v)
{
	int src;
	if (v->type == KISCRM_TYPE_NULL)
		src = sqlite3_bind_null(st, idx);
	else if (f->type == KISCRM_TYPE_TEXT && v->type == KISCRM_TYPE_TEXT && v->u.s)
		src = sqlite3_bind_text(st, idx, v->u.s, -1, SQLITE_STATIC);
	else if (f->type == KISCRM_TYPE_RATE && v->type == KISCRM_TYPE_RATE)
		src = sqlite3_bind_double(st, idx, v->u.r);
	else if (f->type == KISCRM_TYPE_RATE && kc_backend_is_int_type(v->type))
		src = sqlite3_bind_double(st, idx, (double)v->u.i);
	else if (f->type != KISCRM_TYPE_TEXT && f->type != KISCRM_TYPE_RATE && kc_backend_is_int_type(v->type))
		src = sqlite3_bind_int64(st, idx, v->u.i);
	else
		return sq_bind_failed(SQLITE_OK, kind, f, v);
	return src == SQLITE_OK ? KISCRM_OK : sq_bind_failed(src, kind, f, v);
}
/* The statement of a query of form @form (sq_form) from the scan cache, bound to the
 * values of @q's conditions; release it with sq_stmt_release. */
int sq_cached_query(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form, sqlite3_stmt **st,
		    stmt_slot **slot);
int sq_check_name(const char *what, const char *name);
int sq_check_query(const kiscrm_query *q);
int sq_exec_sql(sq_backend *be, const char *sql, const char *what);
int sq_find_kind(sq_backend *be, const kiscrm_kind_def *kind);
/* sq_resolve_kind() looking the kind up. */
int sq_resolve_kind_slow(sq_backend *be, const kiscrm_kind_def **kind);
/* The schema's own definition of @kind (the core may pass an equal copy) and its index,
 * or an error. */
static inline int sq_resolve_kind(sq_backend *be, const kiscrm_kind_def **kind)
{
	/* the kind of the call before (every row of a bulk load) without a call */
	const kiscrm_schema *s = be->schema;
	if (s && be->last_kind < s->nkinds && s->kinds[be->last_kind] == *kind)
		return be->last_kind;
	return sq_resolve_kind_slow(be, kind);
}
void sq_free_statements(sq_backend *be);
int sq_kind_stmt(sq_backend *be, int ki, enum stmt_kind which, stmt_slot **out);
int sq_prepare(sq_backend *be, const char *sql, sqlite3_stmt **out, const char *what,
		const char *name);
int sq_query_int(sq_backend *be, const char *sql, const char *bind_text, int64_t *out,
		const char *what);
void sq_slot_finalize(stmt_slot *slot);
int sq_begin(kiscrm_backend *b);
int sq_commit(kiscrm_backend *b);
int sq_fail(sq_backend *be, int src, const char *fmt, ...) KC_PRINTF(3, 4);
int sq_rollback(kiscrm_backend *b);
const char *sq_sql_type(int type);
int sq_step_rows(sq_backend *be, sqlite3_stmt *st, const kiscrm_kind_def *kind, uint64_t columns,
		 kiscrm_row_cb cb, void *payload, int *nrows, const char *what);
void sq_stmt_release(sqlite3_stmt *st, stmt_slot *slot);
/* insert.c */
int sq_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row, kiscrm_id *out_id);
/* plan.c */
/* @form: SQ_SCAN (planned: it may become SQ_SCAN_UNINDEXED), SQ_COUNT or SQ_DISTINCT. */
int sq_query_stmt(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form,
		sqlite3_stmt **st, stmt_slot **slot);
/* bulk.c: deferred indexes of bulk loads */
/* Counts an insert into kind ki; defers its indexes when the transaction's load has
 * grown to half the table (a failure to defer is no failure of the insert). */
void sq_bulk_inserted(sq_backend *be, int ki);
/* Before a filtered read of kind ki: its deferred indexes are built again, and kept for
 * the rest of the transaction. */
int sq_bulk_need_indexes(sq_backend *be, int ki);
/* Builds every deferred index again (the commit follows). */
int sq_bulk_before_commit(sq_backend *be);
/* Forgets the transaction's bulk state (begin, commit done, rollback). */
void sq_bulk_reset(sq_backend *be);
/* The index of @field as the schema makes it, named <table>_<field>. */
int sq_create_index(sq_backend *be, const kiscrm_kind_def *k, int field);
/* schema.c */
int sq_check_ours(sq_backend *be, const kiscrm_schema *s, int64_t v);
int sq_check_schema(const kiscrm_schema *s);
int sq_migrate(sq_backend *be, const kiscrm_schema *s);
int sq_read_user_version(sq_backend *be, int64_t *v);
int sq_refuse_newer(sq_backend *be, int64_t v, const kiscrm_schema *s);
int sq_schema_missing(sq_backend *be, const kiscrm_schema *s, int fix, int *missing);

#endif

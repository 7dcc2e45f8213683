/* The embedded SQLite backend: one table per record kind, statements prepared once per
 * handle and reused, schema version in PRAGMA user_version, forward migration on open.
 *
 * One handle belongs to one thread (the library's rule), so the connection is opened
 * with SQLITE_OPEN_NOMUTEX. Several handles on one file cooperate through WAL and the
 * busy timeout; writers take the lock up front with BEGIN IMMEDIATE so that two
 * writers never deadlock on a lock upgrade. */
#include "sqlite.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/str.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* ---- errors ---------------------------------------------------------------------- */

static int map_code(int src)
{
	switch (src & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KISCRM_EBUSY;
	case SQLITE_NOMEM:
		return KISCRM_ENOMEM;
	default:
		return KISCRM_ESTORAGE;
	}
}

/* Reports an SQLite failure: "<what>: <sqlite message>". Must be called before anything
 * else touches the connection, since sqlite3_errmsg describes the latest call. */
static int sq_fail(sq_backend *be, int src, const char *fmt, ...) KC_PRINTF(3, 4);
static int sq_fail(sq_backend *be, int src, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	const char *msg = be->db ? sqlite3_errmsg(be->db) : sqlite3_errstr(src);
	int code = map_code(src);
	if (code == KISCRM_ENOMEM)
		return kc_error_oom();
	return kc_error_set(code, "%s: %s", what, msg);
}

/* ---- small helpers ---------------------------------------------------------------- */

static uint32_t hash_str(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static int is_int_type(int type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY ||
	       type == KISCRM_TYPE_DATE || type == KISCRM_TYPE_TIME;
}

static const char *sql_type(int type)
{
	switch (type) {
	case KISCRM_TYPE_TEXT:
		return "TEXT";
	case KISCRM_TYPE_RATE:
		return "REAL";
	default:
		return "INTEGER";
	}
}

/* Names become quoted identifiers; refusing quotes keeps the quoting trivially safe
 * (the core uses lower_snake_case, and some names such as "order" are SQL keywords). */
static int check_name(const char *what, const char *name)
{
	if (!name || !*name)
		return kc_error_set(KISCRM_EINVALID, "%s has no name", what);
	for (const char *p = name; *p; p++)
		if (*p == '"' || (unsigned char)*p < 0x20)
			return kc_error_set(KISCRM_EINVALID, "%s name '%s' is not a valid SQL name",
					    what, name);
	return KISCRM_OK;
}

static void slot_finalize(stmt_slot *slot)
{
	sqlite3_finalize(slot->stmt);
	slot->stmt = NULL;
	slot->busy = 0;
}

static int prepare(sq_backend *be, const char *sql, sqlite3_stmt **out, const char *what,
		   const char *name)
{
	int src = sqlite3_prepare_v3(be->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
	if (src != SQLITE_OK) {
		*out = NULL;
		return sq_fail(be, src, "%s%s%s", what, *name ? " " : "", name);
	}
	return KISCRM_OK;
}

/* Runs one statement that returns no rows we care about (DDL, pragmas, transactions). */
static int exec_sql(sq_backend *be, const char *sql, const char *what)
{
	sqlite3_stmt *st;
	int rc = prepare(be, sql, &st, what, "");
	if (rc)
		return rc;
	int src;
	while ((src = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (src != SQLITE_DONE)
		rc = sq_fail(be, src, "%s", what);
	sqlite3_finalize(st);
	return rc;
}

/* Runs a query returning one integer (first column of the first row; 0 if no row). */
static int query_int(sq_backend *be, const char *sql, const char *bind_text, int64_t *out,
		     const char *what)
{
	sqlite3_stmt *st;
	int rc = prepare(be, sql, &st, what, "");
	if (rc)
		return rc;
	if (bind_text)
		sqlite3_bind_text(st, 1, bind_text, -1, SQLITE_STATIC);
	*out = 0;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (src != SQLITE_DONE)
		rc = sq_fail(be, src, "%s", what);
	sqlite3_finalize(st);
	return rc;
}

/* Runs a cached transaction-control statement. */
static int exec_cached(sq_backend *be, stmt_slot *slot, const char *sql, const char *what)
{
	if (!slot->stmt) {
		int rc = prepare(be, sql, &slot->stmt, what, "");
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

/* ---- kinds and values ------------------------------------------------------------- */

static int find_kind(sq_backend *be, const kiscrm_kind_def *kind)
{
	if (!be->schema)
		return kc_error_set(KISCRM_EINVALID, "SQLite backend for '%s' is not opened",
				    be->path);
	if (!kind)
		return kc_error_set(KISCRM_EINVALID, "record kind is NULL");
	const kiscrm_schema *s = be->schema;
	if (be->last_kind < s->nkinds && s->kinds[be->last_kind] == kind)
		return be->last_kind;
	for (int i = 0; i < s->nkinds; i++) {
		if (s->kinds[i] == kind ||
		    (s->kinds[i]->kind == kind->kind && kind->name &&
		     strcmp(s->kinds[i]->name, kind->name) == 0)) {
			be->last_kind = i;
			return i;
		}
	}
	return kc_error_set(KISCRM_EINVALID, "record kind '%s' is not in the opened schema",
			    kind->name ? kind->name : "?");
}

/* Binds a value of field @p f at parameter @p idx. Values are bound by the field's type
 * (that is how the core's reference query evaluator reads them); TEXT is bound without
 * copying since the caller's row outlives the statement step. */
static int bind_value(sqlite3_stmt *st, int idx, const kiscrm_kind_def *kind,
		      const kiscrm_field_def *f, const kiscrm_value *v)
{
	int src;
	if (v->type == KISCRM_TYPE_NULL) {
		src = sqlite3_bind_null(st, idx);
	} else if (f->type == KISCRM_TYPE_TEXT) {
		if (v->type != KISCRM_TYPE_TEXT || !v->u.s)
			goto mismatch;
		src = sqlite3_bind_text(st, idx, v->u.s, -1, SQLITE_STATIC);
	} else if (f->type == KISCRM_TYPE_RATE) {
		if (v->type == KISCRM_TYPE_RATE)
			src = sqlite3_bind_double(st, idx, v->u.r);
		else if (is_int_type(v->type))
			src = sqlite3_bind_double(st, idx, (double)v->u.i);
		else
			goto mismatch;
	} else {
		if (!is_int_type(v->type))
			goto mismatch;
		src = sqlite3_bind_int64(st, idx, v->u.i);
	}
	if (src != SQLITE_OK)
		return kc_error_set(KISCRM_ESTORAGE, "cannot bind field '%s' of %s: %s", f->name,
				    kind->name, sqlite3_errstr(src));
	return KISCRM_OK;
mismatch:
	return kc_error_set(KISCRM_EINVALID, "field '%s' of %s has type %d but got a value of type %d",
			    f->name, kind->name, f->type, v->type);
}

/* Fills @p row from the current result row; column i is field i. */
static void read_row(sqlite3_stmt *st, const kiscrm_kind_def *kind, kiscrm_value *row)
{
	for (int i = 0; i < kind->nfields; i++) {
		kiscrm_value *v = &row[i];
		if (sqlite3_column_type(st, i) == SQLITE_NULL) {
			v->type = KISCRM_TYPE_NULL;
			v->u.i = 0;
			continue;
		}
		v->type = kind->fields[i].type;
		switch (v->type) {
		case KISCRM_TYPE_TEXT:
			v->u.s = (const char *)sqlite3_column_text(st, i);
			if (!v->u.s) /* only on allocation failure */
				v->type = KISCRM_TYPE_NULL;
			break;
		case KISCRM_TYPE_RATE:
			v->u.r = sqlite3_column_double(st, i);
			break;
		default:
			v->u.i = sqlite3_column_int64(st, i);
			break;
		}
	}
}

/* Row storage for one call: on the stack for ordinary kinds, allocated once for
 * unusually wide ones. */
static kiscrm_value *row_alloc(const kiscrm_kind_def *kind, kiscrm_value *stack)
{
	if (kind->nfields <= ROW_STACK)
		return stack;
	kiscrm_value *row = calloc((size_t)kind->nfields, sizeof(*row));
	if (!row)
		kc_error_oom();
	return row;
}

static void row_free(kiscrm_value *row, kiscrm_value *stack)
{
	if (row != stack)
		free(row);
}

/* Steps @p st and calls @p cb for every row; returns the callback's stop value, or an
 * error. @p what names the operation for messages. */
static int step_rows(sq_backend *be, sqlite3_stmt *st, const kiscrm_kind_def *kind,
		     kiscrm_row_cb cb, void *payload, int *nrows, const char *what)
{
	kiscrm_value stack[ROW_STACK];
	kiscrm_value *row = row_alloc(kind, stack);
	if (!row)
		return KISCRM_ENOMEM;
	int rc = KISCRM_OK, src;
	*nrows = 0;
	while ((src = sqlite3_step(st)) == SQLITE_ROW) {
		(*nrows)++;
		read_row(st, kind, row);
		rc = cb(payload, row);
		if (rc)
			break;
	}
	if (!rc && src != SQLITE_DONE)
		rc = sq_fail(be, src, "%s %s", what, kind->name);
	row_free(row, stack);
	return rc;
}

/* ---- per-kind statements ---------------------------------------------------------- */

static int build_insert(kiscrm_buf *b, const kiscrm_kind_def *k)
{
	int rc = kc_buf_printf(b, "INSERT INTO \"%s\" (", k->name);
	for (int i = 0; !rc && i < k->nfields; i++)
		rc = kc_buf_printf(b, "%s\"%s\"", i ? ", " : "", k->fields[i].name);
	if (!rc)
		rc = kc_buf_puts(b, ") VALUES (");
	for (int i = 0; !rc && i < k->nfields; i++)
		rc = kc_buf_puts(b, i ? ", ?" : "?");
	return rc ? rc : kc_buf_puts(b, ")");
}

static int build_update(kiscrm_buf *b, const kiscrm_kind_def *k)
{
	int rc = kc_buf_printf(b, "UPDATE \"%s\" SET ", k->name);
	/* A kind with only an id still needs a SET clause; "id = id" matches the row, so
	 * sqlite3_changes() still tells whether it exists. */
	if (!rc && k->nfields == 1)
		rc = kc_buf_puts(b, "\"id\" = \"id\"");
	for (int i = 1; !rc && i < k->nfields; i++)
		rc = kc_buf_printf(b, "%s\"%s\" = ?%d", i > 1 ? ", " : "", k->fields[i].name, i + 1);
	return rc ? rc : kc_buf_puts(b, " WHERE \"id\" = ?1");
}

static int build_select_cols(kiscrm_buf *b, const kiscrm_kind_def *k, uint64_t columns)
{
	int rc = kc_buf_puts(b, "SELECT \"id\"");
	for (int i = 1; !rc && i < k->nfields; i++) {
		/* Unwanted columns are selected as NULL so that column i stays field i. */
		int want = !columns || i >= 64 || (columns >> i) & 1u;
		if (want)
			rc = kc_buf_printf(b, ", \"%s\"", k->fields[i].name);
		else
			rc = kc_buf_puts(b, ", NULL");
	}
	return rc ? rc : kc_buf_printf(b, " FROM \"%s\"", k->name);
}

enum stmt_kind { ST_INSERT, ST_UPDATE, ST_REMOVE, ST_GET };

static int kind_stmt(sq_backend *be, int ki, enum stmt_kind which, stmt_slot **out)
{
	kind_cache *kc = &be->kinds[ki];
	stmt_slot *slot = which == ST_INSERT ? &kc->insert : which == ST_UPDATE ? &kc->update
		: which == ST_REMOVE ? &kc->remove : &kc->get;
	*out = slot;
	if (slot->stmt)
		return KISCRM_OK;
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc;
	const char *what;
	switch (which) {
	case ST_INSERT:
		rc = build_insert(&b, k);
		what = "prepare insert into";
		break;
	case ST_UPDATE:
		rc = build_update(&b, k);
		what = "prepare update of";
		break;
	case ST_REMOVE:
		rc = kc_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"id\" = ?1", k->name);
		what = "prepare delete from";
		break;
	default:
		rc = build_select_cols(&b, k, 0);
		if (!rc)
			rc = kc_buf_puts(&b, " WHERE \"id\" = ?1");
		what = "prepare get from";
		break;
	}
	if (!rc)
		rc = prepare(be, b.ptr, &slot->stmt, what, k->name);
	kiscrm_buf_dispose(&b);
	return rc;
}

/* ---- scan statement cache --------------------------------------------------------- */

/* Returns a statement for @p sql: the cached one if idle, else a new one (cached when
 * there is room or an idle entry to evict). *temp is set when the caller must finalize
 * it; otherwise *slot is set and the caller clears slot->busy when done. */
static int scan_stmt(sq_backend *be, const char *sql, size_t len, sqlite3_stmt **out,
		     stmt_slot **slot, const char *name)
{
	uint32_t h = hash_str(sql, len);
	be->tick++;
	*slot = NULL;
	scan_entry *victim = NULL;
	for (int i = 0; i < be->nscans; i++) {
		scan_entry *e = &be->scans[i];
		if (e->hash == h && strcmp(e->sql, sql) == 0) {
			if (e->slot.busy) /* nested scan of the same shape */
				return prepare(be, sql, out, "prepare query on", name);
			e->used = be->tick;
			e->slot.busy = 1;
			*slot = &e->slot;
			*out = e->slot.stmt;
			return KISCRM_OK;
		}
		if (!e->slot.busy && (!victim || e->used < victim->used))
			victim = e;
	}
	int rc = prepare(be, sql, out, "prepare query on", name);
	if (rc)
		return rc;
	scan_entry *e = be->nscans < SCAN_CACHE_MAX ? &be->scans[be->nscans] : victim;
	if (!e)
		return KISCRM_OK; /* every entry is in use: stays temporary */
	char *copy = kc_strdup(sql);
	if (!copy)
		return KISCRM_OK; /* not caching is fine */
	if (e == &be->scans[be->nscans]) {
		be->nscans++;
	} else {
		free(e->sql);
		slot_finalize(&e->slot);
	}
	e->sql = copy;
	e->hash = h;
	e->used = be->tick;
	e->slot.stmt = *out;
	e->slot.busy = 1;
	*slot = &e->slot;
	return KISCRM_OK;
}

static void stmt_release(sqlite3_stmt *st, stmt_slot *slot)
{
	if (slot) {
		sqlite3_reset(st);
		slot->busy = 0;
	} else {
		sqlite3_finalize(st);
	}
}

/* Appends the WHERE clause of @p q to the scratch buffer. */
static int build_where(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q)
{
	kiscrm_buf *b = &be->sql;
	int rc = KISCRM_OK;
	for (int i = 0; !rc && q && i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];
		if (c->field < 0 || c->field >= k->nfields)
			return kc_error_set(KISCRM_EINVALID, "query on %s: field index %d out of range 0..%d",
					    k->name, c->field, k->nfields - 1);
		const kiscrm_field_def *f = &k->fields[c->field];
		rc = kc_buf_puts(b, i ? " AND " : " WHERE ");
		if (rc)
			break;
		int is_null = c->value.type == KISCRM_TYPE_NULL;
		/* NULL semantics follow kiscrm_query_match(): EQ NULL is IS NULL, NE NULL is
		 * IS NOT NULL, any other comparison with NULL matches nothing. */
		switch (c->op) {
		case KISCRM_OP_EQ:
		case KISCRM_OP_NE:
			if (is_null)
				rc = kc_buf_printf(b, "\"%s\" IS %s", f->name,
						   c->op == KISCRM_OP_EQ ? "NULL" : "NOT NULL");
			else
				rc = kc_buf_printf(b, "\"%s\" %s ?", f->name,
						   c->op == KISCRM_OP_EQ ? "=" : "<>");
			break;
		case KISCRM_OP_LT:
		case KISCRM_OP_LE:
		case KISCRM_OP_GT:
		case KISCRM_OP_GE: {
			static const char *const ops[] = { "<", "<=", ">", ">=" };
			if (is_null)
				rc = kc_buf_puts(b, "0");
			else
				rc = kc_buf_printf(b, "\"%s\" %s ?", f->name, ops[c->op - KISCRM_OP_LT]);
			break;
		}
		case KISCRM_OP_CONTAINS:
			/* instr() on valid UTF-8 text finds exactly the byte substrings. */
			if (is_null || f->type != KISCRM_TYPE_TEXT)
				rc = kc_buf_puts(b, "0");
			else
				rc = kc_buf_printf(b, "instr(\"%s\", ?) > 0", f->name);
			break;
		default:
			return kc_error_set(KISCRM_EINVALID, "query on %s: unknown operator %d on field '%s'",
					    k->name, c->op, f->name);
		}
	}
	return rc;
}

/* Binds the values of the conditions that produced a '?' in build_where(). */
static int bind_where(sqlite3_stmt *st, const kiscrm_kind_def *k, const kiscrm_query *q)
{
	int idx = 1;
	for (int i = 0; q && i < q->ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];
		const kiscrm_field_def *f = &k->fields[c->field];
		if (c->value.type == KISCRM_TYPE_NULL)
			continue;
		if (c->op == KISCRM_OP_CONTAINS && f->type != KISCRM_TYPE_TEXT)
			continue;
		int rc = bind_value(st, idx++, k, f, &c->value);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

/* Builds, looks up and binds the statement of a scan or count. */
static int query_stmt(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q,
		      int count, sqlite3_stmt **st, stmt_slot **slot)
{
	be->sql.size = 0;
	int rc;
	if (count)
		rc = kc_buf_printf(&be->sql, "SELECT count(*) FROM \"%s\"", k->name);
	else
		rc = build_select_cols(&be->sql, k, q ? q->columns : 0);
	if (!rc)
		rc = build_where(be, k, q);
	if (!rc && !count)
		rc = kc_buf_puts(&be->sql, " ORDER BY \"id\"");
	if (!rc)
		rc = scan_stmt(be, be->sql.ptr, be->sql.size, st, slot, k->name);
	if (rc)
		return rc;
	rc = bind_where(*st, k, q);
	if (rc)
		stmt_release(*st, *slot);
	return rc;
}

static int check_query(const kiscrm_query *q)
{
	if (q && q->ncond < 0)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions", q->ncond);
	if (q && q->ncond > 0 && !q->conds)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions but none given",
				    q->ncond);
	return KISCRM_OK;
}

/* ---- vtable: records -------------------------------------------------------------- */

static int sq_insert(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		     kiscrm_id *out_id)
{
	sq_backend *be = (sq_backend *)b;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "insert: row is NULL");
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	stmt_slot *slot;
	int rc = kind_stmt(be, ki, ST_INSERT, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	/* id NULL or 0: bind NULL so that AUTOINCREMENT assigns a never-used id. */
	int auto_id = row[0].type == KISCRM_TYPE_NULL || row[0].u.i == 0;
	if (!auto_id && row[0].type != KISCRM_TYPE_INT)
		return kc_error_set(KISCRM_EINVALID, "insert into %s: id has type %d, not INT",
				    kind->name, row[0].type);
	if (!auto_id && row[0].u.i < 0)
		return kc_error_set(KISCRM_EINVALID, "insert into %s: id %lld is negative",
				    kind->name, (long long)row[0].u.i);
	if (auto_id)
		sqlite3_bind_null(st, 1);
	else
		sqlite3_bind_int64(st, 1, row[0].u.i);
	for (int i = 1; i < kind->nfields; i++) {
		rc = bind_value(st, i + 1, kind, &kind->fields[i], &row[i]);
		if (rc)
			return rc;
	}
	int src = sqlite3_step(st);
	if (src == SQLITE_DONE) {
		if (out_id)
			*out_id = sqlite3_last_insert_rowid(be->db);
	} else if (src == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = kc_error_set(KISCRM_EEXISTS, "insert into %s: id %lld already exists",
				  kind->name, (long long)row[0].u.i);
	} else {
		rc = sq_fail(be, src, "insert into %s", kind->name);
	}
	sqlite3_reset(st);
	return rc;
}

static int sq_update(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row)
{
	sq_backend *be = (sq_backend *)b;
	if (!row)
		return kc_error_set(KISCRM_EINVALID, "update: row is NULL");
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	if (row[0].type != KISCRM_TYPE_INT || row[0].u.i <= 0)
		return kc_error_set(KISCRM_EINVALID, "update of %s: row has no id", kind->name);
	stmt_slot *slot;
	int rc = kind_stmt(be, ki, ST_UPDATE, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	sqlite3_bind_int64(st, 1, row[0].u.i);
	for (int i = 1; i < kind->nfields; i++) {
		rc = bind_value(st, i + 1, kind, &kind->fields[i], &row[i]);
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
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	stmt_slot *slot;
	int rc = kind_stmt(be, ki, ST_REMOVE, &slot);
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
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	stmt_slot *slot;
	int rc = kind_stmt(be, ki, ST_GET, &slot);
	if (rc)
		return rc;
	sqlite3_stmt *st = slot->stmt;
	if (slot->busy) { /* a get from inside a get callback: use a private statement */
		rc = prepare(be, sqlite3_sql(slot->stmt), &st, "prepare get from", kind->name);
		if (rc)
			return rc;
		slot = NULL;
	} else {
		slot->busy = 1;
	}
	sqlite3_bind_int64(st, 1, id);
	int nrows;
	rc = step_rows(be, st, kind, cb, payload, &nrows, "get from");
	if (!rc && nrows == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "%s: no record with id %lld", kind->name,
				  (long long)id);
	stmt_release(st, slot);
	return rc;
}

static int sq_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		   kiscrm_row_cb cb, void *payload)
{
	sq_backend *be = (sq_backend *)b;
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "scan: callback is NULL");
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	int rc = check_query(q);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	stmt_slot *slot;
	rc = query_stmt(be, kind, q, 0, &st, &slot);
	if (rc)
		return rc;
	int nrows;
	rc = step_rows(be, st, kind, cb, payload, &nrows, "scan of");
	stmt_release(st, slot);
	return rc;
}

static int sq_count(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    int64_t *out)
{
	sq_backend *be = (sq_backend *)b;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "count: output is NULL");
	int ki = find_kind(be, kind);
	if (ki < 0)
		return ki;
	kind = be->schema->kinds[ki];
	int rc = check_query(q);
	if (rc)
		return rc;
	sqlite3_stmt *st;
	stmt_slot *slot;
	rc = query_stmt(be, kind, q, 1, &st, &slot);
	if (rc)
		return rc;
	int src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = sq_fail(be, src, "count of %s", kind->name);
	stmt_release(st, slot);
	return rc;
}

/* ---- vtable: transactions --------------------------------------------------------- */

static int sq_begin(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	/* IMMEDIATE takes the write lock now: a second writer waits (busy timeout) or gets
	 * EBUSY here, instead of both holding read locks and deadlocking on upgrade. */
	return exec_cached(be, &be->begin, "BEGIN IMMEDIATE", "begin transaction");
}

static int sq_commit(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	return exec_cached(be, &be->commit, "COMMIT", "commit");
}

static int sq_rollback(kiscrm_backend *b)
{
	sq_backend *be = (sq_backend *)b;
	/* Some errors (disk full, I/O) make SQLite roll back on its own; the transaction
	 * the core wants undone is then already gone. */
	if (sqlite3_get_autocommit(be->db))
		return KISCRM_OK;
	return exec_cached(be, &be->rollback, "ROLLBACK", "rollback");
}

/* ---- schema and migration --------------------------------------------------------- */

static int check_schema(const kiscrm_schema *s)
{
	if (!s)
		return kc_error_set(KISCRM_EINVALID, "schema is NULL");
	if (s->version < 1)
		return kc_error_set(KISCRM_EINVALID, "schema version %d is not positive", s->version);
	if (s->nkinds < 0 || (s->nkinds > 0 && !s->kinds))
		return kc_error_set(KISCRM_EINVALID, "schema has %d kinds", s->nkinds);
	for (int i = 0; i < s->nkinds; i++) {
		const kiscrm_kind_def *k = s->kinds[i];
		if (!k)
			return kc_error_set(KISCRM_EINVALID, "schema kind %d is NULL", i);
		int rc = check_name("record kind", k->name);
		if (rc)
			return rc;
		if (strcmp(k->name, META_TABLE) == 0 || strncmp(k->name, "sqlite_", 7) == 0)
			return kc_error_set(KISCRM_EINVALID, "record kind name '%s' is reserved",
					    k->name);
		if (k->nfields < 1 || !k->fields || !k->fields[0].name ||
		    strcmp(k->fields[0].name, "id") != 0 || k->fields[0].type != KISCRM_TYPE_INT)
			return kc_error_set(KISCRM_EINVALID,
					    "record kind '%s' must start with the INT field 'id'",
					    k->name);
		for (int j = 1; j < k->nfields; j++) {
			rc = check_name("field", k->fields[j].name);
			if (rc)
				return rc;
			int t = k->fields[j].type;
			if (t != KISCRM_TYPE_TEXT && t != KISCRM_TYPE_RATE && !is_int_type(t))
				return kc_error_set(KISCRM_EINVALID, "field '%s' of %s has unknown type %d",
						    k->fields[j].name, k->name, t);
		}
	}
	return KISCRM_OK;
}

static int table_exists(sq_backend *be, const char *name, int *exists)
{
	int64_t n;
	int rc = query_int(be, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
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
						   sql_type(k->fields[i].type));
			if (!rc)
				rc = kc_buf_puts(&b, ")");
			if (!rc)
				rc = exec_sql(be, b.ptr, "create table");
		}
	} else {
		/* Which fields have a column already: PRAGMA table_info lists them. */
		rc = kc_buf_printf(&b, "PRAGMA table_info(\"%s\")", k->name);
		if (!rc)
			rc = prepare(be, b.ptr, &st, "read columns of", k->name);
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
					   k->fields[i].name, sql_type(k->fields[i].type));
			if (!rc)
				rc = exec_sql(be, b.ptr, "add column");
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
			rc = query_int(be, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1",
				       b.ptr, &n, "read the schema");
		if (rc || n)
			continue;
		(*missing)++;
		if (!fix)
			continue;
		b.size = 0;
		rc = kc_buf_printf(&b, "CREATE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\" (\"%s\")",
				   k->name, k->fields[i].name, k->name, k->fields[i].name);
		if (!rc)
			rc = exec_sql(be, b.ptr, "create index");
	}
	kiscrm_buf_dispose(&b);
	return rc;
}

static int read_user_version(sq_backend *be, int64_t *v)
{
	return query_int(be, "PRAGMA user_version", NULL, v, "read schema version");
}

static int refuse_newer(sq_backend *be, int64_t v, const kiscrm_schema *s)
{
	return kc_error_set(KISCRM_EVERSION,
			    "database '%s' has schema version %lld, newer than this library's %d; "
			    "upgrade libkiscrm", be->path, (long long)v, s->version);
}

/* Refuses files written by something else: a fresh database has no tables but ours;
 * a versioned one carries our meta table. Nothing is modified. */
static int check_ours(sq_backend *be, const kiscrm_schema *s, int64_t v)
{
	int rc = KISCRM_OK;
	if (v > 0) {
		int has_meta;
		rc = table_exists(be, META_TABLE, &has_meta);
		int64_t n = 0;
		if (!rc && has_meta)
			rc = query_int(be, "SELECT count(*) FROM " META_TABLE
				       " WHERE key = 'application' AND value = ?1",
				       APPLICATION, &n, "read " META_TABLE);
		if (!rc && !n)
			rc = kc_error_set(KISCRM_EINVALID,
					  "'%s' is not a libkiscrm database (schema version %lld but "
					  "no libkiscrm marker)", be->path, (long long)v);
		return rc;
	}
	sqlite3_stmt *st;
	rc = prepare(be, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
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

static int schema_missing(sq_backend *be, const kiscrm_schema *s, int fix, int *missing)
{
	*missing = 0;
	int rc = KISCRM_OK;
	for (int i = 0; !rc && i < s->nkinds; i++)
		rc = sync_kind(be, s->kinds[i], fix, missing);
	return rc;
}

/* Creates what is missing and stamps the version, all in one transaction. */
static int migrate(sq_backend *be, const kiscrm_schema *s)
{
	int rc = sq_begin(&be->base);
	if (rc)
		return rc;
	int64_t v;
	int missing;
	char sql[160];
	/* Re-read under the write lock: another process may have migrated meanwhile. */
	rc = read_user_version(be, &v);
	if (!rc && v > s->version)
		rc = refuse_newer(be, v, s);
	if (!rc)
		rc = schema_missing(be, s, 1, &missing);
	if (!rc)
		rc = exec_sql(be, "CREATE TABLE IF NOT EXISTS " META_TABLE
			      " (key TEXT PRIMARY KEY, value TEXT)", "create " META_TABLE);
	if (!rc) {
		snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO " META_TABLE
			 " VALUES ('application', '" APPLICATION "'), ('schema_version', '%d')",
			 s->version);
		rc = exec_sql(be, sql, "write " META_TABLE);
	}
	if (!rc) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", s->version);
		rc = exec_sql(be, sql, "write schema version");
	}
	if (!rc)
		rc = sq_commit(&be->base);
	if (rc)
		sq_rollback(&be->base); /* keeps the first error: rollback rarely fails */
	return rc;
}

static void free_statements(sq_backend *be)
{
	if (be->kinds && be->schema) {
		for (int i = 0; i < be->schema->nkinds; i++) {
			slot_finalize(&be->kinds[i].insert);
			slot_finalize(&be->kinds[i].update);
			slot_finalize(&be->kinds[i].remove);
			slot_finalize(&be->kinds[i].get);
		}
	}
	free(be->kinds);
	be->kinds = NULL;
	for (int i = 0; i < be->nscans; i++) {
		free(be->scans[i].sql);
		slot_finalize(&be->scans[i].slot);
	}
	be->nscans = 0;
}

static int sq_open(kiscrm_backend *b, const kiscrm_schema *schema)
{
	sq_backend *be = (sq_backend *)b;
	int rc = check_schema(schema);
	if (rc)
		return rc;
	free_statements(be);
	be->schema = NULL;
	int64_t v;
	rc = read_user_version(be, &v);
	if (rc)
		return rc;
	/* Refuse before touching anything, including the journal mode in the header. */
	if (v > schema->version)
		return refuse_newer(be, v, schema);
	rc = check_ours(be, schema, v);
	if (rc)
		return rc;
	if (!be->is_memory) {
		rc = exec_sql(be, "PRAGMA journal_mode = WAL", "switch to WAL");
		if (rc)
			return rc;
	}
	int missing = 0;
	if (v == schema->version)
		rc = schema_missing(be, schema, 0, &missing);
	if (!rc && (v < schema->version || missing))
		rc = migrate(be, schema);
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
	free_statements(be);
	slot_finalize(&be->begin);
	slot_finalize(&be->commit);
	slot_finalize(&be->rollback);
	sqlite3_close_v2(be->db);
	kiscrm_buf_dispose(&be->sql);
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
	int rc = query_int(be, "SELECT count(*) FROM sqlite_master", NULL, &ignored,
			   "read the database");
	if (!rc)
		rc = exec_sql(be, "PRAGMA synchronous = NORMAL", "set synchronous");
	/* The core checks references itself, for every backend alike. */
	if (!rc)
		rc = exec_sql(be, "PRAGMA foreign_keys = OFF", "set foreign_keys");
	/* SQLite's default page cache is 2 MiB. Bulk loads insert into several indexes in
	 * random key order (owner, customer, expected date …); once those indexes outgrow the
	 * cache every insert evicts dirty pages, which WAL mode appends to the log again and
	 * again: 1,000,000 opportunities took 50× the time of 100,000 (bench/). 64 MiB keeps
	 * the index pages of a million-row load resident; it is an upper bound, allocated
	 * only as pages are used. */
	if (!rc)
		rc = exec_sql(be, "PRAGMA cache_size = -65536", "set cache_size");
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
	*out = &be->base;
	return KISCRM_OK;
}

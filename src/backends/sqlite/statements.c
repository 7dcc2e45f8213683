/* SQL of the SQLite backend: error mapping, statements prepared once per kind and
 * reused, value binding and row reading, WHERE clauses from queries, the LRU cache of
 * scan statements. */
#include "sqlite_internal.h"
#include "backends/shared.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
int sq_fail(sq_backend *be, int src, const char *fmt, ...) KC_PRINTF(3, 4);
int sq_fail(sq_backend *be, int src, const char *fmt, ...)
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

const char *sq_sql_type(int type)
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
int sq_check_name(const char *what, const char *name)
{
	if (!name || !*name)
		return kc_error_set(KISCRM_EINVALID, "%s has no name", what);
	for (const char *p = name; *p; p++)
		if (*p == '"' || (unsigned char)*p < 0x20)
			return kc_error_set(KISCRM_EINVALID, "%s name '%s' is not a valid SQL name",
					    what, name);
	return KISCRM_OK;
}

void sq_slot_finalize(stmt_slot *slot)
{
	sqlite3_finalize(slot->stmt);
	slot->stmt = NULL;
	slot->busy = 0;
}

int sq_prepare(sq_backend *be, const char *sql, sqlite3_stmt **out, const char *what,
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
int sq_exec_sql(sq_backend *be, const char *sql, const char *what)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(be, sql, &st, what, "");
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
int sq_query_int(sq_backend *be, const char *sql, const char *bind_text, int64_t *out,
		     const char *what)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(be, sql, &st, what, "");
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

/* ---- kinds and values ------------------------------------------------------------- */

int sq_find_kind(sq_backend *be, const kiscrm_kind_def *kind)
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

/* The schema's own definition of @kind (the core may pass an equal copy) and its index,
 * or an error. */
int sq_resolve_kind_slow(sq_backend *be, const kiscrm_kind_def **kind)
{
	int ki = sq_find_kind(be, *kind);
	if (ki >= 0)
		*kind = be->schema->kinds[ki];
	return ki;
}

int sq_bind_failed(int src, const kiscrm_kind_def *kind, const kiscrm_field_def *f, const kiscrm_value *v)
{
	if (src != SQLITE_OK)
		return kc_error_set(KISCRM_ESTORAGE, "cannot bind field '%s' of %s: %s", f->name,
				    kind->name, sqlite3_errstr(src));
	return kc_error_set(KISCRM_EINVALID, "field '%s' of %s has type %d but got a value of type %d",
			    f->name, kind->name, f->type, v->type);
}

/* Fills @p row from the current result row; column i is field i. Columns the query did
 * not want (@p columns, 0: all) were selected as NULL: they are not asked for at all.
 * Each column is fetched once as a value and read from it: sqlite3_column_type() and then
 * sqlite3_column_int64() would look the column up twice and check for allocation
 * failures twice (a fifth of a wide scan's time). The SQLite documentation calls reading
 * such an unprotected value not thread-safe: it takes no mutex, and this connection is
 * opened SQLITE_OPEN_NOMUTEX and used by one thread at a time anyway. */
static void read_row(sqlite3_stmt *st, const kiscrm_kind_def *kind, uint64_t columns, kiscrm_value *row)
{
	for (int i = 0; i < kind->nfields; i++) {
		kiscrm_value *v = &row[i];
		sqlite3_value *c;
		if ((columns && i > 0 && i < 64 && !((columns >> i) & 1u)) ||
		    sqlite3_value_type(c = sqlite3_column_value(st, i)) == SQLITE_NULL) {
			v->type = KISCRM_TYPE_NULL;
			v->u.i = 0;
			continue;
		}
		v->type = kind->fields[i].type;
		switch (v->type) {
		case KISCRM_TYPE_TEXT:
			v->u.s = (const char *)sqlite3_value_text(c);
			if (!v->u.s) /* only on allocation failure */
				v->type = KISCRM_TYPE_NULL;
			break;
		case KISCRM_TYPE_RATE:
			v->u.r = sqlite3_value_double(c);
			break;
		default:
			v->u.i = sqlite3_value_int64(c);
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
int sq_step_rows(sq_backend *be, sqlite3_stmt *st, const kiscrm_kind_def *kind, uint64_t columns,
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
		read_row(st, kind, columns, row);
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

/* The select list of a scan (@distinct 0) or of the distinct values of the wanted
 * fields (@distinct 1: the id is NULL too). */
static int build_select_cols(kiscrm_buf *b, const kiscrm_kind_def *k, uint64_t columns, int distinct)
{
	int rc = kc_buf_puts(b, distinct ? "SELECT DISTINCT NULL" : "SELECT \"id\"");
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

int sq_kind_stmt(sq_backend *be, int ki, enum stmt_kind which, stmt_slot **out)
{
	kind_cache *kc = &be->kinds[ki];
	stmt_slot *slot = which == ST_UPDATE ? &kc->update
		: which == ST_REMOVE ? &kc->remove : &kc->get;
	*out = slot;
	if (slot->stmt)
		return KISCRM_OK;
	const kiscrm_kind_def *k = be->schema->kinds[ki];
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc;
	const char *what;
	switch (which) {
	case ST_UPDATE:
		rc = build_update(&b, k);
		what = "sq_prepare update of";
		break;
	case ST_REMOVE:
		rc = kc_buf_printf(&b, "DELETE FROM \"%s\" WHERE \"id\" = ?1", k->name);
		what = "sq_prepare delete from";
		break;
	default:
		rc = build_select_cols(&b, k, 0, 0);
		if (!rc)
			rc = kc_buf_puts(&b, " WHERE \"id\" = ?1");
		what = "sq_prepare get from";
		break;
	}
	if (!rc)
		rc = sq_prepare(be, b.ptr, &slot->stmt, what, k->name);
	kiscrm_buf_dispose(&b);
	return rc;
}

/* ---- scan statement cache --------------------------------------------------------- */

/* The cache is keyed by a query's shape — its form (sq_form), kind, columns, and each
 * condition's field, operator and NULLness, of which the SQL text is a function — so
 * that a cached statement is found without formatting its SQL: reference checks and
 * derived fields run a scan per row of a bulk load, and writing the SELECT's column list
 * cost more than running it. The text is built only to prepare a statement. */
static int put_shape(kiscrm_buf *b, const void *v, size_t n)
{
	return kc_buf_put(b, (const char *)v, n);
}

static int build_shape(kiscrm_buf *b, const kiscrm_kind_def *k, const kiscrm_query *q, int form)
{
	/* counts and probes select no columns; scans and distinct values do */
	uint64_t columns = form == SQ_COUNT || form == SQ_RANGE_PROBE ? 0 : q ? q->columns : 0;
	int ncond = q ? q->ncond : 0;
	int rc = put_shape(b, &k, sizeof(k));
	if (!rc)
		rc = put_shape(b, &form, sizeof(form));
	if (!rc)
		rc = put_shape(b, &columns, sizeof(columns));
	for (int i = 0; !rc && i < ncond; i++) {
		const kiscrm_cond *c = &q->conds[i];
		int cond[3] = { c->field, c->op, c->value.type == KISCRM_TYPE_NULL };
		rc = put_shape(b, cond, sizeof(cond));
	}
	return rc;
}

static int build_where(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int unindexed_ranges);

/* The SQL of a query of @p form into the scratch buffer. The range probe (plan.c) counts
 * the rows of the conditions on the index, stopping past one in SQ_RANGE_SCAN_SHARE of
 * the table; the largest id stands for the row count (one B-tree descent, where count(*)
 * would visit every row). */
static int build_query_sql(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form)
{
	be->sql.size = 0;
	int rc;
	switch (form) {
	case SQ_COUNT:
		rc = kc_buf_printf(&be->sql, "SELECT count(*) FROM \"%s\"", k->name);
		return rc ? rc : build_where(be, k, q, 0);
	case SQ_RANGE_PROBE:
		rc = kc_buf_printf(&be->sql,
				   "SELECT count(*), (SELECT coalesce(max(\"id\"), 0) FROM \"%s\") / %d + 1 "
				   "FROM (SELECT 1 FROM \"%s\"",
				   k->name, SQ_RANGE_SCAN_SHARE, k->name);
		if (!rc)
			rc = build_where(be, k, q, 0);
		return rc ? rc
			  : kc_buf_printf(&be->sql, " LIMIT (SELECT coalesce(max(\"id\"), 0) FROM \"%s\") / %d + 1)",
					  k->name, SQ_RANGE_SCAN_SHARE);
	case SQ_DISTINCT:
		rc = build_select_cols(&be->sql, k, q->columns, 1);
		return rc ? rc : build_where(be, k, q, 0);
	default:
		rc = build_select_cols(&be->sql, k, q ? q->columns : 0, 0);
		if (!rc)
			rc = build_where(be, k, q, form == SQ_SCAN_UNINDEXED);
		return rc ? rc : kc_buf_puts(&be->sql, " ORDER BY \"id\"");
	}
}

/* Returns the statement of a query whose shape is in be->shape: the cached one if idle,
 * else a new one (cached when there is room or an idle entry to evict). *slot is NULL when
 * the caller must finalize it; otherwise the caller clears slot->busy when done. */
static int scan_stmt(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form,
		     sqlite3_stmt **out, stmt_slot **slot)
{
	const char *key = be->shape.ptr;
	size_t len = be->shape.size;
	uint32_t h = hash_str(key, len);
	be->tick++;
	*slot = NULL;
	scan_entry *victim = NULL, *hit = NULL;
	for (int i = 0; i < be->nscans && !hit; i++) {
		scan_entry *e = &be->scans[i];
		if (e->hash == h && e->keylen == len && memcmp(e->key, key, len) == 0)
			hit = e;
		else if (!e->slot.busy && (!victim || e->used < victim->used))
			victim = e;
	}
	if (hit && !hit->slot.busy) {
		hit->used = be->tick;
		hit->slot.busy = 1;
		*slot = &hit->slot;
		*out = hit->slot.stmt;
		return KISCRM_OK;
	}
	int rc = build_query_sql(be, k, q, form);
	if (!rc)
		rc = sq_prepare(be, be->sql.ptr, out, "sq_prepare query on", k->name);
	if (rc || hit)
		return rc; /* a nested scan of the same shape: a temporary statement */
	scan_entry *e = be->nscans < SCAN_CACHE_MAX ? &be->scans[be->nscans] : victim;
	if (!e)
		return KISCRM_OK; /* every entry is in use: stays temporary */
	char *copy = malloc(len);
	if (!copy)
		return KISCRM_OK; /* not caching is fine */
	memcpy(copy, key, len);
	if (e == &be->scans[be->nscans]) {
		be->nscans++;
	} else {
		free(e->key);
		sq_slot_finalize(&e->slot);
	}
	e->key = copy;
	e->keylen = len;
	e->hash = h;
	e->used = be->tick;
	e->slot.stmt = *out;
	e->slot.busy = 1;
	*slot = &e->slot;
	return KISCRM_OK;
}

void sq_stmt_release(sqlite3_stmt *st, stmt_slot *slot)
{
	if (slot) {
		sqlite3_reset(st);
		slot->busy = 0;
	} else {
		sqlite3_finalize(st);
	}
}

/* Appends the WHERE clause of @p q to the scratch buffer. With @p unindexed_ranges, range
 * comparisons on indexed fields are written `+"field"`, which keeps SQLite from using
 * the index for them (see plan.c). */
static int build_where(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int unindexed_ranges)
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
				rc = kc_buf_printf(b, "%s\"%s\" %s ?",
						   unindexed_ranges && (f->flags & KISCRM_FIELD_INDEXED) ? "+" : "",
						   f->name, ops[c->op - KISCRM_OP_LT]);
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
		int rc = sq_bind_value(st, idx++, k, f, &c->value);
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

int sq_cached_query(sq_backend *be, const kiscrm_kind_def *k, const kiscrm_query *q, int form, sqlite3_stmt **st,
		    stmt_slot **slot)
{
	be->shape.size = 0;
	int rc = build_shape(&be->shape, k, q, form);
	if (!rc)
		rc = scan_stmt(be, k, q, form, st, slot);
	if (rc)
		return rc;
	rc = bind_where(*st, k, q);
	if (rc)
		sq_stmt_release(*st, *slot);
	return rc;
}

int sq_check_query(const kiscrm_query *q)
{
	if (q && q->ncond < 0)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions", q->ncond);
	if (q && q->ncond > 0 && !q->conds)
		return kc_error_set(KISCRM_EINVALID, "query has %d conditions but none given",
				    q->ncond);
	return KISCRM_OK;
}


void sq_free_statements(sq_backend *be)
{
	if (be->kinds && be->schema) {
		for (int i = 0; i < be->schema->nkinds; i++) {
			for (int j = 0; j < INSERT_SHAPES; j++)
				sq_slot_finalize(&be->kinds[i].inserts[j].slot);
			sq_slot_finalize(&be->kinds[i].update);
			sq_slot_finalize(&be->kinds[i].remove);
			sq_slot_finalize(&be->kinds[i].get);
		}
	}
	free(be->kinds);
	be->kinds = NULL;
	for (int i = 0; i < be->nscans; i++) {
		free(be->scans[i].key);
		sq_slot_finalize(&be->scans[i].slot);
	}
	be->nscans = 0;
}

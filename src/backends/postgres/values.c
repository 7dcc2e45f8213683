/* Values of the PostgreSQL backend: the column types (the same encodings as SQLite's, so
 * that every backend gives identical numbers: money in minor units, dates as day numbers
 * and times as seconds in BIGINT, rates in DOUBLE PRECISION, text in TEXT), and the
 * binary wire format of parameters and result columns. Binary keeps doubles exact and
 * is independent of the process's locale (no "0,5" from printf). */
#include "pg_internal.h"
#include "backends/shared.h"

#include <stdlib.h>
#include <string.h>

/* TEXT compares in byte order ("C"), like SQLite's BINARY collation, so that LT/GT on
 * text and the indexes behind them give the same answers as the other backends
 * whatever the database's default collation. */
const char *pg_sql_type(int type)
{
	switch (type) {
	case KISCRM_TYPE_TEXT:
		return "TEXT COLLATE \"C\"";
	case KISCRM_TYPE_RATE:
		return "DOUBLE PRECISION";
	default:
		return "BIGINT";
	}
}

Oid pg_type_oid(int type)
{
	return type == KISCRM_TYPE_TEXT ? PG_TEXTOID
	       : type == KISCRM_TYPE_RATE ? PG_FLOAT8OID : PG_INT8OID;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

int pg_params_init(pg_params *p, int n)
{
	p->n = n;
	if (n <= PG_ROW_STACK) {
		p->vals = p->vals_s;
		p->lens = p->lens_s;
		p->fmts = p->fmts_s;
		p->types = p->types_s;
		p->num = p->num_s;
	} else {
		p->vals = calloc((size_t)n, sizeof(*p->vals));
		p->lens = calloc((size_t)n, sizeof(*p->lens));
		p->fmts = calloc((size_t)n, sizeof(*p->fmts));
		p->types = calloc((size_t)n, sizeof(*p->types));
		p->num = calloc((size_t)n, sizeof(*p->num));
		if (!p->vals || !p->lens || !p->fmts || !p->types || !p->num) {
			pg_params_dispose(p);
			return kc_error_oom();
		}
	}
	for (int i = 0; i < n; i++) {
		p->vals[i] = NULL;
		p->lens[i] = 0;
		p->fmts[i] = 1;
		p->types[i] = PG_INT8OID;
	}
	return KISCRM_OK;
}

void pg_params_dispose(pg_params *p)
{
	if (p->vals != p->vals_s) {
		free(p->vals);
		free(p->lens);
		free(p->fmts);
		free(p->types);
		free(p->num);
	}
	p->vals = NULL;
	p->lens = p->fmts = NULL;
	p->types = NULL;
	p->num = NULL;
	p->n = 0;
}

void pg_param_id(pg_params *p, int i, int64_t id)
{
	put_be64(p->num[i], (uint64_t)id);
	p->vals[i] = (const char *)p->num[i];
	p->lens[i] = 8;
	p->types[i] = PG_INT8OID;
}

/* Sets parameter @i to value @v of field @f. The parameter's type is the field's (how the
 * core's reference query evaluator reads values); TEXT points into the caller's row,
 * which outlives the execution. */
int pg_param_set(pg_params *p, int i, const kiscrm_kind_def *kind, const kiscrm_field_def *f,
		 const kiscrm_value *v)
{
	p->types[i] = pg_type_oid(f->type);
	if (v->type == KISCRM_TYPE_NULL) {
		p->vals[i] = NULL;
		p->lens[i] = 0;
		return KISCRM_OK;
	}
	if (f->type == KISCRM_TYPE_TEXT) {
		if (v->type != KISCRM_TYPE_TEXT || !v->u.s)
			goto mismatch;
		size_t len = strlen(v->u.s);
		if (len > 0x3fffffff)
			return kc_error_set(KISCRM_EINVALID, "field '%s' of %s: text of %zu bytes is "
					    "too long for PostgreSQL", f->name, kind->name, len);
		p->vals[i] = v->u.s;
		p->lens[i] = (int)len;
		return KISCRM_OK;
	}
	uint64_t bits;
	if (f->type == KISCRM_TYPE_RATE) {
		double d;
		if (v->type == KISCRM_TYPE_RATE)
			d = v->u.r;
		else if (kc_backend_is_int_type(v->type))
			d = (double)v->u.i;
		else
			goto mismatch;
		memcpy(&bits, &d, sizeof(bits));
	} else {
		if (!kc_backend_is_int_type(v->type))
			goto mismatch;
		bits = (uint64_t)v->u.i;
	}
	put_be64(p->num[i], bits);
	p->vals[i] = (const char *)p->num[i];
	p->lens[i] = 8;
	return KISCRM_OK;
mismatch:
	return kc_error_set(KISCRM_EINVALID, "field '%s' of %s has type %d but got a value of type %d",
			    f->name, kind->name, f->type, v->type);
}

/* Gives @st the parameter types of @p, for preparing it. */
int pg_copy_types(pg_stmt *st, const pg_params *p)
{
	free(st->types);
	st->types = NULL;
	st->nparams = p->n;
	if (p->n == 0)
		return KISCRM_OK;
	st->types = malloc((size_t)p->n * sizeof(*st->types));
	if (!st->types)
		return kc_error_oom();
	memcpy(st->types, p->types, (size_t)p->n * sizeof(*st->types));
	return KISCRM_OK;
}

int pg_get_int8(const PGresult *res, int row, int col, int64_t *out)
{
	if (PQgetisnull(res, row, col)) {
		*out = 0;
		return KISCRM_OK;
	}
	if (PQfformat(res, col) != 1 || PQgetlength(res, row, col) != 8)
		return kc_error_set(KISCRM_ESTORAGE, "PostgreSQL returned column %d not as a "
				    "binary BIGINT", col);
	*out = (int64_t)get_be64((const unsigned char *)PQgetvalue(res, row, col));
	return KISCRM_OK;
}

/* Fills @row from result row @r; column i is field i. A numeric column of another width
 * than 8 bytes means the table was not made by this backend (or was altered). */
static int read_row(const PGresult *res, int r, const kiscrm_kind_def *kind, kiscrm_value *row)
{
	for (int i = 0; i < kind->nfields; i++) {
		kiscrm_value *v = &row[i];
		if (PQgetisnull(res, r, i)) {
			v->type = KISCRM_TYPE_NULL;
			v->u.i = 0;
			continue;
		}
		v->type = kind->fields[i].type;
		const char *data = PQgetvalue(res, r, i);
		if (v->type == KISCRM_TYPE_TEXT) {
			v->u.s = data; /* libpq NUL-terminates binary values too */
			continue;
		}
		if (PQgetlength(res, r, i) != 8)
			return kc_error_set(KISCRM_ESTORAGE, "column '%s' of %s has %d bytes, not 8: "
					    "its type is not the one libkiscrm created",
					    kind->fields[i].name, kind->name, PQgetlength(res, r, i));
		uint64_t bits = get_be64((const unsigned char *)data);
		if (v->type == KISCRM_TYPE_RATE)
			memcpy(&v->u.r, &bits, sizeof(bits));
		else
			v->u.i = (int64_t)bits;
	}
	return KISCRM_OK;
}

/* Calls @cb for the first @nrows rows of @res. The result is whole in memory, so the
 * callback may call the backend again (the core does: checks, nested reads, writes).
 * Returns the callback's stop value or an error. */
int pg_each_row(const PGresult *res, int nrows, const kiscrm_kind_def *kind, kiscrm_row_cb cb,
		void *payload)
{
	kiscrm_value stack[PG_ROW_STACK];
	kiscrm_value *row = stack;
	if (kind->nfields > PG_ROW_STACK && !(row = calloc((size_t)kind->nfields, sizeof(*row))))
		return kc_error_oom();
	if (PQnfields(res) != kind->nfields) {
		if (row != stack)
			free(row);
		return kc_error_set(KISCRM_ESTORAGE, "query on %s returned %d columns, expected %d",
				    kind->name, PQnfields(res), kind->nfields);
	}
	int rc = KISCRM_OK, n = nrows < PQntuples(res) ? nrows : PQntuples(res);
	for (int r = 0; !rc && r < n; r++) {
		rc = read_row(res, r, kind, row);
		if (!rc)
			rc = cb(payload, row);
	}
	if (row != stack)
		free(row);
	return rc;
}

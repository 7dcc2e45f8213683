/* Helpers of kiscrm/sys/backend.h that backends share: vtable initialisation, error
 * reporting and a reference evaluator of queries (used by backends that filter rows
 * themselves, such as the in-memory backend). */
#include "backends/shared.h"
#include "core/error.h"
#include "core/options.h"

#include <string.h>

int kiscrm_backend_init(kiscrm_backend *b, unsigned int version)
{
	/* Zeroes only the slots that version has: a backend built for an older header is
	 * a shorter struct. */
	return kc_options_init(b, version, &kc_backend_v);
}

int kiscrm_backend_error(int code, const char *message)
{
	return kc_error_set(code, "%s", message ? message : "storage error");
}

/* Three-way comparison of two non-NULL values of the same field type. */
static int compare(int type, const kiscrm_value *a, const kiscrm_value *b)
{
	switch (type) {
	case KISCRM_TYPE_TEXT:
		return strcmp(a->u.s, b->u.s);
	case KISCRM_TYPE_RATE:
		return (a->u.r > b->u.r) - (a->u.r < b->u.r);
	default:
		return (a->u.i > b->u.i) - (a->u.i < b->u.i);
	}
}

static int cond_match(const kiscrm_kind_def *kind, const kiscrm_cond *c, const kiscrm_value *row)
{
	if (c->field < 0 || c->field >= kind->nfields)
		return 0;
	const kiscrm_value *v = &row[c->field];
	int is_null = v->type == KISCRM_TYPE_NULL;
	if (c->value.type == KISCRM_TYPE_NULL)
		return c->op == KISCRM_OP_EQ ? is_null : (c->op == KISCRM_OP_NE ? !is_null : 0);
	if (is_null)
		return 0;
	int type = kind->fields[c->field].type;
	if (c->op == KISCRM_OP_CONTAINS)
		return type == KISCRM_TYPE_TEXT && strstr(v->u.s, c->value.u.s) != NULL;
	return kc_op_holds(c->op, compare(type, v, &c->value));
}

int kc_backend_check_distinct(const kiscrm_query *q, kiscrm_row_cb cb)
{
	if (!cb)
		return kc_error_set(KISCRM_EINVALID, "distinct: callback is NULL");
	if (!q || !(q->columns & ~(uint64_t)1))
		return kc_error_set(KISCRM_EINVALID, "distinct: no field wanted");
	return KISCRM_OK;
}

int kc_backend_insert_id(const kiscrm_kind_def *kind, const kiscrm_value *row, int *auto_id)
{
	*auto_id = row[0].type == KISCRM_TYPE_NULL || row[0].u.i == 0;
	if (!*auto_id && row[0].type != KISCRM_TYPE_INT)
		return kc_error_set(KISCRM_EINVALID, "insert into %s: id has type %d, not INT", kind->name,
				    row[0].type);
	if (!*auto_id && row[0].u.i < 0)
		return kc_error_set(KISCRM_EINVALID, "insert into %s: id %lld is negative", kind->name,
				    (long long)row[0].u.i);
	return KISCRM_OK;
}

int kiscrm_query_match(const kiscrm_kind_def *kind, const kiscrm_query *q, const kiscrm_value *row)
{
	if (!q)
		return 1;
	if (!kind || !row)
		return 0;
	for (int i = 0; i < q->ncond; i++)
		if (!cond_match(kind, &q->conds[i], row))
			return 0;
	return 1;
}

int kc_backend_check_shape(const kiscrm_schema *s)
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
		if (!k->name || !*k->name)
			return kc_error_set(KISCRM_EINVALID, "schema kind %d has no name", i);
		if (k->nfields < 1 || !k->fields || !k->fields[0].name ||
		    strcmp(k->fields[0].name, "id") != 0 || k->fields[0].type != KISCRM_TYPE_INT)
			return kc_error_set(KISCRM_EINVALID,
					    "record kind '%s' must start with the INT field 'id'", k->name);
		for (int j = 1; j < k->nfields; j++) {
			int t = k->fields[j].type;
			if (t != KISCRM_TYPE_TEXT && t != KISCRM_TYPE_RATE && !kc_backend_is_int_type(t))
				return kc_error_set(KISCRM_EINVALID, "field '%s' of %s has unknown type %d",
						    k->fields[j].name ? k->fields[j].name : "?", k->name, t);
		}
	}
	return KISCRM_OK;
}


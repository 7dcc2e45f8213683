/* Helpers of kiscrm/sys/backend.h that backends share: vtable initialisation, error
 * reporting and a reference evaluator of queries (used by backends that filter rows
 * themselves, such as the in-memory backend). */
#include "kiscrm/sys/backend.h"
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
	int cmp = compare(type, v, &c->value);
	switch (c->op) {
	case KISCRM_OP_EQ: return cmp == 0;
	case KISCRM_OP_NE: return cmp != 0;
	case KISCRM_OP_LT: return cmp < 0;
	case KISCRM_OP_LE: return cmp <= 0;
	case KISCRM_OP_GT: return cmp > 0;
	case KISCRM_OP_GE: return cmp >= 0;
	default: return 0;
	}
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

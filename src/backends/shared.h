/* What the backends check alike of a schema, its values and conditions (query.c); the SQL
 * backends add their own rules for names. */
#ifndef KC_BACKENDS_SHARED_H
#define KC_BACKENDS_SHARED_H

#include "kiscrm/sys/backend.h"

/* Whether comparison operator @op holds for a three-way comparison result @cmp (the
 * reference evaluator kiscrm_query_match and the memory backend's column matcher). */
static inline int kc_op_holds(int op, int cmp)
{
	switch (op) {
	case KISCRM_OP_EQ: return cmp == 0;
	case KISCRM_OP_NE: return cmp != 0;
	case KISCRM_OP_LT: return cmp < 0;
	case KISCRM_OP_LE: return cmp <= 0;
	case KISCRM_OP_GT: return cmp > 0;
	case KISCRM_OP_GE: return cmp >= 0;
	default: return 0;
	}
}

/* The arguments of a backend's `distinct` slot: a callback and at least one wanted field
 * besides the id. KISCRM_OK or KISCRM_EINVALID (error set). */
int kc_backend_check_distinct(const kiscrm_query *q, kiscrm_row_cb cb);

/* The id of a row to insert: *auto_id 1 when it is NULL or 0 (the backend assigns a
 * never-used one), else it must be a non-negative INT. KISCRM_OK or EINVALID (error set,
 * naming @kind). */
int kc_backend_insert_id(const kiscrm_kind_def *kind, const kiscrm_value *row, int *auto_id);

/* 1 for the types stored as 64-bit integers: INT, MONEY, DATE and TIME. Inline: every
 * value a backend binds or reads asks it. */
static inline int kc_backend_is_int_type(int type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY || type == KISCRM_TYPE_DATE ||
	       type == KISCRM_TYPE_TIME;
}

/* The schema's shape: present, a positive version, its kinds present, each named, starting
 * with the INT field `id` and having fields of known types. KISCRM_OK or EINVALID. */
int kc_backend_check_shape(const kiscrm_schema *s);

#endif

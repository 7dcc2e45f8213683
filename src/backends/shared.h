/* What the SQL backends (SQLite, PostgreSQL) check alike of a schema and its values
 * (query.c); each adds its own rules for names. */
#ifndef KC_BACKENDS_SHARED_H
#define KC_BACKENDS_SHARED_H

#include "kiscrm/sys/backend.h"

/* 1 for the types stored as 64-bit integers: INT, MONEY, DATE and TIME. */
int kc_backend_is_int_type(int type);

/* The schema's shape: present, a positive version, its kinds present, each named, starting
 * with the INT field `id` and having fields of known types. KISCRM_OK or EINVALID. */
int kc_backend_check_shape(const kiscrm_schema *s);

#endif

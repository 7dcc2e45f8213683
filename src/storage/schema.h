/* The record schema: every kind of record and its fields, in one table that the core,
 * the backends (through kiscrm_schema) and the introspection API share.
 *
 * To add a field: append it to its kind (never reorder) and to the public field enum,
 * then bump KC_SCHEMA_VERSION; backends add the column on open. To add a kind: append a
 * kiscrm_kind value and a definition here. */
#ifndef KC_SCHEMA_H
#define KC_SCHEMA_H

#include "kiscrm/record.h"
#include "kiscrm/sys/backend.h"

#define KC_SCHEMA_VERSION 1

extern const kiscrm_schema kc_schema;

/* Definition of a kind, or NULL (no error set) when unknown. */
const kiscrm_kind_def *kc_kind_def(int kind);

/* As kc_kind_def, but sets KISCRM_EINVALID naming the kind when unknown. */
int kc_kind_require(const kiscrm_kind_def **out, int kind);

/* Index of a field by name, or -1. */
int kc_field_index(const kiscrm_kind_def *def, const char *name);

#endif

/* Shorthands for the field tables of the areas' kinds.c files (only those include it). */
#ifndef KC_KIND_FIELDS_H
#define KC_KIND_FIELDS_H

#include "storage/kind.h"

#define F(n, t, fl, ref) { n, KISCRM_TYPE_##t, fl, ref }
#define IDX KISCRM_FIELD_INDEXED
#define REQ KISCRM_FIELD_REQUIRED
#define OWN KISCRM_FIELD_OWNED
#define GRP KISCRM_FIELD_GROUPED

#endif

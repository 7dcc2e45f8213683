/* Field ids inside the library. Public field ids carry their kind (KISCRM_FIELD_ID); rows
 * handed over by a backend and the column masks of a query are indexed by the field's
 * position within its kind. These two macros are the only way the core turns one into the
 * other, so a search for "[KISCRM_" finds any place that forgot (tools/check-field-ids). */
#ifndef KC_FIELD_H
#define KC_FIELD_H

#include "kiscrm/types.h"
#include "kiscrm/sys/backend.h"

#include <stdint.h>

/* The row position of a field id: row[KC_FI(KISCRM_CUSTOMER_NAME)]. */
#define KC_FI(field) KISCRM_FIELD_POSITION(field)

/* The bit of a field in a query's column mask (kiscrm_query.columns). */
#define KC_BIT(field) (UINT64_C(1) << KC_FI(field))


/* Values of a backend row: text (NULL when NULL), integer-like (dflt when NULL). */
static inline const char *kc_val_text(const kiscrm_value *v)
{
	return v->type == KISCRM_TYPE_TEXT ? v->u.s : NULL;
}

static inline int64_t kc_val_int(const kiscrm_value *v, int64_t dflt)
{
	return v->type == KISCRM_TYPE_NULL || v->type == KISCRM_TYPE_TEXT || v->type == KISCRM_TYPE_RATE
		       ? dflt : v->u.i;
}

static inline kiscrm_date kc_val_date(const kiscrm_value *v)
{
	return (kiscrm_date)kc_val_int(v, KISCRM_DATE_NONE);
}

#endif

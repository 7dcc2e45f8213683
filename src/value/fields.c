/* The fields of the kinds this area owns (value classes as computed on a date). Pure
 * data; field order matches the public field enum of kiscrm/value.h, only appended. */
#include "value/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def value_class_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("as_of", DATE, REQ | IDX, 0),
	F("class", TEXT, REQ, 0),
	F("score", MONEY, 0, 0),
	F("rank", INT, 0, 0),
};

const kiscrm_kind_def kc_value_class_def = { KISCRM_KIND_VALUE_CLASS, "value_class", KC_FIELDS(value_class_fields) };

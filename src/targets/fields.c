/* The fields of the kind this area owns (targets). Pure data, read by the store and the
 * configuration alike. Field order matches the public field enum; fields are only
 * appended. */
#include "targets/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def target_fields[] = {
	F("id", INT, 0, 0),
	F("metric", TEXT, REQ | IDX, 0),
	F("period", INT, REQ, 0),
	F("start", DATE, REQ | IDX, 0),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("amount", MONEY, 0, 0),
	F("count", INT, 0, 0),
	F("parent_id", INT, IDX | OWN, KISCRM_KIND_TARGET),
};

const kiscrm_kind_def kc_target_def = { KISCRM_KIND_TARGET, "target", KC_FIELDS(target_fields) };

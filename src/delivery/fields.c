/* The fields of implementation milestones. Pure data; field order matches the public
 * field enum of kiscrm/delivery.h, only appended. */
#include "delivery/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def milestone_fields[] = {
	F("id", INT, 0, 0),
	F("contract_id", INT, REQ | IDX | OWN, KISCRM_KIND_CONTRACT),
	F("type", TEXT, REQ, 0),
	F("planned", DATE, 0, 0),
	F("actual", DATE, 0, 0),
	F("owner_id", INT, 0, KISCRM_KIND_STAFF),
	F("crisis", INT, 0, 0),
	F("note", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_milestone_def = { KISCRM_KIND_MILESTONE, "milestone", KC_FIELDS(milestone_fields) };

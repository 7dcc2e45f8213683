/* The fields of presales support requests. Pure data; field order matches the public field
 * enum of kiscrm/presales.h, only appended. */
#include "presales/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def request_fields[] = {
	F("id", INT, 0, 0),
	F("opportunity_id", INT, REQ | IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("help", TEXT, REQ, 0),
	F("stage", TEXT, 0, 0),
	F("requested_by_id", INT, 0, KISCRM_KIND_STAFF),
	F("partner", TEXT, 0, 0),
	F("urgency", TEXT, 0, 0),
	F("wanted_from", DATE, 0, 0),
	F("wanted_to", DATE, 0, 0),
	F("requested", DATE, REQ, 0),
	F("status", TEXT, IDX, 0),
	F("engineer_id", INT, IDX, KISCRM_KIND_STAFF),
	F("completed", DATE, 0, 0),
	F("confirmed", DATE, 0, 0),
	F("outcome", TEXT, 0, 0),
	F("partner_id", INT, IDX, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_presales_request_def = { KISCRM_KIND_PRESALES_REQUEST, "presales_request",
						  KC_FIELDS(request_fields) };

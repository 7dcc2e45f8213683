/* The fields of the kinds this area owns (activities and their exceptions). Pure data;
 * field order matches the public field enums of kiscrm/activity.h, only appended. */
#include "activities/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def activity_fields[] = {
	F("id", INT, 0, 0),
	F("type", TEXT, REQ | IDX, 0),
	F("subject", TEXT, REQ, 0),
	F("customer_id", INT, IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, IDX, KISCRM_KIND_OPPORTUNITY),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("contacts", TEXT, 0, 0),
	F("participants", TEXT, 0, 0),
	F("start", TIME, REQ | IDX, 0),
	F("duration_min", INT, 0, 0),
	F("due", DATE, 0, 0),
	F("status", TEXT, IDX, 0),
	F("done_at", TIME, 0, 0),
	F("outcome", TEXT, 0, 0),
	F("next_step", TEXT, 0, 0),
	F("rrule", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def exception_fields[] = {
	F("id", INT, 0, 0),
	F("activity_id", INT, REQ | IDX | OWN, KISCRM_KIND_ACTIVITY),
	F("original_start", TIME, REQ, 0),
	F("new_start", TIME, 0, 0),
	F("cancelled", INT, 0, 0),
	F("status", TEXT, 0, 0),
	F("outcome", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_activity_def = { KISCRM_KIND_ACTIVITY, "activity", KC_FIELDS(activity_fields) };
const kiscrm_kind_def kc_activity_exception_def = { KISCRM_KIND_ACTIVITY_EXCEPTION, "activity_exception",
						    KC_FIELDS(exception_fields) };

/* The fields of the kinds this area owns. Pure data; field order matches the public field
 * enums of kiscrm/service.h, only appended. */
#include "service/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def request_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX, KISCRM_KIND_CUSTOMER),
	F("contract_id", INT, IDX, KISCRM_KIND_CONTRACT),
	F("product", TEXT, 0, 0),
	F("channel", TEXT, 0, 0),
	F("priority", TEXT, 0, 0),
	F("complaint", INT, 0, 0),
	F("subject", TEXT, REQ, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("opened", TIME, REQ | IDX, 0),
	F("status", TEXT, IDX, 0),
	F("satisfaction", INT, 0, 0),
	F("contact_id", INT, 0, KISCRM_KIND_CONTACT),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def event_fields[] = {
	F("id", INT, 0, 0),
	F("request_id", INT, REQ | IDX | OWN, KISCRM_KIND_SERVICE_REQUEST),
	F("type", TEXT, REQ, 0),
	F("at", TIME, REQ, 0),
	F("by_id", INT, 0, KISCRM_KIND_STAFF),
	F("note", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def survey_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX, KISCRM_KIND_CUSTOMER),
	F("date", DATE, REQ, 0),
	F("score", INT, REQ, 0),
	F("product", TEXT, 0, 0),
	F("engineer_id", INT, 0, KISCRM_KIND_STAFF),
	F("note", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_service_request_def = { KISCRM_KIND_SERVICE_REQUEST, "service_request", KC_FIELDS(request_fields) };
const kiscrm_kind_def kc_service_event_def = { KISCRM_KIND_SERVICE_EVENT, "service_event", KC_FIELDS(event_fields) };
const kiscrm_kind_def kc_satisfaction_survey_def = { KISCRM_KIND_SATISFACTION_SURVEY, "satisfaction_survey",
						     KC_FIELDS(survey_fields) };

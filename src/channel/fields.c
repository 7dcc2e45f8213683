/* The fields of the channel's kinds. Pure data; field order matches the public field enums
 * of kiscrm/channel.h, only appended. */
#include "channel/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def partner_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("region", TEXT, IDX, 0),
	F("industries", TEXT, 0, 0),
	F("product_lines", TEXT, 0, 0),
	F("level", TEXT, 0, 0),
	F("status", TEXT, 0, 0),
	F("manager_id", INT, 0, KISCRM_KIND_STAFF),
};

static const kiscrm_field_def target_fields[] = {
	F("id", INT, 0, 0),
	F("partner_id", INT, REQ | IDX | OWN, KISCRM_KIND_PARTNER),
	F("metric", TEXT, REQ, 0),
	F("start", DATE, REQ, 0),
	F("end", DATE, REQ, 0),
	F("amount", MONEY, REQ, 0),
};

static const kiscrm_field_def registration_fields[] = {
	F("id", INT, 0, 0),
	F("partner_id", INT, REQ | IDX | OWN, KISCRM_KIND_PARTNER),
	F("customer_name", TEXT, REQ, 0),
	F("customer_key", TEXT, IDX, 0),
	F("customer_id", INT, 0, KISCRM_KIND_CUSTOMER),
	F("product_line", TEXT, REQ, 0),
	F("opportunity_id", INT, 0, KISCRM_KIND_OPPORTUNITY),
	F("amount", MONEY, 0, 0),
	F("expected_close", DATE, 0, 0),
	F("status", TEXT, 0, 0),
	F("submitted", TIME, 0, 0),
	F("submitted_by", TEXT, 0, 0),
	F("decided", TIME, 0, 0),
	F("decided_by_id", INT, 0, KISCRM_KIND_STAFF),
	F("extensions", INT, 0, 0),
	F("valid_until", DATE, 0, 0),
};

const kiscrm_kind_def kc_partner_def = { KISCRM_KIND_PARTNER, "partner", KC_FIELDS(partner_fields) };
const kiscrm_kind_def kc_partner_target_def = { KISCRM_KIND_PARTNER_TARGET, "partner_target", KC_FIELDS(target_fields) };
const kiscrm_kind_def kc_registration_def = { KISCRM_KIND_REGISTRATION, "registration", KC_FIELDS(registration_fields) };

const char *const kc_registration_statuses[] = { "draft", "submitted", "approved", "rejected", "withdrawn", "converted",
						 NULL };

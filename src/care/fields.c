/* The fields of the kinds this area owns (the key-account archive). Pure data; field
 * order matches the public field enum of kiscrm/care.h, only appended. */
#include "care/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def event_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("date", DATE, REQ, 0),
	F("type", TEXT, REQ, 0),
	F("contact_id", INT, IDX, KISCRM_KIND_CONTACT),
	F("title", TEXT, 0, 0),
	F("note", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_key_account_event_def = { KISCRM_KIND_KEY_ACCOUNT_EVENT, "key_account_event",
						   KC_FIELDS(event_fields) };

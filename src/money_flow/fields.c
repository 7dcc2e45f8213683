/* The fields of the kinds this area owns (contracts, collection plans and collections).
 * Pure data, read by the store and the configuration alike. Field order matches the
 * public field enums; fields are only appended. */
#include "money_flow/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def contract_fields[] = {
	F("id", INT, 0, 0),
	F("number", TEXT, IDX, 0),
	F("customer_id", INT, REQ | IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, IDX, KISCRM_KIND_OPPORTUNITY),
	F("signed", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("approval", TEXT, 0, 0),
	F("payment_terms", TEXT, 0, 0),
	F("allow_over_collection", INT, 0, 0),
	F("tier", TEXT, 0, 0),
	F("valid_from", DATE, 0, 0),
	F("valid_to", DATE, 0, 0),
	F("covered", TEXT, 0, 0),
	F("renews_id", INT, IDX, KISCRM_KIND_CONTRACT),
	F("partner_id", INT, IDX, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def collection_plan_fields[] = {
	F("id", INT, 0, 0),
	F("contract_id", INT, IDX | OWN, KISCRM_KIND_CONTRACT),
	F("opportunity_id", INT, IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("due", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("note", TEXT, 0, 0),
	F("milestone_id", INT, IDX, KISCRM_KIND_MILESTONE),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def collection_fields[] = {
	F("id", INT, 0, 0),
	F("contract_id", INT, REQ | IDX, KISCRM_KIND_CONTRACT),
	F("received", DATE, REQ | IDX, 0),
	F("amount", MONEY, REQ, 0),
	F("note", TEXT, 0, 0),
	F("partner_id", INT, IDX, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_contract_def = { KISCRM_KIND_CONTRACT, "contract", KC_FIELDS(contract_fields) };
const kiscrm_kind_def kc_collection_plan_def = { KISCRM_KIND_COLLECTION_PLAN, "collection_plan", KC_FIELDS(collection_plan_fields) };
const kiscrm_kind_def kc_collection_def = { KISCRM_KIND_COLLECTION, "collection", KC_FIELDS(collection_fields) };

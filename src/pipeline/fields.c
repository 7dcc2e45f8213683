/* The fields of the kinds this area owns (leads, opportunities and their stage history).
 * Pure data, read by the store and the configuration alike. Field order matches the
 * public field enums; fields are only appended. */
#include "pipeline/kinds.h"
#include "storage/kind_fields.h"
#include "pipeline/pipeline_internal.h"

static const kiscrm_field_def lead_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("company", TEXT, 0, 0),
	F("contact_name", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("email", TEXT, 0, 0),
	F("source", TEXT, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, 0, KISCRM_KIND_DEPARTMENT),
	F("status", TEXT, 0, 0),
	F("customer_id", INT, IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, 0, KISCRM_KIND_OPPORTUNITY),
	F("created", DATE, 0, 0),
	F("region", TEXT, 0, 0),
	F("industry", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("campaign", TEXT, 0, 0),
	F("campaign_id", INT, IDX, KISCRM_KIND_CAMPAIGN),
	F("opt_out", INT, 0, 0),
	F("partner_id", INT, IDX, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def opportunity_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("customer_id", INT, IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("contact_id", INT, 0, KISCRM_KIND_CONTACT),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("expected_close", DATE, IDX, 0),
	F("pipeline", TEXT, GRP, 0),
	F("stage", TEXT, REQ | GRP, 0),
	F("probability", INT, 0, 0),
	F("probability_manual", INT, 0, 0),
	F("forecast_category", TEXT, 0, 0),
	F("source", TEXT, 0, 0),
	F("size_class", TEXT, 0, 0),
	F("partner", TEXT, 0, 0),
	F("competitors", TEXT, 0, 0),
	F("status", TEXT, IDX, 0),
	F("reason", TEXT, 0, 0),
	F("reason_category", TEXT, 0, 0),
	F("created", DATE, 0, 0),
	F("closed", DATE, 0, 0),
	F("last_activity", DATE, 0, 0),
	F("lead_id", INT, 0, KISCRM_KIND_LEAD),
	F("external_ref", TEXT, IDX, 0),
	F("tags", TEXT, 0, 0),
	F("key_project", INT, 0, 0),
	F("campaign_id", INT, 0, KISCRM_KIND_CAMPAIGN),
	F("resale", INT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def stage_history_fields[] = {
	F("id", INT, 0, 0),
	F("opportunity_id", INT, REQ | IDX | OWN, KISCRM_KIND_OPPORTUNITY),
	F("from_stage", TEXT, 0, 0),
	F("to_stage", TEXT, REQ, 0),
	F("at", TIME, REQ, 0),
	F("by_id", INT, 0, KISCRM_KIND_STAFF),
	F("amount", MONEY, 0, 0),
	F("pipeline", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_lead_def = { KISCRM_KIND_LEAD, "lead", KC_FIELDS(lead_fields) };
const kiscrm_kind_def kc_opportunity_def = { KISCRM_KIND_OPPORTUNITY, "opportunity", KC_FIELDS(opportunity_fields) };
const kiscrm_kind_def kc_stage_history_def = { KISCRM_KIND_STAGE_HISTORY, "stage_history", KC_FIELDS(stage_history_fields) };

const char *const kc_pipeline_sources[] = {
	"grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound",
	NULL
};

/* The fields of the kinds this area owns (market activities, cost items, members,
 * touches). Pure data; field order matches the public field enums of kiscrm/campaign.h,
 * only appended. */
#include "campaigns/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def campaign_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("type", TEXT, REQ, 0),
	F("start", DATE, REQ, 0),
	F("end", DATE, 0, 0),
	F("budget", MONEY, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("department_id", INT, 0, KISCRM_KIND_DEPARTMENT),
	F("region", TEXT, 0, 0),
	F("industry", TEXT, 0, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def cost_fields[] = {
	F("id", INT, 0, 0),
	F("campaign_id", INT, REQ | IDX | OWN, KISCRM_KIND_CAMPAIGN),
	F("date", DATE, REQ, 0),
	F("amount", MONEY, REQ, 0),
	F("item", TEXT, 0, 0),
};

static const kiscrm_field_def member_fields[] = {
	F("id", INT, 0, 0),
	F("campaign_id", INT, REQ | IDX | OWN, KISCRM_KIND_CAMPAIGN),
	F("contact_id", INT, IDX, KISCRM_KIND_CONTACT),
	F("lead_id", INT, IDX, KISCRM_KIND_LEAD),
	F("name", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("email", TEXT, 0, 0),
	F("company", TEXT, 0, 0),
	F("status", TEXT, 0, 0),
	F("confirmed", DATE, 0, 0),
};

static const kiscrm_field_def touch_fields[] = {
	F("id", INT, 0, 0),
	F("campaign_id", INT, REQ | IDX | OWN, KISCRM_KIND_CAMPAIGN),
	F("date", DATE, REQ, 0),
	F("customer_id", INT, IDX, KISCRM_KIND_CUSTOMER),
	F("contact_id", INT, 0, KISCRM_KIND_CONTACT),
	F("lead_id", INT, IDX, KISCRM_KIND_LEAD),
	F("channel", TEXT, 0, 0),
};

const kiscrm_kind_def kc_campaign_def = { KISCRM_KIND_CAMPAIGN, "campaign", KC_FIELDS(campaign_fields) };
const kiscrm_kind_def kc_campaign_cost_def = { KISCRM_KIND_CAMPAIGN_COST, "campaign_cost", KC_FIELDS(cost_fields) };
const kiscrm_kind_def kc_campaign_member_def = { KISCRM_KIND_CAMPAIGN_MEMBER, "campaign_member", KC_FIELDS(member_fields) };
const kiscrm_kind_def kc_campaign_touch_def = { KISCRM_KIND_CAMPAIGN_TOUCH, "campaign_touch", KC_FIELDS(touch_fields) };

const char *const kc_campaign_member_statuses[] = { "invited", "registered", "confirmed", "attended", "absent",
						    "declined", NULL };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "campaigns/kinds.h"

const kc_kind kc_campaign_kind = { &kc_campaign_def, kc_campaign_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_campaign_cost_kind = { &kc_campaign_cost_def, kc_campaign_cost_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_campaign_member_kind = { &kc_campaign_member_def, kc_campaign_member_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_campaign_touch_kind = { &kc_campaign_touch_def, kc_campaign_touch_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };

/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "pipeline/kinds.h"
#include "kiscrm/pipeline.h"
#include "pipeline/pipeline_internal.h"

const kc_kind kc_lead_kind = { &kc_lead_def, kc_lead_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_LEAD_PARTNER_ID, 0) };
const kc_kind kc_opportunity_kind = { &kc_opportunity_def, kc_opportunity_prepare, kc_opportunity_after_insert, NULL,
	KC_SCOPE_BY(KISCRM_OPPORTUNITY_PARTNER_ID, KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)) };
const kc_kind kc_stage_history_kind = { &kc_stage_history_def, kc_stage_history_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_STAGE_HISTORY_PARTNER_ID, KC_FI(KISCRM_STAGE_HISTORY_OPPORTUNITY_ID)) };

/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "money_flow/kinds.h"
#include "kiscrm/money_flow.h"
#include "money_flow/money_flow_internal.h"

const kc_kind kc_contract_kind = { &kc_contract_def, kc_contract_prepare, kc_contract_after_insert, NULL,
	KC_SCOPE_BY(KISCRM_CONTRACT_PARTNER_ID, KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)) };
const kc_kind kc_collection_plan_kind = { &kc_collection_plan_def, kc_collection_plan_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_COLLECTION_PLAN_PARTNER_ID, KC_FI(KISCRM_COLLECTION_PLAN_CONTRACT_ID), KC_FI(KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID)) };
const kc_kind kc_collection_kind = { &kc_collection_def, kc_collection_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_COLLECTION_PARTNER_ID, KC_FI(KISCRM_COLLECTION_CONTRACT_ID)) };

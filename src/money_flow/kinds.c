/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "money_flow/kinds.h"
#include "money_flow/money_flow_internal.h"

const kc_kind kc_contract_kind = { &kc_contract_def, kc_contract_prepare, kc_contract_after_insert, NULL };
const kc_kind kc_collection_plan_kind = { &kc_collection_plan_def, kc_collection_plan_prepare, NULL, NULL };
const kc_kind kc_collection_kind = { &kc_collection_def, kc_collection_prepare, NULL, NULL };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "routines/kinds.h"

const kc_kind kc_swot_entry_kind = { &kc_swot_entry_def, kc_swot_entry_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_swot_strategy_kind = { &kc_swot_strategy_def, kc_swot_strategy_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_work_item_kind = { &kc_work_item_def, kc_work_item_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_work_log_kind = { &kc_work_log_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };

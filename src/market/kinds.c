/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "market/kinds.h"

const kc_kind kc_competitor_kind = { &kc_competitor_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_grid_cell_kind = { &kc_grid_cell_def, kc_grid_cell_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_opportunity_competitor_kind = { &kc_opportunity_competitor_def, kc_opportunity_competitor_prepare,
						 NULL, NULL,
	KC_SCOPE_COMPANY };

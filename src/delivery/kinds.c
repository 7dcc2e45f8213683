/* Descriptor of the kind this area owns: definition (fields.c) and the hook the store
 * calls (rules.c). */
#include "delivery/kinds.h"
#include "kiscrm/delivery.h"

const kc_kind kc_milestone_kind = { &kc_milestone_def, kc_milestone_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_MILESTONE_PARTNER_ID, KC_FI(KISCRM_MILESTONE_CONTRACT_ID)) };

/* Descriptor of the kind this area owns: definition (fields.c) and the hook the store
 * calls (rules.c). */
#include "presales/kinds.h"
#include "kiscrm/presales.h"

const kc_kind kc_presales_request_kind = { &kc_presales_request_def, kc_presales_request_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_PRESALES_REQUEST_PARTNER_ID, KC_FI(KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID)) };

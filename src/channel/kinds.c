/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "channel/kinds.h"
#include "kiscrm/channel.h"

const kc_kind kc_partner_kind = { &kc_partner_def, kc_partner_prepare, NULL, NULL,
	{ KC_SCOPE_SELF, 0, { 0 } } };
const kc_kind kc_partner_target_kind = { &kc_partner_target_def, kc_partner_target_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_PARTNER_TARGET_PARTNER_ID, 0) };
const kc_kind kc_registration_kind = { &kc_registration_def, kc_registration_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_REGISTRATION_PARTNER_ID, 0) };

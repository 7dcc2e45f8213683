/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (event.c). */
#include "care/kinds.h"
#include "kiscrm/care.h"
#include "care/care_internal.h"

const kc_kind kc_key_account_event_kind = { &kc_key_account_event_def, kc_key_account_event_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_KEY_ACCOUNT_EVENT_PARTNER_ID, KC_FI(KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID)) };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (activity.c). */
#include "activities/kinds.h"
#include "kiscrm/activity.h"
#include "activities/activities_internal.h"

const kc_kind kc_activity_kind = { &kc_activity_def, kc_activity_prepare, NULL, kc_activity_before_delete,
	KC_SCOPE_BY(KISCRM_ACTIVITY_PARTNER_ID, KC_FI(KISCRM_ACTIVITY_CUSTOMER_ID), KC_FI(KISCRM_ACTIVITY_OPPORTUNITY_ID)) };
const kc_kind kc_activity_exception_kind = { &kc_activity_exception_def, kc_activity_exception_prepare, NULL,
					     NULL,
	KC_SCOPE_BY(KISCRM_ACTIVITY_EXCEPTION_PARTNER_ID, KC_FI(KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID)) };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "service/kinds.h"
#include "kiscrm/service.h"

const kc_kind kc_service_request_kind = { &kc_service_request_def, kc_service_request_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_SERVICE_REQUEST_PARTNER_ID, KC_FI(KISCRM_SERVICE_REQUEST_CUSTOMER_ID)) };
const kc_kind kc_service_event_kind = { &kc_service_event_def, kc_service_event_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_SERVICE_EVENT_PARTNER_ID, KC_FI(KISCRM_SERVICE_EVENT_REQUEST_ID)) };
const kc_kind kc_satisfaction_survey_kind = { &kc_satisfaction_survey_def, kc_satisfaction_survey_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_SATISFACTION_SURVEY_PARTNER_ID, KC_FI(KISCRM_SATISFACTION_SURVEY_CUSTOMER_ID)) };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "service/kinds.h"

const kc_kind kc_service_request_kind = { &kc_service_request_def, kc_service_request_prepare, NULL, NULL };
const kc_kind kc_service_event_kind = { &kc_service_event_def, kc_service_event_prepare, NULL, NULL };
const kc_kind kc_satisfaction_survey_kind = { &kc_satisfaction_survey_def, kc_satisfaction_survey_prepare, NULL, NULL };

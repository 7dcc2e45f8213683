/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (activity.c). */
#include "activities/kinds.h"
#include "activities/activities_internal.h"

const kc_kind kc_activity_kind = { &kc_activity_def, kc_activity_prepare, NULL, kc_activity_before_delete };
const kc_kind kc_activity_exception_kind = { &kc_activity_exception_def, kc_activity_exception_prepare, NULL,
					     NULL };

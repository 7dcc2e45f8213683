/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c). */
#include "value/kinds.h"
#include "value/value_internal.h"

const kc_kind kc_value_class_kind = { &kc_value_class_def, kc_value_class_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };

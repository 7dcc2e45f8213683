/* Descriptor of the kind this area owns: its definition (fields.c), its flags and the
 * hooks the store calls. */
#include "targets/kinds.h"
#include "targets/targets_internal.h"

const kc_kind kc_target_kind = { &kc_target_def, kc_target_prepare, NULL, NULL,
	KC_SCOPE_COMPANY };

/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "analytics/kinds.h"

const kc_kind kc_snapshot_kind = { &kc_snapshot_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_snapshot_line_kind = { &kc_snapshot_line_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };

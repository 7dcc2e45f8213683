/* Descriptor of the kind this area owns: definition (fields.c) and the hook the store
 * calls (rules.c). */
#include "presales/kinds.h"

const kc_kind kc_presales_request_kind = { &kc_presales_request_def, kc_presales_request_prepare, NULL, NULL };

/* The kinds of record this area owns (activities): definitions (fields.c) and
 * descriptors (kinds.c). */
#ifndef KC_ACTIVITIES_KINDS_H
#define KC_ACTIVITIES_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_activity_def, kc_activity_exception_def;
extern const kc_kind kc_activity_kind, kc_activity_exception_kind;

#endif

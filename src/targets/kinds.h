/* The kind of record this area owns (targets): its definition (fields.c) and descriptor
 * (kinds.c). */
#ifndef KC_TARGETS_KINDS_H
#define KC_TARGETS_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_target_def;
extern const kc_kind kc_target_kind;

#endif

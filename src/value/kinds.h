/* The kinds of record this area owns (customer value): definitions (fields.c) and
 * descriptors (kinds.c). */
#ifndef KC_VALUE_KINDS_H
#define KC_VALUE_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_value_class_def;
extern const kc_kind kc_value_class_kind;

#endif

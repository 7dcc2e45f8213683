/* The kinds of record this area owns (key-account care): definitions (fields.c) and
 * descriptors (kinds.c). */
#ifndef KC_CARE_KINDS_H
#define KC_CARE_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_key_account_event_def;
extern const kc_kind kc_key_account_event_kind;

#endif

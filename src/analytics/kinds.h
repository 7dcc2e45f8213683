/* The kinds of record this area owns (saved weekly rolling budgets (snapshots) and their lines):
 * their definitions (fields.c) and descriptors (kinds.c). */
#ifndef KC_ANALYTICS_KINDS_H
#define KC_ANALYTICS_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_snapshot_def;
extern const kc_kind kc_snapshot_kind;
extern const kiscrm_kind_def kc_snapshot_line_def;
extern const kc_kind kc_snapshot_line_kind;

#endif

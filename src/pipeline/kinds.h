/* The kinds of record this area owns (leads, opportunities and their stage history):
 * their definitions (fields.c) and descriptors (kinds.c). */
#ifndef KC_PIPELINE_KINDS_H
#define KC_PIPELINE_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_lead_def;
extern const kc_kind kc_lead_kind;
extern const kiscrm_kind_def kc_opportunity_def;
extern const kc_kind kc_opportunity_kind;
extern const kiscrm_kind_def kc_stage_history_def;
extern const kc_kind kc_stage_history_kind;

#endif

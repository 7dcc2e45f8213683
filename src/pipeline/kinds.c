/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "pipeline/kinds.h"
#include "pipeline/pipeline_internal.h"

const kc_kind kc_lead_kind = { &kc_lead_def, kc_lead_prepare, NULL, NULL };
const kc_kind kc_opportunity_kind = { &kc_opportunity_def, kc_opportunity_prepare, kc_opportunity_after_insert, NULL };
const kc_kind kc_stage_history_kind = { &kc_stage_history_def, kc_stage_history_prepare, NULL, NULL };

/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "kpi/kinds.h"

const kc_kind kc_kpi_score_kind = { &kc_kpi_score_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_evidence_kind = { &kc_evidence_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_exam_result_kind = { &kc_exam_result_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_experience_kind = { &kc_experience_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };
const kc_kind kc_training_kind = { &kc_training_def, NULL, NULL, NULL,
	KC_SCOPE_COMPANY };

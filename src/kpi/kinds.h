/* The kinds of record this area owns (manual KPI scores and the qualification records (evidence, exams, experience, training)):
 * their definitions (fields.c) and descriptors (kinds.c). */
#ifndef KC_KPI_KINDS_H
#define KC_KPI_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_kpi_score_def;
extern const kc_kind kc_kpi_score_kind;
extern const kiscrm_kind_def kc_evidence_def;
extern const kc_kind kc_evidence_kind;
extern const kiscrm_kind_def kc_exam_result_def;
extern const kc_kind kc_exam_result_kind;
extern const kiscrm_kind_def kc_experience_def;
extern const kc_kind kc_experience_kind;
extern const kiscrm_kind_def kc_training_def;
extern const kc_kind kc_training_kind;

#endif

/* The fields of the kinds this area owns (manual KPI scores and the qualification records (evidence, exams, experience, training)).
 * Pure data, read by the store and the configuration alike. Field order matches the
 * public field enums; fields are only appended. */
#include "kpi/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def kpi_score_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("scheme", TEXT, 0, 0),
	F("indicator", TEXT, REQ, 0),
	F("period", INT, REQ, 0),
	F("start", DATE, REQ, 0),
	F("score", RATE, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def evidence_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("standard", TEXT, 0, 0),
	F("unit", TEXT, REQ, 0),
	F("item", TEXT, REQ, 0),
	F("date", DATE, 0, 0),
	F("method", TEXT, 0, 0),
	F("confirmed_by", INT, 0, KISCRM_KIND_STAFF),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def exam_result_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("subject", TEXT, REQ, 0),
	F("score", RATE, REQ, 0),
	F("date", DATE, 0, 0),
};

static const kiscrm_field_def experience_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("kind", TEXT, REQ, 0),
	F("years", RATE, REQ, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def training_fields[] = {
	F("id", INT, 0, 0),
	F("staff_id", INT, REQ | IDX | OWN, KISCRM_KIND_STAFF),
	F("subject", TEXT, REQ, 0),
	F("date", DATE, 0, 0),
	F("hours", RATE, 0, 0),
};

const kiscrm_kind_def kc_kpi_score_def = { KISCRM_KIND_KPI_SCORE, "kpi_score", KC_FIELDS(kpi_score_fields) };
const kiscrm_kind_def kc_evidence_def = { KISCRM_KIND_EVIDENCE, "evidence", KC_FIELDS(evidence_fields) };
const kiscrm_kind_def kc_exam_result_def = { KISCRM_KIND_EXAM_RESULT, "exam_result", KC_FIELDS(exam_result_fields) };
const kiscrm_kind_def kc_experience_def = { KISCRM_KIND_EXPERIENCE, "experience", KC_FIELDS(experience_fields) };
const kiscrm_kind_def kc_training_def = { KISCRM_KIND_TRAINING, "training", KC_FIELDS(training_fields) };

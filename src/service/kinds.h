/* The kinds of record this area owns (service requests, their events, satisfaction
 * surveys): definitions (fields.c), descriptors (kinds.c) and the rules the store runs
 * (rules.c). */
#ifndef KC_SERVICE_KINDS_H
#define KC_SERVICE_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_service_request_def, kc_service_event_def, kc_satisfaction_survey_def;
extern const kc_kind kc_service_request_kind, kc_service_event_kind, kc_satisfaction_survey_kind;

int kc_service_request_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_service_event_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_satisfaction_survey_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

/* The caller is kiscrm_service_request_reopen(): a closed request may be reopened. */
#define KC_WRITE_REOPEN 0x100u

#endif

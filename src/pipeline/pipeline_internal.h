/* Shared between opportunity.c and lead.c. */
#ifndef KC_PIPELINE_INTERNAL_H
#define KC_PIPELINE_INTERNAL_H

#include "kiscrm/pipeline.h"
#include "storage/db.h"
#include "storage/kind.h"

/* Sources of leads and opportunities (商机来源, doc/domain.md §4), NULL-terminated. */
extern const char *const kc_pipeline_sources[];

/*
 * Inserts a new opportunity like kiscrm_record_insert(), with @at as the time of its
 * creation entry in the stage history (instead of its created date).
 */
int kc_opportunity_insert_at(kiscrm_db *db, kiscrm_record *rec, kiscrm_time at);

int kc_lead_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_opportunity_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
/* Sets `resale`: 1 when the customer signed a contract before the opportunity was created
 * (resale.c). */
int kc_opportunity_derive_resale(kiscrm_db *db, kiscrm_record *rec);
int kc_opportunity_after_insert(const kc_write_ctx *ctx, const kiscrm_record *rec);
int kc_stage_history_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);


#endif

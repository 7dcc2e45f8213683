/* Contracts, collection plans and collections: the hooks of the kinds this area owns (their
 * descriptors are in kinds.c). */
#ifndef KC_MONEY_FLOW_INTERNAL_H
#define KC_MONEY_FLOW_INTERNAL_H

#include "storage/kind.h"

int kc_contract_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_contract_after_insert(const kc_write_ctx *ctx, const kiscrm_record *rec);
int kc_collection_plan_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_collection_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);


#endif

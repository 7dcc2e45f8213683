/* The contract's side of contract approval, called by the contract's own rules
 * (money_flow): its guarded fields locked while an approval is pending, superseded after
 * one was given, and its approval state moved only by the workflow. */
#ifndef KC_PRICING_GUARD_H
#define KC_PRICING_GUARD_H

#include "storage/kind.h"

/* Checks a contract write against its approvals (@old NULL on insert); may put the
 * contract's approval back to draft and supersede its approval. */
int kc_contract_approval_check(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#endif

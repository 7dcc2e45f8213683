/* The kind this area owns (implementation milestones): definition (fields.c), descriptor
 * (kinds.c) and rules (rules.c), with the rule instalments on a milestone follow. */
#ifndef KC_DELIVERY_KINDS_H
#define KC_DELIVERY_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_milestone_def;
extern const kc_kind kc_milestone_kind;

int kc_milestone_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

/* For a collection instalment naming a milestone (collection_plan.milestone_id): the
 * milestone must belong to the instalment's contract, and the instalment falls due on the
 * milestone's actual date, else its planned one. Called by the instalment's rules. */
int kc_milestone_instalment_due(kiscrm_db *db, kiscrm_record *plan);

#endif

/* The kinds of record this area owns (management routines: SWOT and the work lists):
 * definitions (fields.c), descriptors (kinds.c) and their rules (rules.c). */
#ifndef KC_ROUTINES_KINDS_H
#define KC_ROUTINES_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_swot_entry_def, kc_swot_strategy_def, kc_work_item_def, kc_work_log_def;
extern const kc_kind kc_swot_entry_kind, kc_swot_strategy_kind, kc_work_item_kind, kc_work_log_kind;

int kc_swot_entry_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_swot_strategy_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_work_item_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#endif

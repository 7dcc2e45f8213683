/* The kinds of record this area owns (the market): definitions (fields.c) and
 * descriptors (kinds.c). */
#ifndef KC_MARKET_KINDS_H
#define KC_MARKET_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_competitor_def, kc_opportunity_competitor_def, kc_grid_cell_def;
extern const kc_kind kc_competitor_kind, kc_opportunity_competitor_kind, kc_grid_cell_kind;

int kc_grid_cell_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_opportunity_competitor_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#endif

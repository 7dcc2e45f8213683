/* The kinds of record this area owns (market activities, their cost items, members and
 * touches): definitions (fields.c), descriptors (kinds.c) and the rules the store runs
 * (rules.c). */
#ifndef KC_CAMPAIGNS_KINDS_H
#define KC_CAMPAIGNS_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_campaign_def, kc_campaign_cost_def, kc_campaign_member_def, kc_campaign_touch_def;
extern const kc_kind kc_campaign_kind, kc_campaign_cost_kind, kc_campaign_member_kind, kc_campaign_touch_kind;

/* The member statuses, NULL-terminated; NULL reads as the first (invited). */
extern const char *const kc_campaign_member_statuses[];

int kc_campaign_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_campaign_cost_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_campaign_member_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_campaign_touch_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

#endif

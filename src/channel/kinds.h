/* The kinds this area owns (partners, their targets, project registrations): definitions
 * (fields.c), descriptors (kinds.c) and rules (rules.c). */
#ifndef KC_CHANNEL_KINDS_H
#define KC_CHANNEL_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_partner_def, kc_partner_target_def, kc_registration_def;
extern const kc_kind kc_partner_kind, kc_partner_target_kind, kc_registration_kind;

int kc_partner_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_partner_target_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_registration_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

/* Registration statuses as stored, NULL-terminated (NULL reads as draft). */
extern const char *const kc_registration_statuses[];

#endif

/* The kinds this area owns (products, quotes, quote lines, approvals): definitions
 * (fields.c), descriptors (kinds.c) and rules (rules.c, approval_rules.c). */
#ifndef KC_PRICING_KINDS_H
#define KC_PRICING_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_product_def, kc_quote_def, kc_quote_line_def, kc_approval_def;
extern const kc_kind kc_product_kind, kc_quote_kind, kc_quote_line_kind, kc_approval_kind;

/* The write is the approval workflow's own (submit, decide, supersede): the fields it owns
 * — quote status, contract approval, approval records — may change. Service's
 * KC_WRITE_REOPEN is 0x100u. */
#define KC_WRITE_APPROVAL 0x200u

int kc_product_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_quote_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_quote_before_delete(kiscrm_db *db, kiscrm_id id);
int kc_quote_line_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_quote_line_before_delete(kiscrm_db *db, kiscrm_id id);
int kc_approval_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_approval_before_delete(kiscrm_db *db, kiscrm_id id);

/* Approval statuses as stored, NULL-terminated. */
extern const char *const kc_approval_statuses[];
/* Quote statuses as stored, NULL-terminated (NULL reads as draft). */
extern const char *const kc_quote_statuses[];

#endif

/* Organisation and customers: the hooks of their kinds, and checks other areas' hooks
 * share (value lists, tree cycles). */
#ifndef KC_ENTITY_H
#define KC_ENTITY_H

#include "storage/db.h"
#include "storage/record.h"
#include "storage/kind.h"
#include "storage/checks.h"

/* Hooks of the kinds this area owns (their descriptors are in kinds.c). */
int kc_department_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_staff_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_customer_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_customer_attr_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);
int kc_contact_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

/* The general manager: the active staff member of role `general_manager` with the smallest
 * id, 0 when there is none (escalations of service requests and milestone crises). */
int kc_org_general_manager(kiscrm_db *db, kiscrm_id *out);


#endif

/* Kind-specific rules, run by the store before a record is written (derived fields,
 * value lists, tree cycles …). Each area implements kc_<kind>_prepare and registers it
 * in entity.c. */
#ifndef KC_ENTITY_H
#define KC_ENTITY_H

#include "storage/db.h"
#include "storage/record.h"

/* old is the stored version on update, NULL on insert. */
typedef int (*kc_prepare_fn)(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);

int kc_entity_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);

int kc_department_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_staff_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_customer_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_customer_attr_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_contact_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_lead_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_opportunity_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_stage_history_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_contract_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_collection_plan_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_collection_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);
int kc_target_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old);

/* Work a kind needs right after a new record is stored (e.g. an opportunity's creation
 * entry in the stage history). The store runs every insert and update in a transaction,
 * so the record and what it implies are written together or not at all. */
int kc_entity_after_insert(kiscrm_db *db, const kiscrm_record *rec);
int kc_opportunity_after_insert(kiscrm_db *db, const kiscrm_record *rec);

/* Checks that a TEXT field holds one of the values of a NULL-terminated list (or NULL). */
int kc_check_enum(const kiscrm_record *rec, int field, const char *const *allowed);

/* Walks a self-reference (parent_id, manager_id, reports_to) upwards from start and
 * fails with KISCRM_ECONFLICT if it reaches self_id (the change would make a cycle). */
int kc_check_no_cycle(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id self_id,
		      kiscrm_id start);

#endif

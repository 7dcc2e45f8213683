/* Checks that several kinds' hooks share. */
#ifndef KC_CHECKS_H
#define KC_CHECKS_H

#include "storage/db.h"
#include "storage/record.h"

/* Checks that a TEXT field holds one of the values of a NULL-terminated list (or NULL). */
int kc_check_enum(const kiscrm_record *rec, int field, const char *const *allowed);

/* Walks a self-reference (parent_id, manager_id, reports_to) upwards from start and
 * fails with KISCRM_ECONFLICT if it reaches self_id (the change would make a cycle). */
int kc_check_no_cycle(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id self_id,
		      kiscrm_id start);

#endif

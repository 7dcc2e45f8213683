/* Departments and staff: tree and reporting-line rules, roles from the configuration. */
#include "entity.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "core/error.h"
#include "core/idvec.h"
#include "kiscrm/config.h"
#include "kiscrm/org.h"

#include <stdlib.h>
#include <string.h>

int kc_department_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	if (kiscrm_record_is_null(rec, KISCRM_DEPARTMENT_PARENT_ID))
		return KISCRM_OK;
	return kc_check_no_cycle(db, rec->def, KISCRM_DEPARTMENT_PARENT_ID, kiscrm_record_id(rec),
				 kiscrm_record_int(rec, KISCRM_DEPARTMENT_PARENT_ID));
}

int kc_staff_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	const char *role = kiscrm_record_text(rec, KISCRM_STAFF_ROLE);
	if (role && kiscrm_config_role_find(db->config, role) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "role", role,
				       "staff.role: '%s' is not a role of roles.yaml", role);
	if (!kiscrm_record_is_null(rec, KISCRM_STAFF_ACTIVE)) {
		int64_t a = kiscrm_record_int(rec, KISCRM_STAFF_ACTIVE);
		if (a != 0 && a != 1)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "active", NULL,
					       "staff.active must be 0 or 1, not %lld", (long long)a);
	}
	for (int f = KISCRM_STAFF_SALES_YEARS; f <= KISCRM_STAFF_MANAGEMENT_YEARS; f++)
		if (!kiscrm_record_is_null(rec, f) && kiscrm_record_rate(rec, f) < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, rec->def->fields[KC_FI(f)].name,
					       NULL, "staff.%s must not be negative",
					       rec->def->fields[KC_FI(f)].name);
	if (kiscrm_record_is_null(rec, KISCRM_STAFF_MANAGER_ID))
		return KISCRM_OK;
	return kc_check_no_cycle(db, rec->def, KISCRM_STAFF_MANAGER_ID, kiscrm_record_id(rec),
				 kiscrm_record_int(rec, KISCRM_STAFF_MANAGER_ID));
}

/* --- department subtree ---------------------------------------------------------- */

int kiscrm_department_subtree(kiscrm_id **ids, size_t *count, kiscrm_db *db, kiscrm_id department_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!ids || !count)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	const kiscrm_kind_def *def = &kc_department_def;
	if ((rc = kc_db_exists(db, def, department_id)) <= 0)
		return rc < 0 ? rc : kc_error_set(KISCRM_ENOTFOUND, "department %lld does not exist",
						  (long long)department_id);
	kc_idvec w = KC_IDVEC_INIT;
	rc = kc_idvec_push(&w, department_id);
	/* Breadth-first: w.ids doubles as the queue of departments still to expand. */
	for (size_t i = 0; rc == 0 && i < w.n; i++) {
		kiscrm_cond c = { KISCRM_DEPARTMENT_PARENT_ID, KISCRM_OP_EQ,
				  { KISCRM_TYPE_INT, { .i = w.ids[i] } } };
		kiscrm_query q = { 1, &c, 1 };
		rc = kc_db_scan(db, def, &q, kc_idvec_collect, &w);
	}
	if (rc) {
		kc_idvec_free(&w);
		return rc;
	}
	*ids = w.ids;
	*count = w.n;
	return KISCRM_OK;
}

void kiscrm_ids_free(kiscrm_id *ids)
{
	free(ids);
}

static int general_manager_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_id *gm = payload;
	const char *role = kc_val_text(&row[KC_FI(KISCRM_STAFF_ROLE)]);
	if (!*gm && role && strcmp(role, "general_manager") == 0 && kc_val_int(&row[KC_FI(KISCRM_STAFF_ACTIVE)], 1))
		*gm = row[0].u.i;
	return 0;
}

int kc_org_general_manager(kiscrm_db *db, kiscrm_id *out)
{
	*out = 0;
	return kc_db_scan(db, &kc_staff_def, NULL, general_manager_cb, out);
}

/* Binding a database handle to a principal (kiscrm_db_set_principal): the ids and the role
 * are checked here, where partners and staff are known; the storage layer then applies
 * the principal's view to every read and write (src/storage/scope.c). */
#include "model/model.h"
#include "core/error.h"
#include "core/str.h"
#include "kiscrm/channel.h"
#include "kiscrm/config.h"
#include "kiscrm/org.h"
#include "storage/db.h"

#include <stdio.h>
#include <stdlib.h>

static int id_error(int code, const char *field, kiscrm_id id, const char *what)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)id);
	return kc_error_set_at(code, NULL, 0, 0, field, text, "principal.%s: %s %s", field, text, what);
}

/* The staff member's partner must be the principal's: a partner's person cannot act as
 * the company, nor the company's as a partner. */
static int check_staff(kiscrm_db *db, const kiscrm_principal *p, char **role_out)
{
	kiscrm_record *staff;
	int rc = kiscrm_record_get(&staff, db, KISCRM_KIND_STAFF, p->staff_id);
	if (rc == KISCRM_ENOTFOUND)
		return id_error(rc, "staff_id", p->staff_id, "is not a staff member");
	if (rc)
		return rc;
	kiscrm_id works_for = kiscrm_record_is_null(staff, KISCRM_STAFF_PARTNER_ID)
				      ? 0 : kiscrm_record_int(staff, KISCRM_STAFF_PARTNER_ID);
	if (works_for != p->partner_id)
		rc = works_for ? kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "partner_id", NULL,
						 "principal: staff %lld works for partner %lld",
						 (long long)p->staff_id, (long long)works_for)
			       : id_error(KISCRM_EINVALID, "staff_id", p->staff_id,
					  "works for the company, not for a partner");
	const char *role = kiscrm_record_text(staff, KISCRM_STAFF_ROLE);
	if (!rc && !p->role)
		rc = kc_strdup_to(role_out, role);
	kiscrm_record_free(staff);
	return rc;
}

int kiscrm_db_set_principal(kiscrm_db *db, const kiscrm_principal *p)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!p)
		return kc_error_set(KISCRM_EINVALID, "principal is NULL");
	if (p->version != KISCRM_PRINCIPAL_VERSION)
		return kc_error_set(KISCRM_EVERSION, "principal version %u, expected %u", p->version,
				    (unsigned)KISCRM_PRINCIPAL_VERSION);
	if (db->bound)
		return kc_error_set(KISCRM_EINVALID, "the handle is bound to a principal already");
	if (db->tx_depth > 0)
		return kc_error_set(KISCRM_EINVALID, "a principal is set outside a transaction");
	if (p->partner_id < 0)
		return id_error(KISCRM_EINVALID, "partner_id", p->partner_id, "is negative");
	if (p->staff_id < 0)
		return id_error(KISCRM_EINVALID, "staff_id", p->staff_id, "is negative");
	if (p->role && kiscrm_config_role_find(db->config, p->role) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "role", p->role,
				       "principal.role: '%s' is not a role of roles.yaml", p->role);
	const kiscrm_kind_def *partner_def = kc_db_def(db, KISCRM_KIND_PARTNER);
	if (p->partner_id > 0 && (rc = kc_db_exists(db, partner_def, p->partner_id)) <= 0)
		return rc < 0 ? rc : id_error(KISCRM_ENOTFOUND, "partner_id", p->partner_id, "is not a partner");
	char *staff_role = NULL;
	if (p->staff_id > 0 && (rc = check_staff(db, p, &staff_role)) != 0)
		return rc;
	rc = kc_db_bind_principal(db, p->staff_id, p->partner_id, p->role ? p->role : staff_role);
	free(staff_role);
	return rc;
}

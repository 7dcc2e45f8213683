/* The principal's view of the data: which rows of a kind a partner's principal sees. The
 * read functions of db.c (get, scan, count, exists) ask kc_scope_filter() before every
 * backend call and the store asks kc_scope_write() (scope_write.c) before every check and
 * write, so no path — a report, an export, a reference check, an error
 * message — sees a row the principal may not see, and none can skip the rule.
 *
 * Why a partner field on every scoped row rather than a join at read time: the filter is
 * one indexed condition the backend evaluates (and PostgreSQL can mirror as row-level
 * security), a child can never disagree with the parent it was written under, and the
 * partner id stays on the rows as the distribution key of a sharded server. */
#include "db.h"
#include "record.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const kc_scope *scope_of(const kiscrm_db *db, const kiscrm_kind_def *def)
{
	static const kc_scope internal = KC_SCOPE_COMPANY;
	const kc_kind *k = kc_db_kind(db, def->kind);
	return k ? &k->scope : &internal;
}

int kc_scope_filter(const kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_cond *cond)
{
	if (!db->partner || db->system_reads > 0)
		return KC_SEE_ALL;
	const kc_scope *s = scope_of(db, def);
	if (s->mode == KC_SCOPE_INTERNAL)
		return KC_SEE_NONE;
	/* positions, as a backend query names fields */
	*cond = (kiscrm_cond){ s->mode == KC_SCOPE_SELF ? 0 : s->field, KISCRM_OP_EQ,
			       { KISCRM_TYPE_INT, { .i = db->partner } } };
	return KC_SEE_COND;
}

kiscrm_id kc_scope_row_partner(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	const kc_scope *s = scope_of(db, def);
	return row && s->mode == KC_SCOPE_PARTNER ? kc_val_int(&row[s->field], 0) : 0;
}

int kc_scope_row_visible(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	kiscrm_cond c;
	switch (kc_scope_filter(db, def, &c)) {
	case KC_SEE_ALL:
		return 1;
	case KC_SEE_NONE:
		return 0;
	default:
		return kc_val_int(&row[c.field], 0) == db->partner;
	}
}

int kc_scope_may_write(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	if (!db->partner || db->system_reads > 0)
		return KISCRM_OK;
	const kc_scope *s = scope_of(db, def);
	if (s->mode != KC_SCOPE_PARTNER)
		return kc_error_set(KISCRM_EINVALID,
				    "%s records belong to the company: a partner's principal cannot write them",
				    def->name);
	if (row && kc_val_int(&row[s->field], 0) != db->partner)
		return kc_error_set(KISCRM_ENOTFOUND, "%s %lld does not exist", def->name,
				    (long long)kc_val_int(&row[0], 0));
	return KISCRM_OK;
}

int kc_db_bind_principal(kiscrm_db *db, kiscrm_id staff, kiscrm_id partner, const char *role)
{
	char *copy = NULL;
	if (role && !(copy = strdup(role)))
		return kc_error_oom();
	db->bound = 1;
	db->partner = partner;
	db->principal_staff = staff;
	db->actor = staff;
	db->role = copy;
	/* records remembered as existing were found in the unrestricted view */
	kc_known_clear(&db->known);
	return KISCRM_OK;
}

int kiscrm_db_principal(const kiscrm_db *db, kiscrm_principal *out)
{
	if (!db || !out)
		return kc_error_set(KISCRM_EINVALID, "%s is NULL", db ? "output pointer" : "database handle");
	*out = (kiscrm_principal){ KISCRM_PRINCIPAL_VERSION, db->principal_staff, db->partner, db->role };
	return KISCRM_OK;
}

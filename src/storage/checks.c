/* Checks that several kinds' hooks share: a value from a fixed list, no cycle in a
 * self-reference. */
#include "checks.h"
#include "core/field.h"
#include "core/error.h"

#include <string.h>

int kc_check_enum(const kiscrm_record *rec, int field, const char *const *allowed)
{
	const char *v = kiscrm_record_text(rec, field);
	if (!v)
		return KISCRM_OK;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, v) == 0)
			return KISCRM_OK;
	char list[512] = "";
	for (const char *const *a = allowed; *a; a++) {
		if (a != allowed)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, *a, sizeof(list) - strlen(list) - 1);
	}
	const char *name = rec->def->fields[KC_FI(field)].name;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, v,
			       "%s.%s: '%s' is not one of %s", rec->def->name, name, v, list);
}

typedef struct {
	int field;
	kiscrm_id next;
} parent_ctx;

static int parent_cb(void *payload, const kiscrm_value *row)
{
	parent_ctx *p = payload;
	p->next = row[p->field].type == KISCRM_TYPE_NULL ? 0 : row[p->field].u.i;
	return 0;
}

int kc_check_no_cycle(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id self_id,
		      kiscrm_id start)
{
	if (self_id <= 0)
		return KISCRM_OK; /* a new record cannot be anyone's ancestor yet */
	parent_ctx p = { KC_FI(field), start };
	/* The stored tree has no cycle, so the walk ends; the bound guards against a
	 * damaged database. */
	for (int steps = 0; p.next > 0 && steps < 1000000; steps++) {
		if (p.next == self_id)
			return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, def->fields[KC_FI(field)].name,
					       NULL, "%s %lld: %s %lld would make a cycle", def->name,
					       (long long)self_id, def->fields[KC_FI(field)].name,
					       (long long)start);
		kiscrm_id cur = p.next;
		int rc = kc_db_get(db, def, cur, parent_cb, &p);
		if (rc == KISCRM_ENOTFOUND)
			return KISCRM_OK; /* a dangling reference: the store's reference check names it */
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

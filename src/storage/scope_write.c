/* The write side of the principal's view: a record inherits the partner of the parent it
 * is written under, and a partner's principal writes only its own partner's rows. Called
 * by the store before the reference checks, so that what it derives is checked too. */
#include "check_memo.h"
#include "record.h"
#include "core/error.h"

#include <stdio.h>

/* The partner a new or changed record inherits from the first parent it names: 0 when that
 * parent has none (a direct customer), or when the parent is not visible (the reference
 * check that follows reports it as missing). */
static int inherited_partner(const kc_write_ctx *ctx, const kiscrm_record *rec, const kc_scope *s,
			     kiscrm_id *partner, int *parent_field)
{
	*partner = 0;
	*parent_field = 0;
	const kiscrm_kind_def *def = rec->def;
	for (int i = 0; i < 3 && s->parents[i]; i++) {
		int field = s->parents[i];
		const kiscrm_value *v = &rec->vals[field];
		if (v->type == KISCRM_TYPE_NULL || v->u.i <= 0)
			continue;
		*parent_field = field;
		/* a batch asks once for rows naming the parent the row before named
		 * (check_memo.h), and the reference check after finds it remembered */
		kc_check_memo *memo = kc_check_memo_for(ctx, def);
		const kc_ref_memo *known = kc_check_memo_ref(memo, ctx->db, field, v->u.i);
		if (known && known->partner_known) {
			*partner = known->partner;
			return KISCRM_OK;
		}
		const kiscrm_kind_def *pdef = kc_db_def(ctx->db, def->fields[field].ref_kind);
		int rc = pdef ? kc_db_partner_of(ctx->db, pdef, v->u.i, partner) : 0;
		if (rc > 0)
			kc_check_memo_found(memo, ctx->db, field, v->u.i, *partner);
		return rc < 0 ? rc : KISCRM_OK;
	}
	return KISCRM_OK;
}

int kc_scope_write(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec, int inserting)
{
	kiscrm_db *db = ctx->db;
	const kc_scope *s = &k->scope;
	const kiscrm_kind_def *def = rec->def;
	if (db->partner && s->mode != KC_SCOPE_PARTNER)
		return kc_error_set(KISCRM_EINVALID,
				    "%s records belong to the company: a partner's principal cannot write them",
				    def->name);
	/* "id taken" would tell a partner that a row it cannot see exists */
	if (db->partner && inserting && kiscrm_record_id(rec) != 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "id", NULL,
				       "%s.id: a partner's principal cannot choose ids; leave it empty",
				       def->name);
	if (s->mode != KC_SCOPE_PARTNER)
		return KISCRM_OK;
	kiscrm_id parent_partner;
	int parent_field, rc = inherited_partner(ctx, rec, s, &parent_partner, &parent_field);
	if (rc)
		return rc;
	kiscrm_value *own = &rec->vals[s->field];
	kiscrm_id given = own->type == KISCRM_TYPE_NULL ? 0 : own->u.i;
	kiscrm_id want = parent_partner ? parent_partner : given ? given : db->partner;
	if (given && given != want) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)given);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, def->fields[s->field].name, text,
				       "%s.%s: %s is not the partner of its %s (partner %lld)", def->name,
				       def->fields[s->field].name, text, def->fields[parent_field].name,
				       (long long)want);
	}
	if (want && want != given)
		kc_record_put_int(rec, KISCRM_FIELD_ID(def->kind, s->field), want);
	return KISCRM_OK;
}

/* Pull-style iteration over stored records. The matching ids are collected up front
 * (8 bytes each), then each record is read on demand, so iterating needs little memory
 * and the caller may modify records while iterating. */
#include "db.h"
#include "record.h"
#include "core/error.h"
#include "core/options.h"
#include "core/idvec.h"

#include <stdlib.h>
#include <string.h>

struct kiscrm_iter {
	kiscrm_db *db;
	const kiscrm_kind_def *def;
	kc_idvec ids;     /* matching ids, collected when the iterator is made */
	size_t pos;
	kiscrm_record *current;
	int active_field; /* rows whose field is 0 are skipped (-1: no such criterion) */
};

int kiscrm_filter_init(kiscrm_filter *filter, unsigned int version)
{
	return kc_options_init(filter, version, &kc_filter_v);
}

#define MAX_CONDS 8

typedef struct {
	kiscrm_cond conds[MAX_CONDS];
	int n;
	int active_field; /* see kiscrm_iter.active_field */
} cond_set;

static int no_such_field(const kiscrm_kind_def *def, const char *name)
{
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, NULL,
			       "cannot filter %s by %s: it has no such field", def->name, name);
}

static int add_cond(cond_set *cs, const kiscrm_kind_def *def, const char *name, int op,
		    kiscrm_value v)
{
	int f = kc_field_index(def, name);
	if (f < 0)
		return no_such_field(def, name);
	cs->conds[cs->n++] = (kiscrm_cond){ f, op, v };
	return KISCRM_OK;
}

static kiscrm_value int_value(int64_t i)
{
	kiscrm_value v = { KISCRM_TYPE_INT, { .i = i } };
	return v;
}

static kiscrm_value text_value(const char *s)
{
	kiscrm_value v = { KISCRM_TYPE_TEXT, { .s = s } };
	return v;
}

/* Translates the public filter into backend conditions on fields of the same name. */
static int build_conds(cond_set *cs, const kiscrm_kind_def *def, const kiscrm_filter *filter)
{
	cs->n = 0;
	cs->active_field = -1;
	if (!filter)
		return KISCRM_OK;
	kiscrm_filter copy;
	const kiscrm_filter *f = &copy;
	int rc = kc_options_copy(&copy, filter, &kc_filter_v);
	if (rc)
		return rc;
	if (f->key_account < -1 || f->key_account > 1 || f->active < -1 || f->active > 1)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_filter key_account and active must be -1 "
				    "(any), 0 or 1, not %d and %d", f->key_account, f->active);
	if (!rc && f->owner_id)
		rc = add_cond(cs, def, "owner_id", KISCRM_OP_EQ, int_value(f->owner_id));
	if (!rc && f->department_id)
		rc = add_cond(cs, def, "department_id", KISCRM_OP_EQ, int_value(f->department_id));
	if (!rc && f->customer_id)
		rc = add_cond(cs, def, "customer_id", KISCRM_OP_EQ, int_value(f->customer_id));
	if (!rc && f->region)
		rc = add_cond(cs, def, "region", KISCRM_OP_EQ, text_value(f->region));
	if (!rc && f->industry)
		rc = add_cond(cs, def, "industry", KISCRM_OP_EQ, text_value(f->industry));
	if (!rc && f->key_account >= 0)
		rc = add_cond(cs, def, "key_account", KISCRM_OP_EQ, int_value(f->key_account));
	if (!rc && f->name_contains)
		rc = add_cond(cs, def, "name", KISCRM_OP_CONTAINS, text_value(f->name_contains));
	/* A NULL `active` means active, so "active = 1" is "active is NULL or not 0". A
	 * query has no OR (and NE never matches NULL), so collect() checks that one. */
	if (!rc && f->active == 1 && (cs->active_field = kc_field_index(def, "active")) < 0)
		rc = no_such_field(def, "active");
	if (!rc && f->active == 0)
		rc = add_cond(cs, def, "active", KISCRM_OP_EQ, int_value(0));
	return rc;
}

static int collect(void *payload, const kiscrm_value *row)
{
	kiscrm_iter *it = payload;
	if (it->active_field >= 0 && row[it->active_field].type != KISCRM_TYPE_NULL &&
	    row[it->active_field].u.i == 0)
		return 0;
	return kc_idvec_push(&it->ids, row[0].u.i);
}

int kiscrm_iter_new(kiscrm_iter **out, kiscrm_db *db, int kind, const kiscrm_filter *filter)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_kind_require(&def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	cond_set cs;
	if ((rc = build_conds(&cs, def, filter)) != 0)
		return rc;
	kiscrm_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return kc_error_oom();
	it->db = db;
	it->def = def;
	it->active_field = cs.active_field;
	kiscrm_query q = { cs.n, cs.conds, 1 };
	if (cs.active_field >= 0)
		q.columns |= (uint64_t)1 << cs.active_field;
	if ((rc = kc_db_scan(db, def, &q, collect, it)) != 0) {
		kiscrm_iter_free(it);
		return rc;
	}
	*out = it;
	return KISCRM_OK;
}

static int assign_cb(void *payload, const kiscrm_value *row)
{
	return kc_record_assign_row(payload, row);
}

int kiscrm_iter_next(const kiscrm_record **out, kiscrm_iter *it)
{
	if (!out || !it)
		return kc_error_set(KISCRM_EINVALID, "iterator or output pointer is NULL");
	if (!it->current) {
		int rc = kc_record_new(&it->current, it->def);
		if (rc)
			return rc;
	}
	while (it->pos < it->ids.n) {
		int rc = kc_db_get(it->db, it->def, it->ids.ids[it->pos++], assign_cb, it->current);
		if (rc == KISCRM_ENOTFOUND)
			continue; /* deleted since the iterator was made */
		if (rc)
			return rc;
		*out = it->current;
		return KISCRM_OK;
	}
	*out = NULL;
	return KISCRM_ITEROVER;
}

void kiscrm_iter_free(kiscrm_iter *it)
{
	if (!it)
		return;
	kiscrm_record_free(it->current);
	kc_idvec_free(&it->ids);
	free(it);
}

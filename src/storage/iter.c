/* Pull-style iteration over stored records. The matching ids are collected up front
 * (8 bytes each), then each record is read on demand, so iterating needs little memory
 * and the caller may modify records while iterating. */
#include "db.h"
#include "core/field.h"
#include "record.h"
#include "core/error.h"
#include "core/options.h"
#include "core/idvec.h"

#include "kiscrm/text.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
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

/* The named criteria of version 1 give at most this many conditions. */
#define MAX_NAMED_CONDS 8

typedef struct {
	kiscrm_cond *conds; /* MAX_NAMED_CONDS + the caller's conditions */
	int n;
	int active_field;   /* see kiscrm_iter.active_field */
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
	cs->conds[cs->n++] = (kiscrm_cond){ KISCRM_FIELD_ID(def->kind, f), op, v };
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

static const char *op_name(int op)
{
	static const char *const names[] = { "?", "=", "<>", "<", "<=", ">", ">=", "contains" };
	return op >= KISCRM_OP_EQ && op <= KISCRM_OP_CONTAINS ? names[op] : names[0];
}

static const char *type_name(int type)
{
	static const char *const names[] = { "null", "int", "text", "money", "date", "rate", "time" };
	return type >= KISCRM_TYPE_NULL && type <= KISCRM_TYPE_TIME ? names[type] : "unknown";
}

/* Text of a condition's value for messages ("?" when its type is unknown). */
static void value_text(char *buf, size_t size, const kiscrm_filter_cond *c)
{
	switch (c->type) {
	case KISCRM_TYPE_NULL: snprintf(buf, size, "NULL"); break;
	case KISCRM_TYPE_TEXT: snprintf(buf, size, "%s", c->value.s ? c->value.s : "(null pointer)"); break;
	case KISCRM_TYPE_RATE: snprintf(buf, size, "%g", c->value.r); break;
	case KISCRM_TYPE_INT: case KISCRM_TYPE_MONEY: case KISCRM_TYPE_DATE: case KISCRM_TYPE_TIME:
		snprintf(buf, size, "%lld", (long long)c->value.i);
		break;
	default: snprintf(buf, size, "?"); break;
	}
}

/* Checks one caller condition against the kind and converts it to a backend condition.
 * Messages name the condition's position, the kind, the field and the value. */
static int check_cond(kiscrm_cond *out, const kiscrm_kind_def *def, const kiscrm_filter_cond *c, size_t i)
{
	char value[96];
	if (KISCRM_FIELD_KIND(c->field) != def->kind || c->field < 0 || KC_FI(c->field) >= def->nfields)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, NULL, NULL,
				       "filter condition %zu: %s has no field %d (its field ids are %d..%d)",
				       i, def->name, c->field, KISCRM_FIELD_ID(def->kind, 0),
				       KISCRM_FIELD_ID(def->kind, def->nfields - 1));
	const kiscrm_field_def *f = &def->fields[KC_FI(c->field)];
	if (c->type == KISCRM_TYPE_TEXT && c->value.s) {
		size_t bad;
		if (kiscrm_utf8_validate(c->value.s, strlen(c->value.s), &bad) != KISCRM_OK)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, NULL,
					       "filter condition %zu on %s.%s: the value is not valid UTF-8 "
					       "(bad byte at offset %zu)", i, def->name, f->name, bad);
	}
	value_text(value, sizeof(value), c);
	if (c->op < KISCRM_OP_EQ || c->op > KISCRM_OP_CONTAINS)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, value,
				       "filter condition %zu on %s.%s: unknown operator %d", i, def->name,
				       f->name, c->op);
	if (c->type == KISCRM_TYPE_NULL) {
		if (c->op != KISCRM_OP_EQ && c->op != KISCRM_OP_NE)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, value,
					       "filter condition %zu on %s.%s: NULL can only be compared "
					       "with = or <>, not %s", i, def->name, f->name, op_name(c->op));
	} else if (c->type != f->type)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, value,
				       "filter condition %zu on %s.%s: value %s is of type %s, the field "
				       "is %s", i, def->name, f->name, value, type_name(c->type),
				       type_name(f->type));
	if (c->op == KISCRM_OP_CONTAINS && f->type != KISCRM_TYPE_TEXT)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, value,
				       "filter condition %zu on %s.%s: 'contains' needs a text field, "
				       "the field is %s", i, def->name, f->name, type_name(f->type));
	if (c->type == KISCRM_TYPE_TEXT && !c->value.s)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, NULL,
				       "filter condition %zu on %s.%s: text value is a NULL pointer "
				       "(use type KISCRM_TYPE_NULL for NULL)", i, def->name, f->name);
	if (c->type == KISCRM_TYPE_RATE && !isfinite(c->value.r))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, value,
				       "filter condition %zu on %s.%s: rate %s is not a finite number", i,
				       def->name, f->name, value);
	out->field = c->field;
	out->op = c->op;
	out->value.type = c->type;
	if (c->type == KISCRM_TYPE_TEXT)
		out->value.u.s = c->value.s;
	else if (c->type == KISCRM_TYPE_RATE)
		out->value.u.r = c->value.r;
	else
		out->value.u.i = c->type == KISCRM_TYPE_NULL ? 0 : c->value.i;
	return KISCRM_OK;
}

/* The caller's conditions of a version-2 filter (none for version 1). */
static size_t extra_count(const kiscrm_filter *f)
{
	return f && f->version >= 2 ? f->ncond : 0;
}

/* Translates the public filter into backend conditions: the named criteria on fields of
 * the same name, then the caller's conditions. */
static int build_conds(cond_set *cs, const kiscrm_kind_def *def, const kiscrm_filter *filter)
{
	cs->conds = NULL;
	cs->n = 0;
	cs->active_field = -1;
	if (!filter)
		return KISCRM_OK;
	kiscrm_filter copy;
	const kiscrm_filter *f = &copy;
	int rc = kc_options_copy(&copy, filter, &kc_filter_v);
	if (rc)
		return rc;
	size_t extra = extra_count(f);
	if (extra && !f->conds)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_filter has ncond %zu but conds is NULL", extra);
	if (extra > (size_t)INT_MAX - MAX_NAMED_CONDS)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_filter ncond %zu is too large", extra);
	if (!(cs->conds = malloc((MAX_NAMED_CONDS + extra) * sizeof(*cs->conds))))
		return kc_error_oom();
	for (size_t i = 0; i < extra; i++)
		if ((rc = check_cond(&cs->conds[MAX_NAMED_CONDS + i], def, &f->conds[i], i)) != 0)
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
	if (!rc && f->active == 1 && (cs->active_field = kc_field_id(def, "active")) < 0)
		rc = no_such_field(def, "active");
	if (!rc && f->active == 0)
		rc = add_cond(cs, def, "active", KISCRM_OP_EQ, int_value(0));
	if (!rc && extra) {
		/* Close the gap between the named criteria and the caller's conditions. */
		memmove(cs->conds + cs->n, cs->conds + MAX_NAMED_CONDS, extra * sizeof(*cs->conds));
		cs->n += (int)extra;
	}
	return rc;
}

static int collect(void *payload, const kiscrm_value *row)
{
	kiscrm_iter *it = payload;
	if (it->active_field >= 0 && row[KC_FI(it->active_field)].type != KISCRM_TYPE_NULL &&
	    row[KC_FI(it->active_field)].u.i == 0)
		return 0;
	return kc_idvec_push(&it->ids, row[0].u.i);
}

int kiscrm_iter_new(kiscrm_iter **out, kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	cond_set cs;
	kiscrm_iter *it = NULL;
	if ((rc = build_conds(&cs, def, filter)) != 0)
		goto fail;
	if (!(it = calloc(1, sizeof(*it)))) {
		rc = kc_error_oom();
		goto fail;
	}
	it->db = db;
	it->def = def;
	it->active_field = cs.active_field;
	kiscrm_query q = { cs.n, cs.conds, 1 };
	if (cs.active_field >= 0)
		q.columns |= KC_BIT(cs.active_field);
	if ((rc = kc_db_scan(db, def, &q, collect, it)) != 0)
		goto fail;
	free(cs.conds);
	*out = it;
	return KISCRM_OK;
fail:
	free(cs.conds);
	kiscrm_iter_free(it);
	return rc;
}

/* Counted by the backend's count slot when it has one (kc_db_count), without reading rows. */
int kiscrm_record_count(kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter, int64_t *out)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	cond_set cs;
	if ((rc = build_conds(&cs, def, filter)) != 0) {
		free(cs.conds);
		return rc;
	}
	int64_t all = 0, inactive = 0;
	kiscrm_query q = { cs.n, cs.conds, 1 };
	rc = kc_db_count(db, def, &q, &all);
	/* "active = 1" is "active is NULL or not 0", which a query cannot say: count the
	 * matches less those with active = 0 (no "active" condition is in cs then, so the
	 * one added fits in MAX_CONDS). */
	if (rc == 0 && cs.active_field >= 0) {
		cs.conds[cs.n++] = (kiscrm_cond){ cs.active_field, KISCRM_OP_EQ, int_value(0) };
		q.ncond = cs.n;
		rc = kc_db_count(db, def, &q, &inactive);
	}
	free(cs.conds);
	if (rc == 0)
		*out = all - inactive;
	return rc;
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

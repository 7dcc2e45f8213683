/* Customers, their attributes and contacts: derived name keys, value lists, the contact
 * organisation tree, duplicate detection and merge. */
#include "core/sort.h"
#include "core/field.h"
#include "storage/audit.h"
#include "storage/record.h"
#include "entities/kinds.h"
#include "entity.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/idvec.h"
#include "kiscrm/customer.h"
#include "kiscrm/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const value_classes[] = { "A", "B", "C", NULL };
static const char *const lifecycles[] = { "prospect", "new", "growing", "mature", "declining", "lost", NULL };
static const char *const chain_roles[] = { "decision_maker", "influencer", "user",
					   "technical_evaluator", "gatekeeper", "coach", NULL };
static const char *const attitudes[] = { "supporter", "neutral", "opponent", NULL };

int kc_customer_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)db;
	(void)old;
	int rc;
	if (!kiscrm_record_is_null(rec, KISCRM_CUSTOMER_KEY_ACCOUNT)) {
		int64_t k = kiscrm_record_int(rec, KISCRM_CUSTOMER_KEY_ACCOUNT);
		if (k != 0 && k != 1)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "key_account", NULL,
					       "customer.key_account must be 0 or 1, not %lld",
					       (long long)k);
	}
	if ((rc = kc_check_enum(rec, KISCRM_CUSTOMER_VALUE_CLASS, value_classes)) != 0 ||
	    (rc = kc_check_enum(rec, KISCRM_CUSTOMER_LIFECYCLE, lifecycles)) != 0)
		return rc;
	const char *name = kiscrm_record_text(rec, KISCRM_CUSTOMER_NAME);
	if (!name)
		return KISCRM_OK; /* the required-field check reports it */
	kiscrm_buf key = KISCRM_BUF_INIT;
	if ((rc = kiscrm_customer_normalize_name(&key, name)) == 0 && key.size == 0)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "name", name,
				     "customer.name '%s' has no letters or characters to identify it", name);
	if (rc == 0)
		rc = kc_record_put_text(rec, KISCRM_CUSTOMER_NAME_KEY, key.ptr);
	kiscrm_buf_dispose(&key);
	return rc;
}

typedef struct {
	kiscrm_id self;
	kiscrm_id found;
} attr_find;

static int attr_cb(void *payload, const kiscrm_value *row)
{
	attr_find *f = payload;
	if (row[0].u.i != f->self && !f->found)
		f->found = row[0].u.i;
	return 0;
}

/* Id of the attribute `key` of a customer other than `self`, 0 if none. */
static int find_attr(kiscrm_id *out, kiscrm_db *db, kiscrm_id customer_id, const char *key, kiscrm_id self)
{
	kiscrm_cond c[2] = {
		{ KISCRM_CUSTOMER_ATTR_CUSTOMER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = customer_id } } },
		{ KISCRM_CUSTOMER_ATTR_KEY, KISCRM_OP_EQ, { KISCRM_TYPE_TEXT, { .s = key } } },
	};
	kiscrm_query q = { 2, c, 1 };
	attr_find f = { self, 0 };
	int rc = kc_db_scan(db, &kc_customer_attr_def, &q, attr_cb, &f);
	*out = f.found;
	return rc;
}

int kc_customer_attr_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	const char *key = kiscrm_record_text(rec, KISCRM_CUSTOMER_ATTR_KEY);
	if (!key || kiscrm_record_is_null(rec, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID))
		return KISCRM_OK;
	if (!*key)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "key", key,
				       "customer_attr.key must not be empty");
	kiscrm_id other;
	kiscrm_id cust = kiscrm_record_int(rec, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID);
	int rc = find_attr(&other, db, cust, key, kiscrm_record_id(rec));
	if (rc == 0 && other)
		rc = kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "key", key,
				     "customer %lld already has an attribute '%s'", (long long)cust, key);
	return rc;
}

typedef struct {
	kiscrm_id customer_id;
} contact_owner;

static int contact_owner_cb(void *payload, const kiscrm_value *row)
{
	((contact_owner *)payload)->customer_id = row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)].u.i;
	return 0;
}

int kc_contact_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	(void)old;
	int rc;
	if ((rc = kc_check_enum(rec, KISCRM_CONTACT_CHAIN_ROLE, chain_roles)) != 0 ||
	    (rc = kc_check_enum(rec, KISCRM_CONTACT_ATTITUDE, attitudes)) != 0)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_CONTACT_REPORTS_TO))
		return KISCRM_OK;
	kiscrm_id boss = kiscrm_record_int(rec, KISCRM_CONTACT_REPORTS_TO);
	contact_owner o = { 0 };
	rc = kc_db_get(db, rec->def, boss, contact_owner_cb, &o);
	if (rc == KISCRM_ENOTFOUND) {
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)boss);
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "reports_to", idtext,
				       "contact.reports_to: contact %s does not exist", idtext);
	}
	if (rc)
		return rc;
	if (o.customer_id != kiscrm_record_int(rec, KISCRM_CONTACT_CUSTOMER_ID))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "reports_to", NULL,
				       "contact.reports_to: contact %lld works for customer %lld, "
				       "not customer %lld",
				       (long long)boss, (long long)o.customer_id,
				       (long long)kiscrm_record_int(rec, KISCRM_CONTACT_CUSTOMER_ID));
	return kc_check_no_cycle(db, rec->def, KISCRM_CONTACT_REPORTS_TO, kiscrm_record_id(rec), boss);
}

/* --- duplicates ---------------------------------------------------------------- */

typedef struct {
	kiscrm_id id;
	char *name;
	char *key;
} name_row;

typedef struct {
	name_row *rows;
	size_t n, cap;
} name_rows;

static int name_cb(void *payload, const kiscrm_value *row)
{
	name_rows *l = payload;
	if (row[KC_FI(KISCRM_CUSTOMER_NAME_KEY)].type != KISCRM_TYPE_TEXT)
		return 0;
	if (KC_VEC_GROW(l->rows, l->n, l->cap, 64))
		return KISCRM_ENOMEM;
	name_row *r = &l->rows[l->n];
	r->id = row[0].u.i;
	r->name = strdup(row[KC_FI(KISCRM_CUSTOMER_NAME)].u.s);
	r->key = strdup(row[KC_FI(KISCRM_CUSTOMER_NAME_KEY)].u.s);
	if (!r->name || !r->key) {
		free(r->name);
		free(r->key);
		return kc_error_oom();
	}
	l->n++;
	return 0;
}

/* By key, then id: members of a group are adjacent and in id order. */
static int by_key_then_id(const void *a, const void *b)
{
	const name_row *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* By id of the group's first member, then id, so groups come in order of lowest id. */
typedef struct {
	kiscrm_id group_first;
	size_t index;
} group_order;

static int by_group_then_index(const void *a, const void *b)
{
	const group_order *x = a, *y = b;
	if (x->group_first != y->group_first)
		return (x->group_first > y->group_first) - (x->group_first < y->group_first);
	return (x->index > y->index) - (x->index < y->index);
}

static int build_duplicates(kiscrm_table *t, name_rows *l)
{
	kc_sort(l->rows, l->n, sizeof(*l->rows), by_key_then_id);
	group_order *order = malloc((l->n ? l->n : 1) * sizeof(*order));
	if (!order)
		return kc_error_oom();
	size_t m = 0;
	for (size_t i = 0; i < l->n;) {
		size_t j = i + 1;
		while (j < l->n && strcmp(l->rows[j].key, l->rows[i].key) == 0)
			j++;
		for (size_t k = i; j - i > 1 && k < j; k++)
			order[m++] = (group_order){ l->rows[i].id, k };
		i = j;
	}
	kc_sort(order, m, sizeof(*order), by_group_then_index);
	int rc = 0;
	int64_t group = 0;
	for (size_t i = 0; rc == 0 && i < m; i++) {
		if (i == 0 || order[i].group_first != order[i - 1].group_first)
			group++;
		const name_row *r = &l->rows[order[i].index];
		int row = kiscrm_table_add_row(t, KISCRM_ROW_DETAIL);
		if (row < 0) {
			rc = row;
			break;
		}
		if ((rc = kiscrm_table_set_int(t, (size_t)row, 0, group)) == 0 &&
		    (rc = kiscrm_table_set_int(t, (size_t)row, 1, r->id)) == 0 &&
		    (rc = kiscrm_table_set_text(t, (size_t)row, 2, r->name)) == 0)
			rc = kiscrm_table_set_text(t, (size_t)row, 3, r->key);
	}
	free(order);
	return rc;
}

int kiscrm_customer_duplicates(kiscrm_table **out, kiscrm_db *db)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	kiscrm_table *t = NULL;
	name_rows l = { NULL, 0, 0 };
	kiscrm_query q = { 0, NULL, KC_BIT(KISCRM_CUSTOMER_NAME) | KC_BIT(KISCRM_CUSTOMER_NAME_KEY) | 1u };
	if ((rc = kiscrm_table_new(&t, "customer_duplicates")) == 0 &&
	    (rc = kiscrm_table_add_column(t, "group", KISCRM_TYPE_INT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "customer_id", KISCRM_TYPE_INT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "name", KISCRM_TYPE_TEXT)) == 0 &&
	    (rc = kiscrm_table_add_column(t, "name_key", KISCRM_TYPE_TEXT)) == 0 &&
	    (rc = kc_db_scan(db, &kc_customer_def, &q, name_cb, &l)) == 0)
		rc = build_duplicates(t, &l);
	for (size_t i = 0; i < l.n; i++) {
		free(l.rows[i].name);
		free(l.rows[i].key);
	}
	free(l.rows);
	if (rc) {
		kiscrm_table_free(t);
		return rc;
	}
	*out = t;
	return KISCRM_OK;
}

/* --- merge ----------------------------------------------------------------------- */

/* Points one referring record at the surviving customer. A custom attribute whose key
 * the survivor already has is dropped: the survivor's value wins. */
static int move_one(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id id, kiscrm_id keep)
{
	kiscrm_record *r;
	int rc = kiscrm_record_get(&r, db, def->kind, id);
	if (rc)
		return rc;
	if (def->kind == KISCRM_KIND_CUSTOMER_ATTR) {
		kiscrm_id clash = 0;
		rc = find_attr(&clash, db, keep, kiscrm_record_text(r, KISCRM_CUSTOMER_ATTR_KEY), 0);
		if (rc == 0 && clash) {
			kiscrm_record_free(r);
			return kc_db_remove(db, def, id);
		}
	}
	kc_record_put_int(r, KISCRM_FIELD_ID(def->kind, field), keep);
	if (rc == 0)
		rc = kc_db_update(db, def, r->vals);
	kiscrm_record_free(r);
	return rc;
}

static int move_referrers(kiscrm_db *db, kiscrm_id keep, kiscrm_id dup)
{
	const kiscrm_schema *schema = db->kinds->schema;
	for (int k = 0; k < schema->nkinds; k++) {
		const kiscrm_kind_def *def = schema->kinds[k];
		for (int f = 1; f < def->nfields; f++) {
			if (def->fields[f].ref_kind != KISCRM_KIND_CUSTOMER)
				continue;
			kiscrm_cond c = { KISCRM_FIELD_ID(def->kind, f), KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = dup } } };
			kiscrm_query q = { 1, &c, 1 };
			kc_idvec v = KC_IDVEC_INIT;
			int rc = kc_db_scan(db, def, &q, kc_idvec_collect, &v);
			for (size_t i = 0; rc == 0 && i < v.n; i++)
				rc = move_one(db, def, f, v.ids[i], keep);
			kc_idvec_free(&v);
			if (rc)
				return rc;
		}
	}
	return KISCRM_OK;
}

static int merge(kiscrm_db *db, kiscrm_id keep_id, kiscrm_id dup_id)
{
	kiscrm_record *keep = NULL, *dup = NULL;
	int rc = kiscrm_record_get(&keep, db, KISCRM_KIND_CUSTOMER, keep_id);
	if (rc == 0)
		rc = kiscrm_record_get(&dup, db, KISCRM_KIND_CUSTOMER, dup_id);
	if (rc == 0)
		rc = move_referrers(db, keep_id, dup_id);
	for (int f = 1; rc == 0 && f < keep->def->nfields; f++)
		if (keep->vals[f].type == KISCRM_TYPE_NULL && dup->vals[f].type != KISCRM_TYPE_NULL) {
			const kiscrm_value *v = &dup->vals[f];
			if (v->type == KISCRM_TYPE_TEXT)
				rc = kc_record_put_text(keep, KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, f), v->u.s);
			else
				keep->vals[f] = *v;
		}
	if (rc == 0)
		rc = kc_db_update(db, keep->def, keep->vals);
	if (rc == 0)
		rc = kc_db_remove(db, keep->def, dup_id);
	char changes[64];
	snprintf(changes, sizeof(changes), "{\"merged_into\":[\"%lld\",\"%lld\"]}", (long long)dup_id,
		 (long long)keep_id);
	if (rc == 0)
		rc = kc_audit_note(db, keep->def, "merge", dup_id,
				   kc_scope_row_partner(db, dup->def, dup->vals), changes);
	kiscrm_record_free(keep);
	kiscrm_record_free(dup);
	return rc;
}

int kiscrm_customer_merge(kiscrm_db *db, kiscrm_id keep_id, kiscrm_id duplicate_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (keep_id == duplicate_id)
		return kc_error_set(KISCRM_EINVALID, "cannot merge customer %lld into itself",
				    (long long)keep_id);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	const char *job = kc_db_job(db, "merge");
	rc = kc_tx_end(db, merge(db, keep_id, duplicate_id));
	kc_db_job(db, job);
	return rc;
}

/* --- custom attributes ------------------------------------------------------------ */

/* Looks the key up inside the transaction that writes it: two concurrent sets of one
 * key cannot both insert it. */
static int attr_set_locked(kiscrm_db *db, kiscrm_id customer_id, const char *key, const char *value)
{
	const kiscrm_kind_def *def = &kc_customer_attr_def;
	kiscrm_id existing = 0;
	int rc;
	if ((rc = find_attr(&existing, db, customer_id, key, 0)) != 0)
		return rc;
	if (!value)
		return existing ? kc_db_remove(db, def, existing) : KISCRM_OK;
	kiscrm_record *r;
	if ((rc = kc_record_new(&r, def)) != 0)
		return rc;
	if (existing)
		kc_record_set_id(r, existing);
	kc_record_put_int(r, KISCRM_CUSTOMER_ATTR_CUSTOMER_ID, customer_id);
	if ((rc = kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_KEY, key)) == 0 &&
	    (rc = kiscrm_record_set_text(r, KISCRM_CUSTOMER_ATTR_VALUE, value)) == 0)
		rc = existing ? kiscrm_record_update(db, r) : kiscrm_record_insert(db, r);
	kiscrm_record_free(r);
	return rc;
}

int kiscrm_customer_attr_set(kiscrm_db *db, kiscrm_id customer_id, const char *key, const char *value)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!key || !*key)
		return kc_error_set(KISCRM_EINVALID, "attribute key is NULL or empty");
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, attr_set_locked(db, customer_id, key, value));
}

static int value_cb(void *payload, const kiscrm_value *row)
{
	const kiscrm_value *v = &row[KC_FI(KISCRM_CUSTOMER_ATTR_VALUE)];
	return kc_buf_puts(payload, v->type == KISCRM_TYPE_TEXT ? v->u.s : "");
}

int kiscrm_customer_attr_get(kiscrm_buf *out, kiscrm_db *db, kiscrm_id customer_id, const char *key)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!out || !key)
		return kc_error_set(KISCRM_EINVALID, "output buffer or key is NULL");
	kiscrm_id id = 0;
	if ((rc = find_attr(&id, db, customer_id, key, 0)) != 0)
		return rc;
	if (!id)
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "key", key,
				       "customer %lld has no attribute '%s'", (long long)customer_id, key);
	return kc_db_get(db, &kc_customer_attr_def, id, value_cb, out);
}

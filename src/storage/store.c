/* Storing records: the rules every kind shares (required fields, references, configured
 * dimension values) and those of its area (entities/), then the backend write. Deletes
 * check who refers to a record and cascade in one transaction. */
#include "db.h"
#include "record.h"
#include "core/error.h"
#include "core/idvec.h"
#include "entities/entity.h"
#include "kiscrm/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text fields whose values come from a configured dimension list. */
static const struct {
	const char *field;
	int dim;
} dimension_fields[] = {
	{ "business_line", KISCRM_DIM_BUSINESS_LINE },
	{ "product_line", KISCRM_DIM_PRODUCT_LINE },
	{ "region", KISCRM_DIM_REGION },
	{ "industry", KISCRM_DIM_INDUSTRY },
};

static int check_dimension(kiscrm_db *db, const kiscrm_record *rec, int field)
{
	const kiscrm_field_def *f = &rec->def->fields[field];
	const char *v = kiscrm_record_text(rec, field);
	if (!v)
		return KISCRM_OK;
	for (size_t i = 0; i < sizeof(dimension_fields) / sizeof(dimension_fields[0]); i++) {
		int dim = dimension_fields[i].dim;
		if (strcmp(f->name, dimension_fields[i].field) != 0)
			continue;
		if (!kiscrm_config_dim_strict(db->config, dim) ||
		    kiscrm_config_dim_find(db->config, dim, v) >= 0)
			return KISCRM_OK;
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, v,
				       "%s.%s: '%s' is not a configured %s key", rec->def->name,
				       f->name, v, f->name);
	}
	return KISCRM_OK;
}

static int check_fields(kiscrm_db *db, const kiscrm_record *rec)
{
	const kiscrm_kind_def *def = rec->def;
	for (int i = 1; i < def->nfields; i++) {
		const kiscrm_field_def *f = &def->fields[i];
		const kiscrm_value *v = &rec->vals[i];
		int rc;
		if (v->type == KISCRM_TYPE_NULL) {
			if (f->flags & KISCRM_FIELD_REQUIRED)
				return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, NULL,
						       "%s.%s is required", def->name, f->name);
			continue;
		}
		if (f->type == KISCRM_TYPE_TEXT && (rc = check_dimension(db, rec, i)) != 0)
			return rc;
		if (!f->ref_kind)
			continue;
		const kiscrm_kind_def *target = kc_kind_def(f->ref_kind);
		char idtext[24];
		snprintf(idtext, sizeof(idtext), "%lld", (long long)v->u.i);
		rc = v->u.i > 0 ? kc_db_exists(db, target, v->u.i) : 0;
		if (rc < 0)
			return rc;
		if (rc == 0)
			return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, f->name, idtext,
					       "%s.%s: %s %s does not exist", def->name, f->name,
					       target->name, idtext);
	}
	return KISCRM_OK;
}

static int fetch_cb(void *payload, const kiscrm_value *row)
{
	kiscrm_record *rec = payload;
	return kc_record_assign_row(rec, row);
}

/* Reads a stored record of def into a new record. */
static int fetch(kiscrm_record **out, kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id)
{
	kiscrm_record *r;
	int rc = kc_record_new(&r, def);
	if (rc)
		return rc;
	rc = kc_db_get(db, def, id, fetch_cb, r);
	if (rc == KISCRM_ENOTFOUND)
		rc = kc_error_set(KISCRM_ENOTFOUND, "%s %lld does not exist", def->name, (long long)id);
	if (rc) {
		kiscrm_record_free(r);
		return rc;
	}
	*out = r;
	return KISCRM_OK;
}

static int insert_row(kiscrm_db *db, kiscrm_record *rec)
{
	kiscrm_id id = 0;
	int rc = kc_db_insert(db, rec->def, rec->vals, &id);
	if (rc == 0)
		kc_record_set_id(rec, id);
	return rc;
}

static int insert_checked(kiscrm_db *db, kiscrm_record *rec, unsigned flags)
{
	int rc;
	if ((rc = kc_entity_prepare(db, rec, NULL)) != 0 || (rc = check_fields(db, rec)) != 0 ||
	    (rc = insert_row(db, rec)) != 0)
		return rc;
	return (flags & KC_INSERT_NO_AFTER) ? KISCRM_OK : kc_entity_after_insert(db, rec);
}

int kiscrm_record_insert(kiscrm_db *db, kiscrm_record *rec)
{
	return kc_record_insert(db, rec, 0);
}

int kiscrm_record_insert_flags(kiscrm_db *db, kiscrm_record *rec, unsigned int flags)
{
	if (flags & ~KISCRM_INSERT_RAW)
		return kc_error_set(KISCRM_EINVALID, "unknown insert flags 0x%x", flags);
	return kc_record_insert(db, rec, (flags & KISCRM_INSERT_RAW) ? KC_INSERT_NO_AFTER : 0);
}

int kc_record_insert(kiscrm_db *db, kiscrm_record *rec, unsigned flags)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!rec)
		return kc_error_set(KISCRM_EINVALID, "record is NULL");
	if (kiscrm_record_id(rec) < 0)
		return kc_error_set(KISCRM_EINVALID, "%s id %lld is negative", rec->def->name,
				    (long long)kiscrm_record_id(rec));
	/* The checks read other records (references, a tree's parents, a customer's first
	 * contract …): they and the write happen in one transaction, so nothing they relied
	 * on changes before the write, and the record and what it implies are stored
	 * together or not at all. */
	kiscrm_id before = kiscrm_record_id(rec);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	if ((rc = kc_tx_end(db, insert_checked(db, rec, flags))) != 0)
		kc_record_set_id(rec, before);
	else
		kc_record_clear_dirty(rec);
	return rc;
}

/* The stored record with the fields the caller set in @rec applied, checked and derived
 * like any change, then written; @rec becomes the stored record. Runs inside the
 * update's transaction: the row it starts from is the current one, not the copy the
 * caller read earlier, so fields the caller did not set keep what other writers stored. */
static int update_checked(kiscrm_db *db, kiscrm_record *rec)
{
	kiscrm_record *old = NULL, *merged = NULL;
	int rc = fetch(&old, db, rec->def, kiscrm_record_id(rec));
	if (rc)
		return rc;
	if ((rc = kiscrm_record_dup(&merged, old)) != 0) {
		kiscrm_record_free(old);
		return rc;
	}
	for (int f = 1; rc == 0 && f < rec->def->nfields; f++)
		if (kc_record_is_dirty(rec, f))
			rc = kc_record_copy_field(merged, rec, f);
	if (rc == 0 && (rc = kc_entity_prepare(db, merged, old)) == 0 &&
	    (rc = check_fields(db, merged)) == 0 &&
	    (rc = kc_db_update(db, merged->def, merged->vals)) == 0)
		rc = kc_record_assign_row(rec, merged->vals);
	kiscrm_record_free(old);
	kiscrm_record_free(merged);
	return rc;
}

int kiscrm_record_update(kiscrm_db *db, kiscrm_record *rec)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!rec)
		return kc_error_set(KISCRM_EINVALID, "record is NULL");
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	return kc_tx_end(db, update_checked(db, rec));
}

int kiscrm_record_get(kiscrm_record **out, kiscrm_db *db, int kind, kiscrm_id id)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_kind_require(&def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	return fetch(out, db, def, id);
}

/* --- deleting ------------------------------------------------------------------ */

/* Ids of the records of `def` whose field `field` equals id. */
static int referrers(kc_idvec *out, kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id id)
{
	kiscrm_cond c = { field, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, 1 };
	*out = (kc_idvec)KC_IDVEC_INIT;
	return kc_db_scan(db, def, &q, kc_idvec_collect, out);
}

static int delete_rec(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, int cascade, int depth);

/* Clears a non-owned reference in one referring record. */
static int clear_ref(kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id id)
{
	kiscrm_record *r;
	int rc = fetch(&r, db, def, id);
	if (rc)
		return rc;
	r->vals[field].type = KISCRM_TYPE_NULL;
	rc = kc_db_update(db, def, r->vals);
	kiscrm_record_free(r);
	return rc;
}

static int handle_referrers(kiscrm_db *db, const kiscrm_kind_def *target, kiscrm_id id, int cascade,
			    int depth)
{
	for (int k = 0; k < kc_schema.nkinds; k++) {
		const kiscrm_kind_def *def = kc_schema.kinds[k];
		for (int f = 1; f < def->nfields; f++) {
			const kiscrm_field_def *fd = &def->fields[f];
			if (fd->ref_kind != target->kind)
				continue;
			kc_idvec l;
			int rc = referrers(&l, db, def, f, id);
			for (size_t i = 0; rc == 0 && i < l.n; i++) {
				if (def == target && l.ids[i] == id)
					continue; /* a record referring to itself */
				int owned = (fd->flags & KISCRM_FIELD_OWNED) != 0;
				if (!cascade || (!owned && (fd->flags & KISCRM_FIELD_REQUIRED)))
					rc = kc_error_set(KISCRM_ECONFLICT,
							  "%s %lld is referred to by %s %lld (%s)%s",
							  target->name, (long long)id, def->name,
							  (long long)l.ids[i], fd->name,
							  cascade ? "; reassign it first"
								  : "; delete with KISCRM_DELETE_CASCADE");
				else if (owned)
					rc = delete_rec(db, def, l.ids[i], cascade, depth + 1);
				else
					rc = clear_ref(db, def, f, l.ids[i]);
			}
			kc_idvec_free(&l);
			if (rc)
				return rc;
		}
	}
	return KISCRM_OK;
}

static int delete_rec(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, int cascade, int depth)
{
	if (depth > 64)
		return kc_error_set(KISCRM_ECONFLICT, "cascade deeper than 64 levels at %s %lld",
				    def->name, (long long)id);
	int rc = kc_db_exists(db, def, id);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return kc_error_set(KISCRM_ENOTFOUND, "%s %lld does not exist", def->name, (long long)id);
	if ((rc = handle_referrers(db, def, id, cascade, depth)) != 0)
		return rc;
	return kc_db_remove(db, def, id);
}

int kiscrm_record_delete(kiscrm_db *db, int kind, kiscrm_id id, unsigned int flags)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_kind_require(&def, kind)) != 0)
		return rc;
	if (flags & ~KISCRM_DELETE_CASCADE)
		return kc_error_set(KISCRM_EINVALID, "unknown delete flags 0x%x", flags);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	rc = delete_rec(db, def, id, (flags & KISCRM_DELETE_CASCADE) != 0, 0);
	return kc_tx_end(db, rc);
}

/* Storing records: the rules every kind shares (required fields, references, configured
 * dimension values) and those of its area (entities/), then the backend write. Deletes
 * check who refers to a record and cascade in one transaction. */
#include "check_memo.h"
#include "record.h"
#include "core/error.h"
#include "core/idvec.h"
#include "kiscrm/money.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Money fields within ±KISCRM_MONEY_MAX, checked before any hook adds amounts up: every
 * field of the kind, or those of a batch's @memo. */
static int check_money(const kiscrm_db *db, const kiscrm_record *rec, const kc_check_memo *memo)
{
	const kiscrm_kind_def *def = rec->def;
	int n = memo ? memo->nmoney : def->nfields - 1;
	for (int j = 0; j < n; j++) {
		int i = memo ? memo->money[j] : j + 1;
		const kiscrm_value *v = &rec->vals[i];
		if (def->fields[i].type != KISCRM_TYPE_MONEY || v->type == KISCRM_TYPE_NULL ||
		    (v->u.i >= KISCRM_MONEY_MIN && v->u.i <= KISCRM_MONEY_MAX))
			continue;
		char text[48], bound[48];
		kiscrm_money_format(text, sizeof(text), v->u.i, db->money_decimals, 0);
		kiscrm_money_format(bound, sizeof(bound), KISCRM_MONEY_MAX, db->money_decimals, 0);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, def->fields[i].name, text,
				       "%s.%s: %s is beyond the largest amount a record may hold (±%s, "
				       "KISCRM_MONEY_MAX)", def->name, def->fields[i].name, text, bound);
	}
	return KISCRM_OK;
}

/* Required fields, configured values and references. On update (@old set) a reference
 * that did not change is not checked again: it was checked when written and deletes keep
 * it valid, and a partner's principal must be able to change its own opportunity that
 * the company assigned to its market activity, which the partner cannot see. In a batch
 * (@memo set) a value an earlier row passed with is not checked again (kind.h). */
static int check_fields(kiscrm_db *db, const kiscrm_record *rec, const kiscrm_record *old,
			kc_check_memo *memo)
{
	const kiscrm_kind_def *def = rec->def;
	int n = memo ? memo->ncheck : def->nfields - 1;
	for (int j = 0; j < n; j++) {
		int i = memo ? memo->check[j] : j + 1;
		const kiscrm_field_def *f = &def->fields[i];
		const kiscrm_value *v = &rec->vals[i];
		int rc;
		if (v->type == KISCRM_TYPE_NULL) {
			if (f->flags & KISCRM_FIELD_REQUIRED)
				return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, f->name, NULL,
						       "%s.%s is required", def->name, f->name);
			continue;
		}
		if (v->type == KISCRM_TYPE_TEXT && db->kinds->check_value &&
		    !kc_check_memo_text(memo, i, v->u.s)) {
			if ((rc = db->kinds->check_value(db, def, i, v)) != 0)
				return rc;
			if (rec->lent && rec->lent[i])
				kc_check_memo_text_ok(memo, i, v->u.s);
		}
		if (!f->ref_kind || (old && old->vals[i].type == KISCRM_TYPE_INT && old->vals[i].u.i == v->u.i) ||
		    kc_check_memo_ref(memo, db, i, v->u.i))
			continue;
		const kiscrm_kind_def *target = kc_db_def(db, f->ref_kind);
		rc = v->u.i > 0 ? kc_db_exists(db, target, v->u.i) : 0;
		if (rc < 0)
			return rc;
		if (rc > 0) {
			kc_check_memo_found(memo, db, i, v->u.i, -1);
			continue;
		}
		char idtext[24]; /* formatted for the error only: bulk loads check millions */
		snprintf(idtext, sizeof(idtext), "%lld", (long long)v->u.i);
		return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, f->name, idtext, "%s.%s: %s %s does not exist",
				       def->name, f->name, target->name, idtext);
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
	if (rc) {
		kiscrm_record_free(r);
		return rc;
	}
	*out = r;
	return KISCRM_OK;
}

int kc_store_load(kiscrm_record **out, kiscrm_db *db, int kind, kiscrm_id id, const char *owner,
		  const char *field)
{
	const kiscrm_kind_def *def = kc_db_def(db, kind);
	kiscrm_record *r;
	int rc = kc_record_new(&r, def);
	if (rc)
		return rc;
	rc = id > 0 ? kc_db_get(db, def, id, fetch_cb, r) : KISCRM_ENOTFOUND;
	if (rc == KISCRM_ENOTFOUND) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)id);
		rc = field ? kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, field, text, "%s.%s: %s %s does not exist",
					     owner, field, def->name, text)
			   : kc_error_set(KISCRM_ENOTFOUND, "%s %s does not exist", def->name, text);
	}
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

static int prepare(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec,
		   const kiscrm_record *old)
{
	return k->prepare ? k->prepare(ctx, rec, old) : KISCRM_OK;
}

static int insert_checked(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec)
{
	kc_check_memo *memo = kc_check_memo_for(ctx, rec->def);
	int rc;
	if ((rc = check_money(ctx->db, rec, memo)) != 0 || (rc = prepare(ctx, k, rec, NULL)) != 0 ||
	    (rc = kc_scope_write(ctx, k, rec, 1)) != 0 || (rc = check_fields(ctx->db, rec, NULL, memo)) != 0 ||
	    (rc = insert_row(ctx->db, rec)) != 0)
		return rc;
	if ((ctx->flags & KC_WRITE_NO_AFTER) || !k->after_insert)
		return KISCRM_OK;
	return k->after_insert(ctx, rec);
}

int kiscrm_record_insert(kiscrm_db *db, kiscrm_record *rec)
{
	return kiscrm_record_insert_flags(db, rec, 0);
}

/* An explicit id of a new record (0: the database assigns one) is within 1 … KISCRM_ID_MAX,
 * checked here for every backend and every way in (the API, CSV import keeping ids). */
static int check_new_id(const kiscrm_record *rec)
{
	kiscrm_id id = kiscrm_record_id(rec);
	if (id >= 0 && id <= KISCRM_ID_MAX)
		return KISCRM_OK;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)id);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "id", text,
			       "%s.id: %s is out of range (1 … %lld; 0 lets the database assign one)",
			       rec->def->name, text, (long long)KISCRM_ID_MAX);
}

int kiscrm_record_insert_flags(kiscrm_db *db, kiscrm_record *rec, unsigned int flags)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (flags & ~KISCRM_INSERT_RAW)
		return kc_error_set(KISCRM_EINVALID, "unknown insert flags 0x%x", flags);
	kc_write_ctx ctx = kc_write_ctx_of(db);
	if (flags & KISCRM_INSERT_RAW)
		ctx.flags |= KC_WRITE_NO_AFTER;
	return kc_store_insert(&ctx, rec);
}

/* insert_checked() with the audit log's time of the change (and of its hooks') the
 * caller's when it gave one. */
static int insert_at(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec)
{
	kiscrm_db *db = ctx->db;
	kiscrm_time at = db->write_at;
	if (ctx->at)
		db->write_at = ctx->at;
	int rc = insert_checked(ctx, k, rec);
	db->write_at = at;
	return rc;
}

int kc_store_insert(const kc_write_ctx *ctx, kiscrm_record *rec)
{
	kiscrm_db *db = ctx->db;
	const kc_kind *k;
	int rc;
	if (!rec)
		return kc_error_set(KISCRM_EINVALID, "record is NULL");
	if ((rc = check_new_id(rec)) != 0)
		return rc;
	const kc_check_memo *memo = kc_check_memo_for(ctx, rec->def);
	if (memo) { /* a batch's row: its kind was resolved for the batch, whose transaction
		     * holds the row (check_memo.h); a failure ends the batch, and the caller
		     * ends the transaction. The batch's record is its own: not made clean. */
		assert(db->tx_depth > 0);
		return insert_at(ctx, memo->kind, rec);
	}
	if ((rc = kc_db_kind_of(db, rec->def, &k)) != 0)
		return rc;
	/* The checks read other records (references, a tree's parents, a customer's first
	 * contract …): they and the write happen in one transaction, so nothing they relied
	 * on changes before the write, and the record and what it implies are stored
	 * together or not at all. */
	kiscrm_id before = kiscrm_record_id(rec);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	if ((rc = kc_tx_end(db, insert_at(ctx, k, rec))) != 0)
		kc_record_set_id(rec, before);
	else
		kc_record_clear_dirty(rec);
	return rc;
}

/* The stored record with the fields the caller set in @rec applied, checked and derived
 * like any change, then written; @rec becomes the stored record. Runs inside the
 * update's transaction: the row it starts from is the current one, not the copy the
 * caller read earlier, so fields the caller did not set keep what other writers stored. */
static int update_checked(const kc_write_ctx *ctx, const kc_kind *k, kiscrm_record *rec)
{
	kiscrm_db *db = ctx->db;
	kiscrm_record *old = NULL, *merged = NULL;
	int rc = fetch(&old, db, rec->def, kiscrm_record_id(rec));
	if (rc)
		return rc;
	if ((rc = kiscrm_record_dup(&merged, old)) != 0) {
		kiscrm_record_free(old);
		return rc;
	}
	for (int f = 1; rc == 0 && f < rec->def->nfields; f++)
		if (kc_record_is_dirty_at(rec, f))
			rc = kc_record_copy_at(merged, rec, f);
	if (rc == 0 && (rc = check_money(db, merged, NULL)) == 0 && (rc = prepare(ctx, k, merged, old)) == 0 &&
	    (rc = kc_scope_write(ctx, k, merged, 0)) == 0 && (rc = check_fields(db, merged, old, NULL)) == 0 &&
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
	kc_write_ctx ctx = kc_write_ctx_of(db);
	return kc_store_update(&ctx, rec);
}

int kc_store_update(const kc_write_ctx *ctx, kiscrm_record *rec)
{
	kiscrm_db *db = ctx->db;
	const kc_kind *k;
	int rc;
	if (!rec)
		return kc_error_set(KISCRM_EINVALID, "record is NULL");
	if ((rc = kc_db_kind_of(db, rec->def, &k)) != 0)
		return rc;
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	kiscrm_time at = db->write_at;
	if (ctx->at)
		db->write_at = ctx->at;
	rc = update_checked(ctx, k, rec);
	db->write_at = at;
	return kc_tx_end(db, rc);
}

int kiscrm_record_get(kiscrm_record **out, kiscrm_db *db, kiscrm_kind kind, kiscrm_id id)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "output pointer is NULL");
	return fetch(out, db, def, id);
}

/* --- deleting ------------------------------------------------------------------ */

/* Ids of the records of `def` whose field `field` equals id. */
static int referrers(kc_idvec *out, kiscrm_db *db, const kiscrm_kind_def *def, int field, kiscrm_id id)
{
	kiscrm_cond c = { KISCRM_FIELD_ID(def->kind, field), KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
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
	const kiscrm_schema *schema = db->kinds->schema;
	for (int k = 0; k < schema->nkinds; k++) {
		const kiscrm_kind_def *def = schema->kinds[k];
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
				if ((!cascade || (!owned && (fd->flags & KISCRM_FIELD_REQUIRED))) && db->partner)
					/* the referrer may be one the principal cannot see: not named */
					rc = kc_error_set(KISCRM_ECONFLICT, "%s %lld is referred to by a %s (%s)%s",
							  target->name, (long long)id, def->name, fd->name,
							  cascade ? "; ask the company to reassign it"
								  : "; delete with KISCRM_DELETE_CASCADE");
				else if (!cascade || (!owned && (fd->flags & KISCRM_FIELD_REQUIRED)))
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
	const kc_kind *k = kc_db_kind(db, def->kind);
	if (k && k->before_delete && (rc = k->before_delete(db, id)) != 0)
		return rc;
	/* The record was found in the principal's view; what depends on it is found in the
	 * whole database, so a partner's delete neither leaves the company's rows pointing
	 * at nothing nor deletes through a reference it could not see. */
	kc_db_unscoped_enter(db);
	if ((rc = handle_referrers(db, def, id, cascade, depth)) == 0)
		rc = kc_db_remove(db, def, id);
	kc_db_unscoped_leave(db);
	return rc;
}

int kiscrm_record_delete(kiscrm_db *db, kiscrm_kind kind, kiscrm_id id, unsigned int flags)
{
	const kiscrm_kind_def *def;
	int rc = kc_check_db(db);
	if (rc || (rc = kc_db_require(db, &def, kind)) != 0)
		return rc;
	if (flags & ~KISCRM_DELETE_CASCADE)
		return kc_error_set(KISCRM_EINVALID, "unknown delete flags 0x%x", flags);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	rc = delete_rec(db, def, id, (flags & KISCRM_DELETE_CASCADE) != 0, 0);
	return kc_tx_end(db, rc);
}

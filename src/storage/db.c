/* Opening databases, nested transactions and dispatch to the storage backend. */
#include "db.h"
#include "core/error.h"
#include "core/field.h"
#include "storage/audit.h"
#include "kiscrm/audit.h"
#include "storage/db_files.h"
#include "storage/record.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kc_db_new(kiscrm_db **out, kiscrm_backend *backend, const kc_kind_table *kinds)
{
	kiscrm_db *db = calloc(1, sizeof(*db));
	if (db && !(db->scratch = kc_scratch_new())) {
		free(db);
		db = NULL;
	}
	if (db && kc_known_init(&db->known, kinds) != 0) {
		kc_scratch_release(db->scratch);
		free(db);
		db = NULL;
	}
	if (db && !(db->kind_writes = calloc((size_t)kinds->nkinds + 1, sizeof(uint64_t)))) {
		kc_known_free(&db->known);
		kc_scratch_release(db->scratch);
		free(db);
		db = NULL;
	}
	if (!db) {
		backend->free(backend);
		return kc_error_oom();
	}
	db->backend = backend;
	db->kinds = kinds;
	db->today = KISCRM_DATE_NONE;
	db->audit = 1;
	kc_record_know_kinds(kinds);
	*out = db;
	return KISCRM_OK;
}

/* Every rollback of the backend: it undoes writes the stamps counted. */
static int backend_rollback(kiscrm_db *db)
{
	db->rollbacks++;
	return db->backend->rollback(db->backend);
}

int kc_db_stamp(kiscrm_db *db, int kind, kc_stamp *out)
{
	memset(out, 0, sizeof(*out));
	if (!db->stamps || kind < 1 || kind > db->kinds->nkinds)
		return 0;
	out->writes = db->kind_writes[kind];
	out->rollbacks = db->rollbacks;
	/* a version that cannot be read remembers nothing (the error stays for the record) */
	return !db->outside_version || db->outside_version(db->backend, &out->outside) == 0;
}

void kc_db_delete(kiscrm_db *db)
{
	if (!db)
		return;
	if (db->tx_depth > 0 && db->backend)
		db->backend->rollback(db->backend);
	if (db->backend)
		db->backend->free(db->backend);
	kc_known_free(&db->known);
	kc_scratch_release(db->scratch);
	free(db->file);
	free(db->role);
	free(db->runs);
	free(db->kind_writes);
	free(db);
}

int kiscrm_db_keep_memory(kiscrm_db *db, size_t bytes)
{
	if (!db)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_db_keep_memory: db is NULL");
	kc_scratch_set_limit(db->scratch, bytes);
	return KISCRM_OK;
}

int kc_db_require(const kiscrm_db *db, const kiscrm_kind_def **out, int kind)
{
	*out = kc_db_def(db, kind);
	if (!*out)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	return KISCRM_OK;
}

int kc_db_kind_of(const kiscrm_db *db, const kiscrm_kind_def *def, const kc_kind **out)
{
	*out = kc_db_kind(db, def->kind);
	if (!*out || (*out)->def != def)
		return kc_error_set(KISCRM_EINVALID, "record of kind '%s' does not belong to this database",
				    def->name);
	return KISCRM_OK;
}

kc_write_ctx kc_write_ctx_of(kiscrm_db *db)
{
	kc_write_ctx ctx = { db, db->actor, 0, 0, NULL };
	return ctx;
}

int kc_check_db(const kiscrm_db *db)
{
	return db ? KISCRM_OK : kc_error_set(KISCRM_EINVALID, "database handle is NULL");
}

int kiscrm_db_begin(kiscrm_db *db)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (db->tx_depth == 0) {
		if ((rc = db->backend->begin(db->backend)) != 0)
			return rc;
		db->tx_failed = 0;
		kc_known_clear(&db->known);
	}
	db->tx_depth++;
	return KISCRM_OK;
}

int kiscrm_db_rollback(kiscrm_db *db)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (db->tx_depth == 0)
		return kc_error_set(KISCRM_EINVALID, "rollback without a transaction");
	if (--db->tx_depth > 0) {
		db->tx_failed = 1;
		return KISCRM_OK;
	}
	kc_known_clear(&db->known);
	kc_audit_discard(db);
	return backend_rollback(db);
}

int kiscrm_db_commit(kiscrm_db *db)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (db->tx_depth == 0)
		return kc_error_set(KISCRM_EINVALID, "commit without a transaction");
	if (db->tx_depth > 1) {
		db->tx_depth--;
		return KISCRM_OK;
	}
	kc_known_clear(&db->known);
	if (db->tx_failed) {
		kc_audit_discard(db);
		db->tx_depth = 0;
		backend_rollback(db);
		return kc_error_set(KISCRM_ECONFLICT,
				    "an inner transaction was rolled back; everything was rolled back");
	}
	/* the audit entries still pending go in with the changes they record, or nothing does */
	if ((rc = kc_audit_flush(db)) != 0 || (rc = db->backend->commit(db->backend)) != 0) {
		/* A failed COMMIT leaves nothing half-written: roll back so the handle is usable. */
		int keep = rc;
		kiscrm_error saved = *kiscrm_error_last();
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", saved.message);
		backend_rollback(db);
		db->tx_depth = 0;
		return kc_error_set(keep, "%s", msg);
	}
	db->tx_depth = 0;
	return KISCRM_OK;
}

const kiscrm_config *kiscrm_db_config(const kiscrm_db *db)
{
	return db ? db->config : NULL;
}

int kiscrm_db_set_actor(kiscrm_db *db, kiscrm_id staff_id)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (staff_id < 0)
		return kc_error_set(KISCRM_EINVALID, "actor id %lld is negative", (long long)staff_id);
	if (db->bound && staff_id != db->principal_staff)
		return kc_error_set(KISCRM_EINVALID,
				    "the handle is bound to a principal: its actor is staff %lld",
				    (long long)db->principal_staff);
	db->actor = staff_id;
	return KISCRM_OK;
}

int kiscrm_db_set_today(kiscrm_db *db, kiscrm_date today)
{
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	char text[16];
	if (today != KISCRM_DATE_NONE && kiscrm_date_format(text, sizeof(text), today) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "today", NULL,
				       "business date %ld is out of range", (long)today);
	db->today = today;
	return KISCRM_OK;
}

kiscrm_date kiscrm_db_today(const kiscrm_db *db)
{
	return db ? db->today : KISCRM_DATE_NONE;
}

int kc_tx_begin(kiscrm_db *db)
{
	return kiscrm_db_begin(db);
}

int kc_tx_end(kiscrm_db *db, int rc)
{
	if (rc == KISCRM_OK)
		return kiscrm_db_commit(db);
	/* Keep the original error: the rollback's own result matters less. */
	kiscrm_error saved = *kiscrm_error_last();
	char msg[1024], field[256], value[512];
	snprintf(msg, sizeof(msg), "%s", saved.message);
	snprintf(field, sizeof(field), "%s", saved.field ? saved.field : "");
	snprintf(value, sizeof(value), "%s", saved.value ? saved.value : "");
	kiscrm_db_rollback(db);
	return kc_error_set_at(rc, NULL, 0, 0, saved.field ? field : NULL,
			       saved.value ? value : NULL, "%s", msg);
}

/* Whether a row written now may be remembered (txn_known.c): inside a transaction, not
 * during the store's unscoped integrity work, and one the principal's reads would find. */
static int rememberable(const kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	return db->tx_depth > 0 && db->system_reads == 0 && kc_scope_row_visible(db, def, row);
}

/* A write of @kind: stamps of the kind taken before it differ from those after. */
static void writing(kiscrm_db *db, int kind)
{
	kc_known_writing(&db->known, kind);
	if (kind >= 1 && kind <= db->kinds->nkinds)
		db->kind_writes[kind]++;
}

int kc_db_insert(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row, kiscrm_id *id)
{
	writing(db, def->kind);
	int rc = kc_scope_may_write(db, def, row);
	if (rc == 0)
		rc = db->backend->insert(db->backend, def, row, id);
	if (rc == 0) {
		kiscrm_id partner = kc_scope_row_partner(db, def, row);
		if (rememberable(db, def, row))
			kc_known_inserted(&db->known, def->kind, *id, partner);
		rc = kc_audit_insert(db, def, *id, partner);
	}
	return rc;
}

int kc_db_update(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	kc_audit_pending audit;
	writing(db, def->kind);
	int rc = kc_scope_may_write(db, def, row);
	if (rc || (rc = kc_audit_prepare(db, def, row[0].u.i, row, &audit)) != 0)
		return rc;
	rc = db->backend->update(db->backend, def, row);
	if (rc == 0)
		kc_known_updated(&db->known, def->kind, row[0].u.i, rememberable(db, def, row),
				 kc_scope_row_partner(db, def, row));
	return kc_audit_finish(db, def, &audit, rc);
}

int kc_db_remove(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id)
{
	/* Only this record stops existing (cascades remove each record through here). */
	kc_known_removed(&db->known, def->kind, id);
	writing(db, def->kind);
	kc_audit_pending audit;
	int rc = kc_scope_may_write(db, def, NULL);
	if (rc || (rc = kc_audit_prepare(db, def, id, NULL, &audit)) != 0)
		return rc;
	return kc_audit_finish(db, def, &audit, db->backend->remove(db->backend, def, id));
}

/* A read of the audit log first writes the runs of inserts still pending (audit.c), so
 * that the log read is the log as it will be committed. */
static int before_read(kiscrm_db *db, const kiscrm_kind_def *def)
{
	return def->kind == KISCRM_KIND_AUDIT_ENTRY ? kc_audit_flush(db) : KISCRM_OK;
}

/* A row the principal may not see is passed over exactly like a missing one. */
typedef struct scoped_get {
	kiscrm_db *db;
	const kiscrm_kind_def *def;
	kiscrm_row_cb cb;
	void *payload;
	int seen;
} scoped_get;

static int scoped_get_cb(void *payload, const kiscrm_value *row)
{
	scoped_get *g = payload;
	if (!kc_scope_row_visible(g->db, g->def, row))
		return 0;
	g->seen = 1;
	return g->cb(g->payload, row);
}

int kc_db_get(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_row_cb cb, void *payload)
{
	scoped_get g = { db, def, cb, payload, 0 };
	int rc = before_read(db, def);
	if (rc == 0)
		rc = db->backend->get(db->backend, def, id, scoped_get_cb, &g);
	/* One wording for "absent" and "not yours", whichever backend answered. */
	if (rc == KISCRM_ENOTFOUND || (rc == KISCRM_OK && !g.seen))
		return kc_error_set(KISCRM_ENOTFOUND, "%s %lld does not exist", def->name, (long long)id);
	return rc;
}

/* The core names fields by id (kind and position); a backend by position. A query's
 * conditions translated for the backend, after checking that every field belongs to the
 * kind scanned. Small queries use the inline room; the caller frees @heap. */
typedef struct backend_query {
	kiscrm_query q;
	kiscrm_cond room[16];
	kiscrm_cond *heap;
	int none; /* the principal sees no row of the kind: do not ask the backend */
} backend_query;

/* The caller's conditions, translated, plus the principal's (kc_scope_filter). */
static int backend_query_of(backend_query *b, const kiscrm_db *db, const kiscrm_kind_def *def,
			    const kiscrm_query *q)
{
	kiscrm_cond scope;
	int see = kc_scope_filter(db, def, &scope);
	int ncond = (q && q->ncond > 0 ? q->ncond : 0) + (see == KC_SEE_COND);
	b->heap = NULL;
	b->none = see == KC_SEE_NONE;
	b->q = (kiscrm_query){ 0, NULL, q ? q->columns : 0 };
	if (ncond == 0 || b->none)
		return KISCRM_OK;
	kiscrm_cond *conds = b->room;
	if ((size_t)ncond > sizeof(b->room) / sizeof(b->room[0])) {
		if (!(b->heap = malloc((size_t)ncond * sizeof(*b->heap))))
			return kc_error_oom();
		conds = b->heap;
	}
	if (see == KC_SEE_COND)
		conds[ncond - 1] = scope;
	if (!q || q->ncond <= 0) {
		b->q.ncond = ncond;
		b->q.conds = conds;
		return KISCRM_OK;
	}
	for (int i = 0; i < q->ncond; i++) {
		int f = q->conds[i].field;
		if (KISCRM_FIELD_KIND(f) != def->kind || KC_FI(f) >= def->nfields) {
			free(b->heap);
			b->heap = NULL;
			return kc_error_set(KISCRM_EINVALID, "query on %s: field id %d is not one of its fields",
					    def->name, f);
		}
		conds[i] = q->conds[i];
		conds[i].field = KC_FI(f);
	}
	b->q.ncond = ncond;
	b->q.conds = conds;
	return KISCRM_OK;
}

/* The read chokepoint of scans, counts and distinct values: the principal's access
 * check, then the backend's query (b->none: the principal sees nothing). */
static int read_query(backend_query *b, kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q)
{
	int rc = before_read(db, def);
	return rc ? rc : backend_query_of(b, db, def, q);
}

int kc_db_scan(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb, void *payload)
{
	backend_query b;
	int rc = read_query(&b, db, def, q);
	if (rc || b.none)
		return rc;
	rc = db->backend->scan(db->backend, def, q || b.q.ncond ? &b.q : NULL, cb, payload);
	free(b.heap);
	return rc;
}

int kc_db_has_distinct(const kiscrm_db *db)
{
	return db->backend->version >= 2 && db->backend->distinct;
}

int kc_db_distinct(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb,
		   void *payload)
{
	if (!kc_db_has_distinct(db))
		return kc_error_set(KISCRM_EINVALID, "distinct values of %s: the backend cannot list them", def->name);
	if (!q || !(q->columns & ~(uint64_t)1))
		return kc_error_set(KISCRM_EINVALID, "distinct values of %s: no field wanted", def->name);
	backend_query b;
	int rc = read_query(&b, db, def, q);
	if (rc || b.none)
		return rc;
	rc = db->backend->distinct(db->backend, def, &b.q, cb, payload);
	free(b.heap);
	return rc;
}

static int count_cb(void *payload, const kiscrm_value *row)
{
	(void)row;
	(*(int64_t *)payload)++;
	return 0;
}

int kc_db_count(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, int64_t *out)
{
	*out = 0;
	backend_query b;
	int rc = read_query(&b, db, def, q);
	if (rc || b.none)
		return rc;
	if (db->backend->version >= 1 && db->backend->count) {
		rc = db->backend->count(db->backend, def, q || b.q.ncond ? &b.q : NULL, out);
	} else {
		b.q.columns = 1; /* the id only */
		rc = db->backend->scan(db->backend, def, &b.q, count_cb, out);
	}
	free(b.heap);
	return rc;
}

typedef struct found {
	int found;
	int field; /* the partner field's position, 0 when not wanted */
	kiscrm_id partner;
} found;

static int found_cb(void *payload, const kiscrm_value *row)
{
	found *f = payload;
	f->found = 1;
	f->partner = f->field ? kc_val_int(&row[f->field], 0) : 0;
	return 0;
}

typedef struct sweep {
	kc_known *known;
	int kind, field;
} sweep;

static int sweep_cb(void *payload, const kiscrm_value *row)
{
	sweep *w = payload;
	kc_known_swept(w->known, w->kind, row[0].u.i, w->field ? kc_val_int(&row[w->field], 0) : 0);
	return 0;
}

/* Reads a kind's ids, and partners (its partner field, 0: none), whole into the
 * transaction's memory when they fit (txn_known.h, kc_known_read_one): as the principal
 * sees them, like every read that fills it. */
static int sweep_kind(kiscrm_db *db, const kiscrm_kind_def *def, int field)
{
	int64_t n = 0;
	int rc = kc_db_count(db, def, NULL, &n);
	if (rc || n > (int64_t)kc_known_room())
		return rc;
	sweep w = { &db->known, def->kind, field };
	kiscrm_query q = { 0, NULL, 1 | (field ? (uint64_t)1 << field : 0) };
	return kc_db_scan(db, def, &q, sweep_cb, &w);
}

/* A query on the id (and the principal's condition) fetching only the id and the partner:
 * SQLite answers it from the primary key without copying the row, the memory backend by
 * slot — where `get` would copy every column just to learn that it is there. What the
 * transaction already knows (txn_known.c) is not read again (@want_partner: whether a
 * remembered row must have its partner remembered too); a kind read one row at a time
 * over and over is read whole (sweep_kind). */
static int exists_with(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, int want_partner,
		       kiscrm_id *partner)
{
	if (db->tx_depth > 0 && db->system_reads == 0 &&
	    kc_known_lookup(&db->known, def->kind, id, want_partner, partner))
		return 1;
	int rc = before_read(db, def);
	if (rc)
		return rc;
	const kc_kind *k = kc_db_kind(db, def->kind);
	int field = k && k->scope.mode == KC_SCOPE_PARTNER ? k->scope.field : 0;
	found f = { 0, field, 0 }; /* the partner too: a reference check is followed by a
				      partner inheritance, and one read answers both */
	kiscrm_cond c[2] = { { 0, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } } };
	kiscrm_query q = { 1, c, 1 | (f.field ? (uint64_t)1 << f.field : 0) };
	switch (kc_scope_filter(db, def, &c[1])) {
	case KC_SEE_NONE:
		return 0;
	case KC_SEE_COND:
		q.ncond = 2;
		break;
	default:
		break;
	}
	rc = db->backend->scan(db->backend, def, &q, found_cb, &f);
	if (rc)
		return rc;
	*partner = f.partner;
	if (db->tx_depth > 0 && db->system_reads == 0) {
		if (f.found)
			kc_known_found(&db->known, def->kind, id, f.partner);
		if (kc_known_read_one(&db->known, def->kind) && (rc = sweep_kind(db, def, field)) != 0)
			return rc;
	}
	return f.found;
}

int kc_db_memo_get(kiscrm_db *db, int memo, int kind, kiscrm_id key, int64_t *value)
{
	return db->tx_depth > 0 && db->system_reads == 0 && kc_known_memo_get(&db->known, memo, kind, key, value);
}

void kc_db_memo_put(kiscrm_db *db, int memo, int kind, kiscrm_id key, int64_t value)
{
	if (db->tx_depth > 0 && db->system_reads == 0)
		kc_known_memo_put(&db->known, memo, kind, key, value);
}

uint32_t kc_db_memo_missed(kiscrm_db *db, int memo)
{
	return db->tx_depth > 0 && db->system_reads == 0 ? kc_known_memo_missed(&db->known, memo) : 0;
}

int kc_db_exists(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id)
{
	kiscrm_id partner;
	return exists_with(db, def, id, 0, &partner);
}

int kc_db_partner_of(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_id *partner)
{
	*partner = 0;
	return exists_with(db, def, id, 1, partner);
}

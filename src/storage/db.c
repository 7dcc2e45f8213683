/* Opening databases, nested transactions and dispatch to the storage backend. */
#include "db.h"
#include "core/error.h"
#include "core/field.h"
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
	if (db && !(db->exists = calloc(KC_EXISTS_SLOTS, sizeof(*db->exists)))) {
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
	kc_record_know_kinds(kinds);
	*out = db;
	return KISCRM_OK;
}

void kc_db_delete(kiscrm_db *db)
{
	if (!db)
		return;
	if (db->tx_depth > 0 && db->backend)
		db->backend->rollback(db->backend);
	if (db->backend)
		db->backend->free(db->backend);
	free(db->exists);
	free(db->file);
	free(db);
}

const kc_kind *kc_db_kind(const kiscrm_db *db, int kind)
{
	if (kind < 1 || kind > db->kinds->nkinds)
		return NULL;
	return db->kinds->kinds[kind - 1];
}

const kiscrm_kind_def *kc_db_def(const kiscrm_db *db, int kind)
{
	const kc_kind *k = kc_db_kind(db, kind);
	return k ? k->def : NULL;
}

int kc_db_require(const kiscrm_db *db, const kiscrm_kind_def **out, int kind)
{
	*out = kc_db_def(db, kind);
	if (!*out)
		return kc_error_set(KISCRM_EINVALID, "unknown record kind %d", kind);
	return KISCRM_OK;
}

kc_write_ctx kc_write_ctx_of(kiscrm_db *db)
{
	kc_write_ctx ctx = { db, db->actor, 0, 0 };
	return ctx;
}

static void exists_clear(kiscrm_db *db)
{
	memset(db->exists, 0, KC_EXISTS_SLOTS * sizeof(*db->exists));
}

static kc_exists_slot *exists_slot(kiscrm_db *db, int kind, kiscrm_id id)
{
	uint64_t h = ((uint64_t)id * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)kind;
	return &db->exists[(h >> 20) & (KC_EXISTS_SLOTS - 1)];
}

static void exists_note(kiscrm_db *db, int kind, kiscrm_id id)
{
	if (db->tx_depth > 0) {
		kc_exists_slot *e = exists_slot(db, kind, id);
		e->kind = kind;
		e->id = id;
	}
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
		exists_clear(db);
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
	exists_clear(db);
	return db->backend->rollback(db->backend);
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
	exists_clear(db);
	if (db->tx_failed) {
		db->tx_depth = 0;
		db->backend->rollback(db->backend);
		return kc_error_set(KISCRM_ECONFLICT,
				    "an inner transaction was rolled back; everything was rolled back");
	}
	if ((rc = db->backend->commit(db->backend)) != 0) {
		/* A failed COMMIT leaves nothing half-written: roll back so the handle is usable. */
		int keep = rc;
		kiscrm_error saved = *kiscrm_error_last();
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", saved.message);
		db->backend->rollback(db->backend);
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

int kc_db_insert(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row, kiscrm_id *id)
{
	int rc = db->backend->insert(db->backend, def, row, id);
	if (rc == 0)
		exists_note(db, def->kind, *id);
	return rc;
}

int kc_db_update(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row)
{
	return db->backend->update(db->backend, def, row);
}

int kc_db_remove(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id)
{
	/* Only this record stops existing (cascades remove each record through here). */
	kc_exists_slot *e = exists_slot(db, def->kind, id);
	if (e->kind == def->kind && e->id == id)
		e->kind = 0;
	return db->backend->remove(db->backend, def, id);
}

int kc_db_get(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_row_cb cb, void *payload)
{
	return db->backend->get(db->backend, def, id, cb, payload);
}

/* The core names fields by id (kind and position); a backend by position. A query's
 * conditions translated for the backend, after checking that every field belongs to the
 * kind scanned. Small queries use the inline room; the caller frees @heap. */
typedef struct backend_query {
	kiscrm_query q;
	kiscrm_cond room[16];
	kiscrm_cond *heap;
} backend_query;

static int backend_query_of(backend_query *b, const kiscrm_kind_def *def, const kiscrm_query *q)
{
	b->heap = NULL;
	b->q = (kiscrm_query){ 0, NULL, q ? q->columns : 0 };
	if (!q || q->ncond <= 0)
		return KISCRM_OK;
	kiscrm_cond *conds = b->room;
	if ((size_t)q->ncond > sizeof(b->room) / sizeof(b->room[0])) {
		if (!(b->heap = malloc((size_t)q->ncond * sizeof(*b->heap))))
			return kc_error_oom();
		conds = b->heap;
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
	b->q.ncond = q->ncond;
	b->q.conds = conds;
	return KISCRM_OK;
}

int kc_db_scan(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb, void *payload)
{
	backend_query b;
	int rc = backend_query_of(&b, def, q);
	if (rc)
		return rc;
	rc = db->backend->scan(db->backend, def, q ? &b.q : NULL, cb, payload);
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
	int rc = backend_query_of(&b, def, q);
	if (rc)
		return rc;
	if (db->backend->version >= 1 && db->backend->count) {
		rc = db->backend->count(db->backend, def, q ? &b.q : NULL, out);
	} else {
		b.q.columns = 1; /* the id only */
		rc = db->backend->scan(db->backend, def, &b.q, count_cb, out);
	}
	free(b.heap);
	return rc;
}

static int found_cb(void *payload, const kiscrm_value *row)
{
	(void)row;
	*(int *)payload = 1;
	return 0;
}

/* A query on the id alone fetching only the id: SQLite answers it from the primary key
 * without reading or copying the row, the memory backend by slot — where `get` would
 * copy every column just to learn that the row is there. */
int kc_db_exists(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id)
{
	kc_exists_slot *e = exists_slot(db, def->kind, id);
	if (db->tx_depth > 0 && e->kind == def->kind && e->id == id)
		return 1;
	int found = 0;
	kiscrm_cond c = { 0, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = id } } };
	kiscrm_query q = { 1, &c, 1 };
	int rc = db->backend->scan(db->backend, def, &q, found_cb, &found);
	if (rc)
		return rc;
	if (found)
		exists_note(db, def->kind, id);
	return found;
}

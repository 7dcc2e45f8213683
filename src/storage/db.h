/* The database handle and the storage dispatch every other module goes through. */
#ifndef KC_DB_H
#define KC_DB_H

#include "kiscrm/db.h"
#include "kiscrm/sys/backend.h"
#include "storage/kind.h"

/* Records known to exist, remembered inside one outermost transaction only (where no
 * other writer can delete them): bulk loads check the same owners, departments and
 * customers over and over. Direct-mapped; emptied at begin, commit and rollback, and a
 * deleted record's slot is cleared. */
#define KC_EXISTS_SLOTS 4096
typedef struct kc_exists_slot {
	int kind;
	kiscrm_id id;
} kc_exists_slot;

struct kiscrm_db {
	kiscrm_backend *backend;
	kc_exists_slot *exists; /* KC_EXISTS_SLOTS entries; kind 0 = empty */
	const kc_kind_table *kinds; /* the kinds this handle works with (src/model/kinds.c) */
	kiscrm_config *config;      /* owned; loaded and freed by the model layer */
	int tx_depth;    /* nesting depth of kiscrm_db_begin */
	int tx_failed;   /* an inner transaction rolled back: the outermost must too */
	kiscrm_id actor; /* staff recorded as the author of changes, 0 = system */
	kiscrm_date today; /* the caller's business date (kiscrm_db_set_today), or NONE */
	int money_decimals; /* of the configured currency: how error messages print amounts */
	char *file;      /* absolute path of the SQLite file, NULL when none (db_files.c) */
};

/* Runs a multi-record change atomically: kc_tx_begin, then the work, then
 * kc_tx_end(db, rc), which commits when rc is KISCRM_OK and rolls back otherwise,
 * returning rc (or the commit's error). Nests inside a caller's transaction. */
int kc_tx_begin(kiscrm_db *db);
int kc_tx_end(kiscrm_db *db, int rc);

/* Thin wrappers over the backend vtable (argument checks are the caller's). */
int kc_db_insert(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row, kiscrm_id *id);
int kc_db_update(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_value *row);
int kc_db_remove(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id);
int kc_db_get(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id, kiscrm_row_cb cb, void *payload);
int kc_db_scan(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, kiscrm_row_cb cb, void *payload);
/* Counts matching rows with the backend's accelerator when it has one, else by scanning. */
int kc_db_count(kiscrm_db *db, const kiscrm_kind_def *def, const kiscrm_query *q, int64_t *out);
/* 1 if a record of that kind and id exists, 0 if not, negative on storage error. */
int kc_db_exists(kiscrm_db *db, const kiscrm_kind_def *def, kiscrm_id id);

/* A new handle over @backend (owned from now on, also on failure) for the kinds of
 * @kinds; the caller attaches the configuration. */
int kc_db_new(kiscrm_db **out, kiscrm_backend *backend, const kc_kind_table *kinds);
/* Rolls back an open transaction and frees the handle and its backend (not the config). */
void kc_db_delete(kiscrm_db *db);

/* The descriptor of a kind, or NULL (no error set) when the handle does not know it. */
const kc_kind *kc_db_kind(const kiscrm_db *db, int kind);
/* Its definition (fields), or NULL. */
const kiscrm_kind_def *kc_db_def(const kiscrm_db *db, int kind);
/* As kc_db_def, but sets KISCRM_EINVALID naming the kind when unknown. */
int kc_db_require(const kiscrm_db *db, const kiscrm_kind_def **out, int kind);

/* A write context for a change made by the handle's actor, with no time given. */
kc_write_ctx kc_write_ctx_of(kiscrm_db *db);

/* Storing records with an explicit context (the public kiscrm_record_insert/update use
 * kc_write_ctx_of): the kind's hooks get the context. */
int kc_store_insert(const kc_write_ctx *ctx, kiscrm_record *rec);
int kc_store_update(const kc_write_ctx *ctx, kiscrm_record *rec);

/* Checks the usual "db and out pointers are not NULL" preconditions. */
int kc_check_db(const kiscrm_db *db);

#endif

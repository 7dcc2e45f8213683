/* The database handle and the storage dispatch every other module goes through. */
#ifndef KC_DB_H
#define KC_DB_H

#include "kiscrm/db.h"
#include "kiscrm/sys/backend.h"
#include "schema.h"

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
	kiscrm_config *config;
	int tx_depth;    /* nesting depth of kiscrm_db_begin */
	int tx_failed;   /* an inner transaction rolled back: the outermost must too */
	kiscrm_id actor; /* staff recorded as the author of changes, 0 = system */
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

/* kiscrm_record_insert with flags: KC_INSERT_NO_AFTER skips the kind's after-insert work
 * (imports of records "as exported", whose history comes in its own file). */
#define KC_INSERT_NO_AFTER 0x1u
int kc_record_insert(kiscrm_db *db, kiscrm_record *rec, unsigned flags);

/* Checks the usual "db and out pointers are not NULL" preconditions. */
int kc_check_db(const kiscrm_db *db);

#endif

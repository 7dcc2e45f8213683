/* The SQLite backend's constructor with the options kiscrm_db_open() passes on. */
#ifndef KC_SQLITE_H
#define KC_SQLITE_H

#include "kiscrm/sys/backend.h"

/* Permission bits of database files the library creates when the caller names none:
 * owner only — a CRM database holds customers' contacts and money. */
#define KC_SQLITE_DEFAULT_FILE_MODE 0600

/* kiscrm_backend_sqlite_new() creating a missing database file with @file_mode
 * (0: KC_SQLITE_DEFAULT_FILE_MODE); SQLite gives the -wal and -shm files the mode of the
 * database file. */
int kc_backend_sqlite_new_mode(kiscrm_backend **out, const char *path, int busy_timeout_ms, int file_mode);

/* Test hooks of the deferred indexes of bulk loads (bulk.c): the inserts of one
 * transaction into one table after which deferring is considered (default 1,000); 1
 * when @table's indexes are deferred now (-1: no such table); how many times a read
 * made the backend build a deferred table's indexes before commit. */
int kc_backend_sqlite_defer_after(kiscrm_backend *b, int64_t inserts);
int kc_backend_sqlite_deferred(kiscrm_backend *b, const char *table);
int64_t kc_backend_sqlite_index_builds(kiscrm_backend *b);

/* PRAGMA data_version of the backend's connection: it changes when another connection
 * commits (the storage layer's stamps, kc_db_stamp). KISCRM_OK or an error code. */
int kc_backend_sqlite_data_version(kiscrm_backend *b, int64_t *version);

#endif

/**
 * @file kiscrm/db.h
 * @brief Opening a database and grouping changes into transactions.
 */
#ifndef KISCRM_DB_H
#define KISCRM_DB_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Options of kiscrm_db_open(). Fields are only ever appended. */
typedef struct kiscrm_db_options {
	unsigned int version;   /**< ::KISCRM_DB_OPTIONS_VERSION. */
	const char *backend;    /**< "sqlite" (default when NULL) or "memory". */
	const char *path;       /**< SQLite database file; NULL: a private in-memory SQLite database. */
	const char *config_dir; /**< Configuration directory; NULL: the built-in defaults. */
	kiscrm_backend *custom_backend; /**< A backend of your own (kiscrm/sys/backend.h); when
	                                     set, `backend` and `path` are ignored and the
	                                     database takes ownership (even on failure). */
	int busy_timeout_ms;    /**< SQLite: how long to wait for a lock (0: 5000 ms). */
	/* Version 2 */
	int file_mode;          /**< SQLite: permission bits of a database file this call
	                             creates, and so of its `-wal` and `-shm` files, which
	                             SQLite gives the database's mode (0: 0600, owner only).
	                             Applied exactly, whatever the umask; the owner must keep
	                             read and write (0600 … 0777). An existing file keeps its
	                             mode. */
} kiscrm_db_options;

/** Current version of ::kiscrm_db_options (2 added `file_mode`). */
#define KISCRM_DB_OPTIONS_VERSION 2
/** Initialiser of ::kiscrm_db_options with the defaults. */
#define KISCRM_DB_OPTIONS_INIT { KISCRM_DB_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0, 0 }

/**
 * Initialises options with the defaults (for callers that cannot use the macro).
 * @param opts the struct to fill
 * @param version ::KISCRM_DB_OPTIONS_VERSION the caller was built with
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION (unknown version).
 */
KISCRM_API int kiscrm_db_options_init(kiscrm_db_options *opts, unsigned int version);

/**
 * Opens (creating if needed) a database. The schema is created or migrated forward; a
 * database written by a newer libkiscrm is refused and left untouched.
 * @param[out] out the handle, owned by the caller (kiscrm_db_free())
 * @param opts options, NULL for all defaults
 * @return ::KISCRM_OK, ::KISCRM_EVERSION (options or database too new),
 *         ::KISCRM_EINVALID (unknown backend, custom backend of an unknown version or
 *         lacking a required slot), ::KISCRM_ECONFIG, ::KISCRM_ESTORAGE,
 *         ::KISCRM_EBUSY, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_db_open(kiscrm_db **out, const kiscrm_db_options *opts);

/**
 * Closes a database; an open transaction is rolled back.
 * @param db may be NULL
 */
KISCRM_API void kiscrm_db_free(kiscrm_db *db);

/**
 * Starts a transaction. Transactions nest: only the outermost commit writes, and a
 * rollback at any depth makes the whole outermost transaction roll back.
 * @param db the database
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ESTORAGE, ::KISCRM_EBUSY.
 */
KISCRM_API int kiscrm_db_begin(kiscrm_db *db);

/**
 * Commits the innermost transaction (writes when it is the outermost).
 * @param db the database
 * @return ::KISCRM_OK; ::KISCRM_EINVALID (no transaction); ::KISCRM_ECONFLICT when an inner
 *         transaction was rolled back (then everything is rolled back); ::KISCRM_ESTORAGE
 *         or ::KISCRM_EBUSY when writing fails — then the transaction is rolled back and
 *         ended, and nothing of it is stored.
 */
KISCRM_API int kiscrm_db_commit(kiscrm_db *db);

/**
 * Rolls back the innermost transaction; the outermost transaction will roll back too.
 * @param db the database
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (no transaction), ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_db_rollback(kiscrm_db *db);

/**
 * The configuration the database was opened with.
 * @param db the database
 * @return a borrowed pointer valid until kiscrm_db_free(), NULL if @p db is NULL.
 */
KISCRM_API const kiscrm_config *kiscrm_db_config(const kiscrm_db *db);

/**
 * Sets the staff member recorded as the actor of later changes (stage moves, approvals).
 * @param db the database
 * @param staff_id a staff id, or 0 for "system"
 * @return ::KISCRM_OK, ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_db_set_actor(kiscrm_db *db, kiscrm_id staff_id);

KISCRM_END_DECL

#endif

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
	const char *backend;    /**< "sqlite" (default when NULL), "memory" or "postgresql"
	                             (a build without libpq answers ::KISCRM_ENOTSUPPORTED;
	                             see doc/postgresql.md). */
	const char *path;       /**< SQLite: the database file; NULL: a private in-memory SQLite
	                             database. PostgreSQL: the libpq connection string
	                             ("postgresql://user@host/crm" or "host=… dbname=…"; NULL:
	                             libpq's defaults and PG* variables); the tables live in
	                             the first schema of its search_path. */
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
 *         ::KISCRM_EBUSY, ::KISCRM_ENOMEM, ::KISCRM_ENOTSUPPORTED (backend "postgresql"
 *         in a build without libpq).
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

/** Options of kiscrm_db_transact(). Fields are only ever appended; 0 means the default. */
typedef struct kiscrm_transact_options {
	unsigned int version;   /**< ::KISCRM_TRANSACT_OPTIONS_VERSION. */
	int max_attempts;       /**< Runs of the unit of work at most, the first included
	                             (0: 20; 1: never rerun). */
	int initial_backoff_ms; /**< Pause before the second run (0: 5 ms); doubled before
	                             each later run. */
	int max_backoff_ms;     /**< Upper bound of the pause (0: 500 ms). Each pause is
	                             drawn at random between half the bound of its run and
	                             the bound, so writers that collided spread out. */
} kiscrm_transact_options;

/** Current version of ::kiscrm_transact_options. */
#define KISCRM_TRANSACT_OPTIONS_VERSION 1
/** Initialiser of ::kiscrm_transact_options with the defaults. */
#define KISCRM_TRANSACT_OPTIONS_INIT { KISCRM_TRANSACT_OPTIONS_VERSION, 0, 0, 0 }

/**
 * Initialises transaction options with the defaults (for callers that cannot use the macro).
 * @param opts the struct to fill
 * @param version ::KISCRM_TRANSACT_OPTIONS_VERSION the caller was built with
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION (unknown version).
 */
KISCRM_API int kiscrm_transact_options_init(kiscrm_transact_options *opts, unsigned int version);

/**
 * A unit of work run by kiscrm_db_transact(): reads and writes through @p db and returns
 * ::KISCRM_OK or the (negative) code of the call that failed. It may run more than once,
 * so it must not keep effects outside the database from a failed run (or must undo them
 * when it starts).
 */
typedef int (*kiscrm_transact_fn)(kiscrm_db *db, void *payload);

/**
 * Runs @p fn in a transaction and commits it, rerunning the whole transaction when it
 * fails with a retryable error (kiscrm_error_is_retryable(): ::KISCRM_EBUSY) at begin, in
 * @p fn or at commit: the transaction is rolled back, the thread pauses (jittered
 * exponential backoff, see ::kiscrm_transact_options), then begins again and reruns @p fn,
 * which therefore reads the current data. Any other error rolls back and is returned at
 * once. This is the way to write under concurrency without ever showing a "database is
 * locked" error to a user (doc/transactions.md).
 * @param db the database; must not be inside a transaction (a rerun could not repeat the
 *        caller's part of it)
 * @param fn the unit of work; it may open nested transactions but must close them
 * @param payload passed to @p fn
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK when committed; the error of @p fn, of begin or of commit (nothing
 *         stored); ::KISCRM_EBUSY when every attempt was busy (the message says how many);
 *         ::KISCRM_EINVALID (NULL @p db or @p fn, called inside a transaction, negative
 *         option, or @p fn left its nested transactions unbalanced); ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_db_transact(kiscrm_db *db, kiscrm_transact_fn fn, void *payload,
				  const kiscrm_transact_options *opts);

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

/** Version of ::kiscrm_principal described by this header. */
#define KISCRM_PRINCIPAL_VERSION 1
/** Static initialiser for a ::kiscrm_principal: nobody in particular (the company). */
#define KISCRM_PRINCIPAL_INIT { KISCRM_PRINCIPAL_VERSION, 0, 0, NULL }

/**
 * Who is asking (主体): the person, the second-tier partner they work for, and the role
 * they act in. Set on a handle with kiscrm_db_set_principal(); see doc/channel.md.
 */
typedef struct kiscrm_principal {
	unsigned int version; /**< ::KISCRM_PRINCIPAL_VERSION. */
	kiscrm_id staff_id;   /**< The person (becomes the handle's actor); 0: none given. */
	kiscrm_id partner_id; /**< The partner they work for; 0: the company itself. */
	const char *role;     /**< A roles.yaml key they act in; NULL: the staff record's role. */
} kiscrm_principal;

/**
 * Binds the handle to a principal, once: every later read and write of the handle sees
 * only what the principal may see. For a partner's principal (partner_id set) the
 * partner-scoped kinds (customers, contacts, leads, opportunities, contracts, plans,
 * collections, activities, service, presales, registrations, the partner's own departments,
 * staff and targets …) show only that partner's rows, every other kind shows none, and a
 * foreign id answers ::KISCRM_ENOTFOUND exactly as a missing one does. Records the
 * principal inserts belong to its partner. A company principal (partner_id 0) sees
 * everything and only names the actor and role.
 *
 * There is no way back: a bound handle refuses a second principal and kiscrm_db_set_actor().
 * Call it outside a transaction, before the handle is shared.
 * @param db the database
 * @param principal the principal (copied; version must be ::KISCRM_PRINCIPAL_VERSION)
 * @return ::KISCRM_OK; ::KISCRM_ENOTFOUND naming the missing partner or staff;
 *   ::KISCRM_EINVALID for a staff member of another partner, an unknown role, a handle
 *   already bound or inside a transaction; ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_db_set_principal(kiscrm_db *db, const kiscrm_principal *principal);

/**
 * The principal the handle is bound to (::KISCRM_PRINCIPAL_INIT when none).
 * @param db the database
 * @param out filled in; its role points into the handle (valid until kiscrm_db_free())
 * @return ::KISCRM_OK, ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_db_principal(const kiscrm_db *db, kiscrm_principal *out);

/**
 * Sets the business date (业务日期) of this handle: the "today" used where a caller leaves
 * a date out — a report without `as_of`, an opportunity stored without `created`, a
 * qualification assessment without a date. The library keeps no clock: until a date is
 * set, leaving such a date out is an error (::KISCRM_EINVALID naming the field), so the
 * same call gives the same result on any day. The `kiscrm` tool sets the system date;
 * the Python binding sets `datetime.date.today()` unless told otherwise.
 * @param db the database
 * @param today a date, or ::KISCRM_DATE_NONE to unset it
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL @p db, date out of range).
 */
KISCRM_API int kiscrm_db_set_today(kiscrm_db *db, kiscrm_date today);

/**
 * The business date set by kiscrm_db_set_today().
 * @param db the database
 * @return the date, or ::KISCRM_DATE_NONE when none is set (or @p db is NULL).
 */
KISCRM_API kiscrm_date kiscrm_db_today(const kiscrm_db *db);

/**
 * Sets how much working memory the handle keeps from one report to the next.
 *
 * A report over many records builds large arrays (the state of every deal for the
 * funnel, the projects of the rolling budget). Fresh memory costs the kernel a page fault
 * and a zeroed page for every 4 KiB first written: at 1,000,000 opportunities that was a
 * third of a funnel's time. So when a report ends the handle keeps its arrays of 256 KiB
 * and more, and the next report that needs them starts from them, like SQLite's page
 * cache; a large table a report returned gives its cells back when it is freed
 * (kiscrm_table_free()). By default it keeps at most 512 MiB, freeing the oldest arrays
 * first (a full rolling budget of 1,000,000 opportunities peaks at 311 MB); all of it is
 * freed by kiscrm_db_free(), or by the last table freed after it. Results are the same
 * whatever the setting.
 * @param db the database
 * @param bytes the most it keeps; 0 frees what it holds and keeps nothing from now on
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL @p db).
 */
KISCRM_API int kiscrm_db_keep_memory(kiscrm_db *db, size_t bytes);

KISCRM_END_DECL

#endif

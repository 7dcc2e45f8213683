/**
 * @file kiscrm/sys/backend.h
 * @brief For storage-backend implementers: the backend vtable and the record schema.
 *
 * Not included by kiscrm.h. This interface is stable within a minor release only.
 *
 * The core describes every kind of record (customer, staff, opportunity …) with a
 * ::kiscrm_kind_def: a table name and typed fields, field 0 always being the integer
 * primary key `id`. A backend stores rows of ::kiscrm_value and answers simple queries;
 * all analytics live in the core, so every backend gives the same numbers.
 *
 * Like libgit2's ODB backends and SQLite's VFS, the vtable opens with a version; slots
 * are only ever appended. Optional slots may be NULL and the core checks
 * `version >= N && slot != NULL` before using them, falling back to its own scan.
 */
#ifndef KISCRM_SYS_BACKEND_H
#define KISCRM_SYS_BACKEND_H

#include "../common.h"
#include "../types.h"
#include "../record.h" /* kiscrm_op */

KISCRM_BEGIN_DECL

/** One stored value. `type` is ::KISCRM_TYPE_NULL for NULL. */
typedef struct kiscrm_value {
	int type; /**< A ::kiscrm_type. */
	union {
		int64_t i;     /**< INT, MONEY, DATE, TIME. */
		double r;      /**< RATE. */
		const char *s; /**< TEXT, NUL-terminated UTF-8. */
	} u;               /**< The value. */
} kiscrm_value;

/** Field flag: the backend should index this field for equality lookups. */
#define KISCRM_FIELD_INDEXED 0x1u
/** Field flag: the core refuses records where this field is NULL. */
#define KISCRM_FIELD_REQUIRED 0x2u
/** Field flag: a reference owned by its target (deleted with it on cascade). */
#define KISCRM_FIELD_OWNED 0x4u
/** Field flag: the field holds few distinct values that the core asks for together with
 *  the kind's other grouped fields (an opportunity's pipeline and stage) through the
 *  `distinct` slot. A hint: a backend may keep one index over a kind's grouped fields,
 *  in field order, and walk it from one value to the next instead of reading every row
 *  (the PostgreSQL backend does). */
#define KISCRM_FIELD_GROUPED 0x8u

/** A field of a record kind. */
typedef struct kiscrm_field_def {
	const char *name;   /**< Column name, lower_snake_case. */
	int type;           /**< A ::kiscrm_type (never NULL). */
	unsigned int flags; /**< KISCRM_FIELD_* flags. */
	int ref_kind;       /**< Kind this INT field references (0: none). */
} kiscrm_field_def;

/** A kind of record and its fields; field 0 is always `id` (INT). */
typedef struct kiscrm_kind_def {
	int kind;                        /**< A ::kiscrm_kind value. */
	const char *name;                /**< Table name, e.g. "customer". */
	int nfields;                     /**< Number of fields. */
	const kiscrm_field_def *fields;  /**< The fields. */
} kiscrm_kind_def;

/** The whole schema the core asks a backend to provide. */
typedef struct kiscrm_schema {
	int version;                          /**< Schema version (kiscrm_schema_version()). */
	int nkinds;                           /**< Number of kinds. */
	const kiscrm_kind_def *const *kinds;  /**< The kinds. */
} kiscrm_schema;

/** One condition of a query. */
typedef struct kiscrm_cond {
	int field;          /**< Field index in the kind. */
	int op;             /**< A ::kiscrm_op. */
	kiscrm_value value; /**< Value compared with (same type as the field, or NULL). */
} kiscrm_cond;

/** A query: conjunction of conditions; rows always come in ascending id order. */
typedef struct kiscrm_query {
	int ncond;                /**< Number of conditions. */
	const kiscrm_cond *conds; /**< The conditions (ANDed). */
	uint64_t columns;         /**< Bit i set: field i is wanted; 0: all fields. Fields
	                               not wanted may be returned as NULL. Bit 0 (id) is
	                               always returned. */
} kiscrm_query;

/**
 * Called once per row. @p row has `kind->nfields` values, borrowed for the duration of
 * the call. Return 0 to continue; any other value stops the scan and is returned by it.
 */
typedef int (*kiscrm_row_cb)(void *payload, const kiscrm_value *row);

/** Version of ::kiscrm_backend described by this header: 2 added `distinct`. A backend
 *  built for version 1 keeps working; the core reads no slot its version lacks. */
#define KISCRM_BACKEND_VERSION 2
/** Static initialiser for a ::kiscrm_backend. */
#define KISCRM_BACKEND_INIT { KISCRM_BACKEND_VERSION }

/**
 * A storage backend. Embed it as the first member of your own struct. Every slot returns
 * a ::kiscrm_error_code and sets kiscrm_error_last() on failure (use
 * kiscrm_backend_error()).
 */
struct kiscrm_backend {
	unsigned int version; /**< ::KISCRM_BACKEND_VERSION the backend was built for. */

	/** Prepares storage for @p schema: creates what is missing and migrates older data
	 *  forward; refuses (::KISCRM_EVERSION) data written by a newer schema. Required. */
	int (*open)(kiscrm_backend *b, const kiscrm_schema *schema);
	/** Starts a transaction (never nested by the core). Required. */
	int (*begin)(kiscrm_backend *b);
	/** Commits the transaction. Required. */
	int (*commit)(kiscrm_backend *b);
	/** Rolls the transaction back, restoring every record. Required. */
	int (*rollback)(kiscrm_backend *b);
	/** Inserts a row. If row[0] is NULL or 0 the backend assigns the next id (greater than
	 *  any id ever used in this kind); otherwise it uses row[0] and fails with
	 *  ::KISCRM_EEXISTS if taken. The id is stored in @p out_id. Required. */
	int (*insert)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row,
		      kiscrm_id *out_id);
	/** Replaces the row whose id is row[0]; ::KISCRM_ENOTFOUND if absent. Required. */
	int (*update)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_value *row);
	/** Deletes a row; ::KISCRM_ENOTFOUND if absent. Required. */
	int (*remove)(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id);
	/** Calls @p cb once with the row of id @p id; ::KISCRM_ENOTFOUND if absent. Required. */
	int (*get)(kiscrm_backend *b, const kiscrm_kind_def *kind, kiscrm_id id, kiscrm_row_cb cb,
		   void *payload);
	/** Calls @p cb for each row matching @p q (NULL: all rows) in ascending id order.
	 *  Required. */
	int (*scan)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		    kiscrm_row_cb cb, void *payload);
	/** Optional accelerator: number of rows matching @p q. */
	int (*count)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
		     int64_t *out);
	/** Frees the backend and everything it holds. Required; called by the core when the
	 *  database handle is closed. */
	void (*free)(kiscrm_backend *b);

	/* ---- version 2 ---- */

	/** Optional accelerator (version 2): calls @p cb once for each distinct combination of
	 *  the wanted fields (`q->columns`, bit 0 ignored; 0 is not allowed) among the rows
	 *  matching @p q, in no particular order. The row has `kind->nfields` values: the
	 *  wanted fields, all others (the id too) NULL. Meant for fields of few values (a
	 *  record's pipeline and stage): the core asks it where one answer replaces reading
	 *  every row, and reads the rows itself when the slot is NULL. Returns like `scan`:
	 *  ::KISCRM_OK, the callback's stop value, or an error code (::KISCRM_EINVALID for
	 *  no wanted field or a NULL callback). */
	int (*distinct)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
			kiscrm_row_cb cb, void *payload);
};

/**
 * Initialises a backend struct for @p version (zeroes it and sets the version).
 * @param b the struct
 * @param version must be ::KISCRM_BACKEND_VERSION or lower, at least 1
 * @return ::KISCRM_OK or ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_backend_init(kiscrm_backend *b, unsigned int version);

/**
 * Creates the embedded SQLite backend.
 * @param[out] out the backend, owned by the caller until handed to kiscrm_db_open()
 * @param path database file; NULL or ":memory:" for a private in-memory SQLite database
 * @param busy_timeout_ms how long a writer waits for a lock before ::KISCRM_EBUSY
 *        (0: the default of 5000 ms)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL @p out, negative timeout), ::KISCRM_EBUSY
 *         (the file is locked while being opened), ::KISCRM_ESTORAGE (cannot open or not a
 *         database: the message names the path), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_backend_sqlite_new(kiscrm_backend **out, const char *path, int busy_timeout_ms);

/**
 * Creates the in-memory backend (data lives until the database is closed).
 * @param[out] out the backend, owned by the caller until handed to kiscrm_db_open()
 * @return ::KISCRM_OK or ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_backend_memory_new(kiscrm_backend **out);

/**
 * Reports a backend failure: sets the calling thread's last error and returns @p code,
 * so a backend can write `return kiscrm_backend_error(KISCRM_ESTORAGE, "…");`.
 * @param code a ::kiscrm_error_code
 * @param message text of the error, copied
 * @return @p code
 */
KISCRM_API int kiscrm_backend_error(int code, const char *message);

/**
 * Evaluates @p q against @p row, for backends that filter rows themselves.
 * @param kind the kind of the row
 * @param q the query (NULL matches everything)
 * @param row the row
 * @return 1 if the row matches, 0 if not.
 */
KISCRM_API int kiscrm_query_match(const kiscrm_kind_def *kind, const kiscrm_query *q,
				  const kiscrm_value *row);

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/record.h
 * @brief Records of every kind: typed field access, storage, iteration.
 *
 * Every entity of the data model (department, staff, customer, contact …) is a
 * ::kiscrm_record of a ::kiscrm_kind with typed fields, in the manner of Salesforce
 * sObjects and Odoo models: one set of functions creates, reads, updates, deletes,
 * iterates, imports and exports all of them. Field ids are given by the per-kind enums
 * of kiscrm/org.h, kiscrm/customer.h …; each carries its kind (::KISCRM_FIELD_ID), so an
 * accessor refuses another kind's field. Fields are only ever appended, so an id never
 * changes meaning. Names are available for dynamic callers (CSV, Python, CLI).
 *
 * Records are validated on insert and update: required fields, references to existing
 * records, configured dimension values, value lists; errors name kind, field and value.
 */
#ifndef KISCRM_RECORD_H
#define KISCRM_RECORD_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL


/** Flag of kiscrm_record_delete(): delete owned records too and clear other references. */
#define KISCRM_DELETE_CASCADE 0x1u

/**
 * Creates an empty record (all fields NULL, id 0) of a kind.
 * @param[out] out the record, owned by the caller (kiscrm_record_free())
 * @param kind a ::kiscrm_kind
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown kind), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_record_new(kiscrm_record **out, kiscrm_kind kind);

/** Frees a record. @param rec may be NULL. */
KISCRM_API void kiscrm_record_free(kiscrm_record *rec);

/**
 * Copies a record.
 * @param[out] out the copy, owned by the caller
 * @param rec the record
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_record_dup(kiscrm_record **out, const kiscrm_record *rec);

/**
 * @return kind of a record (0 if @p rec is NULL).
 * @param rec the record
 */
KISCRM_API int kiscrm_record_kind(const kiscrm_record *rec);
/**
 * @return id of a record; 0 until it is stored.
 * @param rec the record
 */
KISCRM_API kiscrm_id kiscrm_record_id(const kiscrm_record *rec);

/**
 * Sets an INT, MONEY, DATE or TIME field.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 * @param value the value
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (a field of another kind — the message names both —, a field of another type, or the id).
 */
KISCRM_API int kiscrm_record_set_int(kiscrm_record *rec, kiscrm_field field, int64_t value);
/**
 * Sets a TEXT field.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 * @param value UTF-8 text, copied; NULL sets NULL
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown field, wrong type, invalid UTF-8), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_record_set_text(kiscrm_record *rec, kiscrm_field field, const char *value);
/**
 * Sets a RATE field.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 * @param value a finite number
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown field, wrong type, NaN or infinite).
 */
KISCRM_API int kiscrm_record_set_rate(kiscrm_record *rec, kiscrm_field field, double value);
/**
 * Sets a field to NULL.
 * @param rec the record
 * @param field field index (not the id)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_record_set_null(kiscrm_record *rec, kiscrm_field field);
/**
 * Sets a field from text, converted exactly by its type: INT decimal digits, MONEY
 * decimal text (kiscrm_money_parse() with @p decimals), DATE "YYYY-MM-DD", TIME ISO-8601,
 * RATE decimal, TEXT as is. Empty text sets NULL.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 * @param text NUL-terminated text
 * @param decimals money decimals (kiscrm_config_currency_decimals())
 * @return ::KISCRM_OK, ::KISCRM_EINVALID or ::KISCRM_EOVERFLOW (message, field and value set).
 */
KISCRM_API int kiscrm_record_set_from_text(kiscrm_record *rec, kiscrm_field field, const char *text, int decimals);

/**
 * @return 1 if the field is NULL (or does not exist), else 0.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 */
KISCRM_API int kiscrm_record_is_null(const kiscrm_record *rec, kiscrm_field field);
/**
 * @return value of an INT, MONEY, DATE or TIME field; 0 when NULL or of another type.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 */
KISCRM_API int64_t kiscrm_record_int(const kiscrm_record *rec, kiscrm_field field);
/**
 * @return text of a TEXT field (borrowed from the record), NULL when NULL.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 */
KISCRM_API const char *kiscrm_record_text(const kiscrm_record *rec, kiscrm_field field);
/**
 * @return value of a RATE field; 0.0 when NULL.
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 */
KISCRM_API double kiscrm_record_rate(const kiscrm_record *rec, kiscrm_field field);
/**
 * Appends a field's value as text, the inverse of kiscrm_record_set_from_text() (NULL
 * appends nothing).
 * @param[out] out buffer appended to
 * @param rec the record
 * @param field a field id of the record's kind (e.g. ::KISCRM_CUSTOMER_NAME)
 * @param decimals money decimals
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_record_field_to_text(kiscrm_buf *out, const kiscrm_record *rec, kiscrm_field field, int decimals);

/**
 * @return table-style name of a kind ("customer"), NULL if unknown.
 * @param kind a ::kiscrm_kind
 */
KISCRM_API const char *kiscrm_kind_name(kiscrm_kind kind);
/**
 * @return kind of a name ("customer"), or ::KISCRM_ENOTFOUND.
 * @param name the name
 */
KISCRM_API int kiscrm_kind_find(const char *name);
/**
 * @return number of fields of a kind (0 if unknown); their positions are 0 … count - 1.
 * @param kind a ::kiscrm_kind
 */
KISCRM_API int kiscrm_kind_field_count(kiscrm_kind kind);
/**
 * The id of the field at a position, for callers that walk a kind's fields (bindings,
 * CSV): the same as ::KISCRM_FIELD_ID(kind, position) once checked.
 * @param kind a ::kiscrm_kind
 * @param position 0 … kiscrm_kind_field_count() - 1
 * @return the field id, or ::KISCRM_EINVALID (unknown kind or position).
 */
KISCRM_API kiscrm_field kiscrm_kind_field_id(kiscrm_kind kind, int position);
/**
 * @return name of a field (static), NULL if @p field is not a field id of @p kind.
 * @param kind a ::kiscrm_kind
 * @param field a field id of the kind
 */
KISCRM_API const char *kiscrm_kind_field_name(kiscrm_kind kind, kiscrm_field field);
/**
 * @return type of a field, ::KISCRM_TYPE_NULL if @p field is not a field id of @p kind.
 * @param kind a ::kiscrm_kind
 * @param field a field id of the kind
 */
KISCRM_API kiscrm_type kiscrm_kind_field_type(kiscrm_kind kind, kiscrm_field field);
/**
 * @return kind a reference field points at, 0 for other fields.
 * @param kind a ::kiscrm_kind
 * @param field a field id of the kind
 */
KISCRM_API int kiscrm_kind_field_ref(kiscrm_kind kind, kiscrm_field field);
/**
 * @return id of the field called @p name, ::KISCRM_ENOTFOUND, or ::KISCRM_EINVALID for an unknown kind.
 * @param kind a ::kiscrm_kind
 * @param name field name
 */
KISCRM_API kiscrm_field kiscrm_kind_field_find(kiscrm_kind kind, const char *name);

/**
 * Validates and stores a new record; its id is set in @p rec.
 * @param db the database
 * @param rec the record (id 0, or an explicit unused id)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (missing required field, bad value),
 *         ::KISCRM_ENOTFOUND (a reference to a missing record), ::KISCRM_ECONFLICT
 *         (e.g. a cycle in a tree), ::KISCRM_EEXISTS, ::KISCRM_ESTORAGE, ::KISCRM_EBUSY.
 *         Nothing is stored on failure.
 */
KISCRM_API int kiscrm_record_insert(kiscrm_db *db, kiscrm_record *rec);

/** Flag of kiscrm_record_insert_flags(): store the record as given — every rule is checked
 * and derived fields are computed, but records that a new record implies are not written
 * (an opportunity's creation entry in the stage history). For imports and bulk loads that
 * bring their own history. */
#define KISCRM_INSERT_RAW 0x1u

/**
 * kiscrm_record_insert() with flags.
 * @param db the database
 * @param rec the record
 * @param flags 0 or ::KISCRM_INSERT_RAW
 * @return as kiscrm_record_insert(); ::KISCRM_EINVALID for unknown flags.
 */
KISCRM_API int kiscrm_record_insert_flags(kiscrm_db *db, kiscrm_record *rec, unsigned int flags);

/** One field's values for kiscrm_record_insert_columns(): set the array of the field's
 *  type (`ints` for INT, MONEY in minor units, DATE as a day number and TIME in seconds;
 *  `rates` for RATE; `texts` for TEXT), one value per row. */
typedef struct kiscrm_column {
	kiscrm_field field;          /**< The field, e.g. ::KISCRM_OPPORTUNITY_AMOUNT. */
	const int64_t *ints;         /**< INT, MONEY, DATE and TIME values. */
	const double *rates;         /**< RATE values. */
	const char *const *texts;    /**< TEXT values, UTF-8; a NULL pointer is NULL. */
	const unsigned char *nulls;  /**< Optional: nonzero marks the row's value NULL (the
	                                  only way for `ints` and `rates`). */
} kiscrm_column;

/**
 * Stores @p nrows new records of @p kind given column by column: row r's record has, for
 * each column, the field set to the column's value r (fields of no column stay unset),
 * and is stored as by kiscrm_record_insert_flags() with @p flags. One call for a whole
 * batch, for bindings whose per-call cost outweighs a row's (Python's insert_many).
 *
 * The rows are stored in one transaction, all of them or none; inside the caller's
 * transaction when one is open, whose commit then refuses (::KISCRM_ECONFLICT) after a
 * failure, as after any failed write in it. The first refused row ends the call; the
 * error's message starts with "row R: " (0-based) and names the field and value as
 * kiscrm_record_insert() would.
 *
 * The arrays are read while the call runs and must not change meanwhile (the texts are
 * used in place, not copied, as each row is checked and stored); nothing of them is kept
 * after it returns.
 * @param db the database
 * @param kind the kind of the records
 * @param columns @p ncolumns columns, each of a different field (not `id`: ids are
 *        assigned)
 * @param ncolumns number of columns
 * @param nrows number of rows
 * @param flags 0 or ::KISCRM_INSERT_RAW
 * @param[out] out_stored @p nrows on success; on failure the rows stored before it
 *        (the refused row's index; they are rolled back with the transaction); may be
 *        NULL
 * @return as kiscrm_record_insert(); ::KISCRM_EINVALID also for a NULL @p columns with
 *         columns to read, an unknown field, the `id` field, a field given twice, a
 *         column without the array of its field's type, or unknown flags.
 */
KISCRM_API int kiscrm_record_insert_columns(kiscrm_db *db, kiscrm_kind kind, const kiscrm_column *columns,
					    size_t ncolumns, size_t nrows, unsigned int flags, size_t *out_stored);

/**
 * Validates and stores changes of a record (matched by id). In one transaction the stored
 * row is read again and only the fields set (kiscrm_record_set_*()) since @p rec was read
 * or last stored are applied to it; fields not set keep their stored values, even if
 * another writer changed them after @p rec was read. The result is checked and its
 * derived fields computed like any change, and on success @p rec holds the stored row.
 * On failure nothing is stored and @p rec is unchanged.
 * @param db the database
 * @param rec the record
 * @return as kiscrm_record_insert(); ::KISCRM_ENOTFOUND if no record has that id.
 */
KISCRM_API int kiscrm_record_update(kiscrm_db *db, kiscrm_record *rec);

/**
 * Reads a record.
 * @param[out] out the record, owned by the caller
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param id its id
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_record_get(kiscrm_record **out, kiscrm_db *db, kiscrm_kind kind, kiscrm_id id);

/**
 * Deletes a record. Without ::KISCRM_DELETE_CASCADE, a record that others refer to is
 * refused (::KISCRM_ECONFLICT, the message names one referring record). With it, owned
 * records (a customer's contacts and attributes …) are deleted too and other references
 * (an owner) are cleared — all in one transaction.
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param id its id
 * @param flags 0 or ::KISCRM_DELETE_CASCADE
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_ECONFLICT, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_record_delete(kiscrm_db *db, kiscrm_kind kind, kiscrm_id id, unsigned int flags);

/** Comparison operators of a filter condition (::kiscrm_filter_cond) and of a backend
 * query condition (kiscrm/sys/backend.h). */
typedef enum kiscrm_op {
	KISCRM_OP_EQ = 1,       /**< field = value (NULL value: field IS NULL). */
	KISCRM_OP_NE = 2,       /**< field <> value (NULL field never matches). */
	KISCRM_OP_LT = 3,       /**< field < value. */
	KISCRM_OP_LE = 4,       /**< field <= value. */
	KISCRM_OP_GT = 5,       /**< field > value. */
	KISCRM_OP_GE = 6,       /**< field >= value. */
	KISCRM_OP_CONTAINS = 7  /**< TEXT field contains value as a byte substring. */
} kiscrm_op;

/**
 * One condition of a ::kiscrm_filter (version 2): a field of the kind compared with a
 * value. Conditions use the backend's indexes (an equality on an indexed field such as
 * `opportunity_id` reads only the matching rows).
 *
 * The value's type must be the field's type (::KISCRM_TYPE_MONEY in minor units for a
 * money field, ::KISCRM_TYPE_DATE for a date …), or ::KISCRM_TYPE_NULL with
 * ::KISCRM_OP_EQ ("is NULL") or ::KISCRM_OP_NE ("is not NULL"). ::KISCRM_OP_CONTAINS
 * applies to TEXT fields only. A NULL field matches no other condition.
 */
typedef struct kiscrm_filter_cond {
	int field; /**< Field id of the kind (e.g. ::KISCRM_COLLECTION_PLAN_CONTRACT_ID). */
	int op;    /**< A ::kiscrm_op. */
	int type;  /**< A ::kiscrm_type: which member of @p value is set. */
	union {
		int64_t i;     /**< INT, MONEY (minor units), DATE (days), TIME (seconds). */
		double r;      /**< RATE, finite. */
		const char *s; /**< TEXT, NUL-terminated UTF-8, borrowed for the call. */
	} value;           /**< The value compared with. */
} kiscrm_filter_cond;

/**
 * Filter of kiscrm_iter_new(). Each criterion applies to the field of the same name and
 * is ignored when left at its "any" value; a criterion on a field the kind lacks is an
 * error. Version 2 adds a list of conditions on any field. All criteria and conditions
 * must hold (AND). Fields are only ever appended; the library reads only the fields of
 * the caller's version.
 */
typedef struct kiscrm_filter {
	unsigned int version;      /**< ::KISCRM_FILTER_VERSION. */
	kiscrm_id owner_id;        /**< `owner_id` equals (0: any). */
	kiscrm_id department_id;   /**< `department_id` equals (0: any). */
	kiscrm_id customer_id;     /**< `customer_id` equals (0: any). */
	const char *region;        /**< `region` equals (NULL: any). */
	const char *industry;      /**< `industry` equals (NULL: any). */
	int key_account;           /**< `key_account` equals 0 or 1 (-1: any). */
	const char *name_contains; /**< `name` contains this text (NULL: any). */
	int active;                /**< `active` equals 0 or 1 (-1: any). */
	/* version 2 */
	size_t ncond;                    /**< Number of @p conds (version 2). */
	const kiscrm_filter_cond *conds; /**< Conditions on any field, borrowed for the
	                                      kiscrm_iter_new() call (version 2). */
} kiscrm_filter;

/** Current version of ::kiscrm_filter. */
#define KISCRM_FILTER_VERSION 2
/** Initialiser of a ::kiscrm_filter that matches everything. */
#define KISCRM_FILTER_INIT { KISCRM_FILTER_VERSION, 0, 0, 0, NULL, NULL, -1, NULL, -1, 0, NULL }

/**
 * Initialises a filter that matches everything.
 * @param filter the struct
 * @param version ::KISCRM_FILTER_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_filter_init(kiscrm_filter *filter, unsigned int version);

/**
 * Starts iterating over the records of a kind, in ascending id order.
 * @param[out] out the iterator, owned by the caller (kiscrm_iter_free())
 * @param db the database; must outlive the iterator
 * @param kind a ::kiscrm_kind
 * @param filter criteria, NULL for all records
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown kind, criterion on a missing field, a
 *         condition with a field out of range, an unknown operator, an operator the field's
 *         type does not support or a value of another type: the message names kind,
 *         field and value), ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_iter_new(kiscrm_iter **out, kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter);

/**
 * Counts the records of a kind that a filter matches (what kiscrm_iter_new() would
 * yield), letting the storage backend count without reading the records.
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param filter criteria, NULL for all records
 * @param[out] out the number of matching records; untouched on error
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown kind, criterion on a missing field, NULL
 *         db or out), ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_record_count(kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter, int64_t *out);

/**
 * Advances an iterator.
 * @param[out] out the next record, borrowed: valid until the next call or kiscrm_iter_free()
 * @param it the iterator
 * @return ::KISCRM_OK, ::KISCRM_ITEROVER at the end, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_iter_next(const kiscrm_record **out, kiscrm_iter *it);

/** Frees an iterator. @param it may be NULL. */
KISCRM_API void kiscrm_iter_free(kiscrm_iter *it);

KISCRM_END_DECL

#endif

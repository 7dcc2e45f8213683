/**
 * @file kiscrm/csv.h
 * @brief Importing and exporting records of any kind as CSV (RFC 4180).
 *
 * The columns of a CSV file are the documented field names of a kind
 * (kiscrm_kind_field_name(), e.g. `name`, `owner_id`, `amount`), in any order; fields
 * without a column are left NULL. An export writes every field, `id` first, so that
 * export → import (with ::KISCRM_IMPORT_KEEP_IDS | ::KISCRM_IMPORT_RAW, kinds in
 * dependency order) gives back the same records, byte for byte when exported again.
 *
 * Cell values are converted exactly as kiscrm_record_set_from_text() does: money as
 * decimal text with at most kiscrm_config_currency_decimals() decimals ("1234.56"),
 * dates "YYYY-MM-DD", times "YYYY-MM-DDTHH:MM:SSZ", integers in decimal. An empty cell
 * is NULL; a quoted empty cell (`""`) is the empty text of a TEXT field.
 *
 * A reference can be given by id (column `customer_id`: the id of a stored record) or
 * by natural key, in a column named like the reference field without its `_id` suffix
 * (`customer`, `owner`, `department`, `manager`, `contact`, `opportunity`, `contract`,
 * `parent`, `lead`, `by`). Natural keys are: a customer's name (exactly, else its
 * normalised name, see kiscrm_customer_normalize_name()); the name of a department,
 * staff member, contact or lead; an opportunity's `external_ref`, else its name; a
 * contract's `number`. A key matching no record or several records is a row error.
 * The field `reports_to` of contacts takes a contact id or, when not a number, a
 * contact's name. Where a kind has a text field of the same name (a contact's
 * `department`), the column is that field.
 */
#ifndef KISCRM_CSV_H
#define KISCRM_CSV_H

#include "common.h"
#include "types.h"
#include "record.h"

KISCRM_BEGIN_DECL

/**
 * Import flag: an `id` column gives the records explicit ids (a taken id is a row
 * error). Without it an `id` column is ignored and ids are assigned. With it, a
 * reference of a record to another record of the same kind further down the file
 * (a department's `parent_id` …) is resolved once every row is in.
 */
#define KISCRM_IMPORT_KEEP_IDS 0x1u

/**
 * Import flag: the records are as exported, with what the library derives already in
 * them. For opportunities, the automatic creation entry of the stage history is not
 * written: the exported `stage_history` carries it and is imported after them.
 */
#define KISCRM_IMPORT_RAW 0x2u

/** Options of kiscrm_csv_import(). Fields are only ever appended. */
typedef struct kiscrm_import_options {
	unsigned int version;  /**< ::KISCRM_IMPORT_OPTIONS_VERSION. */
	const char *encoding;  /**< Encoding of the file: "utf-8" (NULL: the default; a
	                            byte-order mark is accepted and skipped) or any name
	                            iconv(3) knows, e.g. "gbk" for files saved by Chinese
	                            Excel. Text is stored as UTF-8. */
	int dry_run;           /**< Non-zero: check every row as a real import would,
	                            then write nothing. */
	size_t max_errors;     /**< Bad rows to report before giving up on the rest of the
	                            file (0: no limit). Default 20. */
	unsigned int flags;    /**< ::KISCRM_IMPORT_KEEP_IDS, ::KISCRM_IMPORT_RAW. */
} kiscrm_import_options;

/** Current version of ::kiscrm_import_options. */
#define KISCRM_IMPORT_OPTIONS_VERSION 1
/** Initialiser of ::kiscrm_import_options with the defaults. */
#define KISCRM_IMPORT_OPTIONS_INIT { KISCRM_IMPORT_OPTIONS_VERSION, NULL, 0, 20, 0 }

/**
 * Initialises import options with the defaults (for callers that cannot use the macro).
 * @param opts the struct to fill
 * @param version ::KISCRM_IMPORT_OPTIONS_VERSION the caller was built with
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL @p opts), ::KISCRM_EVERSION (unknown version).
 */
KISCRM_API int kiscrm_import_options_init(kiscrm_import_options *opts, unsigned int version);

/**
 * Imports the records of a CSV file, atomically: every row is checked and stored in
 * one transaction, and if any row is bad nothing at all is written.
 *
 * The first line is the header (see the file comment for column names and values).
 * An unknown or repeated column is reported before any row is read. A bad row (a
 * value that does not convert, a reference that matches nothing or several records,
 * a record the store refuses, a row with more or fewer fields than the header, a
 * byte sequence invalid in the encoding) is reported and the next row is checked,
 * until @p opts->max_errors bad rows have been found. Rows may refer to records of
 * earlier rows of the same file. Quoted fields may hold commas, quotes ("") and line
 * breaks; lines end with LF or CRLF; blank lines are skipped.
 *
 * On ::KISCRM_EIMPORT, kiscrm_error_last() names the file, line, column and value of
 * the first bad row and says how many rows were bad; @p errors lists them all.
 *
 * @param[out] imported if not NULL, the number of records stored (or that would have
 *        been stored in a dry run); 0 on failure
 * @param[out] errors if not NULL, receives on ::KISCRM_OK and ::KISCRM_EIMPORT a new
 *        table "import_errors", owned by the caller (kiscrm_table_free()), with one row
 *        per bad row in file order, columns `row` (INT: line of the file where the row
 *        starts, the header being line 1), `column` (TEXT: the column concerned, NULL
 *        when the whole row is bad), `value` (TEXT: the cell's text, NULL if none) and
 *        `reason` (TEXT: the error message); empty when no row was bad. NULL otherwise.
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param path the file to read
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK; ::KISCRM_EIMPORT (bad header or rows: nothing was written);
 *         ::KISCRM_ENOTFOUND (no such file); ::KISCRM_ESTORAGE (the file cannot be read,
 *         or the database failed); ::KISCRM_EINVALID (NULL arguments, unknown kind or
 *         encoding, a dry run inside a transaction); ::KISCRM_EVERSION (options);
 *         ::KISCRM_EBUSY; ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_import(size_t *imported, kiscrm_table **errors, kiscrm_db *db, int kind,
				 const char *path, const kiscrm_import_options *opts);

/**
 * Imports records from CSV text in memory, exactly as kiscrm_csv_import() does with a
 * file (for bindings and tests).
 * @param[out] imported as kiscrm_csv_import()
 * @param[out] errors as kiscrm_csv_import()
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param data the bytes of the CSV text (in @p opts->encoding); need not be NUL-terminated
 * @param len number of bytes in @p data
 * @param name name used for the text in error messages (NULL: "(data)")
 * @param opts options, NULL for the defaults
 * @return as kiscrm_csv_import() (never ::KISCRM_ENOTFOUND for a file).
 */
KISCRM_API int kiscrm_csv_import_data(size_t *imported, kiscrm_table **errors, kiscrm_db *db,
				      int kind, const char *data, size_t len, const char *name,
				      const kiscrm_import_options *opts);

/**
 * Writes the records of a kind as CSV: a header of all field names (`id` first, in
 * field order), then one line per record in ascending id order; values as
 * kiscrm_record_field_to_text() gives them (money exact without separators, dates
 * ISO), NULL as an empty field, empty text as `""`. Fields holding ',', '"', CR or LF
 * are quoted (RFC 4180); UTF-8 without byte-order mark; lines end with "\n".
 * @param[out] out buffer the text is appended to; dispose with kiscrm_buf_dispose()
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param filter records to write (see kiscrm_iter_new()), NULL for all
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, unknown kind, filter on a field
 *         the kind lacks), ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_export(kiscrm_buf *out, kiscrm_db *db, int kind, const kiscrm_filter *filter);

/**
 * Writes the records of a kind to a CSV file, as kiscrm_csv_export() does; the file
 * is created or truncated, and removed again if writing fails.
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param path the file to write
 * @param filter records to write, NULL for all
 * @return as kiscrm_csv_export(); ::KISCRM_ESTORAGE also when the file cannot be written
 *         (the message names the path).
 */
KISCRM_API int kiscrm_csv_export_file(kiscrm_db *db, int kind, const char *path, const kiscrm_filter *filter);

KISCRM_END_DECL

#endif

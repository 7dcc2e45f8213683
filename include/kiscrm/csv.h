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
 * **Files made by Chinese Excel.** The importer also takes what such a file holds:
 * - a header cell may be a field's display name instead of its name: the Chinese or
 *   English label of the field (labels.yaml `fields:` section for the kind, else its
 *   `columns:` label; English compared ignoring ASCII case), e.g. `客户名称` for a
 *   customer's `name`, `负责人` for the natural-key column `owner`;
 * - dates written `YYYY/M/D` or `YYYY/MM/DD` (`2026/1/5`, `2026/12/20`);
 * - money with a leading `￥` (U+FFE5) or `¥` (U+00A5), before or after the sign, and
 *   thousands separators (`￥1,234,567.89`), never rounded: more decimals than the
 *   currency has stay an error;
 * - integers with thousands separators (`1,200`);
 * - in a field whose values come from a configured list — `region`, `industry`,
 *   `business_line`, `product_line` (dimensions.yaml), `pipeline` and the stage fields
 *   `stage`, `from_stage`, `to_stage` (pipelines.yaml, stages of the row's pipeline or
 *   the default one) — the key or its Chinese or English display name (`华中` →
 *   `central`, `商机(提问)阶段` → `opportunity`); the key is stored. A value that is none of
 *   these, in a list that has entries, is a row error naming the value and the column
 *   (even where the list is not `strict`: a misspelt region would otherwise become a new
 *   region in every report), or with ::KISCRM_IMPORT_WARN_UNLISTED a warning and the
 *   value stored as written. With ::KISCRM_IMPORT_RAW values are taken exactly as
 *   exported: no display name is translated and unlisted values of non-strict lists are
 *   accepted (they were stored before).
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
 *
 * **Spreadsheet formulas.** Spreadsheets run a cell that starts with `=`, `+`, `-`, `@`,
 * tab or carriage return as a formula. Every CSV writer of the library therefore writes
 * a TEXT cell (and a header cell) that starts with one of them — after any number of
 * single quotes — with one more single quote in front (the OWASP rule): `=1+1` is
 * written `'=1+1`, `'=x` is written `''=x`. Cells of numbers, money, rates, dates and
 * times are written as they are (`-12.50` stays a number in the spreadsheet): their text
 * is made by the library and is never a formula. Every CSV reader of the library takes
 * exactly that quote away again — one leading `'` when the rest of the cell starts, after
 * any single quotes, with one of those characters — in every column, so export → import
 * gives back the exact text, and a money cell `'-12.50` written by another tool imports
 * as -12.50. ::KISCRM_CSV_RAW_CELLS writes the raw text instead (see doc/csv.md).
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

/**
 * Import flag: a value of a configured list (see the file comment) that is neither a key
 * nor a display name is stored as written and reported as a warning (a row of the
 * `errors` table with `severity` "warning") instead of being a row error. Values of
 * `strict` lists and stages are refused all the same (the store cannot hold them).
 */
#define KISCRM_IMPORT_WARN_UNLISTED 0x4u

/** Options of kiscrm_csv_import(). Fields are only ever appended. */
typedef struct kiscrm_import_options {
	unsigned int version;  /**< ::KISCRM_IMPORT_OPTIONS_VERSION. */
	const char *encoding;  /**< Encoding of the file: "utf-8" (NULL: the default; a
	                            byte-order mark is accepted and skipped; "utf-8-bom"
	                            means the same) or any name
	                            iconv(3) knows, e.g. "gbk" for files saved by Chinese
	                            Excel. Text is stored as UTF-8. */
	int dry_run;           /**< Non-zero: check every row as a real import would,
	                            then write nothing. */
	size_t max_errors;     /**< Bad rows to report before giving up on the rest of the
	                            file (0: no limit). Default 20. */
	unsigned int flags;    /**< ::KISCRM_IMPORT_KEEP_IDS, ::KISCRM_IMPORT_RAW,
	                            ::KISCRM_IMPORT_WARN_UNLISTED. */
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
 *        when the whole row is bad), `value` (TEXT: the cell's text, NULL if none),
 *        `reason` (TEXT: the error message) and `severity` (TEXT: "error", or "warning"
 *        for a row kept under ::KISCRM_IMPORT_WARN_UNLISTED — warnings neither fail the
 *        import nor count towards `max_errors`); empty when no row was bad. NULL
 *        otherwise.
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
KISCRM_API int kiscrm_csv_import(size_t *imported, kiscrm_table **errors, kiscrm_db *db, kiscrm_kind kind,
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
				      kiscrm_kind kind, const char *data, size_t len, const char *name,
				      const kiscrm_import_options *opts);

/**
 * CSV writer flag: write every cell's text as it is, without the single quote that
 * neutralises a spreadsheet formula (see the file comment). For programs that read the
 * CSV themselves and must see `=`, `+`, `-`, `@` at the start of a text unchanged; such a
 * file is not safe to open in a spreadsheet, and a text starting with `'` followed by one
 * of those characters loses that quote when imported again.
 */
#define KISCRM_CSV_RAW_CELLS 0x1u

/** Options of the CSV writers (kiscrm_csv_export() …). Fields are only appended. */
typedef struct kiscrm_csv_write_options {
	unsigned int version; /**< ::KISCRM_CSV_WRITE_OPTIONS_VERSION. */
	unsigned int flags;   /**< ::KISCRM_CSV_RAW_CELLS; 0 (the default) neutralises
	                           formula-looking text cells. */
	/** Version 2. Encoding of the text written (ASCII case ignored):
	 *  - NULL or "utf-8" (the default): UTF-8 without byte-order mark;
	 *  - "utf-8-bom": UTF-8 starting with the byte-order mark EF BB BF, which Excel needs
	 *    to recognise UTF-8 when it opens a CSV file by double-click (written at the start
	 *    of the text a call appends);
	 *  - "gbk": GBK (code page 936), the encoding Chinese Excel writes and reads by
	 *    default. A character GBK lacks (an emoji, a CJK extension character such as 𠀀)
	 *    is ::KISCRM_EINVALID naming the data row (1-based, the header not counted; 0
	 *    for the header), the file line, the column name and the cell, and nothing is
	 *    written.
	 *  Anything else is ::KISCRM_EINVALID. kiscrm_csv_write_row() writes UTF-8 only. */
	const char *encoding;
} kiscrm_csv_write_options;

/** Current version of ::kiscrm_csv_write_options (2 added `encoding`). */
#define KISCRM_CSV_WRITE_OPTIONS_VERSION 2
/** Initialiser of ::kiscrm_csv_write_options with the defaults. */
#define KISCRM_CSV_WRITE_OPTIONS_INIT { KISCRM_CSV_WRITE_OPTIONS_VERSION, 0, NULL }

/**
 * Initialises CSV writer options with the defaults (for callers that cannot use the
 * macro).
 * @param opts the struct to fill
 * @param version ::KISCRM_CSV_WRITE_OPTIONS_VERSION the caller was built with
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL @p opts), ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_csv_write_options_init(kiscrm_csv_write_options *opts, unsigned int version);

/**
 * Writes the records of a kind as CSV: a header of all field names (`id` first, in
 * field order), then one line per record in ascending id order; values as
 * kiscrm_record_field_to_text() gives them (money exact without separators, dates
 * ISO), NULL as an empty field, empty text as `""`. Fields holding ',', '"', CR or LF
 * are quoted (RFC 4180); UTF-8 without byte-order mark; lines end with "\n". Text
 * cells that a spreadsheet would run as a formula get a leading `'` (see the file
 * comment; ::KISCRM_CSV_RAW_CELLS writes them raw on request).
 * @param[out] out buffer the text is appended to; dispose with kiscrm_buf_dispose()
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param filter records to write (see kiscrm_iter_new()), NULL for all
 * @param opts writer options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, unknown kind, filter on a field
 *         the kind lacks, unknown flags), ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_export(kiscrm_buf *out, kiscrm_db *db, kiscrm_kind kind, const kiscrm_filter *filter,
				 const kiscrm_csv_write_options *opts);

/**
 * Writes the records of a kind to a CSV file, as kiscrm_csv_export() does.
 *
 * The text is written to a new temporary file in the directory of @p path, which is
 * renamed over @p path only once everything is written and flushed to disk: on any
 * error the temporary file is removed and @p path is left exactly as it was (an existing
 * file keeps its contents; no file is created). An existing @p path keeps its permission
 * bits; a new one gets 0666 less the umask. A symbolic link is followed (the file it
 * points at is replaced). A @p path that is the open database file or one of its
 * companion files (`-wal`, `-shm`, `-journal`) — compared by device and inode when the
 * file exists and by resolved path otherwise — is refused with ::KISCRM_EINVALID, as is
 * an existing path that is not a regular file.
 * @param db the database
 * @param kind a ::kiscrm_kind
 * @param path the file to write
 * @param filter records to write, NULL for all
 * @param opts writer options, NULL for the defaults
 * @return as kiscrm_csv_export(); ::KISCRM_ESTORAGE also when the file cannot be written
 *         (the message names the path); ::KISCRM_EINVALID for a refused @p path.
 */
KISCRM_API int kiscrm_csv_export_file(kiscrm_db *db, kiscrm_kind kind, const char *path, const kiscrm_filter *filter,
				      const kiscrm_csv_write_options *opts);


/**
 * kiscrm_table_write_csv() with writer options: text columns and the header follow
 * @p opts (neutralised by default), other columns are written as they are.
 * @param[out] out buffer the text is appended to
 * @param table the table
 * @param opts options, NULL for the defaults
 * @return as kiscrm_table_write_csv(); ::KISCRM_EVERSION or ::KISCRM_EINVALID for bad
 *         options.
 */
KISCRM_API int kiscrm_table_write_csv_with(kiscrm_buf *out, const kiscrm_table *table,
					   const kiscrm_csv_write_options *opts);

/**
 * Appends one CSV record: the fields separated by commas, then "\n". Each field is
 * neutralised as a text cell unless @p opts has ::KISCRM_CSV_RAW_CELLS, then quoted when
 * it holds ',', '"', CR or LF (quotes doubled). For programs that build CSV for
 * kiscrm_csv_import_data(): what this writes, the library's readers give back exactly.
 * A NULL or empty field is written as an empty field (which the importer reads as NULL).
 * @param[out] out buffer the record is appended to; unchanged on error
 * @param fields @p n UTF-8 texts (each may be NULL)
 * @param n number of fields, at least 1
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, @p n 0, unknown flags),
 *         ::KISCRM_EVERSION, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_write_row(kiscrm_buf *out, const char *const *fields, size_t n,
				    const kiscrm_csv_write_options *opts);

/**
 * A CSV reader: the RFC 4180 reader of kiscrm_csv_import(), for programs that read CSV
 * files of their own layout (such as `kiscrm import maven`). Records are read one at a
 * time with kiscrm_csv_reader_next(); blank lines are skipped; quoted fields may hold
 * commas, doubled quotes and line breaks; lines end with LF, CRLF or CR. A field that a
 * library CSV writer neutralised is given back without its added quote (see the file
 * comment). Malformed input is an error, never a silent end of the data: bytes invalid
 * in the encoding (kiscrm_csv_reader_new()), a quoted field never closed (a stray
 * quote), text after a closing quote, or a NUL byte (kiscrm_csv_reader_next()).
 */
typedef struct kiscrm_csv_reader kiscrm_csv_reader;

/**
 * Creates a reader over CSV text; the reader keeps its own UTF-8 copy of @p data.
 * @param[out] out the reader, owned by the caller (kiscrm_csv_reader_free())
 * @param data the bytes, in @p encoding; need not be NUL-terminated
 * @param len number of bytes
 * @param name name of the input in error messages (a file name; NULL: "(data)")
 * @param encoding NULL or "utf-8" (a byte-order mark is skipped), or any iconv(3) name
 * @return ::KISCRM_OK; ::KISCRM_EINVALID (NULL arguments, unknown encoding, bytes invalid
 *         in the encoding: the error names @p name and the line); ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_reader_new(kiscrm_csv_reader **out, const char *data, size_t len,
				     const char *name, const char *encoding);

/**
 * Reads the next non-blank record.
 * @param r the reader
 * @return ::KISCRM_OK (a record: kiscrm_csv_reader_field_count(),
 *         kiscrm_csv_reader_field()); ::KISCRM_ITEROVER at the end of the data;
 *         ::KISCRM_EINVALID for a malformed record — kiscrm_error_last() gives the input
 *         name (`file`), the `line` and the `column` (the 1-based field number) and the
 *         reader is past the record, so that the next call reads on; ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_csv_reader_next(kiscrm_csv_reader *r);

/**
 * Number of fields of the current record.
 * @param r the reader, may be NULL
 * @return the count; 0 without a current record.
 */
KISCRM_API size_t kiscrm_csv_reader_field_count(const kiscrm_csv_reader *r);

/**
 * Text of a field of the current record, valid until the next kiscrm_csv_reader_next().
 * @param r the reader, may be NULL
 * @param i field index, from 0
 * @return the UTF-8 text (empty for an empty field); NULL without a current record or
 *         when @p i is out of range.
 */
KISCRM_API const char *kiscrm_csv_reader_field(const kiscrm_csv_reader *r, size_t i);

/**
 * Line (1-based) where the record last read starts — also after an error.
 * @param r the reader, may be NULL
 * @return the line; 0 before the first record or for NULL.
 */
KISCRM_API int kiscrm_csv_reader_line(const kiscrm_csv_reader *r);

/**
 * Frees a reader.
 * @param r may be NULL
 */
KISCRM_API void kiscrm_csv_reader_free(kiscrm_csv_reader *r);

KISCRM_END_DECL

#endif

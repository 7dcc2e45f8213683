/**
 * @file kiscrm/table.h
 * @brief The result of every report: named, typed columns and rows, with CSV, JSON and
 *        aligned text output.
 */
#ifndef KISCRM_TABLE_H
#define KISCRM_TABLE_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Kinds of rows, so that printers can set totals apart. */
typedef enum kiscrm_row_kind {
	KISCRM_ROW_DETAIL = 0,   /**< An ordinary row. */
	KISCRM_ROW_SUBTOTAL = 1, /**< A sub-total of the detail rows above it. */
	KISCRM_ROW_TOTAL = 2     /**< A grand total. */
} kiscrm_row_kind;

/**
 * Creates an empty table.
 * @param[out] out the new table, owned by the caller (free with kiscrm_table_free())
 * @param name the report name, copied (e.g. "funnel")
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_new(kiscrm_table **out, const char *name);

/** Frees a table. @param table may be NULL. */
KISCRM_API void kiscrm_table_free(kiscrm_table *table);

/**
 * Appends a column. Columns must be added before the first row.
 * @param table the table
 * @param name column name, copied; unique within the table
 * @param type a ::kiscrm_type other than ::KISCRM_TYPE_NULL
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (bad type, rows already added),
 *         ::KISCRM_EEXISTS (duplicate name), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_add_column(kiscrm_table *table, const char *name, kiscrm_type type);

/**
 * Appends a row whose cells are all NULL.
 * @param table the table
 * @param kind a ::kiscrm_row_kind
 * @return the new row's index (≥ 0), or ::KISCRM_EINVALID / ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_add_row(kiscrm_table *table, kiscrm_row_kind kind);

/**
 * Sets an integer-like cell (columns of type INT, MONEY, DATE or TIME).
 * @param table the table
 * @param row row index
 * @param col column index
 * @param value the value
 * @return ::KISCRM_OK or ::KISCRM_EINVALID (index out of range, column of another type).
 */
KISCRM_API int kiscrm_table_set_int(kiscrm_table *table, size_t row, size_t col, int64_t value);

/**
 * Sets a TEXT cell.
 * @param table the table
 * @param row row index
 * @param col column index
 * @param value UTF-8 text, copied; NULL sets the cell to NULL
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (bad index, wrong type, invalid UTF-8), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_set_text(kiscrm_table *table, size_t row, size_t col, const char *value);

/**
 * Sets a RATE cell. Non-finite values are stored as NULL, so a table never holds NaN.
 * @param table the table
 * @param row row index
 * @param col column index
 * @param value the rate
 * @return ::KISCRM_OK or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_table_set_rate(kiscrm_table *table, size_t row, size_t col, double value);

/**
 * Sets a cell to NULL.
 * @param table the table
 * @param row row index
 * @param col column index
 * @return ::KISCRM_OK or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_table_set_null(kiscrm_table *table, size_t row, size_t col);

/**
 * @return the table's name (borrowed).
 * @param table the table
 */
KISCRM_API const char *kiscrm_table_name(const kiscrm_table *table);
/**
 * @return number of columns.
 * @param table the table (NULL gives 0)
 */
KISCRM_API size_t kiscrm_table_column_count(const kiscrm_table *table);
/**
 * @return number of rows.
 * @param table the table (NULL gives 0)
 */
KISCRM_API size_t kiscrm_table_row_count(const kiscrm_table *table);
/**
 * @return name of a column (borrowed), or NULL if out of range.
 * @param table the table
 * @param col index
 */
KISCRM_API const char *kiscrm_table_column_name(const kiscrm_table *table, size_t col);
/**
 * Display name of a column in a language. Every column of every report has a Chinese and
 * an English label from the configuration's column-label catalogue (labels.yaml, see
 * the configuration documentation); a table made with kiscrm_table_new() has none.
 * @param table the table
 * @param col index
 * @param lang "zh" for Chinese; "en" or NULL for English
 * @return the label (borrowed from the table), the column name when the column has no
 *         label, NULL if @p col is out of range.
 */
KISCRM_API const char *kiscrm_table_column_label(const kiscrm_table *table, size_t col, const char *lang);
/**
 * Chooses what kiscrm_table_write_csv() and kiscrm_table_write_text() print as column
 * headers: the column names (the default, stable keys for programs) or the labels of a
 * language (kiscrm_table_column_label()) for people. JSON always carries the names.
 * @param table the table
 * @param lang "zh", "en", or NULL for the column names
 * @return ::KISCRM_OK or ::KISCRM_EINVALID (NULL table, another language).
 */
KISCRM_API int kiscrm_table_set_header_lang(kiscrm_table *table, const char *lang);
/**
 * @return type of a column, ::KISCRM_TYPE_NULL if out of range.
 * @param table the table
 * @param col index
 */
KISCRM_API kiscrm_type kiscrm_table_column_type(const kiscrm_table *table, size_t col);
/**
 * Index of the column named @p name.
 * @param table the table
 * @param name column name
 * @return the index (≥ 0) or ::KISCRM_ENOTFOUND.
 */
KISCRM_API int kiscrm_table_column_index(const kiscrm_table *table, const char *name);
/**
 * @return kind of a row (::kiscrm_row_kind), DETAIL if out of range.
 * @param table the table
 * @param row index
 */
KISCRM_API kiscrm_row_kind kiscrm_table_row_kind(const kiscrm_table *table, size_t row);
/**
 * @return 1 if the cell is NULL or out of range, else 0.
 * @param table the table
 * @param row row
 * @param col column
 */
KISCRM_API int kiscrm_table_is_null(const kiscrm_table *table, size_t row, size_t col);
/**
 * @return value of an INT, MONEY, DATE or TIME cell; 0 if NULL or of another type.
 * @param table the table
 * @param row row
 * @param col column
 */
KISCRM_API int64_t kiscrm_table_int(const kiscrm_table *table, size_t row, size_t col);
/**
 * @return text of a TEXT cell (borrowed from the table), NULL if NULL or of another type.
 * @param table the table
 * @param row row
 * @param col column
 */
KISCRM_API const char *kiscrm_table_text(const kiscrm_table *table, size_t row, size_t col);
/**
 * @return value of a RATE cell; 0.0 if NULL or of another type.
 * @param table the table
 * @param row row
 * @param col column
 */
KISCRM_API double kiscrm_table_rate(const kiscrm_table *table, size_t row, size_t col);

/**
 * Number of notes of a table. A report adds a note when its result needs a word that no
 * row can carry — e.g. why snapshot-diff is empty, or that it compared the live table.
 * Notes are in the report's language; kiscrm_table_write_text() prints them after the
 * rows; CSV and JSON do not carry them.
 * @param table the table (NULL gives 0)
 * @return the number of notes.
 */
KISCRM_API size_t kiscrm_table_note_count(const kiscrm_table *table);
/**
 * A note of a table (see kiscrm_table_note_count()).
 * @param table the table
 * @param i index, 0 … kiscrm_table_note_count() − 1
 * @return the note's UTF-8 text (borrowed from the table), NULL if out of range.
 */
KISCRM_API const char *kiscrm_table_note(const kiscrm_table *table, size_t i);

/**
 * Sets the number of decimals money is printed with (default 2).
 * @param table the table
 * @param decimals 0..6
 * @return ::KISCRM_OK or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_table_set_money_decimals(kiscrm_table *table, int decimals);

/**
 * Writes the table as RFC 4180 CSV: a header row of column names (or labels, see
 * kiscrm_table_set_header_lang()), then one line per row;
 * money as exact decimal text without thousands separators, dates ISO, rates with up to
 * 10 significant digits, NULL as an empty field. Fields containing ',', '"', CR or LF are
 * quoted. UTF-8 is written unchanged. A text cell or column name that a spreadsheet would
 * run as a formula (starting with =, +, -, @, tab or CR) gets a leading single quote;
 * see kiscrm/csv.h, and kiscrm_table_write_csv_with() for raw output.
 * @param[out] out buffer the text is appended to; dispose with kiscrm_buf_dispose()
 * @param table the table
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_write_csv(kiscrm_buf *out, const kiscrm_table *table);

/**
 * Writes the table as JSON of exactly this shape:
 * `{"columns":[{"name":"…","type":"text|int|money|date|rate|time"},…],"rows":[[…],…]}`.
 * Money is an exact decimal string ("1234.56"), dates and times ISO strings, rates
 * numbers, ints numbers, NULL null. Strings are escaped per RFC 8259, UTF-8 kept as is.
 * @param[out] out buffer the text is appended to
 * @param table the table
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_write_json(kiscrm_buf *out, const kiscrm_table *table);

/**
 * Writes the table for a terminal: columns aligned by display width (a CJK character is
 * two columns), numbers right-aligned, money with thousands separators, rates with two
 * decimals, a rule under the header and before total rows, then the table's notes
 * (kiscrm_table_note()) after a blank line. Headers are the column names, or labels
 * after kiscrm_table_set_header_lang().
 * @param[out] out buffer the text is appended to
 * @param table the table
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_table_write_text(kiscrm_buf *out, const kiscrm_table *table);

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/doc.h
 * @brief Documents: the weekly, monthly and quarterly meeting packs as titled sections of
 *        tables, notes and chart data, and their renderers (text, HTML, CSV, XLSX).
 *
 * A pack is built by the library from its reports (kiscrm_pack()), so that an ERP
 * program, the Python binding and the `kiscrm` tool show the same thing. A document is
 * read-only: its title, then sections in order, each with a title, at most one table
 * (borrowed ::kiscrm_table, columns named by their display names in the pack's
 * language), notes, and optionally a chart drawn over the table's detail rows. The
 * renderers (kiscrm_doc_render(), kiscrm_doc_write_file()) are deterministic: the same
 * database, options and date give the same bytes. See doc/packs.md.
 */
#ifndef KISCRM_DOC_H
#define KISCRM_DOC_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** A document (a meeting pack): title and sections. Free with kiscrm_doc_free(). */
typedef struct kiscrm_doc kiscrm_doc;

/** How a renderer shows the values of a column (kiscrm_doc_column_format()). */
typedef enum kiscrm_doc_format {
	KISCRM_DOC_PLAIN = 0,   /**< As the column's type says (rates with two decimals). */
	KISCRM_DOC_PERCENT = 1, /**< A RATE shown as a percentage with one decimal (0.25 → 25.0%). */
	KISCRM_DOC_GAP = 2      /**< A MONEY gap, target − actual: a negative value is a surplus
	                             and is shown as such ("超额" / "surplus" and the amount). */
} kiscrm_doc_format;

/** Kinds of charts a section may carry (kiscrm_doc_chart()). Values are only ever appended. */
typedef enum kiscrm_chart_kind {
	KISCRM_CHART_NONE = 0,   /**< No chart. */
	KISCRM_CHART_BAR = 1,    /**< Vertical bars, one group per detail row, one bar per series;
	                              series marked as lines are drawn as a line over the bars. */
	KISCRM_CHART_HBAR = 2,   /**< Horizontal bars, one per detail row, from a zero axis
	                              (negative values to the left). */
	KISCRM_CHART_FUNNEL = 3  /**< A funnel: centred bars, one per detail row. */
} kiscrm_chart_kind;

/** Most series a chart has. */
#define KISCRM_CHART_MAX_SERIES 4

/**
 * Builds a meeting pack (DOMAIN §19) as of `opts->as_of` (::KISCRM_DATE_NONE: the
 * database's business date, kiscrm_db_set_today(); an error when neither is set).
 * - "weekly" (周例会): the eight-week rolling budget by department, the next eight weeks
 *   of contracts and collections against the weekly targets, the quarter's gap and
 *   pipeline sufficiency by person, the funnel and its shape diagnosis, last week's wins
 *   and losses with their reasons, the changes since last week's snapshot, overdue
 *   receivables and the largest overdue contracts, overdue key-account care, overdue and
 *   escalated service requests, implementation milestones overdue or in crisis, the KPI
 *   ranking of the month.
 * - "monthly" (月度总结) and "quarterly" (季度总结), over the month or fiscal quarter
 *   containing the date: targets against actual by dimension, the KPI scorecards and
 *   ranking, ABC value-class and lifecycle movements, market-activity returns, key-account
 *   care by responsible person, and the open work and problem lists; the quarterly pack adds the gap and
 *   sufficiency by person.
 *
 * A section whose report cannot run keeps its title and carries the library's message as
 * a note, so one missing configuration does not cost the whole pack.
 * `opts->lang` ("zh" or "en"; NULL: English) chooses the language of titles, column names
 * and codes; `owner_id`, `department_id`, `pipeline`, `forecast` and `attribution` are
 * passed to every report; `period`, `from`, `to` and `group_by` are set by the pack.
 * @param[out] out the document, owned by the caller (kiscrm_doc_free())
 * @param db the database
 * @param name "weekly", "monthly" or "quarterly"
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, no date, bad language),
 *         ::KISCRM_ENOTFOUND (unknown pack: the message lists the names),
 *         ::KISCRM_EVERSION, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_pack(kiscrm_doc **out, kiscrm_db *db, const char *name, const kiscrm_report_options *opts);

/** Frees a document and its tables. @param doc may be NULL. */
KISCRM_API void kiscrm_doc_free(kiscrm_doc *doc);

/**
 * @return the document's title (borrowed), e.g. "周例会 · 2026 年第 48 周"; NULL for a NULL @p doc.
 * @param doc the document
 */
KISCRM_API const char *kiscrm_doc_title(const kiscrm_doc *doc);

/**
 * @return the line under the title (borrowed): the period, the date of the data and the
 *         currency; NULL for a NULL @p doc.
 * @param doc the document
 */
KISCRM_API const char *kiscrm_doc_subtitle(const kiscrm_doc *doc);

/**
 * @return the number of sections (0 for a NULL @p doc).
 * @param doc the document
 */
KISCRM_API size_t kiscrm_doc_section_count(const kiscrm_doc *doc);

/**
 * @return the title of section @p s (borrowed), NULL if out of range.
 * @param doc the document
 * @param s section index
 */
KISCRM_API const char *kiscrm_doc_section_title(const kiscrm_doc *doc, size_t s);

/**
 * The table of a section, borrowed from the document (valid until kiscrm_doc_free()).
 * Its columns are named by their display names in the pack's language.
 * @param doc the document
 * @param s section index
 * @return the table, or NULL when the section has none (notes only) or @p s is out of range.
 */
KISCRM_API const kiscrm_table *kiscrm_doc_section_table(const kiscrm_doc *doc, size_t s);

/**
 * @return the number of notes of section @p s (0 if out of range).
 * @param doc the document
 * @param s section index
 */
KISCRM_API size_t kiscrm_doc_section_note_count(const kiscrm_doc *doc, size_t s);

/**
 * @return note @p i of section @p s (borrowed UTF-8), NULL if out of range.
 * @param doc the document
 * @param s section index
 * @param i note index
 */
KISCRM_API const char *kiscrm_doc_section_note(const kiscrm_doc *doc, size_t s, size_t i);

/**
 * How renderers show column @p col of section @p s's table.
 * @param doc the document
 * @param s section index
 * @param col column index
 * @return a ::kiscrm_doc_format, or ::KISCRM_EINVALID (NULL @p doc, no such section,
 *         table or column).
 */
KISCRM_API int kiscrm_doc_column_format(const kiscrm_doc *doc, size_t s, size_t col);

/**
 * The chart of a section: its kind, and the columns of its table it draws. The chart
 * covers the table's detail rows, in order; labels come from @p label_column.
 * @param doc the document
 * @param s section index
 * @param[out] label_column the column of the labels (may be NULL)
 * @param[out] series the value columns, ::KISCRM_CHART_MAX_SERIES entries (may be NULL)
 * @param[out] as_line per series, 1 when it is drawn as a line (e.g. a target over the
 *             bars), ::KISCRM_CHART_MAX_SERIES entries (may be NULL)
 * @param[out] nseries the number of series (may be NULL)
 * @return a ::kiscrm_chart_kind (::KISCRM_CHART_NONE when the section has no chart), or
 *         ::KISCRM_EINVALID (NULL @p doc, no such section).
 */
KISCRM_API int kiscrm_doc_chart(const kiscrm_doc *doc, size_t s, size_t *label_column, size_t *series,
				int *as_line, size_t *nseries);

/**
 * Renders a document.
 * - "text": for a terminal — CJK-aligned columns that fit 120 columns (wider tables are
 *   split, the first column repeated), rates as percentages, gaps and surpluses named.
 * - "html": one self-contained HTML page — inline CSS (print-friendly) and inline SVG
 *   charts, no script, no external resource.
 * - "csv": every section as its title row, its table (RFC 4180, money exact) and its
 *   notes, sections separated by an empty line.
 * @param[out] out buffer the text is appended to (kiscrm_buf_dispose())
 * @param doc the document
 * @param format "text", "html" or "csv"
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, unknown format — "xlsx" is
 *         written by kiscrm_doc_write_file() only), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_doc_render(kiscrm_buf *out, const kiscrm_doc *doc, const char *format);

/**
 * Writes a document to a file atomically: to a temporary file next to @p path, renamed
 * over it once complete (on any error @p path is left as it was).
 * "xlsx" writes a workbook with one sheet per section (title, frozen header row, numbers
 * as numbers with money, percentage and date formats, notes below); the other formats
 * are those of kiscrm_doc_render().
 * @param doc the document
 * @param path the file
 * @param format "text", "html", "csv" or "xlsx"
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTSUPPORTED ("xlsx" in a library built
 *         without libxlsxwriter), ::KISCRM_ESTORAGE (the file could not be written),
 *         ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_doc_write_file(const kiscrm_doc *doc, const char *path, const char *format);

KISCRM_END_DECL

#endif

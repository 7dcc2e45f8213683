/* Internal entry points of the report table. */
#ifndef KC_TABLE_INTERNAL_H
#define KC_TABLE_INTERNAL_H

#include "kiscrm/table.h"

#include <stdint.h>

/* kiscrm_table_set_text without the UTF-8 check, for text that comes from stored records
 * (validated when they were stored) or from the configuration (validated on load):
 * re-checking every cell of a report of 300,000 rows was a measurable share of its time. */
int kc_table_set_text_trusted(kiscrm_table *table, size_t row, size_t col, const char *value);

/* Texts without a copy, for a report that built its texts in a buffer of its own (the
 * rolling budget's project names, customers, stages: 2.4M cells of 300,000 projects,
 * whose copies were a fifth of the report — each text read in the table's order is a
 * cache miss). kc_table_adopt_texts takes the buffer over (*texts is left empty; the
 * table frees it with itself); kc_table_set_text_kept then sets a cell to a text that
 * lives as long as the table, in an adopted buffer or a string literal, or the text of
 * another cell set by kc_table_set_text_trusted or _kept (the table's copies are freed
 * only with it), trusted as kc_table_set_text_trusted. NULL makes the cell NULL. */
int kc_table_adopt_texts(kiscrm_table *table, kiscrm_buf *texts);
int kc_table_set_text_kept(kiscrm_table *table, size_t row, size_t col, const char *value);

/* A number no other table of the process has had (1 for the first): tells a table apart
 * from an earlier one freed at the same address. */
uint64_t kc_table_serial(const kiscrm_table *table);

/* A cell's value; its column's type says which member, its tag whether it is set. */
union kc_val {
	int64_t i; /* INT, MONEY, DATE, TIME */
	double r;  /* RATE, always finite */
	char *s;   /* TEXT: owned (KC_CELL_OWNED) or in the table's chunks (KC_CELL_CHUNK) */
};

/* A cell's tag: NULL, set, or for text who owns it (KC_CELL_OWNED: the cell; freed when
 * the cell is set again or the table freed). */
enum { KC_CELL_NULL = 0, KC_CELL_SET = 1, KC_CELL_OWNED = 1, KC_CELL_CHUNK = 2 };

/* The cells of one row, written directly: a report writing many rows of known columns
 * (a full rolling budget: 300,000 rows of 47 cells) made one call per cell, each checking
 * the table, the row, the column and its type again — a fifth of its emission. The
 * caller checks each column's type once (kc_table_check_type) and writes only values a
 * setter would take: integers into INT and MONEY columns (a DATE or TIME is range-checked
 * by kiscrm_table_set_int), finite rates, texts the table keeps alive as for
 * kc_table_set_text_kept. The pointers hold until the next row is added. */
typedef struct kc_row_cells {
	union kc_val *v;
	unsigned char *tag;
} kc_row_cells;

/* KISCRM_OK when column @col exists and has @type (KISCRM_TYPE_INT: INT or MONEY). */
int kc_table_check_type(const kiscrm_table *table, size_t col, kiscrm_type type);
/* The cells of row @row. Refused when a cell of the table owns its text (set through
 * kiscrm_table_set_text: writing over it would leak it). */
int kc_table_row_cells(kiscrm_table *table, size_t row, kc_row_cells *out);

static inline void kc_cells_int(const kc_row_cells *r, size_t col, int64_t value)
{
	r->v[col].i = value;
	r->tag[col] = KC_CELL_SET;
}

static inline void kc_cells_null(const kc_row_cells *r, size_t col)
{
	r->tag[col] = KC_CELL_NULL;
}

/* A text kept alive by the table (kc_table_set_text_kept); NULL makes the cell NULL. */
static inline void kc_cells_text_kept(const kc_row_cells *r, size_t col, const char *value)
{
	r->v[col].s = (char *)value;
	r->tag[col] = value ? KC_CELL_CHUNK : KC_CELL_NULL;
}

/* num / den as a rate, NULL when den is 0 (kc_cell_ratio); both finite. */
static inline void kc_cells_ratio(const kc_row_cells *r, size_t col, double num, double den)
{
	if (den == 0) {
		r->tag[col] = KC_CELL_NULL;
		return;
	}
	r->v[col].r = num / den;
	r->tag[col] = KC_CELL_SET;
}

/* Room for @rows rows in all, for a report that knows its size: growing by doubling
 * copied the cells' tags of a large table at every step. */
int kc_table_reserve_rows(kiscrm_table *table, size_t rows);

/* Takes a reference to a handle's kept memory (core/scratch.h): the cells of a table
 * reserved before its first row come from it, and go back to it when the table is freed,
 * so that the next large report writes into pages already mapped. */
struct kc_scratch;
void kc_table_use_scratch(kiscrm_table *table, struct kc_scratch *pool);

/* Column labels (see kiscrm_table_column_label()). A report table takes a reference to
 * the configuration's catalogue, so every column a report adds finds its labels by name;
 * columns whose names are made at run time (an ageing bucket "31-60", "count_design")
 * get their own labels. */
typedef struct kc_labels kc_labels;
void kc_table_use_labels(kiscrm_table *table, kc_labels *labels);
int kc_table_set_column_label(kiscrm_table *table, size_t col, const char *zh, const char *en);
/* The label of a column in lang ("zh", else English), NULL when it has none. */
const char *kc_table_column_label_exact(const kiscrm_table *table, size_t col, const char *lang);

/* Adds a note (copied) to a table: a sentence about the result as a whole that its rows
 * cannot say, e.g. why a report is empty (kiscrm_table_note()). The text comes from the
 * library itself and is valid UTF-8 by construction. */
int kc_table_add_note(kiscrm_table *table, const char *note);

#endif

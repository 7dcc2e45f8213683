/* kiscrm_table: the one result type of every report.
 *
 * Cells live in two flat arrays (row-major, nrows * ncols): an 8-byte value and a 1-byte
 * tag. The column type says how to read a value; the tag says whether it is NULL and, for
 * text, who owns it. Kept apart they take 9 bytes a cell where a tagged union took 16
 * (a rolling budget of 300,000 projects has 14M cells: 220 MB of fresh pages became 124
 * MB), and a new row clears only its tags. The library's own reports copy their texts
 * into chunks the table owns (2.4M text cells of that budget: one allocation each, and
 * one free each, were a fifth of its time), and a text equal to the one set last in its
 * column shares that copy (a person's or department's name down a sorted report); text
 * set through the public API is its own allocation, freed when the cell is set again,
 * since a caller may rewrite a cell many times.
 *
 * Values are checked when they are set (UTF-8 text, formattable dates and times), so the
 * writers can only fail for want of memory. */
#include "kiscrm/table.h"
#include "kiscrm/money.h"
#include "kiscrm/date.h"
#include "kiscrm/text.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/vec.h"
#include "core/str.h"
#include "core/labels.h"
#include "core/csv_cell.h"
#include "core/csv_encode.h"
#include "core/scratch.h"
#include "table/table_internal.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MONEY_DEFAULT_DECIMALS 2
#define COLUMN_GAP "  "
#define COLUMN_GAP_LEN 2

struct kc_column {
	char *name;
	kiscrm_type type;
	char *label[2]; /* { zh, en } set for this column (dynamic columns), or NULL */
	const char *last_text; /* the copy in the chunks made for this column last, or NULL */
	size_t last_len;       /* its length */
};

/* Texts of trusted cells, back to back; a chunk never moves (cells point into it). */
struct kc_text_chunk {
	struct kc_text_chunk *next;
	size_t used, cap;
	char data[];
};

#define TEXT_CHUNK (64 * 1024)

struct kiscrm_table {
	char *name;
	struct kc_column *cols;
	size_t ncols, acols;
	union kc_val *vals;     /* nrows * ncols, row-major */
	unsigned char *tags;    /* each cell's: KC_CELL_NULL, KC_CELL_SET, or for text KC_CELL_OWNED /
	                           KC_CELL_CHUNK; a NULL cell's value is undefined */
	unsigned char *kinds;   /* one kiscrm_row_kind per row */
	size_t nrows, arows;
	int money_decimals;
	kc_labels *labels;      /* the configuration's column labels (a reference), or NULL */
	const char *header_lang; /* "zh", "en" or NULL (headers are column names) */
	char **notes;           /* explanations of the result as a whole (kc_table_add_note) */
	size_t nnotes, anotes;
	struct kc_text_chunk *texts; /* newest first */
	char **adopted;         /* buffers of texts the table took over (kc_table_adopt_texts) */
	size_t nadopted, aadopted;
	size_t nowned;          /* KC_CELL_OWNED cells: freeing the table looks for them only if any */
	struct kc_scratch *pool; /* a handle's kept memory the cells come from and go back to,
				    or NULL (kc_table_use_scratch) */
	size_t vals_bytes, tags_bytes; /* usable sizes of vals and tags */
	uint64_t serial;        /* kc_table_serial: unique among the process's tables */
};

/* The keys of a table's blocks in the pool (core/scratch.h). */
static const char vals_site, tags_site;

/* A copy of @value (@len bytes and a NUL) in the table's chunks, NULL when out of memory. */
static char *chunk_copy(kiscrm_table *table, const char *value, size_t len)
{
	size_t n = len + 1;
	struct kc_text_chunk *c = table->texts;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > TEXT_CHUNK / 4 ? n : TEXT_CHUNK;
		struct kc_text_chunk *fresh = malloc(sizeof(*fresh) + cap);
		if (!fresh)
			return NULL;
		fresh->used = 0;
		fresh->cap = cap;
		if (n > TEXT_CHUNK / 4 && c) { /* a long text: its own chunk, behind the current one */
			fresh->next = c->next;
			c->next = fresh;
		} else {
			fresh->next = c;
			table->texts = fresh;
		}
		c = fresh;
	}
	char *copy = c->data + c->used;
	memcpy(copy, value, n);
	c->used += n;
	return copy;
}

static const char *type_name(kiscrm_type type)
{
	switch (type) {
	case KISCRM_TYPE_TEXT: return "text";
	case KISCRM_TYPE_INT: return "int";
	case KISCRM_TYPE_MONEY: return "money";
	case KISCRM_TYPE_DATE: return "date";
	case KISCRM_TYPE_RATE: return "rate";
	case KISCRM_TYPE_TIME: return "time";
	case KISCRM_TYPE_NULL: break;
	}
	return "null";
}

/* Messages quote the valid start of the text and the first bad byte escaped, so that
 * the message itself stays valid UTF-8. */
static int check_utf8(const char *s, const char *column)
{
	size_t bad = 0;
	if (kiscrm_utf8_validate(s, strlen(s), &bad) == KISCRM_OK)
		return KISCRM_OK;
	unsigned int byte = (unsigned char)s[bad];
	if (column)
		return kc_error_set(KISCRM_EINVALID,
				    "text '%.*s\\x%02X...' for column '%s' is not valid UTF-8 (bad byte at offset %zu)",
				    (int)bad, s, byte, column, bad);
	return kc_error_set(KISCRM_EINVALID,
			    "column name '%.*s\\x%02X...' is not valid UTF-8 (bad byte at offset %zu)",
			    (int)bad, s, byte, bad);
}

/* The serials of tables: a table freed and another allocated at its address must not be
 * taken for it by a report that remembers a table (kc_table_serial). */
static _Atomic uint64_t next_serial;

uint64_t kc_table_serial(const kiscrm_table *table)
{
	return table->serial;
}

int kiscrm_table_new(kiscrm_table **out, const char *name)
{
	if (!out || !name)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_table_new: %s is NULL",
				    !out ? "out" : "name");
	*out = NULL;
	kiscrm_table *t = calloc(1, sizeof(*t));
	if (!t)
		return kc_error_oom();
	t->name = kc_strdup(name);
	if (!t->name) {
		free(t);
		return kc_error_oom();
	}
	t->money_decimals = MONEY_DEFAULT_DECIMALS;
	t->serial = atomic_fetch_add(&next_serial, 1) + 1;
	*out = t;
	return KISCRM_OK;
}

void kiscrm_table_free(kiscrm_table *table)
{
	if (!table)
		return;
	for (size_t c = 0; table->nowned && c < table->ncols; c++) {
		if (table->cols[c].type != KISCRM_TYPE_TEXT)
			continue;
		for (size_t r = 0; r < table->nrows; r++) {
			size_t at = r * table->ncols + c;
			if (table->tags[at] == KC_CELL_OWNED)
				free(table->vals[at].s);
		}
	}
	for (size_t c = 0; c < table->ncols; c++) {
		free(table->cols[c].name);
		free(table->cols[c].label[0]);
		free(table->cols[c].label[1]);
	}
	free(table->cols);
	for (size_t i = 0; i < table->nnotes; i++)
		free(table->notes[i]);
	free(table->notes);
	kc_labels_release(table->labels);
	while (table->texts) {
		struct kc_text_chunk *next = table->texts->next;
		free(table->texts);
		table->texts = next;
	}
	for (size_t i = 0; i < table->nadopted; i++)
		free(table->adopted[i]);
	free(table->adopted);
	kc_scratch_keep(table->pool, &vals_site, 0, table->vals, table->vals_bytes);
	kc_scratch_keep(table->pool, &tags_site, 0, table->tags, table->tags_bytes);
	kc_scratch_release(table->pool);
	free(table->kinds);
	free(table->name);
	free(table);
}

void kc_table_use_labels(kiscrm_table *table, kc_labels *labels)
{
	if (!table || table->labels == labels)
		return;
	kc_labels_release(table->labels);
	table->labels = kc_labels_retain(labels);
}

int kc_table_set_column_label(kiscrm_table *table, size_t col, const char *zh, const char *en)
{
	if (!table || col >= table->ncols || !zh || !en)
		return kc_error_set(KISCRM_EINVALID, "kc_table_set_column_label: bad argument");
	char *z = kc_strdup(zh), *e = kc_strdup(en);
	if (!z || !e) {
		free(z);
		free(e);
		return kc_error_oom();
	}
	free(table->cols[col].label[0]);
	free(table->cols[col].label[1]);
	table->cols[col].label[0] = z;
	table->cols[col].label[1] = e;
	return KISCRM_OK;
}

int kc_table_add_note(kiscrm_table *table, const char *note)
{
	if (!table || !note)
		return kc_error_set(KISCRM_EINVALID, "kc_table_add_note: %s is NULL", !table ? "table" : "note");
	if (KC_VEC_GROW(table->notes, table->nnotes, table->anotes, 2))
		return kc_error_oom();
	if (!(table->notes[table->nnotes] = kc_strdup(note)))
		return kc_error_oom();
	table->nnotes++;
	return KISCRM_OK;
}

size_t kiscrm_table_note_count(const kiscrm_table *table)
{
	return table ? table->nnotes : 0;
}

const char *kiscrm_table_note(const kiscrm_table *table, size_t i)
{
	return table && i < table->nnotes ? table->notes[i] : NULL;
}

static int is_zh(const char *lang)
{
	return lang && strcmp(lang, "zh") == 0;
}

const char *kc_table_column_label_exact(const kiscrm_table *table, size_t col, const char *lang)
{
	if (!table || col >= table->ncols)
		return NULL;
	const struct kc_column *c = &table->cols[col];
	if (c->label[0])
		return c->label[is_zh(lang) ? 0 : 1];
	return kc_labels_get(table->labels, table->name, c->name, is_zh(lang) ? "zh" : "en");
}

const char *kiscrm_table_column_label(const kiscrm_table *table, size_t col, const char *lang)
{
	const char *label = kc_table_column_label_exact(table, col, lang);
	return label ? label : kiscrm_table_column_name(table, col);
}

int kiscrm_table_set_header_lang(kiscrm_table *table, const char *lang)
{
	if (!table)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_table_set_header_lang: table is NULL");
	if (lang && strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "lang", lang,
				       "table '%s': header language must be zh, en or NULL, not '%s'",
				       table->name, lang);
	/* Static strings: the table never points into the caller's memory. */
	table->header_lang = !lang ? NULL : is_zh(lang) ? "zh" : "en";
	return KISCRM_OK;
}

/* What the CSV and text writers print as the header of a column. */
static const char *header(const kiscrm_table *table, size_t col)
{
	if (!table->header_lang)
		return table->cols[col].name;
	return kiscrm_table_column_label(table, col, table->header_lang);
}

static int find_column(const kiscrm_table *table, const char *name)
{
	for (size_t c = 0; c < table->ncols; c++)
		if (strcmp(table->cols[c].name, name) == 0)
			return (int)c;
	return -1;
}

int kiscrm_table_add_column(kiscrm_table *table, const char *name, kiscrm_type type)
{
	if (!table || !name)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_table_add_column: %s is NULL",
				    !table ? "table" : "name");
	if (!*name)
		return kc_error_set(KISCRM_EINVALID, "table '%s': column name is empty",
				    table->name);
	if (type < KISCRM_TYPE_INT || type > KISCRM_TYPE_TIME)
		return kc_error_set(KISCRM_EINVALID, "table '%s': column '%s' has invalid type %d",
				    table->name, name, (int)type);
	if (table->nrows > 0)
		return kc_error_set(KISCRM_EINVALID,
				    "table '%s': cannot add column '%s' after %zu rows were added",
				    table->name, name, table->nrows);
	int rc = check_utf8(name, NULL);
	if (rc)
		return rc;
	if (find_column(table, name) >= 0)
		return kc_error_set(KISCRM_EEXISTS, "table '%s' already has a column named '%s'",
				    table->name, name);
	if (table->ncols >= (size_t)INT_MAX)
		return kc_error_set(KISCRM_EINVALID, "table '%s' has too many columns",
				    table->name);
	if (KC_VEC_GROW(table->cols, table->ncols, table->acols, 8))
		return KISCRM_ENOMEM;
	char *copy = kc_strdup(name);
	if (!copy)
		return kc_error_oom();
	table->cols[table->ncols].name = copy;
	table->cols[table->ncols].type = type;
	table->cols[table->ncols].label[0] = table->cols[table->ncols].label[1] = NULL;
	table->cols[table->ncols].last_text = NULL;
	table->ncols++;
	return KISCRM_OK;
}

/* Room for @arows rows; cells and kinds grow together. With @from_pool, cells not yet
 * allocated come from the pool (the blocks of its last large table, already mapped). */
static int reserve_rows(kiscrm_table *table, size_t arows, int from_pool)
{
	size_t ncols = table->ncols ? table->ncols : 1;
	if (arows > SIZE_MAX / ncols / sizeof(union kc_val))
		return kc_error_oom();
	size_t vb = arows * ncols * sizeof(union kc_val), tb = arows * ncols;
	union kc_val *vals = from_pool && !table->vals ? kc_scratch_get(table->pool, &vals_site, 0, vb, &vb)
						       : realloc(table->vals, vb);
	if (!vals)
		return kc_error_oom();
	table->vals = vals;
	table->vals_bytes = vb;
	unsigned char *tags = from_pool && !table->tags ? kc_scratch_get(table->pool, &tags_site, 0, tb, &tb)
						       : realloc(table->tags, tb);
	if (!tags)
		return kc_error_oom();
	table->tags = tags;
	table->tags_bytes = tb;
	unsigned char *kinds = realloc(table->kinds, arows);
	if (!kinds)
		return kc_error_oom();
	table->kinds = kinds;
	table->arows = arows;
	return KISCRM_OK;
}

/* Makes room for one more row, doubling. */
static int grow_rows(kiscrm_table *table)
{
	if (table->nrows < table->arows)
		return KISCRM_OK;
	/* a table growing row by row is small: the pool's large blocks are for reservations */
	return reserve_rows(table, table->arows ? table->arows * 2 : 16, 0);
}

int kc_table_reserve_rows(kiscrm_table *table, size_t rows)
{
	return rows <= table->arows ? KISCRM_OK : reserve_rows(table, rows, table->pool != NULL);
}

void kc_table_use_scratch(kiscrm_table *table, struct kc_scratch *pool)
{
	kc_scratch_release(table->pool);
	table->pool = kc_scratch_retain(pool);
}

int kiscrm_table_add_row(kiscrm_table *table, kiscrm_row_kind kind)
{
	if (!table)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_table_add_row: table is NULL");
	if (kind != KISCRM_ROW_DETAIL && kind != KISCRM_ROW_SUBTOTAL && kind != KISCRM_ROW_TOTAL)
		return kc_error_set(KISCRM_EINVALID, "table '%s': invalid row kind %d",
				    table->name, (int)kind);
	if (table->nrows >= (size_t)INT_MAX)
		return kc_error_set(KISCRM_EINVALID, "table '%s' has too many rows", table->name);
	int rc = grow_rows(table);
	if (rc)
		return rc;
	size_t r = table->nrows;
	if (table->ncols)
		memset(&table->tags[r * table->ncols], KC_CELL_NULL, table->ncols);
	table->kinds[r] = (unsigned char)kind;
	table->nrows++;
	return (int)r;
}

/* Finds a cell for writing, checking the indexes and that the column has @p type (or, for
 * KISCRM_TYPE_NULL, any type). */
static int cell_for_set(size_t *at, kiscrm_table *table, size_t row, size_t col,
			kiscrm_type type, const char *what)
{
	if (!table)
		return kc_error_set(KISCRM_EINVALID, "%s: table is NULL", what);
	if (row >= table->nrows)
		return kc_error_set(KISCRM_EINVALID, "table '%s': row %zu out of range (%zu rows)",
				    table->name, row, table->nrows);
	if (col >= table->ncols)
		return kc_error_set(KISCRM_EINVALID,
				    "table '%s': column %zu out of range (%zu columns)",
				    table->name, col, table->ncols);
	kiscrm_type ct = table->cols[col].type;
	int ok = type == KISCRM_TYPE_NULL || ct == type ||
		 (type == KISCRM_TYPE_INT && (ct == KISCRM_TYPE_MONEY || ct == KISCRM_TYPE_DATE ||
					      ct == KISCRM_TYPE_TIME));
	if (!ok)
		return kc_error_set(KISCRM_EINVALID, "table '%s': column '%s' is %s, %s cannot set it",
				    table->name, table->cols[col].name, type_name(ct), what);
	*at = row * table->ncols + col;
	return KISCRM_OK;
}

static void clear_cell(kiscrm_table *table, size_t at, kiscrm_type type)
{
	if (table->tags[at] == KC_CELL_OWNED && type == KISCRM_TYPE_TEXT) {
		free(table->vals[at].s);
		table->nowned--;
	}
	table->tags[at] = KC_CELL_NULL;
}

/* Dates and times are checked here so that every stored value can be written out: years
 * 1..9999, compared as numbers (formatting each value to check it was a hot spot of large
 * reports). */
#define DATE_MIN (-719162)  /* 0001-01-01 */
#define DATE_MAX 2932896    /* 9999-12-31 */

static int check_int_value(const kiscrm_table *table, size_t col, int64_t value)
{
	kiscrm_type type = table->cols[col].type;
	if (type == KISCRM_TYPE_DATE && (value < DATE_MIN || value > DATE_MAX))
		return kc_error_set(KISCRM_EINVALID,
				    "table '%s': date %" PRId64 " for column '%s' is outside years 1..9999",
				    table->name, value, table->cols[col].name);
	if (type == KISCRM_TYPE_TIME &&
	    (value < (int64_t)DATE_MIN * 86400 || value > ((int64_t)DATE_MAX + 1) * 86400 - 1))
		return kc_error_set(KISCRM_EINVALID,
				    "table '%s': time %" PRId64 " for column '%s' is outside years 1..9999",
				    table->name, value, table->cols[col].name);
	return KISCRM_OK;
}

int kiscrm_table_set_int(kiscrm_table *table, size_t row, size_t col, int64_t value)
{
	size_t at = 0;
	int rc = cell_for_set(&at, table, row, col, KISCRM_TYPE_INT, "kiscrm_table_set_int");
	if (rc)
		return rc;
	rc = check_int_value(table, col, value);
	if (rc)
		return rc;
	table->vals[at].i = value;
	table->tags[at] = KC_CELL_SET;
	return KISCRM_OK;
}

/* 1 when a column of @type takes an integer without a check of its value. */
static int int_unchecked(kiscrm_type type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY;
}

static int set_text(kiscrm_table *table, size_t row, size_t col, const char *value, int trusted)
{
	size_t at = 0;
	int rc = cell_for_set(&at, table, row, col, KISCRM_TYPE_TEXT, "kiscrm_table_set_text");
	if (rc)
		return rc;
	if (!value) {
		clear_cell(table, at, KISCRM_TYPE_TEXT);
		return KISCRM_OK;
	}
	if (!trusted && (rc = check_utf8(value, table->cols[col].name)) != 0)
		return rc;
	struct kc_column *c = &table->cols[col];
	size_t len = trusted ? strlen(value) : 0;
	char *copy;
	if (!trusted)
		copy = kc_strdup(value);
	else if (c->last_text && c->last_len == len && memcmp(c->last_text, value, len) == 0)
		copy = (char *)c->last_text; /* chunk copies are never changed or freed alone */
	else if ((copy = chunk_copy(table, value, len)) != NULL) {
		c->last_text = copy;
		c->last_len = len;
	}
	if (!copy)
		return kc_error_oom();
	clear_cell(table, at, KISCRM_TYPE_TEXT);
	table->vals[at].s = copy;
	table->tags[at] = trusted ? KC_CELL_CHUNK : KC_CELL_OWNED;
	table->nowned += !trusted;
	return KISCRM_OK;
}

int kiscrm_table_set_text(kiscrm_table *table, size_t row, size_t col, const char *value)
{
	return set_text(table, row, col, value, 0);
}

int kc_table_set_text_trusted(kiscrm_table *table, size_t row, size_t col, const char *value)
{
	return set_text(table, row, col, value, 1);
}

int kc_table_adopt_texts(kiscrm_table *table, kiscrm_buf *texts)
{
	if (!texts->ptr)
		return KISCRM_OK;
	if (KC_VEC_GROW(table->adopted, table->nadopted, table->aadopted, 4))
		return kc_error_oom();
	table->adopted[table->nadopted++] = texts->ptr;
	memset(texts, 0, sizeof(*texts));
	return KISCRM_OK;
}

int kc_table_set_text_kept(kiscrm_table *table, size_t row, size_t col, const char *value)
{
	size_t at = 0;
	int rc = cell_for_set(&at, table, row, col, KISCRM_TYPE_TEXT, "kiscrm_table_set_text");
	if (rc)
		return rc;
	clear_cell(table, at, KISCRM_TYPE_TEXT);
	if (value) {
		table->vals[at].s = (char *)value; /* never written through: see the header */
		table->tags[at] = KC_CELL_CHUNK;
	}
	return KISCRM_OK;
}

int kc_table_check_type(const kiscrm_table *table, size_t col, kiscrm_type type)
{
	if (col >= table->ncols)
		return kc_error_set(KISCRM_EINVALID, "table '%s': column %zu out of range (%zu columns)",
				    table->name, col, table->ncols);
	kiscrm_type ct = table->cols[col].type;
	if (ct != type && !(type == KISCRM_TYPE_INT && int_unchecked(ct)))
		return kc_error_set(KISCRM_EINVALID, "table '%s': column '%s' is %s, not %s", table->name,
				    table->cols[col].name, type_name(ct), type_name(type));
	return KISCRM_OK;
}

int kc_table_row_cells(kiscrm_table *table, size_t row, kc_row_cells *out)
{
	if (row >= table->nrows)
		return kc_error_set(KISCRM_EINVALID, "table '%s': row %zu out of range (%zu rows)",
				    table->name, row, table->nrows);
	if (table->nowned)
		return kc_error_set(KISCRM_EINVALID, "table '%s': a cell owns its text; cells cannot be "
				    "written directly", table->name);
	out->v = &table->vals[row * table->ncols];
	out->tag = &table->tags[row * table->ncols];
	return KISCRM_OK;
}

int kiscrm_table_set_rate(kiscrm_table *table, size_t row, size_t col, double value)
{
	size_t at = 0;
	int rc = cell_for_set(&at, table, row, col, KISCRM_TYPE_RATE, "kiscrm_table_set_rate");
	if (rc)
		return rc;
	if (!isfinite(value)) {
		clear_cell(table, at, KISCRM_TYPE_RATE);
		return KISCRM_OK;
	}
	table->vals[at].r = value;
	table->tags[at] = KC_CELL_SET;
	return KISCRM_OK;
}

int kiscrm_table_set_null(kiscrm_table *table, size_t row, size_t col)
{
	size_t at = 0;
	int rc = cell_for_set(&at, table, row, col, KISCRM_TYPE_NULL, "kiscrm_table_set_null");
	if (rc)
		return rc;
	clear_cell(table, at, table->cols[col].type);
	return KISCRM_OK;
}

const char *kiscrm_table_name(const kiscrm_table *table)
{
	return table ? table->name : NULL;
}

size_t kiscrm_table_column_count(const kiscrm_table *table)
{
	return table ? table->ncols : 0;
}

size_t kiscrm_table_row_count(const kiscrm_table *table)
{
	return table ? table->nrows : 0;
}

const char *kiscrm_table_column_name(const kiscrm_table *table, size_t col)
{
	return table && col < table->ncols ? table->cols[col].name : NULL;
}

kiscrm_type kiscrm_table_column_type(const kiscrm_table *table, size_t col)
{
	return table && col < table->ncols ? table->cols[col].type : KISCRM_TYPE_NULL;
}

int kiscrm_table_column_index(const kiscrm_table *table, const char *name)
{
	if (!table || !name)
		return kc_error_set(KISCRM_ENOTFOUND, "kiscrm_table_column_index: %s is NULL",
				    !table ? "table" : "name");
	int c = find_column(table, name);
	if (c < 0)
		return kc_error_set(KISCRM_ENOTFOUND, "table '%s' has no column named '%s'",
				    table->name, name);
	return c;
}

kiscrm_row_kind kiscrm_table_row_kind(const kiscrm_table *table, size_t row)
{
	if (!table || row >= table->nrows)
		return KISCRM_ROW_DETAIL;
	return (kiscrm_row_kind)table->kinds[row];
}

/* The cell at (row, col) if it is in range and not NULL, else NULL. */
static const union kc_val *get_cell(const kiscrm_table *table, size_t row, size_t col)
{
	if (!table || row >= table->nrows || col >= table->ncols)
		return NULL;
	size_t at = row * table->ncols + col;
	return table->tags[at] != KC_CELL_NULL ? &table->vals[at] : NULL;
}

int kiscrm_table_is_null(const kiscrm_table *table, size_t row, size_t col)
{
	return get_cell(table, row, col) == NULL;
}

int64_t kiscrm_table_int(const kiscrm_table *table, size_t row, size_t col)
{
	const union kc_val *cell = get_cell(table, row, col);
	if (!cell)
		return 0;
	kiscrm_type t = table->cols[col].type;
	if (t == KISCRM_TYPE_TEXT || t == KISCRM_TYPE_RATE)
		return 0;
	return cell->i;
}

const char *kiscrm_table_text(const kiscrm_table *table, size_t row, size_t col)
{
	const union kc_val *cell = get_cell(table, row, col);
	if (!cell || table->cols[col].type != KISCRM_TYPE_TEXT)
		return NULL;
	return cell->s;
}

double kiscrm_table_rate(const kiscrm_table *table, size_t row, size_t col)
{
	const union kc_val *cell = get_cell(table, row, col);
	if (!cell || table->cols[col].type != KISCRM_TYPE_RATE)
		return 0.0;
	return cell->r;
}

int kiscrm_table_set_money_decimals(kiscrm_table *table, int decimals)
{
	if (!table)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_table_set_money_decimals: table is NULL");
	if (decimals < 0 || decimals > 6)
		return kc_error_set(KISCRM_EINVALID,
				    "table '%s': money decimals %d out of range 0..6",
				    table->name, decimals);
	table->money_decimals = decimals;
	return KISCRM_OK;
}

/* ---- writers ---------------------------------------------------------------------- */

enum fmt_mode { FMT_PLAIN, FMT_TEXT };

/* Appends a non-NULL, non-text cell as text. FMT_TEXT groups money by thousands and
 * prints rates with two decimals; FMT_PLAIN is exact (money) or %.10g (rates). */
static int put_value(kiscrm_buf *out, const kiscrm_table *table, const union kc_val *cell,
		     kiscrm_type type, enum fmt_mode mode)
{
	char tmp[64];
	int n;

	switch (type) {
	case KISCRM_TYPE_INT:
		return kc_buf_printf(out, "%" PRId64, cell->i);
	case KISCRM_TYPE_RATE:
		return kc_buf_printf(out, mode == FMT_TEXT ? "%.2f" : "%.10g", cell->r);
	case KISCRM_TYPE_MONEY:
		n = kiscrm_money_format(tmp, sizeof(tmp), cell->i, table->money_decimals,
					mode == FMT_TEXT ? KISCRM_MONEY_THOUSANDS : 0u);
		break;
	case KISCRM_TYPE_DATE:
		n = kiscrm_date_format(tmp, sizeof(tmp), (kiscrm_date)cell->i);
		break;
	case KISCRM_TYPE_TIME:
		n = kiscrm_time_format(tmp, sizeof(tmp), cell->i);
		break;
	case KISCRM_TYPE_TEXT:
		return kc_buf_puts(out, cell->s);
	case KISCRM_TYPE_NULL:
	default:
		return KISCRM_OK;
	}
	if (n < 0) /* values are checked when set, so this is a bug elsewhere */
		return kc_error_set(KISCRM_EINVALID, "table '%s': cannot format %s value %" PRId64,
				    table->name, type_name(type), cell->i);
	return kc_buf_put(out, tmp, (size_t)n);
}

/* Undoes a partial write so that a failed writer leaves @p out as it found it. */
static int rollback(kiscrm_buf *out, size_t size, int rc)
{
	out->size = size;
	if (out->ptr)
		out->ptr[size] = '\0';
	return rc;
}

static int check_writer_args(kiscrm_buf *out, const kiscrm_table *table, const char *what)
{
	if (!out || !table)
		return kc_error_set(KISCRM_EINVALID, "%s: %s is NULL", what, !out ? "out" : "table");
	return KISCRM_OK;
}

/* ---- CSV ---- */

/* Text cells and header names follow the writer options (formula-looking text gets a
 * leading quote by default); numbers, money, rates and dates are the library's own text
 * and never formulas, so they are written as they are. */
static int csv_field(kiscrm_buf *out, const char *s, unsigned flags)
{
	return kc_csv_put_field(out, s, strlen(s), flags);
}

static int csv_rows(kiscrm_buf *out, const kiscrm_table *table, unsigned flags)
{
	int rc = KISCRM_OK;
	for (size_t c = 0; !rc && c < table->ncols; c++) {
		if (c)
			rc = kc_buf_put(out, ",", 1);
		if (!rc)
			rc = csv_field(out, header(table, c), flags);
	}
	if (!rc)
		rc = kc_buf_put(out, "\n", 1);
	for (size_t r = 0; !rc && r < table->nrows; r++) {
		for (size_t c = 0; !rc && c < table->ncols; c++) {
			const union kc_val *cell = get_cell(table, r, c);
			kiscrm_type type = table->cols[c].type;
			if (c)
				rc = kc_buf_put(out, ",", 1);
			if (rc || !cell)
				continue;
			if (type == KISCRM_TYPE_TEXT)
				rc = csv_field(out, cell->s, flags);
			else
				rc = put_value(out, table, cell, type, FMT_PLAIN);
		}
		if (!rc)
			rc = kc_buf_put(out, "\n", 1);
	}
	return rc;
}

int kiscrm_table_write_csv_with(kiscrm_buf *out, const kiscrm_table *table,
				const kiscrm_csv_write_options *opts)
{
	unsigned flags;
	int encoding;
	int rc = check_writer_args(out, table, "kiscrm_table_write_csv");
	if (rc || (rc = kc_csv_write_setup(&flags, &encoding, opts)) != 0)
		return rc;
	size_t start = out->size;
	if (encoding == KC_CSV_UTF8) {
		rc = csv_rows(out, table, flags);
		return rc ? rollback(out, start, rc) : KISCRM_OK;
	}
	/* Made in UTF-8 aside, then encoded: a character GBK lacks names its row and column. */
	kiscrm_buf text = KISCRM_BUF_INIT;
	kc_csv_encoder enc;
	if ((rc = kc_csv_encoder_open(&enc, encoding, NULL)) == 0) {
		rc = csv_rows(&text, table, flags);
		if (rc == 0)
			rc = kc_csv_encode(&enc, out, text.ptr ? text.ptr : "", text.size);
		kc_csv_encoder_close(&enc);
	}
	kiscrm_buf_dispose(&text);
	return rc ? rollback(out, start, rc) : KISCRM_OK;
}

int kiscrm_table_write_csv(kiscrm_buf *out, const kiscrm_table *table)
{
	return kiscrm_table_write_csv_with(out, table, NULL);
}

/* ---- JSON ---- */

static int json_cell(kiscrm_buf *out, const kiscrm_table *table, size_t r, size_t c)
{
	const union kc_val *cell = get_cell(table, r, c);
	kiscrm_type type = table->cols[c].type;
	if (!cell)
		return kc_buf_puts(out, "null");
	if (type == KISCRM_TYPE_TEXT)
		return kc_buf_json_string(out, cell->s);
	if (type == KISCRM_TYPE_INT || type == KISCRM_TYPE_RATE)
		return put_value(out, table, cell, type, FMT_PLAIN);
	/* money, dates and times are strings; none of their characters needs escaping */
	int rc = kc_buf_put(out, "\"", 1);
	if (!rc)
		rc = put_value(out, table, cell, type, FMT_PLAIN);
	return rc ? rc : kc_buf_put(out, "\"", 1);
}

static int json_all(kiscrm_buf *out, const kiscrm_table *table)
{
	int rc = kc_buf_puts(out, "{\"columns\":[");
	for (size_t c = 0; !rc && c < table->ncols; c++) {
		rc = kc_buf_puts(out, c ? ",{\"name\":" : "{\"name\":");
		if (!rc)
			rc = kc_buf_json_string(out, table->cols[c].name);
		if (!rc)
			rc = kc_buf_printf(out, ",\"type\":\"%s\"}", type_name(table->cols[c].type));
	}
	if (!rc)
		rc = kc_buf_puts(out, "],\"rows\":[");
	for (size_t r = 0; !rc && r < table->nrows; r++) {
		rc = kc_buf_puts(out, r ? ",[" : "[");
		for (size_t c = 0; !rc && c < table->ncols; c++) {
			if (c)
				rc = kc_buf_put(out, ",", 1);
			if (!rc)
				rc = json_cell(out, table, r, c);
		}
		if (!rc)
			rc = kc_buf_put(out, "]", 1);
	}
	return rc ? rc : kc_buf_puts(out, "]}");
}

int kiscrm_table_write_json(kiscrm_buf *out, const kiscrm_table *table)
{
	int rc = check_writer_args(out, table, "kiscrm_table_write_json");
	if (rc)
		return rc;
	size_t start = out->size;
	rc = json_all(out, table);
	return rc ? rollback(out, start, rc) : KISCRM_OK;
}

/* ---- aligned text ---- */

static int right_aligned(kiscrm_type type)
{
	return type == KISCRM_TYPE_INT || type == KISCRM_TYPE_MONEY || type == KISCRM_TYPE_RATE;
}

/* Formats cell (row, col) for the terminal into @p scratch (emptied first); row SIZE_MAX
 * means the column header. Control characters of text become spaces so that a value
 * cannot break the layout. */
static int text_cell(kiscrm_buf *scratch, const kiscrm_table *table, size_t row, size_t col)
{
	scratch->size = 0;
	int rc = kc_buf_put(scratch, "", 0); /* ensures ptr is a valid empty string */
	if (rc)
		return rc;
	if (row == SIZE_MAX) {
		rc = kc_buf_puts(scratch, header(table, col));
	} else {
		const union kc_val *cell = get_cell(table, row, col);
		if (cell)
			rc = put_value(scratch, table, cell, table->cols[col].type, FMT_TEXT);
	}
	for (size_t i = 0; !rc && i < scratch->size; i++)
		if ((unsigned char)scratch->ptr[i] < 0x20 || scratch->ptr[i] == 0x7f)
			scratch->ptr[i] = ' ';
	return rc;
}

static int display_width(const char *s, size_t *width)
{
	int w = kiscrm_utf8_width(s);
	if (w < 0) /* text is validated when set, so this is a bug elsewhere */
		return kc_error_set(KISCRM_EINVALID, "cannot measure the width of '%s'", s);
	*width = (size_t)w;
	return KISCRM_OK;
}

static int pad(kiscrm_buf *out, size_t n)
{
	static const char spaces[] = "                                ";
	int rc = KISCRM_OK;
	while (!rc && n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		rc = kc_buf_put(out, spaces, k);
		n -= k;
	}
	return rc;
}

static int rule(kiscrm_buf *out, const size_t *widths, size_t ncols)
{
	size_t total = 0;
	for (size_t c = 0; c < ncols; c++)
		total += widths[c] + (c ? COLUMN_GAP_LEN : 0);
	int rc = KISCRM_OK;
	for (size_t i = 0; !rc && i < total; i++)
		rc = kc_buf_put(out, "-", 1);
	return rc ? rc : kc_buf_put(out, "\n", 1);
}

/* Writes one line (row SIZE_MAX = the header); trailing padding is dropped. */
static int text_line(kiscrm_buf *out, kiscrm_buf *scratch, const kiscrm_table *table,
		     size_t row, const size_t *widths)
{
	size_t start = out->size;
	int rc = KISCRM_OK;
	for (size_t c = 0; !rc && c < table->ncols; c++) {
		size_t w = 0;
		if (c)
			rc = kc_buf_put(out, COLUMN_GAP, COLUMN_GAP_LEN);
		if (!rc)
			rc = text_cell(scratch, table, row, c);
		if (!rc)
			rc = display_width(scratch->ptr, &w);
		if (rc)
			break;
		int right = right_aligned(table->cols[c].type);
		if (right)
			rc = pad(out, widths[c] - w);
		if (!rc)
			rc = kc_buf_put(out, scratch->ptr, scratch->size);
		if (!rc && !right)
			rc = pad(out, widths[c] - w);
	}
	if (rc)
		return rc;
	while (out->size > start && out->ptr[out->size - 1] == ' ')
		out->size--;
	return kc_buf_put(out, "\n", 1);
}

static int column_widths(size_t *widths, kiscrm_buf *scratch, const kiscrm_table *table)
{
	for (size_t c = 0; c < table->ncols; c++) {
		widths[c] = 0;
		for (size_t r = 0; r <= table->nrows; r++) {
			size_t w = 0;
			size_t row = r == 0 ? SIZE_MAX : r - 1;
			int rc = text_cell(scratch, table, row, c);
			if (!rc)
				rc = display_width(scratch->ptr, &w);
			if (rc)
				return rc;
			if (w > widths[c])
				widths[c] = w;
		}
	}
	return KISCRM_OK;
}

static int text_all(kiscrm_buf *out, kiscrm_buf *scratch, const kiscrm_table *table,
		    size_t *widths)
{
	int rc = column_widths(widths, scratch, table);
	if (!rc)
		rc = text_line(out, scratch, table, SIZE_MAX, widths);
	if (!rc)
		rc = rule(out, widths, table->ncols);
	for (size_t r = 0; !rc && r < table->nrows; r++) {
		/* a total right under the header rule needs no second rule */
		if (r > 0 && table->kinds[r] != KISCRM_ROW_DETAIL)
			rc = rule(out, widths, table->ncols);
		if (!rc)
			rc = text_line(out, scratch, table, r, widths);
	}
	/* notes after a blank line, so that they cannot be read as a row */
	for (size_t i = 0; !rc && i < table->nnotes; i++) {
		if (i == 0)
			rc = kc_buf_put(out, "\n", 1);
		if (!rc)
			rc = kc_buf_puts(out, table->notes[i]);
		if (!rc)
			rc = kc_buf_put(out, "\n", 1);
	}
	return rc;
}

int kiscrm_table_write_text(kiscrm_buf *out, const kiscrm_table *table)
{
	int rc = check_writer_args(out, table, "kiscrm_table_write_text");
	if (rc)
		return rc;
	size_t *widths = calloc(table->ncols ? table->ncols : 1, sizeof(*widths));
	if (!widths)
		return kc_error_oom();
	kiscrm_buf scratch = KISCRM_BUF_INIT;
	size_t start = out->size;
	rc = text_all(out, &scratch, table, widths);
	kiscrm_buf_dispose(&scratch);
	free(widths);
	return rc ? rollback(out, start, rc) : KISCRM_OK;
}

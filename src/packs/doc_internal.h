/* The document object behind kiscrm_doc (kiscrm/doc.h) and the calls the packs build it
 * with. A document owns its sections, and each section owns its table and notes; the
 * renderers only read it through these structures or the public accessors. */
#ifndef KC_PACKS_DOC_INTERNAL_H
#define KC_PACKS_DOC_INTERNAL_H

#include "kiscrm/doc.h"
#include "kiscrm/table.h"
#include "core/error.h"

typedef struct kc_doc_chart {
	int kind; /* kiscrm_chart_kind */
	size_t label;
	size_t nseries;
	size_t series[KISCRM_CHART_MAX_SERIES];
	int as_line[KISCRM_CHART_MAX_SERIES];
} kc_doc_chart;

typedef struct kc_doc_section {
	char *title;
	kiscrm_table *table;    /* NULL: notes only */
	unsigned char *formats; /* one kiscrm_doc_format per column of table */
	char **notes;
	size_t nnotes;
	kc_doc_chart chart;
} kc_doc_section;

struct kiscrm_doc {
	char *title, *subtitle;
	int zh;       /* language of the document: 1 Chinese, 0 English */
	int decimals; /* of the currency, for the renderers' own money text */
	kiscrm_date as_of; /* the date of the data (the workbook's fixed creation time) */
	kc_doc_section *sections;
	size_t nsections, cap;
};

/* A new empty document in a language (1: Chinese). */
int kc_doc_new(kiscrm_doc **out, int zh, int decimals);
int kc_doc_set_title(kiscrm_doc *doc, const char *title, const char *subtitle);
/* Appends a section; *index receives its position. */
int kc_doc_add_section(kiscrm_doc *doc, const char *title, size_t *index);
/* Gives section s its table (the document takes it over, also on failure). Every column
 * starts KISCRM_DOC_PLAIN, RATE columns KISCRM_DOC_PERCENT. */
int kc_doc_set_table(kiscrm_doc *doc, size_t s, kiscrm_table *table);
/* The format of the column named @column of section s's table (ignored when absent). */
void kc_doc_set_format(kiscrm_doc *doc, size_t s, const char *column, int format);
/* Appends a note (printf-style) to section s. */
int kc_doc_note(kiscrm_doc *doc, size_t s, const char *fmt, ...) KC_PRINTF(3, 4);
/* A chart over section s's table: label and series columns by name; series absent from
 * the table are left out, and no chart is set when the label or every series is absent.
 * @lines: NUL-terminated string of '0'/'1' per series (NULL: all bars). */
void kc_doc_set_chart(kiscrm_doc *doc, size_t s, int kind, const char *label, const char *const *series,
		      size_t nseries, const char *lines);

#endif

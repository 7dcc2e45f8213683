/* What the renderers of a document share: the text of a cell as people read it. */
#ifndef KC_PACKS_RENDER_H
#define KC_PACKS_RENDER_H

#include "packs/doc_internal.h"

/* Cell (r, c) of section s's table as shown to people: money with thousands separators,
 * rates in percent (KISCRM_DOC_PERCENT) or with two decimals, a negative gap as a named
 * surplus; NULL cells empty. Appends to @out; *surplus (may be NULL) is set to 1 for a
 * surplus. */
int kc_render_cell(kiscrm_buf *out, const kiscrm_doc *doc, size_t s, size_t r, size_t c, int *surplus);
/* 1 when column c of section s is right-aligned (numbers). */
int kc_render_numeric(const kiscrm_doc *doc, size_t s, size_t c);
/* 1 when section s has a gap column: the renderers then say what its sign means. */
int kc_render_has_gap(const kiscrm_doc *doc, size_t s);
/* The sentence that explains a gap's sign, in the document's language. */
const char *kc_render_gap_legend(const kiscrm_doc *doc);
/* Display columns of UTF-8 text (0 for invalid text). */
size_t kc_render_width(const char *s);

int kc_render_text(kiscrm_buf *out, const kiscrm_doc *doc);
int kc_render_html(kiscrm_buf *out, const kiscrm_doc *doc);
int kc_render_csv(kiscrm_buf *out, const kiscrm_doc *doc);
/* The inline SVG chart of section s (nothing when it has none). */
int kc_render_svg(kiscrm_buf *out, const kiscrm_doc *doc, size_t s);
/* HTML-escaped text. */
int kc_render_escape(kiscrm_buf *out, const char *s);
/* Writes the workbook to @path (the temporary file of kiscrm_doc_write_file());
 * KISCRM_ENOTSUPPORTED without libxlsxwriter. */
int kc_render_xlsx(const kiscrm_doc *doc, const char *path);

#endif

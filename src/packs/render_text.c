/* A document for a terminal of 120 columns: sections under "■ title", tables aligned by
 * display width (a CJK character takes two columns), numbers right-aligned. A table
 * wider than the line is split into parts that each repeat its first column; a text cell
 * too long for any part is cut with "…". */
#include "packs/render.h"
#include "core/buf.h"

#include <stdlib.h>
#include <string.h>

#define LINE 120
#define INDENT "  "
#define INDENT_LEN 2
#define GAP 2
/* the widest a text column may be beside the first column */
#define MIN_TEXT 12

typedef struct layout {
	const kiscrm_doc *doc;
	size_t s, ncols, nrows;
	size_t *width;   /* per column, display columns */
	char **cells;    /* (nrows + 1) * ncols texts, row 0 the header */
} layout;

static char **cell(layout *l, size_t row, size_t c)
{
	return &l->cells[row * l->ncols + c];
}

static int measure(layout *l)
{
	const kiscrm_table *t = l->doc->sections[l->s].table;
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = KISCRM_OK;
	for (size_t row = 0; !rc && row <= l->nrows; row++)
		for (size_t c = 0; !rc && c < l->ncols; c++) {
			b.size = 0;
			rc = row ? kc_render_cell(&b, l->doc, l->s, row - 1, c, NULL)
				 : kc_buf_puts(&b, kiscrm_table_column_name(t, c));
			if (!rc)
				rc = kc_buf_put(&b, "", 0);
			/* control characters would break the layout */
			for (size_t i = 0; !rc && i < b.size; i++)
				if ((unsigned char)b.ptr[i] < 0x20 || b.ptr[i] == 0x7f)
					b.ptr[i] = ' ';
			if (!rc && !(*cell(l, row, c) = malloc(b.size + 1)))
				rc = kc_error_oom();
			if (!rc) {
				memcpy(*cell(l, row, c), b.ptr, b.size + 1);
				size_t w = kc_render_width(b.ptr);
				if (w > l->width[c])
					l->width[c] = w;
			}
		}
	kiscrm_buf_dispose(&b);
	/* text columns are cut so that each fits one part beside the first column */
	size_t room = LINE - INDENT_LEN - GAP - (l->width[0] < LINE / 2 ? l->width[0] : LINE / 2);
	for (size_t c = 0; c < l->ncols; c++)
		if (!kc_render_numeric(l->doc, l->s, c) && l->width[c] > room)
			l->width[c] = room < MIN_TEXT ? MIN_TEXT : room;
	return rc;
}

static int pad(kiscrm_buf *out, size_t n)
{
	int rc = KISCRM_OK;
	while (!rc && n--)
		rc = kc_buf_put(out, " ", 1);
	return rc;
}

/* Appends @s cut to @w display columns (with "…" when cut); *used receives the width. */
static int put_cut(kiscrm_buf *out, const char *s, size_t w, size_t *used)
{
	size_t full = kc_render_width(s);
	if (full <= w) {
		*used = full;
		return kc_buf_puts(out, s);
	}
	size_t i = 0, cols = 0;
	char ch[8];
	while (s[i]) {
		size_t len = 1;
		while (s[i + len] && ((unsigned char)s[i + len] & 0xC0) == 0x80)
			len++;
		memcpy(ch, s + i, len);
		ch[len] = '\0';
		size_t cw = kc_render_width(ch);
		if (cols + cw + 1 > w)
			break;
		cols += cw;
		i += len;
	}
	*used = cols + 1;
	int rc = kc_buf_put(out, s, i);
	return rc ? rc : kc_buf_puts(out, "…");
}

static int line(kiscrm_buf *out, layout *l, size_t row, const size_t *cols, size_t n)
{
	size_t start = out->size;
	int rc = kc_buf_put(out, INDENT, INDENT_LEN);
	for (size_t i = 0; !rc && i < n; i++) {
		size_t c = cols[i], used = 0;
		if (i)
			rc = pad(out, GAP);
		int right = kc_render_numeric(l->doc, l->s, c);
		const char *text = *cell(l, row, c);
		size_t w = kc_render_width(text);
		if (!rc && right && w < l->width[c])
			rc = pad(out, l->width[c] - w);
		if (!rc)
			rc = put_cut(out, text, l->width[c], &used);
		if (!rc && !right)
			rc = pad(out, l->width[c] - used);
	}
	if (rc)
		return rc;
	while (out->size > start && out->ptr[out->size - 1] == ' ')
		out->size--;
	return kc_buf_put(out, "\n", 1);
}

static int rule(kiscrm_buf *out, const layout *l, const size_t *cols, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += l->width[cols[i]] + (i ? GAP : 0);
	int rc = kc_buf_put(out, INDENT, INDENT_LEN);
	for (size_t i = 0; !rc && i < w; i++)
		rc = kc_buf_put(out, "-", 1);
	return rc ? rc : kc_buf_put(out, "\n", 1);
}

static int part(kiscrm_buf *out, layout *l, const size_t *cols, size_t n)
{
	const kiscrm_table *t = l->doc->sections[l->s].table;
	int rc = line(out, l, 0, cols, n);
	if (!rc)
		rc = rule(out, l, cols, n);
	for (size_t r = 0; !rc && r < l->nrows; r++) {
		/* a rule sets totals apart from the detail above them */
		if (r > 0 && kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL &&
		    kiscrm_table_row_kind(t, r - 1) == KISCRM_ROW_DETAIL)
			rc = rule(out, l, cols, n);
		if (!rc)
			rc = line(out, l, r + 1, cols, n);
	}
	return rc;
}

/* The parts: the first column, then as many further columns as fit, in order. */
static int parts(kiscrm_buf *out, layout *l)
{
	size_t *cols = malloc((l->ncols + 1) * sizeof(*cols));
	if (!cols)
		return kc_error_oom();
	int rc = KISCRM_OK;
	size_t next = 1, nparts = 0;
	do {
		size_t n = 0, w = l->width[0];
		cols[n++] = 0;
		while (next < l->ncols && (n == 1 || w + GAP + l->width[next] <= LINE - INDENT_LEN)) {
			w += GAP + l->width[next];
			cols[n++] = next++;
		}
		if (nparts++)
			rc = kc_buf_put(out, "\n", 1);
		if (!rc)
			rc = part(out, l, cols, n);
	} while (!rc && next < l->ncols);
	free(cols);
	return rc;
}

static int table(kiscrm_buf *out, const kiscrm_doc *doc, size_t s)
{
	const kiscrm_table *t = doc->sections[s].table;
	layout l = { doc, s, kiscrm_table_column_count(t), kiscrm_table_row_count(t), NULL, NULL };
	if (l.ncols == 0)
		return KISCRM_OK;
	l.width = calloc(l.ncols, sizeof(*l.width));
	l.cells = calloc((l.nrows + 1) * l.ncols, sizeof(*l.cells));
	int rc = l.width && l.cells ? measure(&l) : kc_error_oom();
	if (!rc)
		rc = parts(out, &l);
	for (size_t i = 0; l.cells && i < (l.nrows + 1) * l.ncols; i++)
		free(l.cells[i]);
	free(l.cells);
	free(l.width);
	return rc;
}

int kc_render_text(kiscrm_buf *out, const kiscrm_doc *doc)
{
	int rc = kc_buf_printf(out, "%s\n%s\n", doc->title ? doc->title : "", doc->subtitle ? doc->subtitle : "");
	for (size_t s = 0; !rc && s < doc->nsections; s++) {
		const kc_doc_section *sec = &doc->sections[s];
		rc = kc_buf_printf(out, "\n■ %s\n", sec->title);
		if (!rc && sec->table)
			rc = table(out, doc, s);
		for (size_t i = 0; !rc && i < sec->nnotes; i++)
			rc = kc_buf_printf(out, INDENT "%s\n", sec->notes[i]);
		if (!rc && kc_render_has_gap(doc, s) && kiscrm_table_row_count(sec->table))
			rc = kc_buf_printf(out, INDENT "%s\n", kc_render_gap_legend(doc));
	}
	return rc;
}

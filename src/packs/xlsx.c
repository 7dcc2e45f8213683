/* A document as an XLSX workbook (libxlsxwriter): one sheet per section — its title, the
 * table under a frozen header row, then its notes. Numbers stay numbers: money with the
 * currency's decimals and thousands separators (a gap's surplus named by the number
 * format, the value still negative), rates as percentages, dates as dates. XLSX stores
 * every number as a double: money is converted from exact minor units only here, at the
 * edge, and a double holds any amount below 2^53 minor units exactly enough to print. */
#include "packs/render.h"
#include "kiscrm/text.h"
#include "core/buf.h"

#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#define UNIX_EPOCH_SERIAL 25569 /* 1970-01-01 in the 1900 date system */
#define MAX_WIDTH 60

enum { F_TEXT, F_INT, F_MONEY, F_GAP, F_PERCENT, F_RATE, F_DATE, F_TIME, F_KINDS };

typedef struct book {
	lxw_workbook *wb;
	const kiscrm_doc *doc;
	lxw_format *fmt[F_KINDS][2]; /* [kind][bold] */
	lxw_format *title, *header;
} book;

static int fail(lxw_error e, const char *what)
{
	return kc_error_set(KISCRM_ESTORAGE, "XLSX: %s: %s", what, lxw_strerror(e));
}

static void formats(book *b)
{
	char money[32], gap[96];
	snprintf(money, sizeof(money), "#,##0%s%.*s", b->doc->decimals ? "." : "", b->doc->decimals, "000000");
	snprintf(gap, sizeof(gap), "%s;[Color10]\"%s \"%s", money, b->doc->zh ? "超额" : "surplus", money);
	const char *num[F_KINDS] = { NULL, "0", money, gap, "0.0%", "0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss" };
	for (int k = 0; k < F_KINDS; k++)
		for (int bold = 0; bold < 2; bold++) {
			lxw_format *f = workbook_add_format(b->wb);
			if (num[k])
				format_set_num_format(f, num[k]);
			if (bold)
				format_set_bold(f);
			b->fmt[k][bold] = f;
		}
	b->title = workbook_add_format(b->wb);
	format_set_bold(b->title);
	format_set_font_size(b->title, 13);
	b->header = workbook_add_format(b->wb);
	format_set_bold(b->header);
	format_set_bg_color(b->header, 0xEEF1F5);
	format_set_bottom(b->header, LXW_BORDER_THIN);
}

/* "3 逾期应收…": numbered (titles may repeat), at most 31 characters, none of []:*?/\. */
static void sheet_name(char *out, size_t size, size_t s, const char *title)
{
	int n = snprintf(out, size, "%zu ", s + 1);
	size_t k = (size_t)n, chars = (size_t)n;
	for (const char *p = title; *p && chars < 31;) {
		size_t len = 1;
		while (p[len] && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		if (k + len + 1 > size)
			break;
		if (len == 1 && strchr("[]:*?/\\'", *p))
			out[k++] = '_';
		else
			memcpy(out + k, p, len), k += len;
		p += len;
		chars++;
	}
	out[k] = '\0';
}

static int kind_of(const kc_doc_section *sec, size_t c)
{
	switch (kiscrm_table_column_type(sec->table, c)) {
	case KISCRM_TYPE_INT:
		return F_INT;
	case KISCRM_TYPE_MONEY:
		return sec->formats[c] == KISCRM_DOC_GAP ? F_GAP : F_MONEY;
	case KISCRM_TYPE_RATE:
		return sec->formats[c] == KISCRM_DOC_PERCENT ? F_PERCENT : F_RATE;
	case KISCRM_TYPE_DATE:
		return F_DATE;
	case KISCRM_TYPE_TIME:
		return F_TIME;
	default:
		return F_TEXT;
	}
}

static lxw_error put_cell(book *b, lxw_worksheet *ws, const kc_doc_section *sec, size_t r, size_t c, lxw_row_t row)
{
	const kiscrm_table *t = sec->table;
	int kind = kind_of(sec, c), bold = kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL;
	lxw_format *f = b->fmt[kind][bold];
	lxw_col_t col = (lxw_col_t)c;
	if (kiscrm_table_is_null(t, r, c))
		return bold ? worksheet_write_blank(ws, row, col, f) : LXW_NO_ERROR;
	int64_t v = kiscrm_table_int(t, r, c), unit = 1;
	switch (kind) {
	case F_TEXT:
		return worksheet_write_string(ws, row, col, kiscrm_table_text(t, r, c), f);
	case F_MONEY:
	case F_GAP:
		for (int d = 0; d < b->doc->decimals; d++)
			unit *= 10;
		/* whole and fraction apart, so that no large amount loses its cents */
		return worksheet_write_number(ws, row, col, (double)(v / unit) + (double)(v % unit) / (double)unit, f);
	case F_PERCENT:
	case F_RATE:
		return worksheet_write_number(ws, row, col, kiscrm_table_rate(t, r, c), f);
	case F_DATE:
		return worksheet_write_number(ws, row, col, (double)(v + UNIX_EPOCH_SERIAL), f);
	case F_TIME:
		return worksheet_write_number(ws, row, col, (double)v / 86400.0 + UNIX_EPOCH_SERIAL, f);
	default:
		return worksheet_write_number(ws, row, col, (double)v, f);
	}
}

/* Column widths by display width (a CJK character is two columns), as people see them. */
static void widths(book *b, lxw_worksheet *ws, size_t s)
{
	const kc_doc_section *sec = &b->doc->sections[s];
	size_t nc = kiscrm_table_column_count(sec->table), nr = kiscrm_table_row_count(sec->table);
	kiscrm_buf cell = KISCRM_BUF_INIT;
	for (size_t c = 0; c < nc; c++) {
		size_t w = kc_render_width(kiscrm_table_column_name(sec->table, c));
		for (size_t r = 0; r < nr; r++) {
			cell.size = 0;
			if (kc_render_cell(&cell, b->doc, s, r, c, NULL) == KISCRM_OK && kc_buf_put(&cell, "", 0) == 0) {
				size_t cw = kc_render_width(cell.ptr);
				w = cw > w ? cw : w;
			}
		}
		w = w > MAX_WIDTH ? MAX_WIDTH : w;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)(w + 2), NULL);
	}
	kiscrm_buf_dispose(&cell);
}

static lxw_error sheet(book *b, size_t s)
{
	const kc_doc_section *sec = &b->doc->sections[s];
	char name[128];
	sheet_name(name, sizeof(name), s, sec->title);
	lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
	if (!ws)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	lxw_error e = worksheet_write_string(ws, 0, 0, sec->title, b->title);
	lxw_row_t row = 1;
	if (sec->table) {
		size_t nc = kiscrm_table_column_count(sec->table), nr = kiscrm_table_row_count(sec->table);
		for (size_t c = 0; !e && c < nc; c++)
			e = worksheet_write_string(ws, row, (lxw_col_t)c, kiscrm_table_column_name(sec->table, c), b->header);
		worksheet_freeze_panes(ws, 2, 0);
		row++;
		for (size_t r = 0; !e && r < nr; r++, row++)
			for (size_t c = 0; !e && c < nc; c++)
				e = put_cell(b, ws, sec, r, c, row);
		widths(b, ws, s);
		if (!e && kc_render_has_gap(b->doc, s) && nr)
			e = worksheet_write_string(ws, ++row, 0, kc_render_gap_legend(b->doc), NULL);
		row++;
	}
	for (size_t i = 0; !e && i < sec->nnotes; i++)
		e = worksheet_write_string(ws, row++, 0, sec->notes[i], NULL);
	return e;
}

int kc_render_xlsx(const kiscrm_doc *doc, const char *path)
{
	book b;
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	if (!(b.wb = workbook_new(path)))
		return kc_error_set(KISCRM_ESTORAGE, "XLSX: cannot create '%s'", path);
	/* a fixed creation time (the date of the data): the same pack gives the same file */
	lxw_doc_properties props;
	memset(&props, 0, sizeof(props));
	props.title = doc->title;
	props.created = (time_t)doc->as_of * 86400;
	lxw_error e = workbook_set_properties(b.wb, &props);
	formats(&b);
	for (size_t s = 0; !e && s < doc->nsections; s++)
		e = sheet(&b, s);
	lxw_error c = workbook_close(b.wb);
	if (e)
		return fail(e, "cannot write the sheets");
	return c ? fail(c, path) : KISCRM_OK;
}

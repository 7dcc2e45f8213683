/* A document as one self-contained HTML page: inline CSS (print-friendly: A4 landscape,
 * header rows repeated on every page, charts kept whole), inline SVG charts, no script
 * and no external resource, so the file can be mailed or archived as it is. */
#include "packs/render.h"
#include "core/buf.h"

#include <string.h>

static const char style[] =
	"<style>\n"
	"body{font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
	"\"PingFang SC\",sans-serif;color:#222;background:#fff;margin:24px;font-size:13px}\n"
	"h1{font-size:20px;margin:0 0 4px}\n"
	"p.sub{color:#555;margin:0 0 16px}\n"
	"h2{font-size:15px;margin:20px 0 6px;border-left:4px solid #4e79a7;padding-left:6px;break-after:avoid}\n"
	"table{border-collapse:collapse;margin:6px 0}\n"
	"thead{display:table-header-group}\n"
	"th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top}\n"
	"th{background:#eef1f5;font-weight:600;white-space:nowrap}\n"
	"td.n{text-align:right;white-space:nowrap}\n"
	"tr.sub td{font-weight:600;background:#f7f7f7}\n"
	"tr.total td{font-weight:700;border-top:2px solid #555}\n"
	"td.surplus{color:#2e7d32}\n"
	"p.note{margin:4px 0;color:#444}\n"
	"svg.chart{display:block;margin:8px 0;break-inside:avoid}\n"
	"svg.chart text{font-size:12px;fill:#222}\n"
	"@page{size:A4 landscape;margin:12mm}\n"
	"@media print{body{margin:0;font-size:10pt}tr{break-inside:avoid}}\n"
	"</style>\n";

static int element(kiscrm_buf *out, const char *open, const char *text, const char *close)
{
	int rc = kc_buf_puts(out, open);
	if (!rc)
		rc = kc_render_escape(out, text);
	return rc ? rc : kc_buf_puts(out, close);
}

static int table(kiscrm_buf *out, const kiscrm_doc *doc, size_t s)
{
	const kiscrm_table *t = doc->sections[s].table;
	size_t nc = kiscrm_table_column_count(t), nr = kiscrm_table_row_count(t);
	kiscrm_buf cell = KISCRM_BUF_INIT;
	int rc = kc_buf_puts(out, "<table>\n<thead><tr>");
	for (size_t c = 0; !rc && c < nc; c++)
		rc = element(out, "<th>", kiscrm_table_column_name(t, c), "</th>");
	if (!rc)
		rc = kc_buf_puts(out, "</tr></thead>\n<tbody>\n");
	for (size_t r = 0; !rc && r < nr; r++) {
		kiscrm_row_kind kind = kiscrm_table_row_kind(t, r);
		rc = kc_buf_puts(out, kind == KISCRM_ROW_TOTAL ? "<tr class=\"total\">"
				      : kind == KISCRM_ROW_SUBTOTAL ? "<tr class=\"sub\">"
								    : "<tr>");
		for (size_t c = 0; !rc && c < nc; c++) {
			int surplus = 0;
			cell.size = 0;
			rc = kc_render_cell(&cell, doc, s, r, c, &surplus);
			if (!rc)
				rc = kc_buf_put(&cell, "", 0);
			if (!rc)
				rc = element(out,
					     surplus ? "<td class=\"n surplus\">"
					     : kc_render_numeric(doc, s, c) ? "<td class=\"n\">"
									    : "<td>",
					     cell.ptr, "</td>");
		}
		if (!rc)
			rc = kc_buf_puts(out, "</tr>\n");
	}
	kiscrm_buf_dispose(&cell);
	return rc ? rc : kc_buf_puts(out, "</tbody>\n</table>\n");
}

int kc_render_html(kiscrm_buf *out, const kiscrm_doc *doc)
{
	int rc = kc_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
			       doc->zh ? "zh-CN" : "en");
	if (!rc)
		rc = element(out, "<title>", doc->title ? doc->title : "", "</title>\n");
	if (!rc)
		rc = kc_buf_puts(out, style);
	if (!rc)
		rc = element(out, "</head>\n<body>\n<h1>", doc->title ? doc->title : "", "</h1>\n");
	if (!rc)
		rc = element(out, "<p class=\"sub\">", doc->subtitle ? doc->subtitle : "", "</p>\n");
	for (size_t s = 0; !rc && s < doc->nsections; s++) {
		const kc_doc_section *sec = &doc->sections[s];
		rc = kc_buf_printf(out, "<section id=\"s%zu\">\n", s + 1);
		if (!rc)
			rc = element(out, "<h2>", sec->title, "</h2>\n");
		if (!rc)
			rc = kc_render_svg(out, doc, s);
		if (!rc && sec->table && kiscrm_table_row_count(sec->table))
			rc = table(out, doc, s);
		for (size_t i = 0; !rc && i < sec->nnotes; i++)
			rc = element(out, "<p class=\"note\">", sec->notes[i], "</p>\n");
		if (!rc && kc_render_has_gap(doc, s) && kiscrm_table_row_count(sec->table))
			rc = element(out, "<p class=\"note\">", kc_render_gap_legend(doc), "</p>\n");
		if (!rc)
			rc = kc_buf_puts(out, "</section>\n");
	}
	return rc ? rc : kc_buf_puts(out, "</body>\n</html>\n");
}

/* The text of a document's cells as people read them, shared by the text, HTML and SVG
 * renderers so that a number reads the same everywhere. Money never passes through
 * floating point; rates are already fractions and are printed with fixed decimals. */
#include "packs/render.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"
#include "kiscrm/text.h"
#include "core/buf.h"

#include <inttypes.h>

size_t kc_render_width(const char *s)
{
	int w = s ? kiscrm_utf8_width(s) : 0;
	return w < 0 ? 0 : (size_t)w;
}

int kc_render_numeric(const kiscrm_doc *doc, size_t s, size_t c)
{
	kiscrm_type t = kiscrm_table_column_type(doc->sections[s].table, c);
	return t == KISCRM_TYPE_INT || t == KISCRM_TYPE_MONEY || t == KISCRM_TYPE_RATE;
}

int kc_render_has_gap(const kiscrm_doc *doc, size_t s)
{
	const kc_doc_section *sec = &doc->sections[s];
	for (size_t c = 0; sec->table && c < kiscrm_table_column_count(sec->table); c++)
		if (sec->formats[c] == KISCRM_DOC_GAP)
			return 1;
	return 0;
}

const char *kc_render_gap_legend(const kiscrm_doc *doc)
{
	return doc->zh ? "缺口 = 目标 − 实际（或预计）：正数为尚差的金额，“超额”为超过目标的金额。"
		       : "Gap = target − actual (or expected): a positive amount is still missing; \"surplus\" is the amount above the target.";
}

int kc_render_cell(kiscrm_buf *out, const kiscrm_doc *doc, size_t s, size_t r, size_t c, int *surplus)
{
	const kc_doc_section *sec = &doc->sections[s];
	const kiscrm_table *t = sec->table;
	char tmp[64];
	int n;
	if (surplus)
		*surplus = 0;
	if (kiscrm_table_is_null(t, r, c))
		return kc_buf_put(out, "", 0);
	switch (kiscrm_table_column_type(t, c)) {
	case KISCRM_TYPE_TEXT:
		return kc_buf_puts(out, kiscrm_table_text(t, r, c));
	case KISCRM_TYPE_INT:
		return kc_buf_printf(out, "%" PRId64, kiscrm_table_int(t, r, c));
	case KISCRM_TYPE_RATE:
		if (sec->formats[c] == KISCRM_DOC_PERCENT)
			return kc_buf_printf(out, "%.1f%%", kiscrm_table_rate(t, r, c) * 100.0);
		return kc_buf_printf(out, "%.2f", kiscrm_table_rate(t, r, c));
	case KISCRM_TYPE_MONEY: {
		int64_t v = kiscrm_table_int(t, r, c);
		int gap = sec->formats[c] == KISCRM_DOC_GAP && v < 0;
		/* a surplus is shown as its (positive) amount, named: the minus sign of
		 * target − actual is easy to misread in a meeting */
		n = kiscrm_money_format(tmp, sizeof(tmp), gap && v != INT64_MIN ? -v : v, doc->decimals,
					KISCRM_MONEY_THOUSANDS);
		if (n < 0)
			return n;
		if (gap && surplus)
			*surplus = 1;
		return gap ? kc_buf_printf(out, "%s %s", doc->zh ? "超额" : "surplus", tmp) : kc_buf_puts(out, tmp);
	}
	case KISCRM_TYPE_DATE:
		n = kiscrm_date_format(tmp, sizeof(tmp), (kiscrm_date)kiscrm_table_int(t, r, c));
		return n < 0 ? n : kc_buf_puts(out, tmp);
	case KISCRM_TYPE_TIME:
		n = kiscrm_time_format(tmp, sizeof(tmp), kiscrm_table_int(t, r, c));
		return n < 0 ? n : kc_buf_puts(out, tmp);
	default:
		return kc_buf_put(out, "", 0);
	}
}

/* HTML and SVG text: the five characters markup could read otherwise. */
int kc_render_escape(kiscrm_buf *out, const char *s)
{
	int rc = KISCRM_OK;
	const char *run = s;
	for (; !rc && s && *s; s++) {
		const char *e = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '"' ? "&quot;"
							   : *s == '\'' ? "&#39;" : NULL;
		if (!e)
			continue;
		rc = kc_buf_put(out, run, (size_t)(s - run));
		if (!rc)
			rc = kc_buf_puts(out, e);
		run = s + 1;
	}
	return rc || !s ? rc : kc_buf_puts(out, run);
}

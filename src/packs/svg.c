/* Inline SVG charts over a section's table: grouped vertical bars with lines (the eight
 * weeks against their targets), horizontal bars from a zero axis (the gap by person, the
 * KPI ranking) and a funnel. Deterministic: integer coordinates, fixed formats, no
 * script. Room for labels is reserved by their display width (a CJK character is two
 * columns), so Chinese labels are never clipped. */
#include "packs/render.h"
#include "kiscrm/money.h"
#include "core/buf.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* pixels per display column at the charts' 12px font: a CJK glyph is 12px wide (two
 * columns), Latin text averages less than 7px a character */
#define PX_PER_COL 7
#define ROW_H 22
#define BAR_H 14
#define PLOT_W 440
#define PLOT_H 220
#define PAD 8

static const char *const palette[KISCRM_CHART_MAX_SERIES] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759" };

typedef struct chart {
	const kiscrm_doc *doc;
	size_t s;
	const kc_doc_chart *spec;
	size_t n;             /* points (detail rows) */
	size_t *rows;         /* their rows */
	char **labels;        /* n */
	char **texts;         /* n * nseries value texts */
	double *values;       /* n * nseries, for geometry only */
	unsigned char *isnull;
	double lo, hi;
	size_t label_w, text_w;
} chart;

static long px(double v)
{
	return (long)floor(v + 0.5);
}

static double value_of(const kiscrm_table *t, size_t r, size_t c)
{
	if (kiscrm_table_column_type(t, c) == KISCRM_TYPE_RATE)
		return kiscrm_table_rate(t, r, c);
	return (double)kiscrm_table_int(t, r, c);
}

static int text_of(char **out, const chart *ch, size_t r, size_t c)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	int rc = kc_render_cell(&b, ch->doc, ch->s, r, c, NULL);
	if (!rc)
		rc = kc_buf_put(&b, "", 0);
	if (rc) {
		kiscrm_buf_dispose(&b);
		return rc;
	}
	*out = b.ptr;
	return KISCRM_OK;
}

static int collect(chart *ch)
{
	const kiscrm_table *t = ch->doc->sections[ch->s].table;
	size_t nr = kiscrm_table_row_count(t), k = ch->spec->nseries;
	ch->rows = calloc(nr ? nr : 1, sizeof(*ch->rows));
	ch->labels = calloc(nr ? nr : 1, sizeof(*ch->labels));
	ch->texts = calloc(nr * k + 1, sizeof(*ch->texts));
	ch->values = calloc(nr * k + 1, sizeof(*ch->values));
	ch->isnull = calloc(nr * k + 1, 1);
	if (!ch->rows || !ch->labels || !ch->texts || !ch->values || !ch->isnull)
		return kc_error_oom();
	ch->lo = ch->hi = 0;
	for (size_t r = 0; r < nr; r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL)
			continue;
		size_t i = ch->n++;
		ch->rows[i] = r;
		int rc = text_of(&ch->labels[i], ch, r, ch->spec->label);
		size_t w = kc_render_width(ch->labels[i]);
		if (w > ch->label_w)
			ch->label_w = w;
		for (size_t j = 0; !rc && j < k; j++) {
			size_t c = ch->spec->series[j];
			ch->isnull[i * k + j] = (unsigned char)kiscrm_table_is_null(t, r, c);
			double v = ch->isnull[i * k + j] ? 0 : value_of(t, r, c);
			ch->values[i * k + j] = v;
			ch->lo = v < ch->lo ? v : ch->lo;
			ch->hi = v > ch->hi ? v : ch->hi;
			rc = text_of(&ch->texts[i * k + j], ch, r, c);
			w = rc ? 0 : kc_render_width(ch->texts[i * k + j]);
			if (w > ch->text_w)
				ch->text_w = w;
		}
		if (rc)
			return rc;
	}
	return KISCRM_OK;
}

static void dispose(chart *ch)
{
	size_t k = ch->spec->nseries;
	for (size_t i = 0; i < ch->n; i++) {
		free(ch->labels[i]);
		for (size_t j = 0; j < k; j++)
			free(ch->texts[i * k + j]);
	}
	free(ch->rows);
	free(ch->labels);
	free(ch->texts);
	free(ch->values);
	free(ch->isnull);
}

static int text(kiscrm_buf *out, long x, long y, const char *anchor, const char *s)
{
	int rc = kc_buf_printf(out, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"%s\">", x, y, anchor);
	if (!rc)
		rc = kc_render_escape(out, s);
	return rc ? rc : kc_buf_puts(out, "</text>\n");
}

static int open_svg(kiscrm_buf *out, const chart *ch, long w, long h)
{
	int rc = kc_buf_printf(out,
			       "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%ld\" height=\"%ld\" "
			       "viewBox=\"0 0 %ld %ld\" role=\"img\"><title>",
			       w, h, w, h);
	if (!rc)
		rc = kc_render_escape(out, ch->doc->sections[ch->s].title);
	return rc ? rc : kc_buf_puts(out, "</title>\n");
}

/* Horizontal bars from a zero axis; a value's text sits beyond its bar's end. */
static int hbar(kiscrm_buf *out, const chart *ch)
{
	size_t k = ch->spec->nseries; /* the first series is drawn */
	long lw = (long)(ch->label_w * PX_PER_COL) + PAD, tw = (long)(ch->text_w * PX_PER_COL) + PAD;
	long left = lw + PAD + (ch->lo < 0 ? tw : 0), width = left + PLOT_W + (ch->hi > 0 ? tw : 0) + PAD;
	long height = (long)ch->n * ROW_H + 2 * PAD;
	double span = ch->hi - ch->lo > 0 ? ch->hi - ch->lo : 1;
	long zero = left + px(-ch->lo * PLOT_W / span);
	int rc = open_svg(out, ch, width, height);
	for (size_t i = 0; !rc && i < ch->n; i++) {
		double v = ch->values[i * k];
		long y = PAD + (long)i * ROW_H, x1 = left + px((v - ch->lo) * PLOT_W / span);
		long x = x1 < zero ? x1 : zero, w = labs(x1 - zero);
		rc = text(out, lw, y + BAR_H - 2, "end", ch->labels[i]);
		if (!rc && !ch->isnull[i * k])
			rc = kc_buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\" fill=\"%s\"/>\n", x, y,
					   w, BAR_H, v < 0 ? palette[2] : palette[0]);
		if (!rc && !ch->isnull[i * k])
			rc = text(out, v < 0 ? x1 - 4 : x1 + 4, y + BAR_H - 2, v < 0 ? "end" : "start", ch->texts[i * k]);
	}
	if (!rc)
		rc = kc_buf_printf(out, "<line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\" stroke=\"#333\"/>\n", zero, PAD - 2,
				   zero, height - PAD + 2);
	return rc ? rc : kc_buf_puts(out, "</svg>\n");
}

/* Centred bars, widest first as a funnel reads; each value's text right of the widest. */
static int funnel(kiscrm_buf *out, const chart *ch)
{
	size_t k = ch->spec->nseries; /* the first series is drawn */
	long lw = (long)(ch->label_w * PX_PER_COL) + PAD, cx = lw + PAD + PLOT_W / 2;
	long width = lw + PAD + PLOT_W + PAD + (long)(ch->text_w * PX_PER_COL) + PAD;
	long height = (long)ch->n * (ROW_H + 4) + 2 * PAD;
	double top = ch->hi > 0 ? ch->hi : 1;
	int rc = open_svg(out, ch, width, height);
	for (size_t i = 0; !rc && i < ch->n; i++) {
		double v = ch->values[i * k] > 0 ? ch->values[i * k] : 0;
		long y = PAD + (long)i * (ROW_H + 4), w = px(v * PLOT_W / top);
		if (w < 2)
			w = 2;
		rc = text(out, lw, y + ROW_H / 2 + 4, "end", ch->labels[i]);
		if (!rc)
			rc = kc_buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%d\" fill=\"%s\"/>\n",
					   cx - w / 2, y, w, ROW_H, palette[0]);
		if (!rc)
			rc = text(out, lw + PAD + PLOT_W + PAD, y + ROW_H / 2 + 4, "start", ch->texts[i * k]);
	}
	return rc ? rc : kc_buf_puts(out, "</svg>\n");
}

/* A round step (1, 2 or 5 × 10^k, at least @unit) giving about four intervals. */
static int64_t nice_step(double span, int64_t unit)
{
	int64_t step = unit;
	while ((double)step * 4 < span && step < INT64_MAX / 10) {
		if ((double)step * 2 * 4 >= span)
			return step * 2;
		if ((double)step * 5 * 4 >= span)
			return step * 5;
		step *= 10;
	}
	return step;
}

static int axis_label(char *buf, size_t size, int64_t v, int64_t unit)
{
	return kiscrm_money_format(buf, size, v / unit, 0, KISCRM_MONEY_THOUSANDS);
}

/* Grouped vertical bars, one group per row; series marked as lines are drawn over them. */
static int bars(kiscrm_buf *out, const chart *ch)
{
	const kiscrm_table *t = ch->doc->sections[ch->s].table;
	size_t k = ch->spec->nseries, nbars = 0;
	for (size_t j = 0; j < k; j++)
		nbars += !ch->spec->as_line[j];
	int64_t unit = 1;
	if (kiscrm_table_column_type(t, ch->spec->series[0]) == KISCRM_TYPE_MONEY)
		for (int d = 0; d < ch->doc->decimals; d++)
			unit *= 10;
	int64_t step = nice_step(ch->hi - ch->lo, unit);
	int64_t lo = -(int64_t)ceil(-ch->lo / (double)step) * step, hi = (int64_t)ceil(ch->hi / (double)step) * step;
	if (hi == lo)
		hi = lo + step;
	char tick[48];
	size_t tick_w = 0;
	for (int64_t v = lo; v <= hi; v += step)
		if (axis_label(tick, sizeof(tick), v, unit) > 0 && kc_render_width(tick) > tick_w)
			tick_w = kc_render_width(tick);
	long left = (long)(tick_w * PX_PER_COL) + 2 * PAD;
	long group = (long)(ch->label_w * PX_PER_COL) + 2 * PAD, min_group = (long)nbars * 12 + 12;
	group = group < min_group ? min_group : group;
	long legend_h = 24, top = PAD + legend_h, plot_w = group * (long)ch->n;
	long width = left + plot_w + PAD, height = top + PLOT_H + ROW_H + PAD;
	double span = (double)(hi - lo);
#define Y(v) (top + PLOT_H - px(((v) - (double)lo) * PLOT_H / span))
	int rc = open_svg(out, ch, width, height);
	/* legend: a swatch and the column's name per series */
	long lx = left;
	for (size_t j = 0; !rc && j < k; j++) {
		const char *name = kiscrm_table_column_name(t, ch->spec->series[j]);
		rc = ch->spec->as_line[j]
			     ? kc_buf_printf(out, "<line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>\n",
					     lx, PAD + 6, lx + 14, PAD + 6, palette[j])
			     : kc_buf_printf(out, "<rect x=\"%ld\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>\n", lx, PAD,
					     palette[j]);
		if (!rc)
			rc = text(out, lx + 18, PAD + 11, "start", name);
		lx += 18 + (long)kc_render_width(name) * PX_PER_COL + 16;
	}
	for (int64_t v = lo; !rc && v <= hi; v += step) {
		long y = Y((double)v);
		rc = kc_buf_printf(out, "<line x1=\"%ld\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"%s\"/>\n", left, y,
				   left + plot_w, y, v == 0 ? "#333" : "#ddd");
		if (!rc && axis_label(tick, sizeof(tick), v, unit) > 0)
			rc = text(out, left - PAD, y + 4, "end", tick);
	}
	long bw = nbars ? (group - 12) / (long)nbars : 0;
	for (size_t i = 0; !rc && i < ch->n; i++) {
		long gx = left + (long)i * group, b = 0;
		for (size_t j = 0; !rc && j < k; j++) {
			if (ch->spec->as_line[j] || ch->isnull[i * k + j])
				continue;
			double v = ch->values[i * k + j];
			long y0 = Y(0.0), y1 = Y(v);
			rc = kc_buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"%s\"/>\n",
					   gx + 6 + b++ * bw, y1 < y0 ? y1 : y0, bw, labs(y0 - y1), palette[j]);
		}
		if (!rc)
			rc = text(out, gx + group / 2, top + PLOT_H + 16, "middle", ch->labels[i]);
	}
	for (size_t j = 0; !rc && j < k; j++) {
		if (!ch->spec->as_line[j])
			continue;
		rc = kc_buf_printf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", palette[j]);
		for (size_t i = 0; !rc && i < ch->n; i++)
			rc = kc_buf_printf(out, "%s%ld,%ld", i ? " " : "", left + (long)i * group + group / 2,
					   Y(ch->values[i * k + j]));
		if (!rc)
			rc = kc_buf_puts(out, "\"/>\n");
	}
#undef Y
	return rc ? rc : kc_buf_puts(out, "</svg>\n");
}

int kc_render_svg(kiscrm_buf *out, const kiscrm_doc *doc, size_t s)
{
	const kc_doc_section *sec = &doc->sections[s];
	if (!sec->table || sec->chart.kind == KISCRM_CHART_NONE || sec->chart.nseries == 0)
		return KISCRM_OK;
	chart ch;
	memset(&ch, 0, sizeof(ch));
	ch.doc = doc;
	ch.s = s;
	ch.spec = &sec->chart;
	int rc = collect(&ch);
	if (!rc && ch.n > 0)
		rc = ch.spec->kind == KISCRM_CHART_HBAR	    ? hbar(out, &ch)
		     : ch.spec->kind == KISCRM_CHART_FUNNEL ? funnel(out, &ch)
							    : bars(out, &ch);
	dispose(&ch);
	return rc;
}

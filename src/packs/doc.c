/* kiscrm_doc: a titled list of sections (table, notes, chart), built by the packs and
 * read by the renderers and through the public accessors. */
#include "packs/doc_internal.h"
#include "core/buf.h"
#include "core/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kc_doc_new(kiscrm_doc **out, int zh, int decimals)
{
	kiscrm_doc *d = calloc(1, sizeof(*d));
	if (!d)
		return kc_error_oom();
	d->zh = zh;
	d->decimals = decimals;
	*out = d;
	return KISCRM_OK;
}

int kc_doc_set_title(kiscrm_doc *doc, const char *title, const char *subtitle)
{
	char *t = kc_strdup(title), *s = kc_strdup(subtitle);
	if (!t || !s) {
		free(t);
		free(s);
		return kc_error_oom();
	}
	free(doc->title);
	free(doc->subtitle);
	doc->title = t;
	doc->subtitle = s;
	return KISCRM_OK;
}

int kc_doc_add_section(kiscrm_doc *doc, const char *title, size_t *index)
{
	if (doc->nsections == doc->cap) {
		size_t cap = doc->cap ? doc->cap * 2 : 16;
		kc_doc_section *n = realloc(doc->sections, cap * sizeof(*n));
		if (!n)
			return kc_error_oom();
		doc->sections = n;
		doc->cap = cap;
	}
	kc_doc_section *sec = &doc->sections[doc->nsections];
	memset(sec, 0, sizeof(*sec));
	if (!(sec->title = kc_strdup(title)))
		return kc_error_oom();
	*index = doc->nsections++;
	return KISCRM_OK;
}

int kc_doc_set_table(kiscrm_doc *doc, size_t s, kiscrm_table *table)
{
	kc_doc_section *sec = &doc->sections[s];
	size_t n = kiscrm_table_column_count(table);
	unsigned char *f = calloc(n ? n : 1, 1);
	if (!f) {
		kiscrm_table_free(table);
		return kc_error_oom();
	}
	for (size_t c = 0; c < n; c++)
		f[c] = kiscrm_table_column_type(table, c) == KISCRM_TYPE_RATE ? KISCRM_DOC_PERCENT : KISCRM_DOC_PLAIN;
	kiscrm_table_free(sec->table);
	free(sec->formats);
	sec->table = table;
	sec->formats = f;
	return KISCRM_OK;
}

void kc_doc_set_format(kiscrm_doc *doc, size_t s, const char *column, int format)
{
	kc_doc_section *sec = &doc->sections[s];
	int c = sec->table ? kiscrm_table_column_index(sec->table, column) : -1;
	if (c >= 0)
		sec->formats[c] = (unsigned char)format;
}

int kc_doc_note(kiscrm_doc *doc, size_t s, const char *fmt, ...)
{
	kc_doc_section *sec = &doc->sections[s];
	kiscrm_buf b = KISCRM_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char tmp[1024];
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	int rc = n < 0 ? kc_error_set(KISCRM_EINVALID, "note: bad format") : KISCRM_OK;
	if (!rc && (size_t)n >= sizeof(tmp)) {
		/* a long library message: format again at its full length */
		char *big = malloc((size_t)n + 1);
		if (!big)
			return kc_error_oom();
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		rc = kc_buf_puts(&b, big);
		free(big);
	} else if (!rc)
		rc = kc_buf_puts(&b, tmp);
	if (rc) {
		kiscrm_buf_dispose(&b);
		return rc;
	}
	char **notes = realloc(sec->notes, (sec->nnotes + 1) * sizeof(*notes));
	if (!notes) {
		kiscrm_buf_dispose(&b);
		return kc_error_oom();
	}
	sec->notes = notes;
	sec->notes[sec->nnotes++] = b.ptr; /* the buffer's memory is the library's malloc */
	return KISCRM_OK;
}

void kc_doc_set_chart(kiscrm_doc *doc, size_t s, int kind, const char *label, const char *const *series,
		      size_t nseries, const char *lines)
{
	kc_doc_section *sec = &doc->sections[s];
	kc_doc_chart c;
	memset(&c, 0, sizeof(c));
	int l = sec->table ? kiscrm_table_column_index(sec->table, label) : -1;
	if (l < 0)
		return;
	c.kind = kind;
	c.label = (size_t)l;
	for (size_t i = 0; i < nseries && c.nseries < KISCRM_CHART_MAX_SERIES; i++) {
		int k = kiscrm_table_column_index(sec->table, series[i]);
		if (k < 0)
			continue;
		c.series[c.nseries] = (size_t)k;
		c.as_line[c.nseries++] = lines && i < strlen(lines) && lines[i] == '1';
	}
	if (c.nseries)
		sec->chart = c;
}

void kiscrm_doc_free(kiscrm_doc *doc)
{
	if (!doc)
		return;
	for (size_t s = 0; s < doc->nsections; s++) {
		kc_doc_section *sec = &doc->sections[s];
		free(sec->title);
		kiscrm_table_free(sec->table);
		free(sec->formats);
		for (size_t i = 0; i < sec->nnotes; i++)
			free(sec->notes[i]);
		free(sec->notes);
	}
	free(doc->sections);
	free(doc->title);
	free(doc->subtitle);
	free(doc);
}

/* ---- public accessors ---- */

const char *kiscrm_doc_title(const kiscrm_doc *doc)
{
	return doc ? doc->title : NULL;
}

const char *kiscrm_doc_subtitle(const kiscrm_doc *doc)
{
	return doc ? doc->subtitle : NULL;
}

size_t kiscrm_doc_section_count(const kiscrm_doc *doc)
{
	return doc ? doc->nsections : 0;
}

static const kc_doc_section *section_at(const kiscrm_doc *doc, size_t s)
{
	return doc && s < doc->nsections ? &doc->sections[s] : NULL;
}

const char *kiscrm_doc_section_title(const kiscrm_doc *doc, size_t s)
{
	const kc_doc_section *sec = section_at(doc, s);
	return sec ? sec->title : NULL;
}

const kiscrm_table *kiscrm_doc_section_table(const kiscrm_doc *doc, size_t s)
{
	const kc_doc_section *sec = section_at(doc, s);
	return sec ? sec->table : NULL;
}

size_t kiscrm_doc_section_note_count(const kiscrm_doc *doc, size_t s)
{
	const kc_doc_section *sec = section_at(doc, s);
	return sec ? sec->nnotes : 0;
}

const char *kiscrm_doc_section_note(const kiscrm_doc *doc, size_t s, size_t i)
{
	const kc_doc_section *sec = section_at(doc, s);
	return sec && i < sec->nnotes ? sec->notes[i] : NULL;
}

int kiscrm_doc_column_format(const kiscrm_doc *doc, size_t s, size_t col)
{
	const kc_doc_section *sec = section_at(doc, s);
	if (!sec)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_column_format: %s",
				    doc ? "no such section" : "doc is NULL");
	if (!sec->table || col >= kiscrm_table_column_count(sec->table))
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_column_format: section %zu has no column %zu", s, col);
	return sec->formats[col];
}

int kiscrm_doc_chart(const kiscrm_doc *doc, size_t s, size_t *label_column, size_t *series, int *as_line,
		     size_t *nseries)
{
	const kc_doc_section *sec = section_at(doc, s);
	if (!sec)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_doc_chart: %s", doc ? "no such section" : "doc is NULL");
	const kc_doc_chart *c = &sec->chart;
	if (label_column)
		*label_column = c->label;
	for (size_t i = 0; i < KISCRM_CHART_MAX_SERIES; i++) {
		if (series)
			series[i] = i < c->nseries ? c->series[i] : 0;
		if (as_line)
			as_line[i] = i < c->nseries ? c->as_line[i] : 0;
	}
	if (nseries)
		*nseries = c->nseries;
	return c->kind;
}

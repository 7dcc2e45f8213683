/* CSV output encodings (see csv_encode.h). GBK is what Chinese Excel reads a CSV file
 * as when it is opened by double-click; UTF-8 needs the byte-order mark for Excel to
 * recognise it. No replacement character and no //TRANSLIT: a name that cannot be
 * written in GBK must not silently become "?" in a file that is imported again later. */
#include "core/csv_encode.h"
#include "core/buf.h"
#include "core/csv_cell.h"
#include "core/error.h"
#include "core/utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int kc_csv_encoder_open(kc_csv_encoder *e, int encoding, const char *file)
{
	memset(e, 0, sizeof(*e));
	e->encoding = encoding;
	e->file = file;
	if (encoding != KC_CSV_GBK)
		return KISCRM_OK;
	iconv_t cd = iconv_open("GBK", "UTF-8");
	if (cd == (iconv_t)-1)
		return errno == ENOMEM ? kc_error_oom()
				       : kc_error_set(KISCRM_EINVALID, "this system's iconv cannot write GBK");
	e->cd = cd;
	return KISCRM_OK;
}

void kc_csv_encoder_close(kc_csv_encoder *e)
{
	if (e->cd)
		iconv_close((iconv_t)e->cd);
	free(e->header);
	e->cd = NULL;
	e->header = NULL;
}

/* Where a byte offset of CSV text lies: the record (0-based within the text), the line
 * (0-based), the field (0-based) and the bounds of that field as written. The text is
 * whole records as kc_csv_put_field writes them, so quotes only ever open a field. */
typedef struct {
	size_t record, field, start, end;
	int line;
} csv_pos;

static csv_pos locate(const char *s, size_t len, size_t off)
{
	csv_pos p = { 0, 0, 0, len, 0 };
	int quoted = 0;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (s[i] == '\n')
			p.line++;
		if (quoted)
			continue;
		if (s[i] == ',' || s[i] == '\n') {
			p.field = s[i] == ',' ? p.field + 1 : 0;
			p.record += s[i] == '\n';
			p.start = i + 1;
		}
	}
	for (size_t i = p.start; i < len; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && (s[i] == ',' || s[i] == '\n')) {
			p.end = i;
			break;
		}
	}
	return p;
}

/* The text of a field as written (quotes removed, doubled quotes halved, the formula
 * quote taken away) into @out, NUL-terminated. */
static int field_text(kiscrm_buf *out, const char *s, size_t len)
{
	int rc = KISCRM_OK;
	if (len >= 2 && s[0] == '"') {
		for (size_t i = 1; rc == 0 && i + 1 < len; i++) {
			rc = kc_buf_put(out, s + i, 1);
			if (s[i] == '"')
				i++; /* the second of a doubled quote */
		}
	} else {
		rc = kc_buf_put(out, s, len);
	}
	if (rc == 0 && out->size && kc_csv_prefix_len(out->ptr, out->size)) {
		memmove(out->ptr, out->ptr + 1, out->size);
		out->size--;
	}
	return rc ? rc : kc_buf_put(out, "", 0);
}

/* Field @n of the first record of @s. */
static int nth_field(kiscrm_buf *out, const char *s, size_t n)
{
	size_t len = strlen(s), start = 0;
	for (size_t f = 0; f < n; f++) {
		csv_pos p = locate(s + start, len - start, 0);
		if (start + p.end >= len)
			return kc_buf_put(out, "", 0);
		start += p.end + 1;
	}
	csv_pos p = locate(s + start, len - start, 0);
	return field_text(out, s + start, p.end);
}

/* The error for a character at @off of @text that GBK lacks. */
static int unencodable(kc_csv_encoder *e, const char *text, size_t len, size_t off)
{
	csv_pos p = locate(text, len, off);
	size_t record = e->records + p.record;
	int line = e->lines + p.line + 1;
	uint32_t cp = 0;
	int n = kc_utf8_decode(text + off, len - off, &cp);
	if (n < 1)
		n = 1;
	kiscrm_buf cell = KISCRM_BUF_INIT, column = KISCRM_BUF_INIT;
	int rc = field_text(&cell, text + p.start, p.end - p.start);
	if (rc == 0)
		rc = nth_field(&column, e->header ? e->header : "", p.field);
	if (rc == 0) {
		char where[64];
		if (record == 0)
			snprintf(where, sizeof(where), "the header");
		else
			snprintf(where, sizeof(where), "row %zu (line %d)", record, line);
		rc = kc_error_set_at(KISCRM_EINVALID, e->file, line, (int)p.field + 1, column.ptr,
				     cell.ptr,
				     "%s, column '%s': '%.*s' (U+%04X) in '%s' cannot be written in "
				     "GBK; write the file as utf-8-bom (Excel opens that too) or change "
				     "the text", where, column.ptr, n, text + off, (unsigned)cp, cell.ptr);
	}
	kiscrm_buf_dispose(&cell);
	kiscrm_buf_dispose(&column);
	return rc;
}

/* Counts the records and lines of @text (whole records) for the next call's messages. */
static void advance(kc_csv_encoder *e, const char *text, size_t len)
{
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n') {
			e->lines++;
			if (!quoted)
				e->records++;
		}
	}
}

/* Keeps the header (the first record) for the column names of messages. */
static int keep_header(kc_csv_encoder *e, const char *text, size_t len)
{
	size_t end = len;
	int quoted = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (!quoted && text[i] == '\n') {
			end = i;
			break;
		}
	}
	e->header = malloc(end + 1);
	if (!e->header)
		return kc_error_oom();
	memcpy(e->header, text, end);
	e->header[end] = '\0';
	return KISCRM_OK;
}

static int to_gbk(kc_csv_encoder *e, kiscrm_buf *out, const char *text, size_t len)
{
	char *in = (char *)text; /* iconv's prototype is not const-correct */
	size_t inleft = len;
	int rc = KISCRM_OK;
	while (rc == 0 && inleft > 0) {
		char chunk[4096];
		char *o = chunk;
		size_t oleft = sizeof(chunk);
		size_t r = iconv((iconv_t)e->cd, &in, &inleft, &o, &oleft);
		int err = errno;
		rc = kc_buf_put(out, chunk, sizeof(chunk) - oleft);
		/* EILSEQ: no GBK code for the character at `in` (the input is valid UTF-8:
		 * the library stores nothing else). */
		if (rc == 0 && r == (size_t)-1 && err != E2BIG)
			rc = unencodable(e, text, len, (size_t)(in - text));
	}
	return rc;
}

int kc_csv_encode(kc_csv_encoder *e, kiscrm_buf *out, const char *text, size_t len)
{
	size_t before = out->size;
	int rc = KISCRM_OK;
	if (!e->started && e->encoding == KC_CSV_UTF8_BOM)
		rc = kc_buf_put(out, "\xEF\xBB\xBF", 3);
	if (rc == 0 && !e->started && e->encoding == KC_CSV_GBK)
		rc = keep_header(e, text, len);
	if (rc == 0)
		rc = e->encoding == KC_CSV_GBK ? to_gbk(e, out, text, len) : kc_buf_put(out, text, len);
	if (rc) {
		out->size = before;
		if (out->ptr)
			out->ptr[before] = '\0';
		return rc;
	}
	e->started = 1;
	advance(e, text, len);
	return KISCRM_OK;
}

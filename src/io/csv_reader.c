/* The CSV reader: decoding to UTF-8 (iconv for other encodings), then RFC 4180 records.
 * Lenient where it cannot lose data (a quote inside an unquoted cell is kept as text),
 * strict where it could: a quoted cell never closed, text after a closing quote and a
 * NUL byte are errors naming the input, line and column (field number), never a silent
 * end of the file. The public kiscrm_csv_reader_* functions are at the end. */
#include "io/csv_reader.h"
#include "core/csv_cell.h"
#include "kiscrm/csv.h"
#include "kiscrm/text.h"
#include "core/buf.h"
#include "core/error.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------------------ */
/* Records                                                                               */

void kc_csv_reader_init(kc_csv_reader *r, const char *text, size_t len, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->p = text;
	r->end = text + len;
	r->line = 1;
	r->name = name;
}

void kc_csv_reader_dispose(kc_csv_reader *r)
{
	kiscrm_buf_dispose(&r->text);
	free(r->cells);
	r->cells = NULL;
	r->ncells = r->cap = 0;
}

static int put_cell(kc_csv_reader *r, size_t off, int quoted)
{
	/* Undo the neutralisation of a formula-looking text (see csv_cell.c). */
	if (kc_csv_prefix_len(r->text.ptr ? r->text.ptr + off : "", r->text.size - off)) {
		memmove(r->text.ptr + off, r->text.ptr + off + 1, r->text.size - off - 1);
		r->text.size--;
	}
	int rc = kc_buf_put(&r->text, "", 1); /* the terminating NUL */
	if (rc)
		return rc;
	if (r->ncells == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		kc_csv_cell *c = realloc(r->cells, cap * sizeof(*c));
		if (!c)
			return kc_error_oom();
		r->cells = c;
		r->cap = cap;
	}
	r->cells[r->ncells++] = (kc_csv_cell){ off, r->text.size - 1 - off, quoted };
	return KISCRM_OK;
}

/* Consumes a line end at p (LF, CRLF or a lone CR) if there is one. */
static int eat_eol(kc_csv_reader *r)
{
	if (r->p < r->end && *r->p == '\r') {
		r->p++;
		if (r->p < r->end && *r->p == '\n')
			r->p++;
		r->line++;
		return 1;
	}
	if (r->p < r->end && *r->p == '\n') {
		r->p++;
		r->line++;
		return 1;
	}
	return 0;
}

static void skip_line(kc_csv_reader *r)
{
	while (r->p < r->end && !eat_eol(r))
		r->p++;
}

static int nul_byte(kc_csv_reader *r)
{
	size_t field = r->ncells + 1;
	kc_error_set_at(KISCRM_EINVALID, r->name, r->line, (int)field, NULL, "00",
			"a NUL byte in field %zu: this is not a text file", field);
	skip_line(r);
	return KC_REC_BAD;
}

/* Reads a quoted cell's contents after its opening quote, up to the closing quote. */
static int read_quoted(kc_csv_reader *r, int start_line)
{
	int rc;
	for (;;) {
		if (r->p >= r->end) {
			size_t field = r->ncells + 1;
			r->p = r->end;
			kc_error_set_at(KISCRM_EINVALID, r->name, start_line, (int)field, NULL, NULL,
					"the quoted field %zu opened on line %d is never closed (a stray "
					"quote? quote the whole field and double its quotes)",
					field, start_line);
			return KC_REC_BAD;
		}
		char c = *r->p;
		if (c == '\0')
			return nul_byte(r);
		if (c == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				r->p += 2; /* "" is a quote */
				if ((rc = kc_buf_put(&r->text, "\"", 1)) != 0)
					return rc;
				continue;
			}
			r->p++;
			return KISCRM_OK;
		}
		if (c == '\n' || (c == '\r' && (r->p + 1 >= r->end || r->p[1] != '\n')))
			r->line++;
		if ((rc = kc_buf_put(&r->text, r->p, 1)) != 0)
			return rc;
		r->p++;
	}
}

static int is_cell_end(char c)
{
	return c == ',' || c == '\r' || c == '\n' || c == '\0';
}

int kc_csv_read_record(kc_csv_reader *r, int *start_line)
{
	int rc;
	r->ncells = 0;
	r->text.size = 0;
	if (r->p >= r->end)
		return KC_REC_END;
	*start_line = r->line;
	for (;;) {
		size_t off = r->text.size;
		int quoted = 0;
		if (r->p < r->end && *r->p == '"') {
			r->p++;
			quoted = 1;
			if ((rc = read_quoted(r, *start_line)) != 0)
				return rc;
			if (r->p < r->end && *r->p == '\0')
				return nul_byte(r);
			if (r->p < r->end && !is_cell_end(*r->p)) {
				char c[2] = { *r->p, 0 };
				kc_error_set_at(KISCRM_EINVALID, r->name, r->line, (int)r->ncells + 1, NULL, c,
						"unexpected '%s' after the closing quote of field %zu (quote "
						"the whole field and double its quotes)", c, r->ncells + 1);
				skip_line(r);
				return KC_REC_BAD;
			}
		} else {
			const char *s = r->p;
			while (r->p < r->end && !is_cell_end(*r->p))
				r->p++;
			if (r->p < r->end && *r->p == '\0')
				return nul_byte(r);
			if ((rc = kc_buf_put(&r->text, s, (size_t)(r->p - s))) != 0)
				return rc;
		}
		if ((rc = put_cell(r, off, quoted)) != 0)
			return rc;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		eat_eol(r);
		return KC_REC_OK;
	}
}

const char *kc_csv_cell_text(const kc_csv_reader *r, size_t i)
{
	return r->text.ptr + r->cells[i].off;
}

int kc_csv_blank_record(const kc_csv_reader *r)
{
	return r->ncells == 1 && !r->cells[0].quoted && r->cells[0].len == 0;
}

/* ------------------------------------------------------------------------------------ */
/* Decoding                                                                              */

static int line_of(const char *data, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off; i++)
		if (data[i] == '\n')
			line++;
	return line;
}

/* "utf-8-bom" too: the name the CSV writers take for UTF-8 with a byte-order mark, which
 * is skipped whatever the name. */
static int is_utf8_name(const char *enc)
{
	return !enc || strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0 ||
	       strcasecmp(enc, "utf-8-bom") == 0 || strcasecmp(enc, "utf8-bom") == 0;
}

static int bad_bytes(const char *name, const char *data, size_t len, size_t off, const char *enc)
{
	char hex[16] = "";
	size_t n = len - off < 2 ? len - off : 2;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%s%02X", i ? " " : "",
			 (unsigned char)data[off + i]);
	int line = line_of(data, off);
	return kc_error_set_at(KISCRM_EINVALID, name, line, 0, NULL, hex,
			       "line %d: bytes %s (offset %zu) are not valid %s text%s", line, hex,
			       off, enc ? enc : "UTF-8",
			       is_utf8_name(enc) ? "; for a file saved by Chinese Excel, import "
						   "with encoding \"gbk\"" : "");
}

int kc_csv_check_encoding(const char *enc)
{
	if (is_utf8_name(enc))
		return KISCRM_OK;
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "encoding", enc,
				       "unknown encoding '%s' (try \"utf-8\" or \"gbk\")", enc);
	iconv_close(cd);
	return KISCRM_OK;
}

/* Converts the input to UTF-8 in @p out with iconv(3). */
static int convert(kiscrm_buf *out, const char *name, const char *data, size_t len, const char *enc)
{
	iconv_t cd = iconv_open("UTF-8", enc);
	if (cd == (iconv_t)-1)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "encoding", enc,
				       "unknown encoding '%s'", enc);
	char *in = (char *)data; /* iconv's prototype is not const-correct */
	size_t inleft = len;
	int rc = KISCRM_OK;
	while (rc == 0 && inleft > 0) {
		char chunk[4096];
		char *o = chunk;
		size_t oleft = sizeof(chunk);
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		int err = errno;
		rc = kc_buf_put(out, chunk, sizeof(chunk) - oleft);
		if (rc == 0 && r == (size_t)-1 && err != E2BIG)
			rc = bad_bytes(name, data, len, (size_t)(in - data), enc);
	}
	iconv_close(cd);
	return rc;
}

int kc_csv_decode(kiscrm_buf *conv, const char **text, size_t *len, const char *data, size_t n,
		  const char *enc, const char *name)
{
	int rc;
	size_t bad = 0;
	if (!is_utf8_name(enc)) {
		if ((rc = convert(conv, name, data, n, enc)) != 0)
			return rc;
		data = conv->ptr ? conv->ptr : "";
		n = conv->size;
	}
	/* The text between NUL bytes is validated here; the NUL bytes themselves are left
	 * to the record reader, which refuses them naming their line and field. */
	for (size_t at = 0; at < n;) {
		const char *nul = memchr(data + at, '\0', n - at);
		size_t end = nul ? (size_t)(nul - data) : n;
		if (kiscrm_utf8_validate(data + at, end - at, &bad) != 0)
			return bad_bytes(name, data, n, at + bad, is_utf8_name(enc) ? NULL : "UTF-8");
		at = end + 1;
	}
	if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		n -= 3;
	}
	*text = data;
	*len = n;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* Public reader                                                                         */

struct kiscrm_csv_reader {
	kc_csv_reader rd;
	kiscrm_buf data; /* the reader's UTF-8 copy of the input */
	char *name;
	int line;        /* where the current record starts; 0 before the first */
	int have_row;
};

void kiscrm_csv_reader_free(kiscrm_csv_reader *r)
{
	if (!r)
		return;
	kc_csv_reader_dispose(&r->rd);
	kiscrm_buf_dispose(&r->data);
	free(r->name);
	free(r);
}

int kiscrm_csv_reader_new(kiscrm_csv_reader **out, const char *data, size_t len, const char *name,
			  const char *encoding)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_reader_new: out is NULL");
	*out = NULL;
	if (!data && len)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_reader_new: data is NULL");
	int rc = kc_csv_check_encoding(encoding);
	if (rc)
		return rc;
	kiscrm_csv_reader *r = calloc(1, sizeof(*r));
	if (!r || !(r->name = strdup(name ? name : "(data)"))) {
		free(r);
		return kc_error_oom();
	}
	kiscrm_buf conv = KISCRM_BUF_INIT;
	const char *text = NULL;
	size_t tlen = 0;
	rc = kc_csv_decode(&conv, &text, &tlen, data ? data : "", len, encoding, r->name);
	if (rc == 0)
		rc = kc_buf_put(&r->data, text, tlen);
	kiscrm_buf_dispose(&conv);
	if (rc) {
		kiscrm_csv_reader_free(r);
		return rc;
	}
	kc_csv_reader_init(&r->rd, r->data.ptr ? r->data.ptr : "", r->data.size, r->name);
	*out = r;
	return KISCRM_OK;
}

int kiscrm_csv_reader_next(kiscrm_csv_reader *r)
{
	if (!r)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_reader_next: reader is NULL");
	for (;;) {
		int line = r->rd.line;
		int rc = kc_csv_read_record(&r->rd, &line);
		r->have_row = 0;
		r->line = line;
		if (rc == KC_REC_END)
			return KISCRM_ITEROVER;
		if (rc == KC_REC_BAD)
			return KISCRM_EINVALID;
		if (rc < 0)
			return rc;
		if (!kc_csv_blank_record(&r->rd)) {
			r->have_row = 1;
			return KISCRM_OK;
		}
	}
}

size_t kiscrm_csv_reader_field_count(const kiscrm_csv_reader *r)
{
	return r && r->have_row ? r->rd.ncells : 0;
}

const char *kiscrm_csv_reader_field(const kiscrm_csv_reader *r, size_t i)
{
	return r && r->have_row && i < r->rd.ncells ? kc_csv_cell_text(&r->rd, i) : NULL;
}

int kiscrm_csv_reader_line(const kiscrm_csv_reader *r)
{
	return r ? r->line : 0;
}

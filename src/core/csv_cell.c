/* CSV cells: quoting (RFC 4180) and the neutralisation of spreadsheet formulas.
 *
 * Excel, LibreOffice and Numbers run a cell that starts with =, +, -, @ (and, for some,
 * tab or CR) as a formula, so a customer named "=HYPERLINK(...)" becomes a live link
 * in whoever opens the export. Following OWASP, such a text is written with a leading
 * single quote, which spreadsheets show as plain text. A reader takes exactly one quote
 * away when what follows it is such a text. Texts that already start with quotes in
 * front of a trigger get one more, so that the rule can be undone without guessing:
 *
 *     value        written       read back
 *     =1+1         '=1+1         =1+1
 *     '=already    ''=already    '=already
 *     'plain       'plain        'plain   (nothing follows the quote that needs it)
 */
#include "core/csv_cell.h"
#include "kiscrm/csv.h"
#include "core/buf.h"
#include "core/options.h"

#include <string.h>
#include <strings.h>

static int is_trigger(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

int kc_csv_needs_prefix(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] == '\'')
		i++;
	return i < len && is_trigger(s[i]);
}

size_t kc_csv_prefix_len(const char *s, size_t len)
{
	return len > 1 && s[0] == '\'' && kc_csv_needs_prefix(s + 1, len - 1) ? 1 : 0;
}

static int needs_quotes(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	return 0;
}

int kc_csv_put_field(kiscrm_buf *out, const char *s, size_t len, unsigned flags)
{
	int rc;
	int prefix = (flags & KC_CSV_NEUTRALISE) && kc_csv_needs_prefix(s, len);
	if (len == 0)
		return (flags & KC_CSV_EMPTY_QUOTED) ? kc_buf_put(out, "\"\"", 2) : KISCRM_OK;
	if (!needs_quotes(s, len)) {
		if (prefix && (rc = kc_buf_put(out, "'", 1)) != 0)
			return rc;
		return kc_buf_put(out, s, len);
	}
	if ((rc = kc_buf_put(out, prefix ? "\"'" : "\"", prefix ? 2 : 1)) != 0)
		return rc;
	for (size_t i = 0; i < len;) {
		/* Runs up to and including each quote, which is then written a second time. */
		const char *q = memchr(s + i, '"', len - i);
		size_t n = q ? (size_t)(q - (s + i)) + 1 : len - i;
		if ((rc = kc_buf_put(out, s + i, n)) != 0)
			return rc;
		if (q && (rc = kc_buf_put(out, "\"", 1)) != 0)
			return rc;
		i += n;
	}
	return kc_buf_put(out, "\"", 1);
}

/* --- options ---------------------------------------------------------------------- */

int kc_csv_encoding_parse(int *out, const char *name)
{
	if (!name || strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0)
		*out = KC_CSV_UTF8;
	else if (strcasecmp(name, "utf-8-bom") == 0 || strcasecmp(name, "utf8-bom") == 0)
		*out = KC_CSV_UTF8_BOM;
	else if (strcasecmp(name, "gbk") == 0)
		*out = KC_CSV_GBK;
	else
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "encoding", name,
				       "unknown CSV output encoding '%s' (utf-8, utf-8-bom or gbk)", name);
	return KISCRM_OK;
}

int kc_csv_write_setup(unsigned *text_flags, int *encoding, const kiscrm_csv_write_options *opts)
{
	kiscrm_csv_write_options o;
	int rc = kc_options_copy(&o, opts, &kc_csv_write_options_v);
	if (rc)
		return rc;
	if (o.flags & ~KISCRM_CSV_RAW_CELLS)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "flags", NULL,
				       "unknown CSV writer flags 0x%x", o.flags);
	*text_flags = (o.flags & KISCRM_CSV_RAW_CELLS) ? 0 : KC_CSV_NEUTRALISE;
	return kc_csv_encoding_parse(encoding, o.encoding);
}

int kiscrm_csv_write_options_init(kiscrm_csv_write_options *opts, unsigned int version)
{
	return kc_options_init(opts, version, &kc_csv_write_options_v);
}

int kc_csv_text_flags(unsigned *flags, const kiscrm_csv_write_options *opts)
{
	int encoding;
	int rc = kc_csv_write_setup(flags, &encoding, opts);
	if (rc == 0 && encoding != KC_CSV_UTF8)
		rc = kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "encoding", NULL,
				     "kiscrm_csv_write_row writes UTF-8 only: encode the whole text "
				     "afterwards, or leave the encoding NULL");
	return rc;
}

int kiscrm_csv_write_row(kiscrm_buf *out, const char *const *fields, size_t n,
			 const kiscrm_csv_write_options *opts)
{
	unsigned flags = 0;
	if (!out || !fields || n == 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_csv_write_row: %s",
				    !out ? "out is NULL" : !fields ? "fields is NULL" : "no fields");
	int rc = kc_csv_text_flags(&flags, opts);
	if (rc)
		return rc;
	size_t before = out->size;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *f = fields[i] ? fields[i] : "";
		if (i)
			rc = kc_buf_put(out, ",", 1);
		if (rc == 0)
			rc = kc_csv_put_field(out, f, strlen(f), flags);
	}
	if (rc == 0)
		rc = kc_buf_put(out, "\n", 1);
	if (rc && out->ptr) {
		out->size = before;
		out->ptr[before] = '\0';
	}
	return rc;
}

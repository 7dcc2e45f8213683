/* One CSV cell, written and read back: RFC 4180 quoting and the spreadsheet-formula
 * rule (the one place that decides which cells get a leading single quote on output
 * and which lose it on input, so that write → read gives back the exact text). */
#ifndef KC_CSV_CELL_H
#define KC_CSV_CELL_H

#include "kiscrm/csv.h"
#include "kiscrm/types.h"

#include <stddef.h>

/* Flags of kc_csv_put_field. */
#define KC_CSV_NEUTRALISE 0x1u  /* prefix a formula-looking text with ' (OWASP) */
#define KC_CSV_EMPTY_QUOTED 0x2u /* write empty text as "" (read back as empty, not NULL) */

/* 1 if the text would be read as a formula by a spreadsheet once any leading single
 * quotes are taken away: after zero or more ', the first byte is =, +, -, @, tab or CR.
 * Such a text is written with one more ' in front. */
int kc_csv_needs_prefix(const char *s, size_t len);

/* Appends one field: neutralised when flags has KC_CSV_NEUTRALISE and the text needs a
 * prefix, then quoted when it holds ',', '"', CR or LF (quotes doubled). */
int kc_csv_put_field(kiscrm_buf *out, const char *s, size_t len, unsigned flags);

/* The length of the prefix a reader removes from a cell's unquoted text: 1 when the cell
 * is ' followed by a text that needs a prefix (exactly what kc_csv_put_field added),
 * else 0. */
size_t kc_csv_prefix_len(const char *s, size_t len);

/* The kc_csv_put_field flags of text cells under the caller's writer options (NULL: the
 * defaults); checks their version and flags, and refuses an encoding other than UTF-8
 * (for kiscrm_csv_write_row; the file and table writers use kc_csv_write_setup). */
int kc_csv_text_flags(unsigned *flags, const kiscrm_csv_write_options *opts);

/* Output encodings of kiscrm_csv_write_options.encoding (see core/csv_encode.h). */
enum { KC_CSV_UTF8 = 0, KC_CSV_UTF8_BOM = 1, KC_CSV_GBK = 2 };

/* The KC_CSV_* code of an encoding name (NULL: UTF-8), or KISCRM_EINVALID naming it. */
int kc_csv_encoding_parse(int *out, const char *name);

/* The caller's writer options (NULL: defaults), checked (version, flags, encoding): the
 * kc_csv_put_field flags of text cells and the KC_CSV_* encoding. */
int kc_csv_write_setup(unsigned *text_flags, int *encoding, const kiscrm_csv_write_options *opts);

#endif

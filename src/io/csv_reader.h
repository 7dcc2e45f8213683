/* The one CSV reader of the library (RFC 4180, fuzzed through the importer): decoding
 * the input to UTF-8, then splitting it into records of cells. The importer and the
 * public kiscrm_csv_reader_* functions are built on it. */
#ifndef KC_CSV_READER_H
#define KC_CSV_READER_H

#include "kiscrm/types.h"

#include <stddef.h>

typedef struct {
	size_t off; /* of the cell's NUL-terminated text in kc_csv_reader.text */
	size_t len;
	int quoted;
} kc_csv_cell;

typedef struct {
	const char *p, *end; /* UTF-8 input still to read */
	int line;            /* line of p, 1-based */
	const char *name;    /* of the input, for messages */
	kiscrm_buf text;     /* unescaped cells of the current record */
	kc_csv_cell *cells;
	size_t ncells, cap;
} kc_csv_reader;

/* Results of kc_csv_read_record besides negative codes. */
enum { KC_REC_END = 0, KC_REC_OK = 1, KC_REC_BAD = 2 };

/* Starts reading UTF-8 text (not copied: it must outlive the reader). */
void kc_csv_reader_init(kc_csv_reader *r, const char *text, size_t len, const char *name);
void kc_csv_reader_dispose(kc_csv_reader *r);

/* Reads the next record into r->cells. Returns KC_REC_OK, KC_REC_END at the end of the
 * input, KC_REC_BAD for a malformed record (a quote never closed, text after a closing
 * quote, a NUL byte; the error names file, line and column, and the reader is past the
 * record) or a negative code. *start_line is the line the record starts on. A cell that
 * a CSV writer neutralised (a ' in front of =, +, -, @, tab or CR) is given back without
 * that quote. */
int kc_csv_read_record(kc_csv_reader *r, int *start_line);

const char *kc_csv_cell_text(const kc_csv_reader *r, size_t i);
/* 1 if the record is a line with nothing on it. */
int kc_csv_blank_record(const kc_csv_reader *r);

/* KISCRM_EINVALID (naming it) if iconv(3) does not know the encoding. */
int kc_csv_check_encoding(const char *enc);

/* Decodes data (in enc, NULL for UTF-8) into UTF-8 without a byte-order mark: *text
 * points either into data or into conv. Invalid bytes are an error naming name and the
 * line. */
int kc_csv_decode(kiscrm_buf *conv, const char **text, size_t *len, const char *data, size_t n,
		  const char *enc, const char *name);

#endif

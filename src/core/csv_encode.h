/* The encodings of the CSV writers (kiscrm_csv_write_options.encoding): the writers make
 * UTF-8 text, whole records at a time, and pass it through an encoder on its way to the
 * caller's buffer or file. UTF-8 passes through (with a byte-order mark first for
 * "utf-8-bom"); GBK goes through iconv(3), and a character GBK lacks is an error naming
 * the row and the column it is in — which the encoder finds again in the text it was
 * given, so that no writer has to track cells for the sake of an error. */
#ifndef KC_CSV_ENCODE_H
#define KC_CSV_ENCODE_H

#include "core/csv_cell.h"
#include "kiscrm/types.h"

#include <stddef.h>

typedef struct kc_csv_encoder {
	int encoding;     /* KC_CSV_* */
	void *cd;         /* iconv_t for GBK, else NULL */
	const char *file; /* in messages; NULL for text in memory */
	size_t records;   /* records encoded by earlier calls, the header included */
	int lines;        /* lines encoded by earlier calls */
	char *header;     /* the first record as written, for the column names of messages */
	int started;      /* something was encoded (the byte-order mark is written) */
} kc_csv_encoder;

/* Prepares an encoder; KISCRM_ENOMEM or KISCRM_EINVALID (iconv lacks GBK). */
int kc_csv_encoder_open(kc_csv_encoder *e, int encoding, const char *file);
/* Appends @text (UTF-8, whole CSV records written by kc_csv_put_field) to @out in the
 * encoder's encoding. On error @out is as it was. */
int kc_csv_encode(kc_csv_encoder *e, kiscrm_buf *out, const char *text, size_t len);
void kc_csv_encoder_close(kc_csv_encoder *e);

#endif

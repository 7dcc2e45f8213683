/* Appending to a kiscrm_buf; all return KISCRM_OK or KISCRM_ENOMEM (error set). */
#ifndef KC_BUF_H
#define KC_BUF_H

#include "kiscrm/types.h"
#include "error.h"

int kc_buf_put(kiscrm_buf *buf, const char *data, size_t len);
int kc_buf_puts(kiscrm_buf *buf, const char *s);
int kc_buf_printf(kiscrm_buf *buf, const char *fmt, ...) KC_PRINTF(2, 3);
/* @s as a JSON string: quoted, with quotes, backslashes and control characters escaped. */
int kc_buf_json_string(kiscrm_buf *buf, const char *s);

#endif

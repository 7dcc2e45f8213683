/* Internal error reporting: every failure path sets the thread's last error through
 * these and returns the code, so call sites read `return kc_error_set(...)`. */
#ifndef KC_ERROR_H
#define KC_ERROR_H

#include "kiscrm/errors.h"

#if defined(__GNUC__)
#define KC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KC_PRINTF(a, b)
#endif

/* Sets the thread's last error (code + formatted message) and returns code. */
int kc_error_set(int code, const char *fmt, ...) KC_PRINTF(2, 3);

/* As kc_error_set, with a location (file may be NULL, line/column 0) and the field and
 * value concerned (each may be NULL). */
int kc_error_set_at(int code, const char *file, int line, int column, const char *field,
		    const char *value, const char *fmt, ...) KC_PRINTF(7, 8);

/* Out of memory: sets a static message (no allocation) and returns KISCRM_ENOMEM. */
int kc_error_oom(void);

#endif

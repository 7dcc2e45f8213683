/**
 * @file kiscrm/errors.h
 * @brief The last error of the calling thread.
 */
#ifndef KISCRM_ERRORS_H
#define KISCRM_ERRORS_H

#include "common.h"

KISCRM_BEGIN_DECL

/**
 * Details of the last failure of the calling thread.
 *
 * Fields are only ever appended. `file`, `field` and `value` are NULL and `line`/`column`
 * 0 when they do not apply (they are set for configuration and import errors).
 */
typedef struct kiscrm_error {
	int code;            /**< A ::kiscrm_error_code. */
	const char *message; /**< Human-readable message naming what was wrong; never NULL. */
	const char *file;    /**< File the error refers to, or NULL. */
	int line;            /**< 1-based line in `file`, or 0. */
	int column;          /**< 1-based column in `file`, or 0. */
	const char *field;   /**< Field, key or column name concerned, or NULL. */
	const char *value;   /**< Offending value as text, or NULL. */
} kiscrm_error;

/**
 * Returns the last error raised on the calling thread.
 *
 * @return a borrowed pointer, never NULL, owned by the library and valid until the next
 *         call into the library on this thread. After success, `code` is ::KISCRM_OK
 *         only if kiscrm_error_clear() was called; callers must test return codes.
 */
KISCRM_API const kiscrm_error *kiscrm_error_last(void);

/** Resets the calling thread's last error to ::KISCRM_OK and an empty message. */
KISCRM_API void kiscrm_error_clear(void);

/**
 * Static English text describing a return code.
 * @param code a ::kiscrm_error_code (unknown values give "unknown error").
 * @return a static string, never NULL.
 */
KISCRM_API const char *kiscrm_strerror(int code);

/**
 * Whether rerunning the whole transaction that failed with @p code may succeed: 1 for
 * ::KISCRM_EBUSY (another writer held the lock, or the transaction could not be
 * serialised), 0 for every other code — those fail again when rerun.
 * @param code a return code
 * @return 1 or 0.
 */
KISCRM_API int kiscrm_error_is_retryable(int code);

KISCRM_END_DECL

#endif

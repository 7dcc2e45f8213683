/* A backend wrapper for error-path tests: forwards every call to an inner backend and
 * makes chosen calls fail with KISCRM_ESTORAGE, the way a full disk or I/O error would. */
#ifndef KC_FAILING_BACKEND_H
#define KC_FAILING_BACKEND_H

#include "kiscrm/sys/backend.h"

/* Wraps inner (ownership passes to the wrapper). After fail_after successful mutating
 * calls (insert, update, remove, commit), every later mutating call fails; -1 never fails. */
int kc_failing_backend_new(kiscrm_backend **out, kiscrm_backend *inner, int fail_after);

/* Changes the countdown of a wrapper created above (counts from now). */
void kc_failing_backend_set(kiscrm_backend *b, int fail_after);

/* Number of mutating calls that reached the wrapper so far. */
int kc_failing_backend_calls(const kiscrm_backend *b);

#endif

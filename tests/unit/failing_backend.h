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

/* The next @begins calls of begin and the next @commits calls of commit fail with
 * KISCRM_EBUSY ("database is locked"), as when another connection holds the lock; a
 * busy commit leaves the transaction open, as SQLite does. Independent of the countdown. */
void kc_failing_backend_busy(kiscrm_backend *b, int begins, int commits);

/* Calls of begin and of commit that reached the wrapper so far, busy ones included. */
int kc_failing_backend_begins(const kiscrm_backend *b);
int kc_failing_backend_commits(const kiscrm_backend *b);

/* Reads that reached the inner backend for @kind (< KC_FB_KINDS) so far: scans whose
 * first condition is `id = X` (*by_id), every scan (*scans, those included) and counts.
 * 0, or -1 for a kind out of range. */
#define KC_FB_KINDS 64
int kc_failing_backend_reads(const kiscrm_backend *b, int kind, int *by_id, int *scans, int *counts);

#endif

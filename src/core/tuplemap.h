/* A map from a tuple of up to KC_TUPLE_MAX ids to a value: the group of a report row
 * grouped by several id-keyed dimensions (department and owner …). The group key text of
 * such a row is a function of its ids, so a report looks the tuple up and builds the text
 * once per group instead of once per row (300,000 projects of a rolling summary by
 * department and owner spent a fifth of their time formatting and hashing key texts).
 * Zero-initialise; dispose with kc_tuplemap_dispose. */
#ifndef KC_TUPLEMAP_H
#define KC_TUPLEMAP_H

#include <stddef.h>
#include <stdint.h>

#define KC_TUPLE_MAX 4

typedef struct kc_tupleslot {
	int64_t ids[KC_TUPLE_MAX]; /* unused places are 0 */
	size_t val1;               /* value plus one; 0: empty slot */
} kc_tupleslot;

typedef struct kc_tuplemap {
	kc_tupleslot *slots;
	size_t n, cap;
} kc_tuplemap;

/* @n ids (at most KC_TUPLE_MAX). put: KISCRM_OK or KISCRM_ENOMEM (error set). */
int kc_tuplemap_put(kc_tuplemap *m, const int64_t *ids, size_t n, size_t val);
/* 1 and *val set when found, 0 when not. */
int kc_tuplemap_get(const kc_tuplemap *m, const int64_t *ids, size_t n, size_t *val);
void kc_tuplemap_dispose(kc_tuplemap *m);

#endif

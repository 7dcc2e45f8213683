/* Sorting. */
#ifndef KC_SORT_H
#define KC_SORT_H

#include <stdint.h>
#include <stdlib.h>

/* qsort that accepts an empty (possibly NULL) array: qsort(NULL, 0, …) is undefined
 * behaviour in C even though nothing is sorted, and UBSan reports it. */
static inline void kc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Stable merge sort whose comparator receives ctx (qsort_r is not portable, and context
 * in globals or thread-locals is a trap for reentrancy). Needs n/2 elements of scratch:
 * KISCRM_OK, or KISCRM_ENOMEM with the error set and base unchanged. */
int kc_sort_ctx(void *base, size_t n, size_t size,
		int (*cmp)(const void *a, const void *b, void *ctx), void *ctx);

/* The median of n > 0 integers — the middle one, or the mean of the two middle ones —
 * found in O(n) instead of a full sort (a report's medians over millions of stays spent
 * most of their time sorting): a large array is first narrowed to the slice of its range
 * holding the middle, then selection finishes. Reorders and overwrites v. */
double kc_median_i64(int64_t *v, size_t n);

#endif

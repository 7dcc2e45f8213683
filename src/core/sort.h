/* qsort that accepts an empty (possibly NULL) array: qsort(NULL, 0, …) is undefined
 * behaviour in C even though nothing is sorted, and UBSan reports it. */
#ifndef KC_SORT_H
#define KC_SORT_H

#include <stdlib.h>

static inline void kc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

#endif

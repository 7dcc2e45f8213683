/* Growable arrays kept as a typed pointer, a count and a capacity in the caller's own
 * struct (often several arrays share one count). The macros take the array lvalue itself:
 *
 *     if ((rc = KC_VEC_GROW(s->rows, s->n, s->cap, 64)) != 0)
 *             return rc;
 *     s->rows[s->n++] = row;
 *
 * All return KISCRM_OK or KISCRM_ENOMEM with the error set; on failure the array and its
 * capacity are unchanged (still owned by the caller). Sizes are overflow-checked. New
 * elements are not initialised. */
#ifndef KC_VEC_H
#define KC_VEC_H

#include <stddef.h>

/* Room for element n (the (n+1)th): when n has reached cap, the capacity doubles (min
 * when the array is empty). */
#define KC_VEC_GROW(arr, n, cap, min) kc_vec_grow_inline_(&(arr), (n), &(cap), sizeof(*(arr)), (min))
/* Reallocates the array to exactly count elements (for arrays that share a capacity,
 * with kc_vec_next_cap). */
#define KC_VEC_RESIZE(arr, count) kc_vec_resize_(&(arr), (count), sizeof(*(arr)))

/* Capacity after cap when full: doubled, min when 0 (saturates instead of wrapping, and
 * the resize then fails as out of memory). */
size_t kc_vec_next_cap(size_t cap, size_t min);

/* Behind the macros: arrp is the address of the array pointer (any object pointer type:
 * they share void *'s representation on every platform the library supports). */
int kc_vec_grow_(void *arrp, size_t n, size_t *cap, size_t size, size_t min);

/* The room already there, without a call: most pushes find it (a call per push was 3 %
 * of a rolling summary, whose scans push 1.2M plans and projects). */
static inline int kc_vec_grow_inline_(void *arrp, size_t n, size_t *cap, size_t size, size_t min)
{
	return n < *cap ? 0 : kc_vec_grow_(arrp, n, cap, size, min);
}
int kc_vec_resize_(void *arrp, size_t count, size_t size);

#endif

#include "sort.h"
#include "error.h"

#include <stdint.h>
#include <string.h>

typedef int (*kc_cmp_ctx)(const void *, const void *, void *);

/* Below this many elements, insertion sort (tmp holds the element being placed). */
#define SMALL 12

static void insertion(char *a, size_t n, size_t size, char *tmp, kc_cmp_ctx cmp, void *ctx)
{
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (cmp(a + (j - 1) * size, a + i * size, ctx) <= 0)
			continue;
		memcpy(tmp, a + i * size, size);
		do {
			memcpy(a + j * size, a + (j - 1) * size, size);
			j--;
		} while (j > 0 && cmp(a + (j - 1) * size, tmp, ctx) > 0);
		memcpy(a + j * size, tmp, size);
	}
}

/* Sorts a[0..n) using tmp (room for n/2, at least one, elements). Equal elements keep
 * their order: the left run wins ties. */
static void merge_sort(char *a, size_t n, size_t size, char *tmp, kc_cmp_ctx cmp, void *ctx)
{
	if (n <= SMALL) {
		insertion(a, n, size, tmp, cmp, ctx);
		return;
	}
	size_t h = n / 2;
	char *right = a + h * size, *end = a + n * size;
	merge_sort(a, h, size, tmp, cmp, ctx);
	merge_sort(right, n - h, size, tmp, cmp, ctx);
	if (cmp(right - size, right, ctx) <= 0)
		return; /* already in order */
	/* The left run moves to tmp and is merged back; the write position never passes
	 * the next unread element of the right run. */
	memcpy(tmp, a, h * size);
	char *l = tmp, *lend = tmp + h * size, *r = right, *out = a;
	while (l < lend && r < end) {
		if (cmp(l, r, ctx) <= 0) {
			memcpy(out, l, size);
			l += size;
		} else {
			memcpy(out, r, size);
			r += size;
		}
		out += size;
	}
	if (l < lend)
		memcpy(out, l, (size_t)(lend - l));
}

int kc_sort_ctx(void *base, size_t n, size_t size, kc_cmp_ctx cmp, void *ctx)
{
	if (n < 2 || size == 0)
		return KISCRM_OK;
	size_t scratch = n / 2 + 1;
	if (scratch > SIZE_MAX / size)
		return kc_error_oom();
	char *tmp = malloc(scratch * size);
	if (!tmp)
		return kc_error_oom();
	merge_sort(base, n, size, tmp, cmp, ctx);
	free(tmp);
	return KISCRM_OK;
}

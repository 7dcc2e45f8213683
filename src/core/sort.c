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

static void swap_i64(int64_t *a, int64_t *b)
{
	int64_t t = *a;
	*a = *b;
	*b = t;
}

/* Puts the k-th smallest of v[0..n) at v[k], the smaller ones before it and the larger
 * ones after (Hoare's selection, median-of-three pivot). Ranges that stop shrinking fast
 * enough — adversarial input — are finished by sorting, so the worst case stays
 * O(n log n). */
static void select_i64(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n, budget = 64;
	while (hi - lo > 16) {
		if (budget-- == 0)
			break;
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < v[lo])
			swap_i64(&v[mid], &v[lo]);
		if (v[hi - 1] < v[lo])
			swap_i64(&v[hi - 1], &v[lo]);
		if (v[hi - 1] < v[mid])
			swap_i64(&v[hi - 1], &v[mid]);
		int64_t pivot = v[mid];
		size_t i = lo, j = hi - 1;
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i >= j)
				break;
			swap_i64(&v[i++], &v[j--]);
		}
		/* v[lo..j] <= pivot <= v[j+1..hi) */
		if (k <= j)
			hi = j + 1;
		else
			lo = j + 1;
	}
	/* what is left is sorted: a few elements by insertion, a range the budget gave up on by
	 * Shell sort (no allocation, no comparator, O(n^1.5) at worst) */
	int64_t *base = v + lo;
	size_t m = hi - lo;
	for (size_t gap = m > 16 ? m / 2 : 1; gap > 0; gap /= 2)
		for (size_t a = gap; a < m; a++)
			for (size_t b = a; b >= gap && base[b] < base[b - gap]; b -= gap)
				swap_i64(&base[b], &base[b - gap]);
}

/* Narrowing by buckets: a pass for the range, a pass counting the values in each of
 * NARROW_BUCKETS equal slices of it, and a pass keeping, at the front of v, only the
 * values of the slice holding the k-th smallest — three passes that read v in order
 * with no branch on the data, where a partition of Hoare's selection mispredicts about
 * every other element (the medians of a funnel's 3.4M stays were a sixth of it). Repeated
 * while more than NARROW_MIN values are left; selection finishes. */
#define NARROW_BITS 12
#define NARROW_BUCKETS (1u << NARROW_BITS)
#define NARROW_MIN 1024

/* Leaves at v[0..*n) the values among which the *k-th smallest lies (*n and *k updated),
 * every one of them above every value dropped. *below becomes the largest value dropped
 * below them and *dropped 1 when any was (*below is not read otherwise). */
static void narrow_i64(int64_t *v, size_t *n, size_t *k, int64_t *below, int *dropped)
{
	uint32_t count[NARROW_BUCKETS];
	while (*n > NARROW_MIN && *n <= UINT32_MAX) {
		int64_t lo = v[0], hi = v[0];
		for (size_t i = 1; i < *n; i++) {
			lo = v[i] < lo ? v[i] : lo;
			hi = v[i] > hi ? v[i] : hi;
		}
		if (lo == hi)
			return; /* all equal: selection is immediate */
		/* the unsigned difference is right even where hi - lo overflows int64 */
		uint64_t range = (uint64_t)hi - (uint64_t)lo;
		int shift = 0;
		while ((range >> shift) >= NARROW_BUCKETS)
			shift++;
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < *n; i++)
			count[((uint64_t)v[i] - (uint64_t)lo) >> shift]++;
		size_t b = 0, before = 0;
		while (before + count[b] <= *k)
			before += count[b++];
		size_t kept = 0;
		int64_t most = *dropped ? *below : INT64_MIN;
		for (size_t i = 0; i < *n; i++) {
			int64_t x = v[i];
			size_t bx = (size_t)(((uint64_t)x - (uint64_t)lo) >> shift);
			v[kept] = x;
			kept += bx == b;
			most = bx < b && x > most ? x : most;
		}
		if (before) {
			*below = most;
			*dropped = 1;
		}
		*n = kept;
		*k -= before;
	}
}

double kc_median_i64(int64_t *v, size_t n)
{
	size_t k = n / 2, m = n;
	int64_t below = 0;
	int dropped = 0;
	narrow_i64(v, &m, &k, &below, &dropped);
	select_i64(v, m, k);
	if (n % 2)
		return (double)v[k];
	/* the other middle one, the largest value below v[k]: among the kept values before
	 * it, else the largest one narrowing dropped (n even: there is one) */
	int64_t lower = k ? v[0] : below;
	for (size_t i = 1; i < k; i++)
		if (v[i] > lower)
			lower = v[i];
	return ((double)lower + (double)v[k]) / 2.0;
}

/* The internal helpers of src/core shared by every area: kc_strdup, the growable-array
 * macros and the sort with context. */
#include "helpers.h"
#include "core/idset.h"
#include "core/map.h"
#include "core/tuplemap.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/vec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void test_strdup(void **state)
{
	(void)state;
	assert_null(kc_strdup(NULL));
	const char *zh = "北京金蝶软件有限公司";
	char *p = kc_strdup(zh);
	assert_non_null(p);
	assert_true(p != zh);
	assert_int_equal(strlen(zh), strlen(p));
	assert_memory_equal(zh, p, strlen(zh) + 1);
	free(p);
	p = kc_strdup("");
	assert_non_null(p);
	assert_string_equal("", p);
	free(p);
}

static void test_vec_grow(void **state)
{
	(void)state;
	int64_t *v = NULL;
	size_t n = 0, cap = 0;
	/* capacities seen while pushing 0..19 from min 4: 4, 8, 16, 32 */
	size_t caps[20];
	for (int64_t i = 0; i < 20; i++) {
		assert_rc(KISCRM_OK, KC_VEC_GROW(v, n, cap, 4));
		v[n++] = i * 3;
		caps[i] = cap;
	}
	assert_int_equal(4, caps[0]);
	assert_int_equal(4, caps[3]);
	assert_int_equal(8, caps[4]);
	assert_int_equal(16, caps[8]);
	assert_int_equal(32, caps[16]);
	for (size_t i = 0; i < n; i++)
		assert_int_equal((int64_t)i * 3, v[i]);
	/* not full: nothing moves */
	int64_t *before = v;
	assert_rc(KISCRM_OK, KC_VEC_GROW(v, 5, cap, 4));
	assert_ptr_equal(before, v);
	assert_int_equal(32, cap);

	/* a size that overflows is out of memory, and leaves the array as it was */
	assert_rc(KISCRM_ENOMEM, KC_VEC_RESIZE(v, SIZE_MAX / 4));
	assert_ptr_equal(before, v);
	assert_int_equal(57, v[19]);
	size_t huge = SIZE_MAX / 2 + 1;
	assert_rc(KISCRM_ENOMEM, KC_VEC_GROW(v, huge, huge, 4));
	assert_ptr_equal(before, v);
	assert_int_equal(SIZE_MAX / 2 + 1, huge);
	free(v);

	assert_int_equal(8, kc_vec_next_cap(0, 8));
	assert_int_equal(1, kc_vec_next_cap(0, 0));
	assert_int_equal(6, kc_vec_next_cap(3, 8));
	assert_int_equal(SIZE_MAX, kc_vec_next_cap(SIZE_MAX / 2 + 1, 8));
}

typedef struct {
	int key;
	int seq; /* position before sorting, to see stability */
} pair;

/* ctx is the direction: +1 ascending, -1 descending by key. */
static int by_key(const void *a, const void *b, void *ctx)
{
	int dir = *(const int *)ctx;
	const pair *x = a, *y = b;
	return dir * ((x->key > y->key) - (x->key < y->key));
}

static void test_sort_ctx_small(void **state)
{
	(void)state;
	int up = 1, down = -1;
	assert_rc(KISCRM_OK, kc_sort_ctx(NULL, 0, sizeof(pair), by_key, &up));
	pair one = { 7, 0 };
	assert_rc(KISCRM_OK, kc_sort_ctx(&one, 1, sizeof(pair), by_key, &up));
	assert_int_equal(7, one.key);

	/* keys 3 1 3 2 1: ascending 1(1) 1(4) 2(3) 3(0) 3(2); descending 3(0) 3(2) 2(3) 1(1) 1(4) */
	pair p[5] = { { 3, 0 }, { 1, 1 }, { 3, 2 }, { 2, 3 }, { 1, 4 } }, q[5];
	memcpy(q, p, sizeof(p));
	assert_rc(KISCRM_OK, kc_sort_ctx(p, 5, sizeof(pair), by_key, &up));
	const int up_seq[5] = { 1, 4, 3, 0, 2 }, down_seq[5] = { 0, 2, 3, 1, 4 };
	for (int i = 0; i < 5; i++)
		assert_int_equal(up_seq[i], p[i].seq);
	assert_rc(KISCRM_OK, kc_sort_ctx(q, 5, sizeof(pair), by_key, &down));
	for (int i = 0; i < 5; i++)
		assert_int_equal(down_seq[i], q[i].seq);
}

/* Enough elements to go through the merges: keys i*7 mod 10 for i in 0..999 take each
 * value 0..9 exactly 100 times, so ascending the element at position k has key k/100,
 * and stability keeps the original positions of equal keys increasing. */
static void test_sort_ctx_large(void **state)
{
	(void)state;
	enum { N = 1000 };
	pair *p = malloc(N * sizeof(*p));
	assert_non_null(p);
	for (int i = 0; i < N; i++)
		p[i] = (pair){ (i * 7) % 10, i };
	int up = 1;
	assert_rc(KISCRM_OK, kc_sort_ctx(p, N, sizeof(pair), by_key, &up));
	for (int k = 0; k < N; k++) {
		assert_int_equal(k / 100, p[k].key);
		if (k % 100)
			assert_true(p[k - 1].seq < p[k].seq);
	}
	/* already sorted input stays as it is */
	assert_rc(KISCRM_OK, kc_sort_ctx(p, N, sizeof(pair), by_key, &up));
	for (int k = 0; k < N; k++)
		assert_int_equal(k / 100, p[k].key);
	free(p);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The median by selection equals the median of the sorted array: hand cases, then random,
 * sorted, reversed, constant and few-valued arrays of every size up to 300 and one large. */
static void test_median(void **state)
{
	(void)state;
	int64_t one[] = { 7 }, two[] = { 9, 4 }, odd[] = { 5, 1, 4, 2, 3 }, even[] = { 8, 2, 6, 4 };
	assert_true(kc_median_i64(one, 1) == 7.0);
	assert_true(kc_median_i64(two, 2) == 6.5);   /* (4 + 9) / 2 */
	assert_true(kc_median_i64(odd, 5) == 3.0);   /* 1 2 [3] 4 5 */
	assert_true(kc_median_i64(even, 4) == 5.0);  /* 2 [4 6] 8 */
	enum { N = 300, BIG = 100001 };
	int64_t *a = malloc(BIG * sizeof(*a)), *b = malloc(BIG * sizeof(*b));
	assert_non_null(a);
	assert_non_null(b);
	uint64_t seed = 42;
	for (int shape = 0; shape < 5; shape++)
		for (size_t n = 1; n <= N; n++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				int64_t r = (int64_t)(seed >> 33);
				a[i] = shape == 0 ? r : shape == 1 ? (int64_t)i : shape == 2 ? (int64_t)(n - i)
				     : shape == 3 ? 5 : r % 3;
			}
			memcpy(b, a, n * sizeof(*a));
			qsort(b, n, sizeof(*b), cmp_i64);
			double want = n % 2 ? (double)b[n / 2] : ((double)b[n / 2 - 1] + (double)b[n / 2]) / 2.0;
			assert_true(kc_median_i64(a, n) == want);
		}
	for (size_t i = 0; i < BIG; i++)
		a[i] = (int64_t)((i * 7919) % 1000); /* many duplicates */
	memcpy(b, a, BIG * sizeof(*a));
	qsort(b, BIG, sizeof(*b), cmp_i64);
	assert_true(kc_median_i64(a, BIG) == (double)b[BIG / 2]);
	/* Above 1,024 values the range is cut into slices first (narrow_i64): sizes either
	 * side of that, odd and even; values over the whole int64 range with both ends
	 * present (the range overflows a signed difference); a skewed spread (most values
	 * in the first slice, so it is cut again); two values, half and half (the lower
	 * middle one is the largest value dropped); all equal but one. */
	static const size_t sizes[] = { 1024, 1025, 1026, 4097, 50000, 50001, BIG - 1, BIG };
	for (int shape = 0; shape < 5; shape++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			size_t n = sizes[z];
			for (size_t i = 0; i < n; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				uint64_t r = seed ^ (seed >> 29);
				a[i] = shape == 0 ? (int64_t)r
				     : shape == 1 ? (int64_t)((r >> 40) * (r >> 40) * (r >> 40)) /* cubes: skewed */
				     : shape == 2 ? (i < n / 2 ? -3 : 86400)
				     : shape == 3 ? (i == n / 3 ? INT64_MIN : 12)
				     : (int64_t)(r % 86400) * 60;
			}
			if (shape == 0) {
				a[n / 4] = INT64_MIN;
				a[n / 5] = INT64_MAX;
			}
			memcpy(b, a, n * sizeof(*a));
			qsort(b, n, sizeof(*b), cmp_i64);
			double want = n % 2 ? (double)b[n / 2] : ((double)b[n / 2 - 1] + (double)b[n / 2]) / 2.0;
			if (kc_median_i64(a, n) != want)
				fail_msg("shape %d, %zu values: median %.17g, want %.17g", shape, n,
					 kc_median_i64(memcpy(a, b, n * sizeof(*a)), n), want);
		}
	free(a);
	free(b);
}

/* The id set: bits for ids below KC_IDSET_DENSE (grown as ids come, word edges at 63/64),
 * the map for the others (negative, at and past the bound, the largest id). */
static void test_idset(void **state)
{
	(void)state;
	kc_idset s;
	memset(&s, 0, sizeof(s));
	static const int64_t in[] = { 1, 63, 64, 1000000, KC_IDSET_DENSE - 1, KC_IDSET_DENSE, -5, INT64_MAX };
	static const int64_t out[] = { 0, 2, 62, 65, 999999, 1000001, KC_IDSET_DENSE - 2, KC_IDSET_DENSE + 1, -4, INT64_MAX - 1 };
	assert_false(kc_idset_has(&s, 1)); /* empty: no bitmap yet */
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(0, kc_idset_add(&s, in[i]));
		assert_int_equal(0, kc_idset_add(&s, in[i])); /* twice: still once */
	}
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		assert_true(kc_idset_has(&s, in[i]));
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		assert_false(kc_idset_has(&s, out[i]));
	kc_idset_dispose(&s);
	assert_false(kc_idset_has(&s, 1));
}

/* The id map against a plain list: dense ids from 1 (pages), a sparse tail that must not
 * make pages (far ids, negative ids, the largest id), keys put in the hashed part before
 * their page existed and updated after, and values too large for a page. */
static void test_idmap(void **state)
{
	(void)state;
	enum { N = 5000 };
	kc_idmap m = { 0 };
	size_t v;
	assert_false(kc_idmap_get(&m, 1, &v)); /* empty */
	/* 3 × 1,000,000 first: a lone far key goes to the hashed part (its page would be
	 * alone); once 5,000 dense keys exist it is still found there and updated there */
	assert_int_equal(0, kc_idmap_put(&m, 3000000, 7));
	assert_null(m.pages);
	for (int64_t id = 1; id <= N; id++)
		assert_int_equal(0, kc_idmap_put(&m, id, (size_t)(id * 3)));
	assert_true(m.pages_used <= N / KC_IDMAP_PAGE + 1);
	assert_int_equal(0, kc_idmap_put(&m, 3000000, 8));
	assert_int_equal(0, kc_idmap_put(&m, -5, 9));
	assert_int_equal(0, kc_idmap_put(&m, INT64_MAX, 10));
	assert_int_equal(0, kc_idmap_put(&m, 42, (size_t)UINT32_MAX + 5)); /* leaves its page */
	assert_int_equal(0, kc_idmap_put(&m, 43, 0)); /* value 0 is a value */
	assert_int_equal(N + 3, m.n);
	for (int64_t id = 1; id <= N; id++) {
		assert_true(kc_idmap_get(&m, id, &v));
		assert_int_equal(id == 42 ? (size_t)UINT32_MAX + 5 : id == 43 ? 0 : (size_t)(id * 3), v);
	}
	assert_true(kc_idmap_get(&m, 3000000, &v));
	assert_int_equal(8, v);
	assert_true(kc_idmap_get(&m, -5, &v));
	assert_int_equal(9, v);
	assert_true(kc_idmap_get(&m, INT64_MAX, &v));
	assert_int_equal(10, v);
	static const int64_t out[] = { 0, N + 1, -4, 2999999, INT64_MAX - 1, INT64_MIN };
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		assert_false(kc_idmap_get(&m, out[i], &v));
	/* ids spread thinly (one per 100,000) stay hashed: no page per key */
	kc_idmap sparse = { 0 };
	for (int64_t i = 1; i <= 1000; i++)
		assert_int_equal(0, kc_idmap_put(&sparse, i * 100000, (size_t)i));
	assert_true(sparse.pages_used <= 4 + 1000 / (KC_IDMAP_PAGE / 8));
	for (int64_t i = 1; i <= 1000; i++) {
		assert_true(kc_idmap_get(&sparse, i * 100000, &v));
		assert_int_equal(i, v);
	}
	assert_int_equal(1000, sparse.n);
	kc_idmap_dispose(&sparse);
	kc_idmap_dispose(&m);
	assert_false(kc_idmap_get(&m, 1, &v));
}

/* The tuple map: tuples that differ in one place or only in length (a trailing 0 is the
 * same tuple: ids are never 0 where a group has one) are told apart or matched, through
 * growth from 64 slots to several thousand. */
static void test_tuplemap(void **state)
{
	(void)state;
	kc_tuplemap m = { 0 };
	size_t v;
	int64_t t[KC_TUPLE_MAX] = { 1, 2, 3, 4 };
	assert_false(kc_tuplemap_get(&m, t, 2, &v));
	for (int64_t a = 1; a <= 60; a++)
		for (int64_t b = 1; b <= 60; b++) {
			int64_t k[2] = { a, b };
			assert_int_equal(0, kc_tuplemap_put(&m, k, 2, (size_t)(a * 100 + b)));
		}
	assert_int_equal(3600, m.n);
	for (int64_t a = 1; a <= 60; a++)
		for (int64_t b = 1; b <= 60; b++) {
			int64_t k[2] = { a, b }, swapped[2] = { b, a };
			assert_true(kc_tuplemap_get(&m, k, 2, &v));
			assert_int_equal(a * 100 + b, v);
			assert_true(kc_tuplemap_get(&m, swapped, 2, &v));
			assert_int_equal(b * 100 + a, v);
		}
	int64_t k3[3] = { 1, 2, 7 }, k1[1] = { 61 };
	assert_false(kc_tuplemap_get(&m, k3, 3, &v));
	assert_false(kc_tuplemap_get(&m, k1, 1, &v));
	assert_int_equal(0, kc_tuplemap_put(&m, t, 4, 0));
	assert_true(kc_tuplemap_get(&m, t, 4, &v));
	assert_int_equal(0, v);
	t[3] = 5;
	assert_false(kc_tuplemap_get(&m, t, 4, &v));
	int64_t k[2] = { 5, 6 };
	assert_int_equal(0, kc_tuplemap_put(&m, k, 2, 9)); /* replaced, not added */
	assert_true(kc_tuplemap_get(&m, k, 2, &v));
	assert_int_equal(9, v);
	assert_int_equal(3601, m.n);
	kc_tuplemap_dispose(&m);
	assert_false(kc_tuplemap_get(&m, k, 2, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_vec_grow),
		cmocka_unit_test(test_sort_ctx_small),
		cmocka_unit_test(test_sort_ctx_large),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_idset),
		cmocka_unit_test(test_idmap),
		cmocka_unit_test(test_tuplemap),
	};
	return cmocka_run_group_tests_name("core_helpers", tests, NULL, NULL);
}

/* What a transaction remembers of the rows it found and the answers it read
 * (storage/txn_known.c): both caches grow while a load thrashes them, up to their bounds,
 * and never answer wrongly. */
#include "helpers.h"
#include "storage/txn_known.h"
#include "model/model.h"

#define SLOTS 16384   /* the cache's first size (txn_known.c) */
#define MAX 262144    /* its bound */

/* Ten thousand distinct rows noted once evict at most ten thousand entries, fewer than
 * the 16,384 slots: the cache keeps its size. */
static void test_found_cache_keeps_size(void **state)
{
	(void)state;
	kc_known k;
	assert_int_equal(0, kc_known_init(&k, &kc_model_kinds));
	assert_int_equal(SLOTS, k.nfound);
	for (kiscrm_id id = 1; id <= 10000; id++)
		kc_known_found(&k, KISCRM_KIND_CUSTOMER, id, id % 3);
	assert_int_equal(SLOTS, k.nfound);
	kc_known_free(&k);
}

/* A million distinct rows thrash every size below the bound: the cache ends at it. What
 * it answers is right (the partner noted), and the last row noted is always there (it
 * was written last into its slot); a cleared cache answers nothing and is small again. */
static void test_found_cache_grows_to_bound(void **state)
{
	(void)state;
	kc_known k;
	assert_int_equal(0, kc_known_init(&k, &kc_model_kinds));
	for (kiscrm_id id = 1; id <= 1000000; id++)
		kc_known_found(&k, KISCRM_KIND_CUSTOMER, id, id % 3);
	assert_int_equal(MAX, k.nfound);
	long hits = 0;
	for (kiscrm_id id = 1; id <= 1000000; id++) {
		kiscrm_id partner = -7;
		if (kc_known_lookup(&k, KISCRM_KIND_CUSTOMER, id, 1, &partner)) {
			assert_int_equal(id % 3, partner);
			hits++;
		}
	}
	assert_true(hits > 0 && hits <= MAX);
	kiscrm_id partner = -7;
	assert_int_equal(1, kc_known_lookup(&k, KISCRM_KIND_CUSTOMER, 1000000, 1, &partner));
	assert_int_equal(1000000 % 3, partner);
	assert_int_equal(0, kc_known_lookup(&k, KISCRM_KIND_STAFF, 1000000, 1, &partner)); /* another kind */
	kc_known_clear(&k); /* the end of the transaction: back to the first size */
	assert_int_equal(SLOTS, k.nfound);
	assert_int_equal(0, kc_known_lookup(&k, KISCRM_KIND_CUSTOMER, 1000000, 1, &partner));
	kc_known_free(&k);
}

/* Remembered answers grow the same way, from 4,096 slots to 65,536: a million distinct
 * questions end at the bound; the last answer is there until its kind is written. */
static void test_memo_grows_to_bound(void **state)
{
	(void)state;
	kc_known k;
	int64_t v = -1;
	assert_int_equal(0, kc_known_init(&k, &kc_model_kinds));
	assert_int_equal(0, kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, 1, &v));
	for (kiscrm_id key = 1; key <= 1000000; key++)
		kc_known_memo_put(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, key, key * 2);
	assert_int_equal(65536, k.nmemos);
	assert_int_equal(1, kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, 1000000, &v));
	assert_int_equal(2000000, v);
	for (kiscrm_id key = 1; key <= 1000000; key++)
		if (kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, key, &v))
			assert_int_equal(key * 2, v);
	kc_known_writing(&k, KISCRM_KIND_CONTRACT);
	assert_int_equal(0, kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, 1000000, &v));
	kc_known_clear(&k);
	assert_int_equal(0, k.nmemos);
	kc_known_memo_put(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, 5, 10);
	assert_int_equal(4096, k.nmemos);
	assert_int_equal(1, kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, 5, &v));
	assert_int_equal(10, v);
	kc_known_free(&k);
}

/* Growing keeps what the cache holds. The row noted just before the first doubling sits
 * in the first slot of its pair until another row of that pair comes; the only row noted
 * after it is the one whose note doubled the cache, which at most pushes it to the second
 * slot. So it is still known, with its partner, right after the doubling (a cache that
 * dropped its entries would read it again). The answers behave alike: some answer given
 * before the doubling is still there after it. */
static void test_growth_keeps_entries(void **state)
{
	(void)state;
	kc_known k;
	int64_t v;
	kiscrm_id partner = -7, id = 0;
	assert_int_equal(0, kc_known_init(&k, &kc_model_kinds));
	while (k.nfound == SLOTS) {
		id++;
		kc_known_found(&k, KISCRM_KIND_CUSTOMER, id, id % 5);
	}
	assert_int_equal(2 * SLOTS, k.nfound);
	assert_int_equal(1, kc_known_lookup(&k, KISCRM_KIND_CUSTOMER, id - 1, 1, &partner));
	assert_int_equal((id - 1) % 5, partner);
	kiscrm_id key = 0;
	kc_known_memo_put(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, ++key, 1);
	while (k.nmemos == 4096) {
		key++;
		kc_known_memo_put(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, key, key * 3);
	}
	long kept = 0;
	for (kiscrm_id old = 2; old < key; old++)
		if (kc_known_memo_get(&k, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, old, &v)) {
			assert_int_equal(old * 3, v);
			kept++;
		}
	assert_true(kept > 0);
	kc_known_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_cache_keeps_size),
		cmocka_unit_test(test_found_cache_grows_to_bound),
		cmocka_unit_test(test_memo_grows_to_bound),
		cmocka_unit_test(test_growth_keeps_entries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

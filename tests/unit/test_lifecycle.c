/* The customer lifecycle (kiscrm_report_lifecycle, _movements) with the default rules
 * (new 12 months, lost 18 months, growth and decline 20 %), as of 2026-11-23 — the end of
 * that day, so "the last 12 months" is [2025-11-24, 2026-11-24). Worked out by hand:
 *
 *   谱 no contract                                   prospect, since NULL
 *   新 2026-03-10 100,000                            new (first within 12 months);
 *      at 02-28 still a prospect → since 2026-03-01
 *   增 2024-06-01 100k, 2025-06-01 100k, 2026-05-01 150k
 *      last 12 months 150k ≥ 120 % of the 12 before (100k) → growing; at 04-30 the last
 *      12 months held only 2025-06-01 (100k) against 2024-06-01 (100k) → mature
 *      → since 2026-05-01
 *   降 2025-01-10 200k, 2026-01-10 100k
 *      100k ≤ 80 % of 200k → declining; at 2025-12-31 its first contract was within 12
 *      months → new → since 2026-01-01
 *   失 2025-04-01 only: before 2025-05-24 (18 months back) → lost; at 09-30 the cut-off
 *      was 2025-04-01 (not before it) → declining → since 2026-10-01
 *   稳 2025-03-01 100k, 2026-03-01 100k: 100k against 100k → mature; at 02-28 the last 12
 *      months held 2025-03-01 against nothing → growing → since 2026-03-01
 *
 * Movements over [2026-01-01, 2026-12-01): stages at 2025-12-31 → at 2026-11-30:
 *   新 prospect → new; 增 mature → growing; 降 new → declining;
 *   失 new (first contract within 12 months of 2025-12-31) → lost; 稳 new → mature.
 * Runs on both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep;
	kiscrm_id c[6];
} world;

#define D kc_test_day

static void contract(world *w, kiscrm_id cust, const char *day, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, D(day));
	kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount);
	kc_test_insert(w->db, r);
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	static const char *const names[] = { "谱", "新", "增", "降", "失", "稳" };
	for (int i = 0; i < 6; i++)
		w->c[i] = kc_test_customer(w->db, names[i]);
	contract(w, w->c[1], "2026-03-10", 10000000);
	contract(w, w->c[2], "2024-06-01", 10000000);
	contract(w, w->c[2], "2025-06-01", 10000000);
	contract(w, w->c[2], "2026-05-01", 15000000);
	contract(w, w->c[3], "2025-01-10", 20000000);
	contract(w, w->c[3], "2026-01-10", 10000000);
	contract(w, w->c[4], "2025-04-01", 10000000);
	contract(w, w->c[5], "2025-03-01", 10000000);
	contract(w, w->c[5], "2026-03-01", 10000000);
	*state = w;
	return 0;
}

static void test_lifecycle_stages(void **state)
{
	world *w = *state;
	static const char *const stage[] = { "prospect", "new", "growing", "declining", "lost", "mature" };
	static const char *const since[] = { NULL, "2026-03-01", "2026-05-01", "2026-01-01", "2026-10-01", "2026-03-01" };
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-11-23");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_lifecycle(&t, w->db, &o));
	assert_int_equal(6, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(w->c[i], kiscrm_table_int(t, i, 0));
		assert_string_equal(stage[i], kiscrm_table_text(t, i, 2));
		if (since[i])
			assert_int_equal(D(since[i]), kiscrm_table_int(t, i, 3));
		else
			assert_true(kiscrm_table_is_null(t, i, 3));
	}
	assert_int_equal(D("2024-06-01"), kiscrm_table_int(t, 2, 4)); /* 增: first and last contract */
	assert_int_equal(D("2026-05-01"), kiscrm_table_int(t, 2, 5));
	kiscrm_table_free(t);
}

static void test_lifecycle_movements(void **state)
{
	world *w = *state;
	static const struct {
		int c;
		const char *from, *to, *since;
	} want[] = {
		{ 1, "prospect", "new", "2026-03-01" }, { 2, "mature", "growing", "2026-05-01" },
		{ 3, "new", "declining", "2026-01-01" }, { 4, "new", "lost", "2026-10-01" },
		{ 5, "new", "mature", "2026-03-01" },
	};
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.from = D("2026-01-01");
	o.to = D("2026-12-01");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_lifecycle_movements(&t, w->db, &o));
	assert_int_equal(5, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(w->c[want[i].c], kiscrm_table_int(t, i, 0));
		assert_string_equal(want[i].from, kiscrm_table_text(t, i, 2));
		assert_string_equal(want[i].to, kiscrm_table_text(t, i, 3));
		assert_int_equal(D(want[i].since), kiscrm_table_int(t, i, 4));
	}
	kiscrm_table_free(t);
	/* without a window there is nothing to compare */
	o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
	assert_int_equal(KISCRM_EINVALID, kiscrm_report_lifecycle_movements(&t, w->db, &o));
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifecycle_stages, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_lifecycle_movements, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

/* Win/loss by competitor (kiscrm_report_competitors) over November 2026, worked by hand:
 *   1 won 100,000.00 against 用友 and 浪潮
 *   2 lost 50,000.00 against 用友, which took it
 *   3 lost 30,000.00 against 用友 and 速达; 速达 took it
 *   4 won 20,000.00 against 浪潮 on 2026-10-20 (before the window: not counted)
 *   5 open, against 速达 (not closed: not counted)
 *   用友: met 3, won 1, lost 2, lost to it 1, win rate 1/3, won 100,000, lost 80,000
 *   浪潮: met 1, won 1, lost 0, rate 1, won 100,000
 *   速达: met 1, won 0, lost 1, lost to it 1, rate 0, lost 30,000
 * The rules: a competitor once per opportunity, at most one that took it. Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, cust;
	kiscrm_id yonyou, inspur, suda;
	kiscrm_id opp[6];
} world;

#define Y(x) ((kiscrm_money)(x) * 100)

static kiscrm_id opportunity(world *w, kiscrm_money amount, const char *stage, const char *when)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "项目");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, kc_test_day("2026-09-01"));
	kiscrm_id id = kc_test_insert(w->db, r);
	if (stage)
		assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, id, stage, kc_test_time(when), 0));
	return id;
}

static kiscrm_id competitor(world *w, const char *name, int main_rival)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COMPETITOR);
	kiscrm_record_set_text(r, KISCRM_COMPETITOR_NAME, name);
	kiscrm_record_set_int(r, KISCRM_COMPETITOR_MAIN, main_rival);
	kiscrm_record_set_text(r, KISCRM_COMPETITOR_STRATEGY, "低价");
	return kc_test_insert(w->db, r);
}

static int met(world *w, kiscrm_id opp, kiscrm_id rival, int took)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY_COMPETITOR);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_COMPETITOR_OPPORTUNITY_ID, opp);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_COMPETITOR_COMPETITOR_ID, rival);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_COMPETITOR_WON, took);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->cust = kc_test_customer(w->db, "甲");
	w->yonyou = competitor(w, "用友", 1);
	w->inspur = competitor(w, "浪潮", 1);
	w->suda = competitor(w, "速达", 0);
	w->opp[1] = opportunity(w, Y(100000), "won", "2026-11-03T10:00:00Z");
	w->opp[2] = opportunity(w, Y(50000), "lost", "2026-11-10T10:00:00Z");
	w->opp[3] = opportunity(w, Y(30000), "lost", "2026-11-20T10:00:00Z");
	w->opp[4] = opportunity(w, Y(20000), "won", "2026-10-20T10:00:00Z");
	w->opp[5] = opportunity(w, Y(70000), NULL, NULL);
	assert_int_equal(KISCRM_OK, met(w, w->opp[1], w->yonyou, 0));
	assert_int_equal(KISCRM_OK, met(w, w->opp[1], w->inspur, 0));
	assert_int_equal(KISCRM_OK, met(w, w->opp[2], w->yonyou, 1));
	assert_int_equal(KISCRM_OK, met(w, w->opp[3], w->yonyou, 0));
	assert_int_equal(KISCRM_OK, met(w, w->opp[3], w->suda, 1));
	assert_int_equal(KISCRM_OK, met(w, w->opp[4], w->inspur, 0));
	assert_int_equal(KISCRM_OK, met(w, w->opp[5], w->suda, 0));
	*state = w;
	return 0;
}

static void test_win_loss_by_competitor(void **state)
{
	world *w = *state;
	static const struct {
		const char *name;
		int main_rival;
		int64_t met, won, lost, lost_to;
		double rate;
		kiscrm_money won_amount, lost_amount;
	} want[] = {
		{ "用友", 1, 3, 1, 2, 1, 1.0 / 3, Y(100000), Y(80000) },
		{ "浪潮", 1, 1, 1, 0, 0, 1.0, Y(100000), 0 },
		{ "速达", 0, 1, 0, 1, 1, 0.0, 0, Y(30000) },
	};
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.from = kc_test_day("2026-11-01");
	o.to = kc_test_day("2026-12-01");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "competitors", &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(want[i].name, kiscrm_table_text(t, i, 1));
		assert_int_equal(want[i].main_rival, kiscrm_table_int(t, i, 2));
		assert_int_equal(want[i].met, kiscrm_table_int(t, i, 3));
		assert_int_equal(want[i].won, kiscrm_table_int(t, i, 4));
		assert_int_equal(want[i].lost, kiscrm_table_int(t, i, 5));
		assert_int_equal(want[i].lost_to, kiscrm_table_int(t, i, 6));
		double rate = kiscrm_table_rate(t, i, 7);
		assert_true(rate > want[i].rate - 1e-9 && rate < want[i].rate + 1e-9);
		assert_int_equal(want[i].won_amount, kiscrm_table_int(t, i, 8));
		assert_int_equal(want[i].lost_amount, kiscrm_table_int(t, i, 9));
	}
	kiscrm_table_free(t);
}

static void test_rules(void **state)
{
	world *w = *state;
	size_t before = kc_test_count(w->db, KISCRM_KIND_OPPORTUNITY_COMPETITOR, NULL);
	assert_int_equal(KISCRM_EEXISTS, met(w, w->opp[1], w->yonyou, 0));
	assert_string_equal("competitor_id", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_ECONFLICT, met(w, w->opp[2], w->suda, 1)); /* 用友 took it already */
	assert_string_equal("won", kiscrm_error_last()->field);
	assert_int_equal(before, kc_test_count(w->db, KISCRM_KIND_OPPORTUNITY_COMPETITOR, NULL));
	/* deleting an opportunity takes its meetings with it (owned) */
	assert_int_equal(KISCRM_OK, kiscrm_record_delete(w->db, KISCRM_KIND_OPPORTUNITY, w->opp[5], KISCRM_DELETE_CASCADE));
	assert_int_equal(before - 1, kc_test_count(w->db, KISCRM_KIND_OPPORTUNITY_COMPETITOR, NULL));
}

/* The market grid as of 2026-11-30, worked by hand. Cells: north × manufacturing 200
 * enterprises (10 top-500, 张三), north × trade 100 (2, 李四), east × manufacturing 50 (0,
 * 张三). Customers: 4 north/manufacturing with a first contract by 11-30 (one more signed
 * 12-15 and a prospect do not count), 10 north/trade, 2 south/it (no cell). 14 in the grid.
 *   east/manufacturing   50  0   0  0 %      share 0      thin, empty
 *   north/manufacturing 200 10   4  2 %      share 4/14   thin (< 5 %)
 *   north/trade         100  2  10  10 %     share 10/14
 *   region east 50/0/0 thin empty; north 300/12/14 4.67 % thin
 *   industry manufacturing 250/10/4 1.6 % thin; trade 100/2/10 10 %
 *   total 350/12/14 4 % thin
 * Sufficiency in Q4 by owner, each with a 1,000,000.00 target: 张三 has won 120,000 and
 * has 70,000 open (no source), 李四 nothing — both far below 3× what remains. 张三's cells
 * (2 % and empty) are thin → grid_coverage is a cause; 李四's one cell (10 %) is not. */
static kiscrm_id grid_cell(world *w, const char *region, const char *industry, int64_t n, int64_t top, kiscrm_id owner)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_GRID_CELL);
	kiscrm_record_set_text(r, KISCRM_GRID_CELL_REGION, region);
	kiscrm_record_set_text(r, KISCRM_GRID_CELL_INDUSTRY, industry);
	kiscrm_record_set_int(r, KISCRM_GRID_CELL_ENTERPRISES, n);
	kiscrm_record_set_int(r, KISCRM_GRID_CELL_TOP500, top);
	kiscrm_record_set_int(r, KISCRM_GRID_CELL_OWNER_ID, owner);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_id id = rc ? rc : kiscrm_record_id(r);
	kiscrm_record_free(r);
	return id;
}

static void grid_customer(world *w, const char *region, const char *industry, const char *first)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "网格客户");
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_REGION, region);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_INDUSTRY, industry);
	if (first)
		kiscrm_record_set_int(r, KISCRM_CUSTOMER_FIRST_CONTRACT, kc_test_day(first));
	kc_test_insert(w->db, r);
}

static void quarter_target(world *w, kiscrm_id owner)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, "contract_amount");
	kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_QUARTER);
	kiscrm_record_set_int(r, KISCRM_TARGET_START, kc_test_day("2026-10-01"));
	kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, Y(1000000));
	kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, owner);
	kc_test_insert(w->db, r);
}

static void test_grid(void **state)
{
	world *w = *state;
	kiscrm_id dept = kc_test_stored_int(w->db, KISCRM_KIND_STAFF, w->rep, KISCRM_STAFF_DEPARTMENT_ID);
	kiscrm_id li = kc_test_staff(w->db, "李四", dept, "sales_rep");
	assert_true(grid_cell(w, "north", "manufacturing", 200, 10, w->rep) > 0);
	assert_true(grid_cell(w, "north", "trade", 100, 2, li) > 0);
	assert_true(grid_cell(w, "east", "manufacturing", 50, 0, w->rep) > 0);
	for (int i = 0; i < 4; i++)
		grid_customer(w, "north", "manufacturing", "2026-03-01");
	grid_customer(w, "north", "manufacturing", "2026-12-15");
	grid_customer(w, "north", "manufacturing", NULL);
	for (int i = 0; i < 10; i++)
		grid_customer(w, "north", "trade", "2025-06-01");
	grid_customer(w, "south", "it", "2026-01-01");
	grid_customer(w, "south", "it", "2026-01-01");

	static const struct {
		const char *level, *region, *industry;
		int64_t enterprises, top500, customers;
		double penetration, share;
		int thin, empty;
	} want[] = {
		{ "cell", "east", "manufacturing", 50, 0, 0, 0.0, 0.0, 1, 1 },
		{ "cell", "north", "manufacturing", 200, 10, 4, 0.02, 4.0 / 14, 1, 0 },
		{ "cell", "north", "trade", 100, 2, 10, 0.1, 10.0 / 14, 0, 0 },
		{ "region", "east", NULL, 50, 0, 0, 0.0, 0.0, 1, 1 },
		{ "region", "north", NULL, 300, 12, 14, 14.0 / 300, 1.0, 1, 0 },
		{ "industry", NULL, "manufacturing", 250, 10, 4, 4.0 / 250, 4.0 / 14, 1, 0 },
		{ "industry", NULL, "trade", 100, 2, 10, 0.1, 10.0 / 14, 0, 0 },
		{ "total", NULL, NULL, 350, 12, 14, 0.04, 1.0, 1, 0 },
	};
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-30");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_grid(&t, w->db, &o));
	assert_int_equal(8, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(want[i].level, kiscrm_table_text(t, i, 0));
		if (want[i].region)
			assert_string_equal(want[i].region, kiscrm_table_text(t, i, 1));
		if (want[i].industry)
			assert_string_equal(want[i].industry, kiscrm_table_text(t, i, 2));
		assert_int_equal(want[i].enterprises, kiscrm_table_int(t, i, 4));
		assert_int_equal(want[i].top500, kiscrm_table_int(t, i, 5));
		assert_int_equal(want[i].customers, kiscrm_table_int(t, i, 6));
		double p = kiscrm_table_rate(t, i, 7), s = kiscrm_table_rate(t, i, 8);
		assert_true(p > want[i].penetration - 1e-9 && p < want[i].penetration + 1e-9);
		assert_true(s > want[i].share - 1e-9 && s < want[i].share + 1e-9);
		assert_int_equal(want[i].thin, kiscrm_table_int(t, i, 9));
		assert_int_equal(want[i].empty, kiscrm_table_int(t, i, 10));
	}
	assert_string_equal("张三", kiscrm_table_text(t, 0, 3));
	kiscrm_table_free(t);
	o.owner_id = li; /* 李四's one cell with its sub-totals and total */
	assert_int_equal(KISCRM_OK, kiscrm_report_grid(&t, w->db, &o));
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_int_equal(10, kiscrm_table_int(t, 3, 6));
	kiscrm_table_free(t);

	/* the sufficiency cause comes from the grid */
	quarter_target(w, w->rep);
	quarter_target(w, li);
	o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-30");
	int by[1] = { KISCRM_GROUP_OWNER };
	o.group_by = by;
	o.ngroup = 1;
	assert_int_equal(KISCRM_OK, kiscrm_report_sufficiency(&t, w->db, &o));
	int causes = kiscrm_table_column_index(t, "causes");
	int seen = 0;
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++) {
		const char *who = kiscrm_table_text(t, i, 0), *c = kiscrm_table_text(t, i, (size_t)causes);
		assert_non_null(c);
		if (strcmp(who, "张三") == 0) {
			assert_string_equal("grid_coverage,market_activity,telemarketing,resale", c);
			seen |= 1;
		} else if (strcmp(who, "李四") == 0) {
			assert_string_equal("market_activity,telemarketing,resale", c);
			seen |= 2;
		}
	}
	assert_int_equal(3, seen);
	kiscrm_table_free(t);

	/* bad cells: an unknown region, a duplicate pair, more top-500 firms than enterprises */
	size_t before = kc_test_count(w->db, KISCRM_KIND_GRID_CELL, NULL);
	assert_int_equal(KISCRM_EINVALID, grid_cell(w, "atlantis", "trade", 1, 0, li));
	assert_string_equal("region", kiscrm_error_last()->field);
	assert_string_equal("atlantis", kiscrm_error_last()->value);
	assert_int_equal(KISCRM_EEXISTS, grid_cell(w, "north", "trade", 1, 0, li));
	assert_int_equal(KISCRM_EINVALID, grid_cell(w, "east", "trade", 5, 6, li));
	assert_string_equal("top500", kiscrm_error_last()->field);
	assert_int_equal(before, kc_test_count(w->db, KISCRM_KIND_GRID_CELL, NULL));
}

/* The gap report's make-up levers in November 2026 (as of 11-15, window [11-01, 12-01)):
 * 张三's month target 500,000.00; won 100,000 in November, nothing open expected in it, so
 * gap 400,000 > half the target and even the pipeline cannot cover it → staffing. A deal
 * of 30,000 expected 12-10 lies within the 30 days after the window (could be pulled in:
 * acceleration); one expected 2027-01-15 does not. Levers "staffing,acceleration"; one head,
 * nothing collected → 0.00 per head. Flagging deal 3 (lost 11-20) a key project adds
 * analysis (its win/loss analysis); deal 4, decided in October, would not. */
static void test_gap_levers(void **state)
{
	world *w = *state;
	kiscrm_id soon = opportunity(w, Y(30000), NULL, NULL), late = opportunity(w, Y(50000), NULL, NULL);
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, soon,
						       KISCRM_OPPORTUNITY_EXPECTED_CLOSE, kc_test_day("2026-12-10")));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, late,
						       KISCRM_OPPORTUNITY_EXPECTED_CLOSE, kc_test_day("2027-01-15")));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, "contract_amount");
	kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_MONTH);
	kiscrm_record_set_int(r, KISCRM_TARGET_START, kc_test_day("2026-11-01"));
	kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, Y(500000));
	kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, w->rep);
	kc_test_insert(w->db, r);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-15");
	o.period = KISCRM_PERIOD_MONTH;
	int by[1] = { KISCRM_GROUP_OWNER };
	o.group_by = by;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_gap(&t, w->db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
#define COL(name) ((size_t)kiscrm_table_column_index(t, name))
	assert_int_equal(Y(400000), kiscrm_table_int(t, 0, COL("gap")));
	assert_string_equal("staffing", kiscrm_table_text(t, 0, COL("strategy")));
	assert_int_equal(1, kiscrm_table_int(t, 0, COL("accelerable_count")));
	assert_int_equal(Y(30000), kiscrm_table_int(t, 0, COL("accelerable")));
	assert_int_equal(1, kiscrm_table_int(t, 0, COL("heads")));
	assert_int_equal(0, kiscrm_table_int(t, 0, COL("collected_per_head")));
	assert_string_equal("staffing,acceleration", kiscrm_table_text(t, 0, COL("levers")));
	kiscrm_table_free(t);
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, w->opp[4],
						       KISCRM_OPPORTUNITY_KEY_PROJECT, 1));
	assert_int_equal(KISCRM_OK, kiscrm_report_gap(&t, w->db, &o));
	assert_string_equal("staffing,acceleration", kiscrm_table_text(t, 0, COL("levers")));
	kiscrm_table_free(t);
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_OPPORTUNITY, w->opp[3],
						       KISCRM_OPPORTUNITY_KEY_PROJECT, 1));
	assert_int_equal(KISCRM_OK, kiscrm_report_gap(&t, w->db, &o));
	assert_string_equal("staffing,analysis,acceleration", kiscrm_table_text(t, 0, COL("levers")));
#undef COL
	kiscrm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_win_loss_by_competitor, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_grid, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_gap_levers, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

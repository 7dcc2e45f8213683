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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_win_loss_by_competitor, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

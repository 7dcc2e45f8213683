/* SWOT strategies and the work lists (kiscrm/routines.h), and the monthly review list
 * (kiscrm_report_work_review) as of 2026-12-04, worked by hand:
 *   3 resource 演示环境, due 10-15, open        overdue 16 + 30 + 4 = 50 days
 *   2 problem 售前响应慢, due 11-30, in progress overdue 4 days; measures 11-10 and 11-25
 *     (one dated 12-10 is after the review: not counted) → 2, last 11-25
 *   1 annual 完成年度目标, due 12-31, open        not overdue
 *   a done item and a dropped one are not listed.
 * Rows by due date: 3, 2, 1. Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id zhang, li;
	kiscrm_id s1, w1, o1, t1, wt;
	kiscrm_id item[6];
} world;

#define D kc_test_day

static kiscrm_id entry(world *w, const char *quadrant, const char *text)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SWOT_ENTRY);
	kiscrm_record_set_text(r, KISCRM_SWOT_ENTRY_QUADRANT, quadrant);
	kiscrm_record_set_text(r, KISCRM_SWOT_ENTRY_TEXT, text);
	return kc_test_insert(w->db, r);
}

static int strategy(world *w, const char *type, kiscrm_id internal, kiscrm_id external, kiscrm_id *id)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SWOT_STRATEGY);
	kiscrm_record_set_text(r, KISCRM_SWOT_STRATEGY_TYPE, type);
	kiscrm_record_set_int(r, KISCRM_SWOT_STRATEGY_INTERNAL, internal);
	kiscrm_record_set_int(r, KISCRM_SWOT_STRATEGY_EXTERNAL, external);
	kiscrm_record_set_text(r, KISCRM_SWOT_STRATEGY_TEXT, "策略");
	int rc = kiscrm_record_insert(w->db, r);
	if (rc == 0 && id)
		*id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

static kiscrm_id item(world *w, const char *list, const char *title, kiscrm_id owner, const char *due, const char *status)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_WORK_ITEM);
	kiscrm_record_set_text(r, KISCRM_WORK_ITEM_LIST, list);
	kiscrm_record_set_text(r, KISCRM_WORK_ITEM_TITLE, title);
	kiscrm_record_set_int(r, KISCRM_WORK_ITEM_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_WORK_ITEM_DUE, D(due));
	if (status)
		kiscrm_record_set_text(r, KISCRM_WORK_ITEM_STATUS, status);
	return kc_test_insert(w->db, r);
}

static void measure(world *w, kiscrm_id it, const char *day, const char *what)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_WORK_LOG);
	kiscrm_record_set_int(r, KISCRM_WORK_LOG_WORK_ITEM_ID, it);
	kiscrm_record_set_int(r, KISCRM_WORK_LOG_DATE, D(day));
	kiscrm_record_set_text(r, KISCRM_WORK_LOG_MEASURE, what);
	kc_test_insert(w->db, r);
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->zhang = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->li = kc_test_staff(w->db, "李四", dept, "supervisor");
	w->s1 = entry(w, "strength", "实施团队经验丰富");
	w->w1 = entry(w, "weakness", "售前人手不足");
	w->o1 = entry(w, "opportunity", "制造业信息化补贴");
	w->t1 = entry(w, "threat", "云ERP低价竞争");
	assert_int_equal(KISCRM_OK, strategy(w, "WT", w->w1, w->t1, &w->wt));
	w->item[1] = item(w, "annual", "完成年度目标", w->zhang, "2026-12-31", NULL);
	w->item[2] = item(w, "problem", "售前响应慢", w->li, "2026-11-30", "in_progress");
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_WORK_ITEM, w->item[2], KISCRM_WORK_ITEM_STRATEGY_ID, w->wt));
	w->item[3] = item(w, "resource", "演示环境", w->zhang, "2026-10-15", "open");
	w->item[4] = item(w, "annual", "上半年培训", w->zhang, "2026-06-30", "done");
	w->item[5] = item(w, "problem", "旧问题", w->zhang, "2026-05-01", "dropped");
	measure(w, w->item[2], "2026-11-10", "招聘售前工程师");
	measure(w, w->item[2], "2026-11-25", "培训销售做初步演示");
	measure(w, w->item[2], "2026-12-10", "复盘");
	*state = w;
	return 0;
}

static void test_review_list(void **state)
{
	world *w = *state;
	static const struct {
		int item;
		const char *list, *owner, *due;
		int overdue, days, measures;
		const char *last;
	} want[] = {
		{ 3, "resource", "张三", "2026-10-15", 1, 50, 0, NULL },
		{ 2, "problem", "李四", "2026-11-30", 1, 4, 2, "2026-11-25" },
		{ 1, "annual", "张三", "2026-12-31", 0, 0, 0, NULL },
	};
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-12-04");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "work-review", &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(w->item[want[i].item], kiscrm_table_int(t, i, 0));
		assert_string_equal(want[i].list, kiscrm_table_text(t, i, 1));
		assert_string_equal(want[i].owner, kiscrm_table_text(t, i, 3));
		assert_int_equal(D(want[i].due), kiscrm_table_int(t, i, 4));
		assert_int_equal(want[i].overdue, kiscrm_table_int(t, i, 6));
		assert_int_equal(want[i].days, kiscrm_table_int(t, i, 7));
		assert_int_equal(want[i].measures, kiscrm_table_int(t, i, 8));
		if (want[i].last)
			assert_int_equal(D(want[i].last), kiscrm_table_int(t, i, 9));
		else
			assert_true(kiscrm_table_is_null(t, i, 9));
	}
	assert_string_equal("open", kiscrm_table_text(t, 2, 5)); /* the default status */
	kiscrm_table_free(t);
	o.owner_id = w->li;
	assert_int_equal(KISCRM_OK, kiscrm_report_work_review(&t, w->db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
	/* a done item keeps the day it was done: its due date when none was given */
	assert_int_equal(D("2026-06-30"), kc_test_stored_int(w->db, KISCRM_KIND_WORK_ITEM, w->item[4], KISCRM_WORK_ITEM_DONE_ON));
}

static void test_swot_rules(void **state)
{
	world *w = *state;
	size_t before = kc_test_count(w->db, KISCRM_KIND_SWOT_STRATEGY, NULL);
	assert_int_equal(KISCRM_OK, strategy(w, "SO", w->s1, w->o1, NULL));
	assert_int_equal(KISCRM_EINVALID, strategy(w, "SO", w->w1, w->o1, NULL)); /* a weakness is no strength */
	assert_string_equal("internal_id", kiscrm_error_last()->field);
	assert_string_equal("weakness", kiscrm_error_last()->value);
	assert_int_equal(KISCRM_EINVALID, strategy(w, "ST", w->s1, w->o1, NULL));
	assert_string_equal("external_id", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_ENOTFOUND, strategy(w, "WO", w->w1, 999, NULL)); /* a missing entry */
	assert_string_equal("external_id", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, strategy(w, "XY", w->s1, w->o1, NULL));
	assert_int_equal(before + 1, kc_test_count(w->db, KISCRM_KIND_SWOT_STRATEGY, NULL));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_SWOT_ENTRY);
	kiscrm_record_set_text(r, KISCRM_SWOT_ENTRY_QUADRANT, "chance");
	kiscrm_record_set_text(r, KISCRM_SWOT_ENTRY_TEXT, "x");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("chance", kiscrm_error_last()->value);
	kiscrm_record_free(r);
	r = kc_test_rec(KISCRM_KIND_WORK_ITEM);
	kiscrm_record_set_text(r, KISCRM_WORK_ITEM_LIST, "wishlist");
	kiscrm_record_set_text(r, KISCRM_WORK_ITEM_TITLE, "x");
	kiscrm_record_set_int(r, KISCRM_WORK_ITEM_OWNER_ID, w->zhang);
	kiscrm_record_set_int(r, KISCRM_WORK_ITEM_DUE, D("2026-12-31"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("list", kiscrm_error_last()->field);
	kiscrm_record_free(r);

	/* the swot report: WT (the problem item in progress carries it out), then SO (none) */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-12-04");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "swot", &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("WT", kiscrm_table_text(t, 0, 1));
	assert_string_equal("售前人手不足", kiscrm_table_text(t, 0, 3));
	assert_string_equal("云ERP低价竞争", kiscrm_table_text(t, 0, 4));
	assert_true(kiscrm_table_is_null(t, 0, 5)); /* the company's */
	assert_int_equal(1, kiscrm_table_int(t, 0, 7));
	assert_int_equal(1, kiscrm_table_int(t, 0, 8));
	assert_string_equal("SO", kiscrm_table_text(t, 1, 1));
	assert_int_equal(0, kiscrm_table_int(t, 1, 7));
	kiscrm_table_free(t);
}

/* The key-project drill-down. 甲 项目 (flagged) created 2026-09-01 at 100,000.00, moved to
 * commercial 10-01; contract signed 10-20, instalments 11-01 60,000 and 12-01 40,000,
 * 60,000 received 11-05. An unflagged deal of the same customer is left out. Expected, in
 * date order: opportunity 09-01, stage_move 10-01, contract 10-20, collection_plan 11-01,
 * collection 11-05, collection_plan 12-01. */
static void test_key_projects(void **state)
{
	world *w = *state;
	kiscrm_id cust = kc_test_customer(w->db, "甲");
	kiscrm_id ids[2];
	for (int k = 0; k < 2; k++) {
		kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
		kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, k ? "乙 项目" : "甲 项目");
		kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity");
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->zhang);
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 10000000);
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D("2026-09-01"));
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D("2026-12-31"));
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_KEY_PROJECT, k == 0);
		ids[k] = kc_test_insert(w->db, r);
		assert_rc(KISCRM_OK, kiscrm_opportunity_move(w->db, ids[k], "commercial",
								      kc_test_time("2026-10-01T09:00:00Z"), 0));
	}
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OPPORTUNITY_ID, ids[0]);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->zhang);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, D("2026-10-20"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 10000000);
	kiscrm_id contract = kc_test_insert(w->db, c);
	kiscrm_date due[2] = { D("2026-11-01"), D("2026-12-01") };
	kiscrm_money amounts[2] = { 6000000, 4000000 };
	assert_int_equal(KISCRM_OK, kiscrm_contract_plan_instalments(w->db, contract, due, amounts, 2, 0));
	kiscrm_record *k = kc_test_rec(KISCRM_KIND_COLLECTION);
	kiscrm_record_set_int(k, KISCRM_COLLECTION_CONTRACT_ID, contract);
	kiscrm_record_set_int(k, KISCRM_COLLECTION_RECEIVED, D("2026-11-05"));
	kiscrm_record_set_int(k, KISCRM_COLLECTION_AMOUNT, 6000000);
	kc_test_insert(w->db, k);

	static const struct {
		const char *date, *kind;
		kiscrm_money amount;
	} want[] = {
		{ "2026-09-01", "opportunity", 10000000 }, { "2026-10-01", "stage_move", -1 },
		{ "2026-10-20", "contract", 10000000 },    { "2026-11-01", "collection_plan", 6000000 },
		{ "2026-11-05", "collection", 6000000 },   { "2026-12-01", "collection_plan", 4000000 },
	};
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-12-04");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "key-projects", &o));
	assert_int_equal(6, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(ids[0], kiscrm_table_int(t, i, 0));
		assert_string_equal("甲 项目", kiscrm_table_text(t, i, 1));
		assert_string_equal("张三", kiscrm_table_text(t, i, 2));
		assert_int_equal(D(want[i].date), kiscrm_table_int(t, i, 3));
		assert_string_equal(want[i].kind, kiscrm_table_text(t, i, 4));
		if (want[i].amount >= 0)
			assert_int_equal(want[i].amount, kiscrm_table_int(t, i, 8));
	}
	assert_string_equal("commercial", kiscrm_table_text(t, 1, 7));
	kiscrm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_review_list, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_swot_rules, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_key_projects, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

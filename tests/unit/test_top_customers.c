/* Reports by customer and by manager (issue 12, item 7).
 *
 * The top-customers report (大客户排名), November 2026:
 *   甲: won 30,000.00 (11-05) and 20,000.00 (11-20)  → 2 wins, 50,000.00
 *   乙: won 50,000.00 (11-10)                        → 1 win,  50,000.00
 *   丙: won 10,000.00 on 10-28 (before the window), lost 80,000.00 on 11-12 → not listed
 * Ties on value go to the larger count: 甲 1st, 乙 2nd; total 100,000.00, shares 0.5 each.
 * Runs on both backends. */
#include "helpers.h"

#include <string.h>

static kiscrm_id closed_opp(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, kiscrm_money amount, const char *stage,
			    const char *when)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_date created;
	kiscrm_time at;
	kiscrm_date_parse(&created, "2026-09-01");
	kiscrm_time_parse(&at, when);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "项目");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, created);
	kiscrm_id id = kc_test_insert(db, r);
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(db, id, stage, at, 0));
	return id;
}

static void test_top_customers(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id rep = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id a = kc_test_customer(db, "甲"), b = kc_test_customer(db, "乙"), c = kc_test_customer(db, "丙");
	closed_opp(db, rep, a, 3000000, "won", "2026-11-05T10:00:00Z");
	closed_opp(db, rep, b, 5000000, "won", "2026-11-10T10:00:00Z");
	closed_opp(db, rep, a, 2000000, "won", "2026-11-20T10:00:00Z");
	closed_opp(db, rep, c, 1000000, "won", "2026-10-28T10:00:00Z");
	closed_opp(db, rep, c, 8000000, "lost", "2026-11-12T10:00:00Z");
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_date_parse(&o.from, "2026-11-01");
	kiscrm_date_parse(&o.to, "2026-12-01");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_top_customers(&t, db, &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_int_equal(1, kiscrm_table_int(t, 0, 0));
	assert_int_equal(a, kiscrm_table_int(t, 0, 1));
	assert_string_equal("甲", kiscrm_table_text(t, 0, 2));
	assert_int_equal(2, kiscrm_table_int(t, 0, 3));
	assert_int_equal(5000000, kiscrm_table_int(t, 0, 4));
	assert_true(kiscrm_table_rate(t, 0, 5) == 0.5);
	assert_int_equal(2, kiscrm_table_int(t, 1, 0));
	assert_int_equal(b, kiscrm_table_int(t, 1, 1));
	assert_int_equal(1, kiscrm_table_int(t, 1, 3));
	assert_int_equal(5000000, kiscrm_table_int(t, 1, 4));
	kiscrm_table_free(t);
	/* by the registry name too, for another owner: nothing */
	o.owner_id = kc_test_staff(db, "李四", dept, "sales_rep");
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, db, "top-customers", &o));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

/* The November closes both manager tests read: 张三 won 10,000.00 twice (甲), 李四 won
 * 5,000.00 and lost 1,000.00 (乙), 赵六 lost 2,000.00 (丙). */
static void november_closes(kiscrm_db *db, kiscrm_id zhang, kiscrm_id li, kiscrm_id zhao)
{
	kiscrm_id jia = kc_test_customer(db, "甲"), yi = kc_test_customer(db, "乙"), bing = kc_test_customer(db, "丙");
	closed_opp(db, zhang, jia, 1000000, "won", "2026-11-03T10:00:00Z");
	closed_opp(db, zhang, jia, 1000000, "won", "2026-11-04T10:00:00Z");
	closed_opp(db, li, yi, 500000, "won", "2026-11-05T10:00:00Z");
	closed_opp(db, li, yi, 100000, "lost", "2026-11-06T10:00:00Z");
	closed_opp(db, zhao, bing, 200000, "lost", "2026-11-07T10:00:00Z");
}

/* Win rate grouped by manager and by customer. 王经理 manages 张三 and 李四; 赵六 has no
 * manager. November closes: 张三 won 10,000.00 twice (customer 甲); 李四 won 5,000.00
 * (乙) and lost 1,000.00 (乙); 赵六 lost 2,000.00 (丙).
 *   by manager: 王经理 won 3, lost 1, won 25,000.00, rate 3/4 = 0.75; "" (no manager) won 0,
 *               lost 1, rate 0
 *   by customer: 甲 won 2 (rate 1.0), 乙 won 1 lost 1 (0.5), 丙 lost 1 (0). */
static void test_win_rate_by_manager_and_customer(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id boss = kc_test_staff(db, "王经理", dept, "department_manager");
	kiscrm_id zhang = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id li = kc_test_staff(db, "李四", dept, "sales_rep");
	kiscrm_id zhao = kc_test_staff(db, "赵六", dept, "sales_rep");
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, zhang, KISCRM_STAFF_MANAGER_ID, boss));
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, li, KISCRM_STAFF_MANAGER_ID, boss));
	november_closes(db, zhang, li, zhao);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_date_parse(&o.from, "2026-11-01");
	kiscrm_date_parse(&o.to, "2026-12-01");
	int by[1] = { KISCRM_GROUP_MANAGER };
	o.group_by = by;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_win_rate(&t, db, &o));
	int won = kiscrm_table_column_index(t, "won_count"), lost = kiscrm_table_column_index(t, "lost_count");
	int amount = kiscrm_table_column_index(t, "won_amount"), rate = kiscrm_table_column_index(t, "win_rate");
	assert_string_equal("manager", kiscrm_table_column_name(t, 0));
	size_t found = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL)
			continue;
		const char *m = kiscrm_table_text(t, r, 0);
		if (m && strcmp(m, "王经理") == 0) {
			assert_int_equal(3, kiscrm_table_int(t, r, (size_t)won));
			assert_int_equal(1, kiscrm_table_int(t, r, (size_t)lost));
			assert_int_equal(2500000, kiscrm_table_int(t, r, (size_t)amount));
			assert_true(kiscrm_table_rate(t, r, (size_t)rate) == 0.75);
			found++;
		} else {
			assert_true(!m || !*m); /* 赵六's group: no manager */
			assert_int_equal(0, kiscrm_table_int(t, r, (size_t)won));
			assert_int_equal(1, kiscrm_table_int(t, r, (size_t)lost));
			found++;
		}
	}
	assert_int_equal(2, found);
	kiscrm_table_free(t);

	by[0] = KISCRM_GROUP_CUSTOMER;
	assert_int_equal(KISCRM_OK, kiscrm_report_win_rate(&t, db, &o));
	assert_string_equal("customer", kiscrm_table_column_name(t, 0));
	int checked = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		const char *c = kiscrm_table_text(t, r, 0);
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL || !c)
			continue;
		if (strcmp(c, "甲") == 0) {
			assert_int_equal(2, kiscrm_table_int(t, r, (size_t)won));
			assert_true(kiscrm_table_rate(t, r, (size_t)rate) == 1.0);
			checked++;
		} else if (strcmp(c, "乙") == 0) {
			assert_true(kiscrm_table_rate(t, r, (size_t)rate) == 0.5);
			checked++;
		} else if (strcmp(c, "丙") == 0) {
			assert_true(kiscrm_table_rate(t, r, (size_t)rate) == 0.0);
			checked++;
		}
	}
	assert_int_equal(3, checked);
	kiscrm_table_free(t);
}

/* The manager roll-up, transitively (manager_tree). 陈总 manages 王经理 and 赵六; 王经理
 * manages 张三 and 李四. November closes as above: 张三 won 10,000.00 twice, 李四 won 5,000.00
 * and lost 1,000.00, 赵六 lost 2,000.00.
 *   manager_tree: 王经理 won 3, lost 1, 25,000.00, rate 0.75 (张三 and 李四);
 *                 陈总 won 3, lost 2, 25,000.00, rate 0.6 (everyone below him);
 *                 no "" row: every owner has a manager.
 *   manager (direct): 王经理 3/1 as before, 陈总 0/1 (赵六 only). */
static void test_win_rate_by_manager_tree(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id top = kc_test_staff(db, "陈总", dept, "general_manager");
	kiscrm_id boss = kc_test_staff(db, "王经理", dept, "department_manager");
	kiscrm_id zhang = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id li = kc_test_staff(db, "李四", dept, "sales_rep");
	kiscrm_id zhao = kc_test_staff(db, "赵六", dept, "sales_rep");
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, boss, KISCRM_STAFF_MANAGER_ID, top));
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, zhao, KISCRM_STAFF_MANAGER_ID, top));
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, zhang, KISCRM_STAFF_MANAGER_ID, boss));
	assert_int_equal(KISCRM_OK, kc_test_update_int(db, KISCRM_KIND_STAFF, li, KISCRM_STAFF_MANAGER_ID, boss));
	november_closes(db, zhang, li, zhao);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.from = kc_test_day("2026-11-01");
	o.to = kc_test_day("2026-12-01");
	int by[1] = { KISCRM_GROUP_MANAGER_TREE };
	o.group_by = by;
	o.ngroup = 1;
	static const struct {
		int group;
		const char *name;
		int64_t won, lost, amount;
	} want[] = {
		{ KISCRM_GROUP_MANAGER_TREE, "王经理", 3, 1, 2500000 }, { KISCRM_GROUP_MANAGER_TREE, "陈总", 3, 2, 2500000 },
		{ KISCRM_GROUP_MANAGER, "王经理", 3, 1, 2500000 },      { KISCRM_GROUP_MANAGER, "陈总", 0, 1, 0 },
	};
	for (size_t k = 0; k < 4; k++) {
		by[0] = want[k].group;
		kiscrm_table *t = NULL;
		assert_int_equal(KISCRM_OK, kiscrm_report_win_rate(&t, db, &o));
		int won = kiscrm_table_column_index(t, "won_count"), lost = kiscrm_table_column_index(t, "lost_count");
		int amount = kiscrm_table_column_index(t, "won_amount");
		size_t details = 0, found = 0;
		for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
			if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL)
				continue;
			details++;
			if (strcmp(kiscrm_table_text(t, r, 0), want[k].name) != 0)
				continue;
			assert_int_equal(want[k].won, kiscrm_table_int(t, r, (size_t)won));
			assert_int_equal(want[k].lost, kiscrm_table_int(t, r, (size_t)lost));
			assert_int_equal(want[k].amount, kiscrm_table_int(t, r, (size_t)amount));
			found++;
		}
		assert_int_equal(1, found);
		assert_int_equal(2, details); /* 王经理 and 陈总, no empty manager */
		kiscrm_table_free(t);
	}

	/* a report that places each record once refuses the roll-up, naming it */
	by[0] = KISCRM_GROUP_MANAGER_TREE;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_EINVALID, kiscrm_report_funnel(&t, db, &o));
	assert_string_equal("manager_tree", kiscrm_error_last()->value);
	assert_null(t);
	int g = 0;
	assert_int_equal(KISCRM_GROUP_MANAGER_TREE, (g = kiscrm_group_parse("manager_tree")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_top_customers, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_win_rate_by_manager_and_customer, kc_test_db_setup,
						kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_win_rate_by_manager_tree, kc_test_db_setup, kc_test_db_teardown),
	};
	return kc_test_run_both(tests);
}

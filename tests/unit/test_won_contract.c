/* Winning creates the money side (KISCRM_MOVE_CREATE_CONTRACT, the contract's after-insert
 * work, kiscrm_opportunity_plan_instalments). Weeks start on Monday; 2026-11-23 is one.
 * Runs on both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, cust;
} world;

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->cust = kc_test_customer(w->db, "北京甲科技有限公司");
	*state = w;
	return 0;
}

#define D kc_test_day

#define T kc_test_time

/* An opportunity at the commercial stage (no exit criteria left before won). */
static kiscrm_id opportunity(world *w, const char *name, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D("2026-10-01"));
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D("2026-12-10"));
	if (amount >= 0)
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	return kc_test_insert(w->db, r);
}

/* A filter "field = value" on an INT field (c must outlive f). */
static kiscrm_filter int_filter(kiscrm_filter_cond *c, int field, int64_t value)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	memset(c, 0, sizeof(*c));
	c->field = field;
	c->op = KISCRM_OP_EQ;
	c->type = KISCRM_TYPE_INT;
	c->value.i = value;
	f.ncond = 1;
	f.conds = c;
	return f;
}

/* Records of @kind whose INT @field equals @value. */
static size_t count_where(world *w, int kind, int field, int64_t value)
{
	kiscrm_filter_cond c;
	kiscrm_filter f = int_filter(&c, field, value);
	return kc_test_count(w->db, kind, &f);
}

static kiscrm_id first_where(world *w, int kind, int field, int64_t value)
{
	kiscrm_filter_cond c;
	kiscrm_filter f = int_filter(&c, field, value);
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	kiscrm_id id = 0;
	assert_int_equal(KISCRM_OK, kiscrm_iter_new(&it, w->db, kind, &f));
	if (kiscrm_iter_next(&r, it) == KISCRM_OK)
		id = kiscrm_record_id(r);
	kiscrm_iter_free(it);
	return id;
}

/* Opportunity 120,000.00 with instalments 50,000.00 due 2026-12-15 and 70,000.00 due
 * 2027-01-15, won on 2026-11-24 with KISCRM_MOVE_CREATE_CONTRACT:
 *   one contract of 120,000.00 signed 2026-11-24 for the customer, owner and opportunity;
 *   both instalments now the contract's, none left on the opportunity.
 * The rolling budget as of 2026-11-25 (weeks w1 = 11-23 … w8 = 2027-01-11) shows the
 * project once, its collections in w4 (week of 12-14: 50,000.00) and w8 (week of
 * 2027-01-11: 70,000.00), and no contract expected any more (it is signed). */
static void test_won_creates_the_contract(void **state)
{
	world *w = *state;
	kiscrm_id o = opportunity(w, "ERP 升级", 12000000);
	const kiscrm_date due[2] = { D("2026-12-15"), D("2027-01-15") };
	const kiscrm_money amounts[2] = { 5000000, 7000000 };
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_plan_instalments(w->db, o, due, amounts, 2, 0));
	assert_int_equal(2, count_where(w, KISCRM_KIND_COLLECTION_PLAN, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, o));

	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, o, "won", T("2026-11-24T10:00:00Z"),
							    KISCRM_MOVE_CREATE_CONTRACT));
	assert_int_equal(1, count_where(w, KISCRM_KIND_CONTRACT, KISCRM_CONTRACT_OPPORTUNITY_ID, o));
	kiscrm_id ct = first_where(w, KISCRM_KIND_CONTRACT, KISCRM_CONTRACT_OPPORTUNITY_ID, o);
	assert_int_equal(12000000, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, ct, KISCRM_CONTRACT_AMOUNT));
	assert_int_equal(D("2026-11-24"), kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, ct, KISCRM_CONTRACT_SIGNED));
	assert_int_equal(w->cust, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, ct, KISCRM_CONTRACT_CUSTOMER_ID));
	assert_int_equal(w->rep, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, ct, KISCRM_CONTRACT_OWNER_ID));
	assert_int_equal(0, count_where(w, KISCRM_KIND_COLLECTION_PLAN, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, o));
	assert_int_equal(2, count_where(w, KISCRM_KIND_COLLECTION_PLAN, KISCRM_COLLECTION_PLAN_CONTRACT_ID, ct));

	kiscrm_report_options opts = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t = NULL;
	opts.as_of = D("2026-11-25");
	assert_int_equal(KISCRM_OK, kiscrm_report_rolling_budget(&t, w->db, &opts));
	int cc = kiscrm_table_column_index(t, "contract_id");
	size_t rows = 0, row = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (kiscrm_table_row_kind(t, r) == KISCRM_ROW_DETAIL) {
			rows++;
			row = r;
		}
	assert_int_equal(1, rows);
	assert_int_equal(ct, kiscrm_table_int(t, row, (size_t)cc));
	assert_int_equal(5000000, kiscrm_table_int(t, row, (size_t)kiscrm_table_column_index(t, "w4_collection")));
	assert_int_equal(7000000, kiscrm_table_int(t, row, (size_t)kiscrm_table_column_index(t, "w8_collection")));
	assert_int_equal(0, kiscrm_table_int(t, row, (size_t)kiscrm_table_column_index(t, "w3_contract")));
	kiscrm_table_free(t);

	/* a won opportunity has no plan of its own any more */
	assert_int_equal(KISCRM_ECONFLICT, kiscrm_opportunity_plan_instalments(w->db, o, due, amounts, 2, 0));
}

/* A contract entered before the win: the move creates no second one. Without the flag a
 * win creates nothing; the plan moves when the contract referring to it is stored. */
static void test_existing_contract_and_no_flag(void **state)
{
	world *w = *state;
	kiscrm_id o = opportunity(w, "财务软件", 3000000);
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->rep);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OPPORTUNITY_ID, o);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, D("2026-11-20"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 3000000);
	kc_test_insert(w->db, c);
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, o, "won", T("2026-11-24T10:00:00Z"),
							    KISCRM_MOVE_CREATE_CONTRACT));
	assert_int_equal(1, count_where(w, KISCRM_KIND_CONTRACT, KISCRM_CONTRACT_OPPORTUNITY_ID, o));

	kiscrm_id o2 = opportunity(w, "进销存", 1000000);
	const kiscrm_date due[1] = { D("2026-12-31") };
	const kiscrm_money amounts[1] = { 1000000 };
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_plan_instalments(w->db, o2, due, amounts, 1, 0));
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, o2, "won", T("2026-11-24T11:00:00Z"), 0));
	assert_int_equal(0, count_where(w, KISCRM_KIND_CONTRACT, KISCRM_CONTRACT_OPPORTUNITY_ID, o2));
	c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->rep);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OPPORTUNITY_ID, o2);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, D("2026-11-25"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 1000000);
	kiscrm_id ct2 = kc_test_insert(w->db, c);
	assert_int_equal(0, count_where(w, KISCRM_KIND_COLLECTION_PLAN, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, o2));
	assert_int_equal(1, count_where(w, KISCRM_KIND_COLLECTION_PLAN, KISCRM_COLLECTION_PLAN_CONTRACT_ID, ct2));
}

/* The contract cannot be stored (no amount): the move fails whole — stage, history and
 * contracts as before. */
static void test_failed_contract_leaves_the_opportunity_unmoved(void **state)
{
	world *w = *state;
	kiscrm_id o = opportunity(w, "无金额", -1);
	size_t history = count_where(w, KISCRM_KIND_STAGE_HISTORY, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, o);
	assert_int_equal(KISCRM_EINVALID, kiscrm_opportunity_move(w->db, o, "won", T("2026-11-24T10:00:00Z"),
							      KISCRM_MOVE_CREATE_CONTRACT));
	assert_msg_has("has no amount");
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_OPPORTUNITY, o);
	assert_string_equal("commercial", kiscrm_record_text(r, KISCRM_OPPORTUNITY_STAGE));
	kiscrm_record_free(r);
	assert_int_equal(history, count_where(w, KISCRM_KIND_STAGE_HISTORY, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, o));
	assert_int_equal(0, kc_test_count(w->db, KISCRM_KIND_CONTRACT, NULL));
	/* and an opportunity without amount has no plan either */
	const kiscrm_date due[1] = { D("2026-12-31") };
	const kiscrm_money amounts[1] = { 100 };
	assert_int_equal(KISCRM_EINVALID, kiscrm_opportunity_plan_instalments(w->db, o, due, amounts, 1, 0));
}

/* The 360° view after a win (kiscrm_customer_timeline): a contact 王经理 (undated, first),
 * the opportunity created 2026-10-01, a visit done 2026-11-20, the move commercial → won
 * and the contract on 2026-11-24 (moves before contracts on a day), the instalments due
 * 2026-12-15 and 2027-01-15. */
static void test_customer_timeline(void **state)
{
	world *w = *state;
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(c, KISCRM_CONTACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_text(c, KISCRM_CONTACT_NAME, "王经理");
	kiscrm_record_set_text(c, KISCRM_CONTACT_TITLE, "财务经理");
	kiscrm_id contact = kc_test_insert(w->db, c);
	kiscrm_id o = opportunity(w, "ERP 升级", 12000000);
	const kiscrm_date due[2] = { D("2026-12-15"), D("2027-01-15") };
	const kiscrm_money amounts[2] = { 5000000, 7000000 };
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_plan_instalments(w->db, o, due, amounts, 2, 0));
	kiscrm_record *a = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(a, KISCRM_ACTIVITY_TYPE, "visit");
	kiscrm_record_set_text(a, KISCRM_ACTIVITY_SUBJECT, "现场拜访");
	kiscrm_record_set_int(a, KISCRM_ACTIVITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(a, KISCRM_ACTIVITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(a, KISCRM_ACTIVITY_START, T("2026-11-20T09:00:00Z"));
	kiscrm_record_set_text(a, KISCRM_ACTIVITY_STATUS, "done");
	kc_test_insert(w->db, a);
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, o, "won", T("2026-11-24T10:00:00Z"),
							    KISCRM_MOVE_CREATE_CONTRACT));
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_customer_timeline(&t, w->db, w->cust));
	static const char *const kinds[] = { "contact", "opportunity", "activity", "stage_move", "contract",
					     "collection_plan", "collection_plan" };
	static const char *const dates[] = { NULL, "2026-10-01", "2026-11-20", "2026-11-24", "2026-11-24",
					     "2026-12-15", "2027-01-15" };
	assert_int_equal(7, kiscrm_table_row_count(t));
	for (size_t r = 0; r < 7; r++) {
		assert_string_equal(kinds[r], kiscrm_table_text(t, r, 1));
		if (dates[r])
			assert_int_equal(D(dates[r]), kiscrm_table_int(t, r, 0));
		else
			assert_true(kiscrm_table_is_null(t, r, 0));
	}
	assert_int_equal(contact, kiscrm_table_int(t, 0, 2));
	assert_string_equal("王经理", kiscrm_table_text(t, 0, 3));
	assert_string_equal("won", kiscrm_table_text(t, 3, 4));
	assert_int_equal(12000000, kiscrm_table_int(t, 4, 5));
	assert_int_equal(7000000, kiscrm_table_int(t, 6, 5));
	kiscrm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_won_creates_the_contract, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_existing_contract_and_no_flag, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_failed_contract_leaves_the_opportunity_unmoved, setup,
						kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_customer_timeline, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

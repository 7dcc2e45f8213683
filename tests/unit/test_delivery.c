/* Implementation milestones, worked by hand as of 2026-03-31. Contract 1 of 甲 (signed
 * 2026-01-10): installation planned 03-01, reached 03-05 (4 days late); initial
 * acceptance planned 03-20, not reached (overdue, 11 days) with the 30,000.00 instalment
 * falling due on it — due 03-20, then 04-02 when the plan moves, then 04-05 when reached;
 * final acceptance planned 05-30 (not due yet), a crisis: escalated to the general
 * manager. Both backends. */
#include "helpers.h"

typedef struct world {
	kiscrm_db *db;
	kiscrm_id gm, consultant, cust, contract, other_contract;
	kiscrm_id install, initial, final, plan;
} world;

static kiscrm_id contract(world *w, const char *signed_on)
{
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->consultant);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day(signed_on));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 10000000);
	return kc_test_insert(w->db, c);
}

static int milestone(world *w, kiscrm_id contract_id, const char *type, const char *planned, const char *actual,
		     int crisis, kiscrm_id *id)
{
	kiscrm_record *m = kc_test_rec(KISCRM_KIND_MILESTONE);
	kiscrm_record_set_int(m, KISCRM_MILESTONE_CONTRACT_ID, contract_id);
	kiscrm_record_set_text(m, KISCRM_MILESTONE_TYPE, type);
	kiscrm_record_set_int(m, KISCRM_MILESTONE_PLANNED, kc_test_day(planned));
	if (actual)
		kiscrm_record_set_int(m, KISCRM_MILESTONE_ACTUAL, kc_test_day(actual));
	kiscrm_record_set_int(m, KISCRM_MILESTONE_CRISIS, crisis);
	kiscrm_record_set_int(m, KISCRM_MILESTONE_OWNER_ID, w->consultant);
	int rc = kiscrm_record_insert(w->db, m);
	if (rc == 0 && id)
		*id = kiscrm_record_id(m);
	kiscrm_record_free(m);
	return rc;
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "实施部", 0);
	w->gm = kc_test_staff(w->db, "王总", dept, "general_manager");
	w->consultant = kc_test_staff(w->db, "唐磊", dept, "service");
	w->cust = kc_test_customer(w->db, "甲");
	w->contract = contract(w, "2026-01-10");
	w->other_contract = contract(w, "2026-01-11");
	assert_int_equal(KISCRM_OK, milestone(w, w->contract, "installation", "2026-03-01", "2026-03-05", 0, &w->install));
	assert_int_equal(KISCRM_OK, milestone(w, w->contract, "initial_acceptance", "2026-03-20", NULL, 0, &w->initial));
	assert_int_equal(KISCRM_OK, milestone(w, w->contract, "final_acceptance", "2026-05-30", NULL, 1, &w->final));
	kiscrm_record *p = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_CONTRACT_ID, w->contract);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_DUE, kc_test_day("2026-12-31")); /* replaced by the milestone's */
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_AMOUNT, 3000000);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_MILESTONE_ID, w->initial);
	w->plan = kc_test_insert(w->db, p);
	*state = w;
	return 0;
}

static kiscrm_date due(world *w)
{
	return (kiscrm_date)kc_test_stored_int(w->db, KISCRM_KIND_COLLECTION_PLAN, w->plan, KISCRM_COLLECTION_PLAN_DUE);
}

static void test_report(void **state)
{
	world *w = *state;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-03-31");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "milestones", &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	/* installation: reached 4 days late */
	assert_int_equal(0, kiscrm_table_int(t, 0, 7));
	assert_int_equal(4, kiscrm_table_int(t, 0, 8));
	/* initial acceptance: overdue 11 days, one instalment of 30,000.00 on it */
	assert_string_equal("initial_acceptance", kiscrm_table_text(t, 1, 4));
	assert_int_equal(1, kiscrm_table_int(t, 1, 7));
	assert_int_equal(11, kiscrm_table_int(t, 1, 8));
	assert_int_equal(1, kiscrm_table_int(t, 1, 10));
	assert_int_equal(3000000, kiscrm_table_int(t, 1, 11));
	assert_true(kiscrm_table_is_null(t, 1, 13));
	/* final acceptance: not due, a crisis for the general manager */
	assert_int_equal(0, kiscrm_table_int(t, 2, 7));
	assert_int_equal(1, kiscrm_table_int(t, 2, 12));
	assert_int_equal(w->gm, kiscrm_table_int(t, 2, 13));
	kiscrm_table_free(t);
	/* the window selects by planned date: March holds two */
	o.from = kc_test_day("2026-03-01");
	o.to = kc_test_day("2026-04-01");
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "milestones", &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

static void test_instalment_follows(void **state)
{
	world *w = *state;
	assert_int_equal(kc_test_day("2026-03-20"), due(w));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_MILESTONE, w->initial, KISCRM_MILESTONE_PLANNED,
						       kc_test_day("2026-04-02")));
	assert_int_equal(kc_test_day("2026-04-02"), due(w));
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_MILESTONE, w->initial, KISCRM_MILESTONE_ACTUAL,
						       kc_test_day("2026-04-05")));
	assert_int_equal(kc_test_day("2026-04-05"), due(w));
}

static void test_rules(void **state)
{
	world *w = *state;
	assert_int_equal(KISCRM_EEXISTS, milestone(w, w->contract, "installation", "2026-03-02", NULL, 0, NULL));
	assert_string_equal("type", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, milestone(w, w->contract, "party", "2026-03-02", NULL, 0, NULL));
	assert_string_equal("party", kiscrm_error_last()->value);
	/* the same type on another contract is fine */
	assert_int_equal(KISCRM_OK, milestone(w, w->other_contract, "installation", "2026-03-02", NULL, 0, NULL));
	/* an instalment of another contract cannot fall due on this contract's milestone */
	kiscrm_record *p = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_CONTRACT_ID, w->other_contract);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_DUE, kc_test_day("2026-12-31"));
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_AMOUNT, 100);
	kiscrm_record_set_int(p, KISCRM_COLLECTION_PLAN_MILESTONE_ID, w->initial);
	assert_int_equal(KISCRM_ECONFLICT, kiscrm_record_insert(w->db, p));
	assert_string_equal("milestone_id", kiscrm_error_last()->field);
	kiscrm_record_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_instalment_follows, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

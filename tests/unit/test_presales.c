/* Presales support requests ranked by weight and assigned in that order, worked by hand
 * with the default service.yaml weights (amount 40 %, urgency 30 %, industry 15 %, region
 * 15 %; amount bands 0 → 1, 100,000 → 2, 300,000 → 3, 1,000,000 → 5; urgency normal 1,
 * urgent 3, critical 5; industry manufacturing 3, it 2, else 1; region south 2, else 1):
 *   A 甲 manufacturing/south, 1,200,000, urgent:  40×5 + 30×3 + 15×3 + 15×2 = 365 → 3.65
 *   B 乙 trade/north, 50,000, critical:           40×1 + 30×5 + 15×1 + 15×1 = 220 → 2.20
 *   C 丙 it/east, 350,000, normal:                40×3 + 30×1 + 15×2 + 15×1 = 195 → 1.95
 *   D 乙 trade/north, 50,000, critical, wanted earlier than B: 2.20, ranks before B
 * Engineers 孙丽 (id smaller) and 周工, none loaded; D is already assigned to 周工 by hand.
 * Assigning in queue order A, D (skipped: assigned), B, C: A → 孙丽 (0 open against 周工's
 * 1); B → 孙丽 (1 and 1: the smaller id); C → 周工 (孙丽 2, 周工 1). Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, sun, zhou;
	kiscrm_id req[4];
} world;

static kiscrm_id customer(world *w, const char *name, const char *industry, const char *region)
{
	kiscrm_id c = kc_test_customer(w->db, name);
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_CUSTOMER, c, KISCRM_CUSTOMER_INDUSTRY, industry));
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_CUSTOMER, c, KISCRM_CUSTOMER_REGION, region));
	return c;
}

static kiscrm_id opportunity(world *w, kiscrm_id cust, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP项目");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "diagnosis");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, kc_test_day("2026-03-01"));
	return kc_test_insert(w->db, r);
}

static int request(world *w, kiscrm_id opp, const char *urgency, const char *wanted, kiscrm_id engineer, kiscrm_id *id)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_PRESALES_REQUEST);
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID, opp);
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_HELP, "demo");
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_URGENCY, urgency);
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_REQUESTED, kc_test_day("2026-03-02"));
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_WANTED_FROM, kc_test_day(wanted));
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_REQUESTED_BY_ID, w->rep);
	if (engineer)
		kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_ENGINEER_ID, engineer);
	int rc = kiscrm_record_insert(w->db, r);
	if (rc == 0 && id)
		*id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "售前部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->sun = kc_test_staff(w->db, "孙丽", dept, "presales");
	w->zhou = kc_test_staff(w->db, "周工", dept, "presales");
	kiscrm_id a = customer(w, "甲", "manufacturing", "south"), b = customer(w, "乙", "trade", "north");
	kiscrm_id c = customer(w, "丙", "it", "east");
	assert_int_equal(KISCRM_OK, request(w, opportunity(w, a, 120000000), "urgent", "2026-03-10", 0, &w->req[0]));
	assert_int_equal(KISCRM_OK, request(w, opportunity(w, b, 5000000), "critical", "2026-03-12", 0, &w->req[1]));
	assert_int_equal(KISCRM_OK, request(w, opportunity(w, c, 35000000), "normal", "2026-03-05", 0, &w->req[2]));
	assert_int_equal(KISCRM_OK, request(w, opportunity(w, b, 5000000), "critical", "2026-03-11", w->zhou, &w->req[3]));
	*state = w;
	return 0;
}

static kiscrm_table *run(world *w, const char *name)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-03-31");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, name, &o));
	return t;
}

static void test_queue_and_assignment(void **state)
{
	world *w = *state;
	static const double weights[] = { 3.65, 2.20, 2.20, 1.95 };
	kiscrm_id order[] = { w->req[0], w->req[3], w->req[1], w->req[2] };
	kiscrm_table *t = run(w, "presales-queue");
	assert_int_equal(4, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal((int64_t)i + 1, kiscrm_table_int(t, i, 0));
		assert_int_equal(order[i], kiscrm_table_int(t, i, 1));
		double x = kiscrm_table_rate(t, i, 8);
		assert_true(x > weights[i] - 1e-9 && x < weights[i] + 1e-9);
	}
	assert_string_equal("assigned", kiscrm_table_text(t, 1, 9));
	assert_string_equal("周工", kiscrm_table_text(t, 1, 10));
	assert_int_equal(1, kiscrm_table_int(t, 1, 11));
	assert_string_equal("diagnosis", kiscrm_table_text(t, 0, 5)); /* the opportunity's stage */
	kiscrm_table_free(t);

	size_t n = 0;
	assert_int_equal(KISCRM_OK, kiscrm_presales_assign(w->db, &n));
	assert_int_equal(3, n);
	assert_int_equal(w->sun, kc_test_stored_int(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[0], KISCRM_PRESALES_REQUEST_ENGINEER_ID));
	assert_int_equal(w->sun, kc_test_stored_int(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[1], KISCRM_PRESALES_REQUEST_ENGINEER_ID));
	assert_int_equal(w->zhou, kc_test_stored_int(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[2], KISCRM_PRESALES_REQUEST_ENGINEER_ID));
	assert_int_equal(KISCRM_OK, kiscrm_presales_assign(w->db, &n));
	assert_int_equal(0, n); /* nothing left */
}

/* Completing and confirming: the status follows; the project list by engineer with
 * sub-totals: 孙丽 2 (1 confirmed), 周工 2 (open), total 4. */
static void test_completion_and_projects(void **state)
{
	world *w = *state;
	size_t n = 0;
	assert_int_equal(KISCRM_OK, kiscrm_presales_assign(w->db, &n));
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[0]);
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_CONFIRMED, kc_test_day("2026-03-20"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, r)); /* not completed yet */
	assert_string_equal("confirmed", kiscrm_error_last()->field);
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_COMPLETED, kc_test_day("2026-03-21"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, r)); /* confirmed before completed */
	kiscrm_record_set_int(r, KISCRM_PRESALES_REQUEST_COMPLETED, kc_test_day("2026-03-18"));
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_OUTCOME, "演示完成，客户认可");
	assert_int_equal(KISCRM_OK, kiscrm_record_update(w->db, r));
	kiscrm_record_free(r);
	r = kc_test_get(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[0]);
	kc_test_assert_text(r, KISCRM_PRESALES_REQUEST_STATUS, "confirmed");
	kiscrm_record_free(r);
	kiscrm_table *t = run(w, "presales-projects");
	assert_int_equal(7, kiscrm_table_row_count(t)); /* 孙丽 2 + sub-total, 周工 2 + sub-total, total */
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 2));
	assert_string_equal("孙丽", kiscrm_table_text(t, 2, 9));
	assert_int_equal(2, kiscrm_table_int(t, 2, 10));
	assert_int_equal(1, kiscrm_table_int(t, 2, 11));
	assert_int_equal(1, kiscrm_table_int(t, 2, 13));
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 6));
	assert_int_equal(4, kiscrm_table_int(t, 6, 10));
	assert_int_equal(3, kiscrm_table_int(t, 6, 11));
	kiscrm_table_free(t);
	t = run(w, "presales-queue"); /* the confirmed request left the queue */
	assert_int_equal(3, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

static void test_rules(void **state)
{
	world *w = *state;
	kiscrm_id opp = kc_test_stored_int(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[0], KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID);
	assert_int_equal(KISCRM_EINVALID, request(w, opp, "whenever", "2026-03-10", 0, NULL));
	assert_string_equal("urgency", kiscrm_error_last()->field);
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_PRESALES_REQUEST, w->req[0]);
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_STAGE, "won");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, r)); /* not a working stage */
	assert_string_equal("stage", kiscrm_error_last()->field);
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_STAGE, "design");
	kiscrm_record_set_text(r, KISCRM_PRESALES_REQUEST_HELP, "massage");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, r));
	assert_string_equal("help", kiscrm_error_last()->field);
	kiscrm_record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_queue_and_assignment, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_completion_and_projects, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

/* Second-tier partners and project registrations, worked by hand with the default
 * customers.yaml (validity 90 days, extensions of 30 days, at most 2; expiring within 30
 * days) and the calendar's UTC+8. Partners 东莞智联 (P1, south), 佛山顺达 (P2, south),
 * 广州天河 (P3, east). Registrations for 深圳华力机械 (有限公司 or not: one key):
 *   R1 P1 standard, submitted 01-05, approved 01-06 → valid until 01-06 + 89 = 04-05
 *   R2 P2 standard, submitted 02-01 (pending)       → conflicts with R1 while R1 is valid
 *   R3 P3 professional, draft                       → another claim
 *   R4 P1 standard, submitted 02-10                 → the same partner: no conflict
 * and a direct open opportunity for 深圳华力机械有限公司, standard → conflicts with R1;
 * one through P2 does not. As of 04-05 (the last valid day) R1 is valid with 0 days left
 * (expiring); on 04-06 it has expired and nothing conflicts; one extension makes it valid
 * until 05-05 again. Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id manager, p1, p2, p3, cust;
	kiscrm_id r[5];
	kiscrm_id direct;
} world;

static kiscrm_id partner(world *w, const char *name, const char *region)
{
	kiscrm_record *p = kc_test_rec(KISCRM_KIND_PARTNER);
	kiscrm_record_set_text(p, KISCRM_PARTNER_NAME, name);
	kiscrm_record_set_text(p, KISCRM_PARTNER_REGION, region);
	kiscrm_record_set_text(p, KISCRM_PARTNER_LEVEL, "core");
	kiscrm_record_set_text(p, KISCRM_PARTNER_PRODUCT_LINES, "standard, professional");
	kiscrm_record_set_int(p, KISCRM_PARTNER_MANAGER_ID, w->manager);
	return kc_test_insert(w->db, p);
}

static int registration(world *w, kiscrm_id partner_id, const char *customer, const char *line, const char *status,
			const char *submitted, const char *decided, kiscrm_id *id)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_REGISTRATION);
	kiscrm_record_set_int(r, KISCRM_REGISTRATION_PARTNER_ID, partner_id);
	kiscrm_record_set_text(r, KISCRM_REGISTRATION_CUSTOMER_NAME, customer);
	kiscrm_record_set_text(r, KISCRM_REGISTRATION_PRODUCT_LINE, line);
	kiscrm_record_set_text(r, KISCRM_REGISTRATION_STATUS, status);
	kiscrm_record_set_int(r, KISCRM_REGISTRATION_AMOUNT, 5000000);
	if (submitted)
		kiscrm_record_set_int(r, KISCRM_REGISTRATION_SUBMITTED, kc_test_time(submitted));
	if (decided)
		kiscrm_record_set_int(r, KISCRM_REGISTRATION_DECIDED, kc_test_time(decided));
	int rc = kiscrm_record_insert(w->db, r);
	if (rc == 0 && id)
		*id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

static kiscrm_id opportunity(world *w, kiscrm_id partner_id, kiscrm_money amount)
{
	kiscrm_record *o = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_NAME, "ERP");
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_STAGE, "diagnosis");
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_PRODUCT_LINE, "standard");
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_OWNER_ID, w->manager);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CREATED, kc_test_day("2026-02-01"));
	if (partner_id)
		kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_PARTNER_ID, partner_id);
	return kc_test_insert(w->db, o);
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "渠道部", 0);
	w->manager = kc_test_staff(w->db, "罗凯", dept, "department_manager");
	w->p1 = partner(w, "东莞智联", "south");
	w->p2 = partner(w, "佛山顺达", "south");
	w->p3 = partner(w, "广州天河", "east");
	w->cust = kc_test_customer(w->db, "深圳华力机械有限公司");
	assert_int_equal(KISCRM_OK, registration(w, w->p1, "深圳华力机械有限公司", "standard", "approved", "2026-01-05T02:00:00Z",
						 "2026-01-06T02:00:00Z", &w->r[1]));
	assert_int_equal(KISCRM_OK, registration(w, w->p2, "深圳 华力机械", "standard", "submitted", "2026-02-01T02:00:00Z",
						 NULL, &w->r[2]));
	assert_int_equal(KISCRM_OK, registration(w, w->p3, "深圳华力机械", "professional", "draft", NULL, NULL, &w->r[3]));
	assert_int_equal(KISCRM_OK, registration(w, w->p1, "深圳华力机械", "standard", "submitted", "2026-02-10T02:00:00Z",
						 NULL, &w->r[4]));
	w->direct = opportunity(w, 0, 4000000);
	opportunity(w, w->p2, 3000000);
	*state = w;
	return 0;
}

static kiscrm_table *run(world *w, const char *name, const char *as_of, const char *from, const char *to)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day(as_of);
	if (from) {
		o.from = kc_test_day(from);
		o.to = kc_test_day(to);
	}
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, name, &o));
	return t;
}

static void test_conflicts_over_validity(void **state)
{
	world *w = *state;
	assert_int_equal(kc_test_day("2026-04-05"),
			 kc_test_stored_int(w->db, KISCRM_KIND_REGISTRATION, w->r[1], KISCRM_REGISTRATION_VALID_UNTIL));
	kiscrm_table *t = run(w, "registration-conflicts", "2026-04-05", NULL, NULL);
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_int_equal(w->r[1], kiscrm_table_int(t, 0, 2));
	assert_string_equal("registration", kiscrm_table_text(t, 0, 5));
	assert_int_equal(w->r[2], kiscrm_table_int(t, 0, 6));
	assert_int_equal(w->p2, kiscrm_table_int(t, 0, 7));
	assert_string_equal("opportunity", kiscrm_table_text(t, 1, 5));
	assert_int_equal(w->direct, kiscrm_table_int(t, 1, 6));
	kiscrm_table_free(t);
	t = run(w, "registrations-expiring", "2026-04-05", NULL, NULL);
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(w->r[1], kiscrm_table_int(t, 0, 1));
	assert_int_equal(0, kiscrm_table_int(t, 0, 7));
	kiscrm_table_free(t);
	/* the day after: expired, no conflict */
	t = run(w, "registration-conflicts", "2026-04-06", NULL, NULL);
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
	/* one extension: valid until 05-05, the conflicts are back */
	assert_int_equal(KISCRM_OK, kc_test_update_int(w->db, KISCRM_KIND_REGISTRATION, w->r[1], KISCRM_REGISTRATION_EXTENSIONS, 1));
	assert_int_equal(kc_test_day("2026-05-05"),
			 kc_test_stored_int(w->db, KISCRM_KIND_REGISTRATION, w->r[1], KISCRM_REGISTRATION_VALID_UNTIL));
	t = run(w, "registration-conflicts", "2026-04-06", NULL, NULL);
	assert_int_equal(2, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
	assert_int_equal(KISCRM_EINVALID, kc_test_update_int(w->db, KISCRM_KIND_REGISTRATION, w->r[1], KISCRM_REGISTRATION_EXTENSIONS, 3));
	assert_string_equal("extensions", kiscrm_error_last()->field);
}

/* By state as of 04-05: draft R3; submitted R2 (conflicts with R1), R4; approved R1. */
static void test_by_state(void **state)
{
	world *w = *state;
	kiscrm_table *t = run(w, "registrations", "2026-04-05", NULL, NULL);
	assert_int_equal(7, kiscrm_table_row_count(t));
	assert_int_equal(w->r[3], kiscrm_table_int(t, 0, 1));
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 1));
	assert_int_equal(1, kiscrm_table_int(t, 1, 9));
	assert_int_equal(w->r[2], kiscrm_table_int(t, 2, 1));
	assert_int_equal(w->r[1], kiscrm_table_int(t, 2, 8));
	assert_int_equal(w->r[4], kiscrm_table_int(t, 3, 1));
	assert_true(kiscrm_table_is_null(t, 3, 8));
	assert_int_equal(2, kiscrm_table_int(t, 4, 9));
	assert_int_equal(10000000, kiscrm_table_int(t, 4, 5));
	assert_string_equal("approved", kiscrm_table_text(t, 5, 0));
	kiscrm_table_free(t);
	t = run(w, "registrations", "2026-04-06", NULL, NULL);
	assert_string_equal("expired", kiscrm_table_text(t, 5, 0));
	kiscrm_table_free(t);
}

/* Q1: P1's targets 100,000.00 (contracts) and 50,000.00 (collections); its contract of
 * 60,000.00 (through its opportunity) and 20,000.00 collected → 0.6 and 0.4. P2 has no
 * target. Layout: east P3; south P1, P2; P1 gave one presales request. */
static void test_results_and_layout(void **state)
{
	world *w = *state;
	static const struct {
		const char *metric;
		kiscrm_money amount;
	} targets[] = { { "contract_amount", 10000000 }, { "collection_amount", 5000000 } };
	for (size_t i = 0; i < 2; i++) {
		kiscrm_record *t = kc_test_rec(KISCRM_KIND_PARTNER_TARGET);
		kiscrm_record_set_int(t, KISCRM_PARTNER_TARGET_PARTNER_ID, w->p1);
		kiscrm_record_set_text(t, KISCRM_PARTNER_TARGET_METRIC, targets[i].metric);
		kiscrm_record_set_int(t, KISCRM_PARTNER_TARGET_START, kc_test_day("2026-01-01"));
		kiscrm_record_set_int(t, KISCRM_PARTNER_TARGET_END, kc_test_day("2026-04-01"));
		kiscrm_record_set_int(t, KISCRM_PARTNER_TARGET_AMOUNT, targets[i].amount);
		kc_test_insert(w->db, t);
	}
	kiscrm_id opp = opportunity(w, w->p1, 6000000);
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, w->cust);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OPPORTUNITY_ID, opp);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, w->manager);
	kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, kc_test_day("2026-02-15"));
	kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, 6000000);
	kiscrm_id contract = kc_test_insert(w->db, c);
	assert_int_equal(w->p1, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, contract, KISCRM_CONTRACT_PARTNER_ID));
	kiscrm_record *m = kc_test_rec(KISCRM_KIND_COLLECTION);
	kiscrm_record_set_int(m, KISCRM_COLLECTION_CONTRACT_ID, contract);
	kiscrm_record_set_int(m, KISCRM_COLLECTION_RECEIVED, kc_test_day("2026-03-01"));
	kiscrm_record_set_int(m, KISCRM_COLLECTION_AMOUNT, 2000000);
	kiscrm_id collection = kc_test_insert(w->db, m);
	assert_int_equal(w->p1, kc_test_stored_int(w->db, KISCRM_KIND_COLLECTION, collection, KISCRM_COLLECTION_PARTNER_ID));
	kiscrm_record *q = kc_test_rec(KISCRM_KIND_PRESALES_REQUEST);
	kiscrm_record_set_int(q, KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID, opp);
	kiscrm_record_set_text(q, KISCRM_PRESALES_REQUEST_HELP, "demo");
	kiscrm_record_set_int(q, KISCRM_PRESALES_REQUEST_REQUESTED, kc_test_day("2026-03-02"));
	kiscrm_record_set_int(q, KISCRM_PRESALES_REQUEST_PARTNER_ID, w->p1);
	kc_test_insert(w->db, q);

	kiscrm_table *t = run(w, "partner-results", "2026-03-31", "2026-01-01", "2026-04-01");
	assert_int_equal(4, kiscrm_table_row_count(t)); /* three partners and the total */
	assert_int_equal(10000000, kiscrm_table_int(t, 0, 3));
	assert_int_equal(6000000, kiscrm_table_int(t, 0, 4));
	assert_true(kiscrm_table_rate(t, 0, 5) > 0.6 - 1e-9 && kiscrm_table_rate(t, 0, 5) < 0.6 + 1e-9);
	assert_int_equal(2000000, kiscrm_table_int(t, 0, 7));
	assert_true(kiscrm_table_rate(t, 0, 8) > 0.4 - 1e-9 && kiscrm_table_rate(t, 0, 8) < 0.4 + 1e-9);
	assert_true(kiscrm_table_is_null(t, 1, 5)); /* P2: no target */
	assert_int_equal(6000000, kiscrm_table_int(t, 3, 4));
	kiscrm_table_free(t);

	t = run(w, "partner-layout", "2026-03-31", "2026-01-01", "2026-04-01");
	assert_int_equal(6, kiscrm_table_row_count(t)); /* east: P3, sub-total; south: P1, P2, sub-total; total */
	assert_int_equal(w->p3, kiscrm_table_int(t, 0, 1));
	assert_int_equal(w->p1, kiscrm_table_int(t, 2, 1));
	assert_int_equal(6000000, kiscrm_table_int(t, 2, 8));
	assert_int_equal(1, kiscrm_table_int(t, 2, 11));
	assert_int_equal(2, kiscrm_table_int(t, 2, 12)); /* R1 valid, R4 submitted */
	assert_int_equal(w->p2, kiscrm_table_int(t, 3, 1));
	assert_int_equal(1, kiscrm_table_int(t, 3, 9)); /* its opportunity, open */
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 4));
	assert_int_equal(2, kiscrm_table_int(t, 4, 7));
	assert_int_equal(3, kiscrm_table_int(t, 5, 7));
	kiscrm_table_free(t);
}

static void test_rules(void **state)
{
	world *w = *state;
	size_t n = kc_test_count(w->db, KISCRM_KIND_REGISTRATION, NULL);
	assert_int_equal(KISCRM_EINVALID, registration(w, w->p1, "某公司", "erp_x", "draft", NULL, NULL, NULL));
	assert_string_equal("product_line", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, registration(w, w->p1, "某公司", "mini", "approved", "2026-01-05T02:00:00Z", NULL, NULL));
	assert_string_equal("decided", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, registration(w, w->p1, "某公司", "mini", "submitted", NULL, NULL, NULL));
	assert_string_equal("submitted", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, registration(w, w->p1, "某公司", "mini", "approved", "2026-01-05T02:00:00Z",
						       "2026-01-04T02:00:00Z", NULL));
	assert_true(registration(w, 9999, "某公司", "mini", "draft", NULL, NULL, NULL) < 0); /* no such partner */
	assert_int_equal(n, kc_test_count(w->db, KISCRM_KIND_REGISTRATION, NULL));
	kiscrm_record *p = kc_test_get(w->db, KISCRM_KIND_PARTNER, w->p1);
	kiscrm_record_set_text(p, KISCRM_PARTNER_LEVEL, "diamond");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, p));
	kiscrm_record_set_text(p, KISCRM_PARTNER_LEVEL, "core");
	kiscrm_record_set_text(p, KISCRM_PARTNER_PRODUCT_LINES, "standard, erp_x");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_update(w->db, p));
	assert_string_equal("product_lines", kiscrm_error_last()->field);
	kiscrm_record_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conflicts_over_validity, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_by_state, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_results_and_layout, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

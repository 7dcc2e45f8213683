/* Money at its bounds (KISCRM_MONEY_MAX = 10^13 minor units = 100,000,000,000.00).
 *
 * Before the bound, an amount of 92233720368547758.07 (INT64_MAX minor units) was stored,
 * and the rolling budget, rolling gap and meeting pack then overflowed (UBSan aborted).
 * Now every money field is checked when stored — by the API and by CSV import, nothing
 * half-written — and every report runs on a database full of amounts at the bound
 * (CI runs this under UBSan, which aborts on any signed overflow). */
#include "helpers.h"
#include "core/sum.h"

#include <stdint.h>
#include <string.h>

#define MAX KISCRM_MONEY_MAX

static kiscrm_id opportunity(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, int64_t amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_date created, close;
	kiscrm_date_parse(&created, "2026-11-02");
	kiscrm_date_parse(&close, "2026-12-10"); /* inside the eight weeks from 2026-11-23 */
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "大单");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, created);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, close);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, 80);
	kiscrm_id id = 0;
	int rc = kiscrm_record_insert(db, r);
	if (rc == KISCRM_OK)
		id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc == KISCRM_OK ? id : rc;
}

static void test_stored_amounts_are_bounded(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id rep = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id cust = kc_test_customer(db, "北京甲科技有限公司");

	kiscrm_id at_max = opportunity(db, rep, cust, MAX);
	assert_true(at_max > 0);
	assert_int_equal(MAX, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, at_max, KISCRM_OPPORTUNITY_AMOUNT));
	/* one fen more: refused, naming the field, the value and the bound */
	assert_int_equal(KISCRM_EINVALID, opportunity(db, rep, cust, MAX + 1));
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(strstr(e->message, "opportunity.amount: 100000000000.01"));
	assert_non_null(strstr(e->message, "±100000000000.00"));
	assert_string_equal("amount", e->field);
	/* the amount the outside test stored */
	assert_int_equal(KISCRM_EINVALID, opportunity(db, rep, cust, INT64_MAX));
	assert_non_null(strstr(kiscrm_error_last()->message, "92233720368547758.07"));
	assert_int_equal(KISCRM_EINVALID, opportunity(db, rep, cust, KISCRM_MONEY_MIN - 1));
	/* an update beyond the bound leaves the stored record as it was */
	assert_int_equal(KISCRM_EINVALID,
			 kc_test_update_int(db, KISCRM_KIND_OPPORTUNITY, at_max, KISCRM_OPPORTUNITY_AMOUNT, MAX + 1));
	assert_int_equal(MAX, kc_test_stored_int(db, KISCRM_KIND_OPPORTUNITY, at_max, KISCRM_OPPORTUNITY_AMOUNT));
	assert_int_equal(1, kc_test_count(db, KISCRM_KIND_OPPORTUNITY, NULL));
}

/* CSV import: the bad row is reported with its line, column and value; nothing stored. */
static void test_csv_import_refuses_beyond_bound(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kc_test_staff(db, "张三", dept, "sales_rep"); /* staff 1 */
	kc_test_customer(db, "北京甲科技有限公司");    /* customer 1 */
	static const char csv[] = "customer_id,owner_id,number,signed,amount\n"
				  "1,1,HT-001,2026-11-02,100000000000.00\n"    /* line 2: at the bound */
				  "1,1,HT-002,2026-11-03,92233720368547758.07\n"; /* line 3: beyond */
	size_t n = 99;
	kiscrm_table *errors = NULL;
	assert_int_equal(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CONTRACT, csv,
								sizeof(csv) - 1, "contracts.csv", NULL));
	assert_int_equal(0, n);
	assert_non_null(errors);
	assert_int_equal(1, kiscrm_table_row_count(errors));
	assert_int_equal(3, kiscrm_table_int(errors, 0, 0));
	assert_str_or_null("amount", kiscrm_table_text(errors, 0, 1));
	assert_str_or_null("92233720368547758.07", kiscrm_table_text(errors, 0, 2));
	assert_non_null(strstr(kiscrm_table_text(errors, 0, 3), "KISCRM_MONEY_MAX"));
	kiscrm_table_free(errors);
	assert_int_equal(0, kc_test_count(db, KISCRM_KIND_CONTRACT, NULL));
}

/* Three open opportunities, two contracts with instalments and collections, all at the
 * bound: every report runs without overflow. The funnel's commercial stage holds
 * 3 × 10^13 = 30,000,000,000,000 minor units; the rolling budget's total expected
 * contract amount (all three expected on 2026-12-10, week 3) is the same 3 × 10^13. */
static void test_every_report_at_the_bound(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售一部", 0);
	kiscrm_id rep = kc_test_staff(db, "张三", dept, "sales_rep");
	kiscrm_id cust = kc_test_customer(db, "北京甲科技有限公司");
	for (int i = 0; i < 3; i++)
		assert_true(opportunity(db, rep, cust, MAX) > 0);
	for (int i = 0; i < 2; i++) {
		kiscrm_record *c = kc_test_rec(KISCRM_KIND_CONTRACT);
		kiscrm_date signed_on, due[2];
		kiscrm_date_parse(&signed_on, "2026-11-16");
		kiscrm_date_parse(&due[0], "2026-11-20");
		kiscrm_date_parse(&due[1], "2026-12-20");
		kiscrm_record_set_int(c, KISCRM_CONTRACT_CUSTOMER_ID, cust);
		kiscrm_record_set_int(c, KISCRM_CONTRACT_OWNER_ID, rep);
		kiscrm_record_set_text(c, KISCRM_CONTRACT_NUMBER, i ? "HT-2" : "HT-1");
		kiscrm_record_set_int(c, KISCRM_CONTRACT_SIGNED, signed_on);
		kiscrm_record_set_int(c, KISCRM_CONTRACT_AMOUNT, MAX);
		kiscrm_id id = kc_test_insert(db, c);
		const kiscrm_money amounts[2] = { MAX / 2, MAX / 2 };
		assert_int_equal(KISCRM_OK, kiscrm_contract_plan_instalments(db, id, due, amounts, 2, 0));
		kiscrm_record *k = kc_test_rec(KISCRM_KIND_COLLECTION);
		kiscrm_record_set_int(k, KISCRM_COLLECTION_CONTRACT_ID, id);
		kiscrm_record_set_int(k, KISCRM_COLLECTION_RECEIVED, due[0]);
		kiscrm_record_set_int(k, KISCRM_COLLECTION_AMOUNT, MAX / 2);
		kc_test_insert(db, k);
	}
	assert_int_equal(KISCRM_OK, kiscrm_budget_snapshot(NULL, db, KISCRM_DATE_NONE));
	for (size_t i = 0; i < kiscrm_report_count(); i++) {
		kiscrm_table *t = NULL;
		kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
		o.period = KISCRM_PERIOD_YEAR;
		if (strcmp(kiscrm_report_name(i), "qualification-assessment") == 0)
			o.owner_id = rep;
		int rc = kiscrm_report_run(&t, db, kiscrm_report_name(i), &o);
		if (rc != KISCRM_OK)
			fail_msg("report %s at the bound: %d %s", kiscrm_report_name(i), rc,
				 kiscrm_error_last()->message);
		if (strcmp(kiscrm_report_name(i), "funnel") == 0) {
			int stage = kiscrm_table_column_index(t, "stage"), amount = kiscrm_table_column_index(t, "amount");
			int found = 0;
			for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
				const char *s = kiscrm_table_text(t, r, (size_t)stage);
				if (s && strcmp(s, "commercial") == 0) {
					assert_int_equal(3 * MAX, kiscrm_table_int(t, r, (size_t)amount));
					found = 1;
				}
			}
			assert_true(found);
		}
		if (strcmp(kiscrm_report_name(i), "rolling-budget") == 0) {
			int col = kiscrm_table_column_index(t, "total_contract");
			size_t last = kiscrm_table_row_count(t) - 1;
			assert_true(col >= 0);
			assert_int_equal(3 * MAX, kiscrm_table_int(t, last, (size_t)col));
		}
		kiscrm_table_free(t);
	}
}

/* The checked sum itself: an overflow is an error, never a wrapped total. */
static void test_checked_sum(void **state)
{
	(void)state;
	int64_t acc = INT64_MAX - 1;
	assert_int_equal(KISCRM_OK, kc_money_add(&acc, 1));
	assert_int_equal(INT64_MAX, acc);
	assert_int_equal(KISCRM_EOVERFLOW, kc_money_add(&acc, 1));
	assert_int_equal(INT64_MAX, acc); /* unchanged */
	int overflow = 0;
	int64_t s = INT64_MIN + 5;
	kc_sum_acc(&s, -5, &overflow);
	assert_int_equal(0, overflow);
	kc_sum_acc(&s, -1, &overflow);
	assert_int_equal(1, overflow);
	assert_int_equal(INT64_MIN, s);
	assert_int_equal(KISCRM_EOVERFLOW, kc_sum_overflowed("test"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stored_amounts_are_bounded, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_csv_import_refuses_beyond_bound, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_every_report_at_the_bound, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test(test_checked_sum),
	};
	return kc_test_run_both(tests);
}

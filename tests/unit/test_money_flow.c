/* Contracts, collection plans, collections, receivables and ageing (kiscrm/money_flow.h).
 * Every test runs on the memory backend and on SQLite; every expected figure is worked
 * out by hand in the comments.
 *
 * The fixture (dates 2025, amounts in yuan; the currency has 2 decimals, so 1.00 = 100 fen):
 *   departments East, North; staff Alice (East), Bob (North), Carol (North);
 *   customers Acme, Beta;
 *   O1: Acme, Alice, direct / standard, stage won;  O2: Acme, Alice, stage diagnosis (open)
 *   K1 "HT-001": Acme, O1, signed 01-10, 100000.00, Alice, lines and department derived;
 *      plan 30000.00 due 01-31, 40000.00 due 04-30, 30000.00 due 07-31 (30/40/30);
 *      collections 20000.00 on 02-05, 30000.00 on 05-10.
 * Larger scenarios add contracts on top (see each test). */
#include "helpers.h"
#include "failing_backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YUAN(y) ((kiscrm_money)(y) * 100)

static kiscrm_date D(int y, int m, int d)
{
	kiscrm_date out = KISCRM_DATE_NONE;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

/* --- fixtures ----------------------------------------------------------------------- */

typedef struct {
	kiscrm_db *db;
	kiscrm_id east, north, alice, bob, carol, acme, beta, o1, o2, k1;
	kiscrm_id coll1, coll2;
} world;

static kiscrm_id add_opportunity(kiscrm_db *db, kiscrm_id cust, kiscrm_id owner, const char *stage)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "ERP rollout"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_BUSINESS_LINE, "direct"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, "standard"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, YUAN(100000)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D(2024, 11, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	return kc_test_insert(db, r);
}

static kiscrm_record *contract_rec(kiscrm_id cust, kiscrm_id owner, kiscrm_date signed_on,
				   kiscrm_money amount, const char *number)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, signed_on));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount));
	if (number)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, number));
	return r;
}

static kiscrm_id add_contract(kiscrm_db *db, kiscrm_id cust, kiscrm_id owner, kiscrm_date signed_on,
			      kiscrm_money amount, const char *number)
{
	return kc_test_insert(db, contract_rec(cust, owner, signed_on, amount, number));
}

static kiscrm_record *collection_rec(kiscrm_id contract, kiscrm_date received, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_CONTRACT_ID, contract));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_RECEIVED, received));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_AMOUNT, amount));
	return r;
}

static kiscrm_id add_collection(kiscrm_db *db, kiscrm_id contract, kiscrm_date received, kiscrm_money amount)
{
	return kc_test_insert(db, collection_rec(contract, received, amount));
}

static kiscrm_record *plan_rec(kiscrm_id contract, kiscrm_id opp, kiscrm_date due, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	if (contract)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_CONTRACT_ID, contract));
	if (opp)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_DUE, due));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, amount));
	return r;
}

static void plan_one(kiscrm_db *db, kiscrm_id contract, kiscrm_date due, kiscrm_money amount)
{
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(db, contract, &due, &amount, 1, 0));
}

static void build(world *w)
{
	kiscrm_db *db = w->db;
	w->east = kc_test_department(db, "East", 0);
	w->north = kc_test_department(db, "North", 0);
	w->alice = kc_test_staff(db, "Alice", w->east, "sales_rep");
	w->bob = kc_test_staff(db, "Bob", w->north, "sales_rep");
	w->carol = kc_test_staff(db, "Carol", w->north, "sales_rep");
	w->acme = kc_test_customer(db, "Acme Ltd");
	w->beta = kc_test_customer(db, "Beta Co");
	w->o1 = add_opportunity(db, w->acme, w->alice, "won");
	w->o2 = add_opportunity(db, w->acme, w->alice, "diagnosis");
	kiscrm_record *k = contract_rec(w->acme, w->alice, D(2025, 1, 10), YUAN(100000), "HT-001");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(k, KISCRM_CONTRACT_OPPORTUNITY_ID, w->o1));
	w->k1 = kc_test_insert(db, k);
	kiscrm_date due[3] = { D(2025, 1, 31), D(2025, 4, 30), D(2025, 7, 31) };
	kiscrm_money amt[3] = { YUAN(30000), YUAN(40000), YUAN(30000) };
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(db, w->k1, due, amt, 3, 0));
	w->coll1 = add_collection(db, w->k1, D(2025, 2, 5), YUAN(20000));
	w->coll2 = add_collection(db, w->k1, D(2025, 5, 10), YUAN(30000));
}

static int world_setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(*w), NULL);
	if (!w)
		return -1;
	build(w);
	*state = w;
	return 0;
}

/* --- reading back ------------------------------------------------------------------- */

static const char *stored_text(kiscrm_db *db, int kind, kiscrm_id id, int field, char *buf, size_t n)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, kind, id));
	const char *t = kiscrm_record_text(r, field);
	snprintf(buf, n, "%s", t ? t : "(null)");
	kiscrm_record_free(r);
	return buf;
}

/* Amounts of a contract's plan entries in id order; returns how many. */
static size_t plan_amounts(kiscrm_db *db, kiscrm_id contract, kiscrm_money *out, size_t max)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	size_t n = 0;
	int rc;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, KISCRM_KIND_COLLECTION_PLAN, NULL));
	while ((rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		if (kiscrm_record_int(r, KISCRM_COLLECTION_PLAN_CONTRACT_ID) != contract)
			continue;
		if (n < max)
			out[n] = kiscrm_record_int(r, KISCRM_COLLECTION_PLAN_AMOUNT);
		n++;
	}
	assert_rc(KISCRM_ITEROVER, rc);
	kiscrm_iter_free(it);
	return n;
}

static kiscrm_money collected(kiscrm_db *db, kiscrm_id k)
{
	kiscrm_money m = -1;
	assert_rc(KISCRM_OK, kiscrm_contract_collected(&m, db, k));
	return m;
}

static kiscrm_money receivable(kiscrm_db *db, kiscrm_id k)
{
	kiscrm_money m = -1;
	assert_rc(KISCRM_OK, kiscrm_contract_receivable(&m, db, k));
	return m;
}

static kiscrm_money overdue(kiscrm_db *db, kiscrm_id k, kiscrm_date as_of)
{
	kiscrm_money m = -1;
	assert_rc(KISCRM_OK, kiscrm_contract_overdue(&m, db, k, as_of));
	return m;
}

static int col(const kiscrm_table *t, const char *name)
{
	int c = kiscrm_table_column_index(t, name);
	if (c < 0)
		fail_msg("table %s has no column '%s'", kiscrm_table_name(t), name);
	return c;
}

static int64_t cell(const kiscrm_table *t, size_t row, const char *name)
{
	int c = col(t, name);
	assert_false(kiscrm_table_is_null(t, row, (size_t)c));
	return kiscrm_table_int(t, row, (size_t)c);
}

static const char *cell_text(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_text(t, row, (size_t)col(t, name));
}

static kiscrm_table *report(kiscrm_db *db, int ageing, kiscrm_date as_of, const int *groups,
			    size_t ngroup)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t = NULL;
	o.as_of = as_of;
	o.group_by = groups;
	o.ngroup = ngroup;
	if (ageing)
		assert_rc(KISCRM_OK, kiscrm_report_ageing(&t, db, &o));
	else
		assert_rc(KISCRM_OK, kiscrm_report_receivables(&t, db, &o));
	return t;
}

/* --- contracts ---------------------------------------------------------------------- */

static void test_contract_derived_fields(void **state)
{
	world *w = *state;
	char buf[64];
	/* department from Alice, lines from O1, approval defaults to draft */
	assert_int_equal(w->east, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, w->k1, KISCRM_CONTRACT_DEPARTMENT_ID));
	assert_string_equal("direct", stored_text(w->db, KISCRM_KIND_CONTRACT, w->k1, KISCRM_CONTRACT_BUSINESS_LINE, buf, sizeof(buf)));
	assert_string_equal("standard", stored_text(w->db, KISCRM_KIND_CONTRACT, w->k1, KISCRM_CONTRACT_PRODUCT_LINE, buf, sizeof(buf)));
	assert_string_equal("draft", stored_text(w->db, KISCRM_KIND_CONTRACT, w->k1, KISCRM_CONTRACT_APPROVAL, buf, sizeof(buf)));

	/* given values are kept: Bob's contract booked on East with its own product line */
	kiscrm_record *r = contract_rec(w->beta, w->bob, D(2025, 2, 1), YUAN(10), NULL);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_DEPARTMENT_ID, w->east));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_PRODUCT_LINE, "mini"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, "approved"));
	kiscrm_id k = kc_test_insert(w->db, r);
	assert_int_equal(w->east, kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_DEPARTMENT_ID));
	assert_string_equal("mini", stored_text(w->db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_PRODUCT_LINE, buf, sizeof(buf)));
	assert_string_equal("approved", stored_text(w->db, KISCRM_KIND_CONTRACT, k, KISCRM_CONTRACT_APPROVAL, buf, sizeof(buf)));
}

static void test_contract_bad_input(void **state)
{
	world *w = *state;
	kiscrm_record *r = contract_rec(w->acme, w->alice, D(2025, 2, 1), -100, NULL);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("-1.00");
	assert_string_equal("amount", kiscrm_error_last()->field);
	kiscrm_record_free(r);

	r = contract_rec(w->acme, w->alice, D(2025, 2, 1), YUAN(1), NULL);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, "signed"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("'signed'");
	assert_string_equal("approval", kiscrm_error_last()->field);
	kiscrm_record_free(r);

	r = contract_rec(w->acme, w->alice, D(2025, 2, 1), YUAN(1), NULL);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION, 2));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("not 2");
	kiscrm_record_free(r);

	/* O1 belongs to Acme, not Beta */
	r = contract_rec(w->beta, w->alice, D(2025, 2, 1), YUAN(1), NULL);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OPPORTUNITY_ID, w->o1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "opportunity %lld", (long long)w->o1);
	assert_msg_has(idtext);
	assert_string_equal("opportunity_id", kiscrm_error_last()->field);
	kiscrm_record_free(r);

	/* unknown owner is named */
	r = contract_rec(w->beta, 9999, D(2025, 2, 1), YUAN(1), NULL);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(w->db, r));
	assert_msg_has("9999");
	kiscrm_record_free(r);

	/* only the fixture's contract exists */
	assert_int_equal(1, kc_test_count(w->db, KISCRM_KIND_CONTRACT, NULL));
}

static void test_contract_amount_not_below_collected(void **state)
{
	world *w = *state;
	/* collected 20000 + 30000 = 50000.00 */
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, w->db, KISCRM_KIND_CONTRACT, w->k1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, YUAN(40000)));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(w->db, r));
	assert_msg_has("40000.00");
	assert_msg_has("50000.00");
	assert_int_equal(YUAN(100000), kc_test_stored_int(w->db, KISCRM_KIND_CONTRACT, w->k1, KISCRM_CONTRACT_AMOUNT));
	/* one fen below: still refused; exactly the collected amount: fine */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, YUAN(50000) - 1));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(w->db, r));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, YUAN(50000)));
	assert_rc(KISCRM_OK, kiscrm_record_update(w->db, r));
	assert_int_equal(0, receivable(w->db, w->k1));
	/* with the over-collection flag the amount may go lower: receivable 40000 − 50000 */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, YUAN(40000)));
	assert_rc(KISCRM_OK, kiscrm_record_update(w->db, r));
	assert_int_equal(-YUAN(10000), receivable(w->db, w->k1));
	kiscrm_record_free(r);
}

static void test_first_contract(void **state)
{
	world *w = *state;
	/* Acme: K1 signed 2025-01-10; Beta has none */
	assert_int_equal(D(2025, 1, 10), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->acme, KISCRM_CUSTOMER_FIRST_CONTRACT));
	assert_int_equal(-1, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->beta, KISCRM_CUSTOMER_FIRST_CONTRACT));
	add_contract(w->db, w->beta, w->bob, D(2025, 3, 1), YUAN(10), NULL);
	assert_int_equal(D(2025, 3, 1), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->beta, KISCRM_CUSTOMER_FIRST_CONTRACT));
	/* a later contract leaves it, an earlier one moves it */
	add_contract(w->db, w->beta, w->bob, D(2025, 6, 1), YUAN(10), NULL);
	assert_int_equal(D(2025, 3, 1), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->beta, KISCRM_CUSTOMER_FIRST_CONTRACT));
	add_contract(w->db, w->beta, w->bob, D(2024, 12, 31), YUAN(10), NULL);
	assert_int_equal(D(2024, 12, 31), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->beta, KISCRM_CUSTOMER_FIRST_CONTRACT));
	/* a refused contract (unknown business line; that list is strict) leaves the
	 * customer alone */
	kiscrm_record *r = contract_rec(w->beta, w->bob, D(2020, 1, 1), YUAN(10), NULL);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_BUSINESS_LINE, "nosuch"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("'nosuch'");
	kiscrm_record_free(r);
	assert_int_equal(D(2024, 12, 31), kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->beta, KISCRM_CUSTOMER_FIRST_CONTRACT));
}

/* --- collections -------------------------------------------------------------------- */

static void test_collected_and_receivable(void **state)
{
	world *w = *state;
	/* 20000 + 30000 = 50000.00 collected; 100000 − 50000 = 50000.00 receivable */
	assert_int_equal(YUAN(50000), collected(w->db, w->k1));
	assert_int_equal(YUAN(50000), receivable(w->db, w->k1));
	kiscrm_money m = 0;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_contract_collected(&m, w->db, 777));
	assert_msg_has("777");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_contract_receivable(&m, w->db, 777));
	assert_rc(KISCRM_EINVALID, kiscrm_contract_collected(NULL, w->db, w->k1));
	assert_rc(KISCRM_EINVALID, kiscrm_contract_receivable(&m, NULL, w->k1));
}

static void test_over_collection_refused(void **state)
{
	world *w = *state;
	/* 50000 collected + 60000 = 110000 > 100000 by 10000.00 */
	kiscrm_record *r = collection_rec(w->k1, D(2025, 6, 1), YUAN(60000));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_insert(w->db, r));
	assert_msg_has("HT-001");
	assert_msg_has("110000.00");
	assert_msg_has("100000.00");
	assert_msg_has("by 10000.00");
	kiscrm_record_free(r);
	assert_int_equal(2, kc_test_count(w->db, KISCRM_KIND_COLLECTION, NULL));
	assert_int_equal(YUAN(50000), collected(w->db, w->k1));
	/* one fen too much is still refused; exactly the rest (50000.00) is fine */
	r = collection_rec(w->k1, D(2025, 6, 1), YUAN(50000) + 1);
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_insert(w->db, r));
	assert_msg_has("by 0.01");
	kiscrm_record_free(r);
	kiscrm_id c3 = add_collection(w->db, w->k1, D(2025, 6, 1), YUAN(50000));
	assert_true(c3 > 0);
	assert_int_equal(0, receivable(w->db, w->k1));

	/* an update counts its new amount instead of the old: 20000 → 20000 again is fine
	 * (100000 in all), 20000 → 20000.01 is 0.01 over */
	kiscrm_record *c = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&c, w->db, KISCRM_KIND_COLLECTION, w->coll1));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(c, KISCRM_COLLECTION_NOTE, "bank ref 42"));
	assert_rc(KISCRM_OK, kiscrm_record_update(w->db, c));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_COLLECTION_AMOUNT, YUAN(20000) + 1));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(w->db, c));
	assert_msg_has("100000.01");
	/* lowering it is always fine: 100000 − 5000 = 95000 collected */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(c, KISCRM_COLLECTION_AMOUNT, YUAN(15000)));
	assert_rc(KISCRM_OK, kiscrm_record_update(w->db, c));
	assert_int_equal(YUAN(95000), collected(w->db, w->k1));
	kiscrm_record_free(c);
}

static void test_over_collection_allowed_by_flag(void **state)
{
	world *w = *state;
	kiscrm_record *r = contract_rec(w->beta, w->bob, D(2025, 2, 1), YUAN(1000), "HT-002");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_ALLOW_OVER_COLLECTION, 1));
	kiscrm_id k = kc_test_insert(w->db, r);
	add_collection(w->db, k, D(2025, 2, 10), YUAN(1500));
	/* 1000 − 1500 = −500.00: a credit */
	assert_int_equal(YUAN(1500), collected(w->db, k));
	assert_int_equal(-YUAN(500), receivable(w->db, k));
}

static void test_collection_bad_input(void **state)
{
	world *w = *state;
	kiscrm_record *r = collection_rec(w->k1, D(2025, 6, 1), 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("0.00");
	assert_string_equal("amount", kiscrm_error_last()->field);
	kiscrm_record_free(r);
	r = collection_rec(w->k1, D(2025, 6, 1), -250);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("-2.50");
	kiscrm_record_free(r);
	r = collection_rec(4242, D(2025, 6, 1), 100);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(w->db, r));
	assert_msg_has("4242");
	kiscrm_record_free(r);
	assert_int_equal(2, kc_test_count(w->db, KISCRM_KIND_COLLECTION, NULL));
}

static void test_customer_receivable(void **state)
{
	world *w = *state;
	/* Acme: K1 100000 − 50000 = 50000; K5 20000.00 approved, nothing collected;
	 * a rejected 7000.00 contract does not count → 70000.00 */
	kiscrm_id k5 = add_contract(w->db, w->acme, w->alice, D(2025, 3, 1), YUAN(20000), "HT-005");
	(void)k5;
	kiscrm_record *r = contract_rec(w->acme, w->alice, D(2025, 3, 2), YUAN(7000), "HT-REJ");
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, "rejected"));
	kc_test_insert(w->db, r);
	kiscrm_money m = -1;
	assert_rc(KISCRM_OK, kiscrm_customer_receivable(&m, w->db, w->acme));
	assert_int_equal(YUAN(70000), m);
	assert_rc(KISCRM_OK, kiscrm_customer_receivable(&m, w->db, w->beta));
	assert_int_equal(0, m);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_customer_receivable(&m, w->db, 31337));
	assert_msg_has("31337");
}

/* --- plans -------------------------------------------------------------------------- */

static void test_plan_rules(void **state)
{
	world *w = *state;
	kiscrm_record *r = plan_rec(w->k1, w->o2, D(2025, 9, 1), YUAN(1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("not both");
	kiscrm_record_free(r);
	r = plan_rec(0, 0, D(2025, 9, 1), YUAN(1));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("neither");
	kiscrm_record_free(r);
	r = plan_rec(w->k1, 0, D(2025, 9, 1), 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_msg_has("0.00");
	assert_string_equal("amount", kiscrm_error_last()->field);
	kiscrm_record_free(r);
	/* O1 is won: no plan of its own */
	r = plan_rec(0, w->o1, D(2025, 9, 1), YUAN(1));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_insert(w->db, r));
	assert_msg_has("won");
	kiscrm_record_free(r);
	/* O2 is open: fine */
	kc_test_insert(w->db, plan_rec(0, w->o2, D(2025, 9, 1), YUAN(5000)));
	assert_int_equal(4, kc_test_count(w->db, KISCRM_KIND_COLLECTION_PLAN, NULL));
}

static void test_plan_instalments(void **state)
{
	world *w = *state;
	kiscrm_money got[4];
	/* the fixture's 30/40/30 plan */
	assert_int_equal(3, plan_amounts(w->db, w->k1, got, 4));
	assert_int_equal(YUAN(30000), got[0]);
	assert_int_equal(YUAN(40000), got[1]);
	assert_int_equal(YUAN(30000), got[2]);

	kiscrm_date due[2] = { D(2025, 3, 1), D(2025, 9, 1) };
	kiscrm_money less[2] = { YUAN(50000), YUAN(50000) - 1 };  /* 99999.99 */
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, due, less, 2, 0));
	assert_msg_has("99999.99");
	assert_msg_has("100000.00");
	kiscrm_money more[2] = { YUAN(50000), YUAN(50000) + 1 }; /* 100000.01 even with the flag */
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, due, more, 2,
								     KISCRM_PLAN_ALLOW_LESS));
	assert_msg_has("100000.01");
	kiscrm_money zero[2] = { YUAN(100000), 0 };
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, due, zero, 2, 0));
	assert_msg_has("instalment 2");
	kiscrm_date nodate[2] = { D(2025, 3, 1), KISCRM_DATE_NONE };
	kiscrm_money even[2] = { YUAN(50000), YUAN(50000) };
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, nodate, even, 2, 0));
	assert_msg_has("instalment 2");
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, due, even, 2, 0x8));
	assert_msg_has("0x8");
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, NULL, even, 2, 0));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_contract_plan_instalments(w->db, 888, due, even, 2, 0));
	assert_msg_has("888");
	/* nothing changed so far */
	assert_int_equal(3, plan_amounts(w->db, w->k1, got, 4));

	/* replace by 50/50, then by 99999.99 with the flag, then clear */
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(w->db, w->k1, due, even, 2, 0));
	assert_int_equal(2, plan_amounts(w->db, w->k1, got, 4));
	assert_int_equal(YUAN(50000), got[0]);
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(w->db, w->k1, due, less, 2, KISCRM_PLAN_ALLOW_LESS));
	assert_int_equal(2, plan_amounts(w->db, w->k1, got, 4));
	assert_int_equal(YUAN(50000) - 1, got[1]);
	assert_rc(KISCRM_EINVALID, kiscrm_contract_plan_instalments(w->db, w->k1, NULL, NULL, 0, 0));
	assert_rc(KISCRM_OK, kiscrm_contract_plan_instalments(w->db, w->k1, NULL, NULL, 0, KISCRM_PLAN_ALLOW_LESS));
	assert_int_equal(0, plan_amounts(w->db, w->k1, got, 4));
}

/* The plan is replaced in one transaction: a storage failure half-way leaves the old one. */
static void test_plan_instalments_atomic(void **state)
{
	(void)state;
	kiscrm_backend *inner = NULL, *failing = NULL;
	inner = kc_test_backend_new(); /* of the group's kind */
	assert_rc(KISCRM_OK, kc_failing_backend_new(&failing, inner, -1));
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	o.custom_backend = failing;
	world w;
	memset(&w, 0, sizeof(w));
	assert_rc(KISCRM_OK, kiscrm_db_open(&w.db, &o));
	build(&w);
	/* removing the 3 old entries and inserting the first new one succeed, the second
	 * insert fails */
	kc_failing_backend_set(failing, 4);
	kiscrm_date due[2] = { D(2025, 3, 1), D(2025, 9, 1) };
	kiscrm_money even[2] = { YUAN(50000), YUAN(50000) };
	assert_rc(KISCRM_ESTORAGE, kiscrm_contract_plan_instalments(w.db, w.k1, due, even, 2, 0));
	kc_failing_backend_set(failing, -1);
	kiscrm_money got[4];
	assert_int_equal(3, plan_amounts(w.db, w.k1, got, 4));
	assert_int_equal(YUAN(30000), got[0]);
	assert_int_equal(YUAN(40000), got[1]);
	assert_int_equal(YUAN(30000), got[2]);
	kiscrm_db_free(w.db);
}

/* --- overdue by the FIFO rule -------------------------------------------------------- */

static void test_overdue_fifo(void **state)
{
	world *w = *state;
	/* as of 05-20: 50000 collected pays 30000 (01-31) and 20000 of 40000 (04-30):
	 * overdue 20000.00; 07-31 not due */
	assert_int_equal(YUAN(20000), overdue(w->db, w->k1, D(2025, 5, 20)));
	/* as of 05-09 the 05-10 collection is not there yet: 20000 collected, due 30000 +
	 * 40000 → overdue 70000 − 20000 = 50000.00 */
	assert_int_equal(YUAN(50000), overdue(w->db, w->k1, D(2025, 5, 9)));
	/* as of 04-15: only the 01-31 instalment is due, 20000 of it paid → 10000.00 */
	assert_int_equal(YUAN(10000), overdue(w->db, w->k1, D(2025, 4, 15)));
	/* due today counts (as of the end of the day): 01-31 with nothing collected yet */
	assert_int_equal(YUAN(30000), overdue(w->db, w->k1, D(2025, 1, 31)));
	assert_int_equal(0, overdue(w->db, w->k1, D(2025, 1, 30)));
	/* as of 08-01 all three are due: 100000 − 50000 = 50000.00 */
	assert_int_equal(YUAN(50000), overdue(w->db, w->k1, D(2025, 8, 1)));
	kiscrm_money m;
	assert_rc(KISCRM_EINVALID, kiscrm_contract_overdue(&m, w->db, w->k1, KISCRM_DATE_NONE));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_contract_overdue(&m, w->db, 555, D(2025, 1, 1)));
	assert_msg_has("555");
}

static void test_overdue_plans_capped_by_contract(void **state)
{
	world *w = *state;
	/* 1000.00 contract, two single plan entries of 800.00 (1600 > 1000): the second counts
	 * only for the 200.00 left of the contract → overdue 1000.00, not 1600.00 */
	kiscrm_id k = add_contract(w->db, w->beta, w->bob, D(2025, 1, 1), YUAN(1000), NULL);
	kc_test_insert(w->db, plan_rec(k, 0, D(2025, 2, 1), YUAN(800)));
	kc_test_insert(w->db, plan_rec(k, 0, D(2025, 3, 1), YUAN(800)));
	assert_int_equal(YUAN(1000), overdue(w->db, k, D(2025, 4, 1)));
	/* 300 collected: pays 300 of the first → 500 + 200 = 700.00 */
	add_collection(w->db, k, D(2025, 3, 15), YUAN(300));
	assert_int_equal(YUAN(700), overdue(w->db, k, D(2025, 4, 1)));
}

/* --- ageing boundaries -------------------------------------------------------------- */

/* One bucket holds the whole 1000.00 instalment of a contract due on `due` with nothing
 * collected; returns the name of that bucket column ("not_due" when not yet due). */
static const char *bucket_of(kiscrm_db *db, kiscrm_id k, kiscrm_date as_of)
{
	static const char *const names[] = { "not_due", "0-30", "31-60", "61-90", "91-180", ">180" };
	kiscrm_table *t = report(db, 1, as_of, NULL, 0);
	const char *found = NULL;
	size_t row = 0;
	for (; row < kiscrm_table_row_count(t); row++)
		if (kiscrm_table_row_kind(t, row) == KISCRM_ROW_DETAIL && cell(t, row, "contract_id") == k)
			break;
	assert_true(row < kiscrm_table_row_count(t));
	for (size_t i = 0; i < 6; i++) {
		int64_t v = cell(t, row, names[i]);
		if (v == YUAN(1000)) {
			assert_null(found);
			found = names[i];
		} else {
			assert_int_equal(0, v);
		}
	}
	assert_int_equal(YUAN(1000), cell(t, row, "receivable"));
	kiscrm_table_free(t);
	assert_non_null(found);
	return found;
}

static void test_ageing_boundaries(void **state)
{
	world *w = *state;
	kiscrm_id k = add_contract(w->db, w->beta, w->bob, D(2024, 1, 1), YUAN(1000), "AGE");
	kiscrm_date due = D(2024, 3, 1);
	plan_one(w->db, k, due, YUAN(1000));
	/* days past due = as_of − due */
	assert_string_equal("not_due", bucket_of(w->db, k, due - 1));
	assert_string_equal("0-30", bucket_of(w->db, k, due));
	assert_string_equal("0-30", bucket_of(w->db, k, due + 30));
	assert_string_equal("31-60", bucket_of(w->db, k, due + 31));
	assert_string_equal("31-60", bucket_of(w->db, k, due + 60));
	assert_string_equal("61-90", bucket_of(w->db, k, due + 61));
	assert_string_equal("61-90", bucket_of(w->db, k, due + 90));
	assert_string_equal("91-180", bucket_of(w->db, k, due + 91));
	assert_string_equal("91-180", bucket_of(w->db, k, due + 180));
	assert_string_equal(">180", bucket_of(w->db, k, due + 181));
	assert_string_equal(">180", bucket_of(w->db, k, due + 1000));
}

/* --- reports ------------------------------------------------------------------------ */

/* The scenario of the report tests, on top of the fixture:
 *   K5 "HT-005": Acme, Alice (East), signed 03-01, 20000.00, plan 20000.00 due 04-01;
 *   K6 "HT-006": Beta, Bob (North), signed 02-01, 50000.00, plan 50000.00 due 03-01,
 *                collection 10000.00 on 03-05;
 *   K7 "HT-007": Beta, Carol (North), signed 05-01, 10000.00, no plan;
 *   K8 "HT-008": Beta, Carol, signed 02-01, 999.00, rejected (never counted);
 *   K9 "HT-009": Beta, Bob, signed 02-01, 500.00, fully collected on 02-02.
 * As of 2025-05-20:
 *   K1: amount 100000, collected 50000, receivable 50000; overdue 20000 of the 04-30
 *       instalment, 20 days → 0-30; not due 30000.
 *   K5: 20000, 0, 20000; overdue 20000, 04-01 → 05-20 = 29 + 20 = 49 days → 31-60.
 *   K6: 50000, 10000, 40000; overdue 40000, 03-01 → 05-20 = 31 + 30 + 19 = 80 → 61-90.
 *   K7: 10000, 0, 10000; nothing planned → not due 10000.
 *   K9: 500, 500, 0.
 */
typedef struct {
	kiscrm_id k5, k6, k7, k8, k9;
} more;

static more scenario(world *w)
{
	more m;
	m.k5 = add_contract(w->db, w->acme, w->alice, D(2025, 3, 1), YUAN(20000), "HT-005");
	plan_one(w->db, m.k5, D(2025, 4, 1), YUAN(20000));
	m.k6 = add_contract(w->db, w->beta, w->bob, D(2025, 2, 1), YUAN(50000), "HT-006");
	plan_one(w->db, m.k6, D(2025, 3, 1), YUAN(50000));
	add_collection(w->db, m.k6, D(2025, 3, 5), YUAN(10000));
	m.k7 = add_contract(w->db, w->beta, w->carol, D(2025, 5, 1), YUAN(10000), "HT-007");
	kiscrm_record *r = contract_rec(w->beta, w->carol, D(2025, 2, 1), YUAN(999), "HT-008");
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, "rejected"));
	m.k8 = kc_test_insert(w->db, r);
	m.k9 = add_contract(w->db, w->beta, w->bob, D(2025, 2, 1), YUAN(500), "HT-009");
	add_collection(w->db, m.k9, D(2025, 2, 2), YUAN(500));
	return m;
}

static void check_recv_row(const kiscrm_table *t, size_t row, kiscrm_money amount, kiscrm_money coll,
			   kiscrm_money recv, kiscrm_money over, kiscrm_money not_due)
{
	assert_int_equal(amount, cell(t, row, "amount"));
	assert_int_equal(coll, cell(t, row, "collected"));
	assert_int_equal(recv, cell(t, row, "receivable"));
	assert_int_equal(over, cell(t, row, "overdue"));
	assert_int_equal(not_due, cell(t, row, "not_due"));
}

static void test_report_receivables_per_contract(void **state)
{
	world *w = *state;
	more m = scenario(w);
	kiscrm_table *t = report(w->db, 0, D(2025, 5, 20), NULL, 0);
	assert_string_equal("receivables", kiscrm_table_name(t));
	/* K1, K5, K6, K7, K9 (K8 rejected) + total */
	assert_int_equal(6, kiscrm_table_row_count(t));
	assert_int_equal(w->k1, cell(t, 0, "contract_id"));
	assert_string_equal("HT-001", cell_text(t, 0, "number"));
	assert_string_equal("Acme Ltd", cell_text(t, 0, "customer"));
	assert_string_equal("Alice", cell_text(t, 0, "owner"));
	assert_string_equal("East", cell_text(t, 0, "department"));
	assert_int_equal(D(2025, 1, 10), cell(t, 0, "signed"));
	check_recv_row(t, 0, YUAN(100000), YUAN(50000), YUAN(50000), YUAN(20000), YUAN(30000));
	assert_int_equal(m.k5, cell(t, 1, "contract_id"));
	check_recv_row(t, 1, YUAN(20000), 0, YUAN(20000), YUAN(20000), 0);
	assert_int_equal(m.k6, cell(t, 2, "contract_id"));
	assert_string_equal("Beta Co", cell_text(t, 2, "customer"));
	assert_string_equal("North", cell_text(t, 2, "department"));
	check_recv_row(t, 2, YUAN(50000), YUAN(10000), YUAN(40000), YUAN(40000), 0);
	assert_int_equal(m.k7, cell(t, 3, "contract_id"));
	check_recv_row(t, 3, YUAN(10000), 0, YUAN(10000), 0, YUAN(10000));
	assert_int_equal(m.k9, cell(t, 4, "contract_id"));
	check_recv_row(t, 4, YUAN(500), YUAN(500), 0, 0, 0);
	/* total: 100000+20000+50000+10000+500 = 180500; 50000+10000+500 = 60500;
	 * receivable 120000; overdue 20000+20000+40000 = 80000; not due 40000 */
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 5));
	assert_true(kiscrm_table_is_null(t, 5, (size_t)col(t, "contract_id")));
	check_recv_row(t, 5, YUAN(180500), YUAN(60500), YUAN(120000), YUAN(80000), YUAN(40000));
	kiscrm_table_free(t);

	/* as of 04-30: K7 not signed yet, K1's 05-10 collection not received:
	 * K1 100000, 20000, 80000; due 30000 + 40000 − 20000 = 50000 overdue, 30000 not due */
	t = report(w->db, 0, D(2025, 4, 30), NULL, 0);
	assert_int_equal(5, kiscrm_table_row_count(t));
	check_recv_row(t, 0, YUAN(100000), YUAN(20000), YUAN(80000), YUAN(50000), YUAN(30000));
	kiscrm_table_free(t);

	/* owner filter: Bob's K6 and K9 only */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2025, 5, 20);
	o.owner_id = w->bob;
	assert_rc(KISCRM_OK, kiscrm_report_receivables(&t, w->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_int_equal(m.k6, cell(t, 0, "contract_id"));
	check_recv_row(t, 2, YUAN(50500), YUAN(10500), YUAN(40000), YUAN(40000), 0);
	kiscrm_table_free(t);
}

static void test_report_receivables_grouped(void **state)
{
	world *w = *state;
	scenario(w);
	int by_owner[1] = { KISCRM_GROUP_OWNER };
	kiscrm_table *t = report(w->db, 0, D(2025, 5, 20), by_owner, 1);
	/* Alice: K1 + K5; Bob: K6 + K9; Carol: K7 (K8 rejected) */
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_string_equal("owner", kiscrm_table_column_name(t, 0));
	assert_string_equal("Alice", kiscrm_table_text(t, 0, 0));
	assert_int_equal(2, cell(t, 0, "contracts"));
	check_recv_row(t, 0, YUAN(120000), YUAN(50000), YUAN(70000), YUAN(40000), YUAN(30000));
	assert_string_equal("Bob", kiscrm_table_text(t, 1, 0));
	assert_int_equal(2, cell(t, 1, "contracts"));
	check_recv_row(t, 1, YUAN(50500), YUAN(10500), YUAN(40000), YUAN(40000), 0);
	assert_string_equal("Carol", kiscrm_table_text(t, 2, 0));
	check_recv_row(t, 2, YUAN(10000), 0, YUAN(10000), 0, YUAN(10000));
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 3));
	assert_int_equal(5, cell(t, 3, "contracts"));
	check_recv_row(t, 3, YUAN(180500), YUAN(60500), YUAN(120000), YUAN(80000), YUAN(40000));
	kiscrm_table_free(t);

	int by_dept[1] = { KISCRM_GROUP_DEPARTMENT };
	t = report(w->db, 0, D(2025, 5, 20), by_dept, 1);
	/* East = Alice's; North = Bob's + Carol's: 50500 + 10000 = 60500, 10500 collected,
	 * receivable 50000, overdue 40000, not due 10000 */
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("East", kiscrm_table_text(t, 0, 0));
	check_recv_row(t, 0, YUAN(120000), YUAN(50000), YUAN(70000), YUAN(40000), YUAN(30000));
	assert_string_equal("North", kiscrm_table_text(t, 1, 0));
	assert_int_equal(3, cell(t, 1, "contracts"));
	check_recv_row(t, 1, YUAN(60500), YUAN(10500), YUAN(50000), YUAN(40000), YUAN(10000));
	kiscrm_table_free(t);

	/* department filter North, grouped by owner: Bob and Carol only */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2025, 5, 20);
	o.department_id = w->north;
	o.group_by = by_owner;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_receivables(&t, w->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("Bob", kiscrm_table_text(t, 0, 0));
	assert_string_equal("Carol", kiscrm_table_text(t, 1, 0));
	check_recv_row(t, 2, YUAN(60500), YUAN(10500), YUAN(50000), YUAN(40000), YUAN(10000));
	kiscrm_table_free(t);
}

static void check_ageing_row(const kiscrm_table *t, size_t row, kiscrm_money recv, kiscrm_money not_due,
			     kiscrm_money b30, kiscrm_money b60, kiscrm_money b90, kiscrm_money b180,
			     kiscrm_money over180)
{
	assert_int_equal(recv, cell(t, row, "receivable"));
	assert_int_equal(not_due, cell(t, row, "not_due"));
	assert_int_equal(b30, cell(t, row, "0-30"));
	assert_int_equal(b60, cell(t, row, "31-60"));
	assert_int_equal(b90, cell(t, row, "61-90"));
	assert_int_equal(b180, cell(t, row, "91-180"));
	assert_int_equal(over180, cell(t, row, ">180"));
	assert_int_equal(b30 + b60 + b90 + b180 + over180, cell(t, row, "overdue"));
}

static void test_report_ageing(void **state)
{
	world *w = *state;
	more m = scenario(w);
	kiscrm_table *t = report(w->db, 1, D(2025, 5, 20), NULL, 0);
	assert_string_equal("ageing", kiscrm_table_name(t));
	/* K9 has nothing receivable, K8 is rejected: K1, K5, K6, K7 + total */
	assert_int_equal(5, kiscrm_table_row_count(t));
	assert_int_equal(w->k1, cell(t, 0, "contract_id"));
	check_ageing_row(t, 0, YUAN(50000), YUAN(30000), YUAN(20000), 0, 0, 0, 0);
	assert_int_equal(m.k5, cell(t, 1, "contract_id"));
	check_ageing_row(t, 1, YUAN(20000), 0, 0, YUAN(20000), 0, 0, 0);
	assert_int_equal(m.k6, cell(t, 2, "contract_id"));
	check_ageing_row(t, 2, YUAN(40000), 0, 0, 0, YUAN(40000), 0, 0);
	assert_int_equal(m.k7, cell(t, 3, "contract_id"));
	check_ageing_row(t, 3, YUAN(10000), YUAN(10000), 0, 0, 0, 0, 0);
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 4));
	check_ageing_row(t, 4, YUAN(120000), YUAN(40000), YUAN(20000), YUAN(20000), YUAN(40000), 0, 0);
	kiscrm_table_free(t);

	/* as of 05-09 (collected: K1 20000, K6 10000): K1's 01-31 instalment has 10000
	 * unpaid for 98 days (28 + 31 + 30 + 9) → 91-180, the 04-30 one 40000 for 9 days →
	 * 0-30; not due 80000 − 50000 = 30000. K5 38 days (29 + 9) → 31-60. K6 69 days
	 * (31 + 30 + 8) → 61-90. K7 signed 05-01 → not due. */
	t = report(w->db, 1, D(2025, 5, 9), NULL, 0);
	check_ageing_row(t, 0, YUAN(80000), YUAN(30000), YUAN(40000), 0, 0, YUAN(10000), 0);
	check_ageing_row(t, 1, YUAN(20000), 0, 0, YUAN(20000), 0, 0, 0);
	check_ageing_row(t, 2, YUAN(40000), 0, 0, 0, YUAN(40000), 0, 0);
	kiscrm_table_free(t);

	/* grouped by department as of 05-20: East = K1 + K5, North = K6 + K7 (K9 has no
	 * receivable and is not counted) */
	int by_dept[1] = { KISCRM_GROUP_DEPARTMENT };
	t = report(w->db, 1, D(2025, 5, 20), by_dept, 1);
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("East", kiscrm_table_text(t, 0, 0));
	assert_int_equal(2, cell(t, 0, "contracts"));
	check_ageing_row(t, 0, YUAN(70000), YUAN(30000), YUAN(20000), YUAN(20000), 0, 0, 0);
	assert_string_equal("North", kiscrm_table_text(t, 1, 0));
	assert_int_equal(2, cell(t, 1, "contracts"));
	check_ageing_row(t, 1, YUAN(50000), YUAN(10000), 0, 0, YUAN(40000), 0, 0);
	assert_int_equal(4, cell(t, 2, "contracts"));
	check_ageing_row(t, 2, YUAN(120000), YUAN(40000), YUAN(20000), YUAN(20000), YUAN(40000), 0, 0);
	kiscrm_table_free(t);
}

static void test_report_bad_input(void **state)
{
	world *w = *state;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_EINVALID, kiscrm_report_receivables(NULL, w->db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_ageing(&t, NULL, NULL));
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_report_ageing(&t, w->db, &o));
	int bad[1] = { 42 };
	kiscrm_report_options g = KISCRM_REPORT_OPTIONS_INIT;
	g.group_by = bad;
	g.ngroup = 1;
	assert_rc(KISCRM_EINVALID, kiscrm_report_receivables(&t, w->db, &g));
	assert_msg_has("42");
	assert_null(t);
	/* an empty database still gives the total row */
	kiscrm_db *empty = NULL;
	kiscrm_db_options d = KISCRM_DB_OPTIONS_INIT;
	char conn[1024];
	d.backend = kc_test_backend();
	if (strcmp(d.backend, "postgresql") == 0) {
		assert_int_equal(0, kc_test_pg_fresh(conn, sizeof(conn)));
		d.path = conn;
	}
	assert_rc(KISCRM_OK, kiscrm_db_open(&empty, &d));
	t = report(empty, 1, D(2025, 1, 1), NULL, 0);
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(0, cell(t, 0, "receivable"));
	kiscrm_table_free(t);
	kiscrm_db_free(empty);
}

#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, kc_test_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_contract_derived_fields),
		T(test_contract_bad_input),
		T(test_contract_amount_not_below_collected),
		T(test_first_contract),
		T(test_collected_and_receivable),
		T(test_over_collection_refused),
		T(test_over_collection_allowed_by_flag),
		T(test_collection_bad_input),
		T(test_customer_receivable),
		T(test_plan_rules),
		T(test_plan_instalments),
		cmocka_unit_test(test_plan_instalments_atomic),
		T(test_overdue_fifo),
		T(test_overdue_plans_capped_by_contract),
		T(test_ageing_boundaries),
		T(test_report_receivables_per_contract),
		T(test_report_receivables_grouped),
		T(test_report_ageing),
		T(test_report_bad_input),
	};
	return kc_test_run_both(tests);
}

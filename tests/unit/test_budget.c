/* The eight-week rolling budget, snapshots, snapshot comparison and forecast accuracy on a
 * hand-built partner company over three consecutive weeks, on both backends.
 *
 * Calendar (weeks start on Monday): A = Mon 2026-06-01, B = Mon 2026-06-08, C = Mon
 * 2026-06-15. The rolling table of week W shows the past week W−1 and w1..w8 = W..W+7.
 *
 * People: Li Lei and Wang Fang, both of department "Sales". Customers Alpha, Beta, Gamma.
 * All amounts in fen. Opportunities (business line direct, product line professional):
 *   O1 Li,   Alpha, 1 000 000, commercial (80 %), expected 06-10 (week B)
 *   O2 Li,   Beta,    333 333, design with a manual 35 %, expected 06-05 (week A)
 *   O3 Wang, Gamma,   500 000, diagnosis (30 %), expected 06-17 (week C)
 *   O4 Wang, Alpha,   200 001, opportunity (10 %), expected 07-20; collection plan 07-22 200 001
 * Weighted: O1 800 000; O2 333 333 × 35 % = 116 666.55 → 116 667; O3 150 000;
 *           O4 200 001 × 10 % = 20 000.1 → 20 000.
 *
 * Week A: snapshot A (as of 06-01). Then O2 slips to 06-24; O5 (Wang, Beta, 300 000,
 * commercial 80 % → 240 000, expected 06-12) is created.
 * Week B: snapshot B (as of 06-08). Then O1 is won on 06-10: contract C1 of 900 000 signed
 * 06-10 with plans 06-12 400 000 and 06-26 500 000, collections 06-12 250 000 and 06-15
 * 50 000; O3 is lost; O5's amount becomes 310 000 (80 % → 248 000), date unchanged.
 * Week C: snapshot C (as of 06-15). */
#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
	kiscrm_db *db;
	kiscrm_id dept, li, wang, alpha, beta, gamma;
	kiscrm_id o[6]; /* o[1] … o[5] */
	kiscrm_id c1;
} fixture;

static kiscrm_date D(int y, int m, int d)
{
	kiscrm_date x;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&x, y, m, d));
	return x;
}

static kiscrm_time T(int y, int m, int d)
{
	return (kiscrm_time)D(y, m, d) * 86400 + 9 * 3600;
}

/* probability < 0: follow the stage */
static kiscrm_id opportunity(kiscrm_db *db, const char *name, kiscrm_id cust, kiscrm_id owner,
			     kiscrm_money amount, const char *stage, int probability, kiscrm_date close)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_BUSINESS_LINE, "direct"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PRODUCT_LINE, "professional"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, close));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	if (probability >= 0) {
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, probability));
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, 1));
	}
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D(2026, 5, 1)));
	return kc_test_insert(db, r);
}

static void opp_update(kiscrm_db *db, kiscrm_id id, int field, int64_t v)
{
	kiscrm_record *r;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_OPPORTUNITY, id));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, field, v));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
}

static void plan(kiscrm_db *db, int field, kiscrm_id owner, kiscrm_date due, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, field, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_DUE, due));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, amount));
	kc_test_insert(db, r);
}

static void collection(kiscrm_db *db, kiscrm_id contract, kiscrm_date d, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_CONTRACT_ID, contract));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_RECEIVED, d));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_AMOUNT, amount));
	kc_test_insert(db, r);
}

static void target(kiscrm_db *db, const char *metric, kiscrm_date week, kiscrm_id owner, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, metric));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_WEEK));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, week));
	if (owner)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, amount));
	kc_test_insert(db, r);
}

static kiscrm_db *open_db(const char *backend, const char *config_dir)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db;
	o.backend = backend;
	o.config_dir = config_dir;
	assert_rc(KISCRM_OK, kiscrm_db_open(&db, &o));
	return db;
}

static void org(fixture *f)
{
	f->dept = kc_test_department(f->db, "Sales", 0);
	f->li = kc_test_staff(f->db, "Li Lei", f->dept, "key_account_manager");
	f->wang = kc_test_staff(f->db, "Wang Fang", f->dept, "key_account_manager");
	f->alpha = kc_test_customer(f->db, "Alpha Ltd");
	f->beta = kc_test_customer(f->db, "Beta Ltd");
	f->gamma = kc_test_customer(f->db, "Gamma Ltd");
}

/* ---- table access ---- */

static int colx(const kiscrm_table *t, const char *name)
{
	int c = kiscrm_table_column_index(t, name);
	if (c < 0)
		fail_msg("no column %s", name);
	return c;
}

static int64_t I(const kiscrm_table *t, size_t row, const char *name)
{
	int c = colx(t, name);
	if (kiscrm_table_is_null(t, row, (size_t)c))
		fail_msg("row %zu column %s is NULL", row, name);
	return kiscrm_table_int(t, row, (size_t)c);
}

static int is_null(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_is_null(t, row, (size_t)colx(t, name));
}

static double R(const kiscrm_table *t, size_t row, const char *name)
{
	int c = colx(t, name);
	if (kiscrm_table_is_null(t, row, (size_t)c))
		fail_msg("row %zu column %s is NULL", row, name);
	return kiscrm_table_rate(t, row, (size_t)c);
}

static const char *S(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_text(t, row, (size_t)colx(t, name));
}

/* The detail row of an opportunity (kind "opportunity") or a contract. */
static size_t row_of(const kiscrm_table *t, const char *kind, const char *idcol, kiscrm_id id)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (kiscrm_table_row_kind(t, r) == KISCRM_ROW_DETAIL && S(t, r, "kind") &&
		    strcmp(S(t, r, "kind"), kind) == 0 && !is_null(t, r, idcol) && I(t, r, idcol) == id)
			return r;
	fail_msg("no %s row with %s %lld", kind, idcol, (long long)id);
	return 0;
}

static size_t last_row(const kiscrm_table *t)
{
	return kiscrm_table_row_count(t) - 1;
}

static kiscrm_table *rolling(kiscrm_db *db, kiscrm_date as_of, const int *groups, size_t ngroup)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = as_of;
	o.group_by = groups;
	o.ngroup = ngroup;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_budget(&t, db, &o));
	return t;
}

/* Expect the money cells wK_contract, wK_weighted, wK_collection. */
static void week_is(const kiscrm_table *t, size_t row, int k, kiscrm_money c, kiscrm_money w, kiscrm_money l)
{
	char a[32], b[32], d[32];
	snprintf(a, sizeof(a), "w%d_contract", k);
	snprintf(b, sizeof(b), "w%d_weighted", k);
	snprintf(d, sizeof(d), "w%d_collection", k);
	assert_int_equal(c, I(t, row, a));
	assert_int_equal(w, I(t, row, b));
	assert_int_equal(l, I(t, row, d));
}

/* ---- the scenario, step by step ---- */

static void week_a(fixture *f)
{
	org(f);
	f->o[1] = opportunity(f->db, "O1 ERP", f->alpha, f->li, 1000000, "commercial", -1, D(2026, 6, 10));
	f->o[2] = opportunity(f->db, "O2 HR", f->beta, f->li, 333333, "design", 35, D(2026, 6, 5));
	f->o[3] = opportunity(f->db, "O3 CRM", f->gamma, f->wang, 500000, "diagnosis", -1, D(2026, 6, 17));
	f->o[4] = opportunity(f->db, "O4 Mini", f->alpha, f->wang, 200001, "opportunity", -1, D(2026, 7, 20));
	plan(f->db, KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID, f->o[4], D(2026, 7, 22), 200001);
}

static void check_table_a(fixture *f)
{
	/* As of Mon 06-01: W = 06-01, no snapshot of week 05-25 → plans NULL.
	 * O2 06-05 → w1; O1 06-10 → w2; O3 06-17 → w3; O4 07-20 = W + 49 days → w8, its plan
	 * 07-22 = W + 51 → w8. */
	kiscrm_table *t = rolling(f->db, D(2026, 6, 1), NULL, 0);
	assert_int_equal(5, kiscrm_table_row_count(t)); /* 4 opportunities + total */
	size_t r2 = row_of(t, "opportunity", "opportunity_id", f->o[2]);
	assert_true(is_null(t, r2, "pw_contract_plan"));
	assert_true(is_null(t, r2, "pw_contract_rate"));
	assert_int_equal(0, I(t, r2, "pw_contract_actual"));
	week_is(t, r2, 1, 333333, 116667, 0);
	assert_string_equal("Beta Ltd", S(t, r2, "customer"));
	assert_string_equal("Li Lei", S(t, r2, "owner"));
	assert_string_equal("Sales", S(t, r2, "department"));
	assert_string_equal("design", S(t, r2, "stage"));
	assert_int_equal(35, I(t, r2, "probability"));
	week_is(t, row_of(t, "opportunity", "opportunity_id", f->o[1]), 2, 1000000, 800000, 0);
	week_is(t, row_of(t, "opportunity", "opportunity_id", f->o[3]), 3, 500000, 150000, 0);
	size_t r4 = row_of(t, "opportunity", "opportunity_id", f->o[4]);
	week_is(t, r4, 8, 200001, 20000, 200001);
	week_is(t, r4, 7, 0, 0, 0);
	size_t tot = last_row(t);
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, tot));
	/* 333 333 + 1 000 000 + 500 000 + 200 001 = 2 033 334;
	 * weighted 116 667 + 800 000 + 150 000 + 20 000 = 1 086 667 */
	assert_int_equal(2033334, I(t, tot, "total_contract"));
	assert_int_equal(1086667, I(t, tot, "total_weighted"));
	assert_int_equal(200001, I(t, tot, "total_collection"));
	assert_true(is_null(t, tot, "pw_contract_plan"));
	kiscrm_table_free(t);
}

static void week_b(fixture *f)
{
	/* during week A: O2 slips from 06-05 to 06-24, O5 appears */
	opp_update(f->db, f->o[2], KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D(2026, 6, 24));
	f->o[5] = opportunity(f->db, "O5 POS", f->beta, f->wang, 300000, "commercial", -1, D(2026, 6, 12));
}

static void check_table_b(fixture *f)
{
	/* As of 06-08: past week A planned from snapshot A's week 06-01: O2 333 333 (then
	 * expected 06-05), nothing signed → rate 0. O1 planned 0 in week A → rate NULL.
	 * w1 = 06-08: O1 (06-10) 1 000 000 / 800 000, O5 (06-12) 300 000 / 240 000. */
	kiscrm_table *t = rolling(f->db, D(2026, 6, 8), NULL, 0);
	size_t r2 = row_of(t, "opportunity", "opportunity_id", f->o[2]);
	assert_int_equal(333333, I(t, r2, "pw_contract_plan"));
	assert_int_equal(0, I(t, r2, "pw_contract_actual"));
	assert_true(R(t, r2, "pw_contract_rate") == 0.0);
	week_is(t, r2, 3, 333333, 116667, 0); /* 06-24 is in week 06-22 = w3 */
	size_t r1 = row_of(t, "opportunity", "opportunity_id", f->o[1]);
	assert_int_equal(0, I(t, r1, "pw_contract_plan"));
	assert_true(is_null(t, r1, "pw_contract_rate"));
	size_t tot = last_row(t);
	week_is(t, tot, 1, 1300000, 1040000, 0);
	assert_int_equal(333333, I(t, tot, "pw_contract_plan"));
	kiscrm_table_free(t);
}

static void check_diff_b(fixture *f)
{
	/* B against A: O5 new; O2 slipped 06-05 → 06-24; O1, O3, O4 unchanged (left out).
	 * Order: new before slipped. */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = D(2026, 6, 10);
	assert_rc(KISCRM_OK, kiscrm_report_snapshot_diff(&t, f->db, &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("new", S(t, 0, "change"));
	assert_int_equal(f->o[5], I(t, 0, "opportunity_id"));
	assert_true(is_null(t, 0, "old_amount"));
	assert_int_equal(300000, I(t, 0, "amount_delta"));
	assert_string_equal("slipped", S(t, 1, "change"));
	assert_int_equal(f->o[2], I(t, 1, "opportunity_id"));
	assert_int_equal(D(2026, 6, 5), I(t, 1, "old_date"));
	assert_int_equal(D(2026, 6, 24), I(t, 1, "new_date"));
	assert_int_equal(0, I(t, 1, "amount_delta"));
	assert_string_equal("Li Lei", S(t, 1, "owner"));
	kiscrm_table_free(t);
}

static void week_c(fixture *f)
{
	/* during week B: O1 won → C1; O3 lost; O5 amount 310 000 */
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, f->o[1], "won", T(2026, 6, 10), 0));
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, "HT-2026-001"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, f->alpha));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OPPORTUNITY_ID, f->o[1]));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, D(2026, 6, 10)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, 900000));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, f->li));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_BUSINESS_LINE, "direct"));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_PRODUCT_LINE, "professional"));
	f->c1 = kc_test_insert(f->db, r);
	plan(f->db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, f->c1, D(2026, 6, 12), 400000);
	plan(f->db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, f->c1, D(2026, 6, 26), 500000);
	collection(f->db, f->c1, D(2026, 6, 12), 250000);
	collection(f->db, f->c1, D(2026, 6, 15), 50000);
	assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, f->o[3], "lost", T(2026, 6, 11), 0));
	opp_update(f->db, f->o[5], KISCRM_OPPORTUNITY_AMOUNT, 310000);
}

static void check_table_c(fixture *f, int grouped)
{
	/* As of Mon 06-15: W = 06-15, past week B = 06-08..06-14, planned from snapshot B.
	 * C1 (O1's contract): planned 1 000 000 (snapshot B, O1 expected 06-10), signed 900 000
	 *   → rate 0.9; collections: planned 0, received 250 000 in week B → rate NULL.
	 *   FIFO with 300 000 received up to 06-15: plan 06-12 400 000 keeps 100 000 (overdue
	 *   → w1), plan 06-26 500 000 → w2 (06-22).
	 * O5: planned 300 000, signed 0 → rate 0; still open, 06-12 is overdue → w1 310 000,
	 *   weighted 248 000.
	 * O2: planned 0 in week B (expected 06-24 then) → rate NULL; 06-24 → w2 333 333 / 116 667.
	 * O4: 07-20 = W + 35 → w6 200 001 / 20 000, plan 07-22 → w6 200 001.
	 * O3 is lost and had no plan for week B → not a row. */
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	kiscrm_table *t = rolling(f->db, D(2026, 6, 15), grouped ? by_owner : NULL, grouped ? 1 : 0);
	/* detail rows: O2, O4, O5, C1 (+ 2 subtotals when grouped) + total */
	assert_int_equal(grouped ? 7 : 5, kiscrm_table_row_count(t));
	size_t c = row_of(t, "contract", "contract_id", f->c1);
	assert_int_equal(f->o[1], I(t, c, "opportunity_id"));
	assert_string_equal("HT-2026-001", S(t, c, "project"));
	assert_true(is_null(t, c, "stage"));
	assert_int_equal(1000000, I(t, c, "pw_contract_plan"));
	assert_int_equal(900000, I(t, c, "pw_contract_actual"));
	assert_true(fabs(R(t, c, "pw_contract_rate") - 0.9) < 1e-12);
	assert_int_equal(0, I(t, c, "pw_collection_plan"));
	assert_int_equal(250000, I(t, c, "pw_collection_actual"));
	assert_true(is_null(t, c, "pw_collection_rate"));
	week_is(t, c, 1, 0, 0, 100000);
	week_is(t, c, 2, 0, 0, 500000);
	size_t r5 = row_of(t, "opportunity", "opportunity_id", f->o[5]);
	assert_int_equal(300000, I(t, r5, "pw_contract_plan"));
	assert_true(R(t, r5, "pw_contract_rate") == 0.0);
	week_is(t, r5, 1, 310000, 248000, 0);
	size_t r2 = row_of(t, "opportunity", "opportunity_id", f->o[2]);
	assert_true(is_null(t, r2, "pw_contract_rate"));
	week_is(t, r2, 2, 333333, 116667, 0);
	week_is(t, row_of(t, "opportunity", "opportunity_id", f->o[4]), 6, 200001, 20000, 200001);
	size_t tot = last_row(t);
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, tot));
	/* plan 1 000 000 + 300 000 = 1 300 000; actual 900 000 → 9/13 */
	assert_int_equal(1300000, I(t, tot, "pw_contract_plan"));
	assert_int_equal(900000, I(t, tot, "pw_contract_actual"));
	assert_true(fabs(R(t, tot, "pw_contract_rate") - 9.0 / 13.0) < 1e-12);
	week_is(t, tot, 1, 310000, 248000, 100000);
	week_is(t, tot, 2, 333333, 116667, 500000);
	week_is(t, tot, 6, 200001, 20000, 200001);
	/* 310 000 + 333 333 + 200 001; 248 000 + 116 667 + 20 000; 100 000 + 500 000 + 200 001 */
	assert_int_equal(843334, I(t, tot, "total_contract"));
	assert_int_equal(384667, I(t, tot, "total_weighted"));
	assert_int_equal(800001, I(t, tot, "total_collection"));
	if (grouped) {
		/* Li: O2, C1 then subtotal; Wang: O4, O5 then subtotal */
		assert_string_equal("Li Lei", S(t, 0, "owner"));
		assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 2));
		assert_string_equal("Li Lei", S(t, 2, "owner"));
		assert_int_equal(1000000, I(t, 2, "pw_contract_plan"));
		assert_true(fabs(R(t, 2, "pw_contract_rate") - 0.9) < 1e-12);
		week_is(t, 2, 1, 0, 0, 100000);
		week_is(t, 2, 2, 333333, 116667, 500000);
		assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 5));
		assert_string_equal("Wang Fang", S(t, 5, "owner"));
		assert_int_equal(300000, I(t, 5, "pw_contract_plan"));
		assert_true(R(t, 5, "pw_contract_rate") == 0.0);
		week_is(t, 5, 1, 310000, 248000, 0);
		week_is(t, 5, 6, 200001, 20000, 200001);
		assert_int_equal(510001, I(t, 5, "total_contract"));
	}
	kiscrm_table_free(t);
}

/* The summary is the full table's sub-total and total rows, without the project rows and
 * project columns, each equal cell by cell to its row in the full table (checked by hand
 * above in check_table_c): by owner 2 owners + the total = 3 rows. Also grouped by
 * department and owner (the group found from the ids) and by business line, department
 * and owner (a text dimension the summary keeps only when it groups by it). */
static void summary_equals_full(fixture *f, const int *group_by, size_t ngroup, size_t want_rows)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *sum, *full = rolling(f->db, D(2026, 6, 17), group_by, ngroup);
	o.as_of = D(2026, 6, 17);
	o.group_by = group_by;
	o.ngroup = ngroup;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_summary(&sum, f->db, &o));
	assert_int_equal(want_rows, kiscrm_table_row_count(sum));
	assert_int_equal(KISCRM_ENOTFOUND, kiscrm_table_column_index(sum, "project"));
	size_t s = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(full); r++) {
		if (kiscrm_table_row_kind(full, r) == KISCRM_ROW_DETAIL)
			continue;
		assert_int_equal(kiscrm_table_row_kind(full, r), kiscrm_table_row_kind(sum, s));
		for (size_t c = 0; c < kiscrm_table_column_count(sum); c++) {
			const char *name = kiscrm_table_column_name(sum, c);
			int fc = kiscrm_table_column_index(full, name);
			assert_true(fc >= 0);
			assert_int_equal(kiscrm_table_is_null(full, r, (size_t)fc), kiscrm_table_is_null(sum, s, c));
			if (kiscrm_table_column_type(sum, c) == KISCRM_TYPE_TEXT)
				assert_str_or_null(kiscrm_table_text(full, r, (size_t)fc), kiscrm_table_text(sum, s, c));
			else if (kiscrm_table_column_type(sum, c) == KISCRM_TYPE_RATE)
				assert_true(kiscrm_table_rate(full, r, (size_t)fc) == kiscrm_table_rate(sum, s, c));
			else
				assert_int_equal(kiscrm_table_int(full, r, (size_t)fc), kiscrm_table_int(sum, s, c));
		}
		s++;
	}
	assert_int_equal(want_rows, s);
	kiscrm_table_free(sum);
	kiscrm_table_free(full);
}

static void check_summary_c(fixture *f)
{
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	static const int by_dept_owner[2] = { KISCRM_GROUP_DEPARTMENT, KISCRM_GROUP_OWNER };
	static const int by_line_dept_owner[3] = { KISCRM_GROUP_BUSINESS_LINE, KISCRM_GROUP_DEPARTMENT,
						   KISCRM_GROUP_OWNER };
	summary_equals_full(f, by_owner, 1, 3);
	summary_equals_full(f, by_dept_owner, 2, 3);
	/* the fixture's projects are in one business line or none: still one row per owner
	 * and line, checked against the full table whatever their number */
	kiscrm_table *full = rolling(f->db, D(2026, 6, 17), by_line_dept_owner, 3);
	size_t rows = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(full); r++)
		rows += kiscrm_table_row_kind(full, r) != KISCRM_ROW_DETAIL;
	kiscrm_table_free(full);
	assert_true(rows >= 3);
	summary_equals_full(f, by_line_dept_owner, 3, rows);
}

static void check_gap_c(fixture *f)
{
	/* Weekly contract targets: company 06-15 500 000, 06-22 400 000; Li 200 000 / 300 000;
	 * Wang 300 000 / 100 000. Company collection target 06-15 150 000. */
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = D(2026, 6, 17);
	o.group_by = by_owner;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_gap(&t, f->db, &o));
	/* 2 owners × 16 + 16 company rows */
	assert_int_equal(48, kiscrm_table_row_count(t));
	/* Li, contract, w1: target 200 000, expected 0 → gap 200 000 */
	assert_string_equal("Li Lei", S(t, 0, "owner"));
	assert_string_equal("contract_amount", S(t, 0, "metric"));
	assert_int_equal(D(2026, 6, 15), I(t, 0, "week_start"));
	assert_int_equal(200000, I(t, 0, "target"));
	assert_int_equal(200000, I(t, 0, "gap"));
	/* Li w2: 300 000 − 333 333 = −33 333; weighted 300 000 − 116 667 = 183 333;
	 * cumulative 500 000 − 333 333 = 166 667 */
	assert_int_equal(-33333, I(t, 1, "gap"));
	assert_int_equal(183333, I(t, 1, "weighted_gap"));
	assert_int_equal(166667, I(t, 1, "cum_gap"));
	/* Li w3: no target → NULL; cumulative stays 166 667 */
	assert_true(is_null(t, 2, "target"));
	assert_true(is_null(t, 2, "gap"));
	assert_int_equal(166667, I(t, 2, "cum_gap"));
	/* Wang w1: 300 000 − 310 000 = −10 000; w2 100 000 − 0; cumulative 400 000 − 310 000 */
	assert_string_equal("Wang Fang", S(t, 16, "owner"));
	assert_int_equal(-10000, I(t, 16, "gap"));
	assert_int_equal(100000, I(t, 17, "gap"));
	assert_int_equal(90000, I(t, 17, "cum_gap"));
	/* company rows start at 32: w1 500 000 − 310 000 = 190 000, weighted 500 000 − 248 000;
	 * w2 400 000 − 333 333 = 66 667, cumulative 900 000 − 643 333 = 256 667 */
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 32));
	assert_true(is_null(t, 32, "owner"));
	assert_int_equal(190000, I(t, 32, "gap"));
	assert_int_equal(252000, I(t, 32, "weighted_gap"));
	assert_int_equal(66667, I(t, 33, "gap"));
	assert_int_equal(900000, I(t, 33, "cum_target"));
	assert_int_equal(643333, I(t, 33, "cum_expected"));
	assert_int_equal(256667, I(t, 33, "cum_gap"));
	/* company collections w1: 150 000 − 100 000 */
	assert_string_equal("collection_amount", S(t, 40, "metric"));
	assert_int_equal(50000, I(t, 40, "gap"));
	assert_true(is_null(t, 41, "target"));
	kiscrm_table_free(t);
}

static void check_diff_c(fixture *f)
{
	/* C against B: O1 won (opportunity → contract C1, 1 000 000 → 900 000); O3 lost (gone
	 * from C, lost now); O5 amount_changed 300 000 → 310 000 (date 06-12 unchanged).
	 * O2 (06-24) and O4 unchanged. Order: won, lost, amount_changed. */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = D(2026, 6, 21); /* Sunday: still week C */
	assert_rc(KISCRM_OK, kiscrm_report_snapshot_diff(&t, f->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("won", S(t, 0, "change"));
	assert_string_equal("contract", S(t, 0, "kind"));
	assert_int_equal(f->c1, I(t, 0, "contract_id"));
	assert_int_equal(-100000, I(t, 0, "amount_delta"));
	assert_string_equal("commercial", S(t, 0, "old_stage"));
	assert_string_equal("lost", S(t, 1, "change"));
	assert_int_equal(f->o[3], I(t, 1, "opportunity_id"));
	assert_int_equal(500000, I(t, 1, "old_contract"));
	assert_string_equal("amount_changed", S(t, 2, "change"));
	assert_int_equal(f->o[5], I(t, 2, "opportunity_id"));
	assert_int_equal(300000, I(t, 2, "old_amount"));
	assert_int_equal(310000, I(t, 2, "new_amount"));
	assert_int_equal(10000, I(t, 2, "amount_delta"));
	kiscrm_table_free(t);
}

static void check_accuracy(fixture *f)
{
	/* Measured weeks before C: A (snapshot A) and B (snapshot B).
	 * Contracts: week A: Li F 333 333 (O2), A 0 → 0; Wang F 0, A 0 → 1.
	 *            week B: Li F 1 000 000 (O1), A 900 000 → 1 − 100 000/1 000 000 = 0.9;
	 *                    Wang F 300 000 (O5), A 0 → 0.
	 *   Li (0 + 0.9)/2 = 0.45; Wang (1 + 0)/2 = 0.5.
	 * Collections: nothing forecast in A or B; received 250 000 in B (C1, Li):
	 *   Li (1 + 0)/2 = 0.5; Wang (1 + 1)/2 = 1.
	 * Company: contracts A: F 333 333, A 0 → 0; B: F 1 300 000, A 900 000 → 1 − 4/13 = 9/13;
	 *   average 9/26. Collections (1 + 0)/2 = 0.5. */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = D(2026, 6, 15);
	assert_rc(KISCRM_OK, kiscrm_report_forecast_accuracy(&t, f->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("Li Lei", S(t, 0, "owner"));
	assert_int_equal(2, I(t, 0, "weeks"));
	assert_int_equal(1333333, I(t, 0, "contract_forecast"));
	assert_int_equal(900000, I(t, 0, "contract_actual"));
	assert_true(fabs(R(t, 0, "contract_accuracy") - 0.45) < 1e-12);
	assert_true(fabs(R(t, 0, "collection_accuracy") - 0.5) < 1e-12);
	assert_int_equal(250000, I(t, 0, "collection_actual"));
	assert_string_equal("Wang Fang", S(t, 1, "owner"));
	assert_true(fabs(R(t, 1, "contract_accuracy") - 0.5) < 1e-12);
	assert_true(fabs(R(t, 1, "collection_accuracy") - 1.0) < 1e-12);
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 2));
	assert_true(fabs(R(t, 2, "contract_accuracy") - 9.0 / 26.0) < 1e-12);
	assert_true(fabs(R(t, 2, "collection_accuracy") - 0.5) < 1e-12);
	kiscrm_table_free(t);

	/* per department: one group "Sales" with the company's figures */
	static const int by_dept[1] = { KISCRM_GROUP_DEPARTMENT };
	o.group_by = by_dept;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_forecast_accuracy(&t, f->db, &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("Sales", S(t, 0, "department"));
	assert_true(fabs(R(t, 0, "contract_accuracy") - 9.0 / 26.0) < 1e-12);
	kiscrm_table_free(t);

	/* only week B (from/to): Li 0.9, Wang 0 */
	o.group_by = NULL;
	o.ngroup = 0;
	o.from = D(2026, 6, 8);
	o.to = D(2026, 6, 15);
	assert_rc(KISCRM_OK, kiscrm_report_forecast_accuracy(&t, f->db, &o));
	assert_int_equal(1, I(t, 0, "weeks"));
	assert_true(fabs(R(t, 0, "contract_accuracy") - 0.9) < 1e-12);
	assert_true(R(t, 1, "contract_accuracy") == 0.0);
	kiscrm_table_free(t);
}

static void scenario(const char *backend)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, NULL);
	kiscrm_id sa, sb, sc, again;
	week_a(&f);
	check_table_a(&f);
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&sa, f.db, D(2026, 6, 1)));
	week_b(&f);
	/* saving twice in a week replaces the week's snapshot, keeping its id */
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&sb, f.db, D(2026, 6, 9)));
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&again, f.db, D(2026, 6, 8)));
	assert_int_equal(sb, again);
	assert_true(sa != sb);
	check_table_b(&f);
	check_diff_b(&f);
	week_c(&f);
	target(f.db, "contract_amount", D(2026, 6, 15), 0, 500000);
	target(f.db, "contract_amount", D(2026, 6, 22), 0, 400000);
	target(f.db, "contract_amount", D(2026, 6, 15), f.li, 200000);
	target(f.db, "contract_amount", D(2026, 6, 22), f.li, 300000);
	target(f.db, "contract_amount", D(2026, 6, 15), f.wang, 300000);
	target(f.db, "contract_amount", D(2026, 6, 22), f.wang, 100000);
	target(f.db, "collection_amount", D(2026, 6, 15), 0, 150000);
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&sc, f.db, D(2026, 6, 15)));
	check_table_c(&f, 0);
	check_table_c(&f, 1);
	check_gap_c(&f);
	check_summary_c(&f);
	check_diff_c(&f);
	check_accuracy(&f);

	/* the snapshot of week B kept only its own lines: O1 w1, O2 w3, O3 w2, O4 w7 (+ plan),
	 * O5 w1 → 5 lines (O4's contract and collection share one line) */
	kiscrm_filter flt;
	kiscrm_iter *it;
	const kiscrm_record *r;
	int n = 0;
	assert_rc(KISCRM_OK, kiscrm_filter_init(&flt, KISCRM_FILTER_VERSION));
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, f.db, KISCRM_KIND_SNAPSHOT_LINE, &flt));
	while (kiscrm_iter_next(&r, it) == KISCRM_OK && r)
		n += kiscrm_record_int(r, KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID) == sb;
	kiscrm_iter_free(it);
	assert_int_equal(5, n);
	kiscrm_db_free(f.db);
}

static void test_scenario_memory(void **state)
{
	(void)state;
	scenario("memory");
}

static void test_scenario_sqlite(void **state)
{
	(void)state;
	scenario("sqlite");
}

/* ---- year end and Sunday weeks ---- */

static void year_end(const char *backend, int sunday)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/budget/sunday", kc_test_data_dir());
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, sunday ? dir : NULL);
	org(&f);
	/* as of Wed 2026-12-30. Monday weeks: W = Mon 12-28, W+8 = 2027-02-22.
	 * Sunday weeks: W = Sun 12-27, W+8 = 2027-02-21. */
	kiscrm_id overdue = opportunity(f.db, "late", f.alpha, f.li, 100, "commercial", -1, D(2026, 12, 20));
	kiscrm_id jan3 = opportunity(f.db, "jan3", f.alpha, f.li, 200, "commercial", -1, D(2027, 1, 3));
	kiscrm_id feb20 = opportunity(f.db, "feb20", f.alpha, f.li, 300, "commercial", -1, D(2027, 2, 20));
	kiscrm_id feb21 = opportunity(f.db, "feb21", f.alpha, f.li, 400, "commercial", -1, D(2027, 2, 21));
	opportunity(f.db, "feb22", f.alpha, f.li, 500, "commercial", -1, D(2027, 2, 22));
	kiscrm_table *t = rolling(f.db, D(2026, 12, 30), NULL, 0);
	week_is(t, row_of(t, "opportunity", "opportunity_id", overdue), 1, 100, 80, 0);
	if (!sunday) {
		/* 01-03 (Sunday) ends the week of Mon 12-28 → w1; 02-20 = W + 54 → w8;
		 * 02-21 = W + 55 → w8; 02-22 = W + 56 → outside */
		week_is(t, row_of(t, "opportunity", "opportunity_id", jan3), 1, 200, 160, 0);
		week_is(t, row_of(t, "opportunity", "opportunity_id", feb20), 8, 300, 240, 0);
		week_is(t, row_of(t, "opportunity", "opportunity_id", feb21), 8, 400, 320, 0);
		assert_int_equal(5, kiscrm_table_row_count(t));
		week_is(t, last_row(t), 1, 300, 240, 0);
	} else {
		/* 01-03 starts the week of Sun 01-03 → w2; 02-20 = W + 55 → w8; 02-21 = W + 56 →
		 * outside, as is 02-22 */
		week_is(t, row_of(t, "opportunity", "opportunity_id", jan3), 2, 200, 160, 0);
		week_is(t, row_of(t, "opportunity", "opportunity_id", feb20), 8, 300, 240, 0);
		assert_int_equal(4, kiscrm_table_row_count(t));
		week_is(t, last_row(t), 1, 100, 80, 0);
	}
	kiscrm_table_free(t);
	/* the snapshot is filed under the week's first day, across the year end */
	kiscrm_id sid;
	kiscrm_record *s;
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&sid, f.db, D(2026, 12, 30)));
	assert_rc(KISCRM_OK, kiscrm_record_get(&s, f.db, KISCRM_KIND_SNAPSHOT, sid));
	assert_int_equal(sunday ? D(2026, 12, 27) : D(2026, 12, 28), kiscrm_record_int(s, KISCRM_SNAPSHOT_WEEK));
	kiscrm_record_free(s);
	/* a week later (2027-01-06) the past week's plan is read back across the year end */
	t = rolling(f.db, D(2027, 1, 6), NULL, 0);
	size_t r = row_of(t, "opportunity", "opportunity_id", overdue);
	assert_int_equal(100, I(t, r, "pw_contract_plan"));
	kiscrm_table_free(t);
	kiscrm_db_free(f.db);
}

static void test_year_end_memory(void **state)
{
	(void)state;
	year_end("memory", 0);
	year_end("memory", 1);
}

static void test_year_end_sqlite(void **state)
{
	(void)state;
	year_end("sqlite", 0);
	year_end("sqlite", 1);
}

/* ---- errors ---- */

static void test_errors(void **state)
{
	(void)state;
	kiscrm_db *db = open_db("memory", NULL);
	kiscrm_table *t = NULL;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	assert_rc(KISCRM_EINVALID, kiscrm_report_rolling_budget(NULL, db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_rolling_budget(&t, NULL, NULL));
	assert_null(t);
	assert_rc(KISCRM_EINVALID, kiscrm_report_rolling_gap(NULL, db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_snapshot_diff(NULL, db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast_accuracy(NULL, db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_budget_snapshot(NULL, NULL, D(2026, 6, 1)));
	o.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_report_rolling_budget(&t, db, &o));
	/* no snapshots: nothing to compare, an empty table whose note names the missing week */
	o.version = KISCRM_REPORT_OPTIONS_VERSION;
	o.as_of = D(2026, 6, 10);
	assert_rc(KISCRM_OK, kiscrm_report_snapshot_diff(&t, db, &o));
	assert_int_equal(0, kiscrm_table_row_count(t));
	assert_int_equal(1, kiscrm_table_note_count(t));
	assert_non_null(strstr(kiscrm_table_note(t, 0), "2026-06-01"));
	kiscrm_table_free(t);
	/* targets are not set by region */
	static const int by_region[1] = { KISCRM_GROUP_REGION };
	o.group_by = by_region;
	o.ngroup = 1;
	assert_rc(KISCRM_EINVALID, kiscrm_report_rolling_gap(&t, db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "region"));
	/* an empty database gives just a total row of zeros; accuracy NULL without weeks */
	o.group_by = NULL;
	o.ngroup = 0;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_budget(&t, db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(0, I(t, 0, "total_contract"));
	kiscrm_table_free(t);
	assert_rc(KISCRM_OK, kiscrm_report_forecast_accuracy(&t, db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_true(is_null(t, 0, "contract_accuracy"));
	kiscrm_table_free(t);
	kiscrm_db_free(db);
}

static kiscrm_id fifo_contract(fixture *f, const char *number)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, number));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, f->alpha));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, D(2026, 6, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, 1000000));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, f->li));
	return kc_test_insert(f->db, r);
}

/* A database of @backend with the fixture's organisation and two contracts, K1 and K2,
 * both signed 06-01 for 1,000,000 (fifo_contract), the FIFO tests' start. */
static void two_contracts(fixture *f, const char *backend, kiscrm_id *k1, kiscrm_id *k2)
{
	memset(f, 0, sizeof(*f));
	f->db = open_db(backend, NULL);
	org(f);
	*k1 = fifo_contract(f, "K1");
	*k2 = fifo_contract(f, "K2");
}

/* Collections pay a contract's plans in due-date order whatever order the plans were
 * entered in, and contracts do not share their collections. As of Wed 06-17 (W = 06-15):
 * K1's plans entered as 07-06 300 000, 06-10 200 000, 06-22 250 000, 06-22 100 000, with
 * 350 000 received on 06-05: 06-10 is paid, 06-22 (250 000) gets the other 150 000 and
 * keeps 100 000, the second 06-22 keeps 100 000, 07-06 keeps 300 000 → w2 200 000, w4
 * 300 000, w1 (overdue) 0. In entry order it would be w1 150 000, w2 350 000, w4 0.
 * K2 (entered between K1's plans, nothing received): 06-29 500 000 → w3. */
static void fifo_order(const char *backend)
{
	fixture f;
	kiscrm_id k1, k2;
	two_contracts(&f, backend, &k1, &k2);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 7, 6), 300000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 6, 10), 200000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k2, D(2026, 6, 29), 500000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 6, 22), 250000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 6, 22), 100000);
	collection(f.db, k1, D(2026, 6, 5), 350000);
	kiscrm_table *t = rolling(f.db, D(2026, 6, 17), NULL, 0);
	size_t r1 = row_of(t, "contract", "contract_id", k1), r2 = row_of(t, "contract", "contract_id", k2);
	week_is(t, r1, 1, 0, 0, 0);
	week_is(t, r1, 2, 0, 0, 200000);
	week_is(t, r1, 3, 0, 0, 0);
	week_is(t, r1, 4, 0, 0, 300000);
	assert_int_equal(500000, I(t, r1, "total_collection"));
	week_is(t, r2, 2, 0, 0, 0);
	week_is(t, r2, 3, 0, 0, 500000);
	assert_int_equal(500000, I(t, r2, "total_collection"));
	assert_int_equal(1000000, I(t, last_row(t), "total_collection"));
	kiscrm_table_free(t);
	kiscrm_db_free(f.db);
}

static void test_fifo_order(void **state)
{
	(void)state;
	fifo_order("memory");
	fifo_order("sqlite");
}

/* Each contract's plans entered together and in due order, but the later contract's
 * first: K2's 06-22 400 000 and 07-06 100 000, then K1's 06-10 200 000 and 06-29
 * 300 000. As of Wed 06-17 (W = 06-15), K2 received 450 000 on 06-05: 06-22 is paid,
 * 07-06 gets the other 50 000 and keeps 50 000 → w4. K1 received 250 000 on 06-08:
 * 06-10 is paid, 06-29 gets 50 000 and keeps 250 000 → w3. (Contracts in descending
 * order are sorted, order_plans; a FIFO across both contracts would leave 200 000 and
 * 100 000 open.) */
static void fifo_contracts_descending(const char *backend)
{
	fixture f;
	kiscrm_id k1, k2;
	two_contracts(&f, backend, &k1, &k2);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k2, D(2026, 6, 22), 400000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k2, D(2026, 7, 6), 100000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 6, 10), 200000);
	plan(f.db, KISCRM_COLLECTION_PLAN_CONTRACT_ID, k1, D(2026, 6, 29), 300000);
	collection(f.db, k2, D(2026, 6, 5), 450000);
	collection(f.db, k1, D(2026, 6, 8), 250000);
	kiscrm_table *t = rolling(f.db, D(2026, 6, 17), NULL, 0);
	size_t r1 = row_of(t, "contract", "contract_id", k1), r2 = row_of(t, "contract", "contract_id", k2);
	week_is(t, r2, 2, 0, 0, 0);
	week_is(t, r2, 4, 0, 0, 50000);
	assert_int_equal(50000, I(t, r2, "total_collection"));
	week_is(t, r1, 1, 0, 0, 0);
	week_is(t, r1, 3, 0, 0, 250000);
	assert_int_equal(250000, I(t, r1, "total_collection"));
	assert_int_equal(300000, I(t, last_row(t), "total_collection"));
	kiscrm_table_free(t);
	kiscrm_db_free(f.db);
}

static void test_fifo_contracts_descending(void **state)
{
	(void)state;
	fifo_contracts_descending("memory");
	fifo_contracts_descending("sqlite");
}

/* Project rows are ordered by group, kind, then id, whatever order the budget found
 * them in. O6 (Li, 100 000, expected 08-31, beyond week A's eight weeks) and O7 (Li,
 * 200 000, commercial 80 %, expected 06-05) are created in that order, so O6 has the
 * lower id. Snapshot A (as of 06-01) plans only O7: 200 000 in week A. Then O6 moves to
 * 06-17. As of 06-08 the budget builds O7 first (from snapshot A's plan) and O6 after it
 * (from the scan of open opportunities), yet the rows read O6, O7, then the total;
 * grouped by owner, O6, O7, Li's sub-total, the total. Totals: w1 (06-08) O7, overdue,
 * 200 000 / 160 000; w2 (06-15) O6 100 000 / 10 000 (stage opportunity, 10 %). */
static void project_order(const char *backend)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, NULL);
	org(&f);
	kiscrm_id o6 = opportunity(f.db, "O6 Later", f.alpha, f.li, 100000, "opportunity", -1, D(2026, 8, 31));
	kiscrm_id o7 = opportunity(f.db, "O7 Soon", f.beta, f.li, 200000, "commercial", -1, D(2026, 6, 5));
	assert_true(o6 < o7);
	kiscrm_id sid;
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&sid, f.db, D(2026, 6, 1)));
	opp_update(f.db, o6, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D(2026, 6, 17));
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	for (int grouped = 0; grouped < 2; grouped++) {
		kiscrm_table *t = rolling(f.db, D(2026, 6, 8), grouped ? by_owner : NULL, grouped ? 1 : 0);
		assert_int_equal(grouped ? 4 : 3, kiscrm_table_row_count(t));
		assert_int_equal(o6, I(t, 0, "opportunity_id"));
		assert_string_equal("O6 Later", S(t, 0, "project"));
		assert_string_equal("Alpha Ltd", S(t, 0, "customer"));
		assert_int_equal(o7, I(t, 1, "opportunity_id"));
		assert_string_equal("O7 Soon", S(t, 1, "project"));
		assert_string_equal("commercial", S(t, 1, "stage"));
		assert_int_equal(200000, I(t, 1, "pw_contract_plan"));
		if (grouped)
			assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 2));
		size_t tot = last_row(t);
		assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, tot));
		week_is(t, tot, 1, 200000, 160000, 0);
		week_is(t, tot, 2, 100000, 10000, 0);
		kiscrm_table_free(t);
	}
	kiscrm_db_free(f.db);
}

/* A summary by department and person keeps a person's projects of two departments apart:
 * O9 (Li, department Channel given on the deal, 100 000, commercial 80 %, expected 06-10)
 * and O10 (Li, his own department Sales, 200 000, commercial, 06-10). As of 06-08 (w1 =
 * the week of 06-08): Channel / Li Lei 100 000 / 80 000, Sales / Li Lei 200 000 /
 * 160 000, total 300 000 / 240 000. */
static void two_departments(const char *backend)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, NULL);
	org(&f);
	kiscrm_id channel = kc_test_department(f.db, "Channel", 0);
	kiscrm_id o9 = opportunity(f.db, "O9 Channel", f.alpha, f.li, 100000, "commercial", -1, D(2026, 6, 10));
	opp_update(f.db, o9, KISCRM_OPPORTUNITY_DEPARTMENT_ID, channel);
	opportunity(f.db, "O10 Direct", f.beta, f.li, 200000, "commercial", -1, D(2026, 6, 10));
	static const int by_dept_owner[2] = { KISCRM_GROUP_DEPARTMENT, KISCRM_GROUP_OWNER };
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t;
	o.as_of = D(2026, 6, 8);
	o.group_by = by_dept_owner;
	o.ngroup = 2;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_summary(&t, f.db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("Channel", S(t, 0, "department"));
	assert_string_equal("Li Lei", S(t, 0, "owner"));
	week_is(t, 0, 1, 100000, 80000, 0);
	assert_string_equal("Sales", S(t, 1, "department"));
	assert_string_equal("Li Lei", S(t, 1, "owner"));
	week_is(t, 1, 1, 200000, 160000, 0);
	week_is(t, 2, 1, 300000, 240000, 0);
	kiscrm_table_free(t);
	kiscrm_db_free(f.db);
}

/* Texts that repeat over the projects (stage, business and product line: the memory
 * backend hands out one pointer for each, which the budget copies once) read right on
 * every row: five opportunities at stages commercial, design, commercial, opportunity,
 * design, all business line "direct" and product line "professional", expected in the
 * week of 06-08, in id order. */
static void repeated_texts(const char *backend)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, NULL);
	org(&f);
	static const char *const stages[5] = { "commercial", "design", "commercial", "opportunity", "design" };
	static const char *const names[5] = { "R1", "R2", "R3", "R4", "R5" };
	kiscrm_id ids[5];
	for (int i = 0; i < 5; i++)
		ids[i] = opportunity(f.db, names[i], f.alpha, f.li, 1000 * (i + 1), stages[i], -1, D(2026, 6, 10));
	kiscrm_table *t = rolling(f.db, D(2026, 6, 8), NULL, 0);
	assert_int_equal(6, kiscrm_table_row_count(t));
	for (int i = 0; i < 5; i++) {
		size_t r = row_of(t, "opportunity", "opportunity_id", ids[i]);
		assert_string_equal(names[i], S(t, r, "project"));
		assert_string_equal(stages[i], S(t, r, "stage"));
		assert_string_equal("direct", S(t, r, "business_line"));
		assert_string_equal("professional", S(t, r, "product_line"));
		assert_string_equal("Alpha Ltd", S(t, r, "customer"));
	}
	kiscrm_table_free(t);
	kiscrm_db_free(f.db);
}

/* Each project's customer by name, whether the table keeps the names of the customers its
 * projects refer to (2 projects, 9 customers) or of every customer (6 projects: half the
 * customers or more), and whether it copies the projects into the table's order first or
 * (a handle keeping no memory) reads them where they are; and each row's owner, the same
 * person on consecutive rows or not (rows without grouping come in id order: Li, Wang,
 * Li, Li, Wang, Wang). */
static void customer_names(const char *backend)
{
	fixture f;
	memset(&f, 0, sizeof(f));
	f.db = open_db(backend, NULL);
	org(&f);
	static const char *const more[6] = { "客户一", "客户二", "客户三", "客户四", "客户五", "客户六" };
	kiscrm_id c[6];
	for (int i = 0; i < 6; i++)
		c[i] = kc_test_customer(f.db, more[i]);
	const kiscrm_id cust[6] = { c[4], f.beta, c[0], c[1], f.gamma, c[5] };
	const char *const cust_name[6] = { "客户五", "Beta Ltd", "客户一", "客户二", "Gamma Ltd", "客户六" };
	const kiscrm_id owner[6] = { f.li, f.wang, f.li, f.li, f.wang, f.wang };
	const char *const owner_name[6] = { "Li Lei", "Wang Fang", "Li Lei", "Li Lei", "Wang Fang", "Wang Fang" };
	kiscrm_id o[6];
	for (int round = 0, n = 2; round < 3; round++, n = 6) {
		if (round == 1)
			for (int i = 2; i < n; i++)
				o[i] = opportunity(f.db, "N", cust[i], owner[i], 1000 * (i + 1), "commercial", -1,
						   D(2026, 6, 10));
		else if (round == 0)
			for (int i = 0; i < n; i++)
				o[i] = opportunity(f.db, "N", cust[i], owner[i], 1000 * (i + 1), "commercial", -1,
						   D(2026, 6, 10));
		else
			assert_rc(KISCRM_OK, kiscrm_db_keep_memory(f.db, 0));
		kiscrm_table *t = rolling(f.db, D(2026, 6, 8), NULL, 0);
		assert_int_equal(n + 1, kiscrm_table_row_count(t));
		for (int i = 0; i < n; i++) {
			size_t r = row_of(t, "opportunity", "opportunity_id", o[i]);
			assert_int_equal((size_t)i, r);
			assert_non_null(S(t, r, "customer"));
			assert_string_equal(cust_name[i], S(t, r, "customer"));
			assert_string_equal(owner_name[i], S(t, r, "owner"));
			assert_string_equal("Sales", S(t, r, "department"));
		}
		kiscrm_table_free(t);
	}
	kiscrm_db_free(f.db);
}

static void test_customer_names(void **state)
{
	(void)state;
	customer_names("memory");
	customer_names("sqlite");
}

static void test_repeated_texts(void **state)
{
	(void)state;
	repeated_texts("memory");
	repeated_texts("sqlite");
}

static void test_two_departments(void **state)
{
	(void)state;
	two_departments("memory");
	two_departments("sqlite");
}

static void test_project_order(void **state)
{
	(void)state;
	project_order("memory");
	project_order("sqlite");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_memory),
		cmocka_unit_test(test_scenario_sqlite),
		cmocka_unit_test(test_year_end_memory),
		cmocka_unit_test(test_year_end_sqlite),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_fifo_order),
		cmocka_unit_test(test_fifo_contracts_descending),
		cmocka_unit_test(test_project_order),
		cmocka_unit_test(test_two_departments),
		cmocka_unit_test(test_repeated_texts),
		cmocka_unit_test(test_customer_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Win/loss analysis: closes by reason category and reason, win rate per owner (with an
 * owner who closed nothing), observed win rates per stage next to their probability, and
 * closed opportunities missing their analysis. Expected numbers are worked out by hand in
 * the comments. Each test runs on the memory backend and on SQLite. */
#include "funnel_fixtures.h"

#define D(y, m, d) fx_date((y), (m), (d))

/* --- the scenario -----------------------------------------------------------------------------
 *
 * Window [2024-01-01, 2024-04-01). Stages: opportunity (O), diagnosis (Dg), design (S),
 * commercial (C), won (W), lost (L).
 *
 *   opp  owner  amount   history (2024)                 outcome  category / reason
 *   1    Alice   100.00  O 01-01 Dg 01-10 S 01-20 C 02-01 W 02-10  won  product_fit / best integration
 *   2    Bob     200.00  O 01-01 S 01-15 W 02-15            won      product_fit / best integration
 *   3    Alice    50.00  Dg 01-05 (created) C 02-01 W 03-01 won      sales_process / fast response
 *   4    Alice   300.00  O 01-01 Dg 01-10 S 01-20 L 02-20   lost     customer_feedback / price too high
 *   5    Bob      70.00  O 01-01 L 01-31                    lost     (none) / (none)
 *   6    Bob      40.00  O 01-01 Dg 01-10 L 03-15           abandoned project_staff / no presales
 *   7    Alice  1000.00  O 2023-11-01 W 2023-12-15          won before the window: not counted
 *   8    Carol   500.00  O 01-01 Dg 02-01                   open: Carol closed nothing
 */
typedef struct wl {
	kiscrm_id alice, bob, carol;
	kiscrm_id o[9];
} wl;

static void analysed(kiscrm_db *db, kiscrm_id id, const char *category, const char *reason)
{
	fx_set_text(db, id, KISCRM_OPPORTUNITY_REASON_CATEGORY, category);
	fx_set_text(db, id, KISCRM_OPPORTUNITY_REASON, reason);
}

static void build_wl(kiscrm_db *db, wl *s)
{
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	s->alice = fx_staff(db, dept, "Alice");
	s->bob = fx_staff(db, dept, "Bob");
	s->carol = fx_staff(db, dept, "Carol");

	s->o[1] = fx_opp(db, "1", s->alice, cust, 10000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[1], "diagnosis", 2024, 1, 10);
	fx_move(db, s->o[1], "design", 2024, 1, 20);
	fx_move(db, s->o[1], "commercial", 2024, 2, 1);
	fx_move(db, s->o[1], "won", 2024, 2, 10);
	analysed(db, s->o[1], "product_fit", "best integration");

	s->o[2] = fx_opp(db, "2", s->bob, cust, 20000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[2], "design", 2024, 1, 15);
	fx_move(db, s->o[2], "won", 2024, 2, 15);
	analysed(db, s->o[2], "product_fit", "best integration");

	s->o[3] = fx_opp(db, "3", s->alice, cust, 5000, D(2024, 1, 5), "diagnosis");
	fx_move(db, s->o[3], "commercial", 2024, 2, 1);
	fx_move(db, s->o[3], "won", 2024, 3, 1);
	analysed(db, s->o[3], "sales_process", "fast response");

	s->o[4] = fx_opp(db, "4", s->alice, cust, 30000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[4], "diagnosis", 2024, 1, 10);
	fx_move(db, s->o[4], "design", 2024, 1, 20);
	fx_move(db, s->o[4], "lost", 2024, 2, 20);
	analysed(db, s->o[4], "customer_feedback", "price too high");

	s->o[5] = fx_opp(db, "5", s->bob, cust, 7000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[5], "lost", 2024, 1, 31);

	s->o[6] = fx_opp(db, "6", s->bob, cust, 4000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[6], "diagnosis", 2024, 1, 10);
	fx_move(db, s->o[6], "lost", 2024, 3, 15);
	fx_set_text(db, s->o[6], KISCRM_OPPORTUNITY_STATUS, "abandoned");
	analysed(db, s->o[6], "project_staff", "no presales");

	s->o[7] = fx_opp(db, "7", s->alice, cust, 100000, D(2023, 11, 1), "opportunity");
	fx_move(db, s->o[7], "won", 2023, 12, 15);
	analysed(db, s->o[7], "product_fit", "best integration");

	s->o[8] = fx_opp(db, "8", s->carol, cust, 50000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->o[8], "diagnosis", 2024, 2, 1);
}

static kiscrm_report_options q1(void)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	o.from = D(2024, 1, 1);
	o.to = D(2024, 4, 1);
	return o;
}

/* Closes in the window: 1–6. Won first, categories in analysis.yaml order (sales_process,
 * resource_organisation, product_fit, project_staff, customer_feedback), NULL last:
 *   won  sales_process     fast response     1   50.00   (3)
 *   won  product_fit       best integration  2  300.00   (1: 100.00 + 2: 200.00)
 *   lost project_staff     no presales       1   40.00   (6, abandoned)
 *   lost customer_feedback price too high    1  300.00   (4)
 *   lost NULL              NULL              1   70.00   (5) */
static void test_win_loss(void **state)
{
	kiscrm_db *db = *state;
	wl s;
	build_wl(db, &s);
	kiscrm_report_options o = q1();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_win_loss(&t, db, &o));
	assert_string_equal("win-loss", kiscrm_table_name(t));
	assert_int_equal(5, kiscrm_table_row_count(t));
	static const struct {
		const char *outcome, *category, *name, *reason;
		int64_t count;
		kiscrm_money amount;
	} rows[] = {
		{ "won", "sales_process", "Sales process", "fast response", 1, 5000 },
		{ "won", "product_fit", "Product fit", "best integration", 2, 30000 },
		{ "lost", "project_staff", "Project staff", "no presales", 1, 4000 },
		{ "lost", "customer_feedback", "Customer feedback", "price too high", 1, 30000 },
		{ "lost", NULL, NULL, NULL, 1, 7000 },
	};
	for (size_t i = 0; i < 5; i++) {
		assert_text(rows[i].outcome, t, i, "outcome");
		assert_text(rows[i].category, t, i, "reason_category");
		assert_text(rows[i].name, t, i, "category_name");
		assert_text(rows[i].reason, t, i, "reason");
		assert_int_equal(rows[i].count, fx_int(t, i, "count"));
		assert_int_equal(rows[i].amount, fx_int(t, i, "amount"));
	}
	kiscrm_table_free(t);

	/* by owner, in Chinese: Alice: won sales_process (3), won product_fit (1), lost
	 * customer_feedback (4); Bob: won product_fit (2), lost project_staff (6), lost NULL
	 * (5); Carol closed nothing. */
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	o.lang = "zh";
	assert_rc(KISCRM_OK, kiscrm_report_win_loss(&t, db, &o));
	assert_int_equal(6, kiscrm_table_row_count(t));
	assert_text("Alice", t, 0, "owner");
	assert_text("销售过程", t, 0, "category_name");
	assert_text("Alice", t, 1, "owner");
	assert_int_equal(10000, fx_int(t, 1, "amount"));
	assert_text("Alice", t, 2, "owner");
	assert_text("客户反馈", t, 2, "category_name");
	assert_text("Bob", t, 3, "owner");
	assert_text("product_fit", t, 3, "reason_category");
	assert_int_equal(20000, fx_int(t, 3, "amount"));
	assert_text("Bob", t, 4, "owner");
	assert_text("project_staff", t, 4, "reason_category");
	assert_text("Bob", t, 5, "owner");
	assert_text(NULL, t, 5, "reason_category");
	kiscrm_table_free(t);

	/* without a window opportunity 7 (won 2023-12-15, 1000.00) joins product_fit:
	 * 3 closes, 100.00 + 200.00 + 1000.00 = 1300.00 */
	o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
	assert_rc(KISCRM_OK, kiscrm_report_win_loss(&t, db, &o));
	assert_text("product_fit", t, 1, "reason_category");
	assert_int_equal(3, fx_int(t, 1, "count"));
	assert_int_equal(130000, fx_int(t, 1, "amount"));
	kiscrm_table_free(t);
}

/* Per owner, closes in the window:
 *   Alice: won 1 and 3 (100.00 + 50.00 = 150.00), lost 4 → 2/3 (7 is before the window)
 *   Bob:   won 2 (200.00), lost 5 and 6 (abandoned counts as lost) → 1/3
 *   Carol: nothing closed → 0, 0, 0.00 and a NULL rate */
static void test_win_rate(void **state)
{
	kiscrm_db *db = *state;
	wl s;
	build_wl(db, &s);
	kiscrm_report_options o = q1();
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_win_rate(&t, db, &o));
	assert_string_equal("win-rate", kiscrm_table_name(t));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_text("Alice", t, 0, "owner");
	assert_int_equal(2, fx_int(t, 0, "won_count"));
	assert_int_equal(1, fx_int(t, 0, "lost_count"));
	assert_int_equal(15000, fx_int(t, 0, "won_amount"));
	assert_rate(2.0 / 3.0, t, 0, "win_rate");
	assert_text("Bob", t, 1, "owner");
	assert_int_equal(1, fx_int(t, 1, "won_count"));
	assert_int_equal(2, fx_int(t, 1, "lost_count"));
	assert_int_equal(20000, fx_int(t, 1, "won_amount"));
	assert_rate(1.0 / 3.0, t, 1, "win_rate");
	assert_text("Carol", t, 2, "owner");
	assert_int_equal(0, fx_int(t, 2, "won_count"));
	assert_int_equal(0, fx_int(t, 2, "lost_count"));
	assert_int_equal(0, fx_int(t, 2, "won_amount"));
	assert_true(fx_is_null(t, 2, "win_rate"));
	kiscrm_table_free(t);

	/* Alice only, no grouping: one row, 2/3 */
	o.ngroup = 0;
	o.owner_id = s.alice;
	assert_rc(KISCRM_OK, kiscrm_report_win_rate(&t, db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_rate(2.0 / 3.0, t, 0, "win_rate");
	kiscrm_table_free(t);
}

/* Closes in the window that entered each working stage (by history), and the won ones:
 *   O (10 %):  1 2 4 5 6 → 5, won 1 2 → 2/5 = 0.4
 *   Dg (30 %): 1 3 4 6 → 4 (2 skipped it, 3 was created in it), won 1 3 → 2/4 = 0.5
 *   S (60 %):  1 2 4 → 3, won 1 2 → 2/3
 *   C (80 %):  1 3 → 2, won both → 1.0
 * 7 closed before the window, 8 is open: neither counts. */
static void test_stage_win_rates(void **state)
{
	kiscrm_db *db = *state;
	wl s;
	build_wl(db, &s);
	kiscrm_report_options o = q1();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_stage_win_rates(&t, db, &o));
	assert_string_equal("stage-win-rates", kiscrm_table_name(t));
	assert_int_equal(4, kiscrm_table_row_count(t));
	static const struct {
		const char *stage, *name;
		int probability;
		int64_t reached, won;
		double rate;
	} rows[] = {
		{ "opportunity", "Opportunity (questioning)", 10, 5, 2, 0.4 },
		{ "diagnosis", "Diagnosis (requirements)", 30, 4, 2, 0.5 },
		{ "design", "Design (solution)", 60, 3, 2, 2.0 / 3.0 },
		{ "commercial", "Commercial (negotiation)", 80, 2, 2, 1.0 },
	};
	for (size_t i = 0; i < 4; i++) {
		assert_text(rows[i].stage, t, i, "stage");
		assert_text(rows[i].name, t, i, "stage_name");
		assert_int_equal(rows[i].probability, fx_int(t, i, "probability"));
		assert_int_equal(rows[i].reached, fx_int(t, i, "reached"));
		assert_int_equal(rows[i].won, fx_int(t, i, "won"));
		assert_rate(rows[i].rate, t, i, "win_rate");
	}
	kiscrm_table_free(t);

	/* Carol: a group of her own with nothing closed → 0 reached, NULL rates */
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_stage_win_rates(&t, db, &o));
	assert_int_equal(12, kiscrm_table_row_count(t));
	assert_text("Carol", t, 8, "owner");
	assert_int_equal(0, fx_int(t, 8, "reached"));
	assert_true(fx_is_null(t, 8, "win_rate"));
	/* Alice (1 3 4): O 1 4 → 1/2; Dg 1 3 4 → 2/3 */
	assert_int_equal(2, fx_int(t, 0, "reached"));
	assert_rate(0.5, t, 0, "win_rate");
	assert_int_equal(3, fx_int(t, 1, "reached"));
	assert_rate(2.0 / 3.0, t, 1, "win_rate");
	kiscrm_table_free(t);
}

/* 100% 商机分析: closes in the window lacking reason or category. Only 5 (neither) after
 * the scenario; then 1 loses its reason and 4 its category. 7 is
 * outside the window even when stripped. Rows in id order. */
static void test_missing_analysis(void **state)
{
	kiscrm_db *db = *state;
	wl s;
	build_wl(db, &s);
	kiscrm_report_options o = q1();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_missing_analysis(&t, db, &o));
	assert_string_equal("missing-analysis", kiscrm_table_name(t));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(s.o[5], fx_int(t, 0, "id"));
	assert_text("Bob", t, 0, "owner");
	assert_text("lost", t, 0, "status");
	assert_int_equal(D(2024, 1, 31), fx_int(t, 0, "closed"));
	assert_text("reason,reason_category", t, 0, "missing");
	kiscrm_table_free(t);

	fx_set_null(db, s.o[1], KISCRM_OPPORTUNITY_REASON);
	fx_set_null(db, s.o[4], KISCRM_OPPORTUNITY_REASON_CATEGORY);
	fx_set_null(db, s.o[7], KISCRM_OPPORTUNITY_REASON);
	assert_rc(KISCRM_OK, kiscrm_report_missing_analysis(&t, db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_int_equal(s.o[1], fx_int(t, 0, "id"));
	assert_text("won", t, 0, "status");
	assert_text("reason", t, 0, "missing");
	assert_int_equal(s.o[4], fx_int(t, 1, "id"));
	assert_text("reason_category", t, 1, "missing");
	assert_int_equal(s.o[5], fx_int(t, 2, "id"));
	kiscrm_table_free(t);

	/* abandoned shows as such */
	fx_set_null(db, s.o[6], KISCRM_OPPORTUNITY_REASON);
	assert_rc(KISCRM_OK, kiscrm_report_missing_analysis(&t, db, &o));
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_text("abandoned", t, 3, "status");
	kiscrm_table_free(t);
}

#define BOTH(name) cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	BOTH(test_win_loss),
	BOTH(test_win_rate),
	BOTH(test_stage_win_rates),
	BOTH(test_missing_analysis),
};

int main(void)
{
	int failed = kc_test_run_both(tests);
	return failed;
}

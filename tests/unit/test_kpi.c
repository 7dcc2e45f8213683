/* KPI schemes, the metrics registry and scorecards, on a small team. Every expected number
 * is worked out by hand in the comments. Each database test runs on the memory backend and
 * on SQLite. */
#include "funnel_fixtures.h"

#define D(y, m, d) fx_date((y), (m), (d))

/* --- the team ---------------------------------------------------------------------------------
 *
 * Department Sales: Alice, Bob, Carol (sales_rep); Eve (presales: not in the population,
 * every indicator is for sales_rep). Department Channel: Dave (sales_rep).
 * Window: March 2024 = [2024-03-01, 2024-04-01).
 *
 *   person  contract target  contracts signed in March       opps created in March  attitude (manual)
 *   Alice   100,000.00       130,000.00                      4                      90
 *   Bob     100,000.00        80,000.00 (+50,000.00 in Feb)  1                      100 (Feb: 40, ignored)
 *   Carol   100,000.00       100,000.00 (+30,000.00 rejected) 3                     50
 *   Dave    none              10,000.00                      0                      none
 *
 * Scheme "team": contracts (contract_amount vs decomposed target, linear, cap 120, w 50),
 * opps (new_opportunities vs fixed 4, linear, floor 50, cap 100, w 20), attitude (manual,
 * direct, w 30). Grades A ≥ 90, B ≥ 75, C ≥ 60, D.
 *
 *   Alice: contracts 130/100 = 1.3 → 130 → capped 120; opps 4/4 → 100; attitude 90
 *          total = 120×0.5 + 100×0.2 + 90×0.3 = 60 + 20 + 27 = 107 → A, rank 1
 *   Bob:   80/100 → 80; 1/4 → 25 → floored 50; 100 → 40 + 10 + 30 = 80 → B, rank 2
 *   Carol: 100/100 → 100; 3/4 → 75; 50 → 50 + 15 + 15 = 80 → B, rank 2 (tie with Bob)
 *   Dave:  no target → missing_score 0 (no_target); 0/4 → 0 → floored 50; no manual score
 *          → 0 (no_data) → 0 + 10 + 0 = 10 → D, rank 4
 */
static const char team_yaml[] =
	"scheme: team\n"
	"zh: 团队\n"
	"en: Team\n"
	"indicators:\n"
	"  - { key: contracts, zh: 合同额, en: Contracts, metric: contract_amount, target: decomposed,\n"
	"      weight: 50, roles: [sales_rep], rule: linear, cap: 120 }\n"
	"  - { key: opps, zh: 新增商机, en: New opportunities, metric: new_opportunities, target: 4,\n"
	"      weight: 20, roles: [sales_rep], rule: linear, floor: 50, cap: 100 }\n"
	"  - { key: attitude, zh: 态度, en: Attitude, metric: manual, weight: 30, roles: [sales_rep],\n"
	"      rule: direct }\n"
	"grades:\n"
	"  - { grade: A, min: 90 }\n"
	"  - { grade: B, min: 75 }\n"
	"  - { grade: C, min: 60 }\n"
	"  - { grade: D, min: 0 }\n";

typedef struct team {
	kiscrm_id sales, channel, alice, bob, carol, dave, eve, cust;
} team;

static kiscrm_id staff_in(kiscrm_db *db, kiscrm_id dept, const char *name, const char *role)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, role));
	return kc_test_insert(db, r);
}

static void contract(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, kiscrm_money amount, kiscrm_date signed_on,
		     const char *approval)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, signed_on));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, owner));
	if (approval)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_APPROVAL, approval));
	kc_test_insert(db, r);
}

static void month_target(kiscrm_db *db, kiscrm_id owner, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, "contract_amount"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_MONTH));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, D(2024, 3, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, amount));
	kc_test_insert(db, r);
}

static void manual(kiscrm_db *db, kiscrm_id staff, const char *indicator, kiscrm_date start, double score)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_KPI_SCORE);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_KPI_SCORE_STAFF_ID, staff));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_KPI_SCORE_INDICATOR, indicator));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_KPI_SCORE_PERIOD, KISCRM_PERIOD_MONTH));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_KPI_SCORE_START, start));
	assert_rc(KISCRM_OK, kiscrm_record_set_rate(r, KISCRM_KPI_SCORE_SCORE, score));
	kc_test_insert(db, r);
}

static void opps(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, int n, kiscrm_date created)
{
	for (int i = 0; i < n; i++)
		fx_opp(db, "opp", owner, cust, 100000, created, "opportunity");
}

static void build_team(kiscrm_db *db, team *t)
{
	t->sales = fx_department(db, "Sales");
	t->channel = fx_department(db, "Channel");
	t->cust = fx_customer(db, "Acme Ltd");
	t->alice = staff_in(db, t->sales, "Alice", "sales_rep");
	t->bob = staff_in(db, t->sales, "Bob", "sales_rep");
	t->carol = staff_in(db, t->sales, "Carol", "sales_rep");
	t->dave = staff_in(db, t->channel, "Dave", "sales_rep");
	t->eve = staff_in(db, t->sales, "Eve", "presales");

	month_target(db, t->alice, 10000000);
	month_target(db, t->bob, 10000000);
	month_target(db, t->carol, 10000000);

	contract(db, t->alice, t->cust, 13000000, D(2024, 3, 10), NULL);
	contract(db, t->bob, t->cust, 8000000, D(2024, 3, 15), "approved");
	contract(db, t->bob, t->cust, 5000000, D(2024, 2, 20), NULL);
	contract(db, t->carol, t->cust, 10000000, D(2024, 3, 31), NULL);
	contract(db, t->carol, t->cust, 3000000, D(2024, 3, 5), "rejected");
	contract(db, t->dave, t->cust, 1000000, D(2024, 3, 1), NULL);

	opps(db, t->alice, t->cust, 4, D(2024, 3, 2));
	opps(db, t->bob, t->cust, 1, D(2024, 3, 31));
	opps(db, t->bob, t->cust, 2, D(2024, 2, 29)); /* February: not counted */
	opps(db, t->carol, t->cust, 3, D(2024, 3, 1));

	manual(db, t->alice, "attitude", D(2024, 3, 1), 90);
	manual(db, t->bob, "attitude", D(2024, 3, 1), 100);
	manual(db, t->bob, "attitude", D(2024, 2, 1), 40);
	manual(db, t->carol, "attitude", D(2024, 3, 1), 50);
	manual(db, t->eve, "attitude", D(2024, 3, 1), 70);
}

static kiscrm_report_options march(void)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	o.from = D(2024, 3, 1);
	o.to = D(2024, 4, 1);
	return o;
}

static kiscrm_kpi_scheme *load_text(const char *yaml)
{
	kiscrm_kpi_scheme *s = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_scheme_load_text(&s, "test.yaml", yaml, strlen(yaml)));
	return s;
}

/* Row of a person's indicator (DETAIL) or, with indicator NULL, their SUBTOTAL row. */
static size_t row_of(const kiscrm_table *t, kiscrm_id staff, const char *indicator)
{
	size_t cs = fx_col(t, "staff_id"), ci = fx_col(t, "indicator");
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_int(t, r, cs) != staff)
			continue;
		const char *k = kiscrm_table_text(t, r, ci);
		if ((!indicator && kiscrm_table_row_kind(t, r) == KISCRM_ROW_SUBTOTAL) ||
		    (indicator && k && strcmp(k, indicator) == 0))
			return r;
	}
	fail_msg("no row for staff %lld indicator %s", (long long)staff, indicator ? indicator : "(total)");
	return 0;
}

static int has_staff(const kiscrm_table *t, kiscrm_id staff)
{
	size_t cs = fx_col(t, "staff_id");
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (kiscrm_table_int(t, r, cs) == staff)
			return 1;
	return 0;
}

static void test_scorecard(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	kiscrm_kpi_scheme *scheme = load_text(team_yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_string_equal("kpi", kiscrm_table_name(t));
	/* 4 people × (3 indicators + 1 subtotal); Eve (presales) is not in the population */
	assert_int_equal(16, kiscrm_table_row_count(t));
	assert_false(has_staff(t, s.eve));

	/* Alice */
	size_t r = row_of(t, s.alice, "contracts");
	assert_rate(130000.0, t, r, "actual");
	assert_rate(100000.0, t, r, "target");
	assert_int_equal(13000000, fx_int(t, r, "actual_amount"));
	assert_int_equal(10000000, fx_int(t, r, "target_amount"));
	assert_rate(1.3, t, r, "ratio");
	assert_rate(120.0, t, r, "raw_score");
	assert_int_equal(50, fx_int(t, r, "weight"));
	assert_rate(60.0, t, r, "weighted_score");
	assert_text("capped", t, r, "note");
	assert_text("linear", t, r, "rule");
	assert_text("money", t, r, "unit");
	r = row_of(t, s.alice, "opps");
	assert_rate(4.0, t, r, "actual");
	assert_rate(100.0, t, r, "raw_score");
	assert_true(fx_is_null(t, r, "actual_amount"));
	r = row_of(t, s.alice, "attitude");
	assert_rate(90.0, t, r, "raw_score");
	assert_rate(27.0, t, r, "weighted_score");
	assert_true(fx_is_null(t, r, "target"));
	r = row_of(t, s.alice, NULL);
	assert_rate(107.0, t, r, "total");
	assert_text("A", t, r, "grade");
	assert_int_equal(1, fx_int(t, r, "rank"));
	assert_true(fx_is_null(t, r, "indicator"));
	assert_int_equal(3, r); /* rank order: Alice's card (3 indicators, then the subtotal) comes first */

	/* Bob: the February contract and score are outside the window; approved counts */
	r = row_of(t, s.bob, "contracts");
	assert_int_equal(8000000, fx_int(t, r, "actual_amount"));
	assert_rate(80.0, t, r, "raw_score");
	r = row_of(t, s.bob, "opps");
	assert_rate(1.0, t, r, "actual");
	assert_rate(50.0, t, r, "raw_score");
	assert_text("floored", t, r, "note");
	r = row_of(t, s.bob, "attitude");
	assert_rate(100.0, t, r, "actual");
	r = row_of(t, s.bob, NULL);
	assert_rate(80.0, t, r, "total");
	assert_text("B", t, r, "grade");
	assert_int_equal(2, fx_int(t, r, "rank"));

	/* Carol: the rejected contract is not counted; tie with Bob → rank 2 as well */
	r = row_of(t, s.carol, "contracts");
	assert_int_equal(10000000, fx_int(t, r, "actual_amount"));
	assert_rate(100.0, t, r, "raw_score");
	assert_true(fx_is_null(t, r, "note"));
	r = row_of(t, s.carol, NULL);
	assert_rate(80.0, t, r, "total");
	assert_int_equal(2, fx_int(t, r, "rank"));
	assert_true(row_of(t, s.bob, NULL) < row_of(t, s.carol, NULL)); /* tie: by name */

	/* Dave: no target, no manual score: explained, never NaN */
	r = row_of(t, s.dave, "contracts");
	assert_rate(10000.0, t, r, "actual");
	assert_true(fx_is_null(t, r, "target"));
	assert_true(fx_is_null(t, r, "ratio"));
	assert_rate(0.0, t, r, "raw_score");
	assert_text("no_target", t, r, "note");
	r = row_of(t, s.dave, "opps");
	assert_rate(0.0, t, r, "actual");
	assert_rate(50.0, t, r, "raw_score");
	r = row_of(t, s.dave, "attitude");
	assert_true(fx_is_null(t, r, "actual"));
	assert_text("no_data", t, r, "note");
	r = row_of(t, s.dave, NULL);
	assert_rate(10.0, t, r, "total");
	assert_text("D", t, r, "grade");
	assert_int_equal(4, fx_int(t, r, "rank"));
	assert_text("Channel", t, r, "department");
	kiscrm_table_free(t);

	/* department filter: Sales only → Alice, Bob, Carol; ranks among them 1, 2, 2 */
	o.department_id = s.sales;
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_int_equal(12, kiscrm_table_row_count(t));
	assert_false(has_staff(t, s.dave));
	assert_int_equal(2, fx_int(t, row_of(t, s.carol, NULL), "rank"));
	kiscrm_table_free(t);

	/* zh names */
	o.department_id = 0;
	o.owner_id = s.alice;
	o.lang = "zh";
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_text("合同额", t, 0, "indicator_name");
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(scheme);
}

/* Roll-up: Sales = Alice 107, Bob 80, Carol 80 → average 267/3 = 89 → B, min 80, max 107,
 * grades A:1,B:2, rank 1; Channel = Dave 10 → D, rank 2. All: 277/4 = 69.25 → C. */
static void test_rollup(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	kiscrm_kpi_scheme *scheme = load_text(team_yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_rollup(&t, db, scheme, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_int_equal(s.sales, fx_int(t, 0, "department_id"));
	assert_text("Sales", t, 0, "department");
	assert_int_equal(3, fx_int(t, 0, "people"));
	assert_rate(89.0, t, 0, "average");
	assert_rate(80.0, t, 0, "min");
	assert_rate(107.0, t, 0, "max");
	assert_text("B", t, 0, "grade");
	assert_text("A:1,B:2", t, 0, "grades");
	assert_int_equal(1, fx_int(t, 0, "rank"));
	assert_text("Channel", t, 1, "department");
	assert_rate(10.0, t, 1, "average");
	assert_text("D", t, 1, "grade");
	assert_int_equal(2, fx_int(t, 1, "rank"));
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 2));
	assert_int_equal(4, fx_int(t, 2, "people"));
	assert_rate(69.25, t, 2, "average");
	assert_text("C", t, 2, "grade");
	assert_text("A:1,B:2,D:1", t, 2, "grades");
	assert_true(fx_is_null(t, 2, "rank"));
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(scheme);
}

/* Departments as subjects: Sales has no department-level target (no_target → 0);
 * opportunities of Sales in March = 4 + 1 + 3 = 8 → 8/4 = 200 → cap 100; attitude = the
 * average of its people's March scores (Alice 90, Bob 100, Carol 50, Eve 70) = 310/4 =
 * 77.5. Total 0×0.5 + 100×0.2 + 77.5×0.3 = 43.25. Channel: 0 + (0 → floor 50)×0.2 +
 * no_data 0 = 10. */
static void test_departments(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	kiscrm_kpi_scheme *scheme = load_text(team_yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_score_departments(&t, db, scheme, &o));
	assert_string_equal("kpi-departments", kiscrm_table_name(t));
	assert_int_equal(8, kiscrm_table_row_count(t));
	assert_int_equal(s.sales, fx_int(t, 0, "department_id"));
	assert_true(fx_is_null(t, 0, "staff_id"));
	assert_text("no_target", t, 0, "note");
	assert_text("department", t, 0, "scope");
	assert_rate(8.0, t, 1, "actual");
	assert_rate(100.0, t, 1, "raw_score");
	assert_rate(77.5, t, 2, "actual");
	assert_rate(43.25, t, 3, "total");
	assert_int_equal(1, fx_int(t, 3, "rank"));
	assert_text("Channel", t, 7, "name");
	assert_rate(10.0, t, 7, "total");
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(scheme);
}

/* --- scoring rules on a registered metric -----------------------------------------------------
 * "fx_value" returns per person: Alice 1.5, Bob 0.5, Carol no data, Dave 0. */
static team g_team;

static int fx_value(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)db;
	assert_string_equal("payload", (const char *)user);
	if (ctx->staff_id == g_team.carol)
		return KISCRM_OK;
	out->has_actual = 1;
	out->actual = ctx->staff_id == g_team.alice ? 1.5 : ctx->staff_id == g_team.bob ? 0.5 : 0;
	return KISCRM_OK;
}

static void register_fx(void)
{
	static char payload[] = "payload";
	kiscrm_kpi_metric m = { KISCRM_KPI_METRIC_VERSION, "fx_value", "测试值", "Test value",
				KISCRM_KPI_UNIT_RATIO, NULL, fx_value, payload };
	assert_rc(KISCRM_OK, kiscrm_kpi_register_metric(&m));
}

/* Scores of one scheme with a single fx_value indicator: raw scores of Alice, Bob, Carol,
 * Dave and the note of one of them. */
static void scores_of(kiscrm_db *db, const char *rule_yaml, const double expected[4], kiscrm_id note_of,
		      const char *note)
{
	char yaml[1024];
	snprintf(yaml, sizeof(yaml),
		 "scheme: rules\nzh: 规则\nen: Rules\nindicators:\n"
		 "  - { key: v, zh: 值, en: Value, metric: fx_value, weight: 100, %s }\n"
		 "grades:\n  - { grade: A, min: 0 }\n",
		 rule_yaml);
	kiscrm_kpi_scheme *s = load_text(yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, s, &o));
	kiscrm_id ids[4] = { g_team.alice, g_team.bob, g_team.carol, g_team.dave };
	for (int i = 0; i < 4; i++) {
		size_t r = row_of(t, ids[i], "v");
		assert_rate(expected[i], t, r, "raw_score");
		assert_rate(expected[i], t, row_of(t, ids[i], NULL), "total");
	}
	if (note_of)
		assert_text(note, t, row_of(t, note_of, "v"), "note");
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(s);
}

static void test_rules(void **state)
{
	kiscrm_db *db = *state;
	build_team(db, &g_team);
	register_fx();

	/* linear, target 1, floor 20, cap 120, missing 10:
	 * Alice 150 → 120 capped; Bob 50; Carol no data → 10; Dave 0 → 20 floored */
	const double linear[4] = { 120, 50, 10, 20 };
	scores_of(db, "target: 1, rule: linear, floor: 20, cap: 120, missing_score: 10", linear, g_team.alice,
		  "capped");
	scores_of(db, "target: 1, rule: linear, floor: 20, cap: 120, missing_score: 10", linear, g_team.carol,
		  "no_data");
	/* lower is better, target 1, cap 150: Alice (2 − 1.5)×100 = 50; Bob (2 − 0.5)×100 = 150;
	 * Carol 0; Dave 200 → 150 capped */
	const double lower[4] = { 50, 150, 0, 150 };
	scores_of(db, "target: 1, rule: lower_is_better, cap: 150", lower, g_team.dave, "capped");
	/* zero target, lower is better: above 0 → floor 0; 0 → 100 */
	const double lower0[4] = { 0, 0, 0, 100 };
	scores_of(db, "target: 0, rule: lower_is_better, cap: 150", lower0, g_team.dave, "zero_target");
	/* zero target, linear (cap 120): above 0 → cap; 0 → 100 */
	const double linear0[4] = { 120, 120, 0, 100 };
	scores_of(db, "target: 0, rule: linear, cap: 120", linear0, g_team.alice, "zero_target");
	/* no target at all: missing_score 5 with no_target */
	const double notarget[4] = { 5, 5, 5, 5 };
	scores_of(db, "rule: linear, missing_score: 5", notarget, g_team.bob, "no_target");
	/* step bands on the ratio: ≥ 1 → 100, ≥ 0.6 → 60, else 0 */
	const double bands[4] = { 100, 0, 0, 0 };
	scores_of(db, "target: 1, rule: bands, bands: [{min: 0.6, score: 60}, {min: 1, score: 100}]", bands, 0, NULL);
	/* lower-is-better steps on the actual: ≤ 0 → 100, ≤ 0.5 → 80, ≤ 1 → 60, else 10 */
	const double steps[4] = { 10, 80, 0, 100 };
	scores_of(db,
		  "rule: bands, basis: actual, else: 10, bands: [{max: 0, score: 100}, {max: 0.5, score: 80}, "
		  "{max: 1, score: 60}]",
		  steps, 0, NULL);
	/* gate: pass when ≥ 0.5 */
	const double gate[4] = { 100, 100, 0, 0 };
	scores_of(db, "rule: gate, min: 0.5", gate, g_team.dave, "gate_failed");
	/* direct, capped at 1 */
	const double direct[4] = { 1, 0.5, 0, 0 };
	scores_of(db, "rule: direct, cap: 1", direct, g_team.alice, "capped");

	/* a veto gate of weight 0 zeroes the total of who fails it:
	 * Alice 1.5 ≥ 1 passes: total = min(1.5, 1.2)×100 = 120; Bob 0.5 fails: 0, veto */
	static const char veto_yaml[] =
		"scheme: veto\nzh: 否决\nen: Veto\nindicators:\n"
		"  - { key: v, zh: 值, en: Value, metric: fx_value, target: 1, weight: 100, rule: linear, cap: 120 }\n"
		"  - { key: g, zh: 门槛, en: Gate, metric: fx_value, weight: 0, rule: gate, min: 1, veto: true }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	kiscrm_kpi_scheme *s = load_text(veto_yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, s, &o));
	assert_rate(120.0, t, row_of(t, g_team.alice, NULL), "total");
	size_t r = row_of(t, g_team.bob, NULL);
	assert_rate(0.0, t, r, "total");
	assert_text("veto", t, r, "note");
	assert_text("gate_failed", t, row_of(t, g_team.bob, "g"), "note");
	assert_int_equal(1, fx_int(t, row_of(t, g_team.alice, NULL), "rank"));
	kiscrm_table_free(t);

	/* a scheme whose metric is unregistered afterwards fails with its position */
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("fx_value"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kpi_score(&t, db, s, &o));
	assert_msg_has("fx_value");
	assert_msg_has("test.yaml:5:");
	kiscrm_kpi_scheme_free(s);
}

static void test_metric_compute(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	kiscrm_kpi_context c = { KISCRM_KPI_CONTEXT_VERSION, KISCRM_KPI_SCOPE_PERSON, s.alice, s.sales, "sales_rep",
				 D(2024, 3, 1), D(2024, 4, 1), KISCRM_PERIOD_MONTH, D(2024, 3, 31), "team", "contracts" };
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, "contract_amount", &c));
	assert_int_equal(1, v.has_actual);
	assert_int_equal(13000000, v.actual_money);
	assert_int_equal(1, v.has_target);
	assert_int_equal(10000000, v.target_money);
	/* target completion: 130,000 / 100,000 */
	assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, "target_completion", &c));
	assert_float_equal(1.3, v.actual, 1e-12);
	/* the quarter Q1 2024 tiles by months: the March target is found for the quarter too */
	c.from = D(2024, 1, 1);
	assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, "contract_amount", &c));
	assert_int_equal(10000000, v.target_money);
	/* company: contracts in Q1 not rejected: 130,000 + 80,000 + 50,000 + 100,000 + 10,000 */
	c.scope = KISCRM_KPI_SCOPE_COMPANY;
	assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, "contract_amount", &c));
	assert_int_equal(37000000, v.actual_money);
	assert_int_equal(0, v.has_target);
	/* department Sales in March: 130,000 + 80,000 + 100,000 */
	c.scope = KISCRM_KPI_SCOPE_DEPARTMENT;
	c.from = D(2024, 3, 1);
	assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, "contract_amount", &c));
	assert_int_equal(31000000, v.actual_money);
	/* errors */
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kpi_metric_compute(&v, db, "no_such_metric", &c));
	assert_msg_has("no_such_metric");
	c.to = c.from;
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_metric_compute(&v, db, "contract_amount", &c));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_metric_compute(NULL, db, "contract_amount", &c));
}

/* The default scheme loads, its weights sum to 100, and it scores the team. */
static void test_default_scheme(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	kiscrm_kpi_scheme *scheme = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_scheme_load_default(&scheme, db));
	assert_string_equal("sales_staff", kiscrm_kpi_scheme_key(scheme));
	assert_int_equal(8, kiscrm_kpi_scheme_indicator_count(scheme));
	int sum = 0;
	for (size_t i = 0; i < kiscrm_kpi_scheme_indicator_count(scheme); i++)
		sum += kiscrm_kpi_scheme_indicator_weight(scheme, i);
	assert_int_equal(100, sum);
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_scheme_indicator_weight(scheme, 8));
	kiscrm_kpi_scheme_free(scheme);

	/* Alice's card by the default scheme: contract 130,000/100,000 → 120 capped ×30% */
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_kpi(&t, db, &o));
	size_t r = row_of(t, s.alice, "contract_amount");
	assert_rate(120.0, t, r, "raw_score");
	assert_rate(36.0, t, r, "weighted_score");
	/* no overdue receivables: 0 against 20,000 tolerated → (2 − 0)×100 → cap 120 */
	r = row_of(t, s.alice, "receivables_overdue");
	assert_rate(0.0, t, r, "actual");
	assert_rate(120.0, t, r, "raw_score");
	/* no snapshot: forecast accuracy has no data */
	assert_text("no_data", t, row_of(t, s.alice, "forecast_accuracy"), "note");
	/* the presales engineer is not scored */
	assert_false(has_staff(t, s.eve));
	kiscrm_table_free(t);

	/* the same file from the configuration directory */
	assert_rc(KISCRM_OK, kiscrm_kpi_scheme_load_dir(&scheme, kc_test_config_dir()));
	assert_string_equal("sales_staff", kiscrm_kpi_scheme_key(scheme));
	kiscrm_kpi_scheme_free(scheme);
}

static void test_score_errors(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_kpi_scheme *scheme = load_text(team_yaml);
	kiscrm_table *t = NULL;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	/* no window */
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_msg_has("window");
	assert_null(t);
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(&t, db, scheme, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(&t, db, NULL, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(NULL, db, scheme, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(&t, NULL, scheme, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_rollup(&t, db, scheme, &o));
	/* a period of the as-of date is a window: nobody to score → an empty card */
	o = march();
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(scheme);

	/* an unconfigured role is refused with the indicator's position */
	static const char bad_role[] =
		"scheme: r\nzh: 角色\nen: Role\nindicators:\n"
		"  - { key: v, zh: 值, en: V, metric: manual, weight: 100, rule: direct, roles: [salse_rep] }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	scheme = load_text(bad_role);
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_score(&t, db, scheme, &o));
	assert_msg_has("salse_rep");
	assert_string_equal("salse_rep", kiscrm_error_last()->value);
	assert_int_equal(5, kiscrm_error_last()->line);
	kiscrm_kpi_scheme_free(scheme);
}

/* --- loading errors (no database) ------------------------------------------------------------ */

static void load_fixture_fails(const char *name, int line, const char *needle, const char *value)
{
	char path[1024];
	kiscrm_kpi_scheme *s = NULL;
	snprintf(path, sizeof(path), "%s/kpi/%s", kc_test_data_dir(), name);
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load(&s, path));
	assert_null(s);
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(e->file);
	assert_non_null(strstr(e->file, name));
	if (line)
		assert_int_equal(line, e->line);
	assert_msg_has(needle);
	if (value) {
		assert_non_null(e->value);
		assert_string_equal(value, e->value);
	}
}

static void test_load_errors(void **state)
{
	(void)state;
	/* weights 60 + 30 = 90: reported at the indicators list (line 5) */
	load_fixture_fails("bad_weights.yaml", 5, "sum to 90, not 100", "90");
	load_fixture_fails("unknown_metric.yaml", 8, "unknown metric 'contract_amout'", "contract_amout");
	load_fixture_fails("bad_bands.yaml", 14, "must increase", "0.6");
	load_fixture_fails("syntax.yaml", 0, "syntax error", NULL);
	load_fixture_fails("rule_key.yaml", 12, "key 'veto' is not used by rule 'linear'", "veto");

	kiscrm_kpi_scheme *s = NULL;
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load(&s, "/nonexistent/kpi.yaml"));
	assert_msg_has("/nonexistent/kpi.yaml");
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_scheme_load(NULL, "x"));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_scheme_load(&s, NULL));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kpi_scheme_load_dir(&s, "/nonexistent-dir"));

	/* rule parameters */
	static const char floor_cap[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 100, rule: direct, floor: 50, cap: 40 }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "fc.yaml", floor_cap, strlen(floor_cap)));
	assert_msg_has("floor 50 is above cap 40");
	static const char grades[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 100, rule: direct }\n"
		"grades:\n  - { grade: B, min: 75 }\n  - { grade: A, min: 90 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "g.yaml", grades, strlen(grades)));
	assert_msg_has("highest first");
	assert_int_equal(8, kiscrm_error_last()->line);
	static const char dup[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 50, rule: direct }\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 50, rule: direct }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "d.yaml", dup, strlen(dup)));
	assert_msg_has("duplicate indicator key 'v'");
	static const char gate[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 100, rule: gate }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "gate.yaml", gate, strlen(gate)));
	assert_msg_has("needs min");
	static const char decomposed[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: win_rate, target: decomposed, weight: 100, rule: linear }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "dec.yaml", decomposed, strlen(decomposed)));
	assert_msg_has("no decomposed target");
	static const char weight[] =
		"scheme: x\nzh: x\nen: x\nindicators:\n"
		"  - { key: v, zh: v, en: v, metric: manual, weight: 101, rule: direct }\n"
		"grades:\n  - { grade: A, min: 0 }\n";
	assert_rc(KISCRM_ECONFIG, kiscrm_kpi_scheme_load_text(&s, "w.yaml", weight, strlen(weight)));
	assert_msg_has("101");
	assert_null(s);
	kiscrm_kpi_scheme_free(NULL);
	assert_null(kiscrm_kpi_scheme_key(NULL));
	assert_int_equal(0, kiscrm_kpi_scheme_indicator_count(NULL));
}

static int dummy(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)out, (void)db, (void)ctx, (void)user;
	return KISCRM_OK;
}

static void test_registry(void **state)
{
	(void)state;
	size_t n = kiscrm_kpi_metric_count();
	assert_true(n >= 11);
	static const char *const builtins[] = {
		"contract_amount", "collection_amount", "target_completion", "new_opportunities",
		"opportunity_sufficiency", "qualification_rate", "win_rate", "sales_cycle",
		"forecast_accuracy", "receivables_overdue", "manual",
	};
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		assert_non_null(kiscrm_kpi_metric_find(builtins[i]));
	assert_string_equal("合同额", kiscrm_kpi_metric_find("contract_amount")->zh);
	assert_null(kiscrm_kpi_metric_at(n));

	kiscrm_kpi_metric m = { KISCRM_KPI_METRIC_VERSION, "nps", "净推荐值", "Net promoter score",
				KISCRM_KPI_UNIT_RATIO, NULL, dummy, NULL };
	assert_rc(KISCRM_OK, kiscrm_kpi_register_metric(&m));
	assert_int_equal(n + 1, kiscrm_kpi_metric_count());
	assert_string_equal("nps", kiscrm_kpi_metric_at(n)->key);
	assert_rc(KISCRM_EEXISTS, kiscrm_kpi_register_metric(&m));
	assert_msg_has("nps");
	m.key = "Bad Key";
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_register_metric(&m));
	assert_msg_has("Bad Key");
	m.key = "x1";
	m.compute = NULL;
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_register_metric(&m));
	m.compute = dummy;
	m.unit = 9;
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_register_metric(&m));
	m.unit = KISCRM_KPI_UNIT_RATIO;
	m.target_metric = "nope";
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_register_metric(&m));
	m.target_metric = NULL;
	m.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_kpi_register_metric(&m));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_register_metric(NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_unregister_metric("manual"));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_kpi_unregister_metric("x1"));
	assert_rc(KISCRM_OK, kiscrm_kpi_unregister_metric("nps"));
	assert_int_equal(n, kiscrm_kpi_metric_count());
	assert_rc(KISCRM_EINVALID, kiscrm_kpi_unregister_metric(NULL));
}

/* --- population path = per-subject path -------------------------------------------------
 *
 * A scoring run computes every built-in metric once for the whole population (one scan or
 * one grouped report run) and maps the results back to the subjects. Whatever it gives must
 * be exactly what the metric computes for the subject alone (kiscrm_kpi_metric_compute(),
 * the per-subject path). Scheme "all" uses every built-in metric, at person, department and
 * company scope; the team gets a second "Bob" (another id, in Channel) so that names are
 * not unique, won and lost opportunities so that win rates and sales cycles have data. */
static const char all_yaml[] =
	"scheme: all\n"
	"zh: 全部\n"
	"en: All\n"
	"indicators:\n"
	"  - { key: contracts, zh: a, en: a, metric: contract_amount, target: decomposed, weight: 10, rule: linear }\n"
	"  - { key: collections, zh: b, en: b, metric: collection_amount, target: 1000, weight: 10, rule: linear }\n"
	"  - { key: completion, zh: c, en: c, metric: target_completion, target: 1, weight: 10, rule: linear }\n"
	"  - { key: opps, zh: d, en: d, metric: new_opportunities, target: 4, weight: 10, scope: department,\n"
	"      rule: linear }\n"
	"  - { key: sufficiency, zh: e, en: e, metric: opportunity_sufficiency, weight: 10, rule: linear }\n"
	"  - { key: qualification, zh: f, en: f, metric: qualification_rate, target: 0.5, weight: 10,\n"
	"      rule: linear }\n"
	"  - { key: win, zh: g, en: g, metric: win_rate, target: 0.3, weight: 10, rule: linear }\n"
	"  - { key: cycle, zh: h, en: h, metric: sales_cycle, target: 30, weight: 10, scope: company,\n"
	"      rule: lower_is_better }\n"
	"  - { key: accuracy, zh: i, en: i, metric: forecast_accuracy, target: 0.8, weight: 5, rule: linear }\n"
	"  - { key: overdue, zh: j, en: j, metric: receivables_overdue, target: 100, weight: 5, scope: department,\n"
	"      rule: lower_is_better }\n"
	"  - { key: attitude, zh: k, en: k, metric: manual, weight: 5, rule: direct }\n"
	"  - { key: team_attitude, zh: l, en: l, metric: manual, weight: 5, scope: department, rule: direct }\n"
	"grades:\n"
	"  - { grade: A, min: 90 }\n"
	"  - { grade: D, min: 0 }\n";

static const char *scope_name(int scope)
{
	return scope == KISCRM_KPI_SCOPE_PERSON ? "person" : scope == KISCRM_KPI_SCOPE_DEPARTMENT ? "department" : "company";
}

/* Every DETAIL row of @t equals kiscrm_kpi_metric_compute() for its subject. */
static void check_rows(kiscrm_db *db, const kiscrm_table *t, const team *s, kiscrm_id bob2, int departments)
{
	kiscrm_report_options o = march();
	size_t checked = 0;
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++) {
		if (kiscrm_table_row_kind(t, r) != KISCRM_ROW_DETAIL)
			continue;
		kiscrm_kpi_context c;
		memset(&c, 0, sizeof(c));
		c.version = KISCRM_KPI_CONTEXT_VERSION;
		for (c.scope = KISCRM_KPI_SCOPE_PERSON; c.scope <= KISCRM_KPI_SCOPE_COMPANY; c.scope++)
			if (strcmp(fx_text(t, r, "scope"), scope_name(c.scope)) == 0)
				break;
		if (departments) {
			c.department_id = fx_int(t, r, "department_id");
		} else {
			kiscrm_id id = fx_int(t, r, "staff_id");
			c.department_id = id == s->dave || id == bob2 ? s->channel : s->sales;
			if (c.scope == KISCRM_KPI_SCOPE_PERSON) {
				c.staff_id = id;
				c.role = fx_text(t, r, "role");
			}
		}
		c.from = o.from;
		c.to = o.to;
		c.as_of = o.as_of; /* 2024-03-31 = the window's last day */
		c.scheme = "all";
		c.indicator = fx_text(t, r, "indicator");
		kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
		assert_rc(KISCRM_OK, kiscrm_kpi_metric_compute(&v, db, fx_text(t, r, "metric"), &c));
		assert_int_equal(v.has_actual, !fx_is_null(t, r, "actual"));
		if (v.has_actual)
			assert_true(v.actual == fx_rate(t, r, "actual")); /* exactly, not within an epsilon */
		if (strcmp(fx_text(t, r, "unit"), "money") == 0)
			assert_int_equal(v.actual_money, fx_int(t, r, "actual_amount"));
		checked++;
	}
	assert_true(checked > 0);
}

static void test_population_matches_subject(void **state)
{
	kiscrm_db *db = *state;
	team s;
	build_team(db, &s);
	/* the second Bob: another person with the same name */
	kiscrm_id bob2 = staff_in(db, s.channel, "Bob", "sales_rep");
	contract(db, bob2, s.cust, 2000000, D(2024, 3, 20), NULL);
	opps(db, bob2, s.cust, 2, D(2024, 3, 3));
	kiscrm_id w = fx_opp(db, "won one", s.alice, s.cust, 500000, D(2024, 1, 10), "opportunity");
	fx_move(db, w, "won", 2024, 3, 12);
	kiscrm_id l = fx_opp(db, "lost one", s.alice, s.cust, 500000, D(2024, 1, 10), "opportunity");
	fx_move(db, l, "lost", 2024, 3, 13);
	kiscrm_id w2 = fx_opp(db, "won two", bob2, s.cust, 500000, D(2024, 2, 1), "opportunity");
	fx_move(db, w2, "won", 2024, 3, 2);
	manual(db, bob2, "attitude", D(2024, 3, 1), 60);

	kiscrm_kpi_scheme *scheme = load_text(all_yaml);
	kiscrm_report_options o = march();
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_kpi_score(&t, db, scheme, &o));
	/* Alice, Bob, Carol, Dave, Eve, the second Bob: every indicator applies to every role */
	assert_int_equal(6 * 13, kiscrm_table_row_count(t));
	check_rows(db, t, &s, bob2, 0);

	/* the two Bobs keep their own figures: contracts signed in March 80,000.00 (Sales) and
	 * 20,000.00 (Channel); attitude 100 and 60 */
	assert_int_equal(8000000, fx_int(t, row_of(t, s.bob, "contracts"), "actual_amount"));
	assert_int_equal(2000000, fx_int(t, row_of(t, bob2, "contracts"), "actual_amount"));
	assert_rate(100.0, t, row_of(t, s.bob, "attitude"), "actual");
	assert_rate(60.0, t, row_of(t, bob2, "attitude"), "actual");
	/* Alice: 1 won, 1 lost closed in March → win rate 1 / 2 = 0.5 */
	assert_rate(0.5, t, row_of(t, s.alice, "win"), "actual");
	/* department-scope opps: Sales 4 + 1 + 3 = 8 for Alice; Channel 0 (Dave) + 2 (Bob 2) = 2 */
	assert_rate(8.0, t, row_of(t, s.alice, "opps"), "actual");
	assert_rate(2.0, t, row_of(t, bob2, "opps"), "actual");
	/* company sales cycle: won in March: Alice's 2024-01-10 → 03-12 = 62 days, Bob 2's
	 * 2024-02-01 → 03-02 = 30 days → (62 + 30) / 2 = 46 */
	assert_rate(46.0, t, row_of(t, s.dave, "cycle"), "actual");
	kiscrm_table_free(t);

	/* departments as subjects: the same, with department-level values */
	assert_rc(KISCRM_OK, kiscrm_kpi_score_departments(&t, db, scheme, &o));
	assert_int_equal(2 * 13, kiscrm_table_row_count(t));
	check_rows(db, t, &s, bob2, 1);
	kiscrm_table_free(t);
	kiscrm_kpi_scheme_free(scheme);
}

#define BOTH(name) cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	BOTH(test_scorecard),
	BOTH(test_rollup),
	BOTH(test_departments),
	BOTH(test_rules),
	BOTH(test_metric_compute),
	BOTH(test_default_scheme),
	BOTH(test_score_errors),
	BOTH(test_population_matches_subject),
};

static const struct CMUnitTest plain[] = {
	cmocka_unit_test(test_load_errors),
	cmocka_unit_test(test_registry),
};

int main(void)
{
	int failed = kc_test_run_both(tests);
	failed += cmocka_run_group_tests_name("schemes", plain, NULL, NULL);
	return failed;
}

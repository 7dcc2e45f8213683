/* Gap, sufficiency, forecasts and year-end completion on a hand-built partner company.
 *
 * The scenario (amounts in fen; as_of 2025-05-15; with the default calendar Q2 is
 * [2025-04-01, 2025-07-01)). One department, five sales staff: Li, Sun, Wang, Zhang,
 * Zhao (reports sort groups by name in this order). Default pipeline: opportunity 10 %
 * pipeline, diagnosis 30 % pipeline, design 60 % best_case, commercial 80 % commit.
 *
 * Targets, contract_amount:  quarter 2025-04-01: company 12,000,000; Zhang 5,000,000;
 *   Li 3,000,000; Wang 2,000,000; Zhao 1,000,000; Sun 1,000,000.
 *   quarter 2025-07-01: Li 3,500,000.  year 2025-04-01: company 40,000,000; Zhang 20,000,000.
 * Targets, collection_amount: quarter 2025-04-01: company 6,000,000; Zhang 3,000,000.
 *
 * Contracts: C1 Zhang 2025-04-10 1,500,000 (of won W1); C2 Li 2025-05-05 3,200,000;
 *   C3 Zhang 2025-03-20 800,000 (before Q2); C4 Wang 2025-05-20 100,000 (after as_of).
 * Collections: C1 04-20 1,000,000 and 05-25 200,000; C3 04-02 300,000; C2 03-30 50,000.
 *   → in Q2 Zhang collected 1,000,000 + 200,000 + 300,000 = 1,500,000; nobody else.
 *
 * Open opportunities (stage, probability, amount, expected, source):
 *   O1 Zhang diagnosis 30 %      12,345   05-20 grid            w = 3,703.5 → 3,704
 *   O2 Zhang design 60 %      1,000,000   06-15 market_activity w = 600,000
 *   O3 Zhang commercial 80 %  2,000,000   04-25 telemarketing   w = 1,600,000
 *   O4 Zhang commercial 80 %    500,000   08-10 resale          w = 400,000 (Q3)
 *   O5 Zhang opportunity, 15 % by hand, 333, 06-30 resale      w = 49.95 → 50
 *   O6 Li diagnosis 30 %      1,000,001   05-31 grid            w = 300,000.3 → 300,000
 *   O7 Wang design 60 %       1,234,567   06-01 grid            w = 740,740.2 → 740,740
 *   O8 Wang opportunity 10 %          5   05-16 inbound         w = 0.5 → 1
 *   O10 Zhang diagnosis 30 %      7,000   2025-03-15 (slipped before Q2: never counted)
 *   O12 Sun opportunity 10 %  4,000,000   06-20 referral        w = 400,000
 * Won: W1 Zhang 1,500,000 closed 04-10 (has contract C1: counted once, through C1);
 *   W2 Wang 250,000 closed 05-10 (no contract: achieved); H1 Li 100 closed 2024-11-01.
 * Lost: L1 Wang (history opportunity → diagnosis → lost); H2 Li (opportunity → design →
 *   commercial → lost); H3 Zhang (opportunity → lost).
 *
 * Historical win rates (won reach every working stage; a loss reaches the stages up to
 * the furthest it was in): W1, W2, H1 won → 3 wins on each stage.
 *   opportunity: reached by 3 wins + L1, H2, H3 = 6 → 3/6
 *   diagnosis:   3 + L1, H2 = 5 → 3/5
 *   design:      3 + H2 = 4 → 3/4;  commercial: 3 + H2 = 4 → 3/4 */
#include "helpers.h"
#include "storage/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum { LI = 1, SUN, WANG, ZHANG, ZHAO };
/* Row of each person in reports grouped by owner (sorted by name). */
enum { R_LI, R_SUN, R_WANG, R_ZHANG, R_ZHAO };

typedef struct {
	kiscrm_db *db; /* first: see kc_test_fx_open */
	kiscrm_id w1;
} fixture;

static kiscrm_date ymd(int y, int m, int d)
{
	kiscrm_date out;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&out, y, m, d));
	return out;
}

static void staff(kiscrm_db *db, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep"));
	kc_test_insert(db, r);
}

static void target(kiscrm_db *db, const char *metric, int period, kiscrm_date start, kiscrm_id owner,
		   kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, metric));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, period));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, start));
	if (owner)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, amount));
	kc_test_insert(db, r);
}

static kiscrm_id contract(kiscrm_db *db, kiscrm_id owner, kiscrm_date signed_on, kiscrm_money amount,
			  kiscrm_id opp)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, 1));
	if (opp)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OPPORTUNITY_ID, opp));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, signed_on));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_DEPARTMENT_ID, 1));
	return kc_test_insert(db, r);
}

static void collection(kiscrm_db *db, kiscrm_id contract_id, kiscrm_date received, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_CONTRACT_ID, contract_id));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_RECEIVED, received));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_AMOUNT, amount));
	kc_test_insert(db, r);
}

typedef struct {
	const char *name;
	kiscrm_id owner;
	const char *stage;
	int probability;
	int manual;
	kiscrm_money amount;
	kiscrm_date expected;
	const char *source;
} opp_spec;

static const char *category_of(const char *stage)
{
	if (strcmp(stage, "design") == 0)
		return "best_case";
	if (strcmp(stage, "commercial") == 0)
		return "commit";
	if (strcmp(stage, "won") == 0)
		return "closed";
	if (strcmp(stage, "lost") == 0)
		return "omitted";
	return "pipeline";
}

static kiscrm_id opportunity(kiscrm_db *db, const opp_spec *s, kiscrm_date closed)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	const char *status = strcmp(s->stage, "won") == 0 ? "won" : strcmp(s->stage, "lost") == 0 ? "lost" : "open";
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, s->name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, s->owner));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, s->amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, s->expected));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, s->stage));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY, s->probability));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL, s->manual));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_FORECAST_CATEGORY, category_of(s->stage)));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, status));
	if (s->source)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_SOURCE, s->source));
	if (closed != KISCRM_DATE_NONE)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CLOSED, closed));
	return kc_test_insert(db, r);
}

static void move(kiscrm_db *db, kiscrm_id opp, const char *from, const char *to, kiscrm_time at)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAGE_HISTORY);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAGE_HISTORY_OPPORTUNITY_ID, opp));
	if (from)
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAGE_HISTORY_FROM_STAGE, from));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAGE_HISTORY_TO_STAGE, to));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAGE_HISTORY_AT, at));
	kc_test_insert(db, r);
}

static void build(fixture *f)
{
	kiscrm_db *db = f->db;
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_DEPARTMENT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, "Sales"));
	kc_test_insert(db, r);
	static const char *const names[] = { "Li", "Sun", "Wang", "Zhang", "Zhao" };
	for (size_t i = 0; i < 5; i++)
		staff(db, names[i]);
	r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "Acme Trading Co."));
	kc_test_insert(db, r);

	kiscrm_date q2 = ymd(2025, 4, 1), q3 = ymd(2025, 7, 1);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, 0, 12000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, ZHANG, 5000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, LI, 3000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, WANG, 2000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, ZHAO, 1000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q2, SUN, 1000000);
	target(db, "contract_amount", KISCRM_PERIOD_QUARTER, q3, LI, 3500000);
	/* year targets start on the fiscal year's first day: 2025-01-01 with the default
	 * calendar (outside the Q2 window, and not of the quarter kind: never read by gap),
	 * 2025-04-01 with the April fiscal year */
	kiscrm_date fy = kiscrm_date_fiscal_year_start(ymd(2025, 5, 15),
						       kiscrm_config_fiscal_year_start(kiscrm_db_config(db)));
	target(db, "contract_amount", KISCRM_PERIOD_YEAR, fy, 0, 40000000);
	target(db, "contract_amount", KISCRM_PERIOD_YEAR, fy, ZHANG, 20000000);
	target(db, "collection_amount", KISCRM_PERIOD_QUARTER, q2, 0, 6000000);
	target(db, "collection_amount", KISCRM_PERIOD_QUARTER, q2, ZHANG, 3000000);
	/* a count metric the reports do not read */
	kiscrm_record *v = kc_test_rec(KISCRM_KIND_TARGET);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(v, KISCRM_TARGET_METRIC, "visits"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(v, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_QUARTER));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(v, KISCRM_TARGET_START, q2));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(v, KISCRM_TARGET_OWNER_ID, ZHANG));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(v, KISCRM_TARGET_COUNT, 40));
	kc_test_insert(db, v);

	static const opp_spec open[] = {
		{ "O1", ZHANG, "diagnosis", 30, 0, 12345, 0, "grid" },
		{ "O2", ZHANG, "design", 60, 0, 1000000, 0, "market_activity" },
		{ "O3", ZHANG, "commercial", 80, 0, 2000000, 0, "telemarketing" },
		{ "O4", ZHANG, "commercial", 80, 0, 500000, 0, "resale" },
		{ "O5", ZHANG, "opportunity", 15, 1, 333, 0, "resale" },
		{ "O6", LI, "diagnosis", 30, 0, 1000001, 0, "grid" },
		{ "O7", WANG, "design", 60, 0, 1234567, 0, "grid" },
		{ "O8", WANG, "opportunity", 10, 0, 5, 0, "inbound" },
		{ "O10", ZHANG, "diagnosis", 30, 0, 7000, 0, "grid" },
		{ "O12", SUN, "opportunity", 10, 0, 4000000, 0, "referral" },
	};
	const kiscrm_date expected[] = {
		ymd(2025, 5, 20), ymd(2025, 6, 15), ymd(2025, 4, 25), ymd(2025, 8, 10), ymd(2025, 6, 30),
		ymd(2025, 5, 31), ymd(2025, 6, 1), ymd(2025, 5, 16), ymd(2025, 3, 15), ymd(2025, 6, 20),
	};
	for (size_t i = 0; i < sizeof(open) / sizeof(open[0]); i++) {
		opp_spec s = open[i];
		s.expected = expected[i];
		opportunity(db, &s, KISCRM_DATE_NONE);
	}
	opp_spec w1 = { "W1", ZHANG, "won", 100, 0, 1500000, ymd(2025, 4, 10), "grid" };
	opp_spec w2 = { "W2", WANG, "won", 100, 0, 250000, ymd(2025, 5, 10), "grid" };
	opp_spec h1 = { "H1", LI, "won", 100, 0, 100, ymd(2024, 11, 1), "grid" };
	opp_spec l1 = { "L1", WANG, "lost", 0, 0, 999, ymd(2025, 5, 1), "grid" };
	opp_spec h2 = { "H2", LI, "lost", 0, 0, 100, ymd(2024, 12, 1), "grid" };
	opp_spec h3 = { "H3", ZHANG, "lost", 0, 0, 100, ymd(2024, 12, 1), "grid" };
	f->w1 = opportunity(db, &w1, ymd(2025, 4, 10));
	opportunity(db, &w2, ymd(2025, 5, 10));
	opportunity(db, &h1, ymd(2024, 11, 1));
	kiscrm_id il1 = opportunity(db, &l1, ymd(2025, 5, 1));
	kiscrm_id ih2 = opportunity(db, &h2, ymd(2024, 12, 1));
	kiscrm_id ih3 = opportunity(db, &h3, ymd(2024, 12, 1));
	kiscrm_time t = 1700000000;
	move(db, il1, NULL, "opportunity", t);
	move(db, il1, "opportunity", "diagnosis", t + 10);
	move(db, il1, "diagnosis", "lost", t + 20);
	move(db, ih2, NULL, "opportunity", t);
	move(db, ih2, "opportunity", "design", t + 10); /* skips diagnosis: still reached */
	move(db, ih2, "design", "commercial", t + 20);
	move(db, ih2, "commercial", "lost", t + 30);
	move(db, ih3, NULL, "opportunity", t);
	move(db, ih3, "opportunity", "lost", t + 10);

	kiscrm_id c1 = contract(db, ZHANG, ymd(2025, 4, 10), 1500000, f->w1);
	kiscrm_id c2 = contract(db, LI, ymd(2025, 5, 5), 3200000, 0);
	kiscrm_id c3 = contract(db, ZHANG, ymd(2025, 3, 20), 800000, 0);
	contract(db, WANG, ymd(2025, 5, 20), 100000, 0);
	collection(db, c1, ymd(2025, 4, 20), 1000000);
	collection(db, c1, ymd(2025, 5, 25), 200000);
	collection(db, c3, ymd(2025, 4, 2), 300000);
	collection(db, c2, ymd(2025, 3, 30), 50000);
}


static char fy_april_dir[1024];

static int setup_with(void **state, const char *config_dir)
{
	fixture *f = kc_test_fx_open(sizeof(*f), config_dir);
	if (!f)
		return -1;
	build(f);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, NULL);
}

static int setup_fy_april(void **state)
{
	snprintf(fy_april_dir, sizeof(fy_april_dir), "%s/forecast", kc_test_data_dir());
	return setup_with(state, fy_april_dir);
}


/* ---- table access ---------------------------------------------------------------- */

static size_t col(const kiscrm_table *t, const char *name)
{
	int c = kiscrm_table_column_index(t, name);
	if (c < 0)
		fail_msg("no column '%s'", name);
	return (size_t)c;
}

static int64_t num(const kiscrm_table *t, size_t row, const char *name)
{
	size_t c = col(t, name);
	assert_false(kiscrm_table_is_null(t, row, c));
	return kiscrm_table_int(t, row, c);
}

static double rate(const kiscrm_table *t, size_t row, const char *name)
{
	size_t c = col(t, name);
	assert_false(kiscrm_table_is_null(t, row, c));
	return kiscrm_table_rate(t, row, c);
}

static const char *text(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_text(t, row, col(t, name));
}

static int is_null(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_is_null(t, row, col(t, name));
}

static const int by_owner[] = { KISCRM_GROUP_OWNER };

static kiscrm_report_options q2_options(int grouped)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = ymd(2025, 5, 15);
	if (grouped) {
		o.group_by = by_owner;
		o.ngroup = 1;
	}
	return o;
}

static void assert_owners(const kiscrm_table *t)
{
	static const char *const names[] = { "Li", "Sun", "Wang", "Zhang", "Zhao" };
	assert_int_equal(kiscrm_table_row_count(t), 5);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(text(t, i, "owner"), names[i]);
}

/* ---- gap ------------------------------------------------------------------------- */

static void test_gap_per_person(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(1);
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_owners(t);

	/* Li: achieved C2 3,200,000; expected O6 300,000;
	 * gap = 3,000,000 − 3,200,000 − 300,000 = −500,000 (surplus) → on_track */
	assert_int_equal(num(t, R_LI, "target"), 3000000);
	assert_int_equal(num(t, R_LI, "achieved"), 3200000);
	assert_int_equal(num(t, R_LI, "expected"), 300000);
	assert_int_equal(num(t, R_LI, "gap"), -500000);
	assert_int_equal(num(t, R_LI, "pipeline"), 1000001);
	assert_string_equal(text(t, R_LI, "strategy"), "on_track");
	assert_true(is_null(t, R_LI, "collection_target"));
	assert_int_equal(num(t, R_LI, "collected"), 0); /* C2's collection was in March */
	assert_true(is_null(t, R_LI, "collection_gap"));

	/* Sun: nothing achieved, O12 4,000,000 × 10 % = 400,000; gap 600,000;
	 * 0 + 4,000,000 ≥ 1,000,000 and 4,000,000 ≥ 3 × 1,000,000 → process_resources */
	assert_int_equal(num(t, R_SUN, "target"), 1000000);
	assert_int_equal(num(t, R_SUN, "achieved"), 0);
	assert_int_equal(num(t, R_SUN, "expected"), 400000);
	assert_int_equal(num(t, R_SUN, "gap"), 600000);
	assert_string_equal(text(t, R_SUN, "strategy"), "process_resources");

	/* Wang: achieved C4 100,000 + W2 250,000 (won, no contract) = 350,000;
	 * expected O7 740,740 + O8 1 = 740,741; gap = 2,000,000 − 350,000 − 740,741 = 909,259;
	 * pipeline 1,234,567 + 5 = 1,234,572; 350,000 + 1,234,572 < 2,000,000 and
	 * 2 × 909,259 = 1,818,518 ≤ 2,000,000 → more_opportunities */
	assert_int_equal(num(t, R_WANG, "achieved"), 350000);
	assert_int_equal(num(t, R_WANG, "expected"), 740741);
	assert_int_equal(num(t, R_WANG, "gap"), 909259);
	assert_int_equal(num(t, R_WANG, "pipeline"), 1234572);
	assert_string_equal(text(t, R_WANG, "strategy"), "more_opportunities");

	/* Zhang: achieved C1 1,500,000 (W1 counted through C1, C3 is March);
	 * expected O1 3,704 + O2 600,000 + O3 1,600,000 + O5 50 = 2,203,754 (O4 is Q3, O10 slipped);
	 * gap = 5,000,000 − 1,500,000 − 2,203,754 = 1,296,246;
	 * pipeline 12,345 + 1,000,000 + 2,000,000 + 333 = 3,012,678;
	 * 1,500,000 + 3,012,678 < 5,000,000; 2 × 1,296,246 ≤ 5,000,000 → more_opportunities;
	 * collected 1,000,000 + 200,000 + 300,000 (C3's April instalment) = 1,500,000 */
	assert_int_equal(num(t, R_ZHANG, "target"), 5000000);
	assert_int_equal(num(t, R_ZHANG, "achieved"), 1500000);
	assert_int_equal(num(t, R_ZHANG, "expected"), 2203754);
	assert_int_equal(num(t, R_ZHANG, "gap"), 1296246);
	assert_int_equal(num(t, R_ZHANG, "pipeline"), 3012678);
	assert_string_equal(text(t, R_ZHANG, "strategy"), "more_opportunities");
	assert_int_equal(num(t, R_ZHANG, "collection_target"), 3000000);
	assert_int_equal(num(t, R_ZHANG, "collected"), 1500000);
	assert_int_equal(num(t, R_ZHANG, "collection_gap"), 1500000);

	/* Zhao: only a target; gap 1,000,000 > half of it, no pipeline → staffing */
	assert_int_equal(num(t, R_ZHAO, "achieved"), 0);
	assert_int_equal(num(t, R_ZHAO, "expected"), 0);
	assert_int_equal(num(t, R_ZHAO, "gap"), 1000000);
	assert_string_equal(text(t, R_ZHAO, "strategy"), "staffing");
	assert_non_null(strstr(text(t, R_ZHAO, "strategy_text"), "staff"));
	kiscrm_table_free(t);

	/* in Chinese */
	o.lang = "zh";
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_non_null(strstr(text(t, R_ZHAO, "strategy_text"), "补充销售人员"));
	kiscrm_table_free(t);
}

static void test_gap_company(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(0);
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 1);
	/* achieved 1,500,000 + 3,200,000 + 100,000 + 250,000 = 5,050,000;
	 * expected 2,203,754 + 300,000 + 740,741 + 400,000 = 3,644,495;
	 * gap = 12,000,000 − 5,050,000 − 3,644,495 = 3,305,505;
	 * pipeline 3,012,678 + 1,000,001 + 1,234,572 + 4,000,000 = 9,247,251;
	 * 5,050,000 + 9,247,251 ≥ 12,000,000 but 9,247,251 < 3 × 6,950,000 → partner_support */
	assert_int_equal(num(t, 0, "target"), 12000000);
	assert_int_equal(num(t, 0, "achieved"), 5050000);
	assert_int_equal(num(t, 0, "expected"), 3644495);
	assert_int_equal(num(t, 0, "gap"), 3305505);
	assert_int_equal(num(t, 0, "pipeline"), 9247251);
	assert_string_equal(text(t, 0, "strategy"), "partner_support");
	assert_int_equal(num(t, 0, "collection_target"), 6000000);
	assert_int_equal(num(t, 0, "collected"), 1500000);
	assert_int_equal(num(t, 0, "collection_gap"), 4500000);
	kiscrm_table_free(t);

	/* the month of as_of: no month targets exist → target and gap NULL */
	o.period = KISCRM_PERIOD_MONTH;
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_true(is_null(t, 0, "target"));
	assert_true(is_null(t, 0, "gap"));
	assert_true(is_null(t, 0, "strategy"));
	/* May: C2 3,200,000 + C4 100,000 + W2 250,000 */
	assert_int_equal(num(t, 0, "achieved"), 3550000);
	kiscrm_table_free(t);
}

/* ---- sufficiency ----------------------------------------------------------------- */

static void test_sufficiency(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(1);
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_sufficiency(&t, f->db, &o));
	assert_owners(t);
	for (size_t i = 0; i < 5; i++)
		assert_float_equal(rate(t, i, "threshold"), 3.0, 1e-12);

	/* Li: remaining 3,000,000 − 3,200,000 = −200,000: target met → ratio NULL */
	assert_int_equal(num(t, R_LI, "remaining"), -200000);
	assert_true(is_null(t, R_LI, "ratio"));
	assert_int_equal(num(t, R_LI, "insufficient"), 0);
	assert_true(is_null(t, R_LI, "causes"));

	/* Sun: 4,000,000 / 1,000,000 = 4.0 ≥ 3.0 */
	assert_float_equal(rate(t, R_SUN, "ratio"), 4.0, 1e-12);
	assert_int_equal(num(t, R_SUN, "insufficient"), 0);
	assert_true(is_null(t, R_SUN, "causes"));

	/* Wang: 1,234,572 / (2,000,000 − 350,000) = 1,234,572 / 1,650,000 < 3;
	 * sources: grid (O7), inbound (O8, no channel) → the other three channels are missing */
	assert_int_equal(num(t, R_WANG, "remaining"), 1650000);
	assert_int_equal(num(t, R_WANG, "pipeline"), 1234572);
	assert_float_equal(rate(t, R_WANG, "ratio"), 1234572.0 / 1650000.0, 1e-12);
	assert_int_equal(num(t, R_WANG, "insufficient"), 1);
	assert_string_equal(text(t, R_WANG, "causes"), "market_activity,telemarketing,resale");
	assert_string_equal(text(t, R_WANG, "causes_text"),
			    "market activities; telemarketing; resale to existing customers");

	/* Zhang: 3,012,678 / 3,500,000; all four channels feed the pipeline → staff_ability */
	assert_int_equal(num(t, R_ZHANG, "achieved"), 1500000);
	assert_int_equal(num(t, R_ZHANG, "remaining"), 3500000);
	assert_float_equal(rate(t, R_ZHANG, "ratio"), 3012678.0 / 3500000.0, 1e-12);
	assert_int_equal(num(t, R_ZHANG, "insufficient"), 1);
	assert_string_equal(text(t, R_ZHANG, "causes"), "staff_ability");

	/* Zhao: no pipeline at all → ratio 0, every channel missing */
	assert_float_equal(rate(t, R_ZHAO, "ratio"), 0.0, 0);
	assert_int_equal(num(t, R_ZHAO, "insufficient"), 1);
	assert_string_equal(text(t, R_ZHAO, "causes"), "grid_coverage,market_activity,telemarketing,resale");
	kiscrm_table_free(t);

	/* only Zhang, and in Chinese */
	o.owner_id = ZHANG;
	o.lang = "zh";
	assert_rc(KISCRM_OK, kiscrm_report_sufficiency(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 1);
	assert_string_equal(text(t, 0, "owner"), "Zhang");
	assert_string_equal(text(t, 0, "causes_text"), "人员能力不足");
	kiscrm_table_free(t);
}

/* ---- forecast -------------------------------------------------------------------- */

typedef struct {
	int64_t weighted, weighted_forecast, closed, commit, best_case, pipeline;
	int64_t commit_forecast, best_case_forecast, open_pipeline;
} fc_row;

static void assert_fc_row(const kiscrm_table *t, size_t row, const fc_row *e)
{
	assert_int_equal(num(t, row, "weighted"), e->weighted);
	assert_int_equal(num(t, row, "weighted_forecast"), e->weighted_forecast);
	assert_int_equal(num(t, row, "closed"), e->closed);
	assert_int_equal(num(t, row, "commit"), e->commit);
	assert_int_equal(num(t, row, "best_case"), e->best_case);
	assert_int_equal(num(t, row, "pipeline"), e->pipeline);
	assert_int_equal(num(t, row, "commit_forecast"), e->commit_forecast);
	assert_int_equal(num(t, row, "best_case_forecast"), e->best_case_forecast);
	assert_int_equal(num(t, row, "open_pipeline"), e->open_pipeline);
}

static void test_forecast_by_month(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(0);
	kiscrm_table *t;
	/* period 0: monthly buckets over the quarter of as_of */
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 3);
	assert_int_equal(num(t, 0, "period_start"), ymd(2025, 4, 1));
	assert_int_equal(num(t, 0, "period_end"), ymd(2025, 5, 1));
	assert_int_equal(num(t, 2, "period_start"), ymd(2025, 6, 1));
	assert_int_equal(num(t, 2, "period_end"), ymd(2025, 7, 1));

	/* April: closed C1 1,500,000; O3 commit 2,000,000 weighted 1,600,000 */
	const fc_row apr = { 1600000, 3100000, 1500000, 2000000, 0, 0, 3500000, 3500000, 2000000 };
	/* May: closed C2 3,200,000 + C4 100,000 + W2 250,000 = 3,550,000;
	 * pipeline O1 12,345 + O6 1,000,001 + O8 5 = 1,012,351, weighted 3,704 + 300,000 + 1 = 303,705 */
	const fc_row may = { 303705, 3853705, 3550000, 0, 0, 1012351, 3550000, 3550000, 1012351 };
	/* June: best case O2 1,000,000 + O7 1,234,567 = 2,234,567; pipeline O5 333 + O12 4,000,000
	 * = 4,000,333; weighted 600,000 + 740,740 + 50 + 400,000 = 1,740,790;
	 * open pipeline 2,234,567 + 4,000,333 = 6,234,900 */
	const fc_row jun = { 1740790, 1740790, 0, 0, 2234567, 4000333, 0, 2234567, 6234900 };
	assert_fc_row(t, 0, &apr);
	assert_fc_row(t, 1, &may);
	assert_fc_row(t, 2, &jun);
	kiscrm_table_free(t);

	/* explicit window May 10 .. June 10, grouped by owner: buckets clipped to the window,
	 * bucket-major rows, every owner in every bucket */
	o = q2_options(1);
	o.from = ymd(2025, 5, 10);
	o.to = ymd(2025, 6, 10);
	o.period = KISCRM_PERIOD_MONTH;
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	/* owners with something in the window: Li (C2 is 05-05: no; O6 05-31 yes), Wang (W2, C4,
	 * O7, O8), Zhang (O1). Sun's O12 (06-20) and Zhao are outside → 3 groups × 2 buckets */
	assert_int_equal(kiscrm_table_row_count(t), 6);
	assert_int_equal(num(t, 0, "period_start"), ymd(2025, 5, 10));
	assert_int_equal(num(t, 3, "period_start"), ymd(2025, 6, 1));
	assert_int_equal(num(t, 5, "period_end"), ymd(2025, 6, 10));
	assert_string_equal(text(t, 0, "owner"), "Li");
	assert_string_equal(text(t, 1, "owner"), "Wang");
	assert_string_equal(text(t, 2, "owner"), "Zhang");
	/* Wang in May 10..31: closed W2 250,000 (05-10) + C4 100,000 (05-20); O8 5 pipeline → w 1 */
	const fc_row wang_may = { 1, 350001, 350000, 0, 0, 5, 350000, 350000, 5 };
	/* Wang in June 1..9: O7 best case 1,234,567 → w 740,740 */
	const fc_row wang_jun = { 740740, 740740, 0, 0, 1234567, 0, 0, 1234567, 1234567 };
	const fc_row zero = { 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	assert_fc_row(t, 1, &wang_may);
	assert_fc_row(t, 4, &wang_jun);
	assert_fc_row(t, 3, &zero); /* Li in June */
	kiscrm_table_free(t);
}

static void test_historical_probabilities(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(0);
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_stage_probabilities(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 4);
	static const char *const stages[] = { "opportunity", "diagnosis", "design", "commercial" };
	static const int64_t configured[] = { 10, 30, 60, 80 }, reached[] = { 6, 5, 4, 4 };
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(text(t, i, "stage"), stages[i]);
		assert_int_equal(num(t, i, "configured"), configured[i]);
		assert_int_equal(num(t, i, "reached"), reached[i]);
		assert_int_equal(num(t, i, "won"), 3);
		assert_float_equal(rate(t, i, "historical"), 3.0 / (double)reached[i], 1e-12);
	}
	kiscrm_table_free(t);

	kiscrm_forecast_options fo;
	assert_rc(KISCRM_OK, kiscrm_forecast_options_init(&fo, KISCRM_FORECAST_OPTIONS_VERSION));
	assert_int_equal(fo.probability_source, KISCRM_PROBABILITY_DEFAULT);
	fo.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	o.forecast = &fo;
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	/* April: O3 commercial 2,000,000 × 3/4 = 1,500,000
	 * May: O1 12,345 × 3/5 = 7,407; O6 1,000,001 × 3/5 = 600,000.6 → 600,001;
	 *      O8 5 × 3/6 = 2.5 → 3; total 607,411
	 * June: O2 1,000,000 × 3/4 = 750,000; O7 1,234,567 × 3/4 = 925,925.25 → 925,925;
	 *       O5 keeps its hand-set 15 % → 50; O12 4,000,000 × 3/6 = 2,000,000; total 3,675,975 */
	assert_int_equal(num(t, 0, "weighted"), 1500000);
	assert_int_equal(num(t, 1, "weighted"), 607411);
	assert_int_equal(num(t, 2, "weighted"), 3675975);
	/* category amounts do not depend on probabilities */
	assert_int_equal(num(t, 2, "open_pipeline"), 6234900);
	kiscrm_table_free(t);

	/* configured, explicitly: the same as the default */
	fo.probability_source = KISCRM_PROBABILITY_CONFIGURED;
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	assert_int_equal(num(t, 1, "weighted"), 303705);
	kiscrm_table_free(t);

	/* gap of Zhang with historical probabilities: expected 7,407 + 750,000 + 1,500,000 + 50
	 * = 2,257,457; gap = 5,000,000 − 1,500,000 − 2,257,457 = 1,242,543 */
	o = q2_options(1);
	o.owner_id = ZHANG;
	fo.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	o.forecast = &fo;
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 1);
	assert_int_equal(num(t, 0, "expected"), 2257457);
	assert_int_equal(num(t, 0, "gap"), 1242543);
	kiscrm_table_free(t);
}

/* ---- year-end (fiscal year from April: FY2025 = [2025-04-01, 2026-04-01)) ------------ */

static void test_year_end(void **state)
{
	fixture *f = *state;
	kiscrm_report_options o = q2_options(1);
	o.period = KISCRM_PERIOD_MONTH; /* ignored */
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_year_end(&t, f->db, &o));
	assert_owners(t);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(num(t, i, "fiscal_year"), 2025);

	/* Li: no year target → quarters 3,000,000 + 3,500,000 = 6,500,000; achieved C2
	 * 3,200,000 (H1 is 2024); forecast O6 300,000; projected 3,500,000; gap 3,000,000 */
	assert_int_equal(num(t, R_LI, "target"), 6500000);
	assert_int_equal(num(t, R_LI, "achieved"), 3200000);
	assert_int_equal(num(t, R_LI, "forecast"), 300000);
	assert_int_equal(num(t, R_LI, "projected"), 3500000);
	assert_float_equal(rate(t, R_LI, "achieved_rate"), 3200000.0 / 6500000.0, 1e-12);
	assert_float_equal(rate(t, R_LI, "completion_rate"), 3500000.0 / 6500000.0, 1e-12);
	assert_int_equal(num(t, R_LI, "gap"), 3000000);

	/* Wang: C4 (05-20) is after as_of → not achieved yet; W2 250,000 is;
	 * forecast 740,740 + 1 = 740,741; projected 990,741; gap 2,000,000 − 990,741 = 1,009,259 */
	assert_int_equal(num(t, R_WANG, "target"), 2000000);
	assert_int_equal(num(t, R_WANG, "achieved"), 250000);
	assert_int_equal(num(t, R_WANG, "forecast"), 740741);
	assert_int_equal(num(t, R_WANG, "projected"), 990741);
	assert_float_equal(rate(t, R_WANG, "achieved_rate"), 0.125, 1e-12);
	assert_int_equal(num(t, R_WANG, "gap"), 1009259);

	/* Zhang: year target 20,000,000; achieved C1 1,500,000 (C3 is in FY2024);
	 * forecast 3,704 + 600,000 + 1,600,000 + 400,000 (O4, August) + 50 = 2,603,754;
	 * projected 4,103,754; gap 15,896,246 */
	assert_int_equal(num(t, R_ZHANG, "target"), 20000000);
	assert_int_equal(num(t, R_ZHANG, "achieved"), 1500000);
	assert_int_equal(num(t, R_ZHANG, "forecast"), 2603754);
	assert_int_equal(num(t, R_ZHANG, "projected"), 4103754);
	assert_float_equal(rate(t, R_ZHANG, "completion_rate"), 4103754.0 / 20000000.0, 1e-12);
	assert_int_equal(num(t, R_ZHANG, "gap"), 15896246);

	/* Zhao: quarter target only, nothing else */
	assert_int_equal(num(t, R_ZHAO, "target"), 1000000);
	assert_int_equal(num(t, R_ZHAO, "projected"), 0);
	assert_float_equal(rate(t, R_ZHAO, "completion_rate"), 0.0, 0);
	assert_int_equal(num(t, R_ZHAO, "gap"), 1000000);
	kiscrm_table_free(t);

	/* company: 40,000,000; achieved 1,500,000 + 3,200,000 + 250,000 = 4,950,000;
	 * forecast 2,603,754 + 300,000 + 740,741 + 400,000 = 4,044,495; projected 8,994,495 */
	o = q2_options(0);
	assert_rc(KISCRM_OK, kiscrm_report_year_end(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 1);
	assert_int_equal(num(t, 0, "target"), 40000000);
	assert_int_equal(num(t, 0, "achieved"), 4950000);
	assert_int_equal(num(t, 0, "forecast"), 4044495);
	assert_int_equal(num(t, 0, "projected"), 8994495);
	assert_int_equal(num(t, 0, "gap"), 31005505);
	kiscrm_table_free(t);

	/* the April quarter is fiscal Q1 here: the gap of the quarter of as_of is the same
	 * window [04-01, 07-01) as with a calendar year */
	o = q2_options(0);
	assert_rc(KISCRM_OK, kiscrm_report_gap(&t, f->db, &o));
	assert_int_equal(num(t, 0, "gap"), 3305505);
	kiscrm_table_free(t);
}

/* ---- errors ---------------------------------------------------------------------- */

static void test_errors(void **state)
{
	fixture *f = *state;
	kiscrm_table *t = (kiscrm_table *)&t;
	kiscrm_report_options o = q2_options(0);
	assert_rc(KISCRM_EINVALID, kiscrm_report_gap(NULL, f->db, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_report_gap(&t, NULL, &o));
	assert_null(t);
	assert_rc(KISCRM_EINVALID, kiscrm_report_sufficiency(NULL, f->db, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast(&t, NULL, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_report_year_end(NULL, f->db, &o));
	assert_rc(KISCRM_EINVALID, kiscrm_report_stage_probabilities(NULL, f->db, &o));

	assert_rc(KISCRM_EINVALID, kiscrm_forecast_options_init(NULL, 1));
	kiscrm_forecast_options fo;
	assert_rc(KISCRM_EVERSION, kiscrm_forecast_options_init(&fo, 99));
	fo.version = 99;
	fo.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	o.forecast = &fo;
	assert_rc(KISCRM_EVERSION, kiscrm_report_gap(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "99"));
	fo.version = KISCRM_FORECAST_OPTIONS_VERSION;
	fo.probability_source = 7;
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "7"));
	o.forecast = NULL;

	/* forecast with only one end of the window */
	o.from = ymd(2025, 4, 1);
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "'to'"));
	/* too many weekly buckets */
	o.to = ymd(2055, 4, 1);
	o.period = KISCRM_PERIOD_WEEK;
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "1000"));
	o = q2_options(0);
	o.period = 9;
	assert_rc(KISCRM_EINVALID, kiscrm_report_forecast(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "9"));

	/* targets have no region level */
	static const int by_region[] = { KISCRM_GROUP_REGION };
	o = q2_options(0);
	o.group_by = by_region;
	o.ngroup = 1;
	assert_rc(KISCRM_EINVALID, kiscrm_report_gap(&t, f->db, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "region"));
	/* … but the forecast groups by anything */
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	kiscrm_table_free(t);
}

/* The report's CSV text, with the forecast engine reading every opportunity (embedded
 * backends) or letting the server narrow the scans to the window (PostgreSQL). */
static void report_text(kiscrm_db *db, const char *name, const kiscrm_report_options *o, int remote, kiscrm_buf *out)
{
	kiscrm_table *t = NULL;
	db->remote_rows = remote;
	assert_rc(KISCRM_OK, kiscrm_report_run(&t, db, name, o));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(out, t));
	kiscrm_table_free(t);
}

/* Both ways give the same tables, byte for byte: every report of the engine, per person
 * and for the company, with the configured and the historical probabilities, on the
 * scenario's open, won (with and without contract, closed in and before the window),
 * lost, slipped and next-quarter deals. */
static void test_server_window_agrees(void **state)
{
	fixture *f = *state;
	static const char *const names[] = { "gap", "sufficiency", "forecast", "year-end" };
	/* a deal won in the window whose contract was signed before it: it is not a win
	 * without contract, which the server-side path knows only by reading every
	 * contract's opportunity, not just the window's contracts */
	opp_spec w3 = { "W3", LI, "won", 100, 0, 640000, ymd(2025, 6, 2), "grid" };
	contract(f->db, LI, ymd(2025, 3, 28), 640000, opportunity(f->db, &w3, ymd(2025, 6, 2)));
	kiscrm_forecast_options hist = KISCRM_FORECAST_OPTIONS_INIT;
	hist.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	int compared = 0;
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++)
		for (int grouped = 0; grouped < 2; grouped++)
			for (int historical = 0; historical < 2; historical++) {
				kiscrm_report_options o = q2_options(grouped);
				o.forecast = historical ? &hist : NULL;
				kiscrm_buf embedded = KISCRM_BUF_INIT, remote = KISCRM_BUF_INIT;
				report_text(f->db, names[n], &o, 0, &embedded);
				report_text(f->db, names[n], &o, 1, &remote);
				if (strcmp(embedded.ptr, remote.ptr) != 0)
					fail_msg("%s (grouped %d, historical %d) differs:\n%s\n---\n%s", names[n], grouped,
						 historical, embedded.ptr, remote.ptr);
				/* a header and figures, not two empty tables */
				assert_true(strchr(embedded.ptr, '\n') != strrchr(embedded.ptr, '\n'));
				compared++;
				kiscrm_buf_dispose(&embedded);
				kiscrm_buf_dispose(&remote);
			}
	assert_int_equal(compared, 16);
	f->db->remote_rows = 0;
}

/* Two pipelines with a stage of the same key (tests/data/two_pipelines): default
 * [opportunity 10 %, commercial 80 % commit, won, lost], retail [commercial 50 % best
 * case, won, lost]. Each opportunity is weighed by its own pipeline's stage, also where
 * the memory backend's scan hands out one pointer for the text "commercial" (the report
 * memoises stages by pointer). As of 2025-05-15, all expected 05-20 (the May bucket):
 * D1 default 1,000; R1 retail 1,000; D2 default 2,000; R2 retail 2,000.
 * Configured: 800 + 500 + 1,600 + 1,000 = 3,900 weighted, commit 3,000, best case 3,000.
 * Historical (closed in January, outside the window): default won DW (every working
 * stage) and lost DL (moved opportunity → commercial → lost): default commercial 1 of 2;
 * retail won RW: retail commercial, its first stage, 1 of 1. Weighted 500 + 1,000 +
 * 1,000 + 2,000 = 4,500. */
static char two_pipelines_dir[1024];

static int setup_two_pipelines(void **state)
{
	snprintf(two_pipelines_dir, sizeof(two_pipelines_dir), "%s/two_pipelines", kc_test_data_dir());
	fixture *f = kc_test_fx_open(sizeof(*f), two_pipelines_dir);
	if (!f)
		return -1;
	*state = f;
	return 0;
}

static kiscrm_id pipe_opp(kiscrm_db *db, const char *name, const char *pipe, const char *stage,
			  kiscrm_money amount, kiscrm_date expected, kiscrm_date closed)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, 1));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, expected));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_PIPELINE, pipe));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, stage));
	if (closed != KISCRM_DATE_NONE) {
		assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STATUS, stage));
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CLOSED, closed));
	}
	return kc_test_insert(db, r);
}

static void test_two_pipelines(void **state)
{
	fixture *f = *state;
	static const char *const pipes[4] = { "default", "retail", "default", "retail" };
	kiscrm_id dept = kc_test_department(f->db, "Sales", 0);
	assert_int_equal(1, kc_test_staff(f->db, "Li", dept, "sales_rep"));
	assert_int_equal(1, kc_test_customer(f->db, "Alpha"));
	kiscrm_date jan = ymd(2025, 1, 10);
	pipe_opp(f->db, "DW", "default", "won", 100, jan, jan);
	kiscrm_id dl = pipe_opp(f->db, "DL", "default", "lost", 100, jan, jan);
	move(f->db, dl, NULL, "opportunity", (kiscrm_time)ymd(2024, 12, 1) * 86400);
	move(f->db, dl, "opportunity", "commercial", (kiscrm_time)ymd(2024, 12, 15) * 86400);
	move(f->db, dl, "commercial", "lost", (kiscrm_time)jan * 86400);
	pipe_opp(f->db, "RW", "retail", "won", 100, jan, jan);
	for (int i = 0; i < 4; i++)
		pipe_opp(f->db, pipes[i], pipes[i], "commercial", 1000 * (1 + i / 2), ymd(2025, 5, 20), KISCRM_DATE_NONE);
	kiscrm_report_options o = q2_options(0);
	kiscrm_table *t;
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	assert_int_equal(kiscrm_table_row_count(t), 3);
	const fc_row may = { 3900, 3900, 0, 3000, 3000, 0, 3000, 6000, 6000 };
	assert_fc_row(t, 1, &may);
	kiscrm_table_free(t);
	kiscrm_forecast_options hist = KISCRM_FORECAST_OPTIONS_INIT;
	hist.probability_source = KISCRM_PROBABILITY_HISTORICAL;
	o.forecast = &hist;
	assert_rc(KISCRM_OK, kiscrm_report_forecast(&t, f->db, &o));
	assert_int_equal(4500, num(t, 1, "weighted"));
	kiscrm_table_free(t);
}

#define CASES(setup_fn)                                                                                \
	cmocka_unit_test_setup_teardown(test_gap_per_person, setup_fn, kc_test_fx_teardown),           \
	cmocka_unit_test_setup_teardown(test_gap_company, setup_fn, kc_test_fx_teardown),              \
	cmocka_unit_test_setup_teardown(test_sufficiency, setup_fn, kc_test_fx_teardown),              \
	cmocka_unit_test_setup_teardown(test_forecast_by_month, setup_fn, kc_test_fx_teardown),        \
	cmocka_unit_test_setup_teardown(test_historical_probabilities, setup_fn, kc_test_fx_teardown), \
	cmocka_unit_test_setup_teardown(test_errors, setup_fn, kc_test_fx_teardown),                   \
	cmocka_unit_test_setup_teardown(test_server_window_agrees, setup_fn, kc_test_fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASES(setup),
		cmocka_unit_test_setup_teardown(test_year_end, setup_fy_april, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_two_pipelines, setup_two_pipelines, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

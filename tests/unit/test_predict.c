/* Predictive probability (kiscrm/predict.h): Odoo's own PLS test vectors, a small
 * hand-computed scenario, per-department models with the all-departments fallback, the
 * start date, tags and their minimum, the clamp, the stage fallback, the report and
 * kiscrm_predict_apply(); every case on the memory and the SQLite backends.
 *
 * Stages of the default pipeline, in order: opportunity(10%) diagnosis(30%) design(60%)
 * commercial(80%) won(100%) lost(0%). Rows start at 0.1 won / 0.1 lost (smoothing). */
#include "helpers.h"
#include "kiscrm/predict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DAY(y, m, d) day_of(y, m, d)

typedef struct fx {
	kiscrm_db *db;
	kiscrm_id dept[5];  /* dept[0] unused */
	kiscrm_id staff[5]; /* staff[i] works in dept[i] */
	const char *config_dir;
} fx;

static kiscrm_date day_of(int y, int m, int d)
{
	kiscrm_date out = 0;
	char s[16];
	snprintf(s, sizeof(s), "%04d-%02d-%02d", y, m, d);
	assert_rc(KISCRM_OK, kiscrm_date_parse(&out, s));
	return out;
}

static int open_fx(void **state, const char *config_dir)
{
	static fx f;
	memset(&f, 0, sizeof(f));
	f.db = kc_test_db_open(config_dir);
	if (!f.db)
		return -1;
	for (int i = 1; i <= 4; i++) {
		char name[32];
		snprintf(name, sizeof(name), "Team %d", i);
		f.dept[i] = kc_test_department(f.db, name, 0);
		snprintf(name, sizeof(name), "Seller %d", i);
		f.staff[i] = kc_test_staff(f.db, name, f.dept[i], "general_manager");
	}
	*state = &f;
	return 0;
}

static int setup(void **state) { return open_fx(state, NULL); }

static char config_dir[1024];
static const char *predict_config(void)
{
	snprintf(config_dir, sizeof(config_dir), "%s/predict", kc_test_data_dir());
	return config_dir;
}
static int setup_cfg(void **state) { return open_fx(state, predict_config()); }

static int teardown(void **state)
{
	fx *f = *state;
	kiscrm_db_free(f->db);
	return 0;
}

/* One opportunity with its own customer. `stage` is where it is created; `end` (may be
 * NULL) is where it is then moved (won or lost), so that the history says where it was
 * lost. Tags, business and product line are optional. */
typedef struct opp_spec {
	int team;            /* index into fx.dept / fx.staff */
	const char *region, *industry, *source;
	const char *stage, *end;
	kiscrm_date created;
	const char *tags, *business_line, *product_line;
} opp_spec;

static kiscrm_id add_opp(fx *f, const opp_spec *s)
{
	kiscrm_record *c = kc_test_rec(KISCRM_KIND_CUSTOMER);
	static int n;
	char name[64];
	snprintf(name, sizeof(name), "Customer %d", ++n);
	kiscrm_record_set_text(c, KISCRM_CUSTOMER_NAME, name);
	if (s->region)
		kiscrm_record_set_text(c, KISCRM_CUSTOMER_REGION, s->region);
	if (s->industry)
		kiscrm_record_set_text(c, KISCRM_CUSTOMER_INDUSTRY, s->industry);
	kiscrm_id cust = kc_test_insert(f->db, c);

	kiscrm_record *o = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	snprintf(name, sizeof(name), "Deal %d", n);
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_NAME, name);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_OWNER_ID, f->staff[s->team]);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_DEPARTMENT_ID, f->dept[s->team]);
	kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_STAGE, s->stage);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_AMOUNT, 1000000);
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, DAY(2024, 6, 30));
	kiscrm_record_set_int(o, KISCRM_OPPORTUNITY_CREATED, s->created ? s->created : DAY(2024, 2, 1));
	if (s->source)
		kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_SOURCE, s->source);
	if (s->tags)
		kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_TAGS, s->tags);
	if (s->business_line)
		kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_BUSINESS_LINE, s->business_line);
	if (s->product_line)
		kiscrm_record_set_text(o, KISCRM_OPPORTUNITY_PRODUCT_LINE, s->product_line);
	kiscrm_id id = kc_test_insert(f->db, o);
	if (s->end)
		assert_rc(KISCRM_OK, kiscrm_opportunity_move(f->db, id, s->end, (kiscrm_time)DAY(2024, 3, 1) * 86400, 0));
	return id;
}

static double predict(fx *f, kiscrm_id id, const kiscrm_predict_options *o)
{
	double p = -1;
	assert_rc(KISCRM_OK, kiscrm_predict_probability(&p, f->db, id, o));
	return p;
}

#define assert_pct(expected, actual) assert_true(fabs((expected) - (actual)) < 0.001)

/* ---- Odoo's test vectors ---------------------------------------------------------- */

/* addons/crm/tests/test_crm_pls.py, test_predictive_lead_scoring: 14 leads in teams 1, 2
 * and 3 with country_id (→ region north/east/south), state_id (→ industry
 * manufacturing/trade/services), source_id (→ source grid/referral/inbound) and stages
 * 1..3 (→ opportunity, diagnosis, design). Odoo's email_state and phone_state are
 * computed fields that end up False for every lead (no e-mail, no phone): a field with one
 * value has factor row/total = 1 on both sides, so they are left out here. Expected:
 * lead 3 33.49, lead 8 7.74, lead 13 35.09 in team 3 and 35.19 without a team. */
static const char *const R[] = { "north", "east", "south" };
static const char *const I[] = { "manufacturing", "trade", "services" };
static const char *const S[] = { "grid", "referral", "inbound" };
static const char *const ST[] = { "opportunity", "diagnosis", "design" };

static kiscrm_id odoo_fixture(fx *f, kiscrm_id ids[14])
{
	/* team, country, state, source, stage, outcome (0 open, 1 won, 2 lost) */
	static const int L[14][6] = {
		{ 1, 0, 0, 0, 0, 2 }, { 1, 1, 1, 1, 1, 2 }, { 1, 2, 2, 2, 2, 1 }, { 1, 0, 1, 2, 1, 0 },
		{ 1, 1, 1, 1, 0, 0 }, { 2, 0, 1, 1, 2, 2 }, { 2, 0, 1, 2, 1, 2 }, { 2, 0, 2, 2, 0, 1 },
		{ 2, 0, 1, 2, 1, 0 }, { 2, 1, 0, 1, 1, 0 }, { 3, 1, 1, 1, 2, 1 }, { 3, 0, 1, 0, 0, 2 },
		{ 3, 1, 2, 2, 0, 2 }, { 3, 0, 1, 2, 1, 0 },
	};
	for (int i = 0; i < 14; i++) {
		opp_spec s = { L[i][0], R[L[i][1]], I[L[i][2]], S[L[i][3]], ST[L[i][4]],
			       L[i][5] == 1 ? "won" : L[i][5] == 2 ? "lost" : NULL, 0, NULL, NULL, NULL };
		ids[i] = add_opp(f, &s);
	}
	return ids[0];
}

static const char *const odoo_fields[] = { "region", "industry", "source" };

static void test_odoo_vectors(void **state)
{
	fx *f = *state;
	kiscrm_id id[14];
	odoo_fixture(f, id);
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.fields = odoo_fields;
	o.nfields = 3;
	o.start = DAY(2000, 1, 1);

	/* Team 1: lost L0 (at opportunity), L1 (at diagnosis), won L2.
	 * stage opportunity 1.1/2.1, diagnosis 1.1/1.1; region north 0.1/1.1, east 0.1/1.1,
	 * south 1.1/0.1 (totals 1.3/2.3), industry and source alike.
	 * L3 (diagnosis, north, trade, inbound):
	 *   Sw = 1.1/3.2 · 1.1/1.1 · 0.1/1.3 · 0.1/1.3 · 1.1/1.3 = 0.0121/7.0304 = 0.0017211
	 *   Sl = 2.1/3.2 · 1.1/2.1 · 1.1/2.3 · 1.1/2.3 · 0.1/2.3 = 0.1331/38.9344 = 0.0034186
	 *   p = 0.0017211/0.0051397 = 33.49 % */
	assert_pct(33.49, predict(f, id[3], &o));
	/* Team 2: lost L5 (at design), L6 (at diagnosis), won L7.
	 * stage opportunity 1.1/2.1, diagnosis 1.1/2.1; region north 1.1/2.1 (only value);
	 * industry trade 0.1/2.1, services 1.1/0.1 (1.2/2.2); source referral 0.1/1.1,
	 * inbound 1.1/1.1 (1.2/2.2).
	 * L8 (diagnosis, north, trade, inbound):
	 *   Sw = 1.1/3.2 · 1 · 1 · 0.1/1.2 · 1.1/1.2 = 0.121/4.608 = 0.026259
	 *   Sl = 2.1/3.2 · 1 · 1 · 2.1/2.2 · 1.1/2.2 = 4.851/15.488 = 0.313210
	 *   p = 0.026259/0.339469 = 7.74 % */
	assert_pct(7.74, predict(f, id[8], &o));
	/* Team 3: won L10, lost L11 and L12 (both at opportunity).
	 * stage opportunity 1.1/2.1, diagnosis 1.1/0.1; region east 1.1/1.1, north 0.1/1.1
	 * (1.2/2.2); industry trade 1.1/1.1, services 0.1/1.1 (1.2/2.2); source referral
	 * 1.1/0.1, grid 0.1/1.1, inbound 0.1/1.1 (1.3/2.3).
	 * L13 (diagnosis, north, trade, inbound):
	 *   Sw = 1.1/3.2 · 1 · 0.1/1.2 · 1.1/1.2 · 0.1/1.3 = 0.0121/5.9904 = 0.0020199
	 *   Sl = 2.1/3.2 · 0.1/2.1 · 1.1/2.2 · 1.1/2.2 · 1.1/2.3 = 0.1331/35.6224 = 0.0037364
	 *   p = 0.0020199/0.0057563 = 35.09 % */
	assert_pct(35.09, predict(f, id[13], &o));

	/* L13 moved to team 4, which has no history: the sums of all teams are used (Odoo's
	 * "no team" case: the no-team rows equal team 3's here).
	 * opportunity 3.3/6.3, diagnosis 3.3/3.3; north 1.3/4.3 of 3.6/6.6; trade 1.3/4.3 of
	 * 3.7/6.7; inbound 2.3/2.3 of 3.8/6.8.
	 *   Sw = 3.3/9.6 · 1 · 1.3/3.6 · 1.3/3.7 · 2.3/3.8 = 12.8271/485.9136 = 0.0263978
	 *   Sl = 6.3/9.6 · 3.3/6.3 · 4.3/6.6 · 4.3/6.7 · 2.3/6.8 = 140.3391/2886.6816 = 0.0486163
	 *   p = 0.0263978/0.0750141 = 35.19 % */
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, f->db, KISCRM_KIND_OPPORTUNITY, id[13]));
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_DEPARTMENT_ID, f->dept[4]);
	assert_rc(KISCRM_OK, kiscrm_record_update(f->db, r));
	kiscrm_record_free(r);
	assert_pct(35.19, predict(f, id[13], &o));

	/* The explanation of L3: prior, stage, region, industry, source, total. */
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_predict_explain(&t, f->db, id[3], &o));
	assert_int_equal(6, kiscrm_table_row_count(t));
	int field = kiscrm_table_column_index(t, "field"), factor = kiscrm_table_column_index(t, "factor");
	int note = kiscrm_table_column_index(t, "note"), wtot = kiscrm_table_column_index(t, "won_total");
	assert_string_equal("prior", kiscrm_table_text(t, 0, (size_t)field));
	assert_string_equal("department", kiscrm_table_text(t, 0, (size_t)note));
	assert_string_equal("stage", kiscrm_table_text(t, 1, (size_t)field));
	/* stage diagnosis: pW = 1.1/1.1 = 1, pL = 1.1/2.1 = 0.52381 → 1/1.52381 = 0.65625 */
	assert_true(fabs(kiscrm_table_rate(t, 1, (size_t)factor) - 0.65625) < 1e-4);
	assert_string_equal("region", kiscrm_table_text(t, 2, (size_t)field));
	/* region north: pW = 0.1/1.3 = 0.076923, pL = 1.1/2.3 = 0.478261 → 0.138555 */
	assert_true(fabs(kiscrm_table_rate(t, 2, (size_t)factor) - 0.138555) < 1e-4);
	assert_true(fabs(kiscrm_table_rate(t, 2, (size_t)wtot) - 1.3) < 1e-9);
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 5));
	assert_true(fabs(kiscrm_table_rate(t, 5, (size_t)factor) - 0.3349) < 1e-9);
	kiscrm_table_free(t);
}

/* ---- a small hand-computed scenario ----------------------------------------------- */

/* Team 1: o1 won (north, referral), o2 won (east, inbound), o3 lost at diagnosis (north,
 * inbound), o4 lost at opportunity (east, inbound), o5 lost at diagnosis (north, inbound)
 * but created 2023-06-01. Team 2: o6 won (north, referral), o7 lost at design (north,
 * referral). Open: p1 team 1 at diagnosis (north, referral); p2 team 3 (no history) at
 * design (east, inbound); p3 team 1 at opportunity with a manual probability of 45. */
typedef struct small {
	kiscrm_id o[8], p1, p2, p3;
} small;

static void small_fixture(fx *f, small *s)
{
	const opp_spec spec[] = {
		{ 1, "north", "trade", "referral", "diagnosis", "won", 0, NULL, NULL, NULL },
		{ 1, "east", "retail", "inbound", "design", "won", 0, NULL, NULL, NULL },
		{ 1, "north", "trade", "inbound", "diagnosis", "lost", 0, NULL, NULL, NULL },
		{ 1, "east", "retail", "inbound", "opportunity", "lost", 0, NULL, NULL, NULL },
		{ 1, "north", "trade", "inbound", "diagnosis", "lost", DAY(2023, 6, 1), NULL, NULL, NULL },
		{ 2, "north", "trade", "referral", "opportunity", "won", 0, NULL, NULL, NULL },
		{ 2, "north", "trade", "referral", "design", "lost", 0, NULL, NULL, NULL },
	};
	for (int i = 0; i < 7; i++)
		s->o[i + 1] = add_opp(f, &spec[i]);
	opp_spec p1 = { 1, "north", "trade", "referral", "diagnosis", NULL, 0, NULL, NULL, NULL };
	opp_spec p2 = { 3, "east", "retail", "inbound", "design", NULL, 0, NULL, NULL, NULL };
	opp_spec p3 = { 1, "east", "retail", "grid", "opportunity", NULL, 0, NULL, NULL, NULL };
	s->p1 = add_opp(f, &p1);
	s->p2 = add_opp(f, &p2);
	s->p3 = add_opp(f, &p3);
	assert_rc(KISCRM_OK, kiscrm_opportunity_set_probability(f->db, s->p3, 45));
}

static const char *const small_fields[] = { "region", "source" };

static void test_small_scenario(void **state)
{
	fx *f = *state;
	small s;
	small_fixture(f, &s);
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.fields = small_fields;
	o.nfields = 2;
	o.start = DAY(2024, 1, 1);

	/* Team 1 without o5: won 2, lost at diagnosis 1, lost at opportunity 1.
	 * stage opportunity 2.1/2.1, diagnosis 2.1/1.1; region north 1.1/1.1, east 1.1/1.1
	 * (2.2/2.2); source referral 1.1/0.1, inbound 1.1/2.1 (2.2/2.2).
	 * p1: Sw = 0.5 · 2.1/2.1 · 1.1/2.2 · 1.1/2.2 = 1/8 = 21/168
	 *     Sl = 0.5 · 1.1/2.1 · 1.1/2.2 · 0.1/2.2 = 1/168
	 *     p = 21/22 = 95.45 % */
	assert_pct(95.45, predict(f, s.p1, &o));

	/* p2's team 3 has no history: team 1 + team 2 summed. Team 2: opportunity 1.1/1.1,
	 * design 1.1/1.1, north 1.1/1.1, referral 1.1/1.1.
	 * opportunity 3.2/3.2, design 2.1+1.1 = 3.2 / 0.1+1.1 = 1.2; east 1.1/1.1 of
	 * 3.3/3.3; inbound 1.1/2.1 of 3.3/3.3.
	 *   Sw = 0.5 · 3.2/3.2 · 1.1/3.3 · 1.1/3.3 = 1/18
	 *   Sl = 0.5 · 1.2/3.2 · 1.1/3.3 · 2.1/3.3 = 7/176
	 *   p = 176/302 = 58.28 % */
	assert_pct(58.28, predict(f, s.p2, &o));
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_predict_explain(&t, f->db, s.p2, &o));
	assert_string_equal("all", kiscrm_table_text(t, 0, (size_t)kiscrm_table_column_index(t, "note")));
	kiscrm_table_free(t);

	/* All history (o5 too): team 1 lost at diagnosis 2, at opportunity 1.
	 * opportunity 2.1/3.1, diagnosis 2.1/2.1; north 1.1/2.1, east 1.1/1.1 (2.2/3.2);
	 * referral 1.1/0.1, inbound 1.1/3.1 (2.2/3.2).
	 * p1: Sw = 2.1/5.2 · 1 · 1.1/2.2 · 1.1/2.2 = 2.1/5.2 · 0.25
	 *     Sl = 3.1/5.2 · 2.1/3.1 · 2.1/3.2 · 0.1/3.2 = 2.1/5.2 · 0.0205078
	 *     p = 0.25/0.2705078 = 92.42 % */
	o.start = KISCRM_PREDICT_ALL_HISTORY;
	assert_pct(92.42, predict(f, s.p1, &o));

	/* Default options: analysis.yaml's defaults, all history and the stage only.
	 * p1: Sw = 2.1/5.2 · 2.1/2.1, Sl = 3.1/5.2 · 2.1/3.1 = 2.1/5.2 → 50.00 % */
	assert_pct(50.0, predict(f, s.p1, NULL));

	/* One model for everyone (by_department 0), stage only, all history: won o1 o2 o6,
	 * lost at opportunity o4, at diagnosis o3 o5, at design o7.
	 * opportunity 3.1/4.1, diagnosis 3.1/3.1.
	 * p1: Sw = 3.1/7.2 · 3.1/3.1, Sl = 4.1/7.2 · 3.1/4.1 → 50.00 %
	 * design 3.1/1.1: p2: Sw = 3.1/7.2, Sl = 4.1/7.2 · 1.1/4.1 → 3.1/4.2 = 73.81 % */
	kiscrm_predict_options one = KISCRM_PREDICT_OPTIONS_INIT;
	one.by_department = 0;
	assert_pct(50.0, predict(f, s.p1, &one));
	assert_pct(73.81, predict(f, s.p2, &one));

	/* Closed opportunities: won 100, lost 0. */
	assert_pct(100.0, predict(f, s.o[1], &o));
	assert_pct(0.0, predict(f, s.o[3], &o));
}

/* The configured start (2024-01-01) and fields (stage, source) of tests/data/predict. */
static void test_configured(void **state)
{
	fx *f = *state;
	small s;
	small_fixture(f, &s);
	/* Team 1 without o5: opportunity 2.1/2.1, diagnosis 2.1/1.1; referral 1.1/0.1,
	 * inbound 1.1/2.1 (2.2/2.2).
	 * p1: Sw = 0.5 · 1 · 1.1/2.2 = 0.25; Sl = 0.5 · 1.1/2.1 · 0.1/2.2 = 0.0119048
	 *     p = 0.25/0.2619048 = 95.45 % */
	assert_pct(95.45, predict(f, s.p1, NULL));
}

/* ---- the report and storing the prediction ---------------------------------------- */

static void test_report_and_apply(void **state)
{
	fx *f = *state;
	small s;
	small_fixture(f, &s);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_probability(&t, f->db, NULL));
	/* Default configuration: stage only, all history. Open: p1, p2, p3 in id order.
	 * p1: 50.00 (see test_small_scenario), department model.
	 * p2: all summed: opportunity 2.1+1.1 = 3.2 / 3.1+1.1 = 4.2; design 3.2/1.2:
	 *     Sw = 3.2/7.4, Sl = 4.2/7.4 · 1.2/4.2 = 1.2/7.4 → 3.2/4.4 = 72.73 %.
	 * p3 at opportunity (team 1): the stage row is the prior's → 2.1/5.2 = 40.38 %. */
	assert_int_equal(3, kiscrm_table_row_count(t));
	size_t id = (size_t)kiscrm_table_column_index(t, "opportunity_id");
	size_t pred = (size_t)kiscrm_table_column_index(t, "predicted");
	size_t basis = (size_t)kiscrm_table_column_index(t, "basis");
	size_t sp = (size_t)kiscrm_table_column_index(t, "stage_probability");
	size_t pr = (size_t)kiscrm_table_column_index(t, "probability");
	size_t man = (size_t)kiscrm_table_column_index(t, "manual");
	size_t dep = (size_t)kiscrm_table_column_index(t, "department_name");
	assert_int_equal(s.p1, kiscrm_table_int(t, 0, id));
	assert_pct(50.0, kiscrm_table_rate(t, 0, pred));
	assert_string_equal("department", kiscrm_table_text(t, 0, basis));
	assert_string_equal("Team 1", kiscrm_table_text(t, 0, dep));
	assert_int_equal(30, kiscrm_table_int(t, 0, sp));
	assert_int_equal(30, kiscrm_table_int(t, 0, pr));
	assert_int_equal(0, kiscrm_table_int(t, 0, man));
	assert_int_equal(s.p2, kiscrm_table_int(t, 1, id));
	assert_pct(72.73, kiscrm_table_rate(t, 1, pred));
	assert_string_equal("all", kiscrm_table_text(t, 1, basis));
	assert_int_equal(60, kiscrm_table_int(t, 1, sp));
	assert_int_equal(s.p3, kiscrm_table_int(t, 2, id));
	assert_pct(40.38, kiscrm_table_rate(t, 2, pred));
	assert_int_equal(45, kiscrm_table_int(t, 2, pr));
	assert_int_equal(1, kiscrm_table_int(t, 2, man));
	kiscrm_table_free(t);

	/* Grouped by department, filtered to team 1: p1 and p3 only. */
	int groups[] = { KISCRM_GROUP_DEPARTMENT };
	kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
	ro.group_by = groups;
	ro.ngroup = 1;
	ro.department_id = f->dept[1];
	assert_rc(KISCRM_OK, kiscrm_report_probability(&t, f->db, &ro));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("department", kiscrm_table_column_name(t, 0));
	assert_string_equal("Team 1", kiscrm_table_text(t, 0, 0));
	kiscrm_table_free(t);

	/* Apply: p1 30 → 50, p2 60 → 73 (72.73 rounded), p3 keeps its manual 45. */
	size_t n = 99;
	assert_rc(KISCRM_OK, kiscrm_predict_apply(&n, f->db, NULL));
	assert_int_equal(2, n);
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, f->db, KISCRM_KIND_OPPORTUNITY, s.p1));
	assert_int_equal(50, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY));
	assert_int_equal(0, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL));
	kiscrm_record_free(r);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, f->db, KISCRM_KIND_OPPORTUNITY, s.p2));
	assert_int_equal(73, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY));
	kiscrm_record_free(r);
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, f->db, KISCRM_KIND_OPPORTUNITY, s.p3));
	assert_int_equal(45, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY));
	assert_int_equal(1, kiscrm_record_int(r, KISCRM_OPPORTUNITY_PROBABILITY_MANUAL));
	kiscrm_record_free(r);
	/* Nothing changes the second time. */
	assert_rc(KISCRM_OK, kiscrm_predict_apply(&n, f->db, NULL));
	assert_int_equal(0, n);
}

/* ---- fallback, clamp, tags -------------------------------------------------------- */

static void test_no_history(void **state)
{
	fx *f = *state;
	opp_spec p = { 1, "north", "trade", "referral", "diagnosis", NULL, 0, NULL, NULL, NULL };
	kiscrm_id id = add_opp(f, &p);
	/* No closed opportunity: no estimate, the stage's 30 %. */
	assert_pct(30.0, predict(f, id, NULL));
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_predict_explain(&t, f->db, id, NULL));
	size_t last = kiscrm_table_row_count(t) - 1;
	assert_string_equal("stage", kiscrm_table_text(t, last, (size_t)kiscrm_table_column_index(t, "note")));
	kiscrm_table_free(t);
	/* History only before the start date: the same. */
	opp_spec old = { 1, "north", "trade", "referral", "diagnosis", "won", DAY(2020, 1, 1), NULL, NULL, NULL };
	add_opp(f, &old);
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.start = DAY(2021, 1, 1);
	assert_pct(30.0, predict(f, id, &o));
	/* With it: only won history, opportunity 1.1/0.1, diagnosis 1.1/0.1:
	 * Sw = 1.1/1.2 · 1, Sl = 0.1/1.2 · 1 → 91.67 % */
	assert_pct(91.67, predict(f, id, NULL));
}

static const char *const clamp_fields[] = { "region", "industry", "source", "business_line", "product_line" };

static void test_clamp(void **state)
{
	fx *f = *state;
	opp_spec w = { 1, "north", "trade", "referral", "diagnosis", "won", 0, NULL, "direct", "professional" };
	opp_spec l = { 1, "east", "retail", "inbound", "opportunity", "lost", 0, NULL, "distribution", "mini" };
	opp_spec q1 = { 1, "north", "trade", "referral", "diagnosis", NULL, 0, NULL, "direct", "professional" };
	opp_spec q2 = { 1, "east", "retail", "inbound", "opportunity", NULL, 0, NULL, "distribution", "mini" };
	add_opp(f, &w);
	add_opp(f, &l);
	kiscrm_id a = add_opp(f, &q1), b = add_opp(f, &q2);
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.fields = clamp_fields;
	o.nfields = 5;
	/* prior 1.1/1.1 → 0.5/0.5. Every field: won value 1.1/0.1, lost value 0.1/1.1,
	 * totals 1.2/1.2. diagnosis 1.1/0.1 (the loss was at opportunity).
	 * a: Sl/Sw = (0.1/1.1) · (1/11)^5 = 11^-6 → p = 1/(1 + 5.6e-7) = 99.99994 % → 100.00
	 *    rounded → clamped to 99.99.
	 * b: opportunity 1.1/1.1 (factor 1), Sw/Sl = 11^-5 = 6.2e-6 → 0.00062 % → 0.00 →
	 *    clamped to 0.01. */
	assert_pct(99.99, predict(f, a, &o));
	assert_pct(0.01, predict(f, b, &o));
}

static const char *const tag_fields[] = { "tags" };

static void test_tags(void **state)
{
	fx *f = *state;
	/* 40 won tagged "vip", 20 lost "vip,gov", 10 lost "gov", all lost at opportunity. */
	opp_spec w = { 1, NULL, NULL, NULL, "opportunity", "won", 0, "vip", NULL, NULL };
	opp_spec l1 = { 1, NULL, NULL, NULL, "opportunity", "lost", 0, "vip,gov", NULL, NULL };
	opp_spec l2 = { 1, NULL, NULL, NULL, "opportunity", "lost", 0, "gov", NULL, NULL };
	for (int i = 0; i < 40; i++)
		add_opp(f, &w);
	for (int i = 0; i < 20; i++)
		add_opp(f, &l1);
	for (int i = 0; i < 10; i++)
		add_opp(f, &l2);
	opp_spec q = { 1, NULL, NULL, NULL, "opportunity", NULL, 0, " vip , gov,vip", NULL, NULL };
	kiscrm_id id = add_opp(f, &q);
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.fields = tag_fields;
	o.nfields = 1;
	/* opportunity 40.1/30.1 (the prior; its stage factor is 1). vip 40.1/20.1 (60.2 ≥ 50),
	 * gov 0.1/30.1 (30.2 < 50: skipped and left out of the totals): totals 40.1/20.1, so
	 * vip's factors are 1 and 1: p = 40.1/70.2 = 57.12 %. */
	assert_pct(57.12, predict(f, id, &o));
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_predict_explain(&t, f->db, id, &o));
	/* prior, stage, vip, gov (the second vip is the same tag), total */
	assert_int_equal(5, kiscrm_table_row_count(t));
	size_t note = (size_t)kiscrm_table_column_index(t, "note"), val = (size_t)kiscrm_table_column_index(t, "value");
	assert_string_equal("vip", kiscrm_table_text(t, 2, val));
	assert_string_equal("gov", kiscrm_table_text(t, 3, val));
	assert_string_equal("tag below minimum", kiscrm_table_text(t, 3, note));
	kiscrm_table_free(t);
	/* Minimum 1: both tags count; totals 40.2/50.2.
	 *   Sw ∝ 40.1 · 40.1/40.2 · 0.1/40.2 = 160.801/1616.04 = 0.099503
	 *   Sl ∝ 30.1 · 20.1/50.2 · 30.1/50.2 = 18210.801/2520.04 = 7.226393
	 *   p = 0.099503/7.325896 = 1.36 % */
	o.tag_min_count = 1;
	assert_pct(1.36, predict(f, id, &o));
}

/* ---- errors ----------------------------------------------------------------------- */

static void test_errors(void **state)
{
	fx *f = *state;
	opp_spec p = { 1, "north", "trade", "referral", "diagnosis", NULL, 0, NULL, NULL, NULL };
	kiscrm_id id = add_opp(f, &p);
	double out = 0;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_EINVALID, kiscrm_predict_probability(NULL, f->db, id, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_predict_probability(&out, NULL, id, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_predict_explain(NULL, f->db, id, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_probability(NULL, f->db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_predict_apply(NULL, NULL, NULL));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_predict_probability(&out, f->db, 987654, NULL));
	assert_non_null(strstr(kiscrm_error_last()->message, "987654"));

	static const char *const bad[] = { "region", "colour" };
	kiscrm_predict_options o = KISCRM_PREDICT_OPTIONS_INIT;
	o.fields = bad;
	o.nfields = 2;
	assert_rc(KISCRM_EINVALID, kiscrm_predict_probability(&out, f->db, id, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "'colour'"));
	assert_rc(KISCRM_EINVALID, kiscrm_predict_explain(&t, f->db, id, &o));
	assert_null(t);
	o.fields = NULL;
	assert_rc(KISCRM_EINVALID, kiscrm_predict_probability(&out, f->db, id, &o));
	o.nfields = 0;
	o.smoothing = -1;
	assert_rc(KISCRM_EINVALID, kiscrm_predict_probability(&out, f->db, id, &o));
	assert_non_null(strstr(kiscrm_error_last()->message, "-1"));
	o.smoothing = 0;
	o.tag_min_count = -5;
	assert_rc(KISCRM_EINVALID, kiscrm_predict_apply(NULL, f->db, &o));
	o.tag_min_count = 0;
	o.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_predict_probability(&out, f->db, id, &o));

	kiscrm_predict_options init;
	assert_rc(KISCRM_OK, kiscrm_predict_options_init(&init, KISCRM_PREDICT_OPTIONS_VERSION));
	assert_int_equal(KISCRM_DATE_NONE, init.start);
	assert_int_equal(1, init.by_department);
	assert_rc(KISCRM_EVERSION, kiscrm_predict_options_init(&init, 0));
	assert_rc(KISCRM_EINVALID, kiscrm_predict_options_init(NULL, 1));

	kiscrm_report_options ro = KISCRM_REPORT_OPTIONS_INIT;
	ro.pipeline = "nope";
	assert_rc(KISCRM_ENOTFOUND, kiscrm_report_probability(&t, f->db, &ro));
	assert_null(t);
}

#define CASES(setup)                                                           \
	cmocka_unit_test_setup_teardown(test_odoo_vectors, setup, teardown),       \
	cmocka_unit_test_setup_teardown(test_small_scenario, setup, teardown),     \
	cmocka_unit_test_setup_teardown(test_report_and_apply, setup, teardown),   \
	cmocka_unit_test_setup_teardown(test_no_history, setup, teardown),         \
	cmocka_unit_test_setup_teardown(test_clamp, setup, teardown),              \
	cmocka_unit_test_setup_teardown(test_tags, setup, teardown),               \
	cmocka_unit_test_setup_teardown(test_errors, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASES(setup),
		cmocka_unit_test_setup_teardown(test_configured, setup_cfg, teardown),
	};
	return kc_test_run_both(tests);
}

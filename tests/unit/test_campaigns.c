/* Market activities, attribution and returns, worked by hand as of 2026-11-30 with the
 * default window of 180 days. Activities:
 *   F forum 信息化论坛, 2026-09-10: costs 20,000.00 (09-01) + 5,000.00 (09-10) = 25,000.00
 *     (a 1,000.00 item dated 12-20 is after as_of); members a1 confirmed, b1 attended,
 *     李四 registered (walk-in), 周七 declined; touches A (through contact a1) 09-10.
 *   S salon 行业沙龙, 2026-10-15: no cost; touches A 10-15 and lead L1 10-15.
 *   T telemarketing 电话营销, 2026-03-01: cost 3,000.00; touches A 03-01 and 10-25.
 * Leads: L1 (campaign_id S, also touched by S: one lead), L2 (campaign_id F).
 * Opportunities (created; touches in [created − 180 d, created]):
 *   O1 A 100,000.01 won 11-10, created 10-20, campaign_id F: F 09-10, S 10-15
 *      (T 03-01 is outside the window, T 10-25 after creation)
 *   O2 B  60,000.00 won 11-20, created 09-20, campaign_id F: F 09-10 (b1 attended)
 *   O3 A  10,000.00 open, created 11-01: F 09-10, S 10-15, T 10-25
 *   O4 D (lead L1) 50,000.00 lost 11-25, created 10-20, campaign_id S: S 10-15 (lead)
 *   O5 C   8,000.00 open, created 11-15, campaign_id T: no touches
 *   O6 A     999.00 created 12-10: after as_of, never counted
 * even:  O1 F 50,000.01 + S 50,000.00 (the odd fen to F, touched first); O2 F 60,000.00;
 *        O3 F 3,333.34 + S 3,333.33 + T 3,333.33; O4 S 50,000.00.
 *   F: 3 opportunities, 2 won, won 110,000.01, pipeline 3,333.34, cost 25,000.00,
 *      per opportunity 8,333.33, ROI (110,000.01 − 25,000) / 25,000 = 3.4000004
 *   S: 3 opportunities, 1 won, won 50,000.00, pipeline 3,333.33, cost 0: ROI NULL
 *   T: 1 opportunity, pipeline 3,333.33, cost 3,000.00, ROI −1
 *   total: 4 distinct opportunities, 2 won, won 160,000.01 (= O1 + O2: nothing counted
 *   twice), pipeline 10,000.00, cost 28,000.00 (each item once), per opportunity
 *   7,000.00, ROI (160,000.01 − 28,000) / 28,000.
 * first: O1 F (T's March touch would win without the window), O2 F, O3 F, O4 S.
 * last:  O1 S, O2 F, O3 T, O4 S.  primary: O1 F, O2 F, O4 S, O5 T. Both backends. */
#include "helpers.h"

#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep, a, b, c, d;
	kiscrm_id a1, b1, b2;
	kiscrm_id forum, salon, tele;
	kiscrm_id l1, l2;
	kiscrm_id o[7];
} world;

static kiscrm_id campaign(world *w, const char *name, const char *type, const char *start)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CAMPAIGN);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_NAME, name);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_TYPE, type);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_START, kc_test_day(start));
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_BUDGET, 3000000);
	return kc_test_insert(w->db, r);
}

static int cost(world *w, kiscrm_id campaign_id, const char *day, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CAMPAIGN_COST);
	if (campaign_id)
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_CAMPAIGN_ID, campaign_id);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_DATE, kc_test_day(day));
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_COST_AMOUNT, amount);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_COST_ITEM, "场地");
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

static int touch(world *w, kiscrm_id campaign_id, const char *day, kiscrm_id customer, kiscrm_id contact,
		 kiscrm_id lead)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CAMPAIGN_TOUCH);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_CAMPAIGN_ID, campaign_id);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_DATE, kc_test_day(day));
	if (customer)
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID, customer);
	if (contact)
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_CONTACT_ID, contact);
	if (lead)
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_TOUCH_LEAD_ID, lead);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

static int member(world *w, kiscrm_id campaign_id, kiscrm_id contact, const char *name, const char *status)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CAMPAIGN_MEMBER);
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID, campaign_id);
	if (contact)
		kiscrm_record_set_int(r, KISCRM_CAMPAIGN_MEMBER_CONTACT_ID, contact);
	if (name) {
		kiscrm_record_set_text(r, KISCRM_CAMPAIGN_MEMBER_NAME, name);
		kiscrm_record_set_text(r, KISCRM_CAMPAIGN_MEMBER_PHONE, "021-5555 0101");
	}
	if (status)
		kiscrm_record_set_text(r, KISCRM_CAMPAIGN_MEMBER_STATUS, status);
	int rc = kiscrm_record_insert(w->db, r);
	kiscrm_record_free(r);
	return rc;
}

static kiscrm_id contact(world *w, kiscrm_id customer, const char *name, const char *phone, const char *email,
			 int opt_out)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, customer);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name);
	if (phone)
		kiscrm_record_set_text(r, KISCRM_CONTACT_PHONE, phone);
	if (email)
		kiscrm_record_set_text(r, KISCRM_CONTACT_EMAIL, email);
	if (opt_out)
		kiscrm_record_set_int(r, KISCRM_CONTACT_OPT_OUT, 1);
	return kc_test_insert(w->db, r);
}

static kiscrm_id lead(world *w, const char *person, const char *phone, kiscrm_id campaign_id, const char *status)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_LEAD);
	kiscrm_record_set_text(r, KISCRM_LEAD_NAME, "ERP 升级");
	kiscrm_record_set_text(r, KISCRM_LEAD_COMPANY, "戊公司");
	kiscrm_record_set_text(r, KISCRM_LEAD_CONTACT_NAME, person);
	kiscrm_record_set_text(r, KISCRM_LEAD_PHONE, phone);
	kiscrm_record_set_int(r, KISCRM_LEAD_CAMPAIGN_ID, campaign_id);
	kiscrm_record_set_int(r, KISCRM_LEAD_CREATED, kc_test_day("2026-10-01"));
	if (status)
		kiscrm_record_set_text(r, KISCRM_LEAD_STATUS, status);
	return kc_test_insert(w->db, r);
}

static kiscrm_id opportunity(world *w, kiscrm_id customer, kiscrm_money amount, const char *created,
			     kiscrm_id primary, kiscrm_id from_lead)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "项目");
	kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "commercial");
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, customer);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount);
	kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, kc_test_day(created));
	if (primary)
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CAMPAIGN_ID, primary);
	if (from_lead)
		kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_LEAD_ID, from_lead);
	return kc_test_insert(w->db, r);
}

static void close_as(world *w, kiscrm_id opp, const char *stage, const char *when)
{
	assert_int_equal(KISCRM_OK, kiscrm_opportunity_move(w->db, opp, stage, kc_test_time(when), 0));
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "市场部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	w->a = kc_test_customer(w->db, "甲");
	w->b = kc_test_customer(w->db, "乙");
	w->c = kc_test_customer(w->db, "丙");
	w->d = kc_test_customer(w->db, "丁");
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_CUSTOMER, w->a, KISCRM_CUSTOMER_REGION, "east"));
	w->a1 = contact(w, w->a, "王经理", "13800000001", NULL, 0);
	w->b1 = contact(w, w->b, "李娜", "13900000002", NULL, 1);
	w->forum = campaign(w, "信息化论坛", "forum", "2026-09-10");
	w->salon = campaign(w, "行业沙龙", "salon", "2026-10-15");
	w->tele = campaign(w, "电话营销", "telemarketing", "2026-03-01");
	assert_int_equal(KISCRM_OK, cost(w, w->forum, "2026-09-01", 2000000));
	assert_int_equal(KISCRM_OK, cost(w, w->forum, "2026-09-10", 500000));
	assert_int_equal(KISCRM_OK, cost(w, w->forum, "2026-12-20", 100000));
	assert_int_equal(KISCRM_OK, cost(w, w->tele, "2026-03-01", 300000));
	assert_int_equal(KISCRM_OK, member(w, w->forum, w->a1, NULL, "confirmed"));
	assert_int_equal(KISCRM_OK, member(w, w->forum, w->b1, NULL, "attended"));
	assert_int_equal(KISCRM_OK, member(w, w->forum, 0, "李四", "registered"));
	assert_int_equal(KISCRM_OK, member(w, w->forum, 0, "周七", "declined"));
	w->l1 = lead(w, "赵六", "13700000003", w->salon, NULL);
	w->l2 = lead(w, "钱八", "13600000004", w->forum, "qualified");
	assert_int_equal(KISCRM_OK, touch(w, w->forum, "2026-09-10", 0, w->a1, 0));
	assert_int_equal(KISCRM_OK, touch(w, w->salon, "2026-10-15", w->a, 0, 0));
	assert_int_equal(KISCRM_OK, touch(w, w->salon, "2026-10-15", 0, 0, w->l1));
	assert_int_equal(KISCRM_OK, touch(w, w->tele, "2026-03-01", w->a, 0, 0));
	assert_int_equal(KISCRM_OK, touch(w, w->tele, "2026-10-25", w->a, 0, 0));
	w->o[1] = opportunity(w, w->a, 10000001, "2026-10-20", w->forum, 0);
	w->o[2] = opportunity(w, w->b, 6000000, "2026-09-20", w->forum, 0);
	w->o[3] = opportunity(w, w->a, 1000000, "2026-11-01", 0, 0);
	w->o[4] = opportunity(w, w->d, 5000000, "2026-10-20", w->salon, w->l1);
	w->o[5] = opportunity(w, w->c, 800000, "2026-11-15", w->tele, 0);
	w->o[6] = opportunity(w, w->a, 99900, "2026-12-10", w->forum, 0);
	close_as(w, w->o[1], "won", "2026-11-10T10:00:00Z");
	close_as(w, w->o[2], "won", "2026-11-20T10:00:00Z");
	close_as(w, w->o[4], "lost", "2026-11-25T10:00:00Z");
	*state = w;
	return 0;
}

static kiscrm_table *run(world *w, const char *report, const char *model)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-30");
	o.attribution = model;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, report, &o));
	return t;
}

static void assert_null_cell(const kiscrm_table *t, size_t row, size_t col)
{
	assert_true(kiscrm_table_is_null(t, row, col));
}

static void assert_rate(double want, double got)
{
	assert_true(got > want - 1e-9 && got < want + 1e-9);
}

/* Columns of campaign-roi. */
enum { C_ID, C_NAME, C_TYPE, C_TYPE_NAME, C_START, C_END, C_BUDGET, C_COST, C_INVITED, C_CONFIRMED, C_ATTENDED,
       C_LEADS, C_OPPS, C_WON_COUNT, C_PIPELINE, C_WON, C_PER_OPP, C_ROI };

typedef struct roi_row {
	kiscrm_row_kind kind;
	const char *type;
	kiscrm_money cost;
	int64_t invited, confirmed, attended, leads, opps, won_count;
	kiscrm_money pipeline, won, per_opp; /* per_opp -1: NULL */
	double roi;                          /* NAN-free: roi_null marks NULL */
	int roi_null;
} roi_row;

static void check_roi(const kiscrm_table *t, const roi_row *want, size_t n)
{
	assert_int_equal(n, kiscrm_table_row_count(t));
	for (size_t i = 0; i < n; i++) {
		const roi_row *x = &want[i];
		assert_int_equal(x->kind, kiscrm_table_row_kind(t, i));
		if (x->type)
			assert_string_equal(x->type, kiscrm_table_text(t, i, C_TYPE));
		else
			assert_null_cell(t, i, C_TYPE);
		assert_int_equal(x->cost, kiscrm_table_int(t, i, C_COST));
		assert_int_equal(x->invited, kiscrm_table_int(t, i, C_INVITED));
		assert_int_equal(x->confirmed, kiscrm_table_int(t, i, C_CONFIRMED));
		assert_int_equal(x->attended, kiscrm_table_int(t, i, C_ATTENDED));
		assert_int_equal(x->leads, kiscrm_table_int(t, i, C_LEADS));
		assert_int_equal(x->opps, kiscrm_table_int(t, i, C_OPPS));
		assert_int_equal(x->won_count, kiscrm_table_int(t, i, C_WON_COUNT));
		assert_int_equal(x->pipeline, kiscrm_table_int(t, i, C_PIPELINE));
		assert_int_equal(x->won, kiscrm_table_int(t, i, C_WON));
		if (x->per_opp < 0)
			assert_null_cell(t, i, C_PER_OPP);
		else
			assert_int_equal(x->per_opp, kiscrm_table_int(t, i, C_PER_OPP));
		if (x->roi_null)
			assert_null_cell(t, i, C_ROI);
		else
			assert_rate(x->roi, kiscrm_table_rate(t, i, C_ROI));
	}
}

static void test_roi_even(void **state)
{
	world *w = *state;
	const roi_row F = { KISCRM_ROW_DETAIL, "forum", 2500000, 4, 2, 1, 1, 3, 2, 333334, 11000001, 833333,
			    (11000001.0 - 2500000.0) / 2500000.0, 0 };
	const roi_row S = { KISCRM_ROW_DETAIL, "salon", 0, 0, 0, 0, 1, 3, 1, 333333, 5000000, 0, 0, 1 };
	const roi_row T = { KISCRM_ROW_DETAIL, "telemarketing", 300000, 0, 0, 0, 0, 1, 0, 333333, 0, 300000, -1.0, 0 };
	roi_row Fs = F, Ss = S, Ts = T;
	Fs.kind = Ss.kind = Ts.kind = KISCRM_ROW_SUBTOTAL;
	const roi_row total = { KISCRM_ROW_TOTAL, NULL, 2800000, 4, 2, 1, 2, 4, 2, 1000000, 16000001, 700000,
				(16000001.0 - 2800000.0) / 2800000.0, 0 };
	const roi_row want[] = { F, Fs, S, Ss, T, Ts, total };
	kiscrm_table *t = run(w, "campaign-roi", NULL); /* the default model: even */
	check_roi(t, want, sizeof(want) / sizeof(want[0]));
	assert_int_equal(w->forum, kiscrm_table_int(t, 0, C_ID));
	assert_string_equal("信息化论坛", kiscrm_table_text(t, 0, C_NAME));
	assert_string_equal("IT management forum", kiscrm_table_text(t, 0, C_TYPE_NAME));
	assert_int_equal(kc_test_day("2026-09-10"), kiscrm_table_int(t, 0, C_START));
	assert_int_equal(3000000, kiscrm_table_int(t, 0, C_BUDGET));
	kiscrm_table_free(t);
}

/* The credits behind it: each opportunity's shares add up to its amount exactly. */
static void test_attribution_even(void **state)
{
	world *w = *state;
	static const struct {
		int opp;
		int campaign; /* 0 forum, 1 salon, 2 telemarketing */
		const char *touched;
		kiscrm_money share;
	} want[] = {
		{ 1, 0, "2026-09-10", 5000001 }, { 1, 1, "2026-10-15", 5000000 }, { 2, 0, "2026-09-10", 6000000 },
		{ 3, 0, "2026-09-10", 333334 },  { 3, 1, "2026-10-15", 333333 },  { 3, 2, "2026-10-25", 333333 },
		{ 4, 1, "2026-10-15", 5000000 },
	};
	kiscrm_id campaigns[] = { w->forum, w->salon, w->tele };
	kiscrm_table *t = run(w, "attribution", "even");
	size_t n = sizeof(want) / sizeof(want[0]);
	assert_int_equal(n + 1, kiscrm_table_row_count(t));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(w->o[want[i].opp], kiscrm_table_int(t, i, 0));
		assert_int_equal(campaigns[want[i].campaign], kiscrm_table_int(t, i, 6));
		assert_int_equal(kc_test_day(want[i].touched), kiscrm_table_int(t, i, 9));
		assert_int_equal(want[i].share, kiscrm_table_int(t, i, 10));
	}
	assert_string_equal("won", kiscrm_table_text(t, 0, 3));
	assert_string_equal("open", kiscrm_table_text(t, 3, 3));
	assert_string_equal("lost", kiscrm_table_text(t, 6, 3));
	/* total: the four opportunities' amounts, and the shares, the same to the fen */
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, n));
	assert_int_equal(10000001 + 6000000 + 1000000 + 5000000, kiscrm_table_int(t, n, 5));
	assert_int_equal(10000001 + 6000000 + 1000000 + 5000000, kiscrm_table_int(t, n, 10));
	kiscrm_table_free(t);
}

/* One activity credited per opportunity: which one, by model. */
static void check_single(world *w, const char *model, const kiscrm_id *want_opps, const kiscrm_id *want_campaigns,
			 size_t n)
{
	kiscrm_table *t = run(w, "attribution", model);
	assert_int_equal(n + 1, kiscrm_table_row_count(t));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(want_opps[i], kiscrm_table_int(t, i, 0));
		assert_int_equal(want_campaigns[i], kiscrm_table_int(t, i, 6));
		assert_int_equal(kiscrm_table_int(t, i, 5), kiscrm_table_int(t, i, 10)); /* 100 % */
	}
	kiscrm_table_free(t);
}

static void test_models(void **state)
{
	world *w = *state;
	kiscrm_id four[] = { w->o[1], w->o[2], w->o[3], w->o[4] };
	kiscrm_id first[] = { w->forum, w->forum, w->forum, w->salon };
	kiscrm_id last[] = { w->salon, w->forum, w->tele, w->salon };
	kiscrm_id primary_opps[] = { w->o[1], w->o[2], w->o[4], w->o[5] };
	kiscrm_id primary[] = { w->forum, w->forum, w->salon, w->tele };
	check_single(w, "first", four, first, 4);
	check_single(w, "last", four, last, 4);
	check_single(w, "primary", primary_opps, primary, 4);

	/* last touch in returns: S takes O1 (won) and O4, F keeps O2, T gets O3's pipeline */
	kiscrm_table *t = run(w, "campaign-roi", "last");
	assert_int_equal(1, kiscrm_table_int(t, 0, C_OPPS));
	assert_int_equal(6000000, kiscrm_table_int(t, 0, C_WON));
	assert_int_equal(2, kiscrm_table_int(t, 2, C_OPPS));
	assert_int_equal(10000001, kiscrm_table_int(t, 2, C_WON));
	assert_int_equal(1000000, kiscrm_table_int(t, 4, C_PIPELINE));
	assert_int_equal(16000001, kiscrm_table_int(t, 6, C_WON));
	kiscrm_table_free(t);

	/* an unknown model is refused, naming it */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-30");
	o.attribution = "linear";
	t = NULL;
	assert_int_equal(KISCRM_EINVALID, kiscrm_report_run(&t, w->db, "campaign-roi", &o));
	assert_null(t);
	assert_string_equal("attribution", kiscrm_error_last()->field);
	assert_string_equal("linear", kiscrm_error_last()->value);
}

/* Each activity starting in the window; the window's other activities are left out. */
static void test_window_selects_activities(void **state)
{
	world *w = *state;
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = kc_test_day("2026-11-30");
	o.from = kc_test_day("2026-09-01");
	o.to = kc_test_day("2026-10-01");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_run(&t, w->db, "campaign-roi", &o));
	assert_int_equal(3, kiscrm_table_row_count(t)); /* F, its type, the total */
	assert_int_equal(w->forum, kiscrm_table_int(t, 0, C_ID));
	assert_int_equal(3, kiscrm_table_int(t, 2, C_OPPS));
	assert_int_equal(2500000, kiscrm_table_int(t, 2, C_COST));
	kiscrm_table_free(t);
}

static void test_rules(void **state)
{
	world *w = *state;
	size_t costs = kc_test_count(w->db, KISCRM_KIND_CAMPAIGN_COST, NULL);
	/* a cost item without an activity, or of one that does not exist */
	assert_true(cost(w, 0, "2026-09-01", 100) < 0);
	assert_string_equal("campaign_id", kiscrm_error_last()->field);
	assert_true(cost(w, 9999, "2026-09-01", 100) < 0);
	assert_string_equal("campaign_id", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, cost(w, w->forum, "2026-09-01", -1));
	assert_string_equal("amount", kiscrm_error_last()->field);
	assert_int_equal(costs, kc_test_count(w->db, KISCRM_KIND_CAMPAIGN_COST, NULL));

	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CAMPAIGN);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_NAME, "x");
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_TYPE, "golf");
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_START, kc_test_day("2026-09-10"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("type", kiscrm_error_last()->field);
	assert_string_equal("golf", kiscrm_error_last()->value);
	kiscrm_record_set_text(r, KISCRM_CAMPAIGN_TYPE, "media");
	kiscrm_record_set_int(r, KISCRM_CAMPAIGN_END, kc_test_day("2026-09-09"));
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("end", kiscrm_error_last()->field);
	assert_string_equal("2026-09-09", kiscrm_error_last()->value);
	kiscrm_record_free(r);

	/* a member is somebody, once */
	assert_int_equal(KISCRM_EINVALID, member(w, w->forum, 0, NULL, NULL));
	assert_int_equal(KISCRM_EEXISTS, member(w, w->forum, w->a1, NULL, NULL));
	assert_string_equal("contact_id", kiscrm_error_last()->field);
	assert_int_equal(KISCRM_EINVALID, member(w, w->forum, 0, "某人", "maybe"));
	assert_string_equal("status", kiscrm_error_last()->field);

	/* a touch reaches somebody; a contact's customer is implied, and must agree */
	assert_int_equal(KISCRM_EINVALID, touch(w, w->salon, "2026-10-15", 0, 0, 0));
	assert_int_equal(KISCRM_ECONFLICT, touch(w, w->salon, "2026-10-15", w->b, w->a1, 0));
	assert_string_equal("contact_id", kiscrm_error_last()->field);
	assert_int_equal(w->a, kc_test_stored_int(w->db, KISCRM_KIND_CAMPAIGN_TOUCH, 1, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID));

	/* deleting an activity takes its costs, members and touches with it */
	assert_int_equal(KISCRM_OK, kiscrm_record_delete(w->db, KISCRM_KIND_CAMPAIGN, w->tele, KISCRM_DELETE_CASCADE));
	assert_int_equal(costs - 1, kc_test_count(w->db, KISCRM_KIND_CAMPAIGN_COST, NULL));
	assert_true(kc_test_exists(w->db, KISCRM_KIND_OPPORTUNITY, w->o[5])); /* its primary activity cleared */
	kiscrm_record *o5 = kc_test_get(w->db, KISCRM_KIND_OPPORTUNITY, w->o[5]);
	assert_true(kiscrm_record_is_null(o5, KISCRM_OPPORTUNITY_CAMPAIGN_ID));
	kiscrm_record_free(o5);
}

/* The invitation list: 王经理 at 甲 and "王 经理" at 乙 with +86 138-0000-0001 are one
 * person; 李娜 opted out on one record and is left out of the other's too; Zhang Wei has
 * only an e-mail; the lead 赵六 is open, 钱八's lead is qualified (left out). */
static void test_mailing_list(void **state)
{
	world *w = *state;
	contact(w, w->b, "王 经理", "+86 138-0000-0001", NULL, 0);
	w->b2 = contact(w, w->c, "李娜", "139 0000 0002", NULL, 0);
	kiscrm_id zhang = contact(w, w->d, "Zhang Wei", NULL, "zw@example.cn", 0);
	contact(w, w->d, "ZHANG  WEI", NULL, " ZW@Example.cn", 0);
	kiscrm_mailing_options o = KISCRM_MAILING_OPTIONS_INIT;
	o.leads = 1;
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_campaign_mailing_list(&t, w->db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_string_equal("王经理", kiscrm_table_text(t, 0, 0));
	assert_string_equal("甲", kiscrm_table_text(t, 0, 3));
	assert_int_equal(w->a1, kiscrm_table_int(t, 0, 5));
	assert_int_equal(2, kiscrm_table_int(t, 0, 7));
	assert_string_equal("Zhang Wei", kiscrm_table_text(t, 1, 0));
	assert_int_equal(zhang, kiscrm_table_int(t, 1, 5));
	assert_int_equal(2, kiscrm_table_int(t, 1, 7));
	assert_string_equal("赵六", kiscrm_table_text(t, 2, 0));
	assert_int_equal(w->l1, kiscrm_table_int(t, 2, 6));
	kiscrm_table_free(t);

	/* customers of one region only (甲 is east) */
	o.leads = 0;
	o.region = "east";
	assert_int_equal(KISCRM_OK, kiscrm_campaign_mailing_list(&t, w->db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(1, kiscrm_table_int(t, 0, 7));
	kiscrm_table_free(t);

	/* the forum's members: a1 and the walk-in 李四; b1 opted out, 周七 declined */
	o = (kiscrm_mailing_options)KISCRM_MAILING_OPTIONS_INIT;
	o.campaign_id = w->forum;
	assert_int_equal(KISCRM_OK, kiscrm_campaign_mailing_list(&t, w->db, &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("王经理", kiscrm_table_text(t, 0, 0));
	assert_string_equal("李四", kiscrm_table_text(t, 1, 0));
	assert_string_equal("021-5555 0101", kiscrm_table_text(t, 1, 1));
	kiscrm_table_free(t);

	o.campaign_id = 9999;
	t = NULL;
	assert_int_equal(KISCRM_ENOTFOUND, kiscrm_campaign_mailing_list(&t, w->db, &o));
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roi_even, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_attribution_even, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_models, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_window_selects_activities, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_rules, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_mailing_list, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

/* Targets: yearly targets, exact splits over time (fiscal years, weeks across a year end)
 * and dimensions, bottom-up entry and the check report, the rules of a target record,
 * atomic replacement of children, the internal lookup kc_target_sum, and the "targets"
 * report. Every test runs on the memory backend and on SQLite.
 *
 * Calendar facts used below (worked out from 2026-01-01 being a Thursday):
 * 2026-11-01 is a Sunday, 2026-11-30 and 2026-12-28 are Mondays, 2026-12-01 is a Tuesday,
 * 2027-01-01 is a Friday. With weeks starting on Monday, the weeks whose first day is in
 * November 2026 start on 2, 9, 16, 23, 30 November (5 weeks) and those of December on 7,
 * 14, 21, 28 December (4 weeks; the last runs to 2027-01-03). */
#include "helpers.h"
#include "targets/lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define assert_err_field(f, v)                                                              \
	do {                                                                                \
		const kiscrm_error *e_ = kiscrm_error_last();                               \
		assert_non_null(e_->field);                                                 \
		assert_string_equal((f), e_->field);                                        \
		assert_non_null(e_->value);                                                 \
		assert_string_equal((v), e_->value);                                        \
	} while (0)

/* --- fixtures ---------------------------------------------------------------------- */

static char g_april_dir[1024];

static int db_setup_april(void **state)
{
	snprintf(g_april_dir, sizeof(g_april_dir), "%s/target/fy_april", kc_test_data_dir());
	*state = kc_test_db_open(g_april_dir);
	return *state ? 0 : -1;
}

/* --- builders ---------------------------------------------------------------------- */

static kiscrm_date D(const char *text)
{
	kiscrm_date d = 0;
	assert_rc(KISCRM_OK, kiscrm_date_parse(&d, text));
	return d;
}

/* A target record ready to insert: value goes to amount (money metric) or count. */
static kiscrm_record *new_target(const char *metric, int period, const char *start, int64_t value,
				 kiscrm_id parent)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_TARGET);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, metric));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, period));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, D(start)));
	int money = kiscrm_target_metric_is_money(metric) == 1;
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, money ? KISCRM_TARGET_AMOUNT : KISCRM_TARGET_COUNT, value));
	if (parent)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PARENT_ID, parent));
	return r;
}

static kiscrm_id insert_target(kiscrm_db *db, const char *metric, int period, const char *start,
			       int64_t value, kiscrm_id parent)
{
	kiscrm_record *r = new_target(metric, period, start, value, parent);
	return kc_test_insert(db, r);
}

static int64_t tfield(kiscrm_db *db, kiscrm_id id, int field)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_TARGET, id));
	int64_t v = kiscrm_record_is_null(r, field) ? -1 : kiscrm_record_int(r, field);
	kiscrm_record_free(r);
	return v;
}

static const char *ttext(kiscrm_db *db, kiscrm_id id, int field, char *buf, size_t size)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_TARGET, id));
	const char *t = kiscrm_record_text(r, field);
	snprintf(buf, size, "%s", t ? t : "(null)");
	kiscrm_record_free(r);
	return buf;
}

/* Children of a target; asserts how many there are. Caller frees with kiscrm_ids_free. */
static kiscrm_id *children(kiscrm_db *db, kiscrm_id parent, size_t expected)
{
	kiscrm_id *ids = NULL;
	size_t n = 0;
	assert_rc(KISCRM_OK, kiscrm_target_children(&ids, &n, db, parent));
	assert_int_equal(expected, n);
	return ids;
}

/* Asserts the children's values and starts, and that they add up to the parent's value. */
static void assert_children(kiscrm_db *db, kiscrm_id parent, int value_field, const int64_t *values,
			    const char *const *starts, size_t n)
{
	kiscrm_id *ids = children(db, parent, n);
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(values[i], tfield(db, ids[i], value_field));
		if (starts)
			assert_int_equal(D(starts[i]), tfield(db, ids[i], KISCRM_TARGET_START));
		assert_int_equal(parent, tfield(db, ids[i], KISCRM_TARGET_PARENT_ID));
		sum += values[i];
	}
	assert_int_equal(tfield(db, parent, value_field), sum);
	kiscrm_ids_free(ids);
}

static kiscrm_id company_year(kiscrm_db *db, const char *metric, int year, int64_t value)
{
	kiscrm_id id = 0;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&id, db, metric, year, value, NULL));
	assert_true(id > 0);
	return id;
}

/* --- splits ------------------------------------------------------------------------- */

/* 100 fen over three people 1:1:1: 33.33 each, floors 33+33+33 = 99, the one fen left goes
 * to the first of three equal remainders → 34, 33, 33. */
static void test_split_100_fen_three_ways(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "销售部", 0);
	kiscrm_id ids[3] = { kc_test_staff(db, "张三", dept, "sales_rep"), kc_test_staff(db, "李四", dept, "sales_rep"),
			     kc_test_staff(db, "王五", dept, "sales_rep") };
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 100);
	int64_t w[3] = { 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, ids, w, 3));
	int64_t want[3] = { 34, 33, 33 };
	assert_children(db, year, KISCRM_TARGET_AMOUNT, want, NULL, 3);
	kiscrm_id *kids = children(db, year, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ids[i], tfield(db, kids[i], KISCRM_TARGET_OWNER_ID));
		assert_int_equal(KISCRM_PERIOD_YEAR, tfield(db, kids[i], KISCRM_TARGET_PERIOD));
		assert_int_equal(D("2026-01-01"), tfield(db, kids[i], KISCRM_TARGET_START));
	}
	kiscrm_ids_free(kids);
}

/* 1,000,000.00 yuan = 100,000,000 fen by 20/25/25/30 → 20,000,000 / 25,000,000 /
 * 25,000,000 / 30,000,000 fen, quarters starting Jan/Apr/Jul/Oct (calendar fiscal year). */
static void test_split_year_quarters(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 100000000);
	assert_int_equal(D("2026-01-01"), tfield(db, year, KISCRM_TARGET_START));
	assert_int_equal(KISCRM_PERIOD_YEAR, tfield(db, year, KISCRM_TARGET_PERIOD));
	size_t n = 0;
	assert_rc(KISCRM_OK, kiscrm_target_split_count(&n, db, year, KISCRM_PERIOD_QUARTER));
	assert_int_equal(4, n);
	assert_rc(KISCRM_OK, kiscrm_target_split_count(&n, db, year, KISCRM_PERIOD_MONTH));
	assert_int_equal(12, n);
	int64_t w[4] = { 20, 25, 25, 30 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, w, 4));
	int64_t want[4] = { 20000000, 25000000, 25000000, 30000000 };
	const char *starts[4] = { "2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01" };
	assert_children(db, year, KISCRM_TARGET_AMOUNT, want, starts, 4);

	/* Q2 (25,000,000) → months 1:1:1: 8,333,333.33 each; floors 24,999,999, the one fen
	 * left goes to April (equal remainders, lowest index). */
	kiscrm_id *q = children(db, year, 4);
	int64_t w3[3] = { 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, q[1], KISCRM_PERIOD_MONTH, w3, 3));
	int64_t want_m[3] = { 8333334, 8333333, 8333333 };
	const char *mstarts[3] = { "2026-04-01", "2026-05-01", "2026-06-01" };
	assert_children(db, q[1], KISCRM_TARGET_AMOUNT, want_m, mstarts, 3);
	kiscrm_ids_free(q);

	/* A period that is not finer, and the wrong number of weights, are refused. */
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_time(db, year, KISCRM_PERIOD_YEAR, w, 4));
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, w, 3));
	assert_msg_has("4 quarters");
	assert_rc(KISCRM_ENOTFOUND, kiscrm_target_split_time(db, 9999, KISCRM_PERIOD_QUARTER, w, 4));
}

/* Fiscal year starting in April: FY2026 starts 2026-04-01; quarters start Apr, Jul, Oct
 * and Jan 2027. 1001 fen 1:1:1:1 → 250.25 each, floors 1000, 1 fen to Q1 → 251/250/250/250. */
static void test_fiscal_year_april(void **state)
{
	kiscrm_db *db = *state;
	assert_int_equal(4, kiscrm_config_fiscal_year_start(kiscrm_db_config(db)));
	kiscrm_id year = company_year(db, KISCRM_METRIC_COLLECTION_AMOUNT, 2026, 1001);
	assert_int_equal(D("2026-04-01"), tfield(db, year, KISCRM_TARGET_START));
	int64_t w[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, w, 4));
	int64_t want[4] = { 251, 250, 250, 250 };
	const char *starts[4] = { "2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01" };
	assert_children(db, year, KISCRM_TARGET_AMOUNT, want, starts, 4);

	/* With an April fiscal year, a quarter starting in January 2026 is fiscal Q4 of FY2025
	 * (2026-01-01 … 2026-03-31): a valid start; 2026-02-01 is not. */
	kiscrm_id q = insert_target(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_QUARTER, "2026-01-01", 9, 0);
	assert_true(q > 0);
	kiscrm_record *r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_QUARTER, "2026-02-01", 9, 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2026-02-01");
	kiscrm_record_free(r);
	/* A year starting 2026-01-01 is not a fiscal year here. */
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, "2026-01-01", 9, 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2026-01-01");
	assert_msg_has("2025-04-01");
	kiscrm_record_free(r);
}

/* Year 2026 → 12 months of 1 each; December → weeks (rule: a week belongs to the month
 * containing its first day). December has the weeks of 7, 14, 21, 28 Dec; November five.
 * 100,001 fen (year 1,200,012: each month 100,001) by 1:2:3:4 (W = 10):
 * 10,000.1 / 20,000.2 / 30,000.3 / 40,000.4 → floors 100,000, 1 fen left to the largest
 * remainder (0.4, the week of 28 Dec) → 10,000 / 20,000 / 30,000 / 40,001. */
static void test_month_weeks_across_year_end(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 1200012);
	int64_t w12[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_MONTH, w12, 12));
	kiscrm_id *months = children(db, year, 12);
	kiscrm_id nov = months[10], dec = months[11];
	kiscrm_ids_free(months);
	assert_int_equal(D("2026-11-01"), tfield(db, nov, KISCRM_TARGET_START));
	assert_int_equal(D("2026-12-01"), tfield(db, dec, KISCRM_TARGET_START));
	assert_int_equal(100001, tfield(db, dec, KISCRM_TARGET_AMOUNT));

	size_t n = 0;
	assert_rc(KISCRM_OK, kiscrm_target_split_count(&n, db, nov, KISCRM_PERIOD_WEEK));
	assert_int_equal(5, n);
	assert_rc(KISCRM_OK, kiscrm_target_split_count(&n, db, dec, KISCRM_PERIOD_WEEK));
	assert_int_equal(4, n);
	/* 52 weeks start in 2026: Mondays from 5 Jan (day 5 of the year) to 28 Dec (day 362):
	 * (362 - 5) / 7 + 1 = 52. */
	assert_rc(KISCRM_OK, kiscrm_target_split_count(&n, db, year, KISCRM_PERIOD_WEEK));
	assert_int_equal(52, n);

	int64_t w5[5] = { 1, 2, 3, 4, 5 };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_time(db, dec, KISCRM_PERIOD_WEEK, w5, 5));
	assert_msg_has("4 weeks");
	int64_t w4[4] = { 1, 2, 3, 4 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, dec, KISCRM_PERIOD_WEEK, w4, 4));
	int64_t want[4] = { 10000, 20000, 30000, 40001 };
	const char *starts[4] = { "2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28" };
	assert_children(db, dec, KISCRM_TARGET_AMOUNT, want, starts, 4);

	/* The week of 28 Dec 2026 (into 2027) is found by the lookup of the rolling budget. */
	kiscrm_money amount = 0;
	int found = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_WEEK,
					   D("2026-12-28"), D("2027-01-04"), 0, NULL, &amount, NULL, &found));
	assert_int_equal(1, found);
	assert_int_equal(40001, amount);
	/* The week of 30 Nov belongs to November, which has no weekly split: nothing found. */
	amount = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_WEEK,
					   D("2026-11-30"), D("2026-12-07"), 0, NULL, &amount, NULL, &found));
	assert_int_equal(0, found);
	assert_int_equal(0, amount);
	/* All of December's weeks add up to the month. */
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_WEEK,
					   D("2026-12-01"), D("2027-01-01"), 0, NULL, &amount, NULL, &found));
	assert_int_equal(100001, amount);

	/* A week target must start on a Monday: 2026-12-01 is a Tuesday. */
	kiscrm_record *r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_WEEK, "2026-12-01", 3, 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2026-12-01");
	assert_msg_has("2026-11-30");
	kiscrm_record_free(r);
}

/* Uneven weights whose remainders tie: 1,000,002 fen by 3:1:1 (W = 5) →
 * 600,001.2 / 200,000.4 / 200,000.4; floors 1,000,001, one fen left; the two largest
 * remainders (0.4) tie and the lower index wins → 600,001 / 200,001 / 200,000.
 * A count metric splits the same way: 12 visits by 3:1:1 → 7.2 / 2.4 / 2.4 → 7 / 3 / 2. */
static void test_split_people_tied_remainders(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "华东大区", 0);
	kiscrm_id ids[3] = { kc_test_staff(db, "甲", dept, "sales_rep"), kc_test_staff(db, "乙", dept, "sales_rep"), kc_test_staff(db, "丙", dept, "sales_rep") };
	int64_t w[3] = { 3, 1, 1 };
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 1000002);
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, ids, w, 3));
	int64_t want[3] = { 600001, 200001, 200000 };
	assert_children(db, year, KISCRM_TARGET_AMOUNT, want, NULL, 3);

	kiscrm_id visits = company_year(db, KISCRM_METRIC_VISITS, 2026, 12);
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, visits, KISCRM_GROUP_OWNER, ids, w, 3));
	int64_t want_v[3] = { 7, 3, 2 };
	assert_children(db, visits, KISCRM_TARGET_COUNT, want_v, NULL, 3);
	assert_int_equal(-1, tfield(db, visits, KISCRM_TARGET_AMOUNT));

	/* Departments: the whole department gets everything. */
	kiscrm_id depts[1] = { dept };
	int64_t one[1] = { 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_DEPARTMENT, depts, one, 1));
	kiscrm_id *kids = children(db, year, 4); /* 3 people + 1 department, two decompositions */
	for (int i = 0; i < 4; i++)
		if (tfield(db, kids[i], KISCRM_TARGET_DEPARTMENT_ID) == dept)
			assert_int_equal(1000002, tfield(db, kids[i], KISCRM_TARGET_AMOUNT));
	kiscrm_ids_free(kids);

	/* Bad calls: a text dimension through the id function, repeated ids, unknown staff,
	 * a dimension already set on the target. */
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_BUSINESS_LINE, ids, w, 3));
	kiscrm_id rep[3] = { ids[0], ids[1], ids[0] };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, rep, w, 3));
	assert_msg_has("twice");
	kiscrm_id ghost[1] = { 4242 };
	assert_rc(KISCRM_ENOTFOUND, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, ghost, one, 1));
	assert_msg_has("4242");
	kiscrm_id *people = children(db, year, 4);
	kiscrm_id person_target = 0;
	for (int i = 0; i < 4; i++)
		if (tfield(db, people[i], KISCRM_TARGET_OWNER_ID) == ids[0])
			person_target = people[i];
	kiscrm_ids_free(people);
	assert_rc(KISCRM_EINVALID,
		  kiscrm_target_split_dim_ids(db, person_target, KISCRM_GROUP_OWNER, ids, w, 3));
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_REGION, ids, w, 3));
	/* The person's year can go on to quarters: 600,001 by 1:1:1:1 → 150,000.25 each,
	 * floors 600,000, one fen to Q1 → 150,001 / 150,000 / 150,000 / 150,000. */
	int64_t w4[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, person_target, KISCRM_PERIOD_QUARTER, w4, 4));
	int64_t want_q[4] = { 150001, 150000, 150000, 150000 };
	assert_children(db, person_target, KISCRM_TARGET_AMOUNT, want_q, NULL, 4);
	kiscrm_id *pq = children(db, person_target, 4);
	assert_int_equal(ids[0], tfield(db, pq[3], KISCRM_TARGET_OWNER_ID));
	kiscrm_ids_free(pq);
}

/* Business lines by 50/30/20 of 10,000.00 yuan; re-splitting replaces the children; a
 * failure in the middle of a re-split (an unconfigured key, detected when its child is
 * inserted after the old children were deleted) and an invalid weight leave the old
 * children exactly as they were. */
static void test_split_keys_atomic_replacement(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 1000000);
	const char *keys[3] = { "direct", "distribution", "service" };
	int64_t w[3] = { 50, 30, 20 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, keys, w, 3));
	int64_t want[3] = { 500000, 300000, 200000 };
	assert_children(db, year, KISCRM_TARGET_AMOUNT, want, NULL, 3);
	/* Also split over time: another decomposition that re-splitting by business line keeps. */
	int64_t wq[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, wq, 4));
	kiscrm_id *before = children(db, year, 7);

	/* Re-split with 60/40 over two lines: the three old line children are replaced. */
	int64_t w2[2] = { 60, 40 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, keys, w2, 2));
	kiscrm_id *after = children(db, year, 6); /* 4 quarters + 2 lines */
	kiscrm_ids_free(after);
	char buf[64];
	kc_dims d = { "direct", NULL, NULL, 0, 0, 0 };
	kiscrm_money amount = 0;
	int found = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_YEAR, KISCRM_DATE_NONE,
					   KISCRM_DATE_NONE, KC_TLEVEL_BUSINESS_LINE, &d, &amount, NULL, &found));
	assert_int_equal(600000, amount); /* 60 % of 1,000,000 */
	d.business_line = "service";
	amount = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_YEAR, KISCRM_DATE_NONE,
					   KISCRM_DATE_NONE, KC_TLEVEL_BUSINESS_LINE, &d, &amount, NULL, &found));
	assert_int_equal(0, found);
	kiscrm_ids_free(before);

	/* Failure mid-way: "bogus" is not a configured business line. */
	before = children(db, year, 6);
	const char *bad[2] = { "direct", "bogus" };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, bad, w, 2));
	assert_err_field("business_line", "bogus");
	after = children(db, year, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(before[i], after[i]);
	kiscrm_ids_free(after);
	/* Invalid weight: negative. */
	int64_t neg[2] = { 60, -40 };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, keys, neg, 2));
	assert_msg_has("-40");
	int64_t zero[2] = { 0, 0 };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, keys, zero, 2));
	after = children(db, year, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(before[i], after[i]);
		kiscrm_id c = after[i];
		if (tfield(db, c, KISCRM_TARGET_PERIOD) == KISCRM_PERIOD_YEAR)
			assert_int_equal(strcmp(ttext(db, c, KISCRM_TARGET_BUSINESS_LINE, buf, sizeof(buf)), "direct") == 0
						 ? 600000 : 400000,
					 tfield(db, c, KISCRM_TARGET_AMOUNT));
		else
			assert_int_equal(250000, tfield(db, c, KISCRM_TARGET_AMOUNT));
	}
	kiscrm_ids_free(after);
	kiscrm_ids_free(before);

	/* Time split: a negative weight leaves the quarters; re-splitting replaces them and
	 * deletes their own children. */
	kiscrm_id *q = NULL;
	size_t nq = 0;
	assert_rc(KISCRM_OK, kiscrm_target_children(&q, &nq, db, year));
	kiscrm_id q1 = 0;
	for (size_t i = 0; i < nq; i++)
		if (tfield(db, q[i], KISCRM_TARGET_PERIOD) == KISCRM_PERIOD_QUARTER && !q1)
			q1 = q[i];
	kiscrm_ids_free(q);
	int64_t w3[3] = { 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, q1, KISCRM_PERIOD_MONTH, w3, 3));
	int64_t badq[4] = { 1, 1, -1, 1 };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, badq, 4));
	assert_int_equal(250000, tfield(db, q1, KISCRM_TARGET_AMOUNT));
	kiscrm_ids_free(children(db, q1, 3));
	int64_t wq2[4] = { 10, 20, 30, 40 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, wq2, 4));
	kiscrm_record *gone = NULL;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&gone, db, KISCRM_KIND_TARGET, q1));
	amount = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_MONTH, KISCRM_DATE_NONE,
					   KISCRM_DATE_NONE, 0, NULL, &amount, NULL, &found));
	assert_int_equal(0, found); /* Q1's months went with it */
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_QUARTER, D("2026-10-01"),
					   D("2027-01-01"), 0, NULL, &amount, NULL, &found));
	assert_int_equal(400000, amount); /* 40 % */
}

/* --- bottom-up entry and the check ------------------------------------------------- */

/* Contract amount 2026: company 1,000,000.00; quarters entered by hand 200,000 + 250,000 +
 * 250,000 + 200,000 = 900,000.00 → difference 100,000.00. Two people under the company
 * year entered 600,000 + 400,000 = 1,000,000 → adds up, not listed. Visits 2026: 100,
 * only two months entered, 10 + 20 = 30 → difference 70. */
static void test_bottom_up_check(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "直销部", 0);
	kiscrm_id a = kc_test_staff(db, "赵", dept, "sales_rep"), b = kc_test_staff(db, "钱", dept, "sales_rep");
	kiscrm_id year = insert_target(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_YEAR, "2026-01-01",
				       100000000, 0);
	insert_target(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_QUARTER, "2026-01-01", 20000000, year);
	insert_target(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_QUARTER, "2026-04-01", 25000000, year);
	insert_target(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_QUARTER, "2026-07-01", 25000000, year);
	insert_target(db, KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_QUARTER, "2026-10-01", 20000000, year);
	kiscrm_record *r = new_target(KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_YEAR, "2026-01-01", 60000000, year);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, a));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_record_free(r);
	r = new_target(KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_YEAR, "2026-01-01", 40000000, year);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID, b));
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_record_free(r);
	kiscrm_id visits = insert_target(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, "2026-01-01", 100, 0);
	insert_target(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_MONTH, "2026-01-01", 10, visits);
	insert_target(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_MONTH, "2026-02-01", 20, visits);
	/* A split that adds up by construction. */
	kiscrm_id coll = company_year(db, KISCRM_METRIC_COLLECTION_AMOUNT, 2026, 777);
	int64_t w[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, coll, KISCRM_PERIOD_QUARTER, w, 4));

	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_target_check(&t, db, NULL));
	assert_string_equal("target_check", kiscrm_table_name(t));
	assert_int_equal(2, kiscrm_table_row_count(t));
	int c_parent = kiscrm_table_column_index(t, "parent_id");
	int c_metric = kiscrm_table_column_index(t, "metric");
	int c_cper = kiscrm_table_column_index(t, "child_period");
	int c_level = kiscrm_table_column_index(t, "child_level");
	int c_n = kiscrm_table_column_index(t, "children");
	int c_pa = kiscrm_table_column_index(t, "parent_amount");
	int c_ca = kiscrm_table_column_index(t, "children_amount");
	int c_da = kiscrm_table_column_index(t, "difference_amount");
	int c_pc = kiscrm_table_column_index(t, "parent_count");
	int c_cc = kiscrm_table_column_index(t, "children_count");
	int c_dc = kiscrm_table_column_index(t, "difference_count");
	assert_true(c_parent >= 0 && c_dc >= 0);
	/* Rows by metric: contract_amount before visits. */
	assert_int_equal(year, kiscrm_table_int(t, 0, (size_t)c_parent));
	assert_string_equal("contract_amount", kiscrm_table_text(t, 0, (size_t)c_metric));
	assert_string_equal("quarter", kiscrm_table_text(t, 0, (size_t)c_cper));
	assert_string_equal("company", kiscrm_table_text(t, 0, (size_t)c_level));
	assert_int_equal(4, kiscrm_table_int(t, 0, (size_t)c_n));
	assert_int_equal(100000000, kiscrm_table_int(t, 0, (size_t)c_pa));
	assert_int_equal(90000000, kiscrm_table_int(t, 0, (size_t)c_ca));
	assert_int_equal(10000000, kiscrm_table_int(t, 0, (size_t)c_da));
	assert_true(kiscrm_table_is_null(t, 0, (size_t)c_pc));
	assert_int_equal(visits, kiscrm_table_int(t, 1, (size_t)c_parent));
	assert_string_equal("month", kiscrm_table_text(t, 1, (size_t)c_cper));
	assert_int_equal(2, kiscrm_table_int(t, 1, (size_t)c_n));
	assert_int_equal(100, kiscrm_table_int(t, 1, (size_t)c_pc));
	assert_int_equal(30, kiscrm_table_int(t, 1, (size_t)c_cc));
	assert_int_equal(70, kiscrm_table_int(t, 1, (size_t)c_dc));
	assert_true(kiscrm_table_is_null(t, 1, (size_t)c_da));
	kiscrm_table_free(t);

	/* Changing a person's target makes the people decomposition disagree:
	 * 60,000,000 + 45,000,000 = 105,000,000 → difference −5,000,000. */
	kiscrm_target_dims dims = KISCRM_TARGET_DIMS_INIT;
	dims.owner_id = b;
	kiscrm_id bt = 0;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&bt, db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 45000000, &dims));
	assert_int_equal(year, tfield(db, bt, KISCRM_TARGET_PARENT_ID)); /* the existing one, updated */
	assert_rc(KISCRM_OK, kiscrm_report_target_check(&t, db, NULL));
	assert_int_equal(3, kiscrm_table_row_count(t));
	/* Same parent: quarter group (coarser child period first? both: year > quarter). */
	assert_string_equal("year", kiscrm_table_text(t, 0, (size_t)c_cper));
	assert_string_equal("owner", kiscrm_table_text(t, 0, (size_t)c_level));
	assert_int_equal(-5000000, kiscrm_table_int(t, 0, (size_t)c_da));
	assert_string_equal("quarter", kiscrm_table_text(t, 1, (size_t)c_cper));
	kiscrm_table_free(t);

	/* A window that starts after 2026 selects no parent. */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.from = D("2027-01-01");
	o.to = D("2028-01-01");
	assert_rc(KISCRM_OK, kiscrm_report_target_check(&t, db, &o));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

/* --- rules ---------------------------------------------------------------------------- */

static void test_invalid_targets(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_record *r = new_target(KISCRM_METRIC_CONTRACT_AMOUNT, KISCRM_PERIOD_MONTH, "2026-04-01", 100, 0);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, "revenue"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("metric", "revenue");
	assert_msg_has("revenue");
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_METRIC, KISCRM_METRIC_CONTRACT_AMOUNT));

	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, D("2026-04-02")));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2026-04-02");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, D("2026-04-01")));

	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, 5));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("period", "5");
	/* 2026-04-01 is a quarter start, not a year start (calendar fiscal year). */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_YEAR));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2026-04-01");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PERIOD, KISCRM_PERIOD_MONTH));

	/* −5 fen is shown as −0.05. */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, -5));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("amount", "-0.05");
	assert_msg_has("negative");
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_AMOUNT, 5));
	/* Both amount and count; then count only, for a money metric. */
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_COUNT, 5));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("count", "5");
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_TARGET_AMOUNT));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_msg_has("amount");
	kiscrm_record_free(r);

	r = new_target(KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_MONTH, "2026-04-01", -3, 0);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("count", "-3");
	kiscrm_record_free(r);

	/* set_year: unknown metric, negative value, bad year, bad dims version. */
	kiscrm_id id = 0;
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, db, "revenue", 2026, 1, NULL));
	assert_err_field("metric", "revenue");
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, db, KISCRM_METRIC_VISITS, 2026, -1, NULL));
	assert_err_field("count", "-1");
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, db, KISCRM_METRIC_VISITS, 0, 1, NULL));
	assert_err_field("fiscal_year", "0");
	kiscrm_target_dims dims = KISCRM_TARGET_DIMS_INIT;
	dims.version = 99;
	assert_rc(KISCRM_EVERSION, kiscrm_target_set_year(&id, db, KISCRM_METRIC_VISITS, 2026, 1, &dims));
	assert_rc(KISCRM_OK, kiscrm_target_dims_init(&dims, KISCRM_TARGET_DIMS_VERSION));
	dims.business_line = "nonsense";
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, db, KISCRM_METRIC_VISITS, 2026, 1, &dims));
	assert_err_field("business_line", "nonsense");
	dims.business_line = NULL;
	dims.owner_id = 777;
	assert_rc(KISCRM_ENOTFOUND, kiscrm_target_set_year(&id, db, KISCRM_METRIC_VISITS, 2026, 1, &dims));
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, NULL, KISCRM_METRIC_VISITS, 2026, 1, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_target_set_year(&id, db, NULL, 2026, 1, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_target_dims_init(NULL, 1));
	assert_rc(KISCRM_EVERSION, kiscrm_target_dims_init(&dims, 2));
	assert_int_equal(1, kiscrm_target_metric_is_money(KISCRM_METRIC_COLLECTION_AMOUNT));
	assert_int_equal(0, kiscrm_target_metric_is_money(KISCRM_METRIC_OPPORTUNITIES_CREATED));

	/* set_year twice keeps one target and changes its value. */
	kiscrm_id first = 0, second = 0;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&first, db, KISCRM_METRIC_VISITS, 2026, 10, NULL));
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&second, db, KISCRM_METRIC_VISITS, 2026, 12, NULL));
	assert_int_equal(first, second);
	assert_int_equal(12, tfield(db, first, KISCRM_TARGET_COUNT));
	/* A duplicate entered by hand is refused. */
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, "2026-01-01", 3, 0);
	assert_rc(KISCRM_EEXISTS, kiscrm_record_insert(db, r));
	kiscrm_record_free(r);

	/* Children: another metric, outside the period, same period without more dimensions,
	 * a missing parent, its own parent. */
	r = new_target(KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_MONTH, "2026-03-01", 1, first);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("metric", "new_customers");
	kiscrm_record_free(r);
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_MONTH, "2027-01-01", 1, first);
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("start", "2027-01-01");
	kiscrm_record_free(r);
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, "2026-01-01", 1, first);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_PRODUCT_LINE, "mini"));
	kiscrm_record *same = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_dup(&same, r));
	assert_rc(KISCRM_OK, kiscrm_record_set_null(same, KISCRM_TARGET_PRODUCT_LINE));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(same, KISCRM_TARGET_START, D("2025-01-01")));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, same)); /* 2025 is before the parent */
	kiscrm_record_free(same);
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r)); /* same year, one more dimension: fine */
	kiscrm_id child = kiscrm_record_id(r);
	kiscrm_record_free(r);
	/* A grandchild must keep the product line of its parent. */
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_QUARTER, "2026-01-01", 1, child);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_PRODUCT_LINE, "standard"));
	assert_rc(KISCRM_EINVALID, kiscrm_record_insert(db, r));
	assert_err_field("product_line", "standard");
	kiscrm_record_free(r);
	r = new_target(KISCRM_METRIC_VISITS, KISCRM_PERIOD_MONTH, "2026-03-01", 1, 31337);
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_insert(db, r));
	assert_err_field("parent_id", "31337");
	kiscrm_record_free(r);
	/* A target with children keeps its identity; its value may change. */
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, KISCRM_KIND_TARGET, first));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_COUNT, 20));
	assert_rc(KISCRM_OK, kiscrm_record_update(db, r));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_PARENT_ID, first));
	assert_rc(KISCRM_EINVALID, kiscrm_record_update(db, r));
	assert_msg_has("own parent");
	assert_rc(KISCRM_OK, kiscrm_record_set_null(r, KISCRM_TARGET_PARENT_ID));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_START, D("2027-01-01")));
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_update(db, r));
	kiscrm_record_free(r);
	/* Deleting the parent takes the child with it (cascade). */
	assert_rc(KISCRM_ECONFLICT, kiscrm_record_delete(db, KISCRM_KIND_TARGET, first, 0));
	assert_rc(KISCRM_OK, kiscrm_record_delete(db, KISCRM_KIND_TARGET, first, KISCRM_DELETE_CASCADE));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_record_get(&r, db, KISCRM_KIND_TARGET, child));

	/* NULL arguments. */
	kiscrm_id *ids = NULL;
	size_t n = 0;
	assert_rc(KISCRM_EINVALID, kiscrm_target_children(NULL, &n, db, 1));
	assert_rc(KISCRM_ENOTFOUND, kiscrm_target_children(&ids, &n, db, 999));
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_count(NULL, db, 1, KISCRM_PERIOD_MONTH));
	int64_t w[1] = { 1 };
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_keys(db, 1, KISCRM_GROUP_PRODUCT_LINE, NULL, w, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_target_split_dim_ids(db, 1, KISCRM_GROUP_OWNER, NULL, w, 1));
	assert_rc(KISCRM_EINVALID, kiscrm_report_targets(NULL, db, NULL));
	assert_rc(KISCRM_EINVALID, kiscrm_report_target_check(NULL, db, NULL));
}

/* --- lookup ---------------------------------------------------------------------------- */

/* Company 2026 new customers = 40; by people 3:1 → 30 / 10; by business lines direct 1 →
 * 40; the first person's year by quarters 1:1:1:1 → 7.5 each → floors 28, 2 left to Q1
 * and Q2 (equal remainders, lowest indices) → 8 / 8 / 7 / 7. */
static void test_target_sum_levels(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "渠道部", 0);
	kiscrm_id a = kc_test_staff(db, "孙", dept, "sales_rep"), b = kc_test_staff(db, "李", dept, "sales_rep");
	kiscrm_id year = company_year(db, KISCRM_METRIC_NEW_CUSTOMERS, 2026, 40);
	kiscrm_id people[2] = { a, b };
	int64_t w[2] = { 3, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, people, w, 2));
	const char *lines[1] = { "direct" };
	int64_t one[1] = { 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_keys(db, year, KISCRM_GROUP_BUSINESS_LINE, lines, one, 1));
	kiscrm_target_dims dims = KISCRM_TARGET_DIMS_INIT;
	dims.owner_id = a;
	kiscrm_id at = 0;
	assert_rc(KISCRM_OK, kiscrm_target_set_year(&at, db, KISCRM_METRIC_NEW_CUSTOMERS, 2026, 30, &dims));
	int64_t w4[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, at, KISCRM_PERIOD_QUARTER, w4, 4));

	int64_t count = 0;
	kiscrm_money amount = 0;
	int found = 0;
	kiscrm_date y0 = D("2026-01-01"), y1 = D("2027-01-01");
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y0, y1, 0, NULL,
					   &amount, &count, &found));
	assert_int_equal(1, found);
	assert_int_equal(40, count);
	assert_int_equal(0, amount);
	kc_dims d = { NULL, NULL, NULL, 0, a, 0 };
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y0, y1,
					   KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(30, count);
	d.owner_id = b;
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y0, y1,
					   KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(10, count);
	d.business_line = "direct";
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y0, y1,
					   KC_TLEVEL_BUSINESS_LINE, &d, NULL, &count, &found));
	assert_int_equal(40, count);
	/* No target for business line + owner: found stays 0 and the sum is unchanged. */
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y0, y1,
					   KC_TLEVEL_BUSINESS_LINE | KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(0, found);
	assert_int_equal(0, count);
	/* Quarters: owner a by quarter; Q2 alone; the company has no quarters. */
	d.business_line = NULL;
	d.owner_id = a;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_QUARTER, y0, y1,
					   KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(30, count);
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_QUARTER, D("2026-04-01"),
					   D("2026-07-01"), KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(8, count);
	count = 0;
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_QUARTER, D("2026-10-01"),
					   KISCRM_DATE_NONE, KC_TLEVEL_OWNER, &d, NULL, &count, &found));
	assert_int_equal(7, count);
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_QUARTER, y0, y1, 0, NULL,
					   NULL, &count, &found));
	assert_int_equal(0, found);
	/* Another metric, or a year outside the window: nothing. */
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, y0, y1, 0, NULL, NULL,
					   &count, &found));
	assert_int_equal(0, found);
	assert_rc(KISCRM_OK, kc_target_sum(db, KISCRM_METRIC_NEW_CUSTOMERS, KISCRM_PERIOD_YEAR, y1, KISCRM_DATE_NONE,
					   0, NULL, NULL, &count, &found));
	assert_int_equal(0, found);
	assert_rc(KISCRM_EINVALID, kc_target_sum(db, "revenue", KISCRM_PERIOD_YEAR, y0, y1, 0, NULL, NULL, &count,
						 &found));
	assert_rc(KISCRM_EINVALID, kc_target_sum(db, KISCRM_METRIC_VISITS, KISCRM_PERIOD_YEAR, y0, y1,
						 KC_TLEVEL_OWNER, NULL, NULL, &count, &found));

	/* Levels of report groupings. */
	unsigned level = 99;
	int groups[2] = { KISCRM_GROUP_OWNER, KISCRM_GROUP_BUSINESS_LINE };
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	assert_rc(KISCRM_OK, kc_target_level_of(&o, &level));
	assert_int_equal(0, level);
	o.group_by = groups;
	o.ngroup = 2;
	assert_rc(KISCRM_OK, kc_target_level_of(&o, &level));
	assert_int_equal(KC_TLEVEL_OWNER | KC_TLEVEL_BUSINESS_LINE, level);
	groups[1] = KISCRM_GROUP_REGION;
	assert_rc(KISCRM_EINVALID, kc_target_level_of(&o, &level));
	assert_msg_has("region");
}

/* The scorecard's memo of decomposed targets answers what kc_target_sum answers.
 * contract_amount by quarter from 2026-04-01: the company 1,000,000.00; department D1
 * 600,000.00; a alone 200,000.00, and 5.00 in Q3; b with D1 150,000.00 (department and
 * person); c alone on business line `direct` 9.99 (a line: no scorecard level); a alone
 * by month in April 0.11. Asked for Q2, and for Q2 + Q3 (a's two quarters summed). */
static void test_target_memo_levels(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id d1 = kc_test_department(db, "一部", 0), d2 = kc_test_department(db, "二部", 0);
	kiscrm_id a = kc_test_staff(db, "甲", d1, "sales_rep"), b = kc_test_staff(db, "乙", d1, "sales_rep");
	kiscrm_id c = kc_test_staff(db, "丙", d2, "sales_rep");
	const char *m = KISCRM_METRIC_CONTRACT_AMOUNT;
	static const struct {
		int period;
		const char *start;
		int64_t amount;
		int who; /* 0 company, 1 D1, 2 a, 3 D1+b, 4 c on a line */
	} rows[] = {
		{ KISCRM_PERIOD_QUARTER, "2026-04-01", 100000000, 0 }, { KISCRM_PERIOD_QUARTER, "2026-04-01", 60000000, 1 },
		{ KISCRM_PERIOD_QUARTER, "2026-04-01", 20000000, 2 },  { KISCRM_PERIOD_QUARTER, "2026-07-01", 500, 2 },
		{ KISCRM_PERIOD_QUARTER, "2026-04-01", 15000000, 3 },  { KISCRM_PERIOD_QUARTER, "2026-04-01", 999, 4 },
		{ KISCRM_PERIOD_MONTH, "2026-04-01", 11, 2 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kiscrm_record *r = new_target(m, rows[i].period, rows[i].start, rows[i].amount, 0);
		if (rows[i].who == 1 || rows[i].who == 3)
			assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_DEPARTMENT_ID, d1));
		if (rows[i].who >= 2)
			assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_TARGET_OWNER_ID,
							       rows[i].who == 2 ? a : rows[i].who == 3 ? b : c));
		if (rows[i].who == 4)
			assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_TARGET_BUSINESS_LINE, "direct"));
		kc_test_insert(db, r);
	}
	static const struct {
		int period;
		const char *to; /* from 2026-04-01 */
		unsigned level;
		int dept, owner; /* 1 = D1, 2 = D2; 1 = a, 2 = b, 3 = c */
		int found;
		int64_t amount;
	} asks[] = {
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", 0, 0, 0, 1, 100000000 },
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_DEPARTMENT, 1, 0, 1, 60000000 },
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_DEPARTMENT, 2, 0, 0, 0 },
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_DEPARTMENT, 0, 0, 0, 0 }, /* no department */
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_OWNER, 1, 1, 1, 20000000 },
		{ KISCRM_PERIOD_QUARTER, "2026-10-01", KC_TLEVEL_OWNER, 1, 1, 1, 20000500 },
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_OWNER, 1, 2, 0, 0 }, /* b's has a department */
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_OWNER, 2, 3, 0, 0 }, /* c's has a line */
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_DEPARTMENT | KC_TLEVEL_OWNER, 1, 2, 1, 15000000 },
		{ KISCRM_PERIOD_QUARTER, "2026-07-01", KC_TLEVEL_DEPARTMENT | KC_TLEVEL_OWNER, 1, 1, 0, 0 },
		{ KISCRM_PERIOD_MONTH, "2026-07-01", KC_TLEVEL_OWNER, 1, 1, 1, 11 },
		{ KISCRM_PERIOD_YEAR, "2026-07-01", 0, 0, 0, 0, 0 },
	};
	kiscrm_id depts[3] = { 0, d1, d2 }, owners[4] = { 0, a, b, c };
	kc_target_memo *memo = NULL;
	for (int pass = 0; pass < 2; pass++) /* the second pass is answered from memory */
		for (size_t i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
			kiscrm_date from = D("2026-04-01"), to = D(asks[i].to);
			kiscrm_money amount = 0, direct = 0;
			int64_t count = 0;
			int found = -1, direct_found = -1;
			kiscrm_id dept = depts[asks[i].dept], owner = owners[asks[i].owner];
			assert_rc(KISCRM_OK, kc_target_memo_sum(&memo, db, m, asks[i].period, from, to, asks[i].level, dept,
								owner, &amount, &count, &found));
			if (found != asks[i].found || amount != asks[i].amount)
				fail_msg("ask %zu: found %d amount %lld, expected %d %lld", i, found, (long long)amount,
					 asks[i].found, (long long)asks[i].amount);
			kc_dims d = { NULL, NULL, NULL, dept, owner, 0 };
			assert_rc(KISCRM_OK, kc_target_sum(db, m, asks[i].period, from, to, asks[i].level, &d, &direct, NULL,
							   &direct_found));
			assert_int_equal(found, direct_found);
			assert_int_equal(amount, direct);
		}
	kiscrm_money amount = 0;
	int64_t count = 0;
	int found = 0;
	assert_rc(KISCRM_EINVALID, kc_target_memo_sum(&memo, db, m, KISCRM_PERIOD_QUARTER, D("2026-04-01"),
						      D("2026-07-01"), KC_TLEVEL_BUSINESS_LINE, 0, 0, &amount, &count, &found));
	assert_rc(KISCRM_EINVALID, kc_target_memo_sum(&memo, db, "revenue", KISCRM_PERIOD_QUARTER, D("2026-04-01"),
						      D("2026-07-01"), 0, 0, 0, &amount, &count, &found));
	kc_target_memo_free(memo);
}

/* --- the targets report ------------------------------------------------------------- */

static void test_report_targets(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = kc_test_department(db, "北区", 0);
	kiscrm_id a = kc_test_staff(db, "周", dept, "sales_rep");
	kiscrm_id year = company_year(db, KISCRM_METRIC_CONTRACT_AMOUNT, 2026, 400);
	int64_t w[4] = { 1, 1, 1, 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_time(db, year, KISCRM_PERIOD_QUARTER, w, 4));
	kiscrm_id ids[1] = { a };
	int64_t one[1] = { 1 };
	assert_rc(KISCRM_OK, kiscrm_target_split_dim_ids(db, year, KISCRM_GROUP_OWNER, ids, one, 1));
	kiscrm_id v = company_year(db, KISCRM_METRIC_VISITS, 2027, 5);

	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_targets(&t, db, NULL));
	assert_string_equal("targets", kiscrm_table_name(t));
	/* contract_amount: year 2026 company, year 2026 owner (same start and period, company
	 * first), Q1 (same start, finer), Q2, Q3, Q4; then visits 2027. */
	assert_int_equal(7, kiscrm_table_row_count(t));
	int c_id = kiscrm_table_column_index(t, "id"), c_par = kiscrm_table_column_index(t, "parent_id");
	int c_per = kiscrm_table_column_index(t, "period"), c_start = kiscrm_table_column_index(t, "start");
	int c_end = kiscrm_table_column_index(t, "end"), c_owner = kiscrm_table_column_index(t, "owner");
	int c_amount = kiscrm_table_column_index(t, "amount"), c_count = kiscrm_table_column_index(t, "count");
	int c_dept = kiscrm_table_column_index(t, "department");
	assert_int_equal(year, kiscrm_table_int(t, 0, (size_t)c_id));
	assert_true(kiscrm_table_is_null(t, 0, (size_t)c_par));
	assert_string_equal("year", kiscrm_table_text(t, 0, (size_t)c_per));
	assert_int_equal(D("2026-12-31"), kiscrm_table_int(t, 0, (size_t)c_end));
	assert_true(kiscrm_table_is_null(t, 0, (size_t)c_owner));
	assert_int_equal(400, kiscrm_table_int(t, 0, (size_t)c_amount));
	assert_true(kiscrm_table_is_null(t, 0, (size_t)c_count));
	assert_string_equal("周", kiscrm_table_text(t, 1, (size_t)c_owner));
	assert_true(kiscrm_table_is_null(t, 1, (size_t)c_dept));
	assert_int_equal(year, kiscrm_table_int(t, 1, (size_t)c_par));
	assert_string_equal("quarter", kiscrm_table_text(t, 2, (size_t)c_per));
	assert_int_equal(D("2026-03-31"), kiscrm_table_int(t, 2, (size_t)c_end));
	assert_int_equal(D("2026-10-01"), kiscrm_table_int(t, 5, (size_t)c_start));
	assert_int_equal(100, kiscrm_table_int(t, 5, (size_t)c_amount));
	assert_int_equal(v, kiscrm_table_int(t, 6, (size_t)c_id));
	assert_int_equal(5, kiscrm_table_int(t, 6, (size_t)c_count));
	assert_true(kiscrm_table_is_null(t, 6, (size_t)c_amount));
	kiscrm_table_free(t);

	/* The quarter containing 2026-05-20: only Q2 starts in it. */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-05-20");
	o.period = KISCRM_PERIOD_QUARTER;
	assert_rc(KISCRM_OK, kiscrm_report_targets(&t, db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(D("2026-04-01"), kiscrm_table_int(t, 0, (size_t)c_start));
	kiscrm_table_free(t);
	/* Owner filter: only the person's target. */
	kiscrm_report_options o2 = KISCRM_REPORT_OPTIONS_INIT;
	o2.owner_id = a;
	assert_rc(KISCRM_OK, kiscrm_report_targets(&t, db, &o2));
	assert_int_equal(1, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
	/* group_by does not change the columns. */
	int g[1] = { KISCRM_GROUP_OWNER };
	o2.owner_id = 0;
	o2.group_by = g;
	o2.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_targets(&t, db, &o2));
	assert_int_equal(17, kiscrm_table_column_count(t)); /* 12 + actual, gap (amount, count), completion */
	kiscrm_table_free(t);
}

#define DB_TEST(f) cmocka_unit_test_setup_teardown(f, kc_test_db_setup, kc_test_db_teardown)
#define DB_TESTS                                                                            \
	{                                                                                   \
		DB_TEST(test_split_100_fen_three_ways),                                     \
		DB_TEST(test_split_year_quarters),                                          \
		cmocka_unit_test_setup_teardown(test_fiscal_year_april, db_setup_april,     \
						kc_test_db_teardown),                               \
		DB_TEST(test_month_weeks_across_year_end),                                  \
		DB_TEST(test_split_people_tied_remainders),                                 \
		DB_TEST(test_split_keys_atomic_replacement),                                \
		DB_TEST(test_bottom_up_check),                                              \
		DB_TEST(test_invalid_targets),                                              \
		DB_TEST(test_target_sum_levels),                                            \
		DB_TEST(test_target_memo_levels),                                           \
		DB_TEST(test_report_targets),                                               \
	}

int main(void)
{
	const struct CMUnitTest tests[] = DB_TESTS;
	return kc_test_run_both(tests) ? 1 : 0;
}

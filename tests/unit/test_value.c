/* Customer value (kiscrm_report_customer_value, kiscrm_customer_value_classify,
 * kiscrm_report_value_movements, kiscrm_report_idic) with the default settings of
 * customers.yaml: weights 100 %, 1,000.00 a year of relationship, costs per done activity
 * (site tour 2,000.00, executive visit 800.00), A 5 %, B the next 15 %. Worked by hand
 * for the year 2026 (last day 2026-12-31):
 *
 *   金一 2026-03-01 600,000 (professional)                         score 600,000
 *   银二 2020-05-01 100,000; 2026-04-01 544,000 (mini)
 *        six whole years on 2026-12-31 → 544,000 + 6,000          score 550,000
 *   银三 2026-02-01 500,000 (professional), 2026-06-01 50,000 service (standard),
 *        2026-07-01 10,000 (commerce); five site tours (a monthly series) 10,000, a
 *        planned visit (no cost) → 560,000 − 10,000                score 550,000
 *   负四 2026-01-15 1,000 (mini); three executive visits 2,400      score −1,400
 *   客五 … 客十 2026-05-01 10,000 × 1 … 6 (standard)               10,000 … 60,000
 *   旧大 2025-06-01 800,000, one year → 1,000                       score 1,000
 *   旧小 2025-03-01 5,000, one year → 1,000                         score 1,000
 *   潜在 (no contract) and 未来 (first contract 2027-02-01): not ranked.
 * Twelve ranked: A when fewer than 5 % × 12 = 0.6 rank above (金一), B when fewer than
 * 20 % × 12 = 2.4 do: 银二 and 银三 tie at rank 2 with one above → both B; 客十 has three
 * above → C. 旧大 and 旧小 share rank 10; 负四 is last (12), C.
 * IDIC: gold 金一; cost_exceeds_value 负四 (1,400); lapsed_large 旧大, 旧小 (the 20 largest
 * of 2025, nothing in 2026); cross_sell (≤ 2 product lines in 2026): 金一, 银二, 客十 …
 * 客五, 负四 — not 银三 (three lines). 13 rows.
 * The year 2025: 银二 (5 years: 5,000), 旧大 800,000, 旧小 5,000 are ranked; A needs fewer
 * than 0.15 above: 旧大; B fewer than 0.6: nobody else; 银二 and 旧小 tie → C. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

enum { GOLD, SILVER2, SILVER3, NEG, F5, F6, F7, F8, F9, F10, OLD_BIG, OLD_SMALL, PROSPECT, FUTURE, N };

typedef struct world {
	kiscrm_db *db;
	kiscrm_id rep;
	kiscrm_id c[N];
} world;

#define D kc_test_day
#define T kc_test_time
#define Y(x) ((kiscrm_money)(x) * 100) /* yuan → fen */

static void contract(world *w, int who, const char *day, kiscrm_money amount, const char *bl, const char *pl)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, w->c[who]);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, D(day));
	kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount);
	if (bl)
		kiscrm_record_set_text(r, KISCRM_CONTRACT_BUSINESS_LINE, bl);
	kiscrm_record_set_text(r, KISCRM_CONTRACT_PRODUCT_LINE, pl);
	kc_test_insert(w->db, r);
}

static void act(world *w, int who, const char *type, const char *start, const char *status, const char *rrule)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_TYPE, type);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_SUBJECT, type);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, w->c[who]);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_START, T(start));
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_STATUS, status);
	if (rrule)
		kiscrm_record_set_text(r, KISCRM_ACTIVITY_RRULE, rrule);
	kc_test_insert(w->db, r);
}

static int setup_with(void **state, const char *config_dir)
{
	world *w = kc_test_fx_open(sizeof(world), config_dir);
	if (!w)
		return -1;
	kiscrm_id dept = kc_test_department(w->db, "销售一部", 0);
	w->rep = kc_test_staff(w->db, "张三", dept, "sales_rep");
	static const char *const names[N] = { "金一", "银二", "银三", "负四", "客五", "客六", "客七",
					      "客八", "客九", "客十", "旧大", "旧小", "潜在", "未来" };
	for (int i = 0; i < N; i++)
		w->c[i] = kc_test_customer(w->db, names[i]);
	contract(w, GOLD, "2026-03-01", Y(600000), NULL, "professional");
	contract(w, SILVER2, "2020-05-01", Y(100000), NULL, "professional");
	contract(w, SILVER2, "2026-04-01", Y(544000), NULL, "mini");
	contract(w, SILVER3, "2026-02-01", Y(500000), NULL, "professional");
	contract(w, SILVER3, "2026-06-01", Y(50000), "service", "standard");
	contract(w, SILVER3, "2026-07-01", Y(10000), NULL, "commerce");
	act(w, SILVER3, "site_tour", "2026-01-10T09:00:00Z", "done", "FREQ=MONTHLY;COUNT=5");
	act(w, SILVER3, "visit", "2026-09-10T09:00:00Z", "planned", NULL);
	contract(w, NEG, "2026-01-15", Y(1000), NULL, "mini");
	act(w, NEG, "executive_visit", "2026-02-01T09:00:00Z", "done", "FREQ=WEEKLY;COUNT=3");
	for (int k = 0; k < 6; k++)
		contract(w, F5 + k, "2026-05-01", Y(10000) * (k + 1), NULL, "standard");
	contract(w, OLD_BIG, "2025-06-01", Y(800000), NULL, "professional");
	contract(w, OLD_SMALL, "2025-03-01", Y(5000), NULL, "mini");
	contract(w, FUTURE, "2027-02-01", Y(90000000), NULL, "mini");
	*state = w;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, NULL);
}

static kiscrm_report_options year(const char *as_of)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(as_of);
	o.period = KISCRM_PERIOD_YEAR;
	return o;
}

static void test_ranking_and_classes(void **state)
{
	world *w = *state;
	static const struct {
		int who, rank;
		kiscrm_money score;
		const char *cls;
	} want[] = {
		{ GOLD, 1, Y(600000), "A" },   { SILVER2, 2, Y(550000), "B" }, { SILVER3, 2, Y(550000), "B" },
		{ F10, 4, Y(60000), "C" },     { F9, 5, Y(50000), "C" },       { F8, 6, Y(40000), "C" },
		{ F7, 7, Y(30000), "C" },      { F6, 8, Y(20000), "C" },       { F5, 9, Y(10000), "C" },
		{ OLD_BIG, 10, Y(1000), "C" }, { OLD_SMALL, 10, Y(1000), "C" }, { NEG, 12, -Y(1400), "C" },
	};
	kiscrm_report_options o = year("2026-06-30");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_customer_value(&t, w->db, &o));
	assert_int_equal(12, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 12; i++) {
		assert_int_equal(want[i].rank, kiscrm_table_int(t, i, 0));
		assert_int_equal(w->c[want[i].who], kiscrm_table_int(t, i, 1));
		assert_int_equal(want[i].score, kiscrm_table_int(t, i, 7));
		assert_string_equal(want[i].cls, kiscrm_table_text(t, i, 8));
	}
	/* 银二: six years; 银三: 550,000 of contracts (service apart) and 10,000 of cost */
	assert_int_equal(6, kiscrm_table_int(t, 1, 6));
	assert_int_equal(Y(510000), kiscrm_table_int(t, 2, 3));
	assert_int_equal(Y(50000), kiscrm_table_int(t, 2, 4));
	assert_int_equal(Y(10000), kiscrm_table_int(t, 2, 5));
	assert_int_equal(Y(2400), kiscrm_table_int(t, 11, 5));
	kiscrm_table_free(t);
}

static void test_idic(void **state)
{
	world *w = *state;
	static const struct {
		const char *list;
		int who;
		kiscrm_money figure;
	} want[] = {
		{ "gold", GOLD, Y(600000) },         { "cost_exceeds_value", NEG, Y(1400) },
		{ "lapsed_large", OLD_BIG, Y(800000) }, { "lapsed_large", OLD_SMALL, Y(5000) },
		{ "cross_sell", GOLD, Y(600000) },   { "cross_sell", SILVER2, Y(544000) },
		{ "cross_sell", F10, Y(60000) },     { "cross_sell", F9, Y(50000) },
		{ "cross_sell", F8, Y(40000) },      { "cross_sell", F7, Y(30000) },
		{ "cross_sell", F6, Y(20000) },      { "cross_sell", F5, Y(10000) },
		{ "cross_sell", NEG, Y(1000) },
	};
	kiscrm_report_options o = year("2026-06-30");
	o.lang = "zh";
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_idic(&t, w->db, &o));
	assert_int_equal(13, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 13; i++) {
		assert_string_equal(want[i].list, kiscrm_table_text(t, i, 0));
		assert_int_equal(w->c[want[i].who], kiscrm_table_int(t, i, 2));
		assert_int_equal(want[i].figure, kiscrm_table_int(t, i, 4));
	}
	assert_string_equal("黄金客户", kiscrm_table_text(t, 0, 1));
	assert_string_equal("mini", kiscrm_table_text(t, 5, 6));
	kiscrm_table_free(t);
}

static void assert_class(world *w, int who, const char *cls)
{
	kiscrm_record *r = kc_test_get(w->db, KISCRM_KIND_CUSTOMER, w->c[who]);
	kc_test_assert_text(r, KISCRM_CUSTOMER_VALUE_CLASS, cls);
	kiscrm_record_free(r);
}

static size_t stored_classes(world *w, const char *as_of)
{
	kiscrm_filter f = KISCRM_FILTER_INIT;
	kiscrm_filter_cond c;
	memset(&c, 0, sizeof(c));
	c.field = KISCRM_VALUE_CLASS_AS_OF;
	c.op = KISCRM_OP_EQ;
	c.type = KISCRM_TYPE_DATE;
	c.value.i = D(as_of);
	f.conds = &c;
	f.ncond = 1;
	return kc_test_count(w->db, KISCRM_KIND_VALUE_CLASS, &f);
}

static void test_classify_and_movements(void **state)
{
	world *w = *state;
	size_t n = 0;
	kiscrm_report_options o = year("2025-06-30");
	assert_int_equal(KISCRM_OK, kiscrm_customer_value_classify(w->db, &o, &n));
	assert_int_equal(3, n);
	assert_int_equal(3, stored_classes(w, "2025-12-31"));
	assert_class(w, OLD_BIG, "A");
	o = year("2026-06-30");
	assert_int_equal(KISCRM_OK, kiscrm_customer_value_classify(w->db, &o, &n));
	assert_int_equal(12, n);
	assert_int_equal(KISCRM_OK, kiscrm_customer_value_classify(w->db, &o, &n)); /* again: replaced */
	assert_int_equal(12, stored_classes(w, "2026-12-31"));
	assert_int_equal(3, stored_classes(w, "2025-12-31"));
	assert_class(w, SILVER2, "B");
	assert_class(w, OLD_BIG, "C");

	/* 2025-12-31 → 2026-12-31: 旧小 stays C; the others moved or were classed first */
	static const struct {
		int who;
		const char *from, *to;
	} want[] = {
		{ GOLD, NULL, "A" }, { SILVER2, "C", "B" }, { SILVER3, NULL, "B" }, { NEG, NULL, "C" },
		{ F5, NULL, "C" },   { F6, NULL, "C" },     { F7, NULL, "C" },      { F8, NULL, "C" },
		{ F9, NULL, "C" },   { F10, NULL, "C" },    { OLD_BIG, "A", "C" },
	};
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_value_movements(&t, w->db, &o));
	assert_int_equal(11, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 11; i++) {
		assert_int_equal(w->c[want[i].who], kiscrm_table_int(t, i, 0));
		if (want[i].from) {
			assert_string_equal(want[i].from, kiscrm_table_text(t, i, 2));
			assert_int_equal(D("2025-12-31"), kiscrm_table_int(t, i, 3));
		} else {
			assert_true(kiscrm_table_is_null(t, i, 2));
		}
		assert_string_equal(want[i].to, kiscrm_table_text(t, i, 4));
		assert_int_equal(D("2026-12-31"), kiscrm_table_int(t, i, 5));
	}
	kiscrm_table_free(t);

	/* a class outside A/B/C is refused by the store */
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_VALUE_CLASS);
	kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_CUSTOMER_ID, w->c[GOLD]);
	kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_AS_OF, D("2026-01-31"));
	kiscrm_record_set_text(r, KISCRM_VALUE_CLASS_CLASS, "D");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("class", kiscrm_error_last()->field);
	kiscrm_record_free(r);
}

/* customers.yaml in a configuration directory replaces the default's `value` section (its
 * `care` stays the default's): with lapsed_top 1 only 旧大 is among last year's largest. */
static int setup_top1(void **state)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/config/value_top1", kc_test_data_dir());
	return setup_with(state, dir);
}

static void test_lapsed_top_one(void **state)
{
	world *w = *state;
	kiscrm_report_options o = year("2026-06-30");
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_idic(&t, w->db, &o));
	size_t lapsed = 0;
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++)
		if (strcmp(kiscrm_table_text(t, i, 0), "lapsed_large") == 0) {
			assert_int_equal(w->c[OLD_BIG], kiscrm_table_int(t, i, 2));
			lapsed++;
		}
	assert_int_equal(1, lapsed);
	kiscrm_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ranking_and_classes, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_idic, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_classify_and_movements, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_lapsed_top_one, setup_top1, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

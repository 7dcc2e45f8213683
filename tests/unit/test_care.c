/* Key-account care (kiscrm_report_care_compliance, _people, _due, the KPI metric
 * care_compliance and the key-account archive) with the default rules of customers.yaml,
 * over the year 2026, as of 2026-12-04. Worked out by hand:
 *
 * Staff: 王总 general_manager (总部), 李经理 key_account_manager (销售一部, under 总部),
 * 赵专员 opportunity_desk (总部), 张三 sales_rep (销售一部) owns every customer.
 * 甲 key account, first contract 2024-01-01 (two years exactly at 2026-01-01: the GM rule
 * applies); 乙 key account, first contract 2024-01-02 (one day short: it does not);
 * 丙 not a key account (its visits count for nothing).
 *
 * gm_visits (3 a year, visit/executive visit, general manager), 甲:
 *   executive visit by 王总 2026-01-01 (first day: counts); visit by 张三 with 王总 taking
 *   part 06-15 (counts); visit by 王总 2025-12-31 (last year); visit by 王总 12-31 planned
 *   (not done)                                                     → required 3, done 2
 * application_review (1 a quarter, visit/tech exchange, key-account manager):
 *   甲: Q1 visit 03-31 16:00; Q2 tech exchange 04-01 and a visit 05-05 (surplus, does not
 *       carry over); Q3 none; Q4 visit 10-10                        → 4, 3
 *   乙: Q1 visit 02-01                                              → 4, 1
 * call_back (1 a month, opportunity desk):
 *   甲: a monthly series from 01-15 10:00, COUNT=11, done; the March call moved to 04-02
 *       (April has two, March none), the July one cancelled
 *       → Jan Feb Apr May Jun Aug Sep Oct Nov                       → 12, 9
 *   乙: a call by 赵专员 12-01 (Dec); a call by 张三 11-03 (not the desk: no)  → 12, 1
 * greetings (owner; decision makers and influencers; 7 days before to 3 after):
 *   甲: 刘总 decision maker born 1970-03-10, greeting 03-05 (5 days before: done);
 *       小王 user born 1990-05-05 (not a key contact: no greeting due); important date
 *       2010-08-18 (every year: 2026-08-18), greeting 08-22 (4 days after: too late)
 *                                                                  → 2, 1
 *   乙: 陈总 influencer born 1980-02-29 (2026-02-28), no greeting; family celebration
 *       2026-12-06 of 陈总, not yet greeted                          → 2, 0
 * Total: required 3+4+12+2+4+12+2 = 39, done 2+3+9+1+1+1+0 = 17.
 *
 * Due as of 2026-12-04 (not fully done, listed from the period's first day or 7 days
 * before a greeting; overdue once the period ended or the 3 grace days passed):
 *   甲: gm year (due 12-31, due), review Q3 (09-30, overdue), call Mar, Jul (overdue),
 *       call Dec (12-31, due), important date 08-18 (overdue)            6 rows
 *   乙: review Q2, Q3 (overdue), Q4 (due), calls Jan … Nov (overdue, 11), birthday 02-28
 *       (overdue), family celebration 12-06 (listed from 11-29: due)   16 rows
 *   → 22 rows, 4 of them due.
 * Runs on both backends. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

typedef struct world {
	kiscrm_db *db;
	kiscrm_id gm, kam, desk, rep;
	kiscrm_id a, b, c; /* 甲 乙 丙 */
	kiscrm_id liu, chen;
} world;

#define D kc_test_day
#define T kc_test_time

static kiscrm_id customer(world *w, const char *name, int key, const char *first)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name);
	kiscrm_record_set_int(r, KISCRM_CUSTOMER_OWNER_ID, w->rep);
	kiscrm_record_set_int(r, KISCRM_CUSTOMER_KEY_ACCOUNT, key);
	kiscrm_record_set_int(r, KISCRM_CUSTOMER_FIRST_CONTRACT, D(first));
	return kc_test_insert(w->db, r);
}

static kiscrm_id contact(world *w, kiscrm_id cust, const char *name, const char *role, const char *birthday)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTACT);
	kiscrm_record_set_int(r, KISCRM_CONTACT_CUSTOMER_ID, cust);
	kiscrm_record_set_text(r, KISCRM_CONTACT_NAME, name);
	kiscrm_record_set_text(r, KISCRM_CONTACT_CHAIN_ROLE, role);
	kiscrm_record_set_int(r, KISCRM_CONTACT_BIRTHDAY, D(birthday));
	return kc_test_insert(w->db, r);
}

static kiscrm_id act(world *w, kiscrm_id cust, kiscrm_id owner, const char *type, const char *start,
		     const char *status, const char *participants, const char *rrule)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_TYPE, type);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_SUBJECT, type);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_OWNER_ID, owner);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_START, T(start));
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_DURATION_MIN, 60);
	kiscrm_record_set_text(r, KISCRM_ACTIVITY_STATUS, status);
	if (participants)
		kiscrm_record_set_text(r, KISCRM_ACTIVITY_PARTICIPANTS, participants);
	if (rrule)
		kiscrm_record_set_text(r, KISCRM_ACTIVITY_RRULE, rrule);
	return kc_test_insert(w->db, r);
}

static void except(world *w, kiscrm_id series, const char *original, const char *moved)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_ACTIVITY_EXCEPTION);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_ACTIVITY_ID, series);
	kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_ORIGINAL_START, T(original));
	if (moved)
		kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_NEW_START, T(moved));
	else
		kiscrm_record_set_int(r, KISCRM_ACTIVITY_EXCEPTION_CANCELLED, 1);
	kc_test_insert(w->db, r);
}

static kiscrm_id event(world *w, kiscrm_id cust, const char *day, const char *type, kiscrm_id contact_id)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_KEY_ACCOUNT_EVENT);
	kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID, cust);
	kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_DATE, D(day));
	kiscrm_record_set_text(r, KISCRM_KEY_ACCOUNT_EVENT_TYPE, type);
	if (contact_id)
		kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID, contact_id);
	return kc_test_insert(w->db, r);
}

static int setup(void **state)
{
	world *w = kc_test_fx_open(sizeof(world), NULL);
	if (!w)
		return -1;
	kiscrm_id hq = kc_test_department(w->db, "总部", 0);
	kiscrm_id sales = kc_test_department(w->db, "销售一部", hq);
	w->gm = kc_test_staff(w->db, "王总", hq, "general_manager");
	w->kam = kc_test_staff(w->db, "李经理", sales, "key_account_manager");
	w->desk = kc_test_staff(w->db, "赵专员", hq, "opportunity_desk");
	w->rep = kc_test_staff(w->db, "张三", sales, "sales_rep");
	w->a = customer(w, "甲", 1, "2024-01-01");
	w->b = customer(w, "乙", 1, "2024-01-02");
	w->c = customer(w, "丙", 0, "2020-01-01");
	char gm[24];
	snprintf(gm, sizeof(gm), "%lld", (long long)w->gm);

	act(w, w->a, w->gm, "executive_visit", "2026-01-01T09:00:00Z", "done", NULL, NULL);
	act(w, w->a, w->rep, "visit", "2026-06-15T09:00:00Z", "done", gm, NULL);
	act(w, w->a, w->gm, "visit", "2025-12-31T09:00:00Z", "done", NULL, NULL);
	act(w, w->a, w->gm, "visit", "2026-12-31T09:00:00Z", "planned", NULL, NULL);
	act(w, w->a, w->kam, "visit", "2026-03-31T16:00:00Z", "done", NULL, NULL);
	act(w, w->a, w->kam, "tech_exchange", "2026-04-01T09:00:00Z", "done", NULL, NULL);
	act(w, w->a, w->kam, "visit", "2026-05-05T09:00:00Z", "done", NULL, NULL);
	act(w, w->a, w->kam, "visit", "2026-10-10T09:00:00Z", "done", NULL, NULL);
	kiscrm_id series = act(w, w->a, w->desk, "call_back", "2026-01-15T10:00:00Z", "done", NULL,
			       "FREQ=MONTHLY;COUNT=11");
	except(w, series, "2026-03-15T10:00:00Z", "2026-04-02T10:00:00Z");
	except(w, series, "2026-07-15T10:00:00Z", NULL);
	act(w, w->b, w->kam, "visit", "2026-02-01T09:00:00Z", "done", NULL, NULL);
	act(w, w->b, w->desk, "call_back", "2026-12-01T09:00:00Z", "done", NULL, NULL);
	act(w, w->b, w->rep, "call_back", "2026-11-03T09:00:00Z", "done", NULL, NULL);
	act(w, w->c, w->gm, "visit", "2026-05-05T09:00:00Z", "done", NULL, NULL);

	w->liu = contact(w, w->a, "刘总", "decision_maker", "1970-03-10");
	contact(w, w->a, "小王", "user", "1990-05-05");
	w->chen = contact(w, w->b, "陈总", "influencer", "1980-02-29");
	act(w, w->a, w->rep, "greeting", "2026-03-05T09:00:00Z", "done", NULL, NULL);
	event(w, w->a, "2010-08-18", "important_date", 0);
	act(w, w->a, w->rep, "greeting", "2026-08-22T09:00:00Z", "done", NULL, NULL);
	event(w, w->b, "2026-12-06", "family_celebration", w->chen);
	*state = w;
	return 0;
}

static kiscrm_report_options year_2026(void)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D("2026-12-04");
	o.lang = "zh";
	return o; /* no window: the fiscal year of as_of */
}

static void test_care_compliance(void **state)
{
	world *w = *state;
	static const struct {
		int b; /* 0 甲, 1 乙 */
		const char *rule, *name;
		int who; /* 0 王总 1 李经理 2 赵专员 3 张三 */
		int required, done;
	} want[] = {
		{ 0, "gm_visits", "总经理现场拜访", 0, 3, 2 }, { 0, "application_review", "季度应用回顾", 1, 4, 3 },
		{ 0, "call_back", "每月电话回访", 2, 12, 9 },   { 0, "greetings", "生日与节日问候", 3, 2, 1 },
		{ 1, "application_review", "季度应用回顾", 1, 4, 1 }, { 1, "call_back", "每月电话回访", 2, 12, 1 },
		{ 1, "greetings", "生日与节日问候", 3, 2, 0 },
	};
	const kiscrm_id who[] = { w->gm, w->kam, w->desk, w->rep };
	kiscrm_report_options o = year_2026();
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_care_compliance(&t, w->db, &o));
	assert_int_equal(8, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(want[i].b ? w->b : w->a, kiscrm_table_int(t, i, 0));
		assert_string_equal(want[i].rule, kiscrm_table_text(t, i, 2));
		assert_string_equal(want[i].name, kiscrm_table_text(t, i, 3));
		assert_int_equal(who[want[i].who], kiscrm_table_int(t, i, 4));
		assert_int_equal(want[i].required, kiscrm_table_int(t, i, 6));
		assert_int_equal(want[i].done, kiscrm_table_int(t, i, 7));
		assert_int_equal(want[i].required - want[i].done, kiscrm_table_int(t, i, 8));
	}
	assert_string_equal("李经理", kiscrm_table_text(t, 1, 5));
	assert_true(kiscrm_table_rate(t, 2, 9) > 0.7499 && kiscrm_table_rate(t, 2, 9) < 0.7501); /* 9/12 */
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 7));
	assert_int_equal(39, kiscrm_table_int(t, 7, 6));
	assert_int_equal(17, kiscrm_table_int(t, 7, 7));
	kiscrm_table_free(t);

	/* the owner filter keeps 张三's accounts (all of them); another owner has none */
	o.owner_id = w->gm;
	assert_int_equal(KISCRM_OK, kiscrm_report_care_compliance(&t, w->db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t)); /* the total row only */
	assert_int_equal(0, kiscrm_table_int(t, 0, 6));
	kiscrm_table_free(t);
}

static void test_care_people(void **state)
{
	world *w = *state;
	kiscrm_report_options o = year_2026();
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_care_people(&t, w->db, &o));
	/* per person one rule row and a sub-total, then the total: 4 × 2 + 1 */
	assert_int_equal(9, kiscrm_table_row_count(t));
	static const struct {
		int accounts, required, done;
	} want[] = { { 1, 3, 2 }, { 2, 8, 4 }, { 2, 24, 10 }, { 2, 4, 1 } };
	const kiscrm_id who[] = { w->gm, w->kam, w->desk, w->rep };
	for (size_t p = 0; p < 4; p++) {
		size_t r = 2 * p;
		assert_int_equal(who[p], kiscrm_table_int(t, r, 0));
		assert_int_equal(want[p].accounts, kiscrm_table_int(t, r, 4));
		assert_int_equal(want[p].required, kiscrm_table_int(t, r, 5));
		assert_int_equal(want[p].done, kiscrm_table_int(t, r, 6));
		assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, r + 1));
		assert_int_equal(want[p].required, kiscrm_table_int(t, r + 1, 5));
	}
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 8));
	assert_int_equal(39, kiscrm_table_int(t, 8, 5));
	assert_int_equal(17, kiscrm_table_int(t, 8, 6));
	kiscrm_table_free(t);
}

static void test_care_due(void **state)
{
	world *w = *state;
	kiscrm_report_options o = year_2026();
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_care_due(&t, w->db, &o));
	assert_int_equal(22, kiscrm_table_row_count(t));
	int due = 0, overdue = 0;
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++) {
		const char *s = kiscrm_table_text(t, i, 13);
		due += strcmp(s, "due") == 0;
		overdue += strcmp(s, "overdue") == 0;
		if (i > 0) /* sorted by due date */
			assert_true(kiscrm_table_int(t, i - 1, 7) <= kiscrm_table_int(t, i, 7));
	}
	assert_int_equal(4, due);
	assert_int_equal(18, overdue);
	/* the first: 乙's January call-back (due 01-31); 乙's birthday greeting on 02-28 next */
	assert_int_equal(w->b, kiscrm_table_int(t, 0, 0));
	assert_string_equal("call_back", kiscrm_table_text(t, 0, 2));
	assert_int_equal(D("2026-01-01"), kiscrm_table_int(t, 0, 6));
	assert_int_equal(D("2026-01-31"), kiscrm_table_int(t, 0, 7));
	assert_int_equal(D("2026-02-28"), kiscrm_table_int(t, 2, 7));
	assert_string_equal("birthday", kiscrm_table_text(t, 2, 4));
	assert_int_equal(w->chen, kiscrm_table_int(t, 2, 5));
	assert_true(kiscrm_table_is_null(t, 2, 6));
	/* the family celebration on 12-06, listed from 11-29, still due */
	size_t last = kiscrm_table_row_count(t) - 1;
	int found = 0;
	for (size_t i = 0; i <= last; i++)
		if (kiscrm_table_int(t, i, 7) == D("2026-12-06")) {
			assert_string_equal("family_celebration", kiscrm_table_text(t, i, 4));
			assert_string_equal("due", kiscrm_table_text(t, i, 13));
			found = 1;
		}
	assert_true(found);
	kiscrm_table_free(t);

	/* a day earlier than its listing (as of 11-28) the celebration is not yet listed */
	o.as_of = D("2026-11-28");
	assert_int_equal(KISCRM_OK, kiscrm_report_care_due(&t, w->db, &o));
	for (size_t i = 0; i < kiscrm_table_row_count(t); i++)
		assert_int_not_equal(D("2026-12-06"), kiscrm_table_int(t, i, 7));
	kiscrm_table_free(t);
}

static void test_care_metric(void **state)
{
	world *w = *state;
	kiscrm_kpi_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.version = KISCRM_KPI_CONTEXT_VERSION;
	ctx.scope = KISCRM_KPI_SCOPE_PERSON;
	ctx.staff_id = w->desk;
	ctx.from = D("2026-01-01");
	ctx.to = D("2027-01-01");
	ctx.as_of = D("2026-12-04");
	kiscrm_kpi_value v = KISCRM_KPI_VALUE_INIT;
	assert_int_equal(KISCRM_OK, kiscrm_kpi_metric_compute(&v, w->db, "care_compliance", &ctx));
	assert_true(v.has_actual);
	assert_true(v.actual > 10.0 / 24 - 1e-9 && v.actual < 10.0 / 24 + 1e-9);
	ctx.scope = KISCRM_KPI_SCOPE_COMPANY;
	ctx.staff_id = 0;
	v = (kiscrm_kpi_value)KISCRM_KPI_VALUE_INIT;
	assert_int_equal(KISCRM_OK, kiscrm_kpi_metric_compute(&v, w->db, "care_compliance", &ctx));
	assert_true(v.actual > 17.0 / 39 - 1e-9 && v.actual < 17.0 / 39 + 1e-9);
	/* 销售一部: 李经理 (8, 4) and 张三 (4, 1) answer for 12, of which 5 done */
	ctx.scope = KISCRM_KPI_SCOPE_DEPARTMENT;
	kiscrm_record *rep = kc_test_get(w->db, KISCRM_KIND_STAFF, w->rep);
	ctx.department_id = kiscrm_record_int(rep, KISCRM_STAFF_DEPARTMENT_ID);
	kiscrm_record_free(rep);
	v = (kiscrm_kpi_value)KISCRM_KPI_VALUE_INIT;
	assert_int_equal(KISCRM_OK, kiscrm_kpi_metric_compute(&v, w->db, "care_compliance", &ctx));
	assert_true(v.actual > 5.0 / 12 - 1e-9 && v.actual < 5.0 / 12 + 1e-9);
}

/* The archive: gained and lost set the key-account flag by the latest date; a contact of
 * another customer and an unknown type are refused, with nothing written. */
static void test_archive(void **state)
{
	world *w = *state;
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));
	event(w, w->c, "2026-03-01", "gained", 0);
	assert_int_equal(1, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));
	event(w, w->c, "2026-01-01", "lost", 0); /* older than the gain: the flag stays */
	assert_int_equal(1, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));
	kiscrm_id lost = event(w, w->c, "2026-09-01", "lost", 0);
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));
	assert_true(lost > 0);
	event(w, w->c, "2026-09-15", "executive_change", 0); /* not gained/lost: no change */
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));

	size_t before = kc_test_count(w->db, KISCRM_KIND_KEY_ACCOUNT_EVENT, NULL);
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_KEY_ACCOUNT_EVENT);
	kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID, w->c);
	kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_DATE, D("2026-10-01"));
	kiscrm_record_set_text(r, KISCRM_KEY_ACCOUNT_EVENT_TYPE, "celebration");
	assert_int_equal(KISCRM_EINVALID, kiscrm_record_insert(w->db, r));
	assert_string_equal("type", kiscrm_error_last()->field);
	assert_string_equal("celebration", kiscrm_error_last()->value);
	kiscrm_record_set_text(r, KISCRM_KEY_ACCOUNT_EVENT_TYPE, "gained");
	kiscrm_record_set_int(r, KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID, w->liu); /* 甲's contact */
	assert_int_equal(KISCRM_ECONFLICT, kiscrm_record_insert(w->db, r));
	assert_string_equal("contact_id", kiscrm_error_last()->field);
	kiscrm_record_free(r);
	assert_int_equal(before, kc_test_count(w->db, KISCRM_KIND_KEY_ACCOUNT_EVENT, NULL));
	assert_int_equal(0, kc_test_stored_int(w->db, KISCRM_KIND_CUSTOMER, w->c, KISCRM_CUSTOMER_KEY_ACCOUNT));
}

/* A rule whose role nobody holds is an error naming the role, not a silent zero. */
static void test_role_nobody_holds(void **state)
{
	world *w = *state;
	assert_int_equal(KISCRM_OK, kc_test_update_text(w->db, KISCRM_KIND_STAFF, w->desk, KISCRM_STAFF_ROLE, "sales_rep"));
	kiscrm_report_options o = year_2026();
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_ECONFIG, kiscrm_report_care_compliance(&t, w->db, &o));
	assert_null(t);
	assert_string_equal("opportunity_desk", kiscrm_error_last()->value);
	assert_non_null(strstr(kiscrm_error_last()->message, "call_back"));
	/* one end of a window only */
	o = year_2026();
	o.from = D("2026-01-01");
	assert_int_equal(KISCRM_EINVALID, kiscrm_report_care_due(&t, w->db, &o));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_care_compliance, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_care_people, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_care_due, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_care_metric, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_archive, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_role_nobody_holds, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

/* snapshot-diff on contracts paying their instalments, before and after the week's
 * snapshot is saved, grouped by owner; and the time a snapshot records. Both backends.
 *
 * Calendar (weeks start on Monday): A = Mon 2026-06-01, B = Mon 2026-06-08. The rolling
 * table of week W holds w1 … w8 = W … W+7. One salesperson, Li Lei; customers Alpha, Beta.
 * Amounts in fen. Contracts, all signed 2026-05-20 without opportunity:
 *
 *   K1 Alpha 300 000: plans 100 000 due 06-03 and 200 000 due 06-17.
 *      Collected 100 000 on 06-03 — the first instalment on time. Nothing moved.
 *   K2 Beta 500 000: plans 200 000 due 06-04 and 300 000 due 06-18.
 *      Collected 200 000 on 06-04 — on time; then the 06-18 plan is moved to 07-01. Slipped.
 *   K3 Alpha 150 000: plans 50 000 due 05-25 and 100 000 due 06-05.
 *      Collected 50 000 on 05-25 and 100 000 on 06-05 — the last instalment. Settled.
 *
 * Snapshot A (as of Mon 06-01): nothing collected since 05-25 yet, so
 *   K1: week 06-01 100 000 (06-03), week 06-15 200 000 (06-17)       → collection 300 000
 *   K2: week 06-01 200 000 (06-04), week 06-15 300 000 (06-18)       → collection 500 000
 *   K3: 50 000 received pays the 05-25 plan; week 06-01 100 000      → collection 100 000
 * Week B (as of 06-08, or 06-10 for the live table):
 *   K1: 100 000 received pays the 06-03 plan; week 06-15 200 000
 *   K2: 200 000 received pays the 06-04 plan; week 06-29 300 000 (07-01)
 *   K3: 150 000 received pays both plans; a row (collected last week) expecting nothing. */
#include "helpers.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	kiscrm_db *db; /* first member: kc_test_fx_open */
	kiscrm_id li, alpha, beta;
	kiscrm_id k1, k2, k3, k2_late_plan;
} fixture;

static kiscrm_date D(int y, int m, int d)
{
	kiscrm_date x;
	assert_rc(KISCRM_OK, kiscrm_date_from_ymd(&x, y, m, d));
	return x;
}

static kiscrm_id contract(fixture *f, const char *number, kiscrm_id customer, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CONTRACT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CONTRACT_NUMBER, number));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_CUSTOMER_ID, customer));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_SIGNED, D(2026, 5, 20)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_AMOUNT, amount));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CONTRACT_OWNER_ID, f->li));
	return kc_test_insert(f->db, r);
}

static kiscrm_id plan(kiscrm_db *db, kiscrm_id contract_id, kiscrm_date due, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION_PLAN);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_CONTRACT_ID, contract_id));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_DUE, due));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_PLAN_AMOUNT, amount));
	return kc_test_insert(db, r);
}

static void collection(kiscrm_db *db, kiscrm_id contract_id, kiscrm_date d, kiscrm_money amount)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_COLLECTION);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_CONTRACT_ID, contract_id));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_RECEIVED, d));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_COLLECTION_AMOUNT, amount));
	kc_test_insert(db, r);
}

/* The company and its contracts as they stand on Monday 06-01 (week A). */
static int setup(void **state)
{
	fixture *f = kc_test_fx_open(sizeof(fixture), NULL);
	if (!f)
		return -1;
	kiscrm_id dept = kc_test_department(f->db, "Sales", 0);
	f->li = kc_test_staff(f->db, "Li Lei", dept, "key_account_manager");
	f->alpha = kc_test_customer(f->db, "Alpha Ltd");
	f->beta = kc_test_customer(f->db, "Beta Ltd");
	f->k1 = contract(f, "K1", f->alpha, 300000);
	plan(f->db, f->k1, D(2026, 6, 3), 100000);
	plan(f->db, f->k1, D(2026, 6, 17), 200000);
	f->k2 = contract(f, "K2", f->beta, 500000);
	plan(f->db, f->k2, D(2026, 6, 4), 200000);
	f->k2_late_plan = plan(f->db, f->k2, D(2026, 6, 18), 300000);
	f->k3 = contract(f, "K3", f->alpha, 150000);
	plan(f->db, f->k3, D(2026, 5, 25), 50000);
	plan(f->db, f->k3, D(2026, 6, 5), 100000);
	collection(f->db, f->k3, D(2026, 5, 25), 50000);
	*state = f;
	return 0;
}

/* What happens during week A (see the file comment). */
static void week_a_happens(fixture *f)
{
	collection(f->db, f->k1, D(2026, 6, 3), 100000);
	collection(f->db, f->k2, D(2026, 6, 4), 200000);
	assert_rc(KISCRM_OK, kc_test_update_int(f->db, KISCRM_KIND_COLLECTION_PLAN, f->k2_late_plan,
						KISCRM_COLLECTION_PLAN_DUE, D(2026, 7, 1)));
	collection(f->db, f->k3, D(2026, 6, 5), 100000);
}

/* ---- table access ---- */

static size_t colx(const kiscrm_table *t, const char *name)
{
	int c = kiscrm_table_column_index(t, name);
	if (c < 0)
		fail_msg("no column %s", name);
	return (size_t)c;
}

static int64_t I(const kiscrm_table *t, size_t row, const char *name)
{
	size_t c = colx(t, name);
	if (kiscrm_table_is_null(t, row, c))
		fail_msg("row %zu column %s is NULL", row, name);
	return kiscrm_table_int(t, row, c);
}

static int is_null(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_is_null(t, row, colx(t, name));
}

static const char *S(const kiscrm_table *t, size_t row, const char *name)
{
	return kiscrm_table_text(t, row, colx(t, name));
}

/* The row of contract id, or (size_t)-1 when the report leaves it out. */
static size_t row_of(const kiscrm_table *t, kiscrm_id id)
{
	for (size_t r = 0; r < kiscrm_table_row_count(t); r++)
		if (!is_null(t, r, "contract_id") && I(t, r, "contract_id") == id)
			return r;
	return (size_t)-1;
}

static kiscrm_table *diff(kiscrm_db *db, kiscrm_date as_of, const int *groups, size_t ngroup, const char *lang)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	kiscrm_table *t = NULL;
	o.as_of = as_of;
	o.group_by = groups;
	o.ngroup = ngroup;
	o.lang = lang;
	assert_rc(KISCRM_OK, kiscrm_report_snapshot_diff(&t, db, &o));
	return t;
}

/* Week B against snapshot A, whichever way week B was obtained (saved or live). */
static void check_week_b(const fixture *f, const kiscrm_table *t)
{
	/* Only K2 and K3 changed; order: settled before slipped. */
	assert_int_equal(2, kiscrm_table_row_count(t));

	/* K1: snapshot A expected 100 000 in week 06-01 and 200 000 in week 06-15; the 100 000
	 * collected on 06-03 takes the first off → 200 000 by week 06-15, exactly what week B
	 * expects. Same amount (300 000) → no change, no row. (Comparing the first weeks,
	 * 06-01 against 06-15, called it slipped.) */
	assert_true(row_of(t, f->k1) == (size_t)-1);

	/* K3: everything planned (50 000 + 100 000 = 150 000) is collected (50 000 + 100 000),
	 * 100 000 of it since snapshot A, and week B expects nothing → settled. Old date: the
	 * week snapshot A expected it (06-01); new date NULL. Collections 100 000 → 0. */
	size_t r3 = row_of(t, f->k3);
	assert_int_equal(0, r3);
	assert_string_equal("settled", S(t, r3, "change"));
	assert_string_equal("contract", S(t, r3, "kind"));
	assert_string_equal("Li Lei", S(t, r3, "owner"));
	assert_int_equal(D(2026, 6, 1), I(t, r3, "old_date"));
	assert_true(is_null(t, r3, "new_date"));
	assert_int_equal(150000, I(t, r3, "old_amount"));
	assert_int_equal(150000, I(t, r3, "new_amount"));
	assert_int_equal(0, I(t, r3, "amount_delta"));
	assert_int_equal(100000, I(t, r3, "old_collection"));
	assert_int_equal(0, I(t, r3, "new_collection"));

	/* K2: snapshot A: 200 000 in week 06-01, 300 000 in week 06-15; minus the 200 000
	 * collected on 06-04 → 300 000 expected by week 06-15. Week B expects it in week 06-29
	 * (07-01). Cumulated by week: 06-01 0 | 0, 06-08 0 | 0, 06-15 300 000 | 0 → slipped
	 * from week 06-15; week B reaches 300 000 in week 06-29. Amount 500 000 both sides;
	 * collections over the eight weeks 500 000 → 300 000. */
	size_t r2 = row_of(t, f->k2);
	assert_int_equal(1, r2);
	assert_string_equal("slipped", S(t, r2, "change"));
	assert_int_equal(D(2026, 6, 15), I(t, r2, "old_date"));
	assert_int_equal(D(2026, 6, 29), I(t, r2, "new_date"));
	assert_int_equal(0, I(t, r2, "amount_delta"));
	assert_int_equal(500000, I(t, r2, "old_collection"));
	assert_int_equal(300000, I(t, r2, "new_collection"));
	assert_int_equal(0, I(t, r2, "old_contract"));
	assert_int_equal(0, I(t, r2, "new_contract"));
}

/* Items 9 and 10 on saved snapshots: instalments paid on time are not slips, a real slip
 * is, and a contract whose last instalment was collected is settled that week. */
static void test_paid_on_time_slipped_settled(void **state)
{
	fixture *f = *state;
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 1)));
	week_a_happens(f);
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 8)));
	kiscrm_table *t = diff(f->db, D(2026, 6, 10), NULL, 0, NULL);
	check_week_b(f, t);
	assert_int_equal(0, kiscrm_table_note_count(t));
	kiscrm_table_free(t);

	/* A week later (snapshot of 06-15): K3 left the table, but it was reported settled
	 * last week and nothing was collected since → not reported again (it was `removed`).
	 * K1 and K2 still expect what week B expected: no rows. */
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 15)));
	t = diff(f->db, D(2026, 6, 15), NULL, 0, NULL);
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

/* Item 11: before the week's snapshot is saved the report compares the live table, as of
 * its date, with the previous snapshot, and says so in a note; saved, it gives the same
 * rows without the note. */
static void test_live_before_saving(void **state)
{
	fixture *f = *state;
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 1)));
	week_a_happens(f);
	kiscrm_table *t = diff(f->db, D(2026, 6, 10), NULL, 0, NULL);
	check_week_b(f, t);
	assert_int_equal(1, kiscrm_table_note_count(t));
	const char *note = kiscrm_table_note(t, 0);
	assert_non_null(strstr(note, "live table as of 2026-06-10"));
	assert_non_null(strstr(note, "2026-06-01"));
	assert_null(kiscrm_table_note(t, 1));
	/* the text output carries the note after the rows */
	kiscrm_buf out = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_text(&out, t));
	assert_non_null(strstr(out.ptr, "\n\nThe week starting 2026-06-08 has no snapshot yet"));
	kiscrm_buf_dispose(&out);
	kiscrm_table_free(t);
	/* comparing did not save anything */
	assert_int_equal(1, kc_test_count(f->db, KISCRM_KIND_SNAPSHOT, NULL));

	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 8)));
	t = diff(f->db, D(2026, 6, 10), NULL, 0, NULL);
	check_week_b(f, t);
	assert_int_equal(0, kiscrm_table_note_count(t));
	kiscrm_table_free(t);
}

/* Item 11: without a snapshot of the previous week there is nothing to compare: an empty
 * table with a note naming that week, in the report's language — whether or not the
 * current week is saved. */
static void test_no_previous_snapshot(void **state)
{
	fixture *f = *state;
	kiscrm_table *t = diff(f->db, D(2026, 6, 1), NULL, 0, NULL);
	assert_int_equal(0, kiscrm_table_row_count(t));
	assert_true(kiscrm_table_column_index(t, "change") >= 0);
	assert_int_equal(1, kiscrm_table_note_count(t));
	assert_non_null(strstr(kiscrm_table_note(t, 0), "No rolling-budget snapshot of the previous week (starting 2026-05-25)"));
	kiscrm_table_free(t);

	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 1)));
	t = diff(f->db, D(2026, 6, 1), NULL, 0, "zh");
	assert_int_equal(0, kiscrm_table_row_count(t));
	assert_int_equal(1, kiscrm_table_note_count(t));
	assert_non_null(strstr(kiscrm_table_note(t, 0), "没有上周（2026-05-25 起）的滚动预算快照"));
	kiscrm_table_free(t);
}

/* Item 12: grouped by owner, the group column `owner` is the owner column. */
static void test_by_owner(void **state)
{
	fixture *f = *state;
	static const int by_owner[1] = { KISCRM_GROUP_OWNER };
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(NULL, f->db, D(2026, 6, 1)));
	week_a_happens(f);
	kiscrm_table *t = diff(f->db, D(2026, 6, 10), by_owner, 1, NULL);
	assert_int_equal(0, (int)colx(t, "owner"));
	assert_int_equal(1, (int)colx(t, "change"));
	size_t owners = 0;
	for (size_t c = 0; c < kiscrm_table_column_count(t); c++)
		owners += strcmp(kiscrm_table_column_name(t, c), "owner") == 0;
	assert_int_equal(1, owners);
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_string_equal("Li Lei", S(t, 0, "owner"));
	assert_string_equal("settled", S(t, 0, "change"));
	assert_string_equal("Li Lei", S(t, 1, "owner"));
	assert_string_equal("slipped", S(t, 1, "change"));
	assert_int_equal(D(2026, 6, 29), I(t, 1, "new_date"));
	kiscrm_table_free(t);
}

/* The library has no clock: a snapshot is taken on the business date (00:00 UTC), or on
 * the date it is computed for when the handle has no business date. */
static void test_taken_without_clock(void **state)
{
	fixture *f = *state;
	kiscrm_id id;
	kiscrm_date today;
	assert_rc(KISCRM_OK, kiscrm_date_parse(&today, KC_TEST_TODAY));
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&id, f->db, D(2026, 6, 1)));
	/* 2026-01-01 is day 56 × 365 + 14 leap days = 20 454 since 1970-01-01; 2026-11-23 is
	 * 326 days later (31+28+31+30+31+30+31+31+30+31 = 304, + 22) = day 20 780; × 86 400 s */
	assert_int_equal(20780, today);
	assert_int_equal((int64_t)20780 * 86400, kc_test_stored_int(f->db, KISCRM_KIND_SNAPSHOT, id, KISCRM_SNAPSHOT_TAKEN));
	assert_rc(KISCRM_OK, kiscrm_db_set_today(f->db, KISCRM_DATE_NONE));
	assert_rc(KISCRM_OK, kiscrm_budget_snapshot(&id, f->db, D(2026, 6, 8)));
	/* 2026-06-08: 20 454 + 151 (January … May) + 7 = day 20 612 */
	assert_int_equal((int64_t)20612 * 86400, kc_test_stored_int(f->db, KISCRM_KIND_SNAPSHOT, id, KISCRM_SNAPSHOT_TAKEN));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paid_on_time_slipped_settled, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_live_before_saving, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_previous_snapshot, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_by_owner, setup, kc_test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_taken_without_clock, setup, kc_test_fx_teardown),
	};
	return kc_test_run_both(tests);
}

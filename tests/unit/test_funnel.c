/* The funnel reports: funnel (golden CSV, groups, window, revisits, unordered history),
 * funnel-shape diagnosis (one scenario per shape), qualification rate and the list of
 * invalid opportunities, structure and STQC — plus the error paths of every report of
 * kiscrm/report.h. Every expected number is worked out by hand in the comments. Each test
 * runs on the memory backend and on SQLite. */
#include "funnel_fixtures.h"
#include "storage/db.h"
#include "storage/record.h"

#define D(y, m, d) fx_date((y), (m), (d))

/* --- the basic scenario -------------------------------------------------------------------
 *
 * Default pipeline: opportunity (O) → diagnosis (Dg) → design (S) → commercial (C), then won
 * (W) / lost (L). All moves at midnight UTC, so stays are whole days. February 2024 has 29
 * days. Report: as_of 2024-03-31, window [2024-01-01, 2024-04-01).
 *
 *   opp owner amount   history                                              now
 *   A   Alice 1000.00  O 01-01, Dg 01-11, S 01-31, W 02-10                  won 02-10
 *   B   Alice 2000.00  O 01-01, Dg 01-21, L 02-20                           lost 02-20
 *   C   Alice 3000.00  O 02-01, Dg 02-11, S 03-02                           open in S
 *   D   Alice  500.00  O 03-01                                              open in O
 *   E   Bob   1500.00  O 03-11                                              open in O
 *   F   Bob   4000.00  Dg 01-15 (created there), C 02-14                    open in C
 *   G   Bob   9999.00  O 2023-12-01, W 2023-12-20                           won before the window
 *   H   Bob    700.00  O 2024-04-05                                         created after `to`
 *
 * Stays (days): A: O 10, Dg 20, S 10; B: O 20, Dg 30; C: O 10, Dg 20 (02-11 → 03-02),
 * S 29 (03-02 → as_of); D: O 30 (→ as_of); E: O 20; F: Dg 30 (01-15 → 02-14),
 * C 46 (02-14 → 03-01 is 16, → 03-31 is 30 more); G: O 19. */
typedef struct basic {
	kiscrm_id alice, bob;
	kiscrm_id a, b, c, d, e, f, g, h;
} basic;

static void build_basic(kiscrm_db *db, basic *s)
{
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	s->alice = fx_staff(db, dept, "Alice");
	s->bob = fx_staff(db, dept, "Bob");

	s->a = fx_opp(db, "A", s->alice, cust, 100000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->a, "diagnosis", 2024, 1, 11);
	fx_move(db, s->a, "design", 2024, 1, 31);
	fx_move(db, s->a, "won", 2024, 2, 10);

	s->b = fx_opp(db, "B", s->alice, cust, 200000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->b, "diagnosis", 2024, 1, 21);
	fx_move(db, s->b, "lost", 2024, 2, 20);

	s->c = fx_opp(db, "C", s->alice, cust, 300000, D(2024, 2, 1), "opportunity");
	fx_move(db, s->c, "diagnosis", 2024, 2, 11);
	fx_move(db, s->c, "design", 2024, 3, 2);

	s->d = fx_opp(db, "D", s->alice, cust, 50000, D(2024, 3, 1), "opportunity");
	s->e = fx_opp(db, "E", s->bob, cust, 150000, D(2024, 3, 11), "opportunity");

	s->f = fx_opp(db, "F", s->bob, cust, 400000, D(2024, 1, 15), "diagnosis");
	fx_move(db, s->f, "commercial", 2024, 2, 14);

	s->g = fx_opp(db, "G", s->bob, cust, 999900, D(2023, 12, 1), "opportunity");
	fx_move(db, s->g, "won", 2023, 12, 20);

	s->h = fx_opp(db, "H", s->bob, cust, 70000, D(2024, 4, 5), "opportunity");
}

static kiscrm_report_options q1_options(void)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	o.from = D(2024, 1, 1);
	o.to = D(2024, 4, 1);
	return o;
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	char *buf = malloc(65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

/* Golden file, written by hand from the arithmetic below.
 *
 * Counts (open in working stages; closes in the window for won/lost; H is created after
 * `to` and G closed before `from`): O: D, E = 2, 500 + 1500 = 2000.00; Dg: 0; S: C,
 * 3000.00; C: F, 4000.00; W: A, 1000.00; L: B, 2000.00.
 * Entered by history (A–G): O: A B C D E G = 6, converted (later Dg/S/C/W): A B C G = 4,
 * 4/6 = 0.6666666667. Dg: A B C F = 4, converted A C F = 3 → 0.75 (B was lost). S: A C = 2,
 * converted A = 1 → 0.5. C: F = 1, converted 0 → 0. W: A G = 2. L: B = 1.
 * Stays: O 10 20 10 30 20 19 → sum 109 / 6 = 18.16666667, sorted 10 10 19 20 20 30 →
 * median (19 + 20) / 2 = 19.5; Dg 20 30 20 30 → 25 and 25; S 10 29 → 19.5 and 19.5;
 * C 46 → 46 and 46.
 * Open pipeline: D C E F = 4, 500 + 3000 + 1500 + 4000 = 9000.00; closes in the window:
 * won A, lost B → win rate 1/2 = 0.5; cycle of A: 2024-01-01 → 02-10 = 40 days;
 * velocity = 9000.00 × 0.5 ÷ 40 = 112.50 per day. */
static void test_funnel_golden(void **state)
{
	kiscrm_db *db = *state;
	basic s;
	build_basic(db, &s);
	kiscrm_report_options o = q1_options();
	kiscrm_table *t = NULL;
	kiscrm_buf csv = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_string_equal("funnel", kiscrm_table_name(t));
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&csv, t));
	char path[1024];
	snprintf(path, sizeof(path), "%s/../golden/funnel_basic.csv", kc_test_data_dir());
	char *expected = read_file(path);
	assert_string_equal(expected, csv.ptr);
	free(expected);
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 6));
	assert_int_equal(KISCRM_ROW_DETAIL, kiscrm_table_row_kind(t, 0));
	kiscrm_buf_dispose(&csv);
	kiscrm_table_free(t);
}

/* Grouped by owner (rows sorted by name: Alice's 7 rows, then Bob's).
 * Alice (A B C D): O count D = 1, 500.00; entered A B C D = 4, converted A B C = 3 → 0.75;
 *   stays 10 20 10 30 → avg 70/4 = 17.5, median (10 + 20)/2 = 15.
 *   Dg: entered A B C = 3, converted A C = 2 → 0.6666666667; stays 20 30 20 → avg 70/3,
 *   median 20. S: count C = 1, 3000.00; entered 2, converted 1 → 0.5; stays 10 29 → 19.5.
 *   C: nothing entered → conversion, avg and median NULL. W: A 1000.00; L: B 2000.00.
 *   Open D + C = 2, 3500.00; win 1/2; cycle 40; velocity 3500.00 × 0.5 / 40 = 43.75.
 * Bob (E F G; H is after `to`): O count E = 1, 1500.00; entered E G = 2, converted G → 0.5;
 *   stays E 20, G 19 → 19.5. Dg: entered F, converted F → 1. C: F 4000.00, stay 46.
 *   W: G closed before the window → 0, but entered 1. Open 2, 5500.00; no close in the
 *   window → win rate, cycle and velocity NULL. */
static void test_funnel_by_owner(void **state)
{
	kiscrm_db *db = *state;
	basic s;
	build_basic(db, &s);
	kiscrm_report_options o = q1_options();
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(14, kiscrm_table_row_count(t));
	assert_string_equal("owner", kiscrm_table_column_name(t, 0));
	for (size_t i = 0; i < 7; i++) {
		assert_text("Alice", t, i, "owner");
		assert_text("Bob", t, i + 7, "owner");
	}
	/* Alice */
	assert_text("opportunity", t, 0, "stage");
	assert_int_equal(1, fx_int(t, 0, "count"));
	assert_int_equal(50000, fx_int(t, 0, "amount"));
	assert_int_equal(4, fx_int(t, 0, "entered"));
	assert_int_equal(3, fx_int(t, 0, "converted"));
	assert_rate(0.75, t, 0, "conversion");
	assert_rate(17.5, t, 0, "avg_days");
	assert_rate(15.0, t, 0, "median_days");
	assert_int_equal(3, fx_int(t, 1, "entered"));
	assert_rate(2.0 / 3.0, t, 1, "conversion");
	assert_rate(70.0 / 3.0, t, 1, "avg_days");
	assert_rate(20.0, t, 1, "median_days");
	assert_int_equal(1, fx_int(t, 2, "count"));
	assert_int_equal(300000, fx_int(t, 2, "amount"));
	assert_rate(0.5, t, 2, "conversion");
	assert_rate(19.5, t, 2, "avg_days");
	assert_int_equal(0, fx_int(t, 3, "entered"));
	assert_true(fx_is_null(t, 3, "conversion"));
	assert_true(fx_is_null(t, 3, "avg_days"));
	assert_true(fx_is_null(t, 3, "median_days"));
	assert_text("won", t, 4, "stage");
	assert_int_equal(100000, fx_int(t, 4, "amount"));
	assert_true(fx_is_null(t, 4, "converted"));
	assert_int_equal(200000, fx_int(t, 5, "amount"));
	assert_int_equal(KISCRM_ROW_SUBTOTAL, kiscrm_table_row_kind(t, 6));
	assert_true(fx_is_null(t, 6, "stage"));
	assert_int_equal(2, fx_int(t, 6, "count"));
	assert_int_equal(350000, fx_int(t, 6, "amount"));
	assert_rate(0.5, t, 6, "win_rate");
	assert_rate(40.0, t, 6, "cycle_days");
	assert_int_equal(4375, fx_int(t, 6, "velocity"));
	/* Bob */
	assert_int_equal(1, fx_int(t, 7, "count"));
	assert_int_equal(150000, fx_int(t, 7, "amount"));
	assert_int_equal(2, fx_int(t, 7, "entered"));
	assert_rate(0.5, t, 7, "conversion");
	assert_rate(19.5, t, 7, "avg_days");
	assert_rate(19.5, t, 7, "median_days");
	assert_int_equal(1, fx_int(t, 8, "entered"));
	assert_rate(1.0, t, 8, "conversion");
	assert_rate(30.0, t, 8, "avg_days");
	assert_int_equal(400000, fx_int(t, 10, "amount"));
	assert_rate(46.0, t, 10, "median_days");
	assert_int_equal(0, fx_int(t, 11, "count"));
	assert_int_equal(1, fx_int(t, 11, "entered"));
	assert_int_equal(2, fx_int(t, 13, "count"));
	assert_int_equal(550000, fx_int(t, 13, "amount"));
	assert_true(fx_is_null(t, 13, "win_rate"));
	assert_true(fx_is_null(t, 13, "cycle_days"));
	assert_true(fx_is_null(t, 13, "velocity"));
	kiscrm_table_free(t);
}

/* Without a window everything counts: H joins O (count D E H = 3, 500 + 1500 + 700 =
 * 2700.00; entered 7) but its creation entry (04-05) is after as_of, so its stay is
 * skipped and O's average stays 109/6. W: A and G = 2, 1000.00 + 9999.00 = 10999.00.
 * Open: D E H C F = 5, 9700.00; won A G, lost B → 2/3; cycles A 40, G 19 (12-01 →
 * 12-20) → 29.5; velocity = 970000 × (2 won × 2 cycles) ÷ (3 closes × 59 days)
 * = 3880000 / 177 = 21920.90… → 21921 minor units. */
static void test_funnel_unbounded(void **state)
{
	kiscrm_db *db = *state;
	basic s;
	build_basic(db, &s);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(7, kiscrm_table_row_count(t));
	assert_int_equal(3, fx_int(t, 0, "count"));
	assert_int_equal(270000, fx_int(t, 0, "amount"));
	assert_int_equal(7, fx_int(t, 0, "entered"));
	assert_rate(109.0 / 6.0, t, 0, "avg_days");
	assert_int_equal(2, fx_int(t, 4, "count"));
	assert_int_equal(1099900, fx_int(t, 4, "amount"));
	assert_int_equal(5, fx_int(t, 6, "count"));
	assert_int_equal(970000, fx_int(t, 6, "amount"));
	assert_rate(2.0 / 3.0, t, 6, "win_rate");
	assert_rate(29.5, t, 6, "cycle_days");
	assert_int_equal(21921, fx_int(t, 6, "velocity"));
	kiscrm_table_free(t);
}

/* Chinese names and the owner filter: only Bob's opportunities (see by_owner). */
static void test_funnel_zh_and_filter(void **state)
{
	kiscrm_db *db = *state;
	basic s;
	build_basic(db, &s);
	kiscrm_report_options o = q1_options();
	o.lang = "zh";
	o.owner_id = s.bob;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(7, kiscrm_table_row_count(t));
	assert_text("商机(提问)阶段", t, 0, "stage_name");
	assert_text("赢单", t, 4, "stage_name");
	assert_text("在途商机", t, 6, "stage_name");
	assert_int_equal(550000, fx_int(t, 6, "amount"));
	kiscrm_table_free(t);
}

/* Backward moves: O 01-01 → Dg 01-06 → O 01-08 → Dg 01-18 → L 01-19.
 * O entered once (its first entry), converted (Dg came later) → 1/1. Dg entered once;
 * after its first entry only O (earlier stage), Dg again and L (lost) follow → 0/1.
 * Stays: O 5 (01-01 → 01-06) and 10 (01-08 → 01-18) → 7.5; Dg 2 and 1 → 1.5. */
static void test_funnel_revisits(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id alice = fx_staff(db, dept, "Alice");
	kiscrm_id x = fx_opp(db, "X", alice, cust, 100000, D(2024, 1, 1), "opportunity");
	fx_move(db, x, "diagnosis", 2024, 1, 6);
	fx_move(db, x, "opportunity", 2024, 1, 8);
	fx_move(db, x, "diagnosis", 2024, 1, 18);
	fx_move(db, x, "lost", 2024, 1, 19);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(1, fx_int(t, 0, "entered"));
	assert_rate(1.0, t, 0, "conversion");
	assert_rate(7.5, t, 0, "avg_days");
	assert_rate(7.5, t, 0, "median_days");
	assert_int_equal(1, fx_int(t, 1, "entered"));
	assert_rate(0.0, t, 1, "conversion");
	assert_rate(1.5, t, 1, "avg_days");
	assert_int_equal(1, fx_int(t, 5, "count"));
	assert_int_equal(0, fx_int(t, 6, "count"));
	assert_true(fx_is_null(t, 6, "win_rate") == 0); /* 0 won of 1 close: 0 */
	assert_rate(0.0, t, 6, "win_rate");
	assert_true(fx_is_null(t, 6, "velocity"));
	kiscrm_table_free(t);
}

/* History written out of time order (an import): creation O 01-01, then appended
 * S 02-10 before Dg 01-21. Sorted by time: O 01-01, Dg 01-21, S 02-10, so the stays are
 * O 20, Dg 20 and S 50 (02-10 → 03-01 is 20 days, → 03-31 is 30 more; the opportunity is
 * still open). Id order would give O 40 instead. Conversions: O → later Dg, Dg → later S. */
static void test_funnel_unordered_history(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id alice = fx_staff(db, dept, "Alice");
	kiscrm_id x = fx_opp(db, "X", alice, cust, 100000, D(2024, 1, 1), "opportunity");
	assert_rc(KISCRM_OK, kiscrm_stage_history_append(db, x, "diagnosis", "design", fx_time(2024, 2, 10), 0));
	assert_rc(KISCRM_OK,
		  kiscrm_stage_history_append(db, x, "opportunity", "diagnosis", fx_time(2024, 1, 21), 0));
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_rate(20.0, t, 0, "avg_days");
	assert_rate(20.0, t, 1, "avg_days");
	assert_rate(50.0, t, 2, "avg_days");
	assert_rate(1.0, t, 0, "conversion");
	assert_rate(1.0, t, 1, "conversion");
	assert_rate(0.0, t, 2, "conversion");
	kiscrm_table_free(t);
}

/* One scenario whose history is written in three orders. A: O 01-01, Dg 01-11, Ds 01-31,
 * won 02-10. B: O 01-01, Dg 01-21, lost 02-20. C: O 02-01, Dg 02-11, back to O 02-21, open
 * on 03-31.
 *  - grouped: each deal's entries together (an import of finished deals);
 *  - interleaved: the entries in time order across deals (a database used day by day),
 *    where a deal's entries come apart but each in time order;
 *  - disordered: C's two moves appended in reverse (an import of past moves), which the
 *    funnel must put back in time order.
 * By hand, O: entered 3, all three converted (Dg later); stays A 10, B 20, C 10 and 39
 * (02-21 → 03-31 in 2024) → mean 79 / 4 = 19.75, median (10 + 20) / 2 = 15. Dg: entered 3,
 * converted by A only (B lost, C went back) → 1/3; stays 20, 30, 10 → mean and median 20. */
enum { ORDER_GROUPED, ORDER_INTERLEAVED, ORDER_DISORDERED };

static kiscrm_table *funnel_written(kiscrm_db *db, int order)
{
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id alice = fx_staff(db, dept, "Alice");
	kiscrm_id a, b, c;
	if (order == ORDER_GROUPED) {
		a = fx_opp(db, "A", alice, cust, 100000, D(2024, 1, 1), "opportunity");
		fx_move(db, a, "diagnosis", 2024, 1, 11);
		fx_move(db, a, "design", 2024, 1, 31);
		fx_move(db, a, "won", 2024, 2, 10);
		b = fx_opp(db, "B", alice, cust, 200000, D(2024, 1, 1), "opportunity");
		fx_move(db, b, "diagnosis", 2024, 1, 21);
		fx_move(db, b, "lost", 2024, 2, 20);
		c = fx_opp(db, "C", alice, cust, 300000, D(2024, 2, 1), "opportunity");
		fx_move(db, c, "diagnosis", 2024, 2, 11);
		fx_move(db, c, "opportunity", 2024, 2, 21);
	} else {
		a = fx_opp(db, "A", alice, cust, 100000, D(2024, 1, 1), "opportunity");
		b = fx_opp(db, "B", alice, cust, 200000, D(2024, 1, 1), "opportunity");
		fx_move(db, a, "diagnosis", 2024, 1, 11);
		fx_move(db, b, "diagnosis", 2024, 1, 21);
		fx_move(db, a, "design", 2024, 1, 31);
		c = fx_opp(db, "C", alice, cust, 300000, D(2024, 2, 1), "opportunity");
		fx_move(db, a, "won", 2024, 2, 10);
		if (order == ORDER_INTERLEAVED)
			fx_move(db, c, "diagnosis", 2024, 2, 11);
		fx_move(db, b, "lost", 2024, 2, 20);
		if (order == ORDER_INTERLEAVED) {
			fx_move(db, c, "opportunity", 2024, 2, 21);
		} else {
			assert_rc(KISCRM_OK, kiscrm_stage_history_append(db, c, "diagnosis", "opportunity",
									 fx_time(2024, 2, 21), 0));
			assert_rc(KISCRM_OK, kiscrm_stage_history_append(db, c, "opportunity", "diagnosis",
									 fx_time(2024, 2, 11), 0));
		}
	}
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	return t;
}

static void test_funnel_history_orders(void **state)
{
	kiscrm_buf csv[3] = { KISCRM_BUF_INIT, KISCRM_BUF_INIT, KISCRM_BUF_INIT };
	for (int order = ORDER_GROUPED; order <= ORDER_DISORDERED; order++) {
		kiscrm_db *db = order == ORDER_GROUPED ? *state : kc_test_db_open(NULL);
		assert_non_null(db);
		kiscrm_table *t = funnel_written(db, order);
		assert_int_equal(3, fx_int(t, 0, "entered"));
		assert_rate(1.0, t, 0, "conversion");
		assert_rate(19.75, t, 0, "avg_days");
		assert_rate(15.0, t, 0, "median_days");
		assert_int_equal(3, fx_int(t, 1, "entered"));
		assert_rate(1.0 / 3.0, t, 1, "conversion");
		assert_rate(20.0, t, 1, "avg_days");
		assert_rate(20.0, t, 1, "median_days");
		assert_rc(KISCRM_OK, kiscrm_table_write_csv(&csv[order], t));
		kiscrm_table_free(t);
		if (order != ORDER_GROUPED)
			kiscrm_db_free(db);
	}
	/* every other figure the same too */
	assert_string_equal(csv[ORDER_GROUPED].ptr, csv[ORDER_INTERLEAVED].ptr);
	assert_string_equal(csv[ORDER_GROUPED].ptr, csv[ORDER_DISORDERED].ptr);
	for (int i = 0; i < 3; i++)
		kiscrm_buf_dispose(&csv[i]);
}

/* Sparse opportunity ids (X gets id 1…, Y id 5000000) take the hash-map join instead
 * of the dense array; the figures are the same.
 * Y: O 01-01 → Dg 01-11 → W 01-21; X: O 01-01 → Dg 01-06, open.
 * O: entered 2, both converted; stays 10 and 5 → 7.5. Dg: entered 2, Y converted → 0.5;
 * stays Y 10, X 01-06 → 03-31 = 26 (→ 02-01) + 29 (→ 03-01) + 30 = 85 → 47.5. */
static void test_funnel_sparse_ids(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id alice = fx_staff(db, dept, "Alice");
	kiscrm_id x = fx_opp(db, "X", alice, cust, 100000, D(2024, 1, 1), "opportunity");
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_OPPORTUNITY);
	kc_record_set_id(r, 5000000);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, "Y"));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, alice));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, cust));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, 100000));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, D(2024, 6, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CREATED, D(2024, 1, 1)));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity"));
	kiscrm_id y = kc_test_insert(db, r);
	assert_int_equal(5000000, y);
	fx_move(db, y, "diagnosis", 2024, 1, 11);
	fx_move(db, y, "won", 2024, 1, 21);
	fx_move(db, x, "diagnosis", 2024, 1, 6);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(2, fx_int(t, 0, "entered"));
	assert_rate(1.0, t, 0, "conversion");
	assert_rate(7.5, t, 0, "avg_days");
	assert_int_equal(2, fx_int(t, 1, "entered"));
	assert_rate(0.5, t, 1, "conversion");
	assert_rate(47.5, t, 1, "avg_days");
	assert_rate(47.5, t, 1, "median_days");
	assert_int_equal(1, fx_int(t, 4, "count"));
	kiscrm_table_free(t);
}

/* Cycle figures of the closes (all of 2024, no window limit): won after 10 and 20 days,
 * lost after 5, 6 and 100 days (created 2024-01-01, closed on the days after).
 *   won:  mean 15, median (10 + 20) / 2 = 15   (cycle_days, cycle_median_days)
 *   lost: mean (5 + 6 + 100) / 3 = 37, median 6 (lost_cycle_days, lost_cycle_median_days) */
static void test_funnel_cycles(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id rep = fx_staff(db, dept, "Alice");
	static const struct {
		const char *stage;
		int day; /* of January 2024 + 1: closed 2024-01-(1 + days) */
	} closes[] = { { "won", 10 }, { "won", 20 }, { "lost", 5 }, { "lost", 6 }, { "lost", 100 } };
	for (size_t i = 0; i < sizeof(closes) / sizeof(closes[0]); i++) {
		kiscrm_id id = fx_opp(db, "X", rep, cust, 100000, D(2024, 1, 1), "opportunity");
		kiscrm_date closed = D(2024, 1, 1) + closes[i].day;
		int y, m, d;
		kiscrm_date_to_ymd(closed, &y, &m, &d);
		fx_move(db, id, closes[i].stage, y, m, d);
	}
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 12, 31);
	kiscrm_table *t = NULL;
	assert_int_equal(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	size_t last = kiscrm_table_row_count(t) - 1; /* the open-pipeline row */
	assert_true(kiscrm_table_rate(t, last, (size_t)kiscrm_table_column_index(t, "cycle_days")) == 15.0);
	assert_true(kiscrm_table_rate(t, last, (size_t)kiscrm_table_column_index(t, "cycle_median_days")) == 15.0);
	assert_true(kiscrm_table_rate(t, last, (size_t)kiscrm_table_column_index(t, "lost_cycle_days")) == 37.0);
	assert_true(kiscrm_table_rate(t, last, (size_t)kiscrm_table_column_index(t, "lost_cycle_median_days")) == 6.0);
	kiscrm_table_free(t);
}

/* An empty database still lists the stages (no grouping): zeros, NULL rates. */
static void test_funnel_empty(void **state)
{
	kiscrm_db *db = *state;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, NULL));
	assert_int_equal(7, kiscrm_table_row_count(t));
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(0, fx_int(t, i, "count"));
		assert_true(fx_is_null(t, i, "conversion"));
	}
	assert_true(fx_is_null(t, 6, "velocity"));
	kiscrm_table_free(t);
	/* grouped: no group, no row */
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	assert_int_equal(0, kiscrm_table_row_count(t));
	kiscrm_table_free(t);
}

/* --- diagnosis: one owner per shape ----------------------------------------------------- */

static void opps_in(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, const char *stage, int n)
{
	for (int i = 0; i < n; i++)
		fx_opp(db, stage, owner, cust, 100000, D(2024, 1, 1), stage);
}

/* n opportunities created in O on 2024-01-01 and closed to `stage` on 2024-02-01. */
static void opps_closed(kiscrm_db *db, kiscrm_id owner, kiscrm_id cust, const char *stage, int n)
{
	for (int i = 0; i < n; i++) {
		kiscrm_id id = fx_opp(db, stage, owner, cust, 100000, D(2024, 1, 1), "opportunity");
		fx_move(db, id, stage, 2024, 2, 1);
	}
}

/* Thresholds: thin_top_ratio 1.0, bottleneck_ratio 1.5, fat_top_conversion 0.15,
 * bottom_heavy_share 0.6. Counts are O/Dg/S/C of the open opportunities, T their sum.
 *
 * 1 healthy: 4/3/2/1, T 10; bottom (2+1)/10 = 0.3 ≤ 0.6; 4 ≥ 1.0 × (3+2+1)/3 = 2;
 *   no stage > 1.5 × previous; first widest but conversion: entered O = 4 open + 2 won,
 *   to won 2 → 2/6 = 0.333 ≥ 0.15; monotone → healthy.
 * 2 thin: 1/3/3/2, T 9; bottom 5/9 = 0.556 ≤ 0.6; 1 < 1.0 × 8/3 → thin_top.
 * 3 bottleneck: 5/2/4/1, T 12; bottom 5/12; 5 ≥ 7/3; Dg 2 ≤ 7.5; S 4 > 1.5 × 2 = 3 →
 *   bottleneck at design (its conversion 0/5 would also be a fat top: precedence).
 * 4 fat: 6/2/1/1 plus 1 won and 2 lost from O, T 10; bottom 0.2; 6 ≥ 4/3; 2 ≤ 9, 1 ≤ 3,
 *   1 ≤ 1.5; first widest; conversion: entered O 6 + 3 = 9, won 1 → 1/9 < 0.15 → fat top.
 * 5 bottom: 1/1/3/3, T 8; bottom 6/8 = 0.75 > 0.6 → bottom_heavy (also thin: precedence).
 * 6 empty: only a lost one → T 0 → thin_top; conversion 0/1 = 0.
 * 7 mild: 4/3/4/1 plus 1 won, T 12; bottom 5/12; 4 ≥ 8/3; 3 ≤ 6, 4 ≤ 4.5, 1 ≤ 6; first
 *   widest (4 ≥ 4) but conversion 1/5 = 0.2 ≥ 0.15; not monotone (S 4 > Dg 3) → rule 7:
 *   bottleneck at design. */
static void test_diagnosis_shapes(void **state)
{
	kiscrm_db *db = *state;
	kc_analysis *a = fx_analysis(db);
	a->thin_top_ratio = 1.0;
	a->bottleneck_ratio = 1.5;
	a->fat_top_conversion = 0.15;
	a->bottom_heavy_share = 0.6;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	static const struct {
		const char *name;
		int o, dg, s, c, won, lost;
	} shapes[] = {
		{ "1 healthy", 4, 3, 2, 1, 2, 0 }, { "2 thin", 1, 3, 3, 2, 0, 0 },
		{ "3 bottleneck", 5, 2, 4, 1, 0, 0 }, { "4 fat", 6, 2, 1, 1, 1, 2 },
		{ "5 bottom", 1, 1, 3, 3, 0, 0 }, { "6 empty", 0, 0, 0, 0, 0, 1 },
		{ "7 mild", 4, 3, 4, 1, 1, 0 },
	};
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		kiscrm_id owner = fx_staff(db, dept, shapes[i].name);
		opps_in(db, owner, cust, "opportunity", shapes[i].o);
		opps_in(db, owner, cust, "diagnosis", shapes[i].dg);
		opps_in(db, owner, cust, "design", shapes[i].s);
		opps_in(db, owner, cust, "commercial", shapes[i].c);
		opps_closed(db, owner, cust, "won", shapes[i].won);
		opps_closed(db, owner, cust, "lost", shapes[i].lost);
	}
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel_diagnosis(&t, db, &o));
	assert_string_equal("funnel-diagnosis", kiscrm_table_name(t));
	assert_int_equal(7, kiscrm_table_row_count(t));

	assert_text("1 healthy", t, 0, "owner");
	assert_text("healthy", t, 0, "code");
	assert_text(NULL, t, 0, "stage");
	assert_text("保持", t, 0, "remedy_zh");
	assert_text("Keep the rhythm.", t, 0, "remedy_en");
	assert_int_equal(10, fx_int(t, 0, "open_count"));
	assert_rate(2.0 / 6.0, t, 0, "conversion");
	assert_int_equal(4, fx_int(t, 0, "count_opportunity"));
	assert_int_equal(3, fx_int(t, 0, "count_diagnosis"));
	assert_int_equal(2, fx_int(t, 0, "count_design"));
	assert_int_equal(1, fx_int(t, 0, "count_commercial"));

	assert_text("thin_top", t, 1, "code");
	assert_text(NULL, t, 1, "stage");
	assert_non_null(strstr(fx_text(t, 1, "remedy_zh"), "网格化营销"));
	assert_non_null(strstr(fx_text(t, 1, "remedy_zh"), "老客户二次销售"));
	assert_non_null(strstr(fx_text(t, 1, "remedy_en"), "telemarketing"));
	assert_int_equal(9, fx_int(t, 1, "open_count"));
	assert_true(fx_is_null(t, 1, "conversion") == 0);
	assert_rate(0.0, t, 1, "conversion"); /* 1 entered O, none won */

	assert_text("bottleneck", t, 2, "code");
	assert_text("design", t, 2, "stage");
	assert_non_null(strstr(fx_text(t, 2, "remedy_zh"), "流程、资源、辅导"));

	assert_text("fat_top_thin_bottom", t, 3, "code");
	assert_text(NULL, t, 3, "stage");
	assert_rate(1.0 / 9.0, t, 3, "conversion");
	assert_non_null(strstr(fx_text(t, 3, "remedy_zh"), "商机质量、销售技能"));

	assert_text("bottom_heavy", t, 4, "code");
	assert_text("本季度尚可、下季度将不足，需补充前端商机", t, 4, "remedy_zh");
	assert_int_equal(3, fx_int(t, 4, "count_commercial"));

	assert_text("thin_top", t, 5, "code");
	assert_int_equal(0, fx_int(t, 5, "open_count"));
	assert_rate(0.0, t, 5, "conversion");

	assert_text("bottleneck", t, 6, "code");
	assert_text("design", t, 6, "stage");
	assert_rate(0.2, t, 6, "conversion");
	kiscrm_table_free(t);
}

/* The thresholds are read from the configuration: with bottom_heavy_share raised to
 * 0.8, owner "5 bottom" (6/8 = 0.75) is no longer bottom-heavy but thin-topped
 * (1 < 7/3). */
static void test_diagnosis_thresholds(void **state)
{
	kiscrm_db *db = *state;
	kc_analysis *a = fx_analysis(db);
	a->thin_top_ratio = 1.0;
	a->bottleneck_ratio = 1.5;
	a->fat_top_conversion = 0.15;
	a->bottom_heavy_share = 0.8;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id owner = fx_staff(db, dept, "5 bottom");
	opps_in(db, owner, cust, "opportunity", 1);
	opps_in(db, owner, cust, "diagnosis", 1);
	opps_in(db, owner, cust, "design", 3);
	opps_in(db, owner, cust, "commercial", 3);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel_diagnosis(&t, db, NULL));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_text("thin_top", t, 0, "code");
	kiscrm_table_free(t);
}

/* --- qualification ---------------------------------------------------------------------------
 *
 * as_of 2024-03-31, activity_days 30. All open in O.
 *   1 ok       Alice  customer, contact, 1000.00, expected 04-30, activity 03-01 (30 days:
 *                     within) → valid
 *   2 nocontact Alice customer, no contact, 1000.00, 04-30, activity 03-30 → no_contact
 *   3 stale    Alice  all set, activity 02-29 (31 days) → no_recent_activity
 *   4 overdue  Bob    customer, contact, no amount, expected 03-30, no activity →
 *                     no_amount,no_recent_activity,overdue
 *   5 bare     Bob    nothing → no_customer,no_contact,no_amount,no_expected_close,
 *                     no_recent_activity
 *   6 today    Bob    all set, expected = as_of (not before it), activity = as_of → valid
 *   7 closed   Bob    won, no contact nor activity → not open, not counted
 * Alice 1 valid of 3 = 0.3333333333; Bob 1 of 3. */
typedef struct qual {
	kiscrm_id alice, bob;
	kiscrm_id ok, nocontact, stale, overdue, bare, today, closed;
} qual;

static kiscrm_id qual_opp(kiscrm_db *db, const char *name, kiscrm_id owner, kiscrm_id cust, kiscrm_id contact,
			  kiscrm_money amount, kiscrm_date expected, kiscrm_date activity)
{
	kiscrm_id id = fx_opp(db, name, owner, cust, amount, D(2024, 1, 1), "opportunity");
	if (contact)
		fx_set_int(db, id, KISCRM_OPPORTUNITY_CONTACT_ID, contact);
	if (expected == KISCRM_DATE_NONE)
		fx_set_null(db, id, KISCRM_OPPORTUNITY_EXPECTED_CLOSE);
	else
		fx_set_int(db, id, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, expected);
	if (activity != KISCRM_DATE_NONE)
		fx_set_int(db, id, KISCRM_OPPORTUNITY_LAST_ACTIVITY, activity);
	return id;
}

static void build_qual(kiscrm_db *db, qual *s)
{
	fx_analysis(db)->activity_days = 30;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	kiscrm_id contact = fx_contact(db, cust, "Wang");
	s->alice = fx_staff(db, dept, "Alice");
	s->bob = fx_staff(db, dept, "Bob");
	const kiscrm_date none = KISCRM_DATE_NONE;
	s->ok = qual_opp(db, "ok", s->alice, cust, contact, 100000, D(2024, 4, 30), D(2024, 3, 1));
	s->nocontact = qual_opp(db, "nocontact", s->alice, cust, 0, 100000, D(2024, 4, 30), D(2024, 3, 30));
	s->stale = qual_opp(db, "stale", s->alice, cust, contact, 100000, D(2024, 4, 30), D(2024, 2, 29));
	s->overdue = qual_opp(db, "overdue", s->bob, cust, contact, FX_NULL_AMOUNT, D(2024, 3, 30), none);
	s->bare = qual_opp(db, "bare", s->bob, 0, 0, FX_NULL_AMOUNT, none, none);
	s->today = qual_opp(db, "today", s->bob, cust, contact, 100000, D(2024, 3, 31), D(2024, 3, 31));
	s->closed = fx_opp(db, "closed", s->bob, cust, 100000, D(2024, 1, 1), "opportunity");
	fx_set_null(db, s->closed, KISCRM_OPPORTUNITY_LAST_ACTIVITY);
	fx_move(db, s->closed, "won", 2024, 2, 1);
}

static void test_qualification(void **state)
{
	kiscrm_db *db = *state;
	qual s;
	build_qual(db, &s);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	int groups[] = { KISCRM_GROUP_OWNER };
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_qualification(&t, db, &o));
	assert_int_equal(2, kiscrm_table_row_count(t));
	assert_text("Alice", t, 0, "owner");
	assert_int_equal(3, fx_int(t, 0, "open_count"));
	assert_int_equal(1, fx_int(t, 0, "valid_count"));
	assert_rate(1.0 / 3.0, t, 0, "rate");
	assert_text("Bob", t, 1, "owner");
	assert_int_equal(3, fx_int(t, 1, "open_count"));
	assert_int_equal(1, fx_int(t, 1, "valid_count"));
	kiscrm_table_free(t);

	/* no grouping: 2 of 6 */
	o.ngroup = 0;
	assert_rc(KISCRM_OK, kiscrm_report_qualification(&t, db, &o));
	assert_int_equal(1, kiscrm_table_row_count(t));
	assert_int_equal(6, fx_int(t, 0, "open_count"));
	assert_int_equal(2, fx_int(t, 0, "valid_count"));
	assert_rate(2.0 / 6.0, t, 0, "rate");
	kiscrm_table_free(t);

	/* one day later, "ok"'s activity is 31 days old and "today" is overdue: 0 of 6 */
	o.as_of = D(2024, 4, 1);
	assert_rc(KISCRM_OK, kiscrm_report_qualification(&t, db, &o));
	assert_int_equal(0, fx_int(t, 0, "valid_count"));
	kiscrm_table_free(t);
}

static void test_invalid_opportunities(void **state)
{
	kiscrm_db *db = *state;
	qual s;
	build_qual(db, &s);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = D(2024, 3, 31);
	int groups[] = { KISCRM_GROUP_OWNER }; /* ignored by a list */
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_invalid_opportunities(&t, db, &o));
	assert_string_equal("id", kiscrm_table_column_name(t, 0));
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_int_equal(s.nocontact, fx_int(t, 0, "id"));
	assert_text("nocontact", t, 0, "name");
	assert_text("Alice", t, 0, "owner");
	assert_text("opportunity", t, 0, "stage");
	assert_int_equal(100000, fx_int(t, 0, "amount"));
	assert_text("no_contact", t, 0, "reasons");
	assert_int_equal(s.stale, fx_int(t, 1, "id"));
	assert_text("no_recent_activity", t, 1, "reasons");
	assert_int_equal(s.overdue, fx_int(t, 2, "id"));
	assert_text("Bob", t, 2, "owner");
	assert_true(fx_is_null(t, 2, "amount"));
	assert_text("no_amount,no_recent_activity,overdue", t, 2, "reasons");
	assert_int_equal(s.bare, fx_int(t, 3, "id"));
	assert_text("no_customer,no_contact,no_amount,no_expected_close,no_recent_activity", t, 3, "reasons");
	kiscrm_table_free(t);
}

/* --- structure and STQC ---------------------------------------------------------------------
 *
 * Size classes (analysis.yaml): large ≥ 500000.00, medium ≥ 100000.00, else small.
 * Open: P1 600000.00 large, P2 200000.00 medium, P3 150000.00 medium, P4 50000.00 small,
 * P5 10000.00 small; W 900000.00 won (not open). Total open 1010000.00.
 * By size class (sorted by key): large 1, 600000.00, 600/1010; medium 2, 350000.00,
 * 350/1010; small 2, 60000.00, 60/1010; total 5, 1010000.00, 1. */
typedef struct mix {
	kiscrm_id alice, bob;
	kiscrm_id p[5], won;
} mix;

static void build_mix(kiscrm_db *db, mix *s)
{
	kc_analysis *a = fx_analysis(db);
	a->large_min = 50000000;
	a->medium_min = 10000000;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	s->alice = fx_staff(db, dept, "Alice");
	s->bob = fx_staff(db, dept, "Bob");
	static const kiscrm_money amounts[] = { 60000000, 20000000, 15000000, 5000000, 1000000 };
	static const char *const names[] = { "P1", "P2", "P3", "P4", "P5" };
	for (int i = 0; i < 5; i++)
		s->p[i] = fx_opp(db, names[i], i < 2 ? s->alice : s->bob, cust, amounts[i], D(2024, 1, 1),
				 "opportunity");
	s->won = fx_opp(db, "W", s->alice, cust, 90000000, D(2024, 1, 1), "opportunity");
	fx_move(db, s->won, "won", 2024, 2, 1);
}

static void test_structure(void **state)
{
	kiscrm_db *db = *state;
	mix s;
	build_mix(db, &s);
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	int groups[] = { KISCRM_GROUP_SIZE_CLASS };
	o.group_by = groups;
	o.ngroup = 1;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_structure(&t, db, &o));
	assert_int_equal(4, kiscrm_table_row_count(t));
	assert_text("large", t, 0, "size_class");
	assert_int_equal(1, fx_int(t, 0, "count"));
	assert_int_equal(60000000, fx_int(t, 0, "amount"));
	assert_rate(600.0 / 1010.0, t, 0, "share");
	assert_text("medium", t, 1, "size_class");
	assert_int_equal(2, fx_int(t, 1, "count"));
	assert_int_equal(35000000, fx_int(t, 1, "amount"));
	assert_rate(350.0 / 1010.0, t, 1, "share");
	assert_text("small", t, 2, "size_class");
	assert_int_equal(2, fx_int(t, 2, "count"));
	assert_int_equal(6000000, fx_int(t, 2, "amount"));
	assert_rate(60.0 / 1010.0, t, 2, "share");
	assert_int_equal(KISCRM_ROW_TOTAL, kiscrm_table_row_kind(t, 3));
	assert_text(NULL, t, 3, "size_class");
	assert_int_equal(5, fx_int(t, 3, "count"));
	assert_int_equal(101000000, fx_int(t, 3, "amount"));
	assert_rate(1.0, t, 3, "share");
	kiscrm_table_free(t);

	/* by owner: Alice P1 P2 = 800000.00 (800/1010), Bob P3 P4 P5 = 210000.00 */
	groups[0] = KISCRM_GROUP_OWNER;
	assert_rc(KISCRM_OK, kiscrm_report_structure(&t, db, &o));
	assert_int_equal(3, kiscrm_table_row_count(t));
	assert_int_equal(80000000, fx_int(t, 0, "amount"));
	assert_rate(800.0 / 1010.0, t, 0, "share");
	assert_int_equal(3, fx_int(t, 1, "count"));
	assert_int_equal(21000000, fx_int(t, 1, "amount"));
	kiscrm_table_free(t);
}

/* Reviewers (analysis.yaml): large → general_manager 总经理, medium → department_manager
 * 部门经理, small → supervisor 销售主管. */
static void test_stqc(void **state)
{
	kiscrm_db *db = *state;
	mix s;
	build_mix(db, &s);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_stqc(&t, db, NULL));
	assert_string_equal("stqc", kiscrm_table_name(t));
	assert_int_equal(5, kiscrm_table_row_count(t));
	static const char *const size[] = { "large", "medium", "medium", "small", "small" };
	static const char *const role[] = { "general_manager", "department_manager", "department_manager",
					    "supervisor", "supervisor" };
	static const char *const zh[] = { "总经理", "部门经理", "部门经理", "销售主管", "销售主管" };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(s.p[i], fx_int(t, i, "id"));
		assert_text(size[i], t, i, "size_class");
		assert_text(role[i], t, i, "review_role");
		assert_text(zh[i], t, i, "review_role_zh");
	}
	assert_text("P1", t, 0, "name");
	assert_text("Alice", t, 0, "owner");
	assert_text("Bob", t, 2, "owner");
	assert_int_equal(60000000, fx_int(t, 0, "amount"));
	kiscrm_table_free(t);
}

/* --- error paths of every report ------------------------------------------------------------ */

typedef int (*report_fn)(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

static const report_fn all_reports[] = {
	kiscrm_report_funnel, kiscrm_report_funnel_diagnosis, kiscrm_report_qualification,
	kiscrm_report_invalid_opportunities, kiscrm_report_structure, kiscrm_report_stqc,
	kiscrm_report_missing_analysis, kiscrm_report_win_loss, kiscrm_report_win_rate,
	kiscrm_report_stage_win_rates,
};

static void test_errors(void **state)
{
	kiscrm_db *db = *state;
	for (size_t i = 0; i < sizeof(all_reports) / sizeof(all_reports[0]); i++) {
		kiscrm_table *t = (kiscrm_table *)&t; /* must be reset to NULL on failure */
		assert_rc(KISCRM_EINVALID, all_reports[i](NULL, db, NULL));
		assert_msg_has("NULL");
		assert_rc(KISCRM_EINVALID, all_reports[i](&t, NULL, NULL));
		assert_null(t);

		kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
		o.pipeline = "nope";
		assert_rc(KISCRM_ENOTFOUND, all_reports[i](&t, db, &o));
		assert_msg_has("nope");
		assert_null(t);

		o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
		int bad[] = { 99 };
		o.group_by = bad;
		o.ngroup = 1;
		assert_rc(KISCRM_EINVALID, all_reports[i](&t, db, &o));
		assert_msg_has("99");

		o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
		o.from = D(2024, 4, 1);
		o.to = D(2024, 1, 1);
		assert_rc(KISCRM_EINVALID, all_reports[i](&t, db, &o));
		assert_msg_has("empty");

		o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
		o.version = 99;
		assert_rc(KISCRM_EVERSION, all_reports[i](&t, db, &o));
		assert_msg_has("99");

		/* the service pipeline exists and is empty: fine */
		o = (kiscrm_report_options)KISCRM_REPORT_OPTIONS_INIT;
		o.pipeline = "service";
		assert_rc(KISCRM_OK, all_reports[i](&t, db, &o));
		assert_non_null(t);
		kiscrm_table_free(t);
	}
}

/* --- storage failures in the middle of a scan ------------------------------------------------
 * The scan slot of the database's backend is swapped for one that lets `fail_rows` rows of
 * kind `fail_kind` through and then fails like an I/O error. */
static int (*real_scan)(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
			kiscrm_row_cb cb, void *payload);
static int fail_kind, fail_rows;

typedef struct {
	kiscrm_row_cb cb;
	void *payload;
	int seen;
} scan_relay;

static int relay_cb(void *payload, const kiscrm_value *row)
{
	scan_relay *r = payload;
	if (r->seen++ == fail_rows)
		return kiscrm_backend_error(KISCRM_ESTORAGE, "injected read error");
	return r->cb(r->payload, row);
}

static int failing_scan(kiscrm_backend *b, const kiscrm_kind_def *kind, const kiscrm_query *q,
			kiscrm_row_cb cb, void *payload)
{
	if (kind->kind != fail_kind)
		return real_scan(b, kind, q, cb, payload);
	scan_relay r = { cb, payload, 0 };
	return real_scan(b, kind, q, relay_cb, &r);
}

/* Every report fails cleanly (no table, no leak: ASan and valgrind check) when the
 * opportunity scan or the stage-history scan breaks after 3 rows. */
static void test_storage_failure(void **state)
{
	kiscrm_db *db = *state;
	basic s;
	build_basic(db, &s);
	real_scan = db->backend->scan;
	db->backend->scan = failing_scan;
	static const int kinds[] = { KISCRM_KIND_OPPORTUNITY, KISCRM_KIND_STAGE_HISTORY };
	for (size_t k = 0; k < 2; k++) {
		fail_kind = kinds[k];
		fail_rows = 3;
		for (size_t i = 0; i < sizeof(all_reports) / sizeof(all_reports[0]); i++) {
			kiscrm_report_options o = q1_options();
			kiscrm_table *t = NULL;
			int rc = all_reports[i](&t, db, &o);
			if (kinds[k] == KISCRM_KIND_STAGE_HISTORY &&
			    all_reports[i] != kiscrm_report_funnel &&
			    all_reports[i] != kiscrm_report_funnel_diagnosis &&
			    all_reports[i] != kiscrm_report_stage_win_rates) {
				/* reports that do not read the history are not affected */
				assert_rc(KISCRM_OK, rc);
				kiscrm_table_free(t);
				continue;
			}
			assert_rc(KISCRM_ESTORAGE, rc);
			assert_msg_has("injected read error");
			assert_null(t);
		}
	}
	db->backend->scan = real_scan;
}

#define BOTH(name)                                                                            \
	cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	BOTH(test_funnel_golden),
	BOTH(test_funnel_by_owner),
	BOTH(test_funnel_unbounded),
	BOTH(test_funnel_zh_and_filter),
	BOTH(test_funnel_revisits),
	BOTH(test_funnel_unordered_history),
	BOTH(test_funnel_history_orders),
	BOTH(test_funnel_sparse_ids),
	BOTH(test_funnel_empty),
	BOTH(test_funnel_cycles),
	BOTH(test_diagnosis_shapes),
	BOTH(test_diagnosis_thresholds),
	BOTH(test_qualification),
	BOTH(test_invalid_opportunities),
	BOTH(test_structure),
	BOTH(test_stqc),
	BOTH(test_errors),
	BOTH(test_storage_failure),
};

int main(void)
{
	int failed = kc_test_run_both(tests);
	return failed;
}

/* Working memory a handle keeps between reports (core/scratch.h, kiscrm_db_keep_memory).
 *
 * First the pool itself, case by case. Then the reports that take their large arrays
 * from it: a report given the blocks a bigger report left (full of that report's figures)
 * must compute exactly what it computes from fresh memory. The handle's pool is made to
 * keep blocks of any size, so that a scenario of a few deals goes through the same paths
 * as a million. */
#include "helpers.h"
#include "funnel_fixtures.h"
#include "core/scratch.h"
#include "storage/db.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const char site_a, site_b;

#define KIB ((size_t)1024)

/* A malloc'd block of n KiB whose first byte says which it is. */
static void *block(size_t kib, char tag)
{
	char *p = malloc(kib * KIB);
	assert_non_null(p);
	p[0] = tag;
	return p;
}

static void test_pool_round_trip(void **state)
{
	(void)state;
	kc_scratch s;
	kc_scratch_init(&s);
	size_t bytes = 99;
	assert_null(kc_scratch_take(&s, &site_a, 0, &bytes)); /* nothing kept yet */
	assert_int_equal(0, bytes);
	void *a = block(512, 'a');
	kc_scratch_keep(&s, &site_a, 0, a, 512 * KIB);
	assert_int_equal(512 * KIB, s.held);
	/* another index or site is another block */
	assert_null(kc_scratch_take(&s, &site_a, 1, &bytes));
	assert_null(kc_scratch_take(&s, &site_b, 0, &bytes));
	assert_ptr_equal(a, kc_scratch_take(&s, &site_a, 0, &bytes));
	assert_int_equal(512 * KIB, bytes);
	assert_int_equal(0, s.held);
	assert_null(kc_scratch_take(&s, &site_a, 0, &bytes)); /* taken: no longer kept */
	/* small blocks are not kept (malloc reuses them without fresh pages) */
	kc_scratch_keep(&s, &site_a, 0, a, KC_SCRATCH_MIN - 1);
	assert_int_equal(0, s.n);
	kc_scratch_keep(&s, &site_a, 0, NULL, 0); /* nothing to keep */
	assert_int_equal(0, s.n);
	kc_scratch_dispose(&s);
}

/* Limit 1 MiB: blocks of 512, 512 and 256 KiB fit (1,280 > 1,024 makes the first go). */
static void test_pool_limit_frees_oldest(void **state)
{
	(void)state;
	kc_scratch s;
	kc_scratch_init(&s);
	kc_scratch_set_limit(&s, 1024 * KIB);
	size_t bytes;
	void *b = block(512, 'b'), *c = block(256, 'c');
	kc_scratch_keep(&s, &site_a, 0, block(512, 'a'), 512 * KIB);
	kc_scratch_keep(&s, &site_a, 1, b, 512 * KIB);
	assert_int_equal(1024 * KIB, s.held);
	kc_scratch_keep(&s, &site_a, 2, c, 256 * KIB); /* the oldest, index 0, makes room */
	assert_int_equal(768 * KIB, s.held);
	assert_null(kc_scratch_take(&s, &site_a, 0, &bytes));
	assert_ptr_equal(b, kc_scratch_take(&s, &site_a, 1, &bytes));
	kc_scratch_keep(&s, &site_a, 1, b, 512 * KIB);
	/* a block above the limit is freed, the others stay */
	kc_scratch_keep(&s, &site_b, 0, block(2048, 'x'), 2048 * KIB);
	assert_int_equal(768 * KIB, s.held);
	assert_int_equal(2, s.n);
	/* one block per key: the newest */
	void *d = block(300, 'd');
	kc_scratch_keep(&s, &site_a, 2, d, 300 * KIB);
	assert_int_equal(812 * KIB, s.held);
	assert_ptr_equal(d, kc_scratch_take(&s, &site_a, 2, &bytes));
	assert_int_equal(300 * KIB, bytes);
	free(d);
	/* lowering the limit frees the oldest first; 0 frees everything */
	kc_scratch_keep(&s, &site_b, 1, block(256, 'e'), 256 * KIB);
	kc_scratch_set_limit(&s, 300 * KIB);
	assert_int_equal(1, s.n); /* b went first; only the newest, e, fits */
	assert_int_equal(256 * KIB, s.held);
	char *e = kc_scratch_take(&s, &site_b, 1, &bytes);
	assert_non_null(e);
	assert_int_equal('e', e[0]);
	kc_scratch_keep(&s, &site_b, 1, e, bytes);
	kc_scratch_set_limit(&s, 0);
	assert_int_equal(0, s.n);
	assert_int_equal(0, s.held);
	kc_scratch_keep(&s, &site_b, 1, block(256, 'f'), 256 * KIB); /* keeps none now */
	assert_int_equal(0, s.n);
	kc_scratch_dispose(&s);
}

/* kc_scratch_get: the kept block when it is big enough, else a fresh one of the size
 * asked (the small one freed); NULL pool: plain malloc, and keep frees. */
static void test_pool_get(void **state)
{
	(void)state;
	kc_scratch s;
	kc_scratch_init(&s);
	size_t bytes;
	void *a = block(512, 'a');
	kc_scratch_keep(&s, &site_a, 0, a, 512 * KIB);
	assert_ptr_equal(a, kc_scratch_get(&s, &site_a, 0, 100 * KIB, &bytes));
	assert_int_equal(512 * KIB, bytes);
	kc_scratch_keep(&s, &site_a, 0, a, bytes);
	void *big = kc_scratch_get(&s, &site_a, 0, 600 * KIB, &bytes);
	assert_non_null(big);
	assert_int_equal(600 * KIB, bytes);
	assert_int_equal(0, s.n); /* the 512 KiB block was freed, not kept */
	memset(big, 1, bytes);     /* all of it usable (ASan checks) */
	kc_scratch_keep(NULL, &site_a, 0, big, bytes);
	void *p = kc_scratch_get(NULL, &site_a, 0, 0, &bytes);
	assert_non_null(p);
	assert_int_equal(1, bytes);
	free(p);
	kc_scratch_dispose(&s);
}

/* ---- reports on a handle that keeps their arrays ------------------------------------ */

/* Alice: five deals created 2024-01-01, won after 10 and 20 days, lost after 5, 6 and 100.
 * Bob: three, won after 40 and 60 days, lost after 30; and one still open.
 * Everyone's closes: won 10 20 40 60 → mean 32.5, median 30;
 *                    lost 5 6 30 100 → mean 35.25, median (6 + 30) / 2 = 18.
 * Alice's alone (test_funnel's cycles): won mean 15, median 15; lost mean 37, median 6. */
typedef struct {
	kiscrm_id alice, bob;
} people;

static people seed(kiscrm_db *db)
{
	static const struct {
		int bob;
		const char *stage;
		int days;
	} deals[] = { { 0, "won", 10 },  { 0, "won", 20 }, { 0, "lost", 5 }, { 0, "lost", 6 },
		      { 0, "lost", 100 }, { 1, "won", 40 }, { 1, "won", 60 }, { 1, "lost", 30 } };
	people p;
	kiscrm_id dept = fx_department(db, "Sales");
	kiscrm_id cust = fx_customer(db, "Acme Ltd");
	p.alice = fx_staff(db, dept, "Alice");
	p.bob = fx_staff(db, dept, "Bob");
	for (size_t i = 0; i < sizeof(deals) / sizeof(deals[0]); i++) {
		kiscrm_id id = fx_opp(db, "X", deals[i].bob ? p.bob : p.alice, cust, 100000 * (kiscrm_money)(i + 1),
				      fx_date(2024, 1, 1), "opportunity");
		int y, m, d;
		kiscrm_date closed = fx_date(2024, 1, 1) + deals[i].days;
		kiscrm_date_to_ymd(closed, &y, &m, &d);
		fx_set_int(db, id, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, closed); /* for the budget */
		fx_move(db, id, "diagnosis", 2024, 1, 2);
		fx_move(db, id, deals[i].stage, y, m, d);
	}
	kiscrm_id open = fx_opp(db, "Y", p.bob, cust, 700000, fx_date(2024, 1, 1), "opportunity");
	fx_set_int(db, open, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, fx_date(2024, 2, 20));
	fx_move(db, open, "diagnosis", 2024, 1, 5);
	return p;
}

static kiscrm_table *funnel(kiscrm_db *db, kiscrm_id owner)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = fx_date(2024, 12, 31);
	o.owner_id = owner;
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_funnel(&t, db, &o));
	return t;
}

static void assert_cycles(const kiscrm_table *t, double won, double won_median, double lost,
			  double lost_median)
{
	size_t last = kiscrm_table_row_count(t) - 1; /* the open-pipeline row */
	assert_true(fx_rate(t, last, "cycle_days") == won);
	assert_true(fx_rate(t, last, "cycle_median_days") == won_median);
	assert_true(fx_rate(t, last, "lost_cycle_days") == lost);
	assert_true(fx_rate(t, last, "lost_cycle_median_days") == lost_median);
}

static char *csv_of(kiscrm_table *t)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&b, t));
	kiscrm_table_free(t);
	return b.ptr;
}

static void test_funnel_reuses_kept_arrays(void **state)
{
	kiscrm_db *db = *state;
	people p = seed(db);
	db->scratch->min = 1; /* keep every block, however small */
	kiscrm_table *t = funnel(db, 0);
	assert_cycles(t, 32.5, 30, 35.25, 18);
	/* the diagnosis stage: entered by all nine; stays of the eight closed deals */
	assert_int_equal(9, fx_int(t, 1, "entered"));
	char *all = csv_of(t);
	assert_true(db->scratch->held > 0); /* the funnel's arrays were kept */
	/* Alice's funnel on the arrays that hold everyone's figures */
	t = funnel(db, p.alice);
	assert_cycles(t, 15, 15, 37, 6);
	assert_int_equal(5, fx_int(t, 1, "entered"));
	char *alice = csv_of(t);
	/* and everyone's again on the arrays Alice's left */
	char *again = csv_of(funnel(db, 0));
	assert_string_equal(all, again);
	/* nothing kept: the same tables */
	assert_rc(KISCRM_OK, kiscrm_db_keep_memory(db, 0));
	assert_int_equal(0, db->scratch->held);
	char *fresh = csv_of(funnel(db, p.alice));
	assert_int_equal(0, db->scratch->n);
	assert_string_equal(alice, fresh);
	free(all);
	free(alice);
	free(again);
	free(fresh);
}

/* The rolling budget's arrays: the budget of a later week (more deals closed, fewer
 * projects) and a summary by person computed on the blocks of the full budget equal
 * those computed from fresh memory. */
static char *rolling(kiscrm_db *db, int detail, kiscrm_date as_of)
{
	static const int by_owner[] = { KISCRM_GROUP_OWNER };
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = as_of;
	if (!detail) {
		o.group_by = by_owner;
		o.ngroup = 1;
	}
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, detail ? kiscrm_report_rolling_budget(&t, db, &o)
				    : kiscrm_report_rolling_summary(&t, db, &o));
	return csv_of(t);
}

static void test_budget_reuses_kept_arrays(void **state)
{
	kiscrm_db *db = *state;
	seed(db);
	kiscrm_date early = fx_date(2024, 1, 3), late = fx_date(2024, 2, 14);
	char *fresh[3];
	assert_rc(KISCRM_OK, kiscrm_db_keep_memory(db, 0));
	fresh[0] = rolling(db, 1, early);
	fresh[1] = rolling(db, 1, late);
	fresh[2] = rolling(db, 0, late);
	assert_int_equal(0, db->scratch->n);
	assert_rc(KISCRM_OK, kiscrm_db_keep_memory(db, 64 * KIB * KIB));
	db->scratch->min = 1;
	char *first = rolling(db, 1, early);
	assert_true(db->scratch->held > 0);
	char *later = rolling(db, 1, late);
	char *summary = rolling(db, 0, late);
	assert_string_equal(fresh[0], first);
	assert_string_equal(fresh[1], later);
	assert_string_equal(fresh[2], summary);
	/* the early week has the open deal and the ones closing from 01-06 on */
	assert_true(strcmp(fresh[0], fresh[1]) != 0);
	for (int i = 0; i < 3; i++)
		free(fresh[i]);
	free(first);
	free(later);
	free(summary);
}

/* The tables' cells: the seeded handle keeping blocks of any size, its full budget of
 * 2024-01-03, and a table's CSV without freeing it. */
static kiscrm_table *full_budget(kiscrm_db *db)
{
	kiscrm_report_options o = KISCRM_REPORT_OPTIONS_INIT;
	o.as_of = fx_date(2024, 1, 3);
	kiscrm_table *t = NULL;
	assert_rc(KISCRM_OK, kiscrm_report_rolling_budget(&t, db, &o));
	return t;
}

static kiscrm_db *seeded_keeping_all(void **state)
{
	kiscrm_db *db = *state;
	seed(db);
	db->scratch->min = 1;
	return db;
}

static char *csv_kept(const kiscrm_table *t)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_rc(KISCRM_OK, kiscrm_table_write_csv(&b, t));
	return b.ptr;
}

/* A full budget's table takes its cells from the pool and gives them back when freed:
 * two more blocks (values and tags) of at least 9 bytes a cell; the next table of that
 * size takes them again. */
static void test_table_cells_go_back(void **state)
{
	kiscrm_db *db = seeded_keeping_all(state);
	kiscrm_table *t = full_budget(db);
	size_t cells = kiscrm_table_row_count(t) * kiscrm_table_column_count(t);
	assert_true(cells > 0);
	size_t n = db->scratch->n, held = db->scratch->held;
	kiscrm_table_free(t);
	assert_int_equal(n + 2, db->scratch->n);
	assert_true(db->scratch->held >= held + 9 * cells);
	t = full_budget(db);
	assert_int_equal(n, db->scratch->n); /* taken again */
	kiscrm_table_free(t);
}

/* A table outlives its handle: its cells stay readable, and freeing it last frees the
 * pool (valgrind and ASan see a leak or a use after free otherwise). */
static void test_table_outlives_handle(void **state)
{
	kiscrm_db *db = seeded_keeping_all(state);
	*state = NULL; /* freed here, not by the teardown */
	kiscrm_table *t = full_budget(db);
	char *before = csv_kept(t);
	kiscrm_db_free(db);
	char *after = csv_of(t); /* read, then freed: the pool goes with it */
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* Tables freed on another thread while the handle runs reports on this one: the pool's
 * lock keeps its list whole (ASan, valgrind). Every budget is the same table. */
#define ROUNDS 40

typedef struct freer {
	kiscrm_table *t[ROUNDS];
	int n;
	pthread_mutex_t lock;
} freer;

static void *free_tables(void *arg)
{
	freer *f = arg;
	for (int freed = 0; freed < ROUNDS;) {
		pthread_mutex_lock(&f->lock);
		kiscrm_table *t = freed < f->n ? f->t[freed] : NULL;
		pthread_mutex_unlock(&f->lock);
		if (t) {
			kiscrm_table_free(t);
			freed++;
		}
	}
	return NULL;
}

static void test_tables_freed_on_another_thread(void **state)
{
	kiscrm_db *db = seeded_keeping_all(state);
	kiscrm_table *t = full_budget(db);
	char *first = csv_of(t);
	freer f;
	memset(&f, 0, sizeof(f));
	pthread_mutex_init(&f.lock, NULL);
	pthread_t th;
	assert_int_equal(0, pthread_create(&th, NULL, free_tables, &f));
	for (int i = 0; i < ROUNDS; i++) {
		t = full_budget(db);
		char *csv = csv_kept(t);
		assert_string_equal(first, csv);
		free(csv);
		pthread_mutex_lock(&f.lock);
		f.t[f.n++] = t;
		pthread_mutex_unlock(&f.lock);
	}
	assert_int_equal(0, pthread_join(th, NULL));
	pthread_mutex_destroy(&f.lock);
	free(first);
}

static void test_keep_memory_bad_input(void **state)
{
	(void)state;
	assert_int_equal(KISCRM_EINVALID, kiscrm_db_keep_memory(NULL, 1));
	assert_non_null(strstr(kiscrm_error_last()->message, "db is NULL"));
}

#define BOTH(name) cmocka_unit_test_setup_teardown(name, kc_test_db_setup, kc_test_db_teardown)

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_pool_round_trip),
	cmocka_unit_test(test_pool_limit_frees_oldest),
	cmocka_unit_test(test_pool_get),
	cmocka_unit_test(test_keep_memory_bad_input),
	BOTH(test_funnel_reuses_kept_arrays),
	BOTH(test_budget_reuses_kept_arrays),
	BOTH(test_table_cells_go_back),
	BOTH(test_table_outlives_handle),
	BOTH(test_tables_freed_on_another_thread),
};

int main(void)
{
	return kc_test_run_on_backends(tests, sizeof(tests) / sizeof(tests[0]));
}

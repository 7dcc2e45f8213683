/* PostgreSQL scans in batches (src/backends/postgres/cursor.c), with a batch of 7 rows
 * (KISCRM_PG_BATCH, the testing knob) on 100 rows: every row comes once and in id order,
 * inside a transaction (a cursor) and outside one (keyset pages); callbacks read, update
 * and insert between batches and start scans of their own; a scan stopped early, in a
 * batch or at its end, or failing in a nested call leaves nothing open behind it; a
 * result never holds more than a batch and one row. Runs only with KISCRM_TEST_PG. */
#include "helpers.h"
#include "kiscrm/sys/backend.h"
#include "backends/postgres/postgres.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 7
#define NROWS 100

enum { F_ID, F_N, F_NOTE, NFIELDS };

static const kiscrm_field_def item_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "n", KISCRM_TYPE_INT, KISCRM_FIELD_INDEXED, 0 },
	{ "note", KISCRM_TYPE_TEXT, 0, 0 },
};
static const kiscrm_kind_def item_kind = { 1, "ps_item", NFIELDS, item_fields };
static const kiscrm_kind_def *const kinds[] = { &item_kind };
static const kiscrm_schema schema = { 1, 1, kinds };

typedef struct fixture {
	kiscrm_backend *b;
	char conn[1024];
} fixture;

/* A backend on a fresh schema with @batch rows per batch. */
static kiscrm_backend *open_backend(fixture *f, const char *batch)
{
	kiscrm_backend *b = NULL;
	setenv("KISCRM_PG_BATCH", batch, 1);
	assert_rc(KISCRM_OK, kc_backend_postgres_new(&b, f->conn));
	setenv("KISCRM_PG_BATCH", "7", 1);
	assert_rc(KISCRM_OK, b->open(b, &schema));
	return b;
}

static kiscrm_value vint(int64_t i)
{
	kiscrm_value v = { KISCRM_TYPE_INT, { .i = i } };
	return v;
}

static kiscrm_value vtext(const char *s)
{
	kiscrm_value v = { KISCRM_TYPE_TEXT, { .s = s } };
	return v;
}

static kiscrm_id put(kiscrm_backend *b, int64_t n, const char *note)
{
	kiscrm_value row[NFIELDS] = { { KISCRM_TYPE_NULL, { 0 } }, vint(n), vtext(note) };
	kiscrm_id id = 0;
	assert_rc(KISCRM_OK, b->insert(b, &item_kind, row, &id));
	return id;
}

/* NROWS rows, ids 1..NROWS, n = id % 10, inserted in one transaction (queued). */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f || kc_test_pg_fresh(f->conn, sizeof(f->conn)) != 0) {
		free(f);
		return -1;
	}
	f->b = open_backend(f, "7");
	assert_rc(KISCRM_OK, f->b->begin(f->b));
	for (int i = 1; i <= NROWS; i++)
		assert_true(put(f->b, i % 10, "new") == i);
	assert_rc(KISCRM_OK, f->b->commit(f->b));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	f->b->free(f->b);
	free(f);
	return 0;
}

/* ---- what a scan saw ---- */

typedef struct visit visit;
typedef int (*visit_fn)(visit *v, const kiscrm_value *row);

struct visit {
	kiscrm_backend *b;
	int64_t last;  /* id of the row seen last */
	int n;         /* rows seen */
	int in_order;  /* every id greater than the one before */
	int stop_at;   /* stop at the stop_at-th row with stop_rc (0: never) */
	int stop_rc;
	visit_fn each; /* run for every row (NULL: nothing) */
};

static int visit_cb(void *payload, const kiscrm_value *row)
{
	visit *v = payload;
	if (row[F_ID].u.i <= v->last)
		v->in_order = 0;
	v->last = row[F_ID].u.i;
	v->n++;
	if (v->each) {
		int rc = v->each(v, row);
		if (rc)
			return rc;
	}
	return v->stop_at && v->n == v->stop_at ? v->stop_rc : 0;
}

static int scan(kiscrm_backend *b, const kiscrm_query *q, visit *v)
{
	v->b = b;
	v->last = 0;
	v->n = 0;
	v->in_order = 1;
	return b->scan(b, &item_kind, q, visit_cb, v);
}

/* A scan of all rows, which must see ids 1..@nrows once each, in order. */
static void expect_all(kiscrm_backend *b, int nrows)
{
	visit v = { 0 };
	assert_rc(KISCRM_OK, scan(b, NULL, &v));
	assert_int_equal(v.n, nrows);
	assert_true(v.in_order);
	assert_true(v.last == nrows);
}

/* ---- cases ---- */

/* Whole scans, filtered scans (conditions with and without parameters) and counts, in
 * autocommit (keyset pages) and in a transaction (a cursor). */
static void test_every_row_once(void **state)
{
	kiscrm_backend *b = ((fixture *)*state)->b;
	kiscrm_cond c[2];
	memset(c, 0, sizeof(c));
	c[0].field = F_N;
	c[0].op = KISCRM_OP_LT;
	c[0].value = vint(5); /* n 0..4: 50 rows */
	c[1].field = F_NOTE;
	c[1].op = KISCRM_OP_NE;
	c[1].value.type = KISCRM_TYPE_NULL; /* IS NOT NULL: a condition without a parameter */
	kiscrm_query q = { 2, c, 0 };
	for (int tx = 0; tx < 2; tx++) {
		if (tx)
			assert_rc(KISCRM_OK, b->begin(b));
		expect_all(b, NROWS);
		visit v = { 0 };
		assert_rc(KISCRM_OK, scan(b, &q, &v));
		assert_int_equal(v.n, 50);
		assert_true(v.in_order);
		q.ncond = 1;
		assert_rc(KISCRM_OK, scan(b, &q, &v));
		assert_int_equal(v.n, 50);
		q.ncond = 2;
		/* exactly one batch and one row: the first result alone would not be all */
		c[0].value = vint(1);
		int64_t count = 0;
		assert_rc(KISCRM_OK, b->count(b, &item_kind, &q, &count));
		assert_rc(KISCRM_OK, scan(b, &q, &v));
		assert_int_equal(v.n, 10);
		assert_true(count == 10);
		c[0].value = vint(5);
		if (tx)
			assert_rc(KISCRM_OK, b->commit(b));
	}
	assert_true(kc_backend_postgres_largest_result(b) <= BATCH + 1);
}

/* Between batches, a callback scans the kind again (a nested scan of its own, batched
 * too), updates the row it visits and inserts another. The outer scan still sees each
 * of the rows it started with once, in order, and not the rows inserted meanwhile. */
static int nested_work(visit *v, const kiscrm_value *row)
{
	int64_t id = row[F_ID].u.i;
	if (id > NROWS || (id % BATCH != 0 && id != 10))
		return 0;
	visit inner = { 0 };
	int rc = scan(v->b, NULL, &inner);
	if (rc)
		return rc;
	if (!inner.in_order || inner.n < NROWS)
		return KISCRM_EUSER;
	kiscrm_value upd[NFIELDS] = { row[F_ID], row[F_N], vtext("seen") };
	if ((rc = v->b->update(v->b, &item_kind, upd)) != 0)
		return rc;
	kiscrm_value ins[NFIELDS] = { { KISCRM_TYPE_NULL, { 0 } }, vint(-1), vtext("added") };
	kiscrm_id nid;
	return v->b->insert(v->b, &item_kind, ins, &nid);
}

static int64_t count_note(kiscrm_backend *b, const char *note)
{
	kiscrm_cond c;
	memset(&c, 0, sizeof(c));
	c.field = F_NOTE;
	c.op = KISCRM_OP_EQ;
	c.value = vtext(note);
	kiscrm_query q = { 1, &c, 0 };
	int64_t n = -1;
	assert_rc(KISCRM_OK, b->count(b, &item_kind, &q, &n));
	return n;
}

static void test_nested_between_batches(void **state)
{
	kiscrm_backend *b = ((fixture *)*state)->b;
	int visits = NROWS / BATCH + 1; /* ids 7, 14, …, 98 and 10 */
	for (int tx = 0; tx < 2; tx++) {
		visit v = { 0 };
		v.each = nested_work;
		if (tx)
			assert_rc(KISCRM_OK, b->begin(b));
		/* the second time, the rows the first one added are there from the start */
		assert_rc(KISCRM_OK, scan(b, NULL, &v));
		assert_int_equal(v.n, NROWS + tx * visits);
		assert_true(v.in_order);
		if (tx)
			assert_rc(KISCRM_OK, b->commit(b));
		assert_int_equal(count_note(b, "added"), (tx + 1) * visits);
	}
	assert_int_equal(count_note(b, "seen"), visits);
	assert_true(kc_backend_postgres_largest_result(b) <= BATCH + 1);
}

/* Stopped in the middle of a batch or at its end (of the first result and of a later
 * batch), the scan returns the callback's value, and the same scan runs again at once:
 * no cursor is left open under its name. */
static void test_early_stop(void **state)
{
	kiscrm_backend *b = ((fixture *)*state)->b;
	static const int stops[] = { 3, BATCH, BATCH + 3, 2 * BATCH, NROWS - 1 };
	for (int tx = 0; tx < 2; tx++) {
		if (tx)
			assert_rc(KISCRM_OK, b->begin(b));
		for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
			visit v = { 0 };
			v.stop_at = stops[i];
			v.stop_rc = i % 2 ? KISCRM_EUSER : 42;
			assert_int_equal(scan(b, NULL, &v), v.stop_rc);
			assert_int_equal(v.n, stops[i]);
			expect_all(b, NROWS);
		}
		if (tx)
			assert_rc(KISCRM_OK, b->commit(b));
	}
}

/* A nested call the server refuses (text that is not UTF-8) at the 10th row: the scan
 * returns its error. In a transaction the server aborted it, so the cursor cannot be
 * closed and is dropped by the rollback; outside one the writes before stay. Either
 * way the next scan works. */
static int refused_write(visit *v, const kiscrm_value *row)
{
	if (row[F_ID].u.i == 5)
		return v->b->update(v->b, &item_kind, (kiscrm_value[NFIELDS]){ row[F_ID], row[F_N], vtext("kept") });
	if (row[F_ID].u.i != 10)
		return 0;
	kiscrm_id nid;
	return v->b->insert(v->b, &item_kind,
			    (kiscrm_value[NFIELDS]){ { KISCRM_TYPE_NULL, { 0 } }, vint(0), vtext("bad \xff") },
			    &nid);
}

static void test_nested_error(void **state)
{
	kiscrm_backend *b = ((fixture *)*state)->b;
	for (int tx = 1; tx >= 0; tx--) {
		visit v = { 0 };
		v.each = refused_write;
		if (tx)
			assert_rc(KISCRM_OK, b->begin(b));
		assert_int_equal(scan(b, NULL, &v), KISCRM_ESTORAGE);
		assert_int_equal(v.n, 10);
		if (tx) {
			assert_rc(KISCRM_OK, b->rollback(b));
			assert_int_equal(count_note(b, "kept"), 0);
			assert_rc(KISCRM_OK, b->begin(b));
			expect_all(b, NROWS);
			assert_rc(KISCRM_OK, b->commit(b));
		} else {
			assert_int_equal(count_note(b, "kept"), 1);
			expect_all(b, NROWS);
		}
	}
}

/* A scan of 200,000 rows with batches of 1,000: no result holds more than a batch and
 * one row, whatever the table's size (client memory stays bounded). */
static void test_large_scan_bounded(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = open_backend(f, "1000");
	PGconn *c = PQconnectdb(f->conn);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *res = PQexec(c, "INSERT INTO ps_item (id, n, note) SELECT g, g % 10, 'bulk' "
				  "FROM generate_series(101, 200000) g");
	assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(c);
	for (int tx = 0; tx < 2; tx++) {
		if (tx)
			assert_rc(KISCRM_OK, b->begin(b));
		expect_all(b, 200000);
		if (tx)
			assert_rc(KISCRM_OK, b->commit(b));
	}
	assert_int_equal(kc_backend_postgres_largest_result(b), 1001);
	b->free(b);
}

/* Through the public API: the iterator and kiscrm_db_transact() see every record of a
 * kind larger than a batch, and a unit of work writes to each as it goes. */
static int rename_all(kiscrm_db *db, void *payload)
{
	(void)payload;
	kiscrm_iter *it = NULL;
	const kiscrm_record *r = NULL;
	int rc = kiscrm_iter_new(&it, db, KISCRM_KIND_CUSTOMER, NULL);
	while (!rc && (rc = kiscrm_iter_next(&r, it)) == KISCRM_OK) {
		kiscrm_id id = kiscrm_record_id(r);
		rc = kc_test_update_text(db, KISCRM_KIND_CUSTOMER, id, KISCRM_CUSTOMER_SHORT_NAME, "renamed");
	}
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? KISCRM_OK : rc;
}

static void test_public_api(void **state)
{
	(void)state;
	kiscrm_db *db = kc_test_db_open(NULL);
	assert_non_null(db);
	char name[32];
	kiscrm_id ids[30];
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "customer %d", i);
		ids[i] = kc_test_customer(db, name);
	}
	assert_int_equal(kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL), 30);
	assert_rc(KISCRM_OK, kiscrm_db_transact(db, rename_all, NULL, NULL));
	assert_int_equal(kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL), 30);
	for (int i = 0; i < 30; i++) {
		kiscrm_record *r = kc_test_get(db, KISCRM_KIND_CUSTOMER, ids[i]);
		kc_test_assert_text(r, KISCRM_CUSTOMER_SHORT_NAME, "renamed");
		kiscrm_record_free(r);
	}
	kiscrm_db_free(db);
}

int main(void)
{
	if (!kc_test_pg_conninfo())
		return 0;
	setenv("KISCRM_PG_BATCH", "7", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_row_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_between_batches, setup, teardown),
		cmocka_unit_test_setup_teardown(test_early_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_scan_bounded, setup, teardown),
		cmocka_unit_test(test_public_api),
	};
	int failed = _cmocka_run_group_tests("postgresql", tests, sizeof(tests) / sizeof(tests[0]),
					     kc_test_group_postgresql, NULL);
	kc_test_pg_cleanup();
	return failed ? 1 : 0;
}

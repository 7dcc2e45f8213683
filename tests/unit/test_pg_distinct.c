/* Distinct values of grouped fields on PostgreSQL (src/backends/postgres/loose.c): the
 * backend keeps an index over a kind's KISCRM_FIELD_GROUPED fields and walks it for the
 * distinct values of a leading part of them. The walk gives what SELECT DISTINCT gives
 * (NULL and the empty text apart, at both levels), sees the transaction's own rows, stops
 * when the callback says so, and is not used where the index cannot answer (a field that
 * does not lead, a condition). Runs only with KISCRM_TEST_PG. */
#include "helpers.h"
#include "kiscrm/sys/backend.h"
#include "backends/postgres/postgres.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_ID, F_REGION, F_SIZE, F_NOTE, NFIELDS };

static const kiscrm_field_def item_fields[] = {
	{ "id", KISCRM_TYPE_INT, 0, 0 },
	{ "region", KISCRM_TYPE_TEXT, KISCRM_FIELD_GROUPED, 0 },
	{ "size", KISCRM_TYPE_INT, KISCRM_FIELD_GROUPED, 0 },
	{ "note", KISCRM_TYPE_TEXT, 0, 0 },
};
static const kiscrm_kind_def item_kind = { 1, "pd_item", NFIELDS, item_fields };
static const kiscrm_kind_def *const kinds[] = { &item_kind };
static const kiscrm_schema schema = { 1, 1, kinds };

#define BIT(f) (UINT64_C(1) << (f))
#define MAXSEEN 64

typedef struct fixture {
	kiscrm_backend *b;
	char conn[1024];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f || kc_test_pg_fresh(f->conn, sizeof(f->conn)) != 0) {
		free(f);
		return -1;
	}
	assert_rc(KISCRM_OK, kc_backend_postgres_new(&f->b, f->conn));
	assert_rc(KISCRM_OK, f->b->open(f->b, &schema));
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

/* Runs @sql on a connection of its own; returns the result (the caller clears it). */
static PGresult *sql(const fixture *f, const char *text)
{
	PGconn *c = PQconnectdb(f->conn);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *res = PQexec(c, text);
	int st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQerrorMessage(c));
	PQfinish(c);
	return res;
}

static void put(kiscrm_backend *b, const char *region, int64_t size)
{
	kiscrm_value row[NFIELDS];
	memset(row, 0, sizeof(row));
	if (region) {
		row[F_REGION].type = KISCRM_TYPE_TEXT;
		row[F_REGION].u.s = region;
	}
	if (size >= 0) {
		row[F_SIZE].type = KISCRM_TYPE_INT;
		row[F_SIZE].u.i = size;
	}
	kiscrm_id id;
	assert_rc(KISCRM_OK, b->insert(b, &item_kind, row, &id));
}

/* ---- what the distinct values were ---- */

typedef struct seen {
	char v[MAXSEEN][64];
	int n;
	int stop_at, stop_rc; /* return stop_rc at the stop_at-th combination (0: never) */
	int bad;              /* a field that is not wanted was not NULL */
	uint64_t want;
} seen;

static void describe(char *out, size_t size, const kiscrm_value *region, const kiscrm_value *sz)
{
	char r[24], s[24];
	snprintf(r, sizeof(r), "%s", region->type == KISCRM_TYPE_TEXT ? region->u.s : "NULL");
	if (sz->type == KISCRM_TYPE_INT)
		snprintf(s, sizeof(s), "%lld", (long long)sz->u.i);
	else
		snprintf(s, sizeof(s), "NULL");
	snprintf(out, size, "[%s]|%s", r, s);
}

static int seen_cb(void *payload, const kiscrm_value *row)
{
	seen *s = payload;
	for (int i = 0; i < NFIELDS; i++)
		if (!(s->want & BIT(i)) && row[i].type != KISCRM_TYPE_NULL)
			s->bad = 1;
	assert_true(s->n < MAXSEEN);
	describe(s->v[s->n], sizeof(s->v[0]), &row[F_REGION], &row[F_SIZE]);
	s->n++;
	return s->stop_at && s->n == s->stop_at ? s->stop_rc : 0;
}

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The distinct combinations of @columns (sorted) under the conditions, in @s. */
static int distinct(kiscrm_backend *b, uint64_t columns, const kiscrm_cond *conds, int ncond, seen *s)
{
	kiscrm_query q = { ncond, conds, columns };
	int stop_at = s->stop_at, stop_rc = s->stop_rc;
	memset(s, 0, sizeof(*s));
	s->stop_at = stop_at;
	s->stop_rc = stop_rc;
	s->want = columns;
	int rc = b->distinct(b, &item_kind, &q, seen_cb, s);
	assert_false(s->bad);
	qsort(s->v, (size_t)s->n, sizeof(s->v[0]), by_text);
	return rc;
}

static void expect(const seen *s, const char *const *want, int n)
{
	assert_int_equal(n, s->n);
	for (int i = 0; i < n; i++)
		assert_string_equal(want[i], s->v[i]);
}

/* ---- cases ---- */

/* Six rows worked by hand: NULL and the empty text are different values at both levels,
 * a repeated pair comes once. The pairs and the leading field alone walk the index; the
 * second field alone and a conditioned query ask SELECT DISTINCT, with the same rules. */
static void test_hand_worked(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	put(b, "华北", 1);
	put(b, "华北", 1);
	put(b, "华北", -1);
	put(b, NULL, 2);
	put(b, "", 3);
	put(b, "b", 1);
	seen s = { 0 };
	static const char *const pairs[] = { "[NULL]|2", "[]|3", "[b]|1", "[华北]|1", "[华北]|NULL" };
	assert_rc(KISCRM_OK, distinct(b, BIT(F_REGION) | BIT(F_SIZE), NULL, 0, &s));
	expect(&s, pairs, 5);
	assert_int_equal(1, kc_backend_postgres_index_walks(b));
	/* the id bit is ignored */
	static const char *const regions[] = { "[NULL]|NULL", "[]|NULL", "[b]|NULL", "[华北]|NULL" };
	assert_rc(KISCRM_OK, distinct(b, BIT(F_ID) | BIT(F_REGION), NULL, 0, &s));
	expect(&s, regions, 4);
	assert_int_equal(2, kc_backend_postgres_index_walks(b));

	static const char *const sizes[] = { "[NULL]|1", "[NULL]|2", "[NULL]|3", "[NULL]|NULL" };
	assert_rc(KISCRM_OK, distinct(b, BIT(F_SIZE), NULL, 0, &s));
	expect(&s, sizes, 4);
	kiscrm_cond one = { F_SIZE, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = 1 } } };
	static const char *const of_1[] = { "[b]|NULL", "[华北]|NULL" };
	assert_rc(KISCRM_OK, distinct(b, BIT(F_REGION), &one, 1, &s));
	expect(&s, of_1, 2);
	assert_int_equal(2, kc_backend_postgres_index_walks(b));
}

/* The walk gives SELECT DISTINCT's answer on 3,000 rows of 5 × 4 combinations (NULLs
 * and empty texts among them), asked of the server directly. */
static void test_same_as_select_distinct(void **state)
{
	fixture *f = *state;
	PQclear(sql(f, "INSERT INTO pd_item (region, size, note) SELECT "
		       "CASE g % 5 WHEN 0 THEN NULL WHEN 1 THEN 'a' WHEN 2 THEN '华南' WHEN 3 THEN 'b' "
		       "ELSE '' END, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 3 END, 'x' "
		       "FROM generate_series(1, 3000) g"));
	PGresult *res = sql(f, "SELECT DISTINCT region, size FROM pd_item");
	seen want = { 0 };
	for (int r = 0; r < PQntuples(res); r++) {
		kiscrm_value region = { KISCRM_TYPE_NULL, { 0 } }, sz = { KISCRM_TYPE_NULL, { 0 } };
		if (!PQgetisnull(res, r, 0)) {
			region.type = KISCRM_TYPE_TEXT;
			region.u.s = PQgetvalue(res, r, 0);
		}
		if (!PQgetisnull(res, r, 1)) {
			sz.type = KISCRM_TYPE_INT;
			sz.u.i = atoll(PQgetvalue(res, r, 1));
		}
		describe(want.v[want.n++], sizeof(want.v[0]), &region, &sz);
	}
	PQclear(res);
	assert_int_equal(20, want.n);
	qsort(want.v, (size_t)want.n, sizeof(want.v[0]), by_text);
	seen s = { 0 };
	assert_rc(KISCRM_OK, distinct(f->b, BIT(F_REGION) | BIT(F_SIZE), NULL, 0, &s));
	assert_int_equal(1, kc_backend_postgres_index_walks(f->b));
	assert_int_equal(want.n, s.n);
	for (int i = 0; i < s.n; i++)
		assert_string_equal(want.v[i], s.v[i]);
}

/* Inside a transaction the walk sees its rows; after the rollback it does not. */
static void test_in_transaction(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	put(b, "a", 1);
	assert_rc(KISCRM_OK, b->begin(b));
	put(b, "z", 9);
	seen s = { 0 };
	static const char *const both[] = { "[a]|1", "[z]|9" };
	assert_rc(KISCRM_OK, distinct(b, BIT(F_REGION) | BIT(F_SIZE), NULL, 0, &s));
	expect(&s, both, 2);
	assert_rc(KISCRM_OK, b->rollback(b));
	assert_rc(KISCRM_OK, distinct(b, BIT(F_REGION) | BIT(F_SIZE), NULL, 0, &s));
	expect(&s, both, 1);
	assert_int_equal(2, kc_backend_postgres_index_walks(b));
}

/* A callback's stop value ends the walk at once and is returned. */
static void test_stop(void **state)
{
	fixture *f = *state;
	kiscrm_backend *b = f->b;
	put(b, "a", 1);
	put(b, "a", 2);
	put(b, "b", 1);
	put(b, "c", 1);
	seen s = { 0 };
	s.stop_at = 2;
	s.stop_rc = 5;
	assert_int_equal(5, distinct(b, BIT(F_REGION) | BIT(F_SIZE), NULL, 0, &s));
	assert_int_equal(2, s.n);
	/* the connection is usable afterwards */
	s.stop_at = 0;
	assert_rc(KISCRM_OK, distinct(b, BIT(F_REGION), NULL, 0, &s));
	assert_int_equal(3, s.n);
}

/* The index exists over the grouped fields in field order, and opening a database that
 * lacks it (made by an earlier version) creates it. */
static void test_index_made_on_open(void **state)
{
	fixture *f = *state;
	static const char *const ask =
		"SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'pd_item__grouped'";
	PGresult *res = sql(f, ask);
	assert_int_equal(1, PQntuples(res));
	assert_non_null(strstr(PQgetvalue(res, 0, 0), "(region, size)"));
	PQclear(res);
	PQclear(sql(f, "DROP INDEX pd_item__grouped"));
	kiscrm_backend *b = NULL;
	assert_rc(KISCRM_OK, kc_backend_postgres_new(&b, f->conn));
	assert_rc(KISCRM_OK, b->open(b, &schema));
	b->free(b);
	res = sql(f, ask);
	assert_int_equal(1, PQntuples(res));
	PQclear(res);
}

int main(void)
{
	if (!kc_test_pg_conninfo())
		return 0;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hand_worked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_as_select_distinct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_made_on_open, setup, teardown),
	};
	int failed = _cmocka_run_group_tests("postgresql", tests, sizeof(tests) / sizeof(tests[0]),
					     kc_test_group_postgresql, NULL);
	kc_test_pg_cleanup();
	return failed ? 1 : 0;
}

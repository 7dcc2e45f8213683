#include "helpers.h"
#include "backends/postgres/postgres.h"
#include "kiscrm/sys/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#ifdef KC_TEST_HAVE_PQ
#include <libpq-fe.h>
#endif

void kc_test_assert_rc(int expected, int rc, const char *file, int line)
{
	if (expected == rc)
		return;
	const kiscrm_error *e = kiscrm_error_last();
	print_error("%s:%d: expected rc %d, got %d (%s)\n", file, line, expected, rc,
		    e->message);
	_fail(file, line);
}

void kc_test_assert_text(const kiscrm_record *r, int field, const char *expected)
{
	const char *v = kiscrm_record_text(r, field);
	if (!expected) {
		if (v)
			fail_msg("field %d: expected NULL, got '%s'", field, v);
		return;
	}
	if (!v)
		fail_msg("field %d: expected '%s', got NULL", field, expected);
	assert_string_equal(v, expected);
}

const char *kc_test_data_dir(void)
{
	const char *d = getenv("KISCRM_TEST_DATA");
	return d ? d : "tests/data";
}

const char *kc_test_config_dir(void)
{
	const char *d = getenv("KISCRM_CONFIG_DIR");
	return d ? d : "data";
}

/* --- fixture ----------------------------------------------------------------------- */

static const char *g_backend = "memory";

int kc_test_group_memory(void **state)
{
	(void)state;
	g_backend = "memory";
	return 0;
}

int kc_test_group_sqlite(void **state)
{
	(void)state;
	g_backend = "sqlite";
	return 0;
}

int kc_test_group_postgresql(void **state)
{
	(void)state;
	g_backend = "postgresql";
	return 0;
}

const char *kc_test_backend(void)
{
	return g_backend;
}

/* --- PostgreSQL: one schema per test database --------------------------------------- */

const char *kc_test_pg_conninfo(void)
{
#ifdef KC_TEST_HAVE_PQ
	const char *c = getenv("KISCRM_TEST_PG");
	return c && *c ? c : NULL;
#else
	return NULL;
#endif
}

#ifdef KC_TEST_HAVE_PQ
/* The connection that creates and drops the test schemas, and the schemas made. */
static PGconn *g_pg_admin;
static char (*g_pg_schemas)[64];
static size_t g_pg_nschemas, g_pg_cap;

static int pg_admin_exec(const char *sql)
{
	PGresult *res = PQexec(g_pg_admin, sql);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		print_error("PostgreSQL test setup: %s: %s", sql, PQerrorMessage(g_pg_admin));
	PQclear(res);
	return ok ? 0 : -1;
}
#endif

int kc_test_pg_fresh(char *out, size_t size)
{
#ifdef KC_TEST_HAVE_PQ
	static unsigned int serial;
	const char *base = kc_test_pg_conninfo();
	char sql[128];
	if (!base) {
		print_error("KISCRM_TEST_PG is not set\n");
		return -1;
	}
	if (!g_pg_admin) {
		g_pg_admin = PQconnectdb(base);
		if (PQstatus(g_pg_admin) != CONNECTION_OK) {
			print_error("cannot connect to KISCRM_TEST_PG: %s", PQerrorMessage(g_pg_admin));
			PQfinish(g_pg_admin);
			g_pg_admin = NULL;
			return -1;
		}
		/* A test that leaks a handle inside a transaction must not hang the cleanup. */
		PQclear(PQexec(g_pg_admin, "SET lock_timeout = '10s'"));
		PQclear(PQexec(g_pg_admin, "SET client_min_messages = warning"));
	}
	if (g_pg_nschemas == g_pg_cap) {
		size_t cap = g_pg_cap ? 2 * g_pg_cap : 64;
		char (*grown)[64] = realloc(g_pg_schemas, cap * sizeof(*grown));
		if (!grown)
			return -1;
		g_pg_schemas = grown;
		g_pg_cap = cap;
	}
	char *name = g_pg_schemas[g_pg_nschemas];
	snprintf(name, 64, "kc_test_%ld_%u", (long)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	if (pg_admin_exec(sql) != 0)
		return -1;
	g_pg_nschemas++;
	/* A URI takes its options as a query parameter (with '=' percent-encoded), a
	 * key=value string as one more keyword; either way the schema is search_path's first. */
	int uri = !strncmp(base, "postgresql://", 13) || !strncmp(base, "postgres://", 11);
	int n = uri ? snprintf(out, size, "%s%soptions=-csearch_path%%3D%s", base,
			       strchr(base, '?') ? "&" : "?", name)
		    : snprintf(out, size, "%s options='-csearch_path=%s'", base, name);
	return n > 0 && (size_t)n < size ? 0 : -1;
#else
	(void)out;
	(void)size;
	print_error("this build has no PostgreSQL backend\n");
	return -1;
#endif
}

void kc_test_pg_cleanup(void)
{
#ifdef KC_TEST_HAVE_PQ
	char sql[128];
	/* One schema per statement: dropping them all in one transaction would need a lock
	 * per table of every schema at once. */
	for (size_t i = 0; g_pg_admin && i < g_pg_nschemas; i++) {
		snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", g_pg_schemas[i]);
		pg_admin_exec(sql);
	}
	free(g_pg_schemas);
	g_pg_schemas = NULL;
	g_pg_nschemas = g_pg_cap = 0;
	PQfinish(g_pg_admin);
	g_pg_admin = NULL;
#endif
}

kiscrm_backend *kc_test_backend_new(void)
{
	kiscrm_backend *b = NULL;
	if (strcmp(g_backend, "memory") == 0) {
		assert_rc(KISCRM_OK, kiscrm_backend_memory_new(&b));
	} else if (strcmp(g_backend, "sqlite") == 0) {
		assert_rc(KISCRM_OK, kiscrm_backend_sqlite_new(&b, NULL, 0));
	} else {
		char conn[1024];
		assert_int_equal(0, kc_test_pg_fresh(conn, sizeof(conn)));
		assert_rc(KISCRM_OK, kc_backend_postgres_new(&b, conn));
	}
	return b;
}

kiscrm_db *kc_test_db_open(const char *config_dir)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	char conn[1024];
	o.backend = g_backend;
	o.config_dir = config_dir;
	if (strcmp(g_backend, "postgresql") == 0) {
		if (kc_test_pg_fresh(conn, sizeof(conn)) != 0)
			return NULL;
		o.path = conn;
	}
	if (kiscrm_db_open(&db, &o) != KISCRM_OK) {
		print_error("cannot open a %s database: %s\n", g_backend,
			    kiscrm_error_last()->message);
		return NULL;
	}
	/* The business date of every test database: results never depend on the day the
	 * tests run (the library has no clock). */
	kiscrm_date today;
	if (kiscrm_date_parse(&today, KC_TEST_TODAY) != KISCRM_OK || kiscrm_db_set_today(db, today) != KISCRM_OK) {
		kiscrm_db_free(db);
		return NULL;
	}
	return db;
}

int kc_test_db_setup(void **state)
{
	kiscrm_db *db = kc_test_db_open(NULL);
	if (!db)
		return -1;
	*state = db;
	return 0;
}

int kc_test_db_teardown(void **state)
{
	kiscrm_db_free(*state);
	*state = NULL;
	return 0;
}

void *kc_test_fx_open(size_t size, const char *config_dir)
{
	kiscrm_db **fx = calloc(1, size < sizeof(*fx) ? sizeof(*fx) : size);
	if (!fx || !(*fx = kc_test_db_open(config_dir))) {
		free(fx);
		return NULL;
	}
	return fx;
}

int kc_test_fx_teardown(void **state)
{
	kiscrm_db **fx = *state;
	if (fx)
		kiscrm_db_free(*fx);
	free(fx);
	*state = NULL;
	return 0;
}

int kc_test_run_on_backends(const struct CMUnitTest *tests, size_t count)
{
	int failed = _cmocka_run_group_tests("memory", tests, count, kc_test_group_memory, NULL);
	failed += _cmocka_run_group_tests("sqlite", tests, count, kc_test_group_sqlite, NULL);
	if (kc_test_pg_conninfo()) {
		failed += _cmocka_run_group_tests("postgresql", tests, count,
						  kc_test_group_postgresql, NULL);
		kc_test_pg_cleanup();
	}
	return failed;
}

/* --- builders ---------------------------------------------------------------------- */

kiscrm_record *kc_test_rec(int kind)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_new(&r, kind));
	return r;
}

kiscrm_id kc_test_insert(kiscrm_db *db, kiscrm_record *r)
{
	assert_rc(KISCRM_OK, kiscrm_record_insert(db, r));
	kiscrm_id id = kiscrm_record_id(r);
	assert_true(id > 0);
	kiscrm_record_free(r);
	return id;
}

kiscrm_id kc_test_department(kiscrm_db *db, const char *name, kiscrm_id parent)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_DEPARTMENT);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, name));
	if (parent)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_DEPARTMENT_PARENT_ID, parent));
	return kc_test_insert(db, r);
}

kiscrm_id kc_test_staff(kiscrm_db *db, const char *name, kiscrm_id dept, const char *role)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_STAFF);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_NAME, name));
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, dept));
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, role));
	return kc_test_insert(db, r);
}

kiscrm_id kc_test_customer(kiscrm_db *db, const char *name)
{
	return kc_test_partner_customer(db, name, 0);
}

kiscrm_id kc_test_partner(kiscrm_db *db, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_PARTNER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_PARTNER_NAME, name));
	return kc_test_insert(db, r);
}

kiscrm_id kc_test_partner_customer(kiscrm_db *db, const char *name, kiscrm_id partner)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name));
	if (partner)
		assert_rc(KISCRM_OK, kiscrm_record_set_int(r, KISCRM_CUSTOMER_PARTNER_ID, partner));
	return kc_test_insert(db, r);
}

size_t kc_test_count(kiscrm_db *db, int kind, const kiscrm_filter *filter)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r = NULL;
	size_t n = 0;
	int rc;
	assert_rc(KISCRM_OK, kiscrm_iter_new(&it, db, kind, filter));
	while ((rc = kiscrm_iter_next(&r, it)) == KISCRM_OK)
		n++;
	assert_rc(KISCRM_ITEROVER, rc);
	kiscrm_iter_free(it);
	return n;
}

/* --- reading back and changing stored records --------------------------------------- */

kiscrm_record *kc_test_get(kiscrm_db *db, int kind, kiscrm_id id)
{
	kiscrm_record *r = NULL;
	assert_rc(KISCRM_OK, kiscrm_record_get(&r, db, kind, id));
	return r;
}

int kc_test_exists(kiscrm_db *db, int kind, kiscrm_id id)
{
	kiscrm_record *r = NULL;
	int rc = kiscrm_record_get(&r, db, kind, id);
	kiscrm_record_free(r);
	if (rc == KISCRM_ENOTFOUND)
		return 0;
	assert_rc(KISCRM_OK, rc);
	return 1;
}

int64_t kc_test_stored_int(kiscrm_db *db, int kind, kiscrm_id id, int field)
{
	kiscrm_record *r = kc_test_get(db, kind, id);
	int64_t v = kiscrm_record_is_null(r, field) ? -1 : kiscrm_record_int(r, field);
	kiscrm_record_free(r);
	return v;
}

int kc_test_update_int(kiscrm_db *db, int kind, kiscrm_id id, int field, int64_t value)
{
	kiscrm_record *r = kc_test_get(db, kind, id);
	assert_rc(KISCRM_OK, kiscrm_record_set_int(r, field, value));
	int rc = kiscrm_record_update(db, r);
	kiscrm_record_free(r);
	return rc;
}

int kc_test_update_text(kiscrm_db *db, int kind, kiscrm_id id, int field, const char *value)
{
	kiscrm_record *r = kc_test_get(db, kind, id);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, field, value));
	int rc = kiscrm_record_update(db, r);
	kiscrm_record_free(r);
	return rc;
}

kiscrm_date kc_test_day(const char *text)
{
	kiscrm_date d = KISCRM_DATE_NONE;
	assert_int_equal(KISCRM_OK, kiscrm_date_parse(&d, text));
	return d;
}

kiscrm_time kc_test_time(const char *text)
{
	kiscrm_time t = 0;
	assert_int_equal(KISCRM_OK, kiscrm_time_parse(&t, text));
	return t;
}

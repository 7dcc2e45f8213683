#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

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

const char *kc_test_backend(void)
{
	return g_backend;
}

kiscrm_db *kc_test_db_open(const char *config_dir)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;
	kiscrm_db *db = NULL;
	o.backend = g_backend;
	o.config_dir = config_dir;
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
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name));
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

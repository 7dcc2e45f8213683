/* Shared test helpers: cmocka includes in the right order, the "fresh database per test on
 * the memory backend and on SQLite" fixture, and small record builders. */
#ifndef KC_TEST_HELPERS_H
#define KC_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kiscrm.h"

/* Asserts that rc is the expected code, printing the library's last error otherwise. */
#define assert_rc(expected, rc) kc_test_assert_rc((expected), (rc), __FILE__, __LINE__)
void kc_test_assert_rc(int expected, int rc, const char *file, int line);

/* Asserts that the last error's message contains @p needle. */
#define assert_msg_has(needle)                                                               \
	do {                                                                                 \
		const char *m_ = kiscrm_error_last()->message;                               \
		if (!m_ || !strstr(m_, (needle)))                                            \
			fail_msg("error message '%s' does not mention '%s'", m_ ? m_ : "(null)", \
				 (needle));                                                  \
	} while (0)

/* Asserts that a nullable string equals @p expected (NULL matches NULL). */
#define assert_str_or_null(expected, actual)                                                 \
	do {                                                                                 \
		const char *e_ = (expected), *a_ = (actual);                                 \
		if (!e_)                                                                     \
			assert_null(a_);                                                     \
		else {                                                                       \
			assert_non_null(a_);                                                 \
			assert_string_equal(e_, a_);                                         \
		}                                                                            \
	} while (0)

/* Asserts that a TEXT field of a record is @p expected (NULL: the field is NULL). */
void kc_test_assert_text(const kiscrm_record *r, int field, const char *expected);

/* Directory of tests/data and of the default configuration (set by meson). */
const char *kc_test_data_dir(void);
const char *kc_test_config_dir(void);

/* --- one fresh database per test, the same tests on both backends ------------------ */

/* Group setups: choose the backend ("memory", "sqlite" or "postgresql") the group's
 * databases use. */
int kc_test_group_memory(void **state);
int kc_test_group_sqlite(void **state);
int kc_test_group_postgresql(void **state);

/* PostgreSQL: the connection string in KISCRM_TEST_PG when it is set and this build has
 * the backend, else NULL (the PostgreSQL groups are then skipped silently). */
const char *kc_test_pg_conninfo(void);
/* Makes an empty schema of its own for one database (a fresh database per test without
 * the cost of CREATE DATABASE) and writes the connection string that selects it
 * (options=-csearch_path=…) to @out. Returns 0, or -1 after printing why. */
int kc_test_pg_fresh(char *out, size_t size);
/* Drops the schemas kc_test_pg_fresh() made in this process. */
void kc_test_pg_cleanup(void);
/* A fresh, unopened backend of the group's kind (SQLite: in memory; PostgreSQL: in a
 * fresh schema), for tests that wrap or keep the backend. Asserts it can be made. */
kiscrm_backend *kc_test_backend_new(void);
/* The backend chosen by the running group ("memory" before any group ran). */
const char *kc_test_backend(void);

/* Opens a fresh database on the group's backend with the configuration of config_dir
 * (NULL: the default); prints why and returns NULL when it cannot. */
/* The business date (kiscrm_db_set_today) of the databases kc_test_db_open() opens. */
#define KC_TEST_TODAY "2026-11-23"

kiscrm_db *kc_test_db_open(const char *config_dir);

/* Per-test setup and teardown: *state is the test's kiscrm_db *. */
int kc_test_db_setup(void **state);
int kc_test_db_teardown(void **state);

/* A test's own fixture struct: size bytes, zeroed, whose FIRST member is a kiscrm_db *
 * set to a fresh database (see kc_test_db_open); NULL when either cannot be made.
 * kc_test_fx_teardown frees the database and the struct in *state. */
void *kc_test_fx_open(size_t size, const char *config_dir);
int kc_test_fx_teardown(void **state);

/* Runs one tests[] array as the group "memory", again as the group "sqlite" and, when
 * KISCRM_TEST_PG is set, as the group "postgresql"; returns the number of failures. */
int kc_test_run_on_backends(const struct CMUnitTest *tests, size_t count);
#define kc_test_run_both(tests) kc_test_run_on_backends((tests), sizeof(tests) / sizeof((tests)[0]))

/* A date "YYYY-MM-DD" and a time "YYYY-MM-DDTHH:MM:SSZ" (each asserts it parses). */
kiscrm_date kc_test_day(const char *text);
kiscrm_time kc_test_time(const char *text);

/* --- builders (each asserts success) ---------------------------------------------- */

/* A new empty record of a kind. */
kiscrm_record *kc_test_rec(int kind);
/* Inserts r, frees it and returns its new id. */
kiscrm_id kc_test_insert(kiscrm_db *db, kiscrm_record *r);
/* A department (parent 0: top level). */
kiscrm_id kc_test_department(kiscrm_db *db, const char *name, kiscrm_id parent);
/* A staff member of a department with a role. */
kiscrm_id kc_test_staff(kiscrm_db *db, const char *name, kiscrm_id dept, const char *role);
/* A customer with only its name. */
kiscrm_id kc_test_customer(kiscrm_db *db, const char *name);
/* A second-tier partner by name, and a customer it serves (@partner 0: a direct one). */
kiscrm_id kc_test_partner(kiscrm_db *db, const char *name);
kiscrm_id kc_test_partner_customer(kiscrm_db *db, const char *name, kiscrm_id partner);
/* The number of records of a kind that pass filter (NULL: all). */
size_t kc_test_count(kiscrm_db *db, int kind, const kiscrm_filter *filter);

/* --- reading back and changing stored records --------------------------------------- */

/* The stored record (the caller frees it). */
kiscrm_record *kc_test_get(kiscrm_db *db, int kind, kiscrm_id id);
/* 1 when the record exists, 0 when it does not. */
int kc_test_exists(kiscrm_db *db, int kind, kiscrm_id id);
/* An INT field of a stored record; -1 when it is NULL. */
int64_t kc_test_stored_int(kiscrm_db *db, int kind, kiscrm_id id, int field);
/* Sets one field of a stored record and updates it; returns the update's code. */
int kc_test_update_int(kiscrm_db *db, int kind, kiscrm_id id, int field, int64_t value);
int kc_test_update_text(kiscrm_db *db, int kind, kiscrm_id id, int field, const char *value);

#endif

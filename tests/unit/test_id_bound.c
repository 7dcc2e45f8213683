/* Explicit ids are bounded by KISCRM_ID_MAX wherever they enter: kiscrm_record_insert() of
 * a record carrying an id (the store's one way in, for every backend), and a CSV import
 * keeping ids. An id of 2^63 − 1 used to be stored, after
 * which SQLite failed every later insert into that table ("database or disk is full").
 * Both backends. */
#include "helpers.h"
#include "storage/record.h"

#include <stdio.h>

/* Inserts a customer with an explicit id; returns the code. */
static int insert_with_id(kiscrm_db *db, kiscrm_id id, const char *name)
{
	kiscrm_record *r = kc_test_rec(KISCRM_KIND_CUSTOMER);
	assert_rc(KISCRM_OK, kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, name));
	kc_record_set_id(r, id); /* as the CSV import keeping ids does */
	int rc = kiscrm_record_insert(db, r);
	kiscrm_record_free(r);
	return rc;
}

static void test_bound_is_fifteen_digits(void **state)
{
	(void)state;
	/* the documented bound: 10^15 − 1 */
	assert_true(KISCRM_ID_MAX == INT64_C(999999999999999));
}

static void test_insert_above_bound_is_refused(void **state)
{
	kiscrm_db *db = *state;
	static const kiscrm_id bad[] = { INT64_C(1000000000000000), INT64_MAX, -5 };
	static const char *const text[] = { "1000000000000000", "9223372036854775807", "-5" };
	for (size_t i = 0; i < 3; i++) {
		assert_rc(KISCRM_EINVALID, insert_with_id(db, bad[i], "Big"));
		assert_string_equal(kiscrm_error_last()->field, "id");
		assert_string_equal(kiscrm_error_last()->value, text[i]);
		assert_msg_has("customer.id");
	}
	assert_int_equal(kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL), 0);
	/* the table still takes records: the next id is 1 */
	assert_int_equal(kc_test_customer(db, "After"), 1);
}

static void test_insert_at_bound(void **state)
{
	kiscrm_db *db = *state;
	int rc = insert_with_id(db, KISCRM_ID_MAX, "Edge");
	if (strcmp(kc_test_backend(), "memory") == 0) {
		/* the in-memory backend keeps ids below 2^30 (documented) */
		assert_rc(KISCRM_ENOTSUPPORTED, rc);
		return;
	}
	assert_rc(KISCRM_OK, rc);
	/* the database goes on assigning ids after it */
	assert_int_equal(kc_test_customer(db, "Next"), KISCRM_ID_MAX + 1);
	assert_int_equal(kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL), 2);
}

static void test_import_keep_ids_above_bound(void **state)
{
	kiscrm_db *db = *state;
	static const char csv[] = "id,name\n"
				  "7,Acme\n"
				  "9223372036854775807,Huge\n"
				  "8,Beta\n";
	kiscrm_import_options o = KISCRM_IMPORT_OPTIONS_INIT;
	o.flags = KISCRM_IMPORT_KEEP_IDS;
	size_t n = 99;
	kiscrm_table *errors = NULL;
	assert_rc(KISCRM_EIMPORT, kiscrm_csv_import_data(&n, &errors, db, KISCRM_KIND_CUSTOMER, csv,
							  strlen(csv), "customers.csv", &o));
	/* the message names the file, line, field and value */
	const kiscrm_error *e = kiscrm_error_last();
	assert_string_equal(e->file, "customers.csv");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 1);
	assert_string_equal(e->field, "id");
	assert_string_equal(e->value, "9223372036854775807");
	assert_msg_has("9223372036854775807");
	/* the error table: one bad row, line 3, column id */
	assert_non_null(errors);
	assert_int_equal(kiscrm_table_row_count(errors), 1);
	assert_int_equal(kiscrm_table_int(errors, 0, (size_t)kiscrm_table_column_index(errors, "row")), 3);
	assert_string_equal(kiscrm_table_text(errors, 0, (size_t)kiscrm_table_column_index(errors, "column")),
			    "id");
	assert_string_equal(kiscrm_table_text(errors, 0, (size_t)kiscrm_table_column_index(errors, "value")),
			    "9223372036854775807");
	kiscrm_table_free(errors);
	/* nothing was written, and later inserts work */
	assert_int_equal(n, 0);
	assert_int_equal(kc_test_count(db, KISCRM_KIND_CUSTOMER, NULL), 0);
	/* PostgreSQL's id sequences do not roll back: ids 7 and 8 of the undone import stay
	 * used (doc/postgresql.md); the embedded backends reuse them. */
	assert_int_equal(kc_test_customer(db, "After"),
			 strcmp(kc_test_backend(), "postgresql") == 0 ? 9 : 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound_is_fifteen_digits),
		cmocka_unit_test_setup_teardown(test_insert_above_bound_is_refused, kc_test_db_setup,
						kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_insert_at_bound, kc_test_db_setup, kc_test_db_teardown),
		cmocka_unit_test_setup_teardown(test_import_keep_ids_above_bound, kc_test_db_setup,
						kc_test_db_teardown),
	};
	return kc_test_run_both(tests);
}

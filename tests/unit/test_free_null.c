/* Every public *_free function and kiscrm_buf_dispose accept NULL (the list comes from
 * `grep -rn '_free(\|_dispose(' include/`), and the last-error API still works after. */
#include "helpers.h"

#include <string.h>

/* The last error is readable and well formed. */
static void check_error_usable(void)
{
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(e);
	assert_non_null(e->message);
	assert_non_null(kiscrm_strerror(e->code));
}

/* Every public destructor (grep include/kiscrm for "_free(" and "_dispose(" to check). */
static void free_all_null(void)
{
	kiscrm_db_free(NULL);
	kiscrm_record_free(NULL);
	kiscrm_iter_free(NULL);
	kiscrm_table_free(NULL);
	kiscrm_config_free(NULL);
	kiscrm_ids_free(NULL);
	kiscrm_kpi_scheme_free(NULL);
	kiscrm_qual_standards_free(NULL);
	kiscrm_buf_dispose(NULL);
}

static void test_free_null(void **state)
{
	(void)state;
	free_all_null();
	check_error_usable();
}

/* Freeing NULL neither raises nor clears an error. */
static void test_free_null_keeps_error(void **state)
{
	kiscrm_record *r = NULL;
	(void)state;
	assert_rc(KISCRM_EINVALID, kiscrm_record_new(&r, 0));
	free_all_null();
	assert_int_equal(KISCRM_EINVALID, kiscrm_error_last()->code);
	assert_true(strlen(kiscrm_error_last()->message) > 0);

	/* and after kiscrm_error_clear() the error stays cleared */
	kiscrm_error_clear();
	free_all_null();
	assert_int_equal(KISCRM_OK, kiscrm_error_last()->code);
	assert_non_null(kiscrm_error_last()->message);
	assert_string_equal("", kiscrm_error_last()->message);
}

/* kiscrm_buf_dispose on a buffer never written, on a filled one (twice: it resets). */
static void test_buf_dispose(void **state)
{
	kiscrm_buf b = KISCRM_BUF_INIT;
	(void)state;
	kiscrm_buf_dispose(&b);
	assert_null(b.ptr);
	assert_int_equal(0, b.size);
	assert_rc(KISCRM_OK, kiscrm_customer_normalize_name(&b, "北京金蝶软件有限公司"));
	assert_non_null(b.ptr);
	kiscrm_buf_dispose(&b);
	assert_null(b.ptr);
	assert_int_equal(0, b.size);
	assert_int_equal(0, b.asize);
	kiscrm_buf_dispose(&b);
	check_error_usable();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_free_null_keeps_error),
		cmocka_unit_test(test_buf_dispose),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

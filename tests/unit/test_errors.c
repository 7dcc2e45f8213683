/* The thread-local last error, kiscrm_strerror, kiscrm_buf and the version functions. */
#include "helpers.h"
#include "core/buf.h"
#include "core/error.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void test_last_never_null(void **state)
{
	(void)state;
	kiscrm_error_clear();
	const kiscrm_error *e = kiscrm_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, KISCRM_OK);
	assert_non_null(e->message);
	assert_string_equal(e->message, "");
	assert_null(e->file);
	assert_null(e->field);
	assert_null(e->value);
	assert_int_equal(e->line, 0);
	assert_int_equal(e->column, 0);
}

static void test_set_and_clear(void **state)
{
	(void)state;
	assert_int_equal(kc_error_set(KISCRM_EINVALID, "bad value '%s' (%d)", "x", 7),
			 KISCRM_EINVALID);
	const kiscrm_error *e = kiscrm_error_last();
	assert_int_equal(e->code, KISCRM_EINVALID);
	assert_string_equal(e->message, "bad value 'x' (7)");
	assert_null(e->file);

	assert_int_equal(kc_error_set_at(KISCRM_ECONFIG, "stages.yaml", 12, 5, "probability",
					 "1.5", "probability %s is above 1", "1.5"),
			 KISCRM_ECONFIG);
	e = kiscrm_error_last();
	assert_int_equal(e->code, KISCRM_ECONFIG);
	assert_string_equal(e->message, "probability 1.5 is above 1");
	assert_string_equal(e->file, "stages.yaml");
	assert_int_equal(e->line, 12);
	assert_int_equal(e->column, 5);
	assert_string_equal(e->field, "probability");
	assert_string_equal(e->value, "1.5");

	/* A later plain error drops the location of the earlier one. */
	kc_error_set(KISCRM_ENOTFOUND, "no customer %d", 3);
	e = kiscrm_error_last();
	assert_int_equal(e->code, KISCRM_ENOTFOUND);
	assert_null(e->file);
	assert_null(e->field);
	assert_null(e->value);
	assert_int_equal(e->line, 0);

	/* Location parts may be NULL. */
	kc_error_set_at(KISCRM_EIMPORT, NULL, 0, 0, NULL, NULL, "row rejected");
	e = kiscrm_error_last();
	assert_int_equal(e->code, KISCRM_EIMPORT);
	assert_null(e->file);
	assert_null(e->value);

	assert_int_equal(kc_error_oom(), KISCRM_ENOMEM);
	assert_int_equal(kiscrm_error_last()->code, KISCRM_ENOMEM);
	assert_string_equal(kiscrm_error_last()->message, "out of memory");

	kiscrm_error_clear();
	e = kiscrm_error_last();
	assert_int_equal(e->code, KISCRM_OK);
	assert_string_equal(e->message, "");
	assert_null(e->file);
}

static void test_long_message_truncated(void **state)
{
	(void)state;
	/* Messages live in fixed buffers: an oversized one is cut, never overflows. */
	static char big[5000];
	memset(big, 'v', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	kc_error_set_at(KISCRM_EINVALID, big, 1, 1, big, big, "value %s", big);
	const kiscrm_error *e = kiscrm_error_last();
	assert_true(strlen(e->message) > 0 && strlen(e->message) < sizeof(big));
	assert_true(strncmp(e->message, "value vvv", 9) == 0);
	assert_true(strlen(e->file) < sizeof(big) - 1);
	kiscrm_error_clear();
}

static void test_strerror(void **state)
{
	(void)state;
	static const int codes[] = {
		KISCRM_OK,       KISCRM_ERROR,    KISCRM_ENOTFOUND, KISCRM_EEXISTS,
		KISCRM_EINVALID, KISCRM_ECONFIG,  KISCRM_ECONFLICT, KISCRM_ESTORAGE,
		KISCRM_EBUSY,    KISCRM_ENOMEM,   KISCRM_ITEROVER,  KISCRM_EVERSION,
		KISCRM_ENOTSUPPORTED, KISCRM_EOVERFLOW, KISCRM_EIMPORT, KISCRM_EUSER,
	};
	const size_t n = sizeof(codes) / sizeof(codes[0]);
	/* Codes are 0, -1, …, -15, and every one has its own text. */
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(codes[i], -(int)i);
		const char *s = kiscrm_strerror(codes[i]);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_string_not_equal(s, "unknown error");
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, kiscrm_strerror(codes[j]));
	}
	assert_string_equal(kiscrm_strerror(KISCRM_OK), "success");
	assert_string_equal(kiscrm_strerror(KISCRM_ENOMEM), "out of memory");
	assert_string_equal(kiscrm_strerror(-16), "unknown error");
	assert_string_equal(kiscrm_strerror(1), "unknown error");
	assert_string_equal(kiscrm_strerror(-999), "unknown error");
}

struct thread_result {
	int code_at_start;
	char message_at_start[64];
	int code_after_set;
};

static void *thread_main(void *arg)
{
	struct thread_result *r = arg;
	const kiscrm_error *e = kiscrm_error_last();
	r->code_at_start = e->code;
	snprintf(r->message_at_start, sizeof(r->message_at_start), "%s", e->message);
	kc_error_set(KISCRM_EBUSY, "thread error");
	r->code_after_set = kiscrm_error_last()->code;
	return NULL;
}

static void test_thread_local(void **state)
{
	(void)state;
	kc_error_set(KISCRM_EINVALID, "main thread error");
	struct thread_result r = { 99, "unset", 99 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, thread_main, &r), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	/* The new thread did not see the main thread's error ... */
	assert_int_equal(r.code_at_start, KISCRM_OK);
	assert_string_equal(r.message_at_start, "");
	assert_int_equal(r.code_after_set, KISCRM_EBUSY);
	/* ... and its own error did not leak back. */
	assert_int_equal(kiscrm_error_last()->code, KISCRM_EINVALID);
	assert_string_equal(kiscrm_error_last()->message, "main thread error");
	kiscrm_error_clear();
}

static void test_buf(void **state)
{
	(void)state;
	kiscrm_buf_dispose(NULL); /* must not crash */

	kiscrm_buf b = KISCRM_BUF_INIT;
	assert_null(b.ptr);
	assert_int_equal(b.size, 0);
	kiscrm_buf_dispose(&b); /* disposing an empty buffer is fine */

	assert_rc(KISCRM_OK, kc_buf_put(&b, "", 0));
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr, "");
	assert_rc(KISCRM_OK, kc_buf_puts(&b, "abc"));
	assert_rc(KISCRM_OK, kc_buf_put(&b, "defXYZ", 3));
	assert_rc(KISCRM_OK, kc_buf_printf(&b, "-%d-%s", 42, "z"));
	assert_string_equal(b.ptr, "abcdef-42-z");
	assert_int_equal(b.size, 11);
	assert_true(b.asize > b.size);

	/* Growth over many appends keeps the contents and the NUL. */
	for (int i = 0; i < 1000; i++)
		assert_rc(KISCRM_OK, kc_buf_puts(&b, "x"));
	assert_int_equal(b.size, 1011);
	assert_int_equal(strlen(b.ptr), 1011);
	assert_int_equal(b.ptr[1010], 'x');

	/* A printf larger than the current allocation. */
	assert_rc(KISCRM_OK, kc_buf_printf(&b, "%5000s", "end"));
	assert_int_equal(b.size, 6011);
	assert_string_equal(b.ptr + b.size - 3, "end");

	kiscrm_buf_dispose(&b);
	assert_null(b.ptr);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.asize, 0);
	kiscrm_buf_dispose(&b); /* twice is fine */
}

static void test_version(void **state)
{
	(void)state;
	int major = -1, minor = -1, patch = -1;
	kiscrm_version(&major, &minor, &patch);
	assert_int_equal(major, KISCRM_VERSION_MAJOR);
	assert_int_equal(minor, KISCRM_VERSION_MINOR);
	assert_int_equal(patch, KISCRM_VERSION_PATCH);
	kiscrm_version(NULL, NULL, NULL);
	kiscrm_version(NULL, &minor, NULL);
	assert_int_equal(minor, KISCRM_VERSION_MINOR);

	const char *s = kiscrm_version_string();
	assert_non_null(s);
	assert_string_equal(s, KISCRM_VERSION_STRING);
	char want[32];
	snprintf(want, sizeof(want), "%d.%d.%d", major, minor, patch);
	assert_string_equal(s, want);
	/* version.h is generated from meson.build's project version */
	assert_string_equal(KISCRM_VERSION_STRING, KC_TEST_PROJECT_VERSION);
	assert_true(kiscrm_schema_version() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last_never_null),
		cmocka_unit_test(test_set_and_clear),
		cmocka_unit_test(test_long_message_truncated),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_thread_local),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

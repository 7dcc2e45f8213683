/* Shared test helpers: cmocka includes in the right order and small utilities. */
#ifndef KC_TEST_HELPERS_H
#define KC_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kiscrm.h"

/* Asserts that rc is the expected code, printing the library's last error otherwise. */
#define assert_rc(expected, rc) kc_test_assert_rc((expected), (rc), __FILE__, __LINE__)
void kc_test_assert_rc(int expected, int rc, const char *file, int line);

/* Directory of tests/data and of the default configuration (set by meson). */
const char *kc_test_data_dir(void);
const char *kc_test_config_dir(void);

#endif

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

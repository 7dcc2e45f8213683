/* Checked sums (see sum.h). */
#include "core/sum.h"
#include "core/error.h"

int kc_money_add(int64_t *acc, int64_t v)
{
	int64_t r;
	if (__builtin_add_overflow(*acc, v, &r))
		return kc_error_set(KISCRM_EOVERFLOW, "sum of amounts overflows (adding %lld to %lld)",
				    (long long)v, (long long)*acc);
	*acc = r;
	return KISCRM_OK;
}

int kc_sum_overflowed(const char *what)
{
	return kc_error_set(KISCRM_EOVERFLOW, "%s: a sum of amounts leaves the range of int64 minor units",
			    what);
}

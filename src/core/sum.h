/* Checked sums of money (and of counts): the one place that decides what happens when a
 * sum leaves int64. Stored amounts are bounded by KISCRM_MONEY_MAX (kiscrm/money.h), so a
 * sum overflows only past ~900,000 amounts at the bound; reports still check every
 * addition and fail with KISCRM_EOVERFLOW rather than print a wrapped total. */
#ifndef KC_CORE_SUM_H
#define KC_CORE_SUM_H

#include <stdint.h>

/* *acc += v, or KISCRM_EOVERFLOW (with a message) leaving *acc unchanged. */
int kc_money_add(int64_t *acc, int64_t v);

/* *acc += v for loops that cannot stop at each addition: on overflow *acc keeps its old
 * value and *overflow becomes 1 (sticky); the caller reports kc_sum_overflowed(). */
static inline void kc_sum_acc(int64_t *acc, int64_t v, int *overflow)
{
	int64_t r;
	if (__builtin_add_overflow(*acc, v, &r))
		*overflow = 1;
	else
		*acc = r;
}

/* KISCRM_EOVERFLOW with a message naming what was summed. */
int kc_sum_overflowed(const char *what);

#endif

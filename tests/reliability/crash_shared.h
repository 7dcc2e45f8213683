/* What the crash helper writes and the crash test expects, defined once. */
#ifndef KC_CRASH_SHARED_H
#define KC_CRASH_SHARED_H

#include "kiscrm.h"

/* Amount of opportunity @j of batch @b, in minor units: distinct per batch so that a
 * batch's sum identifies it. */
static inline kiscrm_money crash_amount(long b, long j)
{
	return (kiscrm_money)(b + 1) * 1000 + (kiscrm_money)j * 7 + 1;
}

/* Sum of crash_amount(b, 0 … n−1) = n·((b+1)·1000 + 1) + 7·n(n−1)/2. */
static inline kiscrm_money crash_batch_sum(long b, long n)
{
	return (kiscrm_money)n * ((kiscrm_money)(b + 1) * 1000 + 1) + 7 * (kiscrm_money)n * (n - 1) / 2;
}

#endif

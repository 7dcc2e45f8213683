/**
 * @file kiscrm/money.h
 * @brief Exact money arithmetic: decimal text in and out, exact splits.
 *
 * Money is a ::kiscrm_money, an int64 count of minor units (2 decimals for CNY: fen).
 */
#ifndef KISCRM_MONEY_H
#define KISCRM_MONEY_H

#include "common.h"

KISCRM_BEGIN_DECL

/**
 * Largest amount a record may store, in minor units: 10^13, i.e. 100,000,000,000.00 (a
 * hundred billion yuan) with 2 decimals. Every money field is checked against
 * ±KISCRM_MONEY_MAX when a record is stored (also through CSV import), so that about
 * 900,000 amounts at the bound still add up inside int64; every report sum is checked
 * besides and fails with ::KISCRM_EOVERFLOW rather than wrap. kiscrm_money_parse() itself
 * accepts any int64, for values that are not stored.
 */
#define KISCRM_MONEY_MAX INT64_C(10000000000000)
/** Smallest amount a record may store: −::KISCRM_MONEY_MAX. */
#define KISCRM_MONEY_MIN (-KISCRM_MONEY_MAX)

/** kiscrm_money_format() flag: group the integer part by thousands with ','. */
#define KISCRM_MONEY_THOUSANDS 1u

/**
 * Parses decimal text into minor units, exactly.
 *
 * Accepted: optional surrounding ASCII spaces, an optional sign ('+' or '-'), digits with
 * optional ',' thousands separators (then every group after the first has exactly three
 * digits), and an optional '.' followed by at most @p decimals digits. Examples with 2
 * decimals: "1234.56" → 123456, "-0.05" → -5, "1,234.56" → 123456, "7" → 700.
 *
 * @param[out] out the value; untouched on error
 * @param text NUL-terminated text
 * @param decimals number of minor-unit digits of the currency, 0..6
 * @return ::KISCRM_OK; ::KISCRM_EINVALID for garbage, empty text, misplaced separators or
 *         more fraction digits than @p decimals ("1.234" with 2); ::KISCRM_EOVERFLOW when
 *         the value does not fit in int64 minor units.
 */
KISCRM_API int kiscrm_money_parse(kiscrm_money *out, const char *text, int decimals);

/**
 * Formats minor units as decimal text, e.g. 123456 → "1234.56" or "1,234.56".
 *
 * @param[out] buf receives the NUL-terminated text
 * @param size size of @p buf; 32 bytes always suffice
 * @param value the amount (any int64, INT64_MIN included)
 * @param decimals 0..6
 * @param flags 0 or ::KISCRM_MONEY_THOUSANDS
 * @return the length written (without NUL), or ::KISCRM_EINVALID if @p buf is NULL,
 *         too small or @p decimals is out of range.
 */
KISCRM_API int kiscrm_money_format(char *buf, size_t size, kiscrm_money value, int decimals,
				   unsigned int flags);

/**
 * Multiplies an amount by num/den and rounds half away from zero, without overflow for
 * any realistic amount (uses 128-bit intermediates).
 *
 * @param[out] out the result
 * @param amount amount in minor units
 * @param num numerator (e.g. a probability in percent)
 * @param den denominator, non-zero (e.g. 100)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID if @p den is 0, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_money_scale(kiscrm_money *out, kiscrm_money amount, int64_t num, int64_t den);

/**
 * Splits @p total into @p n parts proportional to @p weights by the largest-remainder
 * method, so that the parts add up to @p total exactly. Ties in the remainder go to the
 * lower index, so the split is deterministic. Negative totals are split as the negation of
 * the split of the absolute value.
 *
 * @param[out] parts array of @p n results
 * @param total amount to split
 * @param weights @p n non-negative weights, not all zero
 * @param n number of parts, at least 1
 * @return ::KISCRM_OK or ::KISCRM_EINVALID (NULL pointers, n == 0, negative or all-zero
 *         weights), ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_money_split(kiscrm_money *parts, kiscrm_money total, const int64_t *weights,
				  size_t n);

KISCRM_END_DECL

#endif

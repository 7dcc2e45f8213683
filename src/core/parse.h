/* Values as spreadsheets write them, for the CSV importer: Chinese Excel shows dates as
 * 2026/1/5, amounts as ￥1,234.50 and counts as 1,200. Each accepts the library's own
 * form as well, and none rounds or guesses: what they cannot read exactly is an error
 * quoting the text. */
#ifndef KC_PARSE_H
#define KC_PARSE_H

#include "kiscrm/types.h"

#include <stdint.h>

/* "YYYY-MM-DD" (kiscrm_date_parse) or "YYYY/M/D" with one or two digits of month and
 * day ("2026/1/5", "2026/12/20"). */
int kc_date_parse_excel(kiscrm_date *out, const char *text);

/* kiscrm_money_parse() with an optional yuan sign — ￥ (U+FFE5) or ¥ (U+00A5) — before
 * or after the sign ("￥1,234.50", "-￥12.00", "￥-12.00"); more decimals than
 * @decimals stay an error. */
int kc_money_parse_excel(kiscrm_money *out, const char *text, int decimals);

/* An integer, optionally signed, in plain digits or grouped by three with commas
 * ("1,234,567"); no spaces. KISCRM_EINVALID or KISCRM_EOVERFLOW quoting the text. */
int kc_int_parse_grouped(int64_t *out, const char *text);

#endif

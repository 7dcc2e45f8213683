/* Fuzz target: money parsing and formatting (kiscrm/money.h).
 *
 * Input: byte 0 chooses the decimals (−1 … 6, so that an invalid count is tried too);
 * the rest is the text to parse. Invariants:
 *   - parse never crashes and returns OK, EINVALID or EOVERFLOW (error with a message);
 *   - a parsed value formats (with and without thousands separators) and parses back to
 *     the same value, and formatting the reparsed value gives the same text;
 *   - the first 8 bytes read as an int64 format and parse back exactly (INT64_MIN too);
 *   - kiscrm_money_scale by p/100 with 0 ≤ p ≤ 100 never grows the magnitude. */
#include "fuzz.h"

#include <string.h>

#include "kiscrm.h"

static void round_trip(kiscrm_money v, int decimals)
{
	char a[32], b[32];
	kiscrm_money back = 0;
	int n, rc;

	for (unsigned int flags = 0; flags <= KISCRM_MONEY_THOUSANDS; flags++) {
		n = kiscrm_money_format(a, sizeof(a), v, decimals, flags);
		FUZZ_ASSERT(n > 0 && (size_t)n == strlen(a), "format %lld/%d gave %d", (long long)v,
			    decimals, n);
		rc = kiscrm_money_parse(&back, a, decimals);
		FUZZ_ASSERT(rc == KISCRM_OK && back == v, "'%s' parsed back as %lld (rc %d), not %lld",
			    a, (long long)back, rc, (long long)v);
		n = kiscrm_money_format(b, sizeof(b), back, decimals, flags);
		FUZZ_ASSERT(n > 0 && !strcmp(a, b), "'%s' formats again as '%s'", a, b);
	}
	/* A buffer one byte too small is refused, never overrun. */
	n = kiscrm_money_format(a, sizeof(a), v, decimals, 0);
	FUZZ_ASSERT(kiscrm_money_format(b, (size_t)n, v, decimals, 0) == KISCRM_EINVALID,
		    "format into %d bytes did not fail", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int decimals;
	char *text;
	kiscrm_money v = 12345;
	int rc;

	if (size < 1)
		return 0;
	decimals = (int)(data[0] % 8) - 1;
	if (!(text = malloc(size)))
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	rc = kiscrm_money_parse(&v, text, decimals);
	if (rc == KISCRM_OK) {
		FUZZ_ASSERT(decimals >= 0 && decimals <= 6, "parse accepted %d decimals", decimals);
		round_trip(v, decimals);
	} else {
		FUZZ_ASSERT(rc == KISCRM_EINVALID || rc == KISCRM_EOVERFLOW, "parse returned %d", rc);
		FUZZ_ASSERT(v == 12345, "out written on error");
		FUZZ_ASSERT(kiscrm_error_last()->message && kiscrm_error_last()->message[0],
			    "error without message");
	}

	if (size >= 9 && decimals >= 0) {
		int64_t raw;
		kiscrm_money scaled = 0;
		int64_t p = data[0] % 101;

		memcpy(&raw, data + 1, sizeof(raw));
		round_trip(raw, decimals);
		rc = kiscrm_money_scale(&scaled, raw, p, 100);
		if (rc == KISCRM_OK)
			FUZZ_ASSERT(raw >= 0 ? scaled >= 0 && scaled <= raw : scaled <= 0 && scaled >= raw,
				    "%lld × %lld%% = %lld", (long long)raw, (long long)p,
				    (long long)scaled);
	}
	free(text);
	return 0;
}

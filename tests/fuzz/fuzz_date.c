/* Fuzz target: date and time parsing (kiscrm/date.h).
 *
 * Input: NUL-terminated text (the bytes as given). Invariants:
 *   - kiscrm_date_parse accepts exactly "YYYY-MM-DD": a parsed date formats back to the
 *     very same text, and its year/month/day round-trip through kiscrm_date_from_ymd;
 *   - kiscrm_time_parse: a parsed time formats and parses back to the same value;
 *   - errors return EINVALID with a message and leave out untouched;
 *   - the first 4 (8) bytes read as a date (time): formatting either fails with EINVALID
 *     (year out of 1..9999) or parses back to the same value. */
#include "fuzz.h"

#include <string.h>

#include "kiscrm.h"

static void check_error(int rc, const char *what)
{
	FUZZ_ASSERT(rc == KISCRM_EINVALID, "%s returned %d", what, rc);
	FUZZ_ASSERT(kiscrm_error_last()->message && kiscrm_error_last()->message[0],
		    "%s: error without message", what);
}

static void date_value(kiscrm_date d)
{
	char buf[16];
	kiscrm_date back = 0;
	int n = kiscrm_date_format(buf, sizeof(buf), d), y, m, day;

	if (n < 0) {
		check_error(n, "kiscrm_date_format");
		return;
	}
	FUZZ_ASSERT(n == 10 && strlen(buf) == 10, "date %d formatted as '%s'", (int)d, buf);
	FUZZ_ASSERT(kiscrm_date_parse(&back, buf) == KISCRM_OK && back == d,
		    "'%s' parsed back as %d, not %d", buf, (int)back, (int)d);
	kiscrm_date_to_ymd(d, &y, &m, &day);
	FUZZ_ASSERT(kiscrm_date_from_ymd(&back, y, m, day) == KISCRM_OK && back == d,
		    "%04d-%02d-%02d does not give back %d", y, m, day, (int)d);
	FUZZ_ASSERT(kiscrm_date_weekday(d) >= 1 && kiscrm_date_weekday(d) <= 7, "weekday of %d",
		    (int)d);
	FUZZ_ASSERT(kiscrm_date_format(buf, 10, d) == KISCRM_EINVALID, "10-byte buffer accepted");
}

static void time_value(kiscrm_time t)
{
	char buf[32];
	kiscrm_time back = 0;
	int n = kiscrm_time_format(buf, sizeof(buf), t);

	if (n < 0) {
		check_error(n, "kiscrm_time_format");
		return;
	}
	FUZZ_ASSERT(n == 20 && strlen(buf) == 20, "time %lld formatted as '%s'", (long long)t, buf);
	FUZZ_ASSERT(kiscrm_time_parse(&back, buf) == KISCRM_OK && back == t,
		    "'%s' parsed back as %lld, not %lld", buf, (long long)back, (long long)t);
	FUZZ_ASSERT(kiscrm_time_date(t) == kiscrm_time_date(back), "date of %lld", (long long)t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	kiscrm_date d = 777;
	kiscrm_time t = 777;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	rc = kiscrm_date_parse(&d, text);
	if (rc == KISCRM_OK) {
		char buf[16];

		FUZZ_ASSERT(kiscrm_date_format(buf, sizeof(buf), d) == 10 && !strcmp(buf, text),
			    "'%s' parsed as %d which formats as '%s'", text, (int)d, buf);
		date_value(d);
	} else {
		check_error(rc, "kiscrm_date_parse");
		FUZZ_ASSERT(d == 777, "date out written on error");
	}

	rc = kiscrm_time_parse(&t, text);
	if (rc == KISCRM_OK)
		time_value(t);
	else {
		check_error(rc, "kiscrm_time_parse");
		FUZZ_ASSERT(t == 777, "time out written on error");
	}

	if (size >= 4) {
		int32_t raw;

		memcpy(&raw, data, sizeof(raw));
		date_value(raw);
	}
	if (size >= 8) {
		int64_t raw;

		memcpy(&raw, data, sizeof(raw));
		time_value(raw);
	}
	free(text);
	return 0;
}

/* Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01.
 *
 * The conversions are Howard Hinnant's days_from_civil / civil_from_days
 * (http://howardhinnant.github.io/date_algorithms.html): shifting the year to start in
 * March puts the leap day last, so the day of the year follows from the month by a
 * linear formula, and 400-year eras of 146097 days make the rest exact integer math.
 * Everything is computed in int64 so that no kiscrm_date value can overflow. */
#include "kiscrm/date.h"
#include "error.h"
#include "core/parse.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SECS_PER_DAY 86400

static const char *const month_names[12] = {
	"January", "February", "March",     "April",   "May",      "June",
	"July",    "August",   "September", "October", "November", "December"
};

/* Floor division and matching non-negative modulo (C's / truncates toward zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	return a - floor_div(a, b) * b;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                                /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* [0, 146096] */
	return era * 146097 + doe - 719468; /* 719468 = days from 0000-03-01 to 1970-01-01 */
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;                                         /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;    /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;                                       /* [0, 11] */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int kiscrm_date_from_ymd(kiscrm_date *out, int year, int month, int day)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "date: NULL output");
	if (year < 1 || year > 9999)
		return kc_error_set(KISCRM_EINVALID, "date: year %d out of range 1..9999", year);
	if (month < 1 || month > 12)
		return kc_error_set(KISCRM_EINVALID, "date: month %d out of range 1..12", month);
	int dim = days_in_month(year, month);
	if (day < 1 || day > dim)
		return kc_error_set(KISCRM_EINVALID, "date: day %d out of range 1..%d for %s %d",
				    day, dim, month_names[month - 1], year);
	*out = (kiscrm_date)days_from_civil(year, month, day);
	return KISCRM_OK;
}

void kiscrm_date_to_ymd(kiscrm_date date, int *year, int *month, int *day)
{
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	if (year)
		*year = (int)y; /* |y| < 6e6 for any int32 day count */
	if (month)
		*month = m;
	if (day)
		*day = d;
}

/* Reads exactly n ASCII digits; returns the value or -1. */
static int read_digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Parses the "YYYY-MM-DD" prefix of s (length already checked) into a date; the
 * error messages quote the whole text. */
static int parse_ymd(kiscrm_date *out, const char *s, const char *what, const char *text)
{
	int y = read_digits(s, 4), m = read_digits(s + 5, 2), d = read_digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-')
		return kc_error_set(KISCRM_EINVALID, "%s '%s' is not of the form YYYY-MM-DD",
				    what, text);
	if (y < 1)
		return kc_error_set(KISCRM_EINVALID, "%s '%s': year 0000 is out of range 1..9999",
				    what, text);
	if (m < 1 || m > 12)
		return kc_error_set(KISCRM_EINVALID, "%s '%s': month %d out of range 1..12", what,
				    text, m);
	int dim = days_in_month(y, m);
	if (d < 1 || d > dim)
		return kc_error_set(KISCRM_EINVALID,
				    "%s '%s': day %d out of range 1..%d for %s %d", what, text, d,
				    dim, month_names[m - 1], y);
	*out = (kiscrm_date)days_from_civil(y, m, d);
	return KISCRM_OK;
}

/* Length of s, stopping early once it exceeds max (text may be huge or unterminated
 * garbage after a valid prefix; we never need more than max + 1 bytes). */
static size_t bounded_len(const char *s, size_t max)
{
	size_t n = 0;
	while (n <= max && s[n])
		n++;
	return n;
}

int kiscrm_date_parse(kiscrm_date *out, const char *text)
{
	if (!out || !text)
		return kc_error_set(KISCRM_EINVALID, "date parse: NULL argument");
	if (bounded_len(text, 10) != 10)
		return kc_error_set(KISCRM_EINVALID, "date '%s' is not of the form YYYY-MM-DD",
				    text);
	return parse_ymd(out, text, "date", text);
}

/* One or two ASCII digits at *p, advancing it; -1 when there are none (or three). */
static int read_1_2_digits(const char **p)
{
	int n = 0, v = 0;
	while (n < 3 && (*p)[n] >= '0' && (*p)[n] <= '9') {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n == 0 || n == 3)
		return -1;
	*p += n;
	return v;
}

int kc_date_parse_excel(kiscrm_date *out, const char *text)
{
	if (!out || !text)
		return kc_error_set(KISCRM_EINVALID, "date parse: NULL argument");
	if (!strchr(text, '/'))
		return kiscrm_date_parse(out, text);
	/* YYYY/M/D: rewritten as YYYY-MM-DD and checked as that, the messages quoting the
	 * text as written. */
	int y = bounded_len(text, 4) >= 4 ? read_digits(text, 4) : -1, m = -1, d = -1;
	const char *p = y >= 0 ? text + 4 : text;
	if (y >= 0 && *p == '/') {
		p++;
		m = read_1_2_digits(&p);
	}
	if (m >= 0 && *p == '/') {
		p++;
		d = read_1_2_digits(&p);
	}
	if (y < 0 || m < 0 || d < 0 || *p)
		return kc_error_set(KISCRM_EINVALID,
				    "date '%s' is not of the form YYYY-MM-DD or YYYY/M/D", text);
	/* y has 4 digits, m and d at most 2: the text fits (the buffer is sized for the
	 * compiler, which cannot see those bounds). */
	char iso[40];
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d", y, m, d);
	return parse_ymd(out, iso, "date", text);
}

int kiscrm_date_format(char *buf, size_t size, kiscrm_date date)
{
	if (!buf)
		return kc_error_set(KISCRM_EINVALID, "date format: NULL buffer");
	if (size < 11)
		return kc_error_set(KISCRM_EINVALID,
				    "date format: buffer of %zu bytes too small, 11 needed", size);
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	if (y < 1 || y > 9999)
		return kc_error_set(KISCRM_EINVALID,
				    "date format: day %ld is in year %lld, outside 1..9999",
				    (long)date, (long long)y);
	snprintf(buf, size, "%04d-%02d-%02d", (int)y, m, d);
	return 10;
}

int kiscrm_date_days_in_month(int year, int month)
{
	if (month < 1 || month > 12)
		return 0;
	return days_in_month(year, month);
}

int kiscrm_date_weekday(kiscrm_date date)
{
	/* 1970-01-01 (day 0) was a Thursday, ISO weekday 4. */
	return (int)floor_mod((int64_t)date + 3, 7) + 1;
}

kiscrm_date kiscrm_date_week_start(kiscrm_date date, int first_weekday)
{
	if (first_weekday < 1 || first_weekday > 7)
		first_weekday = 1;
	int back = (kiscrm_date_weekday(date) - first_weekday + 7) % 7;
	return (kiscrm_date)((int64_t)date - back);
}

void kiscrm_date_iso_week(kiscrm_date date, int *iso_year, int *week)
{
	/* The ISO year of a date is the calendar year of the Thursday of its week, and
	 * week 1 is the week holding that year's first Thursday. */
	int64_t thursday = (int64_t)date - (kiscrm_date_weekday(date) - 1) + 3;
	int64_t y;
	int m, d;
	civil_from_days(thursday, &y, &m, &d);
	int64_t jan1 = days_from_civil(y, 1, 1);
	if (iso_year)
		*iso_year = (int)y;
	if (week)
		*week = (int)((thursday - jan1) / 7 + 1);
}

kiscrm_date kiscrm_date_month_start(kiscrm_date date)
{
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	return (kiscrm_date)((int64_t)date - (d - 1));
}

/* Adds months counted from year y, month m (1-based), clamping d to the target month. */
static int64_t add_months_ymd(int64_t y, int m, int d, int64_t months)
{
	int64_t idx = y * 12 + (m - 1) + months;
	int64_t ny = floor_div(idx, 12);
	int nm = (int)floor_mod(idx, 12) + 1;
	int dim = days_in_month(ny, nm);
	return days_from_civil(ny, nm, d > dim ? dim : d);
}

kiscrm_date kiscrm_date_add_months(kiscrm_date date, int months)
{
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	return (kiscrm_date)add_months_ymd(y, m, d, months);
}

static int norm_fy(int fy_start_month)
{
	return fy_start_month < 1 || fy_start_month > 12 ? 1 : fy_start_month;
}

/* Calendar year in which the fiscal year containing (y, m) starts. */
static int64_t fiscal_year_of(int64_t y, int m, int fy)
{
	return m >= fy ? y : y - 1;
}

kiscrm_date kiscrm_date_fiscal_year_start(kiscrm_date date, int fy_start_month)
{
	int fy = norm_fy(fy_start_month);
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	return (kiscrm_date)days_from_civil(fiscal_year_of(y, m, fy), fy, 1);
}

int kiscrm_date_fiscal_year(kiscrm_date date, int fy_start_month)
{
	int fy = norm_fy(fy_start_month);
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	return (int)fiscal_year_of(y, m, fy);
}

int kiscrm_date_fiscal_quarter(kiscrm_date date, int fy_start_month)
{
	int fy = norm_fy(fy_start_month);
	int64_t y;
	int m, d;
	civil_from_days(date, &y, &m, &d);
	int months_in = (m - fy + 12) % 12; /* months since the fiscal year began, 0..11 */
	return months_in / 3 + 1;
}

kiscrm_date kiscrm_period_start(kiscrm_date date, int period, int first_weekday,
				int fy_start_month)
{
	switch (period) {
	case KISCRM_PERIOD_MONTH:
		return kiscrm_date_month_start(date);
	case KISCRM_PERIOD_QUARTER: {
		int q = kiscrm_date_fiscal_quarter(date, fy_start_month);
		kiscrm_date fy = kiscrm_date_fiscal_year_start(date, fy_start_month);
		return kiscrm_date_add_months(fy, 3 * (q - 1));
	}
	case KISCRM_PERIOD_YEAR:
		return kiscrm_date_fiscal_year_start(date, fy_start_month);
	case KISCRM_PERIOD_WEEK:
	default:
		return kiscrm_date_week_start(date, first_weekday);
	}
}

kiscrm_date kiscrm_period_next(kiscrm_date start, int period)
{
	switch (period) {
	case KISCRM_PERIOD_MONTH:
		return kiscrm_date_add_months(start, 1);
	case KISCRM_PERIOD_QUARTER:
		return kiscrm_date_add_months(start, 3);
	case KISCRM_PERIOD_YEAR:
		return kiscrm_date_add_months(start, 12);
	case KISCRM_PERIOD_WEEK:
	default:
		return (kiscrm_date)((int64_t)start + 7);
	}
}

/* Parses "HH:MM:SS" at s into seconds of the day, or returns -1. */
static int64_t parse_hms(const char *s)
{
	int h = read_digits(s, 2), mi = read_digits(s + 3, 2), se = read_digits(s + 6, 2);
	if (h < 0 || mi < 0 || se < 0 || s[2] != ':' || s[5] != ':')
		return -1;
	if (h > 23 || mi > 59 || se > 59) /* no leap seconds: they have no epoch value */
		return -1;
	return (int64_t)h * 3600 + mi * 60 + se;
}

int kiscrm_time_parse(kiscrm_time *out, const char *text)
{
	if (!out || !text)
		return kc_error_set(KISCRM_EINVALID, "time parse: NULL argument");

	size_t len = bounded_len(text, 20);
	kiscrm_date date;
	int64_t secs = 0;

	/* Accepted: "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SSZ". */
	int shape_ok = len == 10 || (len == 19 && text[10] == ' ') ||
		       (len == 20 && text[10] == 'T' && text[19] == 'Z');
	if (!shape_ok)
		return kc_error_set(KISCRM_EINVALID,
				    "timestamp '%s' is not of the form YYYY-MM-DDTHH:MM:SSZ, "
				    "YYYY-MM-DD HH:MM:SS or YYYY-MM-DD",
				    text);
	int rc = parse_ymd(&date, text, "timestamp", text);
	if (rc)
		return rc;
	if (len > 10) {
		secs = parse_hms(text + 11);
		if (secs < 0)
			return kc_error_set(KISCRM_EINVALID,
					    "timestamp '%s' has an invalid time of day (want "
					    "HH:MM:SS, 00:00:00..23:59:59)",
					    text);
	}
	*out = (int64_t)date * SECS_PER_DAY + secs;
	return KISCRM_OK;
}

int kiscrm_time_format(char *buf, size_t size, kiscrm_time t)
{
	if (!buf)
		return kc_error_set(KISCRM_EINVALID, "time format: NULL buffer");
	if (size < 21)
		return kc_error_set(KISCRM_EINVALID,
				    "time format: buffer of %zu bytes too small, 21 needed", size);
	/* Bound t before splitting so the day count fits any intermediate: years 1..9999
	 * are days -719162..2932896, far inside this window. */
	if (t < -(int64_t)SECS_PER_DAY * 1000000 || t > (int64_t)SECS_PER_DAY * 4000000)
		return kc_error_set(KISCRM_EINVALID,
				    "time format: timestamp %lld is outside years 1..9999",
				    (long long)t);
	int64_t days = floor_div(t, SECS_PER_DAY);
	int64_t sod = t - days * SECS_PER_DAY;
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 1 || y > 9999)
		return kc_error_set(KISCRM_EINVALID,
				    "time format: timestamp %lld is outside years 1..9999",
				    (long long)t);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d, (int)(sod / 3600),
		 (int)(sod / 60 % 60), (int)(sod % 60));
	return 20;
}

kiscrm_date kiscrm_time_date(kiscrm_time t)
{
	/* Floor, not truncation: one second before the epoch is 1969-12-31. The cast
	 * only loses information for timestamps beyond any representable date. */
	return (kiscrm_date)floor_div(t, SECS_PER_DAY);
}

/* The subset of RFC 5545 recurrence rules activities support (kiscrm/activity.h):
 * FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY (WEEKLY), COUNT or UNTIL. Series are
 * expanded on read, occurrence by occurrence from the start, so a rule never needs to
 * be stored expanded. Times are wall-clock seconds: a day is 86,400 of them. */
#include "activities/activities_internal.h"
#include "core/error.h"
#include "kiscrm/date.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INTERVAL 1000
#define MAX_COUNT 10000

static const char *const weekdays[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

static int bad(const char *text, const char *fmt, const char *part)
{
	char msg[160];
	snprintf(msg, sizeof(msg), fmt, part);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "rrule", text, "rrule '%s': %s", text, msg);
}

static int same(const char *a, size_t n, const char *b)
{
	if (strlen(b) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (toupper((unsigned char)a[i]) != b[i])
			return 0;
	return 1;
}

/* A positive integer of at most @max, the whole of [s, s+n). */
static int number(const char *s, size_t n, int max, int *out)
{
	long v = 0;
	if (n == 0 || n > 6)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

static int digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*out = *out * 10 + (s[i] - '0');
	}
	return 0;
}

/* YYYYMMDD (the whole day) or YYYYMMDDTHHMMSS, an optional Z ignored (floating times). */
static int until_value(const char *s, size_t n, kiscrm_time *out)
{
	int y, mo, d, h = 23, mi = 59, se = 59;
	kiscrm_date date;
	if (n > 0 && toupper((unsigned char)s[n - 1]) == 'Z')
		n--;
	if ((n != 8 && n != 15) || digits(s, 4, &y) || digits(s + 4, 2, &mo) || digits(s + 6, 2, &d) ||
	    kiscrm_date_from_ymd(&date, y, mo, d) != KISCRM_OK)
		return -1;
	if (n == 15 && (toupper((unsigned char)s[8]) != 'T' || digits(s + 9, 2, &h) || digits(s + 11, 2, &mi) ||
			digits(s + 13, 2, &se) || h > 23 || mi > 59 || se > 59))
		return -1;
	*out = (kiscrm_time)date * KC_DAY_SECONDS + h * 3600 + mi * 60 + se;
	return 0;
}

static int byday_value(const char *s, size_t n, unsigned *out)
{
	*out = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != ',')
			j++;
		int d = -1;
		for (int k = 0; k < 7; k++)
			if (same(s + i, j - i, weekdays[k]))
				d = k;
		if (d < 0)
			return -1;
		*out |= 1u << d;
		i = j + 1;
	}
	return *out ? 0 : -1;
}

int kc_rrule_parse(kc_rrule *r, const char *text, kiscrm_time start)
{
	memset(r, 0, sizeof(*r));
	r->interval = 1;
	if (!text)
		return KISCRM_OK;
	int seen_freq = 0;
	for (const char *p = text; *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		char part[64];
		snprintf(part, sizeof(part), "%.*s", (int)(len < 60 ? len : 60), p);
		if (!eq)
			return bad(text, "'%s' is not NAME=VALUE", part);
		size_t klen = (size_t)(eq - p), vlen = len - klen - 1;
		const char *v = eq + 1;
		if (same(p, klen, "FREQ")) {
			seen_freq = 1;
			if (same(v, vlen, "DAILY"))
				r->freq = KC_FREQ_DAILY;
			else if (same(v, vlen, "WEEKLY"))
				r->freq = KC_FREQ_WEEKLY;
			else if (same(v, vlen, "MONTHLY"))
				r->freq = KC_FREQ_MONTHLY;
			else
				return bad(text, "%s is not supported (DAILY, WEEKLY, MONTHLY)", part);
		} else if (same(p, klen, "INTERVAL")) {
			if (number(v, vlen, MAX_INTERVAL, &r->interval))
				return bad(text, "%s must be a whole number from 1 to 1000", part);
		} else if (same(p, klen, "COUNT")) {
			if (number(v, vlen, MAX_COUNT, &r->count))
				return bad(text, "%s must be a whole number from 1 to 10000", part);
		} else if (same(p, klen, "UNTIL")) {
			if (until_value(v, vlen, &r->until))
				return bad(text, "%s must be YYYYMMDD or YYYYMMDDTHHMMSS", part);
			r->has_until = 1;
		} else if (same(p, klen, "BYDAY")) {
			if (byday_value(v, vlen, &r->byday))
				return bad(text, "%s must list weekdays MO, TU, WE, TH, FR, SA, SU (no numbers)", part);
		} else {
			return bad(text, "%s is not supported (FREQ, INTERVAL, BYDAY, COUNT, UNTIL)", part);
		}
		p += len;
		if (*p == ';')
			p++;
	}
	if (!seen_freq)
		return bad(text, "%sFREQ is required", "");
	if (r->count && r->has_until)
		return bad(text, "%sCOUNT and UNTIL exclude each other", "");
	if (r->byday && r->freq != KC_FREQ_WEEKLY)
		return bad(text, "%sBYDAY is supported with FREQ=WEEKLY only", "");
	if (r->freq == KC_FREQ_WEEKLY) {
		unsigned own = 1u << (kiscrm_date_weekday(kiscrm_time_date(start)) - 1);
		if (!r->byday)
			r->byday = own;
		else if (!(r->byday & own))
			return bad(text, "%sthe start's weekday must be one of BYDAY (the start is the first occurrence)",
				   "");
	}
	if (r->has_until && r->until < start)
		return bad(text, "%sUNTIL is before the start", "");
	return KISCRM_OK;
}

/* Emits t unless it is past UNTIL or the limit, or COUNT is reached: 1 = the series ended. */
static int emit(const kc_rrule *r, kiscrm_time t, kiscrm_time limit, int *n, kc_occurrence_cb cb, void *payload,
		int *rc)
{
	if ((r->count && *n >= r->count) || (r->has_until && t > r->until) || t >= limit)
		return 1;
	(*n)++;
	*rc = cb(payload, t);
	return *rc != 0;
}

int kc_rrule_expand(const kc_rrule *r, kiscrm_time start, kiscrm_time limit, kc_occurrence_cb cb, void *payload)
{
	int n = 0, rc = 0;
	kiscrm_date first = kiscrm_time_date(start);
	kiscrm_time tod = start - (kiscrm_time)first * KC_DAY_SECONDS;
	if (r->freq == KC_FREQ_NONE) {
		emit(r, start, limit, &n, cb, payload, &rc);
	} else if (r->freq == KC_FREQ_DAILY) {
		for (int64_t k = 0;; k++)
			if (emit(r, start + k * r->interval * KC_DAY_SECONDS, limit, &n, cb, payload, &rc))
				break;
	} else if (r->freq == KC_FREQ_WEEKLY) {
		kiscrm_date monday = kiscrm_date_week_start(first, 1);
		for (int64_t w = 0;; w += r->interval) {
			int ended = 0;
			for (int d = 0; d < 7 && !ended; d++) {
				kiscrm_time t = ((kiscrm_time)monday + w * 7 + d) * KC_DAY_SECONDS + tod;
				if ((r->byday & (1u << d)) && t >= start)
					ended = emit(r, t, limit, &n, cb, payload, &rc);
			}
			if (ended)
				break;
		}
	} else {
		int y, m, d;
		kiscrm_date_to_ymd(first, &y, &m, &d);
		for (int64_t k = 0;; k += r->interval) {
			int64_t months = (int64_t)y * 12 + (m - 1) + k;
			int yy = (int)(months / 12), mm = (int)(months % 12) + 1;
			kiscrm_date date;
			if (yy > 9999)
				break;
			if (d > kiscrm_date_days_in_month(yy, mm))
				continue; /* no such day this month: RFC 5545 skips it */
			if (kiscrm_date_from_ymd(&date, yy, mm, d) != KISCRM_OK)
				break;
			if (emit(r, (kiscrm_time)date * KC_DAY_SECONDS + tod, limit, &n, cb, payload, &rc))
				break;
		}
	}
	return rc < 0 ? rc : KISCRM_OK;
}

typedef struct {
	kiscrm_time want;
	int found;
} has_ctx;

static int has_cb(void *payload, kiscrm_time t)
{
	has_ctx *h = payload;
	if (t == h->want)
		h->found = 1;
	return t >= h->want; /* past it: stop */
}

int kc_rrule_has(const kc_rrule *r, kiscrm_time start, kiscrm_time t)
{
	has_ctx h = { t, 0 };
	if (t < start)
		return 0;
	kc_rrule_expand(r, start, t + 1, has_cb, &h);
	return h.found;
}

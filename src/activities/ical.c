/* iCalendar export (RFC 5545) of a calendar: content lines built whole, then escaped and
 * folded at 75 octets on UTF-8 character boundaries (a fold inside a multi-byte character
 * gives other programs invalid UTF-8, the classic Chinese-calendar bug), CRLF line ends. */
#include "activities/activities_internal.h"
#include "core/buf.h"
#include "core/error.h"
#include "kiscrm/date.h"

#include <stdio.h>
#include <string.h>

#define FOLD 75

/* Appends one content line, folded: at most 75 octets per physical line (a continuation
 * line's leading space included), breaks only before a byte that starts a character. */
static int put_line(kiscrm_buf *out, const char *line, size_t n)
{
	size_t room = FOLD, used = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t len = 1; /* the character starting at i */
		while (i + len < n && ((unsigned char)line[i + len] & 0xC0) == 0x80)
			len++;
		if (used + len > room) {
			rc = kc_buf_put(out, "\r\n ", 3);
			used = 1; /* the space */
		}
		if (rc == 0)
			rc = kc_buf_put(out, line + i, len);
		used += len;
		i += len;
	}
	return rc ? rc : kc_buf_put(out, "\r\n", 2);
}

/* TEXT escaping: backslash, semicolon, comma, newline (a CR of a CRLF is dropped). */
static int put_text(kiscrm_buf *b, const char *s)
{
	int rc = 0;
	for (; rc == 0 && s && *s; s++) {
		switch (*s) {
		case '\\': rc = kc_buf_put(b, "\\\\", 2); break;
		case ';': rc = kc_buf_put(b, "\\;", 2); break;
		case ',': rc = kc_buf_put(b, "\\,", 2); break;
		case '\n': rc = kc_buf_put(b, "\\n", 2); break;
		case '\r': break;
		default: rc = kc_buf_put(b, s, 1);
		}
	}
	return rc;
}

/* YYYYMMDDTHHMMSS, with Z for UTC (DTSTAMP) or floating (the office's wall clock). */
static void ical_time(char buf[24], kiscrm_time t, int utc)
{
	kiscrm_date d = kiscrm_time_date(t);
	int64_t s = t - (int64_t)d * KC_DAY_SECONDS;
	int y, m, day;
	kiscrm_date_to_ymd(d, &y, &m, &day);
	snprintf(buf, 24, "%04d%02d%02dT%02d%02d%02d%s", y, m, day, (int)(s / 3600), (int)(s / 60 % 60),
		 (int)(s % 60), utc ? "Z" : "");
}

typedef struct {
	kiscrm_buf *out;
	kiscrm_buf line;
	char stamp[24];
} writer;

/* "NAME:" + value (raw) as one folded line. */
static int prop(writer *w, const char *name, const char *value)
{
	w->line.size = 0;
	int rc = kc_buf_printf(&w->line, "%s:%s", name, value);
	return rc ? rc : put_line(w->out, w->line.ptr, w->line.size);
}

/* "NAME:" + escaped TEXT as one folded line. */
static int text_prop(writer *w, const char *name, const char *value)
{
	w->line.size = 0;
	int rc = kc_buf_printf(&w->line, "%s:", name);
	if (rc == 0)
		rc = put_text(&w->line, value);
	return rc ? rc : put_line(w->out, w->line.ptr, w->line.size);
}

static int time_prop(writer *w, const char *name, kiscrm_time t)
{
	char v[24];
	ical_time(v, t, 0);
	return prop(w, name, v);
}

static const char *ical_status(const char *status)
{
	return status && strcmp(status, "cancelled") == 0 ? "CANCELLED" : "CONFIRMED";
}

/* One VEVENT: the activity (a series with its rule and cancelled dates), or one of its
 * changed occurrences (RECURRENCE-ID, same UID). */
static int event(writer *w, const kc_activity *a, const kc_exception *e)
{
	char uid[64];
	snprintf(uid, sizeof(uid), "activity-%lld@kiscrm", (long long)a->id);
	kiscrm_time start = e ? (e->has_moved ? e->moved : e->original) : a->start;
	const char *status = e && e->status ? e->status : a->status;
	const char *outcome = e && e->outcome ? e->outcome : a->outcome;
	int rc = prop(w, "BEGIN", "VEVENT");
	if (rc == 0)
		rc = prop(w, "UID", uid);
	if (rc == 0)
		rc = prop(w, "DTSTAMP", w->stamp);
	if (rc == 0 && e)
		rc = time_prop(w, "RECURRENCE-ID", e->original);
	if (rc == 0)
		rc = time_prop(w, "DTSTART", start);
	if (rc == 0 && a->duration_min > 0)
		rc = time_prop(w, "DTEND", start + a->duration_min * 60);
	if (rc == 0 && !e && a->rrule_text)
		rc = prop(w, "RRULE", a->rrule_text);
	for (size_t i = 0; rc == 0 && !e && i < a->nex; i++)
		if (a->ex[i].cancelled)
			rc = time_prop(w, "EXDATE", a->ex[i].original);
	if (rc == 0)
		rc = text_prop(w, "SUMMARY", a->subject);
	if (rc == 0 && outcome)
		rc = text_prop(w, "DESCRIPTION", outcome);
	if (rc == 0)
		rc = text_prop(w, "CATEGORIES", a->type);
	if (rc == 0)
		rc = prop(w, "STATUS", ical_status(status));
	return rc ? rc : prop(w, "END", "VEVENT");
}

int kiscrm_activity_ical(kiscrm_buf *out, kiscrm_db *db, const kiscrm_activity_query *q, kiscrm_time dtstamp)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_activity_ical: out is NULL");
	kc_calendar c;
	int rc = kc_calendar_load(&c, db, q);
	if (rc)
		return rc;
	writer w = { out, KISCRM_BUF_INIT, "" };
	ical_time(w.stamp, dtstamp, 1);
	size_t mark = out->size;
	rc = prop(&w, "BEGIN", "VCALENDAR");
	if (rc == 0)
		rc = prop(&w, "VERSION", "2.0");
	if (rc == 0)
		rc = prop(&w, "PRODID", "-//libkiscrm//activities//ZH");
	if (rc == 0)
		rc = prop(&w, "CALSCALE", "GREGORIAN");
	/* the activities with an occurrence in the window, each once, in id order */
	for (size_t i = 0; rc == 0 && i < c.nacts; i++) {
		int shown = 0;
		for (size_t k = 0; !shown && k < c.nocc; k++)
			shown = c.occ[k].activity == i;
		if (!shown)
			continue;
		const kc_activity *a = &c.acts[i];
		rc = event(&w, a, NULL);
		for (size_t k = 0; rc == 0 && k < a->nex; k++)
			if (!a->ex[k].cancelled)
				rc = event(&w, a, &a->ex[k]);
	}
	if (rc == 0)
		rc = prop(&w, "END", "VCALENDAR");
	kiscrm_buf_dispose(&w.line);
	kc_calendar_free(&c);
	if (rc)
		out->size = mark; /* nothing half-written */
	return rc;
}

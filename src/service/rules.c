/* The rules of the service kinds, run by the store inside the write's transaction: a
 * request names a catalogue product, a configured priority and a known channel; its
 * events come in time order and only where they can happen (nothing after `closed` but
 * the explicit reopen), and the request's `status` follows them. */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/vec.h"
#include "kiscrm/date.h"
#include "kiscrm/service.h"
#include "storage/checks.h"
#include "storage/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const kc_service_event_types[] = { "responded", "waiting", "resumed", "resolved", "reopened", "closed", NULL };
const char *const kc_service_statuses[] = { "open", "waiting", "resolved", "closed", NULL };
static const char *const channels[] = { "phone", "remote", "onsite", "email", "web", "wechat", NULL };

static int type_of(const char *text)
{
	for (int i = 0; text && kc_service_event_types[i]; i++)
		if (strcmp(kc_service_event_types[i], text) == 0)
			return i;
	return -1;
}

int kc_svc_next(int status, int type, int explicit_reopen)
{
	switch (type) {
	case KC_EV_RESPONDED:
		return status == KC_SR_OPEN || status == KC_SR_WAITING ? status : -1;
	case KC_EV_WAITING:
		return status == KC_SR_OPEN ? KC_SR_WAITING : -1;
	case KC_EV_RESUMED:
		return status == KC_SR_WAITING ? KC_SR_OPEN : -1;
	case KC_EV_RESOLVED:
		return status == KC_SR_OPEN || status == KC_SR_WAITING ? KC_SR_RESOLVED : -1;
	case KC_EV_REOPENED:
		return status == KC_SR_RESOLVED || (status == KC_SR_CLOSED && explicit_reopen) ? KC_SR_OPEN : -1;
	case KC_EV_CLOSED:
		return status == KC_SR_RESOLVED ? KC_SR_CLOSED : -1;
	default:
		return -1;
	}
}

/* ---- a request's events ---- */

static int event_cb(void *payload, const kiscrm_value *row)
{
	kc_svc_history *h = payload;
	if (KC_VEC_GROW(h->ev, h->n, h->cap, 8))
		return KISCRM_ENOMEM;
	h->ev[h->n++] = (kc_svc_event){ row[0].u.i, type_of(kc_val_text(&row[KC_FI(KISCRM_SERVICE_EVENT_TYPE)])),
					kc_val_int(&row[KC_FI(KISCRM_SERVICE_EVENT_AT)], 0) };
	return 0;
}

static int by_time(const void *x, const void *y)
{
	const kc_svc_event *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

int kc_svc_history_load(kc_svc_history *h, kiscrm_db *db, kiscrm_id request)
{
	memset(h, 0, sizeof(*h));
	kiscrm_cond c = { KISCRM_SERVICE_EVENT_REQUEST_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = request } } };
	kiscrm_query q = { 1, &c, 0 };
	int rc = kc_db_scan(db, &kc_service_event_def, &q, event_cb, h);
	if (rc == 0)
		kc_sort(h->ev, h->n, sizeof(*h->ev), by_time);
	return rc;
}

void kc_svc_history_free(kc_svc_history *h)
{
	free(h->ev);
	memset(h, 0, sizeof(*h));
}

/* ---- requests ---- */

static int key_error(const char *field, const char *value, const char *what)
{
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, field, value, "service_request.%s: '%s' is not %s", field,
			       value, what);
}

static int in_range(const kiscrm_record *rec, kiscrm_field field, const char *kind, const char *name)
{
	if (kiscrm_record_is_null(rec, field))
		return KISCRM_OK;
	int64_t v = kiscrm_record_int(rec, field);
	if (v >= 1 && v <= 5)
		return KISCRM_OK;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, text, "%s.%s: %s is not a score of 1 to 5", kind, name,
			       text);
}

int kc_service_request_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	const kc_service_config *s = kc_config_service(ctx->db->config);
	const char *product = kiscrm_record_text(rec, KISCRM_SERVICE_REQUEST_PRODUCT);
	const char *priority = kiscrm_record_text(rec, KISCRM_SERVICE_REQUEST_PRIORITY);
	int rc;
	if (product && kc_service_product_find(s, product) < 0)
		return key_error("product", product, "a product of service.yaml catalogue");
	if (priority && kc_named_find(s->priorities, s->npriorities, priority) < 0)
		return key_error("priority", priority, "a priority of service.yaml");
	if ((rc = kc_check_enum(rec, KISCRM_SERVICE_REQUEST_CHANNEL, channels)) != 0 ||
	    (rc = in_range(rec, KISCRM_SERVICE_REQUEST_SATISFACTION, "service_request", "satisfaction")) != 0)
		return rc;
	/* the status is the events' to set: a new request is open, an update keeps it */
	const char *status = old ? kiscrm_record_text(old, KISCRM_SERVICE_REQUEST_STATUS) : NULL;
	return kc_record_put_text(rec, KISCRM_SERVICE_REQUEST_STATUS, status ? status : kc_service_statuses[KC_SR_OPEN]);
}

int kc_satisfaction_survey_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const char *product = kiscrm_record_text(rec, KISCRM_SATISFACTION_SURVEY_PRODUCT);
	if (product && kc_service_product_find(kc_config_service(ctx->db->config), product) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "product", product,
				       "satisfaction_survey.product: '%s' is not a product of service.yaml catalogue", product);
	return in_range(rec, KISCRM_SATISFACTION_SURVEY_SCORE, "satisfaction_survey", "score");
}

/* ---- events ---- */

typedef struct request_view {
	kiscrm_time opened;
	int found;
} request_view;

static int opened_cb(void *payload, const kiscrm_value *row)
{
	request_view *v = payload;
	v->opened = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OPENED)], 0);
	v->found = 1;
	return 0;
}

static int time_error(kiscrm_time at, const char *fmt_what, kiscrm_time than)
{
	char text[32], other[32];
	kiscrm_time_format(text, sizeof(text), at);
	kiscrm_time_format(other, sizeof(other), than);
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "at", text, "service_event.at: %s is before %s (%s)", text,
			       fmt_what, other);
}

/* The status the request's events lead to; the event being written is checked against
 * it (it comes last: not before any other). */
static int status_after(kiscrm_db *db, kiscrm_id request, kiscrm_id self, kiscrm_time at, int *status)
{
	kc_svc_history h;
	int rc = kc_svc_history_load(&h, db, request);
	*status = KC_SR_OPEN;
	for (size_t i = 0; rc == 0 && i < h.n; i++) {
		if (h.ev[i].id == self)
			continue;
		if (h.ev[i].at > at) {
			rc = time_error(at, "the request's latest event", h.ev[h.n - 1].at);
			break;
		}
		int next = kc_svc_next(*status, h.ev[i].type, 1);
		if (next >= 0)
			*status = next;
	}
	kc_svc_history_free(&h);
	return rc;
}

static int set_status(kiscrm_db *db, kiscrm_id request, int status)
{
	kiscrm_record *r = NULL;
	int rc = kiscrm_record_get(&r, db, KISCRM_KIND_SERVICE_REQUEST, request);
	if (rc == 0 && (rc = kc_record_put_text(r, KISCRM_SERVICE_REQUEST_STATUS, kc_service_statuses[status])) == 0)
		rc = kc_db_update(db, r->def, r->vals);
	kiscrm_record_free(r);
	return rc;
}

int kc_service_event_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	if (old)
		return kc_error_set(KISCRM_ECONFLICT, "service_event %lld: events are what happened; append a new one",
				    (long long)kiscrm_record_id(rec));
	int rc = kc_check_enum(rec, KISCRM_SERVICE_EVENT_TYPE, kc_service_event_types);
	if (rc || kiscrm_record_is_null(rec, KISCRM_SERVICE_EVENT_REQUEST_ID) ||
	    kiscrm_record_is_null(rec, KISCRM_SERVICE_EVENT_TYPE) || kiscrm_record_is_null(rec, KISCRM_SERVICE_EVENT_AT))
		return rc; /* the store reports the missing required field */
	kiscrm_id request = kiscrm_record_int(rec, KISCRM_SERVICE_EVENT_REQUEST_ID);
	kiscrm_time at = kiscrm_record_int(rec, KISCRM_SERVICE_EVENT_AT);
	request_view v = { 0, 0 };
	if ((rc = kc_db_get(ctx->db, &kc_service_request_def, request, opened_cb, &v)) != 0)
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc; /* the store reports the reference */
	if (at < v.opened)
		return time_error(at, "the request was opened", v.opened);
	int status, type = type_of(kiscrm_record_text(rec, KISCRM_SERVICE_EVENT_TYPE)), next;
	if ((rc = status_after(ctx->db, request, kiscrm_record_id(rec), at, &status)) != 0)
		return rc;
	if ((next = kc_svc_next(status, type, (ctx->flags & KC_WRITE_REOPEN) != 0)) < 0) {
		const char *t = kc_service_event_types[type];
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "type", t,
				       "service_event.type: request %lld is %s, it cannot be %s%s", (long long)request,
				       kc_service_statuses[status], t,
				       type == KC_EV_REOPENED && status == KC_SR_CLOSED
					       ? " by an event: call kiscrm_service_request_reopen()" : "");
	}
	return set_status(ctx->db, request, next);
}

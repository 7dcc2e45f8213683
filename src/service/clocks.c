/* The clocks of service requests at an instant, computed from the events on the business
 * calendar, never stored (kc_service_each):
 *   - the first-response clock runs from opening to the first `responded` (or `resolved`);
 *   - the resolution clock runs from opening, stops at `waiting` (the customer has the
 *     ball), `resolved` and `closed`, and runs again at `resumed` and `reopened` — so
 *     waiting time extends the deadline instead of eating the limit;
 *   - each limit's deadline is the instant its clock reaches the limit in business
 *     minutes; once missed, it stays missed.
 * The policy is service.yaml's for the tier of the request's service contract (when valid
 * on the day it was opened; else the default tier) and its priority (a complaint: the
 * most urgent; none: the least). */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/str.h"
#include "core/vec.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/service.h"

#include <stdlib.h>
#include <string.h>

/* Walks the events up to @at. */
static int clocks(const kc_service_config *cfg, kc_svc_view *v, const kc_svc_history *h, kiscrm_time at)
{
	const kc_biz_calendar *cal = &cfg->calendar;
	const kc_sla_policy *p = v->policy;
	int64_t left = p->resolution * 60;
	kiscrm_time run_from = v->opened, pause_from = 0;
	int rc;
	v->status = KC_SR_OPEN;
	v->res_running = 1;
	for (size_t i = 0; i < h->n && h->ev[i].at <= at; i++) {
		const kc_svc_event *e = &h->ev[i];
		int next = kc_svc_next(v->status, e->type, 1);
		if (next < 0)
			continue; /* stored before a rule existed: ignored, as the rules would */
		if ((e->type == KC_EV_RESPONDED || e->type == KC_EV_RESOLVED) && !v->responded)
			v->responded = e->at;
		if (v->status == KC_SR_WAITING && next != KC_SR_WAITING) /* the customer answered, or it was solved */
			v->paused += kc_biz_seconds(cal, pause_from, e->at);
		if (v->res_running && next != KC_SR_OPEN) { /* the clock stops */
			int64_t ran = kc_biz_seconds(cal, run_from, e->at);
			if (!v->res_due && ran >= left && (rc = kc_biz_add(cal, run_from, left, &v->res_due)) != 0)
				return rc;
			left -= ran;
			v->res_used += ran;
			v->res_running = 0;
			pause_from = e->at;
		} else if (!v->res_running && next == KC_SR_OPEN) { /* it runs again */
			run_from = e->at;
			v->res_running = 1;
			v->resolved = 0;
		}
		if (next == KC_SR_RESOLVED)
			v->resolved = e->at;
		v->status = next;
	}
	if (v->res_running) {
		v->res_used += kc_biz_seconds(cal, run_from, at);
		if (!v->res_due && (rc = kc_biz_add(cal, run_from, left, &v->res_due)) != 0)
			return rc;
	} else {
		if (v->status == KC_SR_WAITING)
			v->paused += kc_biz_seconds(cal, pause_from, at);
		/* stopped: while waiting, the deadline were the clock to run again at the instant;
		 * once resolved, the one it had when it stopped */
		kiscrm_time base = v->status == KC_SR_WAITING ? at : pause_from;
		if (!v->res_due && (rc = kc_biz_add(cal, base, left > 0 ? left : 0, &v->res_due)) != 0)
			return rc;
	}
	v->fr_used = kc_biz_seconds(cal, v->opened, v->responded ? v->responded : at);
	if ((rc = kc_biz_add(cal, v->opened, p->first_response * 60, &v->fr_due)) != 0)
		return rc;
	v->fr_breached = v->responded ? v->responded > v->fr_due : at > v->fr_due;
	v->res_breached = v->resolved ? v->resolved > v->res_due : (v->res_running && at > v->res_due);
	/* the share used of the clock that runs: the first response until responded, then
	 * the resolution; none once resolved */
	v->used_bp = 0;
	if (!v->responded)
		v->used_bp = v->fr_used * 10000 / (p->first_response * 60);
	else if (v->status != KC_SR_RESOLVED && v->status != KC_SR_CLOSED)
		v->used_bp = v->res_used * 10000 / (p->resolution * 60);
	return KISCRM_OK;
}

/* ---- the requests ---- */

typedef struct request {
	kc_svc_view v;
	char *subject, *product;
} request;

typedef struct loader {
	kiscrm_db *db;
	const kc_service_config *cfg;
	kiscrm_time at;
	kiscrm_id only;
	request *rq;
	size_t n, cap;
} loader;

typedef struct contract_tier {
	const kc_service_config *cfg;
	kiscrm_date day;
	int tier;
} contract_tier;

static int tier_cb(void *payload, const kiscrm_value *row)
{
	contract_tier *c = payload;
	kiscrm_date from = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_VALID_FROM)]);
	kiscrm_date to = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_VALID_TO)]);
	int t = kc_named_find(c->cfg->tiers, c->cfg->ntiers, kc_val_text(&row[KC_FI(KISCRM_CONTRACT_TIER)]));
	if (t >= 0 && (from == KISCRM_DATE_NONE || from <= c->day) && (to == KISCRM_DATE_NONE || c->day <= to))
		c->tier = t;
	return 0;
}

static int request_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kiscrm_time opened = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OPENED)], 0);
	if ((l->only && row[0].u.i != l->only) || (!l->only && opened > l->at))
		return 0;
	if (KC_VEC_GROW(l->rq, l->n, l->cap, 16))
		return KISCRM_ENOMEM;
	request *r = &l->rq[l->n];
	kc_svc_view *v = &r->v;
	memset(r, 0, sizeof(*r));
	v->id = row[0].u.i;
	v->customer = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_CUSTOMER_ID)], 0);
	v->contract = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_CONTRACT_ID)], 0);
	v->owner = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OWNER_ID)], 0);
	v->opened = opened;
	v->satisfaction = (int)kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_SATISFACTION)], 0);
	v->complaint = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_COMPLAINT)], 0) != 0;
	int p = kc_named_find(l->cfg->priorities, l->cfg->npriorities, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_PRIORITY)]));
	v->priority = v->complaint ? 0 : p >= 0 ? p : (int)l->cfg->npriorities - 1;
	contract_tier ct = { l->cfg, kc_biz_local_day(&l->cfg->calendar, opened), l->cfg->default_tier };
	int rc = v->contract ? kc_db_get(l->db, kc_db_def(l->db, KISCRM_KIND_CONTRACT), v->contract, tier_cb, &ct) : 0;
	if (rc && rc != KISCRM_ENOTFOUND)
		return rc;
	v->tier = ct.tier;
	v->policy = kc_sla_policy_of(l->cfg, v->tier, v->priority);
	if ((rc = kc_strdup_to(&r->subject, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_SUBJECT)]))) != 0 ||
	    (rc = kc_strdup_to(&r->product, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_PRODUCT)]))) != 0) {
		free(r->subject);
		return rc;
	}
	l->n++;
	return 0;
}

int kc_service_each(kiscrm_db *db, kiscrm_time at, kiscrm_id request_id, kc_svc_fn fn, void *payload)
{
	const kc_service_config *cfg = kc_config_service(db->config);
	loader l = { db, cfg, at, request_id, NULL, 0, 0 };
	int rc = kc_db_scan(db, &kc_service_request_def, NULL, request_cb, &l);
	if (rc == 0 && request_id && l.n == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "service_request %lld does not exist", (long long)request_id);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		kc_svc_history h;
		kc_svc_view *v = &l.rq[i].v;
		v->subject = l.rq[i].subject;
		v->product = l.rq[i].product;
		if ((rc = kc_svc_history_load(&h, db, v->id)) == 0 && (rc = clocks(cfg, v, &h, at)) == 0)
			rc = fn(payload, v);
		kc_svc_history_free(&h);
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.rq[i].subject);
		free(l.rq[i].product);
	}
	free(l.rq);
	return rc;
}

kiscrm_time kc_service_day_end(const kiscrm_db *db, kiscrm_date day)
{
	const kc_service_config *cfg = kc_config_service(db->config);
	return ((kiscrm_time)day + 1) * 86400 - (kiscrm_time)cfg->calendar.utc_offset_min * 60;
}

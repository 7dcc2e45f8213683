/* SLAs of service requests at an instant (kiscrm_service_sla), computed from the events
 * on the business calendar, never stored:
 *   - the first-response clock runs from opening to the first `responded` (or `resolved`);
 *   - the resolution clock runs from opening, stops at `waiting` (the customer has the
 *     ball), `resolved` and `closed`, and runs again at `resumed` and `reopened` — so
 *     waiting time extends the deadline instead of eating the limit;
 *   - each limit's deadline is the instant its clock reaches the limit in business
 *     minutes; while the clock is stopped, the deadline it would have if it ran again now.
 * Escalation at the instant: the larger share used of a clock still running (the first
 * response until responded, then the resolution) — the owner at the policy's warning
 * percentage, the owner's manager at escalation.manager, the general manager at
 * escalation.general_manager. And kiscrm_service_request_reopen(). */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "analytics/report.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/str.h"
#include "core/vec.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/org.h"
#include "kiscrm/service.h"
#include "storage/record.h"

#include <stdlib.h>
#include <string.h>

typedef struct request {
	kiscrm_id id, customer, contract, owner;
	char *subject;
	int complaint, tier, priority;
	kiscrm_time opened;
} request;

/* What the clocks say at an instant. */
typedef struct sla_state {
	int status;
	kiscrm_time responded, resolved; /* 0: not (yet) */
	kiscrm_time fr_due, res_due;
	int64_t fr_used, res_used, paused; /* business seconds */
	int res_running;                   /* the resolution clock runs at the instant */
} sla_state;

/* Walks the events up to @at. */
static int clocks(const kc_service_config *cfg, const request *rq, const kc_svc_history *h, kiscrm_time at,
		  sla_state *st)
{
	const kc_biz_calendar *cal = &cfg->calendar;
	const kc_sla_policy *p = kc_sla_policy_of(cfg, rq->tier, rq->priority);
	int64_t res_limit = p->resolution * 60, left = res_limit;
	kiscrm_time run_from = rq->opened, pause_from = 0;
	int rc;
	memset(st, 0, sizeof(*st));
	st->status = KC_SR_OPEN;
	st->res_running = 1;
	for (size_t i = 0; i < h->n && h->ev[i].at <= at; i++) {
		const kc_svc_event *e = &h->ev[i];
		int next = kc_svc_next(st->status, e->type, 1);
		if (next < 0)
			continue; /* stored before a rule existed: ignored, as the rules would */
		if ((e->type == KC_EV_RESPONDED || e->type == KC_EV_RESOLVED) && !st->responded)
			st->responded = e->at;
		int stops = st->res_running && next != KC_SR_OPEN;
		int starts = !st->res_running && next == KC_SR_OPEN;
		if (st->status == KC_SR_WAITING && next != KC_SR_WAITING) /* the customer answered, or it was solved */
			st->paused += kc_biz_seconds(cal, pause_from, e->at);
		if (stops) {
			int64_t ran = kc_biz_seconds(cal, run_from, e->at);
			if (!st->res_due && ran >= left && (rc = kc_biz_add(cal, run_from, left, &st->res_due)) != 0)
				return rc;
			left -= ran;
			st->res_used += ran;
			st->res_running = 0;
			pause_from = e->at;
		} else if (starts) {
			run_from = e->at;
			st->res_running = 1;
			st->resolved = 0;
		}
		if (next == KC_SR_RESOLVED)
			st->resolved = e->at;
		st->status = next;
	}
	if (st->res_running) {
		int64_t ran = kc_biz_seconds(cal, run_from, at);
		st->res_used += ran;
		if (!st->res_due && (rc = kc_biz_add(cal, run_from, left, &st->res_due)) != 0)
			return rc;
	} else {
		if (st->status == KC_SR_WAITING)
			st->paused += kc_biz_seconds(cal, pause_from, at);
		/* stopped: while waiting, the deadline were the clock to run again at the instant;
		 * once resolved, the one it had when it stopped */
		kiscrm_time base = st->status == KC_SR_WAITING ? at : pause_from;
		if (!st->res_due && (rc = kc_biz_add(cal, base, left > 0 ? left : 0, &st->res_due)) != 0)
			return rc;
	}
	st->fr_used = kc_biz_seconds(cal, rq->opened, st->responded ? st->responded : at);
	return kc_biz_add(cal, rq->opened, p->first_response * 60, &st->fr_due);
}

/* ---- loading the requests ---- */

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
	memset(r, 0, sizeof(*r));
	r->id = row[0].u.i;
	r->customer = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_CUSTOMER_ID)], 0);
	r->contract = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_CONTRACT_ID)], 0);
	r->owner = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OWNER_ID)], 0);
	r->opened = opened;
	r->complaint = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_COMPLAINT)], 0) != 0;
	int p = kc_named_find(l->cfg->priorities, l->cfg->npriorities, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_PRIORITY)]));
	r->priority = r->complaint ? 0 : p >= 0 ? p : (int)l->cfg->npriorities - 1;
	contract_tier ct = { l->cfg, kc_biz_local_day(&l->cfg->calendar, opened), l->cfg->default_tier };
	int rc = r->contract ? kc_db_get(l->db, kc_db_def(l->db, KISCRM_KIND_CONTRACT), r->contract, tier_cb, &ct) : 0;
	if (rc && rc != KISCRM_ENOTFOUND)
		return rc;
	r->tier = ct.tier;
	if ((rc = kc_strdup_to(&r->subject, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_SUBJECT)]))) != 0)
		return rc;
	l->n++;
	return 0;
}

/* ---- who is alerted ---- */

static int manager_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = kc_val_int(&row[KC_FI(KISCRM_STAFF_MANAGER_ID)], 0);
	return 0;
}

typedef struct gm_find {
	kiscrm_id id;
} gm_find;

static int gm_cb(void *payload, const kiscrm_value *row)
{
	gm_find *g = payload;
	const char *role = kc_val_text(&row[KC_FI(KISCRM_STAFF_ROLE)]);
	if (!g->id && role && strcmp(role, "general_manager") == 0 && kc_val_int(&row[KC_FI(KISCRM_STAFF_ACTIVE)], 1))
		g->id = row[0].u.i;
	return 0;
}

static int escalate_to(kiscrm_db *db, const request *rq, int level, kiscrm_id *to)
{
	*to = 0;
	if (level == 1) {
		*to = rq->owner;
		return KISCRM_OK;
	}
	if (level == 2) {
		int rc = rq->owner ? kc_db_get(db, kc_db_def(db, KISCRM_KIND_STAFF), rq->owner, manager_cb, to) : 0;
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc;
	}
	gm_find g = { 0 };
	int rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_STAFF), NULL, gm_cb, &g);
	*to = g.id;
	return rc;
}

/* ---- the table ---- */

static const char *const cols[] = {
	"request_id:int", "customer_id:int", "subject:text", "complaint:int", "tier:text", "priority:text",
	"status:text", "opened:time", "first_response_due:time", "first_response:time", "first_response_minutes:int",
	"resolution_due:time", "resolved:time", "resolution_minutes:int", "paused_minutes:int", "used:rate",
	"first_response_breached:int", "resolution_breached:int", "escalation:text", "escalate_to_id:int", NULL,
};

static const char *const levels[] = { NULL, "owner", "manager", "general_manager" };

static int row_of(kiscrm_db *db, kiscrm_table *t, const kc_service_config *cfg, const request *rq,
		  const sla_state *st, kiscrm_time at)
{
	const kc_sla_policy *p = kc_sla_policy_of(cfg, rq->tier, rq->priority);
	size_t row;
	int rc;
	/* the share used of the clock that runs: the first response until responded, then the
	 * resolution; in basis points, exact */
	int64_t used_bp = 0;
	if (!st->responded)
		used_bp = st->fr_used * 10000 / (p->first_response * 60);
	else if (st->status != KC_SR_RESOLVED && st->status != KC_SR_CLOSED)
		used_bp = st->res_used * 10000 / (p->resolution * 60);
	double used = (double)used_bp / 10000.0;
	int level = used_bp >= cfg->gm_bp ? 3 : used_bp >= cfg->manager_bp ? 2 : used_bp >= p->warning_bp ? 1 : 0;
	int fr_breached = st->responded ? st->responded > st->fr_due : at > st->fr_due;
	int res_breached = st->resolved ? st->resolved > st->res_due : (st->res_running && at > st->res_due);
	kiscrm_id to = 0;
	if (level && (rc = escalate_to(db, rq, level, &to)) != 0)
		return rc;
	if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, rq->id)) ||
	    (rc = kc_cell_int(t, row, 1, rq->customer)) || (rc = kc_cell_text(t, row, 2, rq->subject)) ||
	    (rc = kc_cell_int(t, row, 3, rq->complaint)) || (rc = kc_cell_text(t, row, 4, cfg->tiers[rq->tier].key)) ||
	    (rc = kc_cell_text(t, row, 5, cfg->priorities[rq->priority].key)) ||
	    (rc = kc_cell_text(t, row, 6, kc_service_statuses[st->status])) || (rc = kc_cell_int(t, row, 7, rq->opened)) ||
	    (rc = kc_cell_int(t, row, 8, st->fr_due)) || (st->responded && (rc = kc_cell_int(t, row, 9, st->responded))) ||
	    (rc = kc_cell_int(t, row, 10, st->fr_used / 60)) || (rc = kc_cell_int(t, row, 11, st->res_due)) ||
	    (st->resolved && (rc = kc_cell_int(t, row, 12, st->resolved))) ||
	    (rc = kc_cell_int(t, row, 13, st->res_used / 60)) || (rc = kc_cell_int(t, row, 14, st->paused / 60)) ||
	    (rc = kc_cell_rate(t, row, 15, used)) || (rc = kc_cell_int(t, row, 16, fr_breached)) ||
	    (rc = kc_cell_int(t, row, 17, res_breached)) || (level && (rc = kc_cell_text(t, row, 18, levels[level]))) ||
	    (to && (rc = kc_cell_int(t, row, 19, to))))
		return rc;
	return KISCRM_OK;
}

int kc_service_sla_rows(kiscrm_table *t, kiscrm_db *db, kiscrm_time at, kiscrm_id request_id, int open_only)
{
	const kc_service_config *cfg = kc_config_service(db->config);
	loader l = { db, cfg, at, request_id, NULL, 0, 0 };
	int rc = kc_db_scan(db, &kc_service_request_def, NULL, request_cb, &l);
	if (rc == 0 && request_id && l.n == 0)
		rc = kc_error_set(KISCRM_ENOTFOUND, "service_request %lld does not exist", (long long)request_id);
	for (size_t i = 0; rc == 0 && i < l.n; i++) {
		kc_svc_history h;
		sla_state st;
		if ((rc = kc_svc_history_load(&h, db, l.rq[i].id)) == 0 && (rc = clocks(cfg, &l.rq[i], &h, at, &st)) == 0 &&
		    !(open_only && st.status == KC_SR_CLOSED))
			rc = row_of(db, t, cfg, &l.rq[i], &st, at);
		kc_svc_history_free(&h);
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.rq[i].subject);
	free(l.rq);
	return rc;
}

int kc_service_sla_table(kiscrm_table **out, kiscrm_db *db, int decimals)
{
	int rc = kiscrm_table_new(out, "service-sla");
	if (rc == 0 && (rc = kc_add_columns(*out, cols)) == 0)
		rc = kiscrm_table_set_money_decimals(*out, decimals);
	if (rc == 0)
		kc_report_label(*out, db);
	return rc;
}

int kiscrm_service_sla(kiscrm_table **out, kiscrm_db *db, kiscrm_time at, kiscrm_id request_id)
{
	if (!out || !db)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_service_sla: %s is NULL", !out ? "out" : "db");
	*out = NULL;
	if (request_id < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "request_id", NULL,
				       "kiscrm_service_sla: request id %lld is negative", (long long)request_id);
	kiscrm_table *t = NULL;
	int rc = kc_service_sla_table(&t, db, db->money_decimals);
	if (rc == 0)
		rc = kc_service_sla_rows(t, db, at, request_id, request_id == 0);
	return kc_report_deliver(out, t, rc);
}

/* ---- reopening ---- */

int kiscrm_service_request_reopen(kiscrm_db *db, kiscrm_id request_id, kiscrm_time at, kiscrm_id by_id)
{
	if (!db)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_service_request_reopen: db is NULL");
	kiscrm_record *ev = NULL;
	int rc = kc_tx_begin(db);
	if (rc)
		return rc;
	if ((rc = kc_record_new(&ev, &kc_service_event_def)) == 0) {
		kc_record_put_int(ev, KISCRM_SERVICE_EVENT_REQUEST_ID, request_id);
		kc_record_put_int(ev, KISCRM_SERVICE_EVENT_AT, at);
		if (by_id)
			kc_record_put_int(ev, KISCRM_SERVICE_EVENT_BY_ID, by_id);
		if ((rc = kc_record_put_text(ev, KISCRM_SERVICE_EVENT_TYPE, kc_service_event_types[KC_EV_REOPENED])) == 0) {
			kc_write_ctx ctx = kc_write_ctx_of(db);
			ctx.flags |= KC_WRITE_REOPEN;
			ctx.at = at;
			rc = kc_store_insert(&ctx, ev);
		}
	}
	kiscrm_record_free(ev);
	return kc_tx_end(db, rc);
}

/* The SLA table of service requests at an instant (kiscrm_service_sla, and the
 * service-sla and complaints reports): each request's deadlines, business minutes,
 * breaches and escalation — the owner at the policy's warning percentage, the owner's
 * manager at escalation.manager, the general manager at escalation.general_manager of
 * the running limit used. And kiscrm_service_request_reopen(). */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "analytics/report.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "entities/entity.h"
#include "kiscrm/org.h"
#include "kiscrm/service.h"
#include "storage/record.h"

#include <string.h>

/* ---- who is alerted ---- */

static int manager_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = kc_val_int(&row[KC_FI(KISCRM_STAFF_MANAGER_ID)], 0);
	return 0;
}

enum { LEVEL_NONE, LEVEL_OWNER, LEVEL_MANAGER, LEVEL_GM };
static const char *const levels[] = { NULL, "owner", "manager", "general_manager" };

static int level_of(const kc_service_config *cfg, const kc_svc_view *v)
{
	return v->used_bp >= cfg->gm_bp ? LEVEL_GM : v->used_bp >= cfg->manager_bp ? LEVEL_MANAGER
	       : v->used_bp >= v->policy->warning_bp ? LEVEL_OWNER : LEVEL_NONE;
}

/* Whom to alert. The general manager is looked up once per table (gm 0: not yet; -1: none). */
static int escalate_to(kiscrm_db *db, const kc_svc_view *v, int level, kiscrm_id *gm, kiscrm_id *to)
{
	*to = 0;
	if (level == LEVEL_OWNER) {
		*to = v->owner;
		return KISCRM_OK;
	}
	if (level == LEVEL_MANAGER) {
		int rc = v->owner ? kc_db_get(db, kc_db_def(db, KISCRM_KIND_STAFF), v->owner, manager_cb, to) : 0;
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc;
	}
	int rc = *gm ? KISCRM_OK : kc_org_general_manager(db, gm);
	if (rc == 0 && !*gm)
		*gm = -1;
	*to = *gm > 0 ? *gm : 0;
	return rc;
}

/* ---- the table ---- */

static const char *const cols[] = {
	"request_id:int", "customer_id:int", "subject:text", "complaint:int", "tier:text", "priority:text",
	"status:text", "opened:time", "first_response_due:time", "first_response:time", "first_response_minutes:int",
	"resolution_due:time", "resolved:time", "resolution_minutes:int", "paused_minutes:int", "used:rate",
	"first_response_breached:int", "resolution_breached:int", "escalation:text", "escalate_to_id:int",
	"satisfaction:int", NULL,
};

static int add_row(kc_sla_rows *s, const kc_svc_view *v)
{
	const kc_service_config *cfg = kc_config_service(s->db->config);
	int level = v->status == KC_SR_CLOSED ? LEVEL_NONE : level_of(cfg, v), rc;
	kiscrm_id to = 0;
	size_t row;
	kiscrm_table *t = s->t;
	if (level && (rc = escalate_to(s->db, v, level, &s->gm, &to)) != 0)
		return rc;
	if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, v->id)) ||
	    (rc = kc_cell_int(t, row, 1, v->customer)) || (rc = kc_cell_text(t, row, 2, v->subject)) ||
	    (rc = kc_cell_int(t, row, 3, v->complaint)) || (rc = kc_cell_text(t, row, 4, cfg->tiers[v->tier].key)) ||
	    (rc = kc_cell_text(t, row, 5, cfg->priorities[v->priority].key)) ||
	    (rc = kc_cell_text(t, row, 6, kc_service_statuses[v->status])) || (rc = kc_cell_int(t, row, 7, v->opened)) ||
	    (rc = kc_cell_int(t, row, 8, v->fr_due)) || (v->responded && (rc = kc_cell_int(t, row, 9, v->responded))) ||
	    (rc = kc_cell_int(t, row, 10, v->fr_used / 60)) || (rc = kc_cell_int(t, row, 11, v->res_due)) ||
	    (v->resolved && (rc = kc_cell_int(t, row, 12, v->resolved))) ||
	    (rc = kc_cell_int(t, row, 13, v->res_used / 60)) || (rc = kc_cell_int(t, row, 14, v->paused / 60)) ||
	    (rc = kc_cell_rate(t, row, 15, (double)v->used_bp / 10000.0)) ||
	    (rc = kc_cell_int(t, row, 16, v->fr_breached)) || (rc = kc_cell_int(t, row, 17, v->res_breached)) ||
	    (level && (rc = kc_cell_text(t, row, 18, levels[level]))) || (to && (rc = kc_cell_int(t, row, 19, to))))
		return rc;
	return v->satisfaction ? kc_cell_int(t, row, 20, v->satisfaction) : KISCRM_OK;
}

static int row_cb(void *payload, const kc_svc_view *v)
{
	kc_sla_rows *s = payload;
	return s->keep && !s->keep(s, v) ? KISCRM_OK : add_row(s, v);
}

int kc_service_sla_table(kiscrm_table **out, kiscrm_db *db, const char *name)
{
	int rc = kiscrm_table_new(out, name);
	if (rc == 0 && (rc = kc_add_columns(*out, cols)) == 0)
		kc_report_label(*out, db);
	return rc;
}

int kc_service_sla_rows(kc_sla_rows *s, kiscrm_id request_id)
{
	return kc_service_each(s->db, s->at, request_id, row_cb, s);
}

static int not_closed(const kc_sla_rows *s, const kc_svc_view *v)
{
	(void)s;
	return v->status != KC_SR_CLOSED;
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
	int rc = kc_service_sla_table(&t, db, "service-sla");
	kc_sla_rows s = { db, t, at, request_id ? NULL : not_closed, NULL, 0 };
	if (rc == 0)
		rc = kc_service_sla_rows(&s, request_id);
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

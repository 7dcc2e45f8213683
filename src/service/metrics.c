/* The service KPI metrics, added through the public metric registry
 * (kiscrm/sys/kpi_metric.h), each for a person (the requests and contracts they own, the
 * surveys that rate them), a department (its subtree's people) or the company:
 *   - satisfaction (满意度): the mean score (1–5) of the requests opened and the surveys
 *     dated in the window;
 *   - sla_compliance (服务及时率): of the requests resolved in the window, the share whose
 *     first response and resolution both met their deadlines;
 *   - renewal_rate (续费率): of the service contracts ending in the window, the share
 *     renewed by a contract signed by as_of.
 * No data when there is nothing to measure. */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "config/service_config.h"
#include "core/field.h"
#include "core/map.h"
#include "kiscrm/org.h"
#include "kiscrm/service.h"
#include "kiscrm/sys/kpi_metric.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Whose records count: the person, the department's people, or everyone. */
typedef struct subject {
	const kiscrm_kpi_context *ctx;
	kc_idmap depts;        /* the department subtree (department scope) */
	kc_idmap staff_dept;   /* staff id → department id (department scope) */
} subject;

static int staff_cb(void *payload, const kiscrm_value *row)
{
	subject *s = payload;
	return kc_idmap_put(&s->staff_dept, row[0].u.i, (size_t)kc_val_int(&row[KC_FI(KISCRM_STAFF_DEPARTMENT_ID)], 0));
}

static int subject_begin(subject *s, kiscrm_db *db, const kiscrm_kpi_context *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	if (ctx->scope != KISCRM_KPI_SCOPE_DEPARTMENT)
		return KISCRM_OK;
	kiscrm_id *ids = NULL;
	size_t n = 0;
	int rc = kiscrm_department_subtree(&ids, &n, db, ctx->department_id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = kc_idmap_put(&s->depts, ids[i], 1);
	kiscrm_ids_free(ids);
	return rc ? rc : kc_db_scan(db, kc_db_def(db, KISCRM_KIND_STAFF), NULL, staff_cb, s);
}

static void subject_end(subject *s)
{
	kc_idmap_dispose(&s->depts);
	kc_idmap_dispose(&s->staff_dept);
}

static int counts(const subject *s, kiscrm_id staff)
{
	size_t dept, yes;
	switch (s->ctx->scope) {
	case KISCRM_KPI_SCOPE_PERSON:
		return staff == s->ctx->staff_id;
	case KISCRM_KPI_SCOPE_DEPARTMENT:
		return kc_idmap_get(&s->staff_dept, staff, &dept) && kc_idmap_get(&s->depts, (int64_t)dept, &yes);
	default:
		return 1;
	}
}

static int in_window(const kiscrm_kpi_context *ctx, kiscrm_date d)
{
	return d != KISCRM_DATE_NONE && d >= ctx->from && d < ctx->to;
}

static void ratio(kiscrm_kpi_value *out, int64_t num, int64_t den)
{
	if (den > 0) {
		out->has_actual = 1;
		out->actual = (double)num / (double)den;
	}
}

/* ---- satisfaction ---- */

typedef struct scores {
	subject s;
	kiscrm_db *db;
	int64_t n, total;
} scores;

static int request_score_cb(void *payload, const kiscrm_value *row)
{
	scores *x = payload;
	int64_t score = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_SATISFACTION)], 0);
	kiscrm_date day = kc_biz_local_day(&kc_config_service(x->db->config)->calendar,
					   kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OPENED)], 0));
	if (score >= 1 && in_window(x->s.ctx, day) && counts(&x->s, kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OWNER_ID)], 0))) {
		x->n++;
		x->total += score;
	}
	return 0;
}

static int survey_cb(void *payload, const kiscrm_value *row)
{
	scores *x = payload;
	if (in_window(x->s.ctx, kc_val_date(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_DATE)])) &&
	    counts(&x->s, kc_val_int(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_ENGINEER_ID)], 0))) {
		x->n++;
		x->total += kc_val_int(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_SCORE)], 0);
	}
	return 0;
}

static int m_satisfaction(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	scores x = { { 0 }, db, 0, 0 };
	int rc = subject_begin(&x.s, db, ctx);
	if (rc == 0 && (rc = kc_db_scan(db, &kc_service_request_def, NULL, request_score_cb, &x)) == 0)
		rc = kc_db_scan(db, &kc_satisfaction_survey_def, NULL, survey_cb, &x);
	if (rc == 0)
		ratio(out, x.total, x.n);
	subject_end(&x.s);
	return rc;
}

/* ---- SLA compliance ---- */

typedef struct compliance {
	subject s;
	const kc_biz_calendar *cal;
	int64_t resolved, met;
} compliance;

static int resolved_cb(void *payload, const kc_svc_view *v)
{
	compliance *c = payload;
	if (!v->resolved || !in_window(c->s.ctx, kc_biz_local_day(c->cal, v->resolved)) || !counts(&c->s, v->owner))
		return KISCRM_OK;
	c->resolved++;
	c->met += !v->fr_breached && !v->res_breached;
	return KISCRM_OK;
}

static int m_sla(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	compliance c = { { 0 }, &kc_config_service(db->config)->calendar, 0, 0 };
	int rc = subject_begin(&c.s, db, ctx);
	if (rc == 0 && ctx->to != KISCRM_DATE_NONE)
		rc = kc_service_each(db, kc_service_day_end(db, ctx->to - 1), 0, resolved_cb, &c);
	if (rc == 0)
		ratio(out, c.met, c.resolved);
	subject_end(&c.s);
	return rc;
}

/* ---- renewal rate ---- */

static int m_renewal(kiscrm_kpi_value *out, kiscrm_db *db, const kiscrm_kpi_context *ctx, void *user)
{
	(void)user;
	subject s;
	kc_renewals r;
	int64_t due = 0, renewed = 0;
	int rc = subject_begin(&s, db, ctx);
	if (rc == 0 && (rc = kc_service_renewals_load(&r, db, ctx->as_of)) == 0) {
		for (size_t i = 0; i < r.n; i++)
			if (in_window(ctx, r.c[i].valid_to) && counts(&s, r.c[i].owner)) {
				due++;
				renewed += r.c[i].renewed_by != 0;
			}
		kc_service_renewals_free(&r);
	}
	if (rc == 0)
		ratio(out, renewed, due);
	subject_end(&s);
	return rc;
}

static void register_all(void)
{
	static const kiscrm_kpi_metric metrics[] = {
		{ KISCRM_KPI_METRIC_VERSION, "satisfaction", "客户满意度", "Customer satisfaction (1-5)",
		  KISCRM_KPI_UNIT_SCORE, NULL, m_satisfaction, NULL },
		{ KISCRM_KPI_METRIC_VERSION, "sla_compliance", "服务及时率", "Service SLA compliance",
		  KISCRM_KPI_UNIT_RATIO, NULL, m_sla, NULL },
		{ KISCRM_KPI_METRIC_VERSION, "renewal_rate", "服务续费率", "Service renewal rate", KISCRM_KPI_UNIT_RATIO,
		  NULL, m_renewal, NULL },
	};
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
		(void)kiscrm_kpi_register_metric(&metrics[i]); /* a program's own metric of the key comes first */
}

void kc_service_metrics_register(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, register_all);
}

/* The service reports: service-sla (requests not closed at the end of the as_of day),
 * complaints (the general manager's spot-check list), satisfaction (averages by product
 * and engineer), service-renewals (service contracts ending within 90 days) and
 * renewal-rate (of the service contracts ending in the window). */
#include "service/kinds.h"
#include "service/service_internal.h"
#include "analytics/report.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/service.h"

#include <stdlib.h>
#include <string.h>

/* ---- service-sla and complaints ---- */

static int in_report(const kc_sla_rows *s, const kc_svc_view *v)
{
	kc_report *r = s->user;
	kc_dims d = { 0 };
	d.owner_id = v->owner;
	d.customer_id = v->customer;
	if (kc_report_staff_department(r, v->owner, &d.department_id) != 0)
		return 0;
	return kc_report_accept(r, &d) &&
	       kc_report_in_window(r, kc_biz_local_day(&kc_config_service(r->db->config)->calendar, v->opened));
}

static int open_in_report(const kc_sla_rows *s, const kc_svc_view *v)
{
	return v->status != KC_SR_CLOSED && in_report(s, v);
}

static int complaint_in_report(const kc_sla_rows *s, const kc_svc_view *v)
{
	return v->complaint && in_report(s, v);
}

static int sla_report(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts, const char *name,
		      int (*keep)(const kc_sla_rows *, const kc_svc_view *))
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_%s: out pointer is NULL", name);
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kiscrm_table *t = NULL;
	if ((rc = kc_service_sla_table(&t, db, name)) == 0) {
		kc_sla_rows s = { db, t, kc_service_day_end(db, r.as_of), keep, &r, 0 };
		rc = kc_service_sla_rows(&s, 0);
	}
	return kc_report_finish(out, t, &r, rc);
}

int kiscrm_report_service_sla(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return sla_report(out, db, opts, "service-sla", open_in_report);
}

int kiscrm_report_complaints(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return sla_report(out, db, opts, "complaints", complaint_in_report);
}

/* ---- the catalogue ---- */

typedef struct product_use {
	kc_report *r;
	int64_t *requests; /* [nproducts] */
} product_use;

static int product_use_cb(void *payload, const kiscrm_value *row)
{
	product_use *u = payload;
	const kc_service_config *cfg = kc_config_service(u->r->db->config);
	int p = kc_service_product_find(cfg, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_PRODUCT)]));
	kiscrm_date day = kc_biz_local_day(&cfg->calendar, kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OPENED)], 0));
	if (p >= 0 && kc_report_in_window(u->r, day) && day <= u->r->as_of)
		u->requests[p]++;
	return 0;
}

int kiscrm_report_service_catalogue(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "key:text", "name:text", "annual_fee:int", "requests:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_service_catalogue: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	const kc_service_config *cfg = kc_config_service(db->config);
	int zh = r.o.lang && strcmp(r.o.lang, "zh") == 0;
	product_use u = { &r, calloc(cfg->nproducts + 1, sizeof(int64_t)) };
	kiscrm_table *t = NULL;
	if (!u.requests)
		rc = kc_error_oom();
	if (rc == 0 && (rc = kc_db_scan(db, &kc_service_request_def, NULL, product_use_cb, &u)) == 0)
		rc = kc_report_listing(&r, &t, "service-catalogue", cols);
	for (size_t i = 0; rc == 0 && i < cfg->nproducts; i++) {
		const kc_service_product *p = &cfg->products[i];
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_text(t, row, 0, p->key)) ||
		    (rc = kc_cell_text(t, row, 1, zh ? p->zh : p->en)) || (rc = kc_cell_int(t, row, 2, p->annual_fee)))
			break;
		rc = kc_cell_int(t, row, 3, u.requests[i]);
	}
	free(u.requests);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- satisfaction ---- */

typedef struct score_sum {
	int64_t n, total, satisfied; /* satisfied: a score of 4 or 5 */
} score_sum;

typedef struct scores {
	kc_report *r;
	score_sum *by_product; /* [nproducts]: catalogue order; [nproducts]: no product */
	kiscrm_id *engineers;
	score_sum *by_engineer;
	size_t nengineers, cap;
	kc_idmap engineer_index;
	score_sum total;
} scores;

static void add_score(score_sum *s, int64_t score)
{
	s->n++;
	s->total += score;
	s->satisfied += score >= 4;
}

static int note_score(scores *s, const char *product, kiscrm_id engineer, int64_t score)
{
	const kc_service_config *cfg = kc_config_service(s->r->db->config);
	int p = kc_service_product_find(cfg, product);
	add_score(&s->by_product[p >= 0 ? (size_t)p : cfg->nproducts], score);
	add_score(&s->total, score);
	if (!engineer)
		return KISCRM_OK;
	size_t i;
	if (!kc_idmap_get(&s->engineer_index, engineer, &i)) {
		if (KC_VEC_GROW(s->engineers, s->nengineers, s->cap, 16) || KC_VEC_RESIZE(s->by_engineer, s->cap))
			return KISCRM_ENOMEM;
		i = s->nengineers++;
		s->engineers[i] = engineer;
		memset(&s->by_engineer[i], 0, sizeof(*s->by_engineer));
		int rc = kc_idmap_put(&s->engineer_index, engineer, i);
		if (rc)
			return rc;
	}
	add_score(&s->by_engineer[i], score);
	return KISCRM_OK;
}

static int accepts(kc_report *r, kiscrm_id engineer, kiscrm_date day)
{
	kc_dims d = { 0 };
	d.owner_id = engineer;
	return kc_report_staff_department(r, engineer, &d.department_id) == 0 && kc_report_accept(r, &d) &&
	       kc_report_in_window(r, day) && day <= r->as_of;
}

static int request_score_cb(void *payload, const kiscrm_value *row)
{
	scores *s = payload;
	int64_t score = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_SATISFACTION)], 0);
	kiscrm_id engineer = kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OWNER_ID)], 0);
	kiscrm_date day = kc_biz_local_day(&kc_config_service(s->r->db->config)->calendar,
					   kc_val_int(&row[KC_FI(KISCRM_SERVICE_REQUEST_OPENED)], 0));
	if (score < 1 || !accepts(s->r, engineer, day))
		return 0;
	return note_score(s, kc_val_text(&row[KC_FI(KISCRM_SERVICE_REQUEST_PRODUCT)]), engineer, score);
}

static int survey_cb(void *payload, const kiscrm_value *row)
{
	scores *s = payload;
	kiscrm_id engineer = kc_val_int(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_ENGINEER_ID)], 0);
	if (!accepts(s->r, engineer, kc_val_date(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_DATE)])))
		return 0;
	return note_score(s, kc_val_text(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_PRODUCT)]), engineer,
			  kc_val_int(&row[KC_FI(KISCRM_SATISFACTION_SURVEY_SCORE)], 0));
}

static int score_row(kiscrm_table *t, kiscrm_row_kind kind, const char *level, const char *key, const char *name,
		     const score_sum *x)
{
	size_t row;
	int rc;
	if ((rc = kc_add_row(t, kind, &row)) || (rc = kc_cell_text(t, row, 0, level)) ||
	    (key && (rc = kc_cell_text(t, row, 1, key))) || (name && (rc = kc_cell_text(t, row, 2, name))) ||
	    (rc = kc_cell_int(t, row, 3, x->n)) || (rc = kc_cell_ratio(t, row, 4, (double)x->total, (double)x->n)))
		return rc;
	return kc_cell_ratio(t, row, 5, (double)x->satisfied, (double)x->n);
}

int kiscrm_report_satisfaction(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "level:text", "key:text", "name:text", "responses:int", "average:rate",
					    "satisfied:rate", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_satisfaction: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	const kc_service_config *cfg = kc_config_service(db->config);
	int zh = r.o.lang && strcmp(r.o.lang, "zh") == 0;
	scores s;
	memset(&s, 0, sizeof(s));
	s.r = &r;
	kiscrm_table *t = NULL;
	if (!(s.by_product = calloc(cfg->nproducts + 1, sizeof(*s.by_product))))
		rc = kc_error_oom();
	if (rc == 0 && (rc = kc_db_scan(db, &kc_service_request_def, NULL, request_score_cb, &s)) == 0 &&
	    (rc = kc_db_scan(db, &kc_satisfaction_survey_def, NULL, survey_cb, &s)) == 0)
		rc = kc_report_listing(&r, &t, "satisfaction", cols);
	for (size_t p = 0; rc == 0 && p <= cfg->nproducts; p++) {
		const kc_service_product *sp = p < cfg->nproducts ? &cfg->products[p] : NULL;
		if (s.by_product[p].n)
			rc = score_row(t, KISCRM_ROW_DETAIL, "product", sp ? sp->key : NULL,
				       sp ? (zh ? sp->zh : sp->en) : NULL, &s.by_product[p]);
	}
	for (size_t e = 0; rc == 0 && e < s.nengineers; e++)
		rc = score_row(t, KISCRM_ROW_DETAIL, "engineer", NULL, kc_report_staff_name(&r, s.engineers[e]),
			       &s.by_engineer[e]);
	if (rc == 0)
		rc = score_row(t, KISCRM_ROW_TOTAL, "total", NULL, NULL, &s.total);
	free(s.by_product);
	free(s.by_engineer);
	free(s.engineers);
	kc_idmap_dispose(&s.engineer_index);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- renewals ---- */

static int contract_cb(void *payload, const kiscrm_value *row)
{
	kc_renewals *s = payload;
	const char *tier = kc_val_text(&row[KC_FI(KISCRM_CONTRACT_TIER)]);
	kiscrm_date to = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_VALID_TO)]);
	if (!tier || to == KISCRM_DATE_NONE)
		return 0; /* not a service contract, or one without an end */
	if (KC_VEC_GROW(s->c, s->n, s->cap, 32))
		return KISCRM_ENOMEM;
	kc_svc_contract *c = &s->c[s->n];
	memset(c, 0, sizeof(*c));
	c->id = row[0].u.i;
	c->customer = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)], 0);
	c->owner = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_OWNER_ID)], 0);
	c->department = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_DEPARTMENT_ID)], 0);
	c->valid_to = to;
	c->amount = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_AMOUNT)], 0);
	int rc;
	if ((rc = kc_strdup_to(&c->number, kc_val_text(&row[KC_FI(KISCRM_CONTRACT_NUMBER)]))) ||
	    (rc = kc_strdup_to(&c->tier, tier)) || (rc = kc_idmap_put(&s->index, c->id, s->n))) {
		free(c->number);
		free(c->tier);
		return rc;
	}
	s->n++;
	return 0;
}

/* A contract renews another when it names it and was signed by as_of. */
static int renewal_cb(void *payload, const kiscrm_value *row)
{
	kc_renewals *s = payload;
	size_t i;
	if (kc_val_date(&row[KC_FI(KISCRM_CONTRACT_SIGNED)]) > s->as_of ||
	    !kc_idmap_get(&s->index, kc_val_int(&row[KC_FI(KISCRM_CONTRACT_RENEWS_ID)], 0), &i))
		return 0;
	if (!s->c[i].renewed_by)
		s->c[i].renewed_by = row[0].u.i;
	return 0;
}

int kc_service_renewals_load(kc_renewals *s, kiscrm_db *db, kiscrm_date as_of)
{
	memset(s, 0, sizeof(*s));
	s->as_of = as_of;
	const kiscrm_kind_def *def = kc_db_def(db, KISCRM_KIND_CONTRACT);
	int rc = kc_db_scan(db, def, NULL, contract_cb, s);
	return rc ? rc : kc_db_scan(db, def, NULL, renewal_cb, s);
}

void kc_service_renewals_free(kc_renewals *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->c[i].number);
		free(s->c[i].tier);
	}
	free(s->c);
	kc_idmap_dispose(&s->index);
}

static int contract_accepted(kc_report *r, const kc_svc_contract *c)
{
	kc_dims d = { 0 };
	d.owner_id = c->owner;
	d.customer_id = c->customer;
	d.department_id = c->department;
	return kc_report_accept(r, &d);
}

int kiscrm_report_service_renewals(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "contract_id:int", "number:text", "customer_id:int", "tier:text",
					    "valid_to:date", "days_left:int", "within:int", "amount:money",
					    "renewed_by:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_service_renewals: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_renewals s;
	kiscrm_table *t = NULL;
	if ((rc = kc_service_renewals_load(&s, db, r.as_of)) == 0)
		rc = kc_report_listing(&r, &t, "service-renewals", cols);
	for (size_t i = 0; rc == 0 && i < s.n; i++) { /* contracts in id order */
		const kc_svc_contract *c = &s.c[i];
		int64_t left = (int64_t)c->valid_to - r.as_of;
		size_t row;
		if (left < 0 || left >= 90 || !contract_accepted(&r, c))
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, c->id)) ||
		    (c->number && (rc = kc_cell_text(t, row, 1, c->number))) || (rc = kc_cell_int(t, row, 2, c->customer)) ||
		    (rc = kc_cell_text(t, row, 3, c->tier)) || (rc = kc_cell_int(t, row, 4, c->valid_to)) ||
		    (rc = kc_cell_int(t, row, 5, left)) || (rc = kc_cell_int(t, row, 6, left < 30 ? 30 : left < 60 ? 60 : 90)) ||
		    (rc = kc_cell_int(t, row, 7, c->amount)))
			break;
		if (c->renewed_by)
			rc = kc_cell_int(t, row, 8, c->renewed_by);
	}
	kc_service_renewals_free(&s);
	return kc_report_finish(out, t, &r, rc);
}

int kiscrm_report_renewal_rate(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "due:int", "renewed:int", "rate:rate", "due_amount:money",
					    "renewed_amount:money", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_renewal_rate: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_renewals s;
	kiscrm_table *t = NULL;
	int64_t due = 0, renewed = 0;
	kiscrm_money due_amount = 0, renewed_amount = 0;
	int overflow = 0;
	if ((rc = kc_service_renewals_load(&s, db, r.as_of)) == 0)
		rc = kc_report_listing(&r, &t, "renewal-rate", cols);
	for (size_t i = 0; rc == 0 && i < s.n; i++) {
		const kc_svc_contract *c = &s.c[i];
		if (!kc_report_in_window(&r, c->valid_to) || !contract_accepted(&r, c))
			continue;
		due++;
		kc_sum_acc(&due_amount, c->amount, &overflow);
		if (c->renewed_by) {
			renewed++;
			kc_sum_acc(&renewed_amount, c->amount, &overflow);
		}
	}
	size_t row;
	if (rc == 0 && overflow)
		rc = kc_sum_overflowed("renewal-rate");
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0 && (rc = kc_cell_int(t, row, 0, due)) == 0 &&
	    (rc = kc_cell_int(t, row, 1, renewed)) == 0 && (rc = kc_cell_ratio(t, row, 2, (double)renewed, (double)due)) == 0 &&
	    (rc = kc_cell_int(t, row, 3, due_amount)) == 0)
		rc = kc_cell_int(t, row, 4, renewed_amount);
	kc_service_renewals_free(&s);
	return kc_report_finish(out, t, &r, rc);
}

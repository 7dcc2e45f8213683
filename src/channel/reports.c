/* The channel reports: partner-results (each partner against its own targets),
 * partner-layout (partners by region with revenue, open pipeline, support given and
 * registrations), registrations (by state as of a date), registrations-expiring and
 * registration-conflicts. */
#include "channel/kinds.h"
#include "channel/regs.h"
#include "analytics/report.h"
#include "config/customers_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/map.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "kiscrm/channel.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pipeline.h"
#include "kiscrm/presales.h"

#include <stdlib.h>
#include <string.h>

/* ---- partners and what they did in the window ---- */

typedef struct partner_row {
	kiscrm_id id, manager;
	char *name, *region, *level, *status, *industries, *lines;
	kiscrm_money contract_target, collection_target, contracts, collected, pipeline;
	int64_t open, support, registrations;
} partner_row;

typedef struct partners {
	kc_report *r;
	partner_row *p;
	size_t n, cap;
	kc_idmap index;
	int overflow;
} partners;

static partner_row *partner_of(partners *s, kiscrm_id id)
{
	size_t i;
	return id && kc_idmap_get(&s->index, id, &i) ? &s->p[i] : NULL;
}

static int partner_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	if (KC_VEC_GROW(s->p, s->n, s->cap, 16))
		return KISCRM_ENOMEM;
	partner_row *p = &s->p[s->n];
	memset(p, 0, sizeof(*p));
	p->id = row[0].u.i;
	p->manager = kc_val_int(&row[KC_FI(KISCRM_PARTNER_MANAGER_ID)], 0);
	int rc;
	if ((rc = kc_strdup_to(&p->name, kc_val_text(&row[KC_FI(KISCRM_PARTNER_NAME)]))) ||
	    (rc = kc_strdup_to(&p->region, kc_val_text(&row[KC_FI(KISCRM_PARTNER_REGION)]))) ||
	    (rc = kc_strdup_to(&p->level, kc_val_text(&row[KC_FI(KISCRM_PARTNER_LEVEL)]))) ||
	    (rc = kc_strdup_to(&p->status, kc_val_text(&row[KC_FI(KISCRM_PARTNER_STATUS)]))) ||
	    (rc = kc_strdup_to(&p->industries, kc_val_text(&row[KC_FI(KISCRM_PARTNER_INDUSTRIES)]))) ||
	    (rc = kc_strdup_to(&p->lines, kc_val_text(&row[KC_FI(KISCRM_PARTNER_PRODUCT_LINES)]))) ||
	    (rc = kc_idmap_put(&s->index, p->id, s->n)) != 0) {
		free(p->name);
		free(p->region);
		free(p->level);
		free(p->status);
		free(p->industries);
		free(p->lines);
		return rc;
	}
	s->n++;
	return 0;
}

/* A partner target counts when its whole span lies in the window. */
static int target_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	partner_row *p = partner_of(s, kc_val_int(&row[KC_FI(KISCRM_PARTNER_TARGET_PARTNER_ID)], 0));
	kiscrm_date start = kc_val_date(&row[KC_FI(KISCRM_PARTNER_TARGET_START)]);
	kiscrm_date end = kc_val_date(&row[KC_FI(KISCRM_PARTNER_TARGET_END)]);
	if (!p || !kc_report_in_window(s->r, start) || !kc_report_in_window(s->r, end - 1))
		return 0;
	const char *metric = kc_val_text(&row[KC_FI(KISCRM_PARTNER_TARGET_METRIC)]);
	kiscrm_money *slot = metric && strcmp(metric, "collection_amount") == 0 ? &p->collection_target : &p->contract_target;
	kc_sum_acc(slot, kc_val_int(&row[KC_FI(KISCRM_PARTNER_TARGET_AMOUNT)], 0), &s->overflow);
	return 0;
}

static int contract_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	partner_row *p = partner_of(s, kc_val_int(&row[KC_FI(KISCRM_CONTRACT_PARTNER_ID)], 0));
	const char *approval = kc_val_text(&row[KC_FI(KISCRM_CONTRACT_APPROVAL)]);
	kiscrm_date signed_on = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_SIGNED)]);
	if (p && !(approval && strcmp(approval, "rejected") == 0) && kc_report_in_window(s->r, signed_on) &&
	    signed_on <= s->r->as_of)
		kc_sum_acc(&p->contracts, kc_val_int(&row[KC_FI(KISCRM_CONTRACT_AMOUNT)], 0), &s->overflow);
	return 0;
}

static int collection_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	partner_row *p = partner_of(s, kc_val_int(&row[KC_FI(KISCRM_COLLECTION_PARTNER_ID)], 0));
	kiscrm_date received = kc_val_date(&row[KC_FI(KISCRM_COLLECTION_RECEIVED)]);
	if (p && kc_report_in_window(s->r, received) && received <= s->r->as_of)
		kc_sum_acc(&p->collected, kc_val_int(&row[KC_FI(KISCRM_COLLECTION_AMOUNT)], 0), &s->overflow);
	return 0;
}

static int opportunity_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	partner_row *p = partner_of(s, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_PARTNER_ID)], 0));
	const char *status = kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]);
	if (p && status && strcmp(status, "open") == 0) {
		p->open++;
		kc_sum_acc(&p->pipeline, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0), &s->overflow);
	}
	return 0;
}

static int support_cb(void *payload, const kiscrm_value *row)
{
	partners *s = payload;
	partner_row *p = partner_of(s, kc_val_int(&row[KC_FI(KISCRM_PRESALES_REQUEST_PARTNER_ID)], 0));
	if (p && kc_report_in_window(s->r, kc_val_date(&row[KC_FI(KISCRM_PRESALES_REQUEST_REQUESTED)])))
		p->support++;
	return 0;
}

static int load_partners(partners *s, kc_report *r)
{
	kiscrm_db *db = r->db;
	memset(s, 0, sizeof(*s));
	s->r = r;
	int rc;
	if ((rc = kc_db_scan(db, &kc_partner_def, NULL, partner_cb, s)) != 0 ||
	    (rc = kc_db_scan(db, &kc_partner_target_def, NULL, target_cb, s)) != 0 ||
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), NULL, contract_cb, s)) != 0 ||
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_COLLECTION), NULL, collection_cb, s)) != 0 ||
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_OPPORTUNITY), NULL, opportunity_cb, s)) != 0 ||
	    (rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_PRESALES_REQUEST), NULL, support_cb, s)) != 0)
		return rc;
	kc_regs regs;
	if ((rc = kc_regs_load(&regs, db, r->as_of)) != 0)
		return rc;
	for (size_t i = 0; i < regs.n; i++) {
		partner_row *p = partner_of(s, regs.r[i].partner);
		if (p && regs.r[i].active)
			p->registrations++;
	}
	kc_regs_free(&regs);
	return s->overflow ? kc_sum_overflowed("partners") : KISCRM_OK;
}

static void free_partners(partners *s)
{
	for (size_t i = 0; i < s->n; i++) {
		partner_row *p = &s->p[i];
		free(p->name);
		free(p->region);
		free(p->level);
		free(p->status);
		free(p->industries);
		free(p->lines);
	}
	free(s->p);
	kc_idmap_dispose(&s->index);
}

/* The owner filter applies to the partner's manager. */
static int partner_accepted(kc_report *r, const partner_row *p)
{
	kc_dims d = { 0 };
	d.owner_id = p->manager;
	return kc_report_staff_department(r, p->manager, &d.department_id) == 0 && kc_report_accept(r, &d);
}

static int result_cells(kiscrm_table *t, size_t row, const partner_row *p)
{
	int rc;
	if ((rc = kc_cell_int(t, row, 3, p->contract_target)) || (rc = kc_cell_int(t, row, 4, p->contracts)) ||
	    (rc = kc_cell_ratio(t, row, 5, (double)p->contracts, (double)p->contract_target)) ||
	    (rc = kc_cell_int(t, row, 6, p->collection_target)) || (rc = kc_cell_int(t, row, 7, p->collected)))
		return rc;
	return kc_cell_ratio(t, row, 8, (double)p->collected, (double)p->collection_target);
}

static void add_totals(partner_row *total, const partner_row *p, int *overflow)
{
	kc_sum_acc(&total->contract_target, p->contract_target, overflow);
	kc_sum_acc(&total->contracts, p->contracts, overflow);
	kc_sum_acc(&total->collection_target, p->collection_target, overflow);
	kc_sum_acc(&total->collected, p->collected, overflow);
	kc_sum_acc(&total->pipeline, p->pipeline, overflow);
	total->open += p->open;
	total->support += p->support;
	total->registrations += p->registrations;
}

int kiscrm_report_partner_results(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "partner_id:int", "partner:text", "level:text", "contract_target:money",
					    "contracts:money", "contract_completion:rate", "collection_target:money",
					    "collected:money", "collection_completion:rate", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_partner_results: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	partners s;
	partner_row total;
	memset(&total, 0, sizeof(total));
	int overflow = 0;
	kiscrm_table *t = NULL;
	if ((rc = load_partners(&s, &r)) == 0)
		rc = kc_report_listing(&r, &t, "partner-results", cols);
	for (size_t i = 0; rc == 0 && i < s.n; i++) {
		const partner_row *p = &s.p[i];
		size_t row;
		if (!partner_accepted(&r, p))
			continue;
		add_totals(&total, p, &overflow);
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, p->id)) ||
		    (rc = kc_cell_text(t, row, 1, p->name)) || (p->level && (rc = kc_cell_text(t, row, 2, p->level))))
			break;
		rc = result_cells(t, row, p);
	}
	size_t row;
	if (rc == 0 && overflow)
		rc = kc_sum_overflowed("partner-results");
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0)
		rc = result_cells(t, row, &total);
	free_partners(&s);
	return kc_report_finish(out, t, &r, rc);
}

/* partner-layout: by region (none last), then name. */
static int by_region(const void *x, const void *y, void *ctx)
{
	const partners *s = ctx;
	const partner_row *a = &s->p[*(const size_t *)x], *b = &s->p[*(const size_t *)y];
	if (!a->region != !b->region)
		return a->region ? -1 : 1;
	int c = a->region ? strcmp(a->region, b->region) : 0;
	return c ? c : strcmp(a->name, b->name);
}

static int layout_cells(kiscrm_table *t, size_t row, const partner_row *p, int64_t partners_n)
{
	int rc;
	if ((rc = kc_cell_int(t, row, 7, partners_n)) || (rc = kc_cell_int(t, row, 8, p->contracts)) ||
	    (rc = kc_cell_int(t, row, 9, p->open)) || (rc = kc_cell_int(t, row, 10, p->pipeline)) ||
	    (rc = kc_cell_int(t, row, 11, p->support)))
		return rc;
	return kc_cell_int(t, row, 12, p->registrations);
}

int kiscrm_report_partner_layout(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "region:text", "partner_id:int", "partner:text", "level:text",
					    "status:text", "industries:text", "product_lines:text", "partners:int",
					    "revenue:money", "open:int", "pipeline:money", "support:int",
					    "registrations:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_partner_layout: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	partners s;
	partner_row group, total;
	memset(&group, 0, sizeof(group));
	memset(&total, 0, sizeof(total));
	int64_t ngroup = 0, ntotal = 0;
	int overflow = 0;
	size_t *order = NULL, n = 0, row;
	kiscrm_table *t = NULL;
	if ((rc = load_partners(&s, &r)) == 0 && !(order = malloc((s.n ? s.n : 1) * sizeof(*order))))
		rc = kc_error_oom();
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		if (partner_accepted(&r, &s.p[i]))
			order[n++] = i;
	if (rc == 0 && (rc = kc_sort_ctx(order, n, sizeof(*order), by_region, &s)) == 0)
		rc = kc_report_listing(&r, &t, "partner-layout", cols);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const partner_row *p = &s.p[order[k]];
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (p->region && (rc = kc_cell_text(t, row, 0, p->region))) ||
		    (rc = kc_cell_int(t, row, 1, p->id)) || (rc = kc_cell_text(t, row, 2, p->name)) ||
		    (p->level && (rc = kc_cell_text(t, row, 3, p->level))) || (rc = kc_cell_text(t, row, 4, p->status)) ||
		    (p->industries && (rc = kc_cell_text(t, row, 5, p->industries))) ||
		    (p->lines && (rc = kc_cell_text(t, row, 6, p->lines))) || (rc = layout_cells(t, row, p, 1)))
			break;
		add_totals(&group, p, &overflow);
		add_totals(&total, p, &overflow);
		ngroup++;
		ntotal++;
		const partner_row *next = k + 1 < n ? &s.p[order[k + 1]] : NULL;
		if (next && ((!next->region && !p->region) || (next->region && p->region && strcmp(next->region, p->region) == 0)))
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_SUBTOTAL, &row)) || (p->region && (rc = kc_cell_text(t, row, 0, p->region))))
			break;
		rc = layout_cells(t, row, &group, ngroup);
		memset(&group, 0, sizeof(group));
		ngroup = 0;
	}
	if (rc == 0 && overflow)
		rc = kc_sum_overflowed("partner-layout");
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0)
		rc = layout_cells(t, row, &total, ntotal);
	free(order);
	free_partners(&s);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- registrations ---- */

static const char *const state_order[] = { "draft", "submitted", "approved", "expired", "rejected", "withdrawn",
					   "converted", NULL };

static size_t state_rank(const char *state)
{
	size_t i = 0;
	while (state_order[i] && strcmp(state_order[i], state) != 0)
		i++;
	return i;
}

static int by_state(const void *x, const void *y, void *ctx)
{
	const kc_regs *s = ctx;
	const kc_reg *a = &s->r[*(const size_t *)x], *b = &s->r[*(const size_t *)y];
	size_t ra = state_rank(a->state), rb = state_rank(b->state);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int reg_cells(kiscrm_table *t, size_t row, const kc_regs *s, const kc_reg *g)
{
	int64_t left = g->valid ? (int64_t)g->valid_until - s->as_of : 0;
	int rc;
	if ((rc = kc_cell_text(t, row, 0, g->state)) || (rc = kc_cell_int(t, row, 1, g->id)) ||
	    (rc = kc_cell_int(t, row, 2, g->partner)) || (rc = kc_cell_text(t, row, 3, g->customer)) ||
	    (rc = kc_cell_text(t, row, 4, g->line)) || (rc = kc_cell_int(t, row, 5, g->amount)) ||
	    (g->valid_until != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 6, g->valid_until))) ||
	    (g->valid && (rc = kc_cell_int(t, row, 7, left))))
		return rc;
	if (g->winner != SIZE_MAX && &s->r[g->winner] != g && g->active && s->r[g->winner].partner != g->partner)
		return kc_cell_int(t, row, 8, s->r[g->winner].id);
	return KISCRM_OK;
}

static const char *const reg_cols[] = { "state:text", "registration_id:int", "partner_id:int", "customer:text",
					"product_line:text", "amount:money", "valid_until:date", "days_left:int",
					"conflicts_with:int", "registrations:int", NULL };

static int registrations_report(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts, int expiring)
{
	const char *name = expiring ? "registrations-expiring" : "registrations";
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_%s: out pointer is NULL", name);
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	int within = kc_config_customers(db->config)->partners.expiring_days;
	kc_regs s;
	kiscrm_table *t = NULL;
	size_t *order = NULL, n = 0, row;
	int64_t group = 0;
	kiscrm_money group_amount = 0;
	int overflow = 0;
	if ((rc = kc_regs_load(&s, db, r.as_of)) == 0 && !(order = malloc((s.n ? s.n : 1) * sizeof(*order))))
		rc = kc_error_oom();
	for (size_t i = 0; rc == 0 && i < s.n; i++)
		if (!expiring || (s.r[i].valid && (int64_t)s.r[i].valid_until - r.as_of < within))
			order[n++] = i;
	if (rc == 0 && !expiring)
		rc = kc_sort_ctx(order, n, sizeof(*order), by_state, &s);
	if (rc == 0)
		rc = kc_report_listing(&r, &t, name, reg_cols);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const kc_reg *g = &s.r[order[k]];
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = reg_cells(t, row, &s, g)))
			break;
		group++;
		kc_sum_acc(&group_amount, g->amount, &overflow);
		if (expiring || (k + 1 < n && strcmp(s.r[order[k + 1]].state, g->state) == 0))
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_SUBTOTAL, &row)) || (rc = kc_cell_text(t, row, 0, g->state)) ||
		    (rc = kc_cell_int(t, row, 5, group_amount)))
			break;
		rc = kc_cell_int(t, row, 9, group);
		group = 0;
		group_amount = 0;
	}
	if (rc == 0 && overflow)
		rc = kc_sum_overflowed(name);
	free(order);
	kc_regs_free(&s);
	return kc_report_finish(out, t, &r, rc);
}

int kiscrm_report_registrations(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return registrations_report(out, db, opts, 0);
}

int kiscrm_report_registrations_expiring(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	return registrations_report(out, db, opts, 1);
}

int kiscrm_report_registration_conflicts(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	static const char *const cols[] = { "customer:text", "product_line:text", "registration_id:int",
					    "partner_id:int", "valid_until:date", "conflict:text", "conflict_id:int",
					    "conflict_partner_id:int", NULL };
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_registration_conflicts: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_regs s;
	kiscrm_table *t = NULL;
	if ((rc = kc_regs_load(&s, db, r.as_of)) == 0)
		rc = kc_report_listing(&r, &t, "registration-conflicts", cols);
	for (size_t i = 0; rc == 0 && i < s.nconflicts; i++) {
		const kc_reg_conflict *c = &s.conflicts[i];
		const kc_reg *w = &s.r[c->winner];
		size_t row;
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_text(t, row, 0, w->customer)) ||
		    (rc = kc_cell_text(t, row, 1, w->line)) || (rc = kc_cell_int(t, row, 2, w->id)) ||
		    (rc = kc_cell_int(t, row, 3, w->partner)) || (rc = kc_cell_int(t, row, 4, w->valid_until)) ||
		    (rc = kc_cell_text(t, row, 5, c->kind == KC_REG_CONFLICT_REGISTRATION ? "registration" : "opportunity")) ||
		    (rc = kc_cell_int(t, row, 6, c->loser)))
			break;
		if (c->loser_partner)
			rc = kc_cell_int(t, row, 7, c->loser_partner);
	}
	kc_regs_free(&s);
	return kc_report_finish(out, t, &r, rc);
}

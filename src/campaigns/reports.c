/* The market-activity reports: campaign-roi (市场活动投入产出, per activity with a sub-total
 * per type and the total) and attribution (each opportunity's credits, which add up to
 * its amount). Both read the attribution of attribution.c. */
#include "campaigns/attribution.h"
#include "config/customers_config.h"
#include "core/error.h"
#include "core/sort.h"
#include "core/sum.h"

#include <stdlib.h>
#include <string.h>

/* What a row of campaign-roi adds up. Counts of leads and opportunities are of distinct
 * ones: under the even model a deal shared by two activities of one type counts once in
 * the type's row and in the total, while its money is split. */
typedef struct roi {
	kiscrm_money budget, cost, pipeline, won;
	int64_t invited, confirmed, attended, leads, opportunities, won_count;
	size_t last_opp, last_won, last_lead; /* 1 + index of the last opportunity/lead counted */
} roi;

typedef struct roi_sums {
	roi *campaigns, *types; /* types[ntypes]: activities of a type no longer configured */
	roi total;
	size_t ntypes;
	int overflow;
} roi_sums;

static void count_once(int64_t *count, size_t *last, size_t item)
{
	if (*last != item + 1) {
		(*count)++;
		*last = item + 1;
	}
}

static void add_money(roi *x, kiscrm_money pipeline, kiscrm_money won, int *overflow)
{
	kc_sum_acc(&x->pipeline, pipeline, overflow);
	kc_sum_acc(&x->won, won, overflow);
}

static size_t type_slot(const roi_sums *s, const kc_campaign_row *c)
{
	return c->type < 0 ? s->ntypes : (size_t)c->type;
}

static void sum_up(roi_sums *s, const kc_attribution *a)
{
	for (size_t i = 0; i < a->ncampaigns; i++) {
		const kc_campaign_row *c = &a->campaigns[i];
		if (!c->selected)
			continue;
		roi *rows[3] = { &s->campaigns[i], &s->types[type_slot(s, c)], &s->total };
		for (int k = 0; k < 3; k++) {
			kc_sum_acc(&rows[k]->budget, c->budget, &s->overflow);
			kc_sum_acc(&rows[k]->cost, c->cost, &s->overflow);
			rows[k]->invited += c->invited;
			rows[k]->confirmed += c->confirmed;
			rows[k]->attended += c->attended;
		}
	}
	for (size_t o = 0; o < a->nopps; o++) {
		const kc_attr_opp *opp = &a->opps[o];
		for (size_t k = opp->first_credit; k < opp->first_credit + opp->ncredits; k++) {
			const kc_credit *cr = &a->credits[k];
			const kc_campaign_row *c = &a->campaigns[cr->campaign];
			if (!c->selected)
				continue;
			int won = opp->state == KISCRM_STAGE_WON;
			kiscrm_money pipeline = opp->state == KISCRM_STAGE_OPEN ? cr->share : 0;
			roi *rows[3] = { &s->campaigns[cr->campaign], &s->types[type_slot(s, c)], &s->total };
			for (int j = 0; j < 3; j++) {
				count_once(&rows[j]->opportunities, &rows[j]->last_opp, o);
				if (won)
					count_once(&rows[j]->won_count, &rows[j]->last_won, o);
				add_money(rows[j], pipeline, won ? cr->share : 0, &s->overflow);
			}
		}
	}
	for (size_t l = 0; l < a->nlinks; l++) { /* sorted by lead: one lead's links are together */
		const kc_campaign_row *c = &a->campaigns[a->links[l].campaign];
		size_t lead = (size_t)a->links[l].lead;
		if (!c->selected)
			continue;
		roi *rows[3] = { &s->campaigns[a->links[l].campaign], &s->types[type_slot(s, c)], &s->total };
		for (int j = 0; j < 3; j++)
			count_once(&rows[j]->leads, &rows[j]->last_lead, lead);
	}
}

static const char *const roi_cols[] = {
	"campaign_id:int", "campaign:text", "type:text", "type_name:text", "start:date", "end:date",
	"budget:money", "cost:money", "invited:int", "confirmed:int", "attended:int", "leads:int",
	"opportunities:int", "won_count:int", "pipeline:money", "won:money", "cost_per_opportunity:money",
	"roi:rate", NULL,
};

static int roi_figures(kiscrm_table *t, size_t row, const roi *x)
{
	int rc;
	if ((rc = kc_cell_int(t, row, 6, x->budget)) || (rc = kc_cell_int(t, row, 7, x->cost)) ||
	    (rc = kc_cell_int(t, row, 8, x->invited)) || (rc = kc_cell_int(t, row, 9, x->confirmed)) ||
	    (rc = kc_cell_int(t, row, 10, x->attended)) || (rc = kc_cell_int(t, row, 11, x->leads)) ||
	    (rc = kc_cell_int(t, row, 12, x->opportunities)) || (rc = kc_cell_int(t, row, 13, x->won_count)) ||
	    (rc = kc_cell_int(t, row, 14, x->pipeline)) || (rc = kc_cell_int(t, row, 15, x->won)))
		return rc;
	if (x->opportunities > 0 && /* rounded half away from zero to the minor unit */
	    (rc = kc_cell_int(t, row, 16, (x->cost + x->opportunities / 2) / x->opportunities)) != 0)
		return rc;
	/* ROI = (won − cost) ÷ cost, NULL when nothing was spent */
	return kc_cell_ratio(t, row, 17, (double)x->won - (double)x->cost, (double)x->cost);
}

static int type_cells(kiscrm_table *t, size_t row, const kc_report *r, int type)
{
	const kc_customers_config *cc = kc_config_customers(r->db->config);
	if (type < 0)
		return KISCRM_OK;
	const kc_named *ct = &cc->campaigns.types[type];
	int zh = r->o.lang && strcmp(r->o.lang, "zh") == 0;
	int rc = kc_cell_text(t, row, 2, ct->key);
	return rc ? rc : kc_cell_text(t, row, 3, zh ? ct->zh : ct->en);
}

static int by_type_start(const void *x, const void *y, void *ctx)
{
	const kc_attribution *a = ctx;
	const kc_campaign_row *c = &a->campaigns[*(const size_t *)x], *d = &a->campaigns[*(const size_t *)y];
	unsigned tc = (unsigned)c->type, td = (unsigned)d->type; /* -1 (unknown) sorts last */
	if (tc != td)
		return tc < td ? -1 : 1;
	if (c->start != d->start)
		return c->start < d->start ? -1 : 1;
	return c->id < d->id ? -1 : c->id > d->id;
}

static int roi_rows(kc_report *r, kiscrm_table *t, const kc_attribution *a, const roi_sums *s)
{
	size_t *order = malloc((a->ncampaigns ? a->ncampaigns : 1) * sizeof(*order)), n = 0, row;
	if (!order)
		return kc_error_oom();
	for (size_t i = 0; i < a->ncampaigns; i++)
		if (a->campaigns[i].selected)
			order[n++] = i;
	int rc = kc_sort_ctx(order, n, sizeof(*order), by_type_start, (void *)a);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		const kc_campaign_row *c = &a->campaigns[order[k]];
		if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, c->id)) ||
		    (rc = kc_cell_text(t, row, 1, c->name)) || (rc = type_cells(t, row, r, c->type)) ||
		    (rc = kc_cell_int(t, row, 4, c->start)) ||
		    (c->end != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 5, c->end))) ||
		    (rc = roi_figures(t, row, &s->campaigns[order[k]])))
			break;
		if (k + 1 < n && a->campaigns[order[k + 1]].type == c->type)
			continue;
		if ((rc = kc_add_row(t, KISCRM_ROW_SUBTOTAL, &row)) == 0 && (rc = type_cells(t, row, r, c->type)) == 0)
			rc = roi_figures(t, row, &s->types[type_slot(s, c)]);
	}
	free(order);
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0)
		rc = roi_figures(t, row, &s->total);
	return rc;
}

int kiscrm_report_campaign_roi(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_campaign_roi: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_attribution a;
	roi_sums s;
	memset(&s, 0, sizeof(s));
	kiscrm_table *t = NULL;
	if ((rc = kc_attribution_load(&a, &r)) == 0) {
		s.ntypes = kc_config_customers(db->config)->campaigns.ntypes;
		s.campaigns = calloc(a.ncampaigns ? a.ncampaigns : 1, sizeof(*s.campaigns));
		s.types = calloc(s.ntypes + 1, sizeof(*s.types));
		if (!s.campaigns || !s.types)
			rc = kc_error_oom();
	}
	if (rc == 0) {
		sum_up(&s, &a);
		if (s.overflow)
			rc = kc_sum_overflowed("campaign-roi");
	}
	if (rc == 0 && (rc = kc_report_listing(&r, &t, "campaign-roi", roi_cols)) == 0)
		rc = roi_rows(&r, t, &a, &s);
	free(s.campaigns);
	free(s.types);
	kc_attribution_free(&a);
	return kc_report_finish(out, t, &r, rc);
}

/* ---- attribution: the credits behind the money ---- */

static const char *const attribution_cols[] = {
	"opportunity_id:int", "opportunity:text", "customer_id:int", "status:text", "created:date",
	"amount:money", "campaign_id:int", "campaign:text", "type:text", "touched:date", "share:money", NULL,
};

static const char *state_name(int state)
{
	return state == KISCRM_STAGE_WON ? "won" : state == KISCRM_STAGE_LOST ? "lost" : "open";
}

static int credit_row(kiscrm_table *t, const kc_attr_opp *o, const kc_campaign_row *c, const kc_credit *cr,
		      const kc_report *r)
{
	size_t row;
	int rc;
	if ((rc = kc_add_row(t, KISCRM_ROW_DETAIL, &row)) || (rc = kc_cell_int(t, row, 0, o->id)) ||
	    (rc = kc_cell_text(t, row, 1, o->name)) || (o->customer && (rc = kc_cell_int(t, row, 2, o->customer))) ||
	    (rc = kc_cell_text(t, row, 3, state_name(o->state))) ||
	    (o->created != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 4, o->created))) ||
	    (rc = kc_cell_int(t, row, 5, o->amount)) || (rc = kc_cell_int(t, row, 6, c->id)) ||
	    (rc = kc_cell_text(t, row, 7, c->name)) ||
	    (c->type >= 0 &&
	     (rc = kc_cell_text(t, row, 8, kc_config_customers(r->db->config)->campaigns.types[c->type].key))) ||
	    (cr->touched != KISCRM_DATE_NONE && (rc = kc_cell_int(t, row, 9, cr->touched))))
		return rc;
	return kc_cell_int(t, row, 10, cr->share);
}

int kiscrm_report_attribution(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_report_attribution: out pointer is NULL");
	*out = NULL;
	kc_report r;
	int rc = kc_report_begin(&r, db, opts);
	if (rc)
		return rc;
	kc_attribution a;
	kiscrm_table *t = NULL;
	kiscrm_money amount = 0, shares = 0;
	int overflow = 0;
	if ((rc = kc_attribution_load(&a, &r)) == 0)
		rc = kc_report_listing(&r, &t, "attribution", attribution_cols);
	for (size_t o = 0; rc == 0 && o < a.nopps; o++) {
		const kc_attr_opp *opp = &a.opps[o];
		if (opp->ncredits == 0 || !kc_report_accept(&r, &opp->dims) || !kc_report_in_window(&r, opp->created))
			continue;
		kc_sum_acc(&amount, opp->amount, &overflow);
		for (size_t k = opp->first_credit; rc == 0 && k < opp->first_credit + opp->ncredits; k++) {
			kc_sum_acc(&shares, a.credits[k].share, &overflow);
			rc = credit_row(t, opp, &a.campaigns[a.credits[k].campaign], &a.credits[k], &r);
		}
	}
	size_t row;
	if (rc == 0 && overflow)
		rc = kc_sum_overflowed("attribution");
	if (rc == 0 && (rc = kc_add_row(t, KISCRM_ROW_TOTAL, &row)) == 0 && (rc = kc_cell_int(t, row, 5, amount)) == 0)
		rc = kc_cell_int(t, row, 10, shares);
	kc_attribution_free(&a);
	return kc_report_finish(out, t, &r, rc);
}

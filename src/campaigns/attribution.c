/* Attribution of opportunities to market activities (see attribution.h).
 *
 * Touches come from two places: the campaign_touch records, and the members who
 * attended (a touch on the activity's start day). An opportunity's touches are those of
 * its customer and of its lead, dated in [created − window_days, created]. The models:
 * primary (the opportunity's campaign_id), first and last touch (ties on one day go to
 * the activity with the smaller id), and even (each activity touched gets an equal
 * share). Shares are split by largest remainder in minor units: the remainders of an even
 * split are all equal, so the extra units go one each to the activities touched first
 * (then by id) — the shares add up to the amount exactly. */
#include "campaigns/attribution.h"
#include "campaigns/kinds.h"
#include "analytics/funnel_data.h"
#include "config/customers_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/sort.h"
#include "core/str.h"
#include "core/sum.h"
#include "core/vec.h"
#include "entities/kinds.h"
#include "kiscrm/campaign.h"
#include "kiscrm/customer.h"
#include "kiscrm/pipeline.h"

#include <stdlib.h>
#include <string.h>

typedef struct kc_touch {
	size_t campaign;
	kiscrm_date date;
	kiscrm_id customer, lead;
	size_t next_customer, next_lead; /* SIZE_MAX: the end of the chain */
} kc_touch;

typedef struct loader {
	kc_attribution *a;
	kc_report *r;
} loader;

static int campaign_index(const kc_attribution *a, kiscrm_id id, size_t *i)
{
	return kc_idmap_get(&a->campaign_index, id, i);
}

static int campaign_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_attribution *a = l->a;
	if (KC_VEC_GROW(a->campaigns, a->ncampaigns, a->cap_campaigns, 16))
		return KISCRM_ENOMEM;
	kc_campaign_row *c = &a->campaigns[a->ncampaigns];
	memset(c, 0, sizeof(*c));
	c->id = row[0].u.i;
	c->owner = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_OWNER_ID)], 0);
	c->department = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_DEPARTMENT_ID)], 0);
	int rc = 0;
	if (!c->department && c->owner)
		rc = kc_report_staff_department(l->r, c->owner, &c->department);
	c->type = kc_campaign_type_find(l->r->db->config, kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_TYPE)]));
	c->start = kc_val_date(&row[KC_FI(KISCRM_CAMPAIGN_START)]);
	c->end = kc_val_date(&row[KC_FI(KISCRM_CAMPAIGN_END)]);
	c->budget = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_BUDGET)], 0);
	kc_dims d = { 0 };
	d.owner_id = c->owner;
	d.department_id = c->department;
	c->selected = kc_report_accept(l->r, &d) && kc_report_in_window(l->r, c->start);
	if (rc || (rc = kc_strdup_to(&c->name, kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_NAME)]))) != 0)
		return rc;
	if ((rc = kc_idmap_put(&a->campaign_index, c->id, a->ncampaigns)) != 0) {
		free(c->name);
		return rc;
	}
	a->ncampaigns++;
	return KISCRM_OK;
}

static int cost_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	size_t i;
	kiscrm_date d = kc_val_date(&row[KC_FI(KISCRM_CAMPAIGN_COST_DATE)]);
	if (d > l->r->as_of ||
	    !campaign_index(l->a, kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_COST_CAMPAIGN_ID)], 0), &i))
		return 0;
	kc_sum_acc(&l->a->campaigns[i].cost, kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_COST_AMOUNT)], 0),
		   &l->a->overflow);
	return 0;
}

static int add_touch(kc_attribution *a, size_t campaign, kiscrm_date date, kiscrm_id customer, kiscrm_id lead)
{
	if (KC_VEC_GROW(a->touches, a->ntouches, a->cap_touches, 64))
		return KISCRM_ENOMEM;
	a->touches[a->ntouches++] = (kc_touch){ campaign, date, customer, lead, SIZE_MAX, SIZE_MAX };
	return KISCRM_OK;
}

static int add_link(kc_attribution *a, kiscrm_id lead, size_t campaign)
{
	if (KC_VEC_GROW(a->links, a->nlinks, a->cap_links, 64))
		return KISCRM_ENOMEM;
	a->links[a->nlinks++] = (kc_lead_link){ lead, campaign };
	return KISCRM_OK;
}

static int customer_of_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = kc_val_int(&row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)], 0);
	return 0;
}

static int member_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_attribution *a = l->a;
	size_t i;
	if (!campaign_index(a, kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID)], 0), &i))
		return 0;
	kc_campaign_row *c = &a->campaigns[i];
	const char *status = kc_val_text(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_STATUS)]);
	int attended = status && strcmp(status, "attended") == 0;
	c->invited++;
	c->confirmed += attended || (status && strcmp(status, "confirmed") == 0);
	c->attended += attended;
	if (!attended || c->start > l->r->as_of)
		return 0;
	kiscrm_id contact = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_CONTACT_ID)], 0), customer = 0;
	kiscrm_id lead = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_LEAD_ID)], 0);
	if (contact) {
		int rc = kc_db_get(l->r->db, &kc_contact_def, contact, customer_of_cb, &customer);
		if (rc && rc != KISCRM_ENOTFOUND)
			return rc;
	}
	if (!customer && !lead)
		return 0; /* a walk-in reaches no customer or lead */
	int rc = add_touch(a, i, c->start, customer, lead);
	return rc || !lead ? rc : add_link(a, lead, i);
}

static int touch_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	size_t i;
	kiscrm_date d = kc_val_date(&row[KC_FI(KISCRM_CAMPAIGN_TOUCH_DATE)]);
	if (d > l->r->as_of ||
	    !campaign_index(l->a, kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_TOUCH_CAMPAIGN_ID)], 0), &i))
		return 0;
	kiscrm_id lead = kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_TOUCH_LEAD_ID)], 0);
	int rc = add_touch(l->a, i, d, kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID)], 0), lead);
	return rc || !lead ? rc : add_link(l->a, lead, i);
}

static int lead_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	size_t i;
	kiscrm_date created = kc_val_date(&row[KC_FI(KISCRM_LEAD_CREATED)]);
	if ((created != KISCRM_DATE_NONE && created > l->r->as_of) ||
	    !campaign_index(l->a, kc_val_int(&row[KC_FI(KISCRM_LEAD_CAMPAIGN_ID)], 0), &i))
		return 0;
	return add_link(l->a, row[0].u.i, i);
}

/* The chains of touches by customer and by lead (newest first: order does not matter). */
static int chain_touches(kc_attribution *a)
{
	for (size_t i = 0; i < a->ntouches; i++) {
		kc_touch *t = &a->touches[i];
		size_t head;
		int rc;
		if (t->customer) {
			if (kc_idmap_get(&a->by_customer, t->customer, &head))
				t->next_customer = head;
			if ((rc = kc_idmap_put(&a->by_customer, t->customer, i)) != 0)
				return rc;
		}
		if (t->lead) {
			if (kc_idmap_get(&a->by_lead, t->lead, &head))
				t->next_lead = head;
			if ((rc = kc_idmap_put(&a->by_lead, t->lead, i)) != 0)
				return rc;
		}
	}
	return KISCRM_OK;
}

static int link_order(const void *x, const void *y)
{
	const kc_lead_link *a = x, *b = y;
	if (a->lead != b->lead)
		return a->lead < b->lead ? -1 : 1;
	return a->campaign < b->campaign ? -1 : a->campaign > b->campaign;
}

static void unique_links(kc_attribution *a)
{
	kc_sort(a->links, a->nlinks, sizeof(*a->links), link_order);
	size_t n = 0;
	for (size_t i = 0; i < a->nlinks; i++)
		if (n == 0 || link_order(&a->links[n - 1], &a->links[i]) != 0)
			a->links[n++] = a->links[i];
	a->nlinks = n;
}

/* ---- crediting one opportunity ---- */

/* A touch ranks before another when earlier, or on the same day of an activity with a
 * smaller id. */
static int touch_before(const kc_attribution *a, const kc_touch *x, const kc_touch *y)
{
	if (x->date != y->date)
		return x->date < y->date;
	return a->campaigns[x->campaign].id < a->campaigns[y->campaign].id;
}

typedef struct picked {
	const kc_touch *first, *last;
} picked;

/* Credits in the making for the even model: each activity touched with its earliest
 * touch in the window. Kept in a->credits past ncredits until committed. */
static int note_touch(kc_attribution *a, const kc_touch *t, size_t *n, picked *p)
{
	if (!p->first || touch_before(a, t, p->first))
		p->first = t;
	if (!p->last || t->date > p->last->date ||
	    (t->date == p->last->date && a->campaigns[t->campaign].id < a->campaigns[p->last->campaign].id))
		p->last = t;
	for (size_t i = 0; i < *n; i++) {
		kc_credit *c = &a->credits[a->ncredits + i];
		if (c->campaign == t->campaign) {
			if (t->date < c->touched)
				c->touched = t->date;
			return KISCRM_OK;
		}
	}
	if (KC_VEC_GROW(a->credits, a->ncredits + *n, a->cap_credits, 64))
		return KISCRM_ENOMEM;
	a->credits[a->ncredits + (*n)++] = (kc_credit){ t->campaign, t->date, 0 };
	return KISCRM_OK;
}

static int in_window(const kc_attribution *a, const kc_touch *t, kiscrm_date created)
{
	return t->date <= created && t->date >= created - a->window_days;
}

static int credit_order(const void *x, const void *y, void *ctx)
{
	const kc_attribution *a = ctx;
	const kc_credit *c = x, *d = y;
	if (c->touched != d->touched)
		return c->touched < d->touched ? -1 : 1;
	kiscrm_id i = a->campaigns[c->campaign].id, j = a->campaigns[d->campaign].id;
	return i < j ? -1 : i > j;
}

static int credit_opp(kc_attribution *a, kc_attr_opp *o, kiscrm_id primary)
{
	size_t n = 0, i;
	o->first_credit = a->ncredits;
	if (a->model == KC_ATTR_PRIMARY) {
		if (!primary || !campaign_index(a, primary, &i))
			return KISCRM_OK;
		if (KC_VEC_GROW(a->credits, a->ncredits, a->cap_credits, 64))
			return KISCRM_ENOMEM;
		a->credits[a->ncredits++] = (kc_credit){ i, KISCRM_DATE_NONE, o->amount };
		o->ncredits = 1;
		return KISCRM_OK;
	}
	if (o->created == KISCRM_DATE_NONE)
		return KISCRM_OK; /* no creation day, no window */
	picked p = { NULL, NULL };
	int rc = 0;
	size_t t;
	if (o->customer && kc_idmap_get(&a->by_customer, o->customer, &t))
		for (; rc == 0 && t != SIZE_MAX; t = a->touches[t].next_customer)
			if (in_window(a, &a->touches[t], o->created))
				rc = note_touch(a, &a->touches[t], &n, &p);
	if (o->lead && kc_idmap_get(&a->by_lead, o->lead, &t))
		for (; rc == 0 && t != SIZE_MAX; t = a->touches[t].next_lead)
			if (in_window(a, &a->touches[t], o->created) &&
			    !(o->customer && a->touches[t].customer == o->customer)) /* walked above */
				rc = note_touch(a, &a->touches[t], &n, &p);
	if (rc || n == 0)
		return rc;
	kc_credit *c = &a->credits[a->ncredits];
	if (a->model != KC_ATTR_EVEN) {
		const kc_touch *pick = a->model == KC_ATTR_FIRST ? p.first : p.last;
		c[0] = (kc_credit){ pick->campaign, pick->date, o->amount };
		n = 1;
	} else {
		/* Largest remainder: every share is amount ÷ n with the same remainder, so the
		 * units left over go one each to the activities touched first. */
		if ((rc = kc_sort_ctx(c, n, sizeof(*c), credit_order, a)) != 0)
			return rc;
		kiscrm_money base = o->amount / (kiscrm_money)n;
		kiscrm_money left = o->amount - base * (kiscrm_money)n; /* |left| < n, sign of amount */
		for (size_t k = 0; k < n; k++) {
			c[k].share = base;
			if (left > 0) {
				c[k].share++;
				left--;
			} else if (left < 0) {
				c[k].share--;
				left++;
			}
		}
	}
	a->ncredits += n;
	o->ncredits = n;
	return KISCRM_OK;
}

static int opportunity_cb(void *payload, const kiscrm_value *row)
{
	loader *l = payload;
	kc_attribution *a = l->a;
	kc_report *r = l->r;
	kiscrm_date created = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CREATED)]);
	if (created != KISCRM_DATE_NONE && created > r->as_of)
		return 0;
	if (KC_VEC_GROW(a->opps, a->nopps, a->cap_opps, 64))
		return KISCRM_ENOMEM;
	kc_attr_opp *o = &a->opps[a->nopps];
	memset(o, 0, sizeof(*o));
	o->id = row[0].u.i;
	o->customer = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CUSTOMER_ID)], 0);
	o->lead = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_LEAD_ID)], 0);
	o->amount = kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_AMOUNT)], 0);
	o->created = created;
	kc_opp_dims(row, &o->dims);
	o->state = kc_opp_state(r->db->config, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_PIPELINE)]),
				kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STAGE)]),
				kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_STATUS)]));
	kiscrm_date closed = kc_val_date(&row[KC_FI(KISCRM_OPPORTUNITY_CLOSED)]);
	if (o->state != KISCRM_STAGE_OPEN && closed != KISCRM_DATE_NONE && closed > r->as_of)
		o->state = KISCRM_STAGE_OPEN; /* decided after as_of: still open then */
	int rc = kc_strdup_to(&o->name, kc_val_text(&row[KC_FI(KISCRM_OPPORTUNITY_NAME)]));
	if (rc)
		return rc;
	a->nopps++;
	return credit_opp(a, o, kc_val_int(&row[KC_FI(KISCRM_OPPORTUNITY_CAMPAIGN_ID)], 0));
}

static int model_of(kc_attribution *a, const kc_report *r)
{
	const kc_customers_config *cc = kc_config_customers(r->db->config);
	a->model = cc->campaigns.model;
	a->window_days = cc->campaigns.window_days;
	const char *m = r->o.attribution;
	if (!m)
		return KISCRM_OK;
	for (int i = 0; kc_attribution_models[i]; i++)
		if (strcmp(kc_attribution_models[i], m) == 0) {
			a->model = i;
			return KISCRM_OK;
		}
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "attribution", m,
			       "attribution model '%s' is not primary, first, last or even", m);
}

int kc_attribution_load(kc_attribution *a, kc_report *r)
{
	memset(a, 0, sizeof(*a));
	loader l = { a, r };
	int rc;
	if ((rc = model_of(a, r)) != 0 ||
	    (rc = kc_db_scan(r->db, &kc_campaign_def, NULL, campaign_cb, &l)) != 0 ||
	    (rc = kc_db_scan(r->db, &kc_campaign_cost_def, NULL, cost_cb, &l)) != 0 ||
	    (rc = kc_db_scan(r->db, &kc_campaign_member_def, NULL, member_cb, &l)) != 0 ||
	    (rc = kc_db_scan(r->db, &kc_campaign_touch_def, NULL, touch_cb, &l)) != 0 ||
	    (rc = kc_db_scan(r->db, kc_db_def(r->db, KISCRM_KIND_LEAD), NULL, lead_cb, &l)) != 0 ||
	    (rc = chain_touches(a)) != 0)
		return rc;
	if (a->overflow)
		return kc_sum_overflowed("campaign costs");
	unique_links(a);
	return kc_db_scan(r->db, kc_db_def(r->db, KISCRM_KIND_OPPORTUNITY), NULL, opportunity_cb, &l);
}

void kc_attribution_free(kc_attribution *a)
{
	for (size_t i = 0; i < a->ncampaigns; i++)
		free(a->campaigns[i].name);
	for (size_t i = 0; i < a->nopps; i++)
		free(a->opps[i].name);
	free(a->campaigns);
	free(a->opps);
	free(a->credits);
	free(a->links);
	free(a->touches);
	kc_idmap_dispose(&a->campaign_index);
	kc_idmap_dispose(&a->by_customer);
	kc_idmap_dispose(&a->by_lead);
	memset(a, 0, sizeof(*a));
}

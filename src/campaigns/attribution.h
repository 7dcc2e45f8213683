/* Attribution of opportunities to market activities (attribution.c), read by the ROI and
 * attribution reports (reports.c): the activities with their costs and members, the
 * opportunities created by the report's as_of, and each opportunity's credits — the
 * activities it is attributed to with their shares of its amount in minor units, which
 * add up to the amount exactly. */
#ifndef KC_CAMPAIGNS_ATTRIBUTION_H
#define KC_CAMPAIGNS_ATTRIBUTION_H

#include "analytics/report.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kc_campaign_row {
	kiscrm_id id, owner, department; /* department: its own, else the owner's */
	char *name;
	int type; /* index into customers.yaml campaigns.types; -1: a type no longer configured */
	kiscrm_date start, end;
	kiscrm_money budget, cost; /* cost: the items dated by as_of, each once */
	int64_t invited, confirmed, attended;
	int selected; /* passes the report's owner/department filters and starts in its window */
} kc_campaign_row;

typedef struct kc_credit {
	size_t campaign;     /* index into campaigns */
	kiscrm_date touched; /* the touch credited (even: the activity's earliest in the window);
				KISCRM_DATE_NONE for the primary model */
	kiscrm_money share;
} kc_credit;

typedef struct kc_attr_opp {
	kiscrm_id id, customer, lead;
	char *name;
	kc_dims dims;
	int state; /* KISCRM_STAGE_*: won only when closed by as_of; -1 unknown */
	kiscrm_money amount;
	kiscrm_date created;
	size_t first_credit, ncredits; /* its credits: credits[first_credit …] */
} kc_attr_opp;

/* A lead linked to an activity, by the lead's campaign_id or by a touch. */
typedef struct kc_lead_link {
	kiscrm_id lead;
	size_t campaign;
} kc_lead_link;

typedef struct kc_attribution {
	int model, window_days;
	kc_campaign_row *campaigns; /* in id order */
	size_t ncampaigns, cap_campaigns;
	kc_attr_opp *opps; /* opportunities created by as_of, in id order */
	size_t nopps, cap_opps;
	kc_credit *credits;
	size_t ncredits, cap_credits;
	kc_lead_link *links; /* sorted by lead, then campaign, without repeats */
	size_t nlinks, cap_links;
	/* private to attribution.c */
	struct kc_touch *touches;
	size_t ntouches, cap_touches;
	kc_idmap campaign_index, by_customer, by_lead; /* id → campaign; id → first touch */
	int overflow;
} kc_attribution;

/* Loads and attributes as of the report's as_of, by the report's model (options
 * `attribution`, else customers.yaml). KISCRM_EINVALID for an unknown model. */
int kc_attribution_load(kc_attribution *a, kc_report *r);
void kc_attribution_free(kc_attribution *a);

#endif

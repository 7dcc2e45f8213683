/* Dated events of a customer or an opportunity (timeline.c): what kiscrm_customer_timeline()
 * lists, and what the key-project drill-down (key_projects.c) lists per project. */
#ifndef KC_ANALYTICS_TIMELINE_H
#define KC_ANALYTICS_TIMELINE_H

#include "core/idvec.h"
#include "kiscrm/types.h"

typedef struct kc_event {
	kiscrm_date date;  /* KISCRM_DATE_NONE: undated (contacts) */
	int order;         /* kind order on the same day */
	const char *kind;  /* static: opportunity, stage_move, contract, collection_plan, … */
	kiscrm_id id;
	char *what, *status;
	int has_amount;
	kiscrm_money amount;
} kc_event;

typedef struct kc_timeline {
	kc_event *ev;
	size_t n, cap;
	kc_idvec opps, contracts; /* gathered on the way, for their moves and money */
} kc_timeline;

/* Adds an opportunity's events: the opportunity, its stage moves, its expected
 * collections, its contracts with their instalments and collections. Start from a zeroed
 * kc_timeline with KC_IDVEC_INIT members. */
int kc_timeline_opportunity(kc_timeline *tl, kiscrm_db *db, kiscrm_id opp);
/* Sorts the events by date (undated first), kind, id. */
void kc_timeline_sort(kc_timeline *tl);
void kc_timeline_free(kc_timeline *tl);

#endif

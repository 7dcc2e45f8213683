/* The presales requests with their weights, ranked, and the presales engineers with their
 * open loads (queue.c); read by kiscrm_presales_assign() and the presales reports. */
#ifndef KC_PRESALES_QUEUE_H
#define KC_PRESALES_QUEUE_H

#include "storage/db.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kc_presales_item {
	kiscrm_id id, opportunity, customer, engineer;
	char *help, *stage, *status, *urgency, *opportunity_name;
	kiscrm_date requested, wanted_from;
	kiscrm_money amount; /* the opportunity's */
	int64_t weight;      /* basis points of the coefficient: 10000 … 50000 */
	int open;            /* submitted or assigned */
} kc_presales_item;

typedef struct kc_presales_engineer {
	kiscrm_id id;
	int64_t load; /* open requests assigned */
} kc_presales_engineer;

typedef struct kc_presales {
	kc_presales_item *items; /* ranked: weight, then wanted_from (unset last), then id */
	size_t n, cap;
	kc_presales_engineer *engineers; /* active staff of role presales, by id */
	size_t nengineers, cap_engineers;
} kc_presales;

int kc_presales_load(kc_presales *q, kiscrm_db *db);
void kc_presales_free(kc_presales *q);
void kc_presales_item_free(kc_presales_item *it);
/* Open requests assigned to @engineer. */
int64_t kc_presales_load_of(const kc_presales *q, kiscrm_id engineer);

#endif

/* The demo company's market activities (demo_campaigns.c). */
#ifndef KISCRM_DEMO_CAMPAIGNS_H
#define KISCRM_DEMO_CAMPAIGNS_H

#include "kiscrm.h"

#include <stddef.h>

/* Inside the demo's transaction, after the opportunities exist: the activities run by
 * @owner (telemarketing by @desk) with their costs, members and touches. *records counts
 * what was stored. 0, or -1 with the library's error set. */
int demo_campaigns_make(kiscrm_db *db, kiscrm_date as_of, kiscrm_id owner, kiscrm_id desk, size_t *records);

#endif

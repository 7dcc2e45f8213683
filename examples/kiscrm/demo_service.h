/* The demo company's service requests and implementation milestones (demo_service.c). */
#ifndef KISCRM_DEMO_SERVICE_H
#define KISCRM_DEMO_SERVICE_H

#include "kiscrm.h"

#include <stddef.h>

/* Inside the demo's transaction: requests of @customers handled by @engineer, and the
 * milestones of @contracts. *records counts what was stored. 0, or -1 with the library's
 * error set. */
int demo_service_make(kiscrm_db *db, kiscrm_date as_of, const kiscrm_id *customers, size_t ncustomers,
		      const kiscrm_id *contracts, size_t ncontracts, kiscrm_id engineer, size_t *records);

#endif

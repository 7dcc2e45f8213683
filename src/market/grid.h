/* The market grid as the reports read it (grid.c): every cell with the customers we have
 * in it as of a date, and whether it is thin (penetration below customers.yaml
 * grid.thin_penetration) or empty. The sufficiency report reads it for its grid-coverage
 * cause. */
#ifndef KC_MARKET_GRID_H
#define KC_MARKET_GRID_H

#include "analytics/report.h"

#include <stddef.h>
#include <stdint.h>

typedef struct kc_grid_cell {
	kiscrm_id id, owner, department; /* department: the owner's */
	char *region, *industry;
	int64_t enterprises, top500, customers;
	int thin; /* penetration below the threshold, or no customers */
} kc_grid_cell;

typedef struct kc_grid {
	kc_grid_cell *cells; /* by region, then industry */
	size_t n, cap;
	int thin_bp;
} kc_grid;

/* Loads the cells and counts in each the customers of its region and industry whose
 * first contract was signed by the report's as_of. */
int kc_grid_load(kc_grid *g, kc_report *r);
void kc_grid_free(kc_grid *g);
/* 1 when customers ÷ enterprises is below thin_bp (or there are no customers). */
int kc_grid_is_thin(const kc_grid *g, int64_t customers, int64_t enterprises);

#endif

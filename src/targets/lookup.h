/* Reading decomposed targets, for the reports that compare with them (rolling budget, gap,
 * sufficiency, forecasts, KPI). Implemented in lookup.c. */
#ifndef KC_TARGETS_LOOKUP_H
#define KC_TARGETS_LOOKUP_H

#include "analytics/report.h"

/* Levels a target can be set at: a bit per dimension. A target row is "at level L" when
 * exactly the dimensions of L are set (non-NULL) on it; 0 is the company level. */
#define KC_TLEVEL_BUSINESS_LINE 0x1u
#define KC_TLEVEL_PRODUCT_LINE 0x2u
#define KC_TLEVEL_DEPARTMENT 0x4u
#define KC_TLEVEL_OWNER 0x8u

/* Metric keys of targets. */
#define KC_METRIC_CONTRACT_AMOUNT "contract_amount"
#define KC_METRIC_COLLECTION_AMOUNT "collection_amount"
#define KC_METRIC_NEW_CUSTOMERS "new_customers"
#define KC_METRIC_OPPORTUNITIES_CREATED "opportunities_created"
#define KC_METRIC_VISITS "visits"

/* Sum of the targets of `metric` whose period kind is `period` (kiscrm_period) and whose
 * start lies in [from, to), set at exactly `level`, with the dimensions of `level` equal to
 * those of *d (d may be NULL for level 0). Money metrics add to *amount, count metrics to
 * *count (either pointer may be NULL). *found is set to 1 when at least one target matched
 * (so "no target" and "a target of 0" differ). */
int kc_target_sum(kiscrm_db *db, const char *metric, int period, kiscrm_date from, kiscrm_date to,
		  unsigned level, const kc_dims *d, kiscrm_money *amount, int64_t *count, int *found);

/* The target level matching a report's group-by dimensions (business line, product line,
 * department, owner); KISCRM_EINVALID when a group (region, industry, size class) has no
 * targets. */
int kc_target_level_of(const kiscrm_report_options *o, unsigned *level);

/* kc_target_sum for many subjects of one window (memo.c): the first lookup of a (metric,
 * period kind, window) reads its targets with one scan into *memo (start with NULL; free
 * with kc_target_memo_free), later ones are answered from memory. @level is 0, or
 * department and/or owner (no business or product line); @dept / @owner 0 = unset.
 * The same answers as kc_target_sum. */
typedef struct kc_target_memo kc_target_memo;
int kc_target_memo_sum(kc_target_memo **memo, kiscrm_db *db, const char *metric, int period, kiscrm_date from,
		       kiscrm_date to, unsigned level, kiscrm_id dept, kiscrm_id owner, kiscrm_money *amount,
		       int64_t *count, int *found);
void kc_target_memo_free(kc_target_memo *memo);

#endif

/* What the files of the value area share: the engine (score.c) computing every customer's
 * value score and class over a window, read by the reports (reports.c, idic.c) and the
 * classification that stores them (classify.c). */
#ifndef KC_VALUE_INTERNAL_H
#define KC_VALUE_INTERNAL_H

#include "analytics/report.h"
#include "config/customers_config.h"
#include "storage/kind.h"

int kc_value_class_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old);

typedef struct kc_value_customer {
	kiscrm_id id, owner, department;
	char *name;
	kiscrm_date first_contract;        /* first contract signed (NONE: none) */
	kiscrm_money contract, service;    /* signed in the window, outside / inside the service line */
	kiscrm_money cost;                 /* cost to serve in the window */
	kiscrm_money previous;             /* signed in the twelve months before the window */
	kiscrm_money score;
	int years;                         /* whole years of relationship at the window's end */
	int ranked;                        /* signed a contract by the window's end */
	int rank;                          /* 1 = best, ties share; 0 when not ranked */
	char cls;                          /* 'A', 'B', 'C'; 0 when not ranked */
	char *lines[8];                    /* product lines in the window (distinct, at most 8 kept) */
	int nlines;                        /* distinct product lines (counted past 8) */
	int accepted;                      /* passes the report's filters */
} kc_value_customer;

typedef struct kc_value {
	kc_report r;
	int begun;
	const kc_value_settings *cfg;
	kc_value_customer *cust;           /* ascending id */
	size_t ncust, cap_cust;
	kc_idmap index;                    /* customer id → index */
	size_t *order;                     /* ranked customers, best first */
	size_t nranked;
	kiscrm_money lapsed_min;           /* idic.c: the edge of last year's largest */
} kc_value;

/* Scores and classes the customers over the window of @opts (required). kc_value_end()
 * in every case. */
int kc_value_run(kc_value *v, kiscrm_db *db, const kiscrm_report_options *opts);
void kc_value_end(kc_value *v);

#endif

/* The projects of the eight-week rolling budget of one week, shared by the rolling table,
 * the gap report and the snapshot writer (budget.c builds it, snapshot.c stores it). */
#ifndef KC_ANALYTICS_BUDGET_BUILD_H
#define KC_ANALYTICS_BUDGET_BUILD_H

#include "report.h"
#include "core/text_memo.h"
#include "kiscrm/budget.h"

#define KC_BNONE ((size_t)-1) /* no text */

typedef enum { KC_BPROJ_OPPORTUNITY = 0, KC_BPROJ_CONTRACT = 1 } kc_bproj_kind;

/* new_project (budget.c) sets every field one by one: a field added here is set there too. */
typedef struct kc_bproject {
	signed char kind;           /* kc_bproj_kind */
	signed char live;           /* found in the live data (else known only from the snapshot) */
	signed char has_plan;       /* the previous snapshot had a line for the past week */
	signed char open;           /* a live opportunity whose status is open */
	int expect_week;            /* 0 … 7; -1: none (a contract, or not expected) */
	kiscrm_id opportunity_id, contract_id, customer_id, owner_id, department_id;
	size_t name, bl, pl, stage, status; /* offsets into the arena, KC_BNONE: NULL */
	size_t customer;            /* the customer's name: set by the full rolling table only */
	kiscrm_date date;           /* expected close (opportunity) or signing date (contract) */
	int probability;            /* -1: none */
	kiscrm_money amount;
	kiscrm_money plan_contract, plan_collection;
	kiscrm_money act_contract, act_collection;
	/* An opportunity expects its amount (and weighted amount) in one week, the week of
	 * its expected close: one week and two sums, not two arrays of eight. With the
	 * collections kept apart (below) a project takes 168 bytes instead of 344: 300,000
	 * projects were 100 MB of fresh pages to fault in, a third of a rolling summary. The
	 * week is expect_week; kc_bproject_contract / _weighted give the eight. */
	kiscrm_money expect_contract, expect_weighted;
	/* Expected collections by week live in kc_budget.colls, only for the projects that
	 * have some (contracts with open plans, opportunities with plans of their own): 64
	 * bytes less for every other project. KC_BNOCOLL: none; kc_bproject_collection reads
	 * a week. */
	uint32_t coll;
} kc_bproject;

#define KC_BNOCOLL UINT32_MAX

/* Expected collections of a project, by week. */
typedef struct kc_bweeks {
	kiscrm_money w[KISCRM_BUDGET_WEEKS];
} kc_bweeks;

static inline kiscrm_money kc_bproject_contract(const kc_bproject *p, int k)
{
	return k >= 0 && p->expect_week == k ? p->expect_contract : 0;
}

static inline kiscrm_money kc_bproject_weighted(const kc_bproject *p, int k)
{
	return k >= 0 && p->expect_week == k ? p->expect_weighted : 0;
}

typedef struct kc_budget {
	kiscrm_date week;    /* W: first day of the week containing as_of */
	kiscrm_date past;    /* W - 7 */
	kiscrm_date end;     /* W + 56: first day after the eight weeks */
	kiscrm_date as_of;
	int has_prev;        /* a snapshot of the past week exists */
	kc_bproject *p;
	size_t n, cap;
	kc_idmap by_opp, by_contract; /* project keys → index into p */
	kc_bweeks *colls;             /* expected collections of the projects that have some */
	size_t ncolls, cap_colls;
	kiscrm_buf arena;             /* NUL-terminated texts */
	kc_text_memo repeated;        /* the scan's interned texts already in the arena (stage,
	                                 status, lines: a few values on 300,000 projects) */
	kc_text_memo open_memo;       /* the scan's interned statuses: whether each is "open" */
	int overflow;                 /* a sum left int64 (kc_sum_acc); the build fails */
	int texts;                    /* KC_BUDGET_TEXTS: every project text is kept */
	int want_bl, want_pl;         /* business and product line kept (texts, or grouped by) */
	struct kc_scratch *scratch;   /* the handle's kept working memory: p and colls come
	                                 from it and go back to it (core/scratch.h) */
} kc_budget;

/* What kc_budget_build keeps of the projects beyond their ids and figures. Without it a
 * project has no name, stage or status, and its business and product lines only when
 * the report groups by them: a rolling summary or gap report needs no more, and copying
 * those texts of 300,000 projects was a sixth of the summary's time. (The customer's
 * name is the full rolling table's alone: it finds it itself.) */
#define KC_BUDGET_TEXTS 1

static inline kiscrm_money kc_bproject_collection(const kc_budget *b, const kc_bproject *p, int k)
{
	return p->coll == KC_BNOCOLL || k < 0 ? 0 : b->colls[p->coll].w[k];
}

/* Builds the projects of the week containing r->as_of (filters are not applied here);
 * @flags: 0 or KC_BUDGET_TEXTS. */
int kc_budget_build(kc_budget *b, kc_report *r, int flags);
void kc_budget_dispose(kc_budget *b);
/* Text at an arena offset, NULL for KC_BNONE. */
const char *kc_budget_text(const kc_budget *b, size_t off);
/* The report dims of a project. */
void kc_budget_dims(const kc_budget *b, const kc_bproject *p, kc_dims *d);
/* Number of fields of a snapshot line. */
#define KC_BUDGET_LINE_FIELDS 18
/* The snapshot line of project p and week k (0 … 7; -1: the line without a week of a
 * project without expectations) into row[KC_BUDGET_LINE_FIELDS]; texts point into b. */
void kc_budget_line(kiscrm_value *row, const kc_budget *b, const kc_bproject *p, kiscrm_id sid, int k);
/* Calls cb with each line of the budget's snapshot (snapshot id sid), as it is saved:
 * one per project and week with a non-zero figure, or one without a week. */
typedef int (*kc_budget_line_cb)(void *payload, const kiscrm_value *row);
int kc_budget_lines(const kc_budget *b, kiscrm_id sid, kc_budget_line_cb cb, void *payload);
/* Id of the snapshot of the week starting `week`: 1 found (*id set), 0 none, <0 error. */
int kc_budget_find_snapshot(kiscrm_db *db, kiscrm_date week, kiscrm_id *id);

#endif

/* The engine shared by the gap, sufficiency, forecast and year-end reports (forecast.c):
 * one pass over collections, contracts, opportunities and targets that accumulates, per
 * group and per period bucket, the closed amount, the weighted and unweighted open
 * pipeline, the category amounts, the collections and the targets.
 *
 * Use: kc_fc_begin (resolves the options: the window is fc->r.from/to), optionally
 * kc_fc_buckets, set want_* flags, kc_fc_run, read kc_fc_cell_at / kc_fc_target for
 * g < fc->r.ngroups, kc_fc_end. */
#ifndef KC_ANALYTICS_FORECAST_INTERNAL_H
#define KC_ANALYTICS_FORECAST_INTERNAL_H

#include "analytics/report.h"
#include "kiscrm/forecast.h"

/* Category slots of kc_fc_cell.cat. */
enum { KC_FC_COMMIT = 0, KC_FC_BEST_CASE = 1, KC_FC_PIPELINE = 2 };
/* Target metrics. */
/* Target metrics the engine reads: the two money ones, and the counts the gap report
 * sets beside them (measured through the KPI metric registry). */
enum { KC_FC_CONTRACTS = 0, KC_FC_COLLECTIONS = 1, KC_FC_VISITS = 2, KC_FC_NEW_CUSTOMERS = 3, KC_FC_NMETRICS };
/* Opportunity source channels that feed the pipeline (sufficiency diagnosis). */
#define KC_FC_SRC_GRID 0x1u
#define KC_FC_SRC_MARKET 0x2u
#define KC_FC_SRC_TELE 0x4u
#define KC_FC_SRC_RESALE 0x8u
#define KC_FC_SRC_ALL 0xfu

typedef struct kc_fc_cell {
	kiscrm_money closed;   /* contracts signed + won without contract */
	kiscrm_money weighted; /* open pipeline × probability */
	kiscrm_money open;     /* open pipeline, unweighted */
	kiscrm_money cat[3];   /* open pipeline by category, unweighted */
	kiscrm_money collected;
	unsigned sources;      /* KC_FC_SRC_* channels with open pipeline */
	kiscrm_money accel;    /* open, expected in the period after the window (want_accel) */
	int64_t accel_count;
	int64_t key_decided;   /* key projects won or lost in the window (want_accel) */
} kc_fc_cell;

typedef struct kc_fc_target {
	/* [metric][kiscrm_period]: sum and whether any row was found */
	int64_t amount[KC_FC_NMETRICS][5]; /* money in minor units, counts as counts */
	unsigned char found[KC_FC_NMETRICS][5];
} kc_fc_target;

typedef struct kc_fc {
	kc_report r;
	int source;               /* kiscrm_probability_source, resolved (never DEFAULT) */
	kiscrm_date *bounds;      /* nbuckets + 1 boundaries; NULL: one bucket = the window */
	size_t nbuckets;          /* 1 when bounds is NULL */
	kiscrm_date closed_before;/* closed amounts only before this day (KISCRM_DATE_NONE: no cap) */
	int want_targets;         /* scan targets (needs a target level, see kc_fc_begin) */
	int want_collections;     /* scan collections */
	int want_accel;           /* sum the open pipeline expected in [to, accel_to) in bucket 0 */
	int want_categories;      /* sum the open pipeline by forecast category (cat[]) */
	int want_sources;         /* note the sources of the open pipeline (sources) */
	kiscrm_date accel_to;
	unsigned level;           /* target level of the group-by dimensions */
	int level_ok;             /* 0: the grouping has no target level */
	kc_fc_cell *cells;        /* [group * nbuckets + bucket] */
	kc_fc_target *targets;    /* [group] */
	size_t cap;               /* groups allocated */
	/* historical win rates: per pipeline p, stage s at h_off[p] + s */
	int64_t *h_won, *h_reached;
	size_t *h_off;
	size_t h_npipe;
} kc_fc;

/* Resolves options; a NULL fopts means the defaults. On failure nothing is left to free. */
int kc_fc_begin(kc_fc *fc, kiscrm_db *db, const kiscrm_report_options *opts,
		const kiscrm_forecast_options *fopts);
/* Splits the (bounded) window into buckets of kind period, clipped to the window. */
int kc_fc_buckets(kc_fc *fc, int period);
/* Loads the historical rates when needed and scans the data; refuses as
 * kc_report_require_configured_stages(r, 1) would (checked on the opportunity scan). */
int kc_fc_run(kc_fc *fc);
void kc_fc_end(kc_fc *fc);

kc_fc_cell *kc_fc_cell_at(const kc_fc *fc, size_t group, size_t bucket);
/* Target of a group for a window of kind period: that kind's sum, else the next finer
 * kind found. Returns 1 and sets *amount when found, 0 when the group has none. */
int kc_fc_target_of(const kc_fc *fc, size_t group, int metric, int period, kiscrm_money *amount);

/* The window of the gap and sufficiency reports (from/to, else the period — default
 * quarter — of as_of), the engine run with targets (and collections when asked); *period
 * receives the period. kc_gap_finish frees order, ends the engine and delivers t. */
int kc_gap_begin(kc_fc *fc, kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts, int collections,
		 int *period);
int kc_gap_finish(kc_fc *fc, kiscrm_table *t, size_t *order, int rc, kiscrm_table **out);

/* Checked money addition: KISCRM_EOVERFLOW with a message naming what was summed. */
int kc_fc_add(kiscrm_money *acc, kiscrm_money v, const char *what);
/* The sufficiency threshold of the configuration (3.0 when unset). */
double kc_fc_threshold(const kc_fc *fc);
/* 1 when the report language is Chinese. */
int kc_fc_zh(const kc_fc *fc);

#endif

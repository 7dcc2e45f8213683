/* The data the funnel reports share (funnel, diagnosis, stage win rates): the
 * opportunities of one pipeline and their stage history, loaded with one projected scan
 * of each kind, and the per-group, per-stage figures computed from them. Implemented in
 * funnel.c. Also small helpers the other pipeline reports share. */
#ifndef KC_ANALYTICS_FUNNEL_DATA_H
#define KC_ANALYTICS_FUNNEL_DATA_H

#include <stdint.h>

#include "core/field.h"
#include "core/text_memo.h"
#include "report.h"
#include "config/pipeline_config.h"

/* One opportunity of the pipeline. */
typedef struct kc_fopp {
	kiscrm_money amount;  /* 0 when NULL */
	kiscrm_date created;  /* KISCRM_DATE_NONE when NULL */
	kiscrm_date closed;
	uint32_t group;
	int16_t stage;        /* current stage index in the pipeline */
	int8_t state;         /* kiscrm_stage_terminal of the current stage */
	int8_t closed_in_window;
} kc_fopp;

/* One stage-history entry: the opportunity (index into opps) and the stage entered
 * (index in the pipeline, -1 when the key is not one of its stages). */
typedef struct kc_fentry {
	int64_t at;
	uint32_t opp;
	int32_t stage;
} kc_fentry;

/* Figures of one (group, stage). */
typedef struct kc_fcell {
	int64_t count;        /* open in a working stage / closed in the window in a terminal one */
	kiscrm_money amount;
	int64_t entered;      /* entered the stage by history */
	int64_t converted;    /* … and afterwards entered a later non-lost stage */
	int64_t to_won;       /* … and afterwards entered a won stage */
	int64_t reached_closed; /* closed in the window and entered the stage */
	int64_t reached_won;    /* … of which won */
	int64_t nstay;        /* stays (working stages only) */
	int64_t stay_sum;     /* seconds */
	double median;        /* days, valid when nstay > 0 and stays were asked for */
} kc_fcell;

/* Figures of one group across stages. */
typedef struct kc_fgroup {
	int64_t open_count;
	kiscrm_money open_amount;
	int64_t won, lost;      /* closes in the window */
	int64_t ncycle;         /* won closes with both dates */
	int64_t cycle_days;     /* sum of their cycles */
} kc_fgroup;

typedef struct kc_funnel {
	kc_report *r;
	struct kc_scratch *scratch; /* the handle's kept working memory: the big arrays'
	                               source and destination (core/scratch.h) */
	kc_stage_check *check;  /* the configured-stages rule, during the opportunity scan */
	kc_text_memo stage_memo, pipeline_memo; /* stage index / pipeline place by text, per scan */
	const kc_pipeline *pl;
	size_t nstages, nwork;  /* working stages are the first nwork ones */
	kc_fopp *opps;
	size_t nopps, cap_opps;
	kiscrm_id *oppids;      /* id of each of opps, until the history is joined */
	kiscrm_id idmin;        /* smallest of them */
	uint32_t *dense;        /* id - idmin → index into opps (UINT32_MAX: none), when the
	                           ids are dense enough; else … */
	size_t ndense;
	kc_idmap ids;           /* … opportunity id → index into opps */
	/* The history, folded into a state per opportunity as the scan gives it out
	 * (funnel.c, "the history") … */
	struct kc_fstate *state; /* nopps */
	int with_stays;
	struct kc_stays *stays; /* per cell, with_stays: every stay's seconds */
	size_t *stamp;          /* scratch of tally_entries, nstages each */
	unsigned char *conv, *to_won;
	/* … or, when an opportunity's entries come out of time order, all of them, bucketed
	 * by opportunity in write order */
	kc_fentry *hist;
	size_t nhist, cap_hist;
	size_t *first;          /* nopps + 1 offsets into hist */
	kc_fcell *cells;        /* ngroups × nstages */
	kc_fgroup *groups;      /* ngroups */
	size_t ngroups;
} kc_funnel;

/* Loads the opportunities of r's pipeline created before r->to (when bounded) that pass
 * the filters, with their history, and computes cells and groups. with_stays also
 * computes the stays' medians (the only part that needs extra memory). */
int kc_funnel_build(kc_funnel *f, kc_report *r, int with_stays);
void kc_funnel_free(kc_funnel *f);
/* The start every funnel report shares: checks out (fn names the report in the error),
 * clears *out, begins r and builds f. On failure nothing is left to end or free. */
int kc_funnel_report_begin(kc_report *r, kc_funnel *f, kiscrm_table **out, kiscrm_db *db,
			   const kiscrm_report_options *opts, int with_stays, const char *fn);
/* The cell of (group, stage). */
kc_fcell *kc_funnel_cell(const kc_funnel *f, size_t group, size_t stage);
/* Display name of a stage in the report's language. */
const char *kc_stage_display(const kc_report *r, const kc_stage *s);

/* State of an opportunity from its status (open, won, lost, abandoned), or — when NULL or
 * unknown — from its stage in its pipeline: a kiscrm_stage_terminal, -1 when unknown. */
int kc_opp_state(const kiscrm_config *cfg, const char *pipeline, const char *stage, const char *status);
/* 1 when the opportunity's pipeline key is the report's pipeline, or any pipeline when
 * the options name none. */
int kc_opp_in_pipeline(const kc_report *r, const char *pipeline);
/* 1 when the opportunity's pipeline key (NULL: the default) is exactly the report's. */
int kc_opp_in_report_pipeline(const kc_report *r, const char *pipeline);

/* Opportunity fields kc_opp_dims() reads. */
#define KC_OPP_DIM_COLS                                                                      \
	(KC_BIT(KISCRM_OPPORTUNITY_CUSTOMER_ID) | KC_BIT(KISCRM_OPPORTUNITY_OWNER_ID) |      \
	 KC_BIT(KISCRM_OPPORTUNITY_DEPARTMENT_ID) | KC_BIT(KISCRM_OPPORTUNITY_BUSINESS_LINE) | \
	 KC_BIT(KISCRM_OPPORTUNITY_PRODUCT_LINE) | KC_BIT(KISCRM_OPPORTUNITY_SIZE_CLASS))

/* The group-by facts of an opportunity row. */
void kc_opp_dims(const kiscrm_value *row, kc_dims *d);


#endif

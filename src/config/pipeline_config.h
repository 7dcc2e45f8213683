/* Pipelines (pipelines.yaml) and analysis settings (analysis.yaml), as loaded and
 * validated. The public accessors are in kiscrm/pipeline.h; the core's analytics read
 * these structs directly through the two functions below. */
#ifndef KC_PIPELINE_CONFIG_H
#define KC_PIPELINE_CONFIG_H

#include <stddef.h>

#include "kiscrm/config.h"
#include "kiscrm/pipeline.h"

typedef struct kc_stage {
	char *key, *zh, *en;
	size_t order;         /* 0-based position in the pipeline */
	int probability;      /* percent 0..100 */
	char *category;       /* pipeline, best_case, commit, closed, omitted */
	int terminal;         /* kiscrm_stage_terminal */
	char **exit_fields;   /* opportunity field names required before leaving */
	size_t nexit;
} kc_stage;

typedef struct kc_pipeline {
	char *key, *zh, *en;
	kc_stage *stages;     /* in order; working stages first, then terminal ones */
	size_t nstages;
	char *business_line;  /* business-line key the pipeline serves, NULL: any */
} kc_pipeline;

/* Win/loss reason categories (输赢单原因分类). */
typedef struct kc_reason_category {
	char *key, *zh, *en;
} kc_reason_category;

typedef struct kc_analysis {
	/* size classes 大中小单: amount >= large_min → large, >= medium_min → medium, else small */
	kiscrm_money large_min;
	kiscrm_money medium_min;
	/* STQC: role key that must review open opportunities of each size class */
	char *review_large, *review_medium, *review_small;
	/* qualification (商机合格率): an activity within this many days */
	int activity_days;
	/* customer lifecycle (客户生命周期): see src/analytics/lifecycle.c */
	int lifecycle_new_months, lifecycle_lost_months, lifecycle_growth_percent, lifecycle_decline_percent;
	/* funnel-shape diagnosis thresholds (see src/analytics/diagnosis.c for their meaning) */
	double thin_top_ratio;
	double bottleneck_ratio;
	double fat_top_conversion;
	double bottom_heavy_share;
	/* win/loss reason categories */
	kc_reason_category *reasons;
	size_t nreasons;
	/* activity types (活动类型), the same shape: key, zh, en */
	kc_reason_category *activity_types;
	size_t nactivity_types;
	/* opportunity sufficiency threshold (商机充足率), e.g. 3.0 */
	double sufficiency_threshold;
	/* receivables ageing: ascending upper bounds in days past due; a last open bucket follows */
	int *ageing_bounds;
	size_t nageing;
	/* predictive probability: closed opportunities created on or after this date
	 * (KISCRM_DATE_NONE: all), scoring fields (opportunity field names or "tags") */
	kiscrm_date predict_start;
	char **predict_fields;
	size_t npredict_fields;
} kc_analysis;

/* Pipeline p (0 = default), NULL when out of range. */
const kc_pipeline *kc_config_pipeline(const kiscrm_config *cfg, size_t p);
/* Index of the pipeline with this key (NULL: the default, 0), -1 when the configuration
 * does not have it. Sets no error: reports call it once per record. */
int kc_config_pipeline_index(const kiscrm_config *cfg, const char *key);
/* Index of the stage of @pl with this key, -1 when it has none (or @key is NULL). Sets no
 * error, as above. */
int kc_pipeline_stage_index(const kc_pipeline *pl, const char *key);
/* The analysis settings (never NULL for a loaded configuration). */
const kc_analysis *kc_config_analysis(const kiscrm_config *cfg);

/* Loaders called from config.c's load_all(): fill cfg from dir (NULL: defaults). */
int kc_pipeline_config_load(kiscrm_config *cfg, const char *dir);
void kc_pipeline_config_free(kiscrm_config *cfg);

#endif

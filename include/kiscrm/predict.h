/**
 * @file kiscrm/predict.h
 * @brief Predictive probability: naive Bayes over closed history, compatible with Odoo's
 *        predictive lead scoring (PLS).
 *
 * The model is rebuilt from the database on every call (no cached state), in the manner of
 * Odoo's nightly rebuild:
 *
 * **Inputs.** Closed opportunities of one pipeline created on or after a start date
 * (analysis.yaml `predict.start`, or the options). An opportunity is *won* when its stage
 * is a won stage (or, on a working stage, its status is `won`) and *lost* when its stage
 * is a lost stage (or, on a working stage, its status is `lost` or `abandoned`). Scoring
 * fields: the stage always, then the configured fields in order (analysis.yaml
 * `predict.fields`, or the options): `region` and `industry` (from the customer), `source`,
 * `product_line`, `business_line`, `size_class`, `tags` (comma-separated, one entry per
 * distinct tag, surrounding blanks ignored).
 *
 * **Counting.** One model ("team") per department; closed opportunities without a
 * department count in a model of their own that is never chosen but is part of the
 * all-departments sum. For every scoring field with a value, a won (lost) opportunity adds
 * 1 to the won (lost) count of its (department, field, value) row. For the stage, a won
 * opportunity adds 1 won on every stage of the pipeline; a lost opportunity adds 1 lost
 * on the stage it was lost at and on every stage ordered before it. The stage it was lost
 * at is the stage left by its latest stage-history move into a lost stage; without such a
 * move, a lost opportunity on a working stage is lost at that stage, and otherwise at the
 * first stage. A row starts at the smoothing value (0.1) won and lost when first created.
 *
 * **Scoring.** An opportunity on a won stage scores 100, on a lost stage 0. Otherwise the
 * rows of its department are used when it has a department that has rows, else the sums of
 * the rows of all departments and of no department ("all"). Prior: won_total and
 * lost_total are the counts of the first stage of the pipeline; if either is 0 there is no
 * estimate. Sw = won_total/(won_total+lost_total), Sl = lost_total/(won_total+lost_total).
 * For each field (stage first): take the row of the opportunity's value, skip it when
 * absent; skip tags whose row has won+lost below the tag minimum (50); W = won_total for
 * the stage, otherwise the sum of the won counts over all rows of that field (tag rows
 * under the minimum excluded, checked per department row as Odoo does); L likewise; skip
 * if W or L is 0; Sw *= row.won/W, Sl *= row.lost/L. Probability = 100·Sw/(Sw+Sl),
 * rounded to 2 decimals half away from zero and clamped to [0.01, 99.99].
 *
 * **No estimate.** When there is no estimate — no closed opportunity of the pipeline at or
 * after the start date, so that the first stage has no row (with smoothing, a row always
 * has won and lost above 0) — the configured probability of the opportunity's stage is
 * returned instead, and the basis says `stage`. An opportunity whose stage is not a stage
 * of its pipeline scores 0 (Odoo: no stage), basis `no_stage`.
 *
 * The predicted value never overwrites a probability set by hand
 * (`probability_manual` = 1); kiscrm_predict_apply() stores it in the other
 * opportunities when the application decides to (e.g. a nightly job when its
 * configuration asks for predicted probabilities).
 */
#ifndef KISCRM_PREDICT_H
#define KISCRM_PREDICT_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Value of kiscrm_predict_options::start: use every closed opportunity, even without a
 *  creation date (no start limit, overriding the configuration). */
#define KISCRM_PREDICT_ALL_HISTORY (INT32_MIN + 1)

/** Options of the predictive probability. Fields are only ever appended. */
typedef struct kiscrm_predict_options {
	unsigned int version;       /**< ::KISCRM_PREDICT_OPTIONS_VERSION. */
	kiscrm_date start;          /**< Closed opportunities created on or after this day are
	                                 learnt from; ::KISCRM_DATE_NONE: analysis.yaml
	                                 `predict.start`; ::KISCRM_PREDICT_ALL_HISTORY: all. */
	const char *const *fields;  /**< Scoring field names besides the stage, in order
	                                 (region, industry, source, product_line, business_line,
	                                 size_class, tags; "stage" is accepted and ignored);
	                                 NULL with `nfields` 0: analysis.yaml `predict.fields`. */
	size_t nfields;             /**< Number of `fields` (at most 16). */
	double smoothing;           /**< Initial won and lost count of a new row; 0: 0.1 (Odoo's). */
	int by_department;          /**< 1 (default): one model per department with the
	                                 all-departments fallback; 0: one model for everyone. */
	int tag_min_count;          /**< A tag row is used only when won+lost reaches this; 0: 50 (Odoo's). */
} kiscrm_predict_options;

/** Current version of ::kiscrm_predict_options. */
#define KISCRM_PREDICT_OPTIONS_VERSION 1
/** Initialiser with the defaults: configured start and fields, Odoo's smoothing and tag
 *  minimum, one model per department. */
#define KISCRM_PREDICT_OPTIONS_INIT { KISCRM_PREDICT_OPTIONS_VERSION, KISCRM_DATE_NONE, NULL, 0, 0.0, 1, 0 }

/**
 * Initialises predict options with the defaults (for callers that cannot use the macro).
 * @param opts the struct
 * @param version ::KISCRM_PREDICT_OPTIONS_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_predict_options_init(kiscrm_predict_options *opts, unsigned int version);

/**
 * Predicts the probability (percent) that an opportunity will be won, from the closed
 * history of its pipeline (see the file description).
 * @param[out] out percent: 100 on a won stage, 0 on a lost stage, otherwise 0.01..99.99
 *             with 2 decimals, or the stage's configured probability when there is no
 *             estimate
 * @param db the database
 * @param opportunity_id the opportunity
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK; ::KISCRM_EINVALID (NULL arguments, unknown scoring field — the
 *         message quotes it —, bad smoothing or tag minimum); ::KISCRM_EVERSION;
 *         ::KISCRM_ENOTFOUND (no such opportunity, or its pipeline is not configured);
 *         ::KISCRM_ESTORAGE; ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_predict_probability(double *out, kiscrm_db *db, kiscrm_id opportunity_id,
					  const kiscrm_predict_options *opts);

/**
 * Explains a prediction, as Odoo's tooltip does: why the probability is what it is.
 *
 * Table "predict_explain". On a won, lost or unknown stage it has only the total row;
 * without an estimate the prior row (unused) and the total row. Columns:
 * - `field` TEXT: `prior` (first row), then `stage`, then each configured field (one row
 *   per tag for `tags`); the last row (::KISCRM_ROW_TOTAL) is `probability`.
 * - `value` TEXT: the opportunity's value of the field (NULL for the prior, for a field
 *   without value and for the total).
 * - `won`, `lost` RATE: counts of the row used (smoothed; NULL when there is no row);
 *   for the prior, won_total and lost_total.
 * - `won_total`, `lost_total` RATE: W and L the row's counts were divided by (NULL for
 *   the prior and the total).
 * - `factor` RATE: pW/(pW+pL) with pW = won/W and pL = lost/L — above 0.5 the value
 *   speaks for winning, below against; for the prior Sw; for the total the probability
 *   as a fraction (0.0001..0.9999, 1 on a won stage, 0 on a lost one). NULL when unused.
 * - `used` INT: 1 if the row was multiplied in, 0 if skipped.
 * - `note` TEXT: for skipped rows why (`no value`, `no row`, `tag below minimum`,
 *   `zero total`); for the prior and the total the basis: `department` (the
 *   opportunity's department model), `all` (all departments summed), `stage` (no
 *   estimate: the stage probability), `won_stage`, `lost_stage`, `no_stage`.
 *
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param opportunity_id the opportunity
 * @param opts options, NULL for the defaults
 * @return as kiscrm_predict_probability().
 */
KISCRM_API int kiscrm_predict_explain(kiscrm_table **out, kiscrm_db *db, kiscrm_id opportunity_id,
				      const kiscrm_predict_options *opts);

/**
 * Stores the predicted probability as the probability of every open opportunity (all
 * pipelines) whose probability was not set by hand, rounded to a whole percent (half away
 * from zero) and kept within 1..99 for open opportunities. Opportunities with a manual
 * probability are left alone. Nothing else of the opportunity changes; a later stage move
 * makes the probability follow the stage again until the next call. All in one
 * transaction. Applications call this when their configuration asks for predicted
 * probabilities (for instance nightly, like Odoo's scoring job).
 * @param[out] updated number of opportunities whose probability changed, may be NULL
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return as kiscrm_predict_probability() (without ::KISCRM_ENOTFOUND for the
 *         opportunity); on failure nothing is changed.
 */
KISCRM_API int kiscrm_predict_apply(size_t *updated, kiscrm_db *db, const kiscrm_predict_options *opts);

KISCRM_END_DECL

#endif

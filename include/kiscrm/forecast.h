/**
 * @file kiscrm/forecast.h
 * @brief Gap analysis (差额), opportunity sufficiency (商机充足率), weighted and category
 *        forecasts, the year-end completion forecast (预测完成情况) and historical stage
 *        probabilities.
 *
 * All reports here share the same definitions:
 *
 * - **Achieved / closed**: the amount of the contracts signed in the window (by their
 *   `signed` date), plus the amount of won opportunities closed in the window (by their
 *   `closed` date, else their `expected_close`) that no contract refers to — a win whose
 *   contract is not entered yet. A won opportunity with a contract is counted once,
 *   through its contract.
 * - **Open pipeline**: opportunities whose status is `open` (a NULL status reads from the
 *   stage: working stage = open) with an `expected_close` in the window. Open
 *   opportunities whose expected date lies before the window (slipped and not re-dated)
 *   are not in it. A NULL amount counts as 0.
 * - **Weighted** amount of an open opportunity: amount × probability, rounded half away
 *   from zero to the minor unit (kiscrm_money_scale()), e.g. 123.45 × 30 % = 37.035 →
 *   37.04. The probability is chosen by the ::kiscrm_probability_source of
 *   ::kiscrm_forecast_options (the plain report functions use the configured one).
 * - **Targets**: rows of kind `target` for metric `contract_amount` (and
 *   `collection_amount`), at the level given by the group-by dimensions (company when
 *   ungrouped; business line, product line, department, owner or their combinations —
 *   a target row is at a level when exactly those dimensions are set on it), whose
 *   `start` lies in the window. Per group the target of the window's own period kind is
 *   used (quarter targets for a quarter, year targets for a year); a group that has none
 *   falls back to the sum of the next finer kind found (quarter → month → week). A group
 *   without any target has a NULL target and NULL derived figures. Targets cannot be
 *   grouped by region, industry, size class, customer or manager (::KISCRM_EINVALID). Owner and department
 *   filters apply to target rows like to records: filter by owner together with
 *   grouping by owner to see that person's target.
 * - Groups: a row per group that has a target, a contract, a collection or an
 *   opportunity in the window; figures are 0 when a group has nothing of that kind.
 *   Rows are sorted by the group columns.
 */
#ifndef KISCRM_FORECAST_H
#define KISCRM_FORECAST_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Which stage probabilities weight the open pipeline. Values are only ever appended. */
typedef enum kiscrm_probability_source {
	/** The default: currently the same as ::KISCRM_PROBABILITY_CONFIGURED. */
	KISCRM_PROBABILITY_DEFAULT = 0,
	/** The opportunity's own probability: the configured probability of its stage, or
	 *  the value set by hand (`probability_manual`). A NULL probability reads as the
	 *  stage's configured probability (0 for an unknown stage). */
	KISCRM_PROBABILITY_CONFIGURED = 1,
	/** The win rate observed from the stage in the stage history: of the closed
	 *  opportunities of the same pipeline that reached the stage, the share won
	 *  (won / reached, used as an exact fraction, not rounded to a percent). A won
	 *  opportunity reached every working stage of its pipeline; a lost one reached every
	 *  working stage up to the furthest (in stage order) that its history shows it in. An
	 *  opportunity whose probability was set by hand keeps it, and a stage no closed
	 *  opportunity reached uses the configured probability. */
	KISCRM_PROBABILITY_HISTORICAL = 2
} kiscrm_probability_source;

/** Options of the forecast reports (given through ::kiscrm_report_options `forecast`). Fields are only ever appended. */
typedef struct kiscrm_forecast_options {
	unsigned int version;   /**< ::KISCRM_FORECAST_OPTIONS_VERSION. */
	int probability_source; /**< A ::kiscrm_probability_source. */
} kiscrm_forecast_options;

/** Current version of ::kiscrm_forecast_options. */
#define KISCRM_FORECAST_OPTIONS_VERSION 1
/** Initialiser with the defaults (configured probabilities). */
#define KISCRM_FORECAST_OPTIONS_INIT { KISCRM_FORECAST_OPTIONS_VERSION, KISCRM_PROBABILITY_DEFAULT }

/**
 * Initialises forecast options with the defaults.
 * @param opts the struct
 * @param version ::KISCRM_FORECAST_OPTIONS_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION (unknown version).
 */
KISCRM_API int kiscrm_forecast_options_init(kiscrm_forecast_options *opts, unsigned int version);

KISCRM_END_DECL

#endif

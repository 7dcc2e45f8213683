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
 *   grouped by region, industry or size class (::KISCRM_EINVALID). Owner and department
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

/**
 * Gap analysis (差额分析): what is still missing to the target once the achieved amount and
 * the weighted pipeline expected in the window are counted, with the manual's strategy.
 *
 * Window: `from`/`to` when set, else the period of kind `period` containing `as_of`;
 * `period` 0 means ::KISCRM_PERIOD_QUARTER. Targets are those of the same period kind
 * (see the file description for the fall-back).
 *
 * Columns after the group columns:
 * - `target` MONEY: contract-amount target (NULL: no target for the group);
 * - `achieved` MONEY: contracts signed (and won without contract) in the window;
 * - `expected` MONEY: weighted open pipeline expected in the window;
 * - `gap` MONEY: target − achieved − expected; negative is a surplus; NULL without target;
 * - `pipeline` MONEY: unweighted open pipeline expected in the window;
 * - `strategy` TEXT: strategy code (NULL without target), chosen in this order with
 *   R = target − achieved (still to achieve) and T = the sufficiency threshold
 *   (analysis settings, default 3.0):
 *   - `on_track`: gap ≤ 0 — the weighted pipeline covers the target; keep the pace;
 *   - `staffing`: achieved + pipeline < target (even winning every open opportunity
 *     falls short) and the gap exceeds half the target — more sales staff (人员补充);
 *   - `more_opportunities`: achieved + pipeline < target — find more opportunities
 *     (grid marketing, market activities, telemarketing, resale to existing customers);
 *   - `partner_support`: pipeline < T × R — enough to cover the target only with a win
 *     rate the thin pipeline rarely gives: bring in second-tier partners and vendor
 *     support (伙伴支持) to add opportunities and raise the win rate;
 *   - `process_resources`: otherwise — the pipeline is ample but too little of it is
 *     expected to convert: change the sales process and resources (presales support,
 *     manager attention on the key projects, 流程与资源调整);
 * - `strategy_text` TEXT: the strategy in the report language (zh or en);
 * - `collection_target` MONEY: collection-amount target (NULL: none);
 * - `collected` MONEY: collections received in the window (grouped by their contract's
 *   dimensions);
 * - `collection_gap` MONEY: collection_target − collected (NULL without target).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options (NULL: defaults)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL pointers, bad options, grouping by a
 *         dimension without targets), ::KISCRM_EVERSION, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_gap(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Opportunity sufficiency (商机充足率): the unweighted open pipeline expected in the window
 * divided by the contract target still to achieve in it; a ratio below the configured
 * threshold (analysis settings `sufficiency_threshold`, default 3.0) is insufficient.
 *
 * Window and targets as in kiscrm_report_gap(). Columns after the group columns:
 * - `target` MONEY: contract-amount target (NULL: none);
 * - `achieved` MONEY: contracts signed (and won without contract) in the window;
 * - `remaining` MONEY: target − achieved (NULL without target; ≤ 0 means target met);
 * - `pipeline` MONEY: unweighted open pipeline expected in the window;
 * - `ratio` RATE: pipeline ÷ remaining; NULL when there is no target or when remaining
 *   ≤ 0 (the target is met: nothing remains to cover);
 * - `threshold` RATE: the threshold used;
 * - `insufficient` INT: 1 when ratio < threshold, 0 when not or when the target is met,
 *   NULL without target;
 * - `causes` TEXT: for an insufficient group, the causes of §9 of the domain to look at,
 *   comma-separated keys: `grid_coverage`, `market_activity`, `telemarketing`, `resale`
 *   for each of those opportunity sources (`grid`, `market_activity`, `telemarketing`,
 *   `resale`) that contributes no open pipeline in the window, or `staff_ability` when
 *   every one of them does (the channels work, the conversion into pipeline does not);
 *   NULL when not insufficient;
 * - `causes_text` TEXT: the causes in the report language, separated by "; " (zh "；").
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: defaults)
 * @return as kiscrm_report_gap().
 */
KISCRM_API int kiscrm_report_sufficiency(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Weighted and category forecast per period bucket and group.
 *
 * Buckets are periods of kind `period` (0: ::KISCRM_PERIOD_MONTH) over [`from`, `to`);
 * the first and last buckets are clipped to the window. `from` and `to` must be both set
 * or both unset; unset, the window is the fiscal quarter containing `as_of` for week and
 * month buckets, the fiscal year for quarter and year buckets. At most 1000 buckets.
 * Every group gets a row for every bucket; rows are sorted by bucket, then by group.
 *
 * Category amounts are unweighted amounts of the open opportunities expected in the
 * bucket by their `forecast_category` (NULL: the configured category of the stage, else
 * `pipeline`; an open opportunity in a `closed` category counts as `commit`; `omitted`
 * ones are in no category column but still weighted). Columns after the group columns:
 * - `period_start` DATE: first day of the bucket;
 * - `period_end` DATE: day after the last day of the bucket;
 * - `weighted` MONEY: weighted open pipeline;
 * - `weighted_forecast` MONEY: closed + weighted;
 * - `closed` MONEY: contracts signed (and won without contract) in the bucket (ClosedOnly);
 * - `commit` MONEY: commit only (CommitOnly);
 * - `best_case` MONEY: best case only (BestCaseOnly);
 * - `pipeline` MONEY: pipeline only (PipelineOnly);
 * - `commit_forecast` MONEY: commit + closed (Salesforce CommitForecast);
 * - `best_case_forecast` MONEY: best_case + commit + closed (BestCaseForecast);
 * - `open_pipeline` MONEY: pipeline + best_case + commit (OpenPipeline).
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: defaults)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL pointers, bad options, only one of
 *         from/to, too many buckets), ::KISCRM_EVERSION, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_forecast(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Year-end completion forecast (预测完成情况) for the fiscal year containing `as_of`
 * (`from`, `to` and `period` are ignored).
 *
 * Targets are the year targets of contract amount (falling back to the sum of quarter,
 * then month, then week targets). Columns after the group columns:
 * - `fiscal_year` INT: the fiscal year (kiscrm_date_fiscal_year() of as_of);
 * - `target` MONEY: the year's contract target (NULL: none);
 * - `achieved` MONEY: signed (and won without contract) from the start of the fiscal year
 *   up to and including `as_of`;
 * - `forecast` MONEY: weighted open pipeline expected in the fiscal year (open
 *   opportunities already past their expected date but still inside the year included);
 * - `projected` MONEY: achieved + forecast;
 * - `achieved_rate` RATE: achieved ÷ target (NULL without target or target 0);
 * - `completion_rate` RATE: projected ÷ target (NULL without target or target 0);
 * - `gap` MONEY: target − projected (negative: above target; NULL without target).
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: defaults)
 * @return as kiscrm_report_gap().
 */
KISCRM_API int kiscrm_report_year_end(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Historical stage probabilities next to the configured ones, for the report's pipeline:
 * one row per working stage in stage order (no group columns; group-by, window and
 * filters are ignored: all closed opportunities of the pipeline count). Columns:
 * - `stage` TEXT: stage key;
 * - `name` TEXT: stage name in the report language;
 * - `configured` INT: configured probability in percent;
 * - `reached` INT: closed opportunities that reached the stage (see
 *   ::KISCRM_PROBABILITY_HISTORICAL);
 * - `won` INT: of them, won;
 * - `historical` RATE: won ÷ reached (0..1), NULL when none reached it.
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: defaults; only `pipeline` and `lang` are used)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline), storage errors.
 */
KISCRM_API int kiscrm_report_stage_probabilities(kiscrm_table **out, kiscrm_db *db,
						 const kiscrm_report_options *opts);

KISCRM_END_DECL

#endif

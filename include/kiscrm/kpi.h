/**
 * @file kiscrm/kpi.h
 * @brief KPI scoring (KPI 考核): manual scores, schemes and scorecards.
 *
 * **Schemes.** A KPI scheme is a YAML file (the default is `kpi.yaml` of the configuration
 * directory, compiled in from data/kpi.yaml):
 *
 *     scheme: sales_staff            # identifier
 *     zh: 销售人员KPI考核方案
 *     en: KPI scheme for sales staff
 *     indicators:
 *       - key: contract_amount       # identifier, unique in the scheme
 *         zh: 合同额完成率
 *         en: Contract amount vs target
 *         metric: contract_amount    # a metric of the registry (kiscrm_kpi_metric_find())
 *         target: decomposed         # decomposed | a number | absent (no target)
 *         weight: 30                 # integer 0..100; the weights of a scheme sum to 100
 *         scope: person              # person | department | company (default person)
 *         roles: [sales_rep]         # role keys the indicator applies to (absent: all)
 *         rule: linear               # linear | lower_is_better | bands | gate | direct
 *         floor: 0                   # lowest score (default 0)
 *         cap: 120                   # highest score (default 100)
 *         missing_score: 0           # score when data or target is missing (default 0)
 *     grades:                        # highest first; a total gets the first grade whose
 *       - { grade: A, min: 90 }      # min it reaches, else the last grade
 *       - { grade: B, min: 75 }
 *
 * Numbers (targets, floors, caps, band bounds, scores) are decimals with at most four
 * decimals; a money target is written in major units ("300000.00").
 *
 * **Targets.** `decomposed` is the decomposed target (kiscrm/target.h) of the metric's
 * target key (contract_amount, collection_amount, opportunities_created) for the subject
 * — for a person the target set at owner level (or department + owner), for a department
 * at department level, for the company at company level — summed over the targets whose
 * period lies in the scoring window: the coarsest period kind (year, quarter, month) that
 * tiles the window exactly and has a target, else weeks starting in the window. A number
 * is a fixed target in the metric's unit (money in major units, ratios as fractions: 0.3
 * is 30 %). Metrics that bring their own target (sufficiency: the configured threshold)
 * use it when `target` is absent.
 *
 * **Scoring rules** (score points; 100 = on target). Let r = actual ÷ target:
 * - `linear`: score = r × 100, clamped to [floor, cap] (e.g. cap 120: min(r, 1.2) × 100);
 * - `lower_is_better`: score = (2 − r) × 100, clamped to [floor, cap]: on target 100,
 *   zero actual 200 (so the cap), twice the target 0;
 * - `bands`: `basis: ratio` (default) or `basis: actual`, and `bands:` a list of
 *   `{min: x, score: s}` in increasing `min` (score of the last band whose min ≤ basis) or
 *   of `{max: x, score: s}` in increasing `max` (score of the first band whose max ≥
 *   basis, for lower-is-better steps); `else: s` when no band matches (default 0);
 * - `gate`: pass/fail on the actual (without data: `missing_score`, never a veto): `min: x` (pass when actual ≥ x) or `max: x` (pass
 *   when actual ≤ x); a pass scores `pass_score` (default 100), a fail 0; `veto: true`
 *   makes a failed gate set the subject's total to 0 (一票否决);
 * - `direct`: score = actual, clamped to [floor, cap] (manual scores, metrics that are
 *   already scores).
 *
 * **Missing data, division by zero** (never NaN): when a metric has no data (no manual
 * score entered, no closes for a win rate, no snapshot for forecast accuracy …) the score
 * is `missing_score` and the note says `no_data`. When a rule needs a target and there is
 * none, the score is `missing_score` with note `no_target`. A target of 0 counts as met:
 * `linear` gives 100 for an actual of 0 and the cap for an actual above 0;
 * `lower_is_better` gives 100 for 0 and the floor above 0; a ratio basis of `bands` uses
 * the same convention (r = 1 for 0 ÷ 0, r = +∞ for x ÷ 0 with `linear` semantics).
 *
 * **Weights, total, grade, rank.** weighted_score = score × weight ÷ W, where W is the sum
 * of the weights of the indicators that apply to the subject (100 when all apply); total =
 * the sum of the weighted scores (0 after a veto). Ranks are competition ranks by total,
 * highest first: totals equal within 1e-6 share a rank and the next rank skips (1, 2, 2, 4).
 *
 * Qualification standards (任职资格) and the assessment of a person against one are in
 * kiscrm/qualification.h; the registry of the metrics schemes name is in
 * kiscrm/sys/kpi_metric.h (included here).
 *
 * Schemes and standards are immutable once loaded and may be shared between threads.
 */
#ifndef KISCRM_KPI_H
#define KISCRM_KPI_H

#include "common.h"
#include "types.h"
#include "report.h"
#include "sys/kpi_metric.h"

KISCRM_BEGIN_DECL

/* --- Records ------------------------------------------------------------------------- */

/** Fields of a manually entered KPI score (kind ::KISCRM_KIND_KPI_SCORE). */
typedef enum kiscrm_kpi_score_field {
	KISCRM_KPI_SCORE_ID = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 0),        /**< INT id. */
	KISCRM_KPI_SCORE_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 1),  /**< INT → staff, required: the person scored (owned). */
	KISCRM_KPI_SCORE_SCHEME = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 2),    /**< TEXT scheme key (NULL: valid for every scheme). */
	KISCRM_KPI_SCORE_INDICATOR = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 3), /**< TEXT, required: indicator key of the scheme. */
	KISCRM_KPI_SCORE_PERIOD = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 4),    /**< INT, required: a ::kiscrm_period the score is for. */
	KISCRM_KPI_SCORE_START = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 5),     /**< DATE, required: first day of that period. */
	KISCRM_KPI_SCORE_SCORE = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 6),     /**< RATE, required: the score given (e.g. 0 … 100). */
	KISCRM_KPI_SCORE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_KPI_SCORE, 7)       /**< TEXT: remark of the assessor. */
} kiscrm_kpi_score_field;

/* --- Schemes ------------------------------------------------------------------------- */

/** A loaded, validated KPI scheme (immutable). */
typedef struct kiscrm_kpi_scheme kiscrm_kpi_scheme;

/**
 * Loads a scheme from a YAML file.
 * @param[out] out the scheme, owned by the caller (kiscrm_kpi_scheme_free())
 * @param path file path
 * @return ::KISCRM_OK, ::KISCRM_ECONFIG (unreadable file, YAML error, unknown key, unknown
 *         metric, bad rule parameters, weights not summing to 100 … — the error has the
 *         file, line, column, field and value), ::KISCRM_EINVALID (NULL), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_kpi_scheme_load(kiscrm_kpi_scheme **out, const char *path);

/**
 * Loads a scheme from YAML text.
 * @param[out] out the scheme
 * @param name name of the text in error messages (e.g. "kpi.yaml")
 * @param text UTF-8 YAML
 * @param len bytes of @p text
 * @return as kiscrm_kpi_scheme_load().
 */
KISCRM_API int kiscrm_kpi_scheme_load_text(kiscrm_kpi_scheme **out, const char *name,
					   const char *text, size_t len);

/**
 * Loads `kpi.yaml` of a configuration directory, or the built-in default (data/kpi.yaml)
 * when the directory has none.
 * @param[out] out the scheme
 * @param dir configuration directory; NULL for the built-in default
 * @return as kiscrm_kpi_scheme_load(); ::KISCRM_ENOTFOUND when @p dir does not exist.
 */
KISCRM_API int kiscrm_kpi_scheme_load_dir(kiscrm_kpi_scheme **out, const char *dir);

/**
 * Loads the scheme of a database: `kpi.yaml` of the configuration directory the database
 * was opened with (kiscrm_config_dir()), else the built-in default (data/kpi.yaml: the
 * sales staff of a partner company).
 * @param[out] out the scheme
 * @param db the database, or NULL for the built-in default
 * @return as kiscrm_kpi_scheme_load().
 */
KISCRM_API int kiscrm_kpi_scheme_load_default(kiscrm_kpi_scheme **out, kiscrm_db *db);

/** Frees a scheme. @param scheme may be NULL. */
KISCRM_API void kiscrm_kpi_scheme_free(kiscrm_kpi_scheme *scheme);

/**
 * @return the scheme's key (borrowed), NULL for NULL.
 * @param scheme the scheme
 */
KISCRM_API const char *kiscrm_kpi_scheme_key(const kiscrm_kpi_scheme *scheme);

/**
 * @return number of indicators (0 for NULL).
 * @param scheme the scheme
 */
KISCRM_API size_t kiscrm_kpi_scheme_indicator_count(const kiscrm_kpi_scheme *scheme);

/**
 * @return key of indicator @p i (borrowed), NULL if out of range.
 * @param scheme the scheme
 * @param i index in file order
 */
KISCRM_API const char *kiscrm_kpi_scheme_indicator_key(const kiscrm_kpi_scheme *scheme, size_t i);

/**
 * @return weight of indicator @p i in percent, or ::KISCRM_EINVALID if out of range.
 * @param scheme the scheme
 * @param i index
 */
KISCRM_API int kiscrm_kpi_scheme_indicator_weight(const kiscrm_kpi_scheme *scheme, size_t i);

/* --- Scorecards ---------------------------------------------------------------------- */

/**
 * Report "kpi": scores every person of the population against @p scheme for the window of
 * @p opts (from/to, else the period containing as_of; one of them is required).
 *
 * Population: active staff (`active` NULL or 1) passing the owner and department filters
 * of @p opts whose role is in the role filter of at least one indicator (an indicator
 * without `roles` applies to everybody). Indicators whose role filter excludes a person
 * are left out of that person's card (and of W, see the file description).
 *
 * Within one call every built-in metric is computed once for the whole population: one
 * scan per record kind accumulated per person, department and company, and one run of
 * each report a metric reads (sufficiency, qualification and win rate, forecast accuracy,
 * receivables) grouped by owner or department, its rows matched to people by name. People
 * whose name another staff member shares, and other cases the grouped run cannot answer
 * exactly, get the per-subject computation, so the values always equal
 * kiscrm_kpi_metric_compute() for the subject. Registered metrics are called per subject.
 *
 * Rows: per person, one ::KISCRM_ROW_DETAIL row per applicable indicator in scheme order,
 * then one ::KISCRM_ROW_SUBTOTAL row with the total, grade and rank; people ordered by
 * rank, then name, then id. Columns:
 * - `staff_id` INT, `name` TEXT, `department` TEXT (name), `role` TEXT (key);
 * - `indicator` TEXT key, `indicator_name` TEXT (in `opts->lang`), `metric` TEXT key,
 *   `scope` TEXT (person, department, company), `unit` TEXT (money, count, ratio, days,
 *   score), `rule` TEXT — NULL on the subtotal row;
 * - `actual` RATE (money in major units), `target` RATE, `actual_amount` MONEY and
 *   `target_amount` MONEY (exact, money metrics only), `ratio` RATE = actual ÷ target
 *   (NULL when either is missing or the target is 0);
 * - `raw_score` RATE, `weight` INT (percent), `weighted_score` RATE;
 * - `note` TEXT: comma-separated codes explaining the score — `no_data`, `no_target`,
 *   `zero_target`, `capped`, `floored`, `gate_failed`, `veto` (on the subtotal row when a
 *   veto zeroed the total), or the metric's own note;
 * - `total` RATE, `grade` TEXT, `rank` INT: on the subtotal row only.
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param scheme the scheme
 * @param opts options (as_of, from/to/period, lang, owner_id, department_id); NULL: the
 *        defaults, which have no window — an error
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL, no window, a role of the scheme that the
 *         configuration does not know), ::KISCRM_EVERSION, ::KISCRM_ENOTFOUND (a metric
 *         unregistered since loading), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM, or a metric's
 *         error.
 */
KISCRM_API int kiscrm_kpi_score(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
				const kiscrm_report_options *opts);

/**
 * Report "kpi-departments": scores departments as subjects — every indicator is computed
 * for the department (scope department; company-scope indicators for the company), with
 * department-level decomposed targets; role filters are not used. Departments are those
 * passing the department filter of @p opts that have at least one active staff member.
 * Same rows and columns as kiscrm_kpi_score(), with `staff_id` NULL, `name` the
 * department's name, `department` its name too, `role` NULL, and a column
 * `department_id` INT after `staff_id`.
 * @param[out] out the table
 * @param db the database
 * @param scheme the scheme
 * @param opts options as kiscrm_kpi_score()
 * @return as kiscrm_kpi_score().
 */
KISCRM_API int kiscrm_kpi_score_departments(kiscrm_table **out, kiscrm_db *db,
					    const kiscrm_kpi_scheme *scheme,
					    const kiscrm_report_options *opts);

/**
 * Report "kpi-rollup": the person scorecards of kiscrm_kpi_score() rolled up to their
 * departments. One ::KISCRM_ROW_DETAIL row per department with scored people, ordered by
 * rank, then name; then a ::KISCRM_ROW_TOTAL row for all people. Columns:
 * - `department_id` INT (NULL on the total row), `department` TEXT;
 * - `people` INT: people scored;
 * - `average` RATE: plain average of their totals; `min` RATE, `max` RATE;
 * - `grade` TEXT: grade of the average by the scheme's bands;
 * - `grades` TEXT: people per grade in band order, grades with nobody left out, e.g.
 *   "A:1,C:2";
 * - `rank` INT: competition rank of the average among departments (NULL on the total row).
 * @param[out] out the table
 * @param db the database
 * @param scheme the scheme
 * @param opts options as kiscrm_kpi_score()
 * @return as kiscrm_kpi_score().
 */
KISCRM_API int kiscrm_kpi_rollup(kiscrm_table **out, kiscrm_db *db, const kiscrm_kpi_scheme *scheme,
				 const kiscrm_report_options *opts);

KISCRM_END_DECL

#endif

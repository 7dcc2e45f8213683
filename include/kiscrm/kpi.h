/**
 * @file kiscrm/kpi.h
 * @brief KPI scoring (KPI 考核): schemes, the metrics registry, scorecards; and
 *        qualification standards (任职资格) with the assessment of a person against one.
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
 * **Qualification standards** are YAML too (`qualification.yaml`, default from
 * data/qualification.yaml): see kiscrm_qual_standard_load() and kiscrm_kpi_assess().
 *
 * Schemes and standards are immutable once loaded and may be shared between threads.
 */
#ifndef KISCRM_KPI_H
#define KISCRM_KPI_H

#include "common.h"
#include "types.h"
#include "report.h"

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

/** Fields of an evidence record of a qualification behaviour item (::KISCRM_KIND_EVIDENCE). */
typedef enum kiscrm_evidence_field {
	KISCRM_EVIDENCE_ID = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 0),           /**< INT id. */
	KISCRM_EVIDENCE_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 1),     /**< INT → staff, required (owned). */
	KISCRM_EVIDENCE_STANDARD = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 2),     /**< TEXT standard key (NULL: valid for every standard). */
	KISCRM_EVIDENCE_UNIT = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 3),         /**< TEXT, required: behaviour unit key. */
	KISCRM_EVIDENCE_ITEM = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 4),         /**< TEXT, required: item key within the unit. */
	KISCRM_EVIDENCE_DATE = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 5),         /**< DATE it was filed or confirmed. */
	KISCRM_EVIDENCE_METHOD = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 6),       /**< TEXT: evidence method key (report, record, confirmation …). */
	KISCRM_EVIDENCE_CONFIRMED_BY = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 7), /**< INT → staff who confirmed it. */
	KISCRM_EVIDENCE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_EVIDENCE, 8)          /**< TEXT: e.g. the document filed. */
} kiscrm_evidence_field;

/** Fields of an exam result (::KISCRM_KIND_EXAM_RESULT). */
typedef enum kiscrm_exam_result_field {
	KISCRM_EXAM_RESULT_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 0),       /**< INT id. */
	KISCRM_EXAM_RESULT_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 1), /**< INT → staff, required (owned). */
	KISCRM_EXAM_RESULT_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 2),  /**< TEXT, required: knowledge subject key. */
	KISCRM_EXAM_RESULT_SCORE = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 3),    /**< RATE, required: marks obtained. */
	KISCRM_EXAM_RESULT_DATE = KISCRM_FIELD_ID(KISCRM_KIND_EXAM_RESULT, 4)      /**< DATE of the exam. */
} kiscrm_exam_result_field;

/** Fields of a work-experience record (::KISCRM_KIND_EXPERIENCE). */
typedef enum kiscrm_experience_field {
	KISCRM_EXPERIENCE_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 0),       /**< INT id. */
	KISCRM_EXPERIENCE_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 1), /**< INT → staff, required (owned). */
	KISCRM_EXPERIENCE_KIND = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 2),     /**< TEXT, required: experience kind key of the standard. */
	KISCRM_EXPERIENCE_YEARS = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 3),    /**< RATE, required: years (records of one kind add up). */
	KISCRM_EXPERIENCE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_EXPERIENCE, 4)      /**< TEXT: employer, position … */
} kiscrm_experience_field;

/** Fields of a training attended (::KISCRM_KIND_TRAINING). */
typedef enum kiscrm_training_field {
	KISCRM_TRAINING_ID = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 0),       /**< INT id. */
	KISCRM_TRAINING_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 1), /**< INT → staff, required (owned). */
	KISCRM_TRAINING_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 2),  /**< TEXT, required: training subject key. */
	KISCRM_TRAINING_DATE = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 3),     /**< DATE attended. */
	KISCRM_TRAINING_HOURS = KISCRM_FIELD_ID(KISCRM_KIND_TRAINING, 4)     /**< RATE: hours. */
} kiscrm_training_field;

/* --- Metrics registry ---------------------------------------------------------------- */

/** Whom a metric is computed for. */
typedef enum kiscrm_kpi_scope {
	KISCRM_KPI_SCOPE_PERSON = 1,     /**< One staff member: the records they own. */
	KISCRM_KPI_SCOPE_DEPARTMENT = 2, /**< One department: records of the department (and, for
	                                      scans of the library's own metrics, those below it). */
	KISCRM_KPI_SCOPE_COMPANY = 3     /**< The whole company. */
} kiscrm_kpi_scope;

/** Unit of a metric's values. */
typedef enum kiscrm_kpi_unit {
	KISCRM_KPI_UNIT_MONEY = 1, /**< Money: the `*_money` members in minor units are exact;
	                                `actual`/`target` hold the same in major units. */
	KISCRM_KPI_UNIT_COUNT = 2, /**< A count. */
	KISCRM_KPI_UNIT_RATIO = 3, /**< A fraction (0.25 = 25 %) or a ratio (3.0). */
	KISCRM_KPI_UNIT_DAYS = 4,  /**< Days. */
	KISCRM_KPI_UNIT_SCORE = 5  /**< Score points. */
} kiscrm_kpi_unit;

/** What a metric is computed for: the subject and the window. Read-only for metrics. */
typedef struct kiscrm_kpi_context {
	unsigned int version;     /**< ::KISCRM_KPI_CONTEXT_VERSION. */
	int scope;                /**< A ::kiscrm_kpi_scope. */
	kiscrm_id staff_id;       /**< The person (::KISCRM_KPI_SCOPE_PERSON), else 0. */
	kiscrm_id department_id;  /**< The department (scope department), or the person's. */
	const char *role;         /**< The person's role key, NULL for other scopes. */
	kiscrm_date from;         /**< First day of the window. */
	kiscrm_date to;           /**< Day after the last day of the window. */
	int period;               /**< The ::kiscrm_period of the window, 0 for a custom window. */
	kiscrm_date as_of;        /**< Reference date for snapshot metrics: the earlier of the
	                               report's as_of and the window's last day. */
	const char *scheme;       /**< Key of the scheme being scored. */
	const char *indicator;    /**< Key of the indicator being scored (manual scores use it). */
} kiscrm_kpi_context;

/** Current version of ::kiscrm_kpi_context. */
#define KISCRM_KPI_CONTEXT_VERSION 1

/** A metric's result. Start from ::KISCRM_KPI_VALUE_INIT; leave has_* 0 for "no data". */
typedef struct kiscrm_kpi_value {
	int has_actual;             /**< 1 when `actual` is known; 0: no data. */
	double actual;              /**< The value (money: major units). */
	kiscrm_money actual_money;  /**< Money metrics: the value in minor units (exact). */
	int has_target;             /**< 1 when the metric brings its own target. */
	double target;              /**< That target (money: major units). */
	kiscrm_money target_money;  /**< Money metrics: the target in minor units. */
	const char *note;           /**< Static text explaining a special case, or NULL. */
} kiscrm_kpi_value;

/** Initialiser of an empty ::kiscrm_kpi_value (no data, no target). */
#define KISCRM_KPI_VALUE_INIT { 0, 0.0, 0, 0, 0.0, 0, NULL }

/**
 * A metric's computation: fills @p out for the subject and window of @p ctx.
 * @param[out] out the value, initialised to ::KISCRM_KPI_VALUE_INIT by the caller
 * @param db the database
 * @param ctx subject and window
 * @param user the `user` pointer of the metric's registration
 * @return ::KISCRM_OK, or an error code with kiscrm_error_last() set (scoring stops).
 */
typedef int (*kiscrm_kpi_metric_fn)(kiscrm_kpi_value *out, kiscrm_db *db,
				    const kiscrm_kpi_context *ctx, void *user);

/** A metric of the registry. Fields are only ever appended. */
typedef struct kiscrm_kpi_metric {
	unsigned int version;          /**< ::KISCRM_KPI_METRIC_VERSION. */
	const char *key;               /**< Identifier, 1 … 64 characters [a-z0-9_]. */
	const char *zh;                /**< Chinese display name. */
	const char *en;                /**< English display name. */
	int unit;                      /**< A ::kiscrm_kpi_unit. */
	const char *target_metric;     /**< Target key of kiscrm/target.h for `target: decomposed`
	                                    (e.g. "contract_amount"), NULL when none. */
	kiscrm_kpi_metric_fn compute;  /**< The computation. */
	void *user;                    /**< Passed to `compute`. */
} kiscrm_kpi_metric;

/** Current version of ::kiscrm_kpi_metric. */
#define KISCRM_KPI_METRIC_VERSION 1

/**
 * Registers a metric so that schemes can name it, e.g. key-account care compliance or
 * customer satisfaction added by later code. Strings are copied. Registration is
 * process-wide; registering, unregistering and looking up are safe from several threads
 * (a mutex). Pointers returned by kiscrm_kpi_metric_find() and kiscrm_kpi_metric_at()
 * stay valid, whatever else is registered, until that metric is unregistered.
 *
 * Built-in metrics: `contract_amount` (money: contracts signed in the window, rejected
 * ones excluded; target key contract_amount), `collection_amount` (money: collections
 * received in the window on the subject's contracts; collection_amount),
 * `target_completion` (ratio: contract_amount ÷ its decomposed target; no data without a
 * target or with a target of 0), `new_opportunities` (count: opportunities created in the
 * window; opportunities_created), `opportunity_sufficiency` (ratio of
 * kiscrm_report_sufficiency(), its own target the configured threshold; when the target
 * is already met the actual is the threshold), `qualification_rate` (ratio of
 * kiscrm_report_qualification() as of ctx->as_of), `win_rate` (ratio of
 * kiscrm_report_win_rate()), `sales_cycle` (days: average days from creation to close of
 * the opportunities won in the window), `forecast_accuracy` (ratio: contract accuracy of
 * kiscrm_report_forecast_accuracy()), `receivables_overdue` (money: overdue receivables
 * of kiscrm_report_receivables() as of ctx->as_of; 0 when there are none) and `manual`
 * (score: average of the manual scores of the person for the indicator whose period
 * starts in the window; for a department the average over its people's scores).
 *
 * @param m the metric
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL, bad key, unknown unit, no compute
 *         function, NULL names), ::KISCRM_EVERSION, ::KISCRM_EEXISTS (key taken),
 *         ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_kpi_register_metric(const kiscrm_kpi_metric *m);

/**
 * Removes a metric registered with kiscrm_kpi_register_metric() (built-in metrics stay).
 * Schemes already loaded that use it fail when scored.
 * @param key its key
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID (NULL or a built-in key).
 */
KISCRM_API int kiscrm_kpi_unregister_metric(const char *key);

/**
 * @return number of metrics (built-in and registered).
 */
KISCRM_API size_t kiscrm_kpi_metric_count(void);

/**
 * @return the metric @p i (borrowed, valid until it is unregistered), NULL if out of range.
 * @param i index, 0 … kiscrm_kpi_metric_count() − 1
 */
KISCRM_API const kiscrm_kpi_metric *kiscrm_kpi_metric_at(size_t i);

/**
 * @return the metric with key @p key (borrowed, valid until it is unregistered), or NULL
 *         when unknown.
 * @param key its key
 */
KISCRM_API const kiscrm_kpi_metric *kiscrm_kpi_metric_find(const char *key);

/**
 * Computes one metric for one subject and window (what a scorecard does per indicator,
 * without the scoring). With `target_metric` set and no target of the metric's own, the
 * decomposed target of the subject is filled in.
 * @param[out] out the value
 * @param db the database
 * @param key metric key
 * @param ctx subject and window (`from` < `to`)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION, ::KISCRM_ENOTFOUND (unknown
 *         metric), or the metric's errors.
 */
KISCRM_API int kiscrm_kpi_metric_compute(kiscrm_kpi_value *out, kiscrm_db *db, const char *key,
					 const kiscrm_kpi_context *ctx);

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

/**
 * Report "kpi" by name: kiscrm_kpi_score() with the built-in default scheme.
 * @param[out] out the table
 * @param db the database
 * @param opts options as kiscrm_kpi_score()
 * @return as kiscrm_kpi_score().
 */
KISCRM_API int kiscrm_report_kpi(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/* --- Qualification standards --------------------------------------------------------- */

/**
 * A set of qualification standards (任职资格标准), loaded from YAML:
 *
 *     standards:
 *       - key: marketing_l2
 *         zh: 营销专业任职资格认证标准 第二级
 *         en: Marketing qualification, level 2
 *         role: sales_rep            # role key it is for (optional)
 *         level: 2
 *         behaviour:                 # 行为标准: units, each with required items
 *           - key: product_presentation
 *             zh: …
 *             en: …
 *             items:                 # every item needs at least one evidence record
 *               - { key: research, zh: …, en: … }
 *             methods: [report, slides, office_confirmation]  # accepted evidence methods
 *             method_text: 提供相关报告、宣讲胶片，办事处证实          # as in the standard
 *         knowledge:                 # 知识: best exam result per subject ≥ pass mark
 *           - { key: product, zh: …, en: …, pass: 60 }
 *         knowledge_method: …        # 认证方法 of the knowledge part (display only)
 *         experience:                # 经验
 *           tolerance: 0.1           # years the main item may fall short, see below
 *           method_text: …           # 认证方法 (display only)
 *           items:
 *             - { key: marketing, zh: …, en: …, years: 0.5, main: true }
 *             - { key: other_department, zh: …, en: …, years: 1 }
 *             - { key: external_marketing, zh: …, en: …, years: 1, substitutes: true }
 *         requirements:              # job description (职位说明书)
 *           education: bachelor      # a key of the education ladder
 *           sales_years: 2           # staff fields sales_years, industry_years,
 *           industry_years: 1        # management_years (absent: not required)
 *           training:                # training subjects, each attended at least once
 *             - { key: legal, zh: 相关法律知识, en: Legal knowledge }
 *     education: [secondary, college, bachelor, master, doctor]   # ladder, lowest first
 *
 * Behaviour items may carry `text` (the standard's wording) and `method` (their own
 * evidence method text). An evidence record counts for its unit and item when its
 * `standard` is NULL or the standard's key, its `date` is NULL or not after as_of, and its
 * `method` is NULL or one of the unit's `methods`.
 *
 * Experience: the years of a person's experience records of one kind add up. With a
 * `main` item: it passes when the main item reaches its bar (the other kinds may then be
 * missing or short); else when an item marked `substitutes` reaches its own bar ("main
 * experience ≥ 0.5 years, or other marketing experience ≥ 1 year"); else when the main
 * item is short by at most `tolerance` years and another item exceeds its own bar by at
 * least the shortfall ("slightly below the bar may be compensated by exceeding another").
 * Without a main item every item must reach its bar.
 */
typedef struct kiscrm_qual_standards kiscrm_qual_standards;

/**
 * Loads qualification standards from a YAML file.
 * @param[out] out the standards, owned by the caller (kiscrm_qual_standards_free())
 * @param path file path
 * @return ::KISCRM_OK, ::KISCRM_ECONFIG (with file, line, column, field and value),
 *         ::KISCRM_EINVALID, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_qual_standard_load(kiscrm_qual_standards **out, const char *path);

/**
 * Loads `qualification.yaml` of a configuration directory, or the built-in default (the
 * marketing level-2 standard) when the directory has none.
 * @param[out] out the standards
 * @param dir configuration directory; NULL for the built-in default
 * @return as kiscrm_qual_standard_load(); ::KISCRM_ENOTFOUND when @p dir does not exist.
 */
KISCRM_API int kiscrm_qual_standard_load_dir(kiscrm_qual_standards **out, const char *dir);

/** Frees standards. @param std may be NULL. */
KISCRM_API void kiscrm_qual_standards_free(kiscrm_qual_standards *std);

/**
 * @return number of standards (0 for NULL).
 * @param std the standards
 */
KISCRM_API size_t kiscrm_qual_standard_count(const kiscrm_qual_standards *std);

/**
 * @return key of standard @p i (borrowed), NULL if out of range.
 * @param std the standards
 * @param i index in file order
 */
KISCRM_API const char *kiscrm_qual_standard_key(const kiscrm_qual_standards *std, size_t i);

/**
 * Report "qualification-assessment": assesses a person against one standard as of a date
 * (evidence, exams and training dated after @p as_of are ignored; undated ones count).
 *
 * Rows (::KISCRM_ROW_DETAIL), in this order: one per behaviour unit, one per knowledge
 * subject, one for experience, one per job-description requirement (education,
 * sales_years, industry_years, management_years, training), then a ::KISCRM_ROW_TOTAL row
 * `overall`. Columns:
 * - `part` TEXT: behaviour, knowledge, experience, requirement or overall;
 * - `key` TEXT: unit, subject or requirement key (`experience`, `overall`);
 * - `name` TEXT: display name in @p lang;
 * - `required` TEXT: what the standard asks, e.g. "4 items", "60", "marketing ≥ 0.5";
 * - `actual` TEXT: what the person has, e.g. "3 of 4 items", "72", "marketing 0.4";
 * - `passed` INT: 1 or 0;
 * - `reasons` TEXT: for a fail, every reason separated by "; " — the missing items with
 *   their accepted evidence methods, an exam below the pass mark or missing, the
 *   experience bars not reached, the education or years short, the trainings missing;
 *   for a pass through a substitution rule, how it passed (e.g. "compensated by
 *   external_marketing 1.6 ≥ 1 + 0.1"); NULL otherwise. On the overall row, the keys of
 *   the failed rows.
 * @param[out] out the table
 * @param db the database
 * @param std the standards
 * @param standard key of the standard to assess against
 * @param staff_id the person
 * @param as_of reference date; ::KISCRM_DATE_NONE: the business date (kiscrm_db_set_today(); an
 *        error when none is set)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_ENOTFOUND (unknown standard or
 *         person), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_kpi_assess(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
				 const char *standard, kiscrm_id staff_id, kiscrm_date as_of);

/**
 * As kiscrm_kpi_assess() with display names in @p lang ("zh" or "en"; NULL: "en").
 * @param[out] out the table
 * @param db the database
 * @param std the standards
 * @param standard standard key
 * @param staff_id the person
 * @param as_of reference date
 * @param lang display language
 * @return as kiscrm_kpi_assess().
 */
KISCRM_API int kiscrm_kpi_assess_lang(kiscrm_table **out, kiscrm_db *db, const kiscrm_qual_standards *std,
				      const char *standard, kiscrm_id staff_id, kiscrm_date as_of,
				      const char *lang);

/**
 * Report "qualification-assessment" by name: kiscrm_kpi_assess_lang() of the person
 * `opts->owner_id` against the first standard of the built-in default standards (the
 * marketing level-2 standard), as of `opts->as_of`, in `opts->lang`.
 * @param[out] out the table
 * @param db the database
 * @param opts options; `owner_id` is required
 * @return as kiscrm_kpi_assess(); ::KISCRM_EINVALID when `owner_id` is 0.
 */
KISCRM_API int kiscrm_report_qualification_assessment(kiscrm_table **out, kiscrm_db *db,
							const kiscrm_report_options *opts);

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/sys/kpi_metric.h
 * @brief The KPI metrics registry: what a KPI scheme's indicators measure, and how a
 *        program adds its own metrics (an extension interface, as kiscrm/sys/backend.h
 *        is for storage).
 */
#ifndef KISCRM_SYS_KPI_METRIC_H
#define KISCRM_SYS_KPI_METRIC_H

#include "../common.h"
#include "../types.h"

KISCRM_BEGIN_DECL

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

KISCRM_END_DECL

#endif

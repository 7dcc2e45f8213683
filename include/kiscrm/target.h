/**
 * @file kiscrm/target.h
 * @brief Targets (业绩指标) and their exact decomposition over time and dimensions.
 *
 * A target is a record of kind ::KISCRM_KIND_TARGET: a metric, a period (one fiscal year,
 * fiscal quarter, calendar month or week, given by its kind and its first day), the
 * dimensions it is set for (business line, product line, department, owner; none set
 * means the whole company) and a value — an amount in minor units for the money metrics,
 * a count for the count metrics.
 *
 * Targets are set top-down (kiscrm_target_set_year(), then split with
 * kiscrm_target_split_time(), kiscrm_target_split_dim_keys() and
 * kiscrm_target_split_dim_ids()) or entered bottom-up with kiscrm_record_insert(). A
 * decomposition's children point at their parent (`parent_id`) and are deleted with it.
 * Splits are exact: the parts are computed by kiscrm_money_split() (largest remainder,
 * ties to the lower index) and always add up to the parent. kiscrm_report_target_check()
 * lists every place where children do not add up to their parent.
 *
 * **Weeks and months.** A week belongs to the month (quarter, fiscal year) that contains
 * its first day: whole weeks are never split by days. With weeks starting on Monday,
 * December 2026 has the weeks starting 7, 14, 21 and 28 December — the last one runs into
 * January 2027 but belongs to December; the week of Monday 30 November belongs to
 * November. Weeks start on kiscrm_config_week_start(); quarters and years follow
 * kiscrm_config_fiscal_year_start().
 *
 * **Rules checked on every insert and update** (errors name the field and the value):
 * the metric is one of the `KISCRM_METRIC_*` keys; `period` is a ::kiscrm_period; `start`
 * is the first day of such a period; money metrics have `amount` and no `count`, count
 * metrics `count` and no `amount`, never negative; at most one target exists per metric,
 * period, start and dimensions (::KISCRM_EEXISTS); a child has its parent's metric, every
 * dimension its parent has (with the same value), and either a finer period starting
 * inside the parent's period or the same period and start with more dimensions. The
 * metric, period, start and dimensions of a target that has children cannot change
 * (::KISCRM_ECONFLICT).
 */
#ifndef KISCRM_TARGET_H
#define KISCRM_TARGET_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Fields of a target (业绩指标). */
typedef enum kiscrm_target_field {
	KISCRM_TARGET_ID = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 0),            /**< INT id. */
	KISCRM_TARGET_METRIC = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 1),        /**< TEXT, required: one of the `KISCRM_METRIC_*` keys. */
	KISCRM_TARGET_PERIOD = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 2),        /**< INT, required: a ::kiscrm_period. */
	KISCRM_TARGET_START = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 3),         /**< DATE, required: first day of the period. */
	KISCRM_TARGET_BUSINESS_LINE = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 4), /**< TEXT business-line key (NULL: all business lines). */
	KISCRM_TARGET_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 5),  /**< TEXT product-line key (NULL: all product lines). */
	KISCRM_TARGET_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 6), /**< INT → department (NULL: all departments). */
	KISCRM_TARGET_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 7),      /**< INT → staff (NULL: all people). */
	KISCRM_TARGET_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 8),        /**< MONEY: the target of a money metric (NULL for count metrics). */
	KISCRM_TARGET_COUNT = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 9),         /**< INT: the target of a count metric (NULL for money metrics). */
	KISCRM_TARGET_PARENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_TARGET, 10)     /**< INT → target this one decomposes (owned: deleted with it). */
} kiscrm_target_field;

/** Metric: amount of contracts signed (money). */
#define KISCRM_METRIC_CONTRACT_AMOUNT "contract_amount"
/** Metric: amount collected (money). */
#define KISCRM_METRIC_COLLECTION_AMOUNT "collection_amount"
/** Metric: number of new customers (count). */
#define KISCRM_METRIC_NEW_CUSTOMERS "new_customers"
/** Metric: number of opportunities created (count). */
#define KISCRM_METRIC_OPPORTUNITIES_CREATED "opportunities_created"
/** Metric: number of customer visits (count). */
#define KISCRM_METRIC_VISITS "visits"

/**
 * Kind of a metric.
 * @param metric a metric key
 * @return 1 for a money metric (its targets use `amount`), 0 for a count metric (they use
 *         `count`), ::KISCRM_EINVALID for an unknown metric (the message lists the keys).
 */
KISCRM_API int kiscrm_target_metric_is_money(const char *metric);

/**
 * The dimensions a target is set for. Unset members (NULL, 0) mean "all". Fields are only
 * ever appended.
 */
typedef struct kiscrm_target_dims {
	unsigned int version;      /**< ::KISCRM_TARGET_DIMS_VERSION. */
	const char *business_line; /**< Business-line key, or NULL. */
	const char *product_line;  /**< Product-line key, or NULL. */
	kiscrm_id department_id;   /**< Department, or 0. */
	kiscrm_id owner_id;        /**< Staff member, or 0. */
} kiscrm_target_dims;

/** Current version of ::kiscrm_target_dims. */
#define KISCRM_TARGET_DIMS_VERSION 1
/** Initialiser of ::kiscrm_target_dims for the whole company (no dimension set). */
#define KISCRM_TARGET_DIMS_INIT { KISCRM_TARGET_DIMS_VERSION, NULL, NULL, 0, 0 }

/**
 * Initialises dimensions to "the whole company" (for callers that cannot use the macro).
 * @param dims the struct
 * @param version ::KISCRM_TARGET_DIMS_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL), ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_target_dims_init(kiscrm_target_dims *dims, unsigned int version);

/**
 * Sets a yearly target: creates the target of @p metric for fiscal year @p fiscal_year
 * and @p dims, or changes the value of the one that already exists (its children, if
 * any, are kept; kiscrm_report_target_check() then shows whether they still add up).
 * The period starts on the first day of the fiscal year (kiscrm_config_fiscal_year_start();
 * fiscal year 2026 with an April start runs from 2026-04-01 to 2027-03-31).
 * @param[out] out id of the target, may be NULL
 * @param db the database
 * @param metric a `KISCRM_METRIC_*` key
 * @param fiscal_year fiscal year, named by the calendar year it starts in (1..9998)
 * @param amount_or_count amount in minor units for a money metric, count for a count
 *        metric; not negative
 * @param dims dimensions, NULL for the whole company
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown metric, bad year, negative value,
 *         unconfigured business/product line key), ::KISCRM_EVERSION (dims),
 *         ::KISCRM_ENOTFOUND (department or owner missing), ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_target_set_year(kiscrm_id *out, kiscrm_db *db, const char *metric, int fiscal_year,
				      kiscrm_money amount_or_count, const kiscrm_target_dims *dims);

/**
 * Number of periods of kind @p child_period a target splits into over time (the number of
 * weights kiscrm_target_split_time() wants): 4 quarters or 12 months of a year, 3 months
 * of a quarter, and the weeks whose first day lies in the target's period (4 or 5 for a
 * month, see the file description).
 * @param[out] n the number
 * @param db the database
 * @param target_id the target
 * @param child_period a ::kiscrm_period finer than the target's
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID (period not finer).
 */
KISCRM_API int kiscrm_target_split_count(size_t *n, kiscrm_db *db, kiscrm_id target_id, int child_period);

/**
 * Decomposes a target over time: one child per period of kind @p child_period in the
 * target's period (in date order; see kiscrm_target_split_count()), with the target's
 * dimensions and the parts of its value by @p weights (kiscrm_money_split(): largest
 * remainder, ties to the lower index, so the children add up exactly). Children of the
 * same decomposition (same child period, same dimensions as the target) made before are
 * replaced, with their own children; other decompositions of the target stay. All or
 * nothing: on failure the old children are left as they were.
 *
 * Example: 1,000,000.00 yuan by 20/25/25/30 gives quarters of 200,000.00, 250,000.00,
 * 250,000.00 and 300,000.00.
 * @param db the database
 * @param target_id the target (year → quarters or months or weeks, quarter → months or
 *        weeks, month → weeks)
 * @param child_period a ::kiscrm_period finer than the target's
 * @param weights @p n non-negative weights, not all zero (e.g. percentages)
 * @param n number of weights: exactly the number of child periods
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (no such target), ::KISCRM_EINVALID (period not
 *         finer, wrong number of weights — the message says how many are needed —,
 *         negative or all-zero weights), ::KISCRM_EEXISTS (a child period already has a
 *         target with those dimensions from another decomposition), ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_target_split_time(kiscrm_db *db, kiscrm_id target_id, int child_period,
					const int64_t *weights, size_t n);

/**
 * Decomposes a target over a text dimension: one child per key, same period as the
 * target, with the target's dimensions plus @p group set to the key, and the parts of
 * its value by @p weights (exact, as kiscrm_target_split_time()). Children made before
 * by a split over the same dimension are replaced; all or nothing.
 * @param db the database
 * @param target_id the target; @p group must not be set on it yet
 * @param group ::KISCRM_GROUP_BUSINESS_LINE or ::KISCRM_GROUP_PRODUCT_LINE
 * @param keys @p n distinct configured keys
 * @param weights @p n non-negative weights, not all zero
 * @param n number of keys, at least 1
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID (other group, group already
 *         set on the target, NULL or repeated key, key not configured, bad weights),
 *         ::KISCRM_EEXISTS, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_target_split_dim_keys(kiscrm_db *db, kiscrm_id target_id, int group,
					    const char *const *keys, const int64_t *weights, size_t n);

/**
 * Decomposes a target over departments or people (指标落实到人): one child per id, same
 * period, with the target's dimensions plus @p group set to the id, and the parts of its
 * value by @p weights (exact, as kiscrm_target_split_time()). Children made before by a
 * split over the same dimension are replaced; all or nothing.
 *
 * Example: 100 split 1:1:1 over three people gives 34, 33 and 33 (the leftover unit goes
 * to the first of the tied remainders).
 * @param db the database
 * @param target_id the target; @p group must not be set on it yet
 * @param group ::KISCRM_GROUP_DEPARTMENT or ::KISCRM_GROUP_OWNER
 * @param ids @p n distinct positive ids of departments or staff
 * @param weights @p n non-negative weights, not all zero
 * @param n number of ids, at least 1
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (target, department or staff missing),
 *         ::KISCRM_EINVALID (other group, group already set, repeated id, bad weights),
 *         ::KISCRM_EEXISTS, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_target_split_dim_ids(kiscrm_db *db, kiscrm_id target_id, int group,
					   const kiscrm_id *ids, const int64_t *weights, size_t n);

/**
 * The children of a target, ordered by start date, then period (coarsest first), then id.
 * @param[out] ids array of ids, owned by the caller (kiscrm_ids_free() of kiscrm/org.h);
 *        NULL when there are none
 * @param[out] count number of ids
 * @param db the database
 * @param target_id the target
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID, ::KISCRM_ENOMEM, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_target_children(kiscrm_id **ids, size_t *count, kiscrm_db *db, kiscrm_id target_id);

KISCRM_END_DECL

#endif

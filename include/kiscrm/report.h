/**
 * @file kiscrm/report.h
 * @brief Every report: common options, group-by dimensions, reports by name, and each
 *        report's own function.
 *
 * Every report returns a ::kiscrm_table owned by the caller (kiscrm_table_free()) and takes
 * ::kiscrm_report_options (NULL: the defaults). Reports that group take any combination of
 * the ::kiscrm_group dimensions; each adds one TEXT column named after it (department and
 * owner show names, the other dimensions their configured keys) in front of the figures,
 * and rows come sorted by the group columns; listing reports ignore `group_by`. The
 * `owner_id` and `department_id` filters apply to every report.
 *
 * **Records outside the configuration.** The reports that place opportunities by stage
 * (funnel, funnel diagnosis, stage win rates, stage probabilities, probability, forecast,
 * gap, sufficiency, year-end, KPI) return ::KISCRM_ECONFIG, naming the opportunities,
 * while some opportunity is at a stage its pipeline does not have or in a pipeline the
 * configuration does not have (renamed or removed after the data was written); moving
 * them to a configured stage (kiscrm_opportunity_move()) or restoring the configuration
 * repairs it. Every other report reads opportunities by their status and runs unchanged.
 *
 * The reports are declared here, one section per area; the records, options and terms
 * they share are documented in the area's header: kiscrm/predict.h (predictive
 * probability), kiscrm/forecast.h (gap, sufficiency, forecasts), kiscrm/money_flow.h
 * (receivables and ageing), kiscrm/budget.h (the rolling budget and its snapshots),
 * kiscrm/target.h (targets), kiscrm/kpi.h (KPI) and kiscrm/qualification.h. The pipeline
 * health reports (funnel 销售漏斗 and its diagnosis, qualification rate 商机合格率, structure
 * 商机结构, STQC 销售全面质量控制, win/loss 输赢单分析) use these terms:
 *
 * - **Working stages** are the non-terminal stages of a pipeline, in their configured
 *   order; **won** and **lost** stages are the terminal ones. An opportunity is
 *   **open** while its current stage is a working stage, **won** or **lost** when it is in a
 *   won or lost stage (status `abandoned` lies on a lost stage and counts as lost).
 *   Reports that are not tied to one pipeline (qualification, invalid opportunities,
 *   structure, STQC, missing analysis, win/loss, win rate) read the `status` field and cover every pipeline unless `opts->pipeline`
 *   names one; the funnel reports (funnel, diagnosis, stage win rates) cover one pipeline
 *   (`opts->pipeline`, NULL: the default pipeline).
 * - The **window** is [`from`, `to`) of the options (or the `period` containing `as_of`);
 *   unbounded when neither is given. A **close in the window** is a won or lost
 *   opportunity whose `closed` date lies in it.
 * - **Stage history**: the opportunity's stage-history entries sorted by time (ties in
 *   the order they were written). An opportunity **entered** stage S when one of its
 *   entries has `to_stage` = S — the creation entry included.
 * - Money columns are in minor units of the configured currency (printed with its
 *   decimals); RATE columns are fractions (0.25 = 25 %), NULL when their denominator is 0.
 */
#ifndef KISCRM_REPORT_H
#define KISCRM_REPORT_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Group-by dimensions of reports. Values are only ever appended. */
typedef enum kiscrm_group {
	KISCRM_GROUP_BUSINESS_LINE = 1, /**< 业务线. */
	KISCRM_GROUP_PRODUCT_LINE = 2,  /**< 产品线. */
	KISCRM_GROUP_DEPARTMENT = 3,    /**< 部门 (the record's department). */
	KISCRM_GROUP_OWNER = 4,         /**< 人员: the owning staff member. */
	KISCRM_GROUP_REGION = 5,        /**< 地区, from the customer. */
	KISCRM_GROUP_INDUSTRY = 6,      /**< 行业, from the customer. */
	KISCRM_GROUP_SIZE_CLASS = 7,    /**< 大中小单: large, medium, small. */
	KISCRM_GROUP_CUSTOMER = 8,      /**< 客户: the record's customer (its name). */
	KISCRM_GROUP_MANAGER = 9,       /**< 上级: the owner's manager (`manager_id` of the staff
	                                     member; a row sums the people reporting to that
	                                     manager directly; owners without one form a group
	                                     with an empty name). */
	KISCRM_GROUP_MANAGER_TREE = 10  /**< 上级（逐级）: every manager above the owner, directly
	                                     or transitively — a record counts in the row of
	                                     each, so a manager's row sums everyone below them
	                                     (rows do not add up to the total). Owners without
	                                     a manager form a group with an empty name. Reports
	                                     that sum records — win-rate, win-loss,
	                                     qualification, structure — support it; the others
	                                     refuse it with ::KISCRM_EINVALID. */
} kiscrm_group;

/** Options shared by all reports. Fields are only ever appended. */
typedef struct kiscrm_report_options {
	unsigned int version;     /**< ::KISCRM_REPORT_OPTIONS_VERSION. */
	kiscrm_date as_of;        /**< Reference date ("today" of the report); ::KISCRM_DATE_NONE: the
	                               database's business date (kiscrm_db_set_today(); an error when none is set). */
	kiscrm_date from;         /**< First day analysed; ::KISCRM_DATE_NONE: derived from `period`. */
	kiscrm_date to;           /**< Day after the last day analysed; ::KISCRM_DATE_NONE: derived from `period`. */
	int period;               /**< A ::kiscrm_period; when `from`/`to` are unset, the report covers the
	                               period containing `as_of`; 0: no period limit. */
	const int *group_by;      /**< ::kiscrm_group values, may be NULL. */
	size_t ngroup;            /**< Number of `group_by` entries (at most 4). */
	const char *pipeline;     /**< Pipeline key; NULL: the default pipeline. */
	const char *lang;         /**< "zh" or "en" for display names; NULL: "en". */
	kiscrm_id owner_id;       /**< Only this staff member's records (0: all). */
	kiscrm_id department_id;  /**< Only this department and those below it (0: all). */
	/* version 2 */
	const struct kiscrm_forecast_options *forecast; /**< Forecast options of the reports that
	                               weigh the pipeline (gap, forecast, year-end: which stage
	                               probabilities); NULL: the defaults. Version 2. */
	/* version 3 */
	const char *attribution;  /**< Attribution model of the market-activity reports: "primary",
	                               "first", "last" or "even" (kiscrm/campaign.h); NULL:
	                               customers.yaml `campaigns.attribution.model`. Version 3. */
} kiscrm_report_options;

/** Current version of ::kiscrm_report_options. */
#define KISCRM_REPORT_OPTIONS_VERSION 3
/** Initialiser with the defaults: as of today, no period limit, no grouping. */
#define KISCRM_REPORT_OPTIONS_INIT { KISCRM_REPORT_OPTIONS_VERSION, KISCRM_DATE_NONE, \
	KISCRM_DATE_NONE, KISCRM_DATE_NONE, 0, NULL, 0, NULL, NULL, 0, 0, NULL, NULL }

/**
 * Initialises report options with the defaults.
 * @param opts the struct
 * @param version ::KISCRM_REPORT_OPTIONS_VERSION
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION.
 */
KISCRM_API int kiscrm_report_options_init(kiscrm_report_options *opts, unsigned int version);

/**
 * @return number of reports that kiscrm_report_run() knows.
 */
KISCRM_API size_t kiscrm_report_count(void);
/**
 * @return name of report @p i (static), e.g. "funnel"; NULL if out of range.
 * @param i index
 */
KISCRM_API const char *kiscrm_report_name(size_t i);
/**
 * @return one-line English description of report @p i (static); NULL if out of range.
 * @param i index
 */
KISCRM_API const char *kiscrm_report_description(size_t i);

/**
 * Runs a report by name (for CLIs and bindings): the same as calling its own function.
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param name a name of kiscrm_report_name()
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (unknown report: the message lists the names),
 *         or the report's own errors.
 */
KISCRM_API int kiscrm_report_run(kiscrm_table **out, kiscrm_db *db, const char *name,
				 const kiscrm_report_options *opts);

/**
 * Parses a group-by dimension name: business_line, product_line, department, owner,
 * region, industry, size_class.
 * @param name the name
 * @return a ::kiscrm_group value, or ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_group_parse(const char *name);

/* ---- Pipeline health: funnel, diagnosis, qualification rate, structure, STQC, win/loss (terms above) ---- */

/**
 * The sales funnel (销售漏斗) of one pipeline: per group, one row per stage — the working
 * stages in order, then the won and lost stages — and a SUBTOTAL row (::KISCRM_ROW_SUBTOTAL)
 * closing the group with the open pipeline and its velocity.
 *
 * Only opportunities created before `to` (when bounded) are considered. Without group-by
 * dimensions the stage rows are always present, even for an empty database.
 *
 * Columns after the group columns:
 * - `stage` (TEXT): stage key; NULL on the SUBTOTAL row.
 * - `stage_name` (TEXT): stage display name in `opts->lang`; on the SUBTOTAL row
 *   "Open pipeline" / "在途商机".
 * - `count` (INT): working stage: open opportunities currently in it; won/lost stage:
 *   opportunities in it that closed in the window; SUBTOTAL: all open opportunities.
 * - `amount` (MONEY): sum of the `amount` of the opportunities counted in `count`.
 * - `entered` (INT): opportunities that entered the stage by stage history (NULL on the
 *   SUBTOTAL row).
 * - `converted` (INT): working stage only: of `entered`, those that afterwards entered a
 *   later stage of the pipeline other than a lost one (a later working stage or won);
 *   NULL on won/lost/SUBTOTAL rows.
 * - `conversion` (RATE): `converted` ÷ `entered`, the conversion rate to the next stage;
 *   NULL when `entered` is 0 and on won/lost/SUBTOTAL rows.
 * - `avg_days` (RATE): working stage only: average length of a stay in the stage, in days
 *   (fractional). Each stay is the time from an entry into the stage to the next history
 *   entry of the same opportunity; an open opportunity's current stay runs up to the start
 *   (00:00 UTC) of `as_of` (stays that would end before they start — entries after
 *   `as_of` — are skipped). NULL when there is no stay.
 * - `median_days` (RATE): median of the same stays (mean of the two middle ones for an
 *   even number), NULL when there is none.
 * - `win_rate` (RATE): SUBTOTAL only: won ÷ (won + lost) of the closes in the window.
 * - `cycle_days` (RATE): SUBTOTAL only: average sales cycle, days from `created` to
 *   `closed` of the won opportunities closed in the window (those with both dates).
 * - `velocity` (MONEY): SUBTOTAL only: pipeline velocity in money per day =
 *   open count × average open amount × `win_rate` ÷ `cycle_days`, i.e. open amount ×
 *   `win_rate` ÷ `cycle_days`, rounded half away from zero to a minor unit; NULL when no
 *   opportunity was won in the window or `cycle_days` is 0.
 * - `cycle_median_days` (RATE): SUBTOTAL only: median of the same won cycles (the middle
 *   one, or the mean of the two middle ones); NULL without wins.
 * - `lost_cycle_days`, `lost_cycle_median_days` (RATE): SUBTOTAL only: mean and median
 *   days from `created` to `closed` of the lost opportunities closed in the window; NULL
 *   without losses.
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, bad options),
 *         ::KISCRM_ENOTFOUND (unknown pipeline), ::KISCRM_EVERSION, ::KISCRM_ESTORAGE,
 *         ::KISCRM_ENOMEM, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_report_funnel(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Funnel-shape diagnosis (漏斗形状诊断): classifies, per group, the funnel of the open
 * opportunities of one pipeline (created before `to` when bounded) and gives the manual's
 * remedy. Let c(1) … c(n) be the open counts of the n working stages in order, and T
 * their sum. With the thresholds of `analysis.yaml`, the first rule that holds wins:
 *
 * 1. `thin_top` (stage NULL) when T is 0 (no open opportunity at all).
 * 2. `bottom_heavy` (stage NULL) when n ≥ 2 and c(n−1) + c(n) > bottom_heavy_share × T.
 * 3. `thin_top` (stage NULL) when n ≥ 2 and c(1) < thin_top_ratio × the average of
 *    c(2) … c(n).
 * 4. `bottleneck` at stage S (the first such working stage after the first one) when
 *    c(S) > bottleneck_ratio × c(S−1).
 * 5. `fat_top_thin_bottom` (stage NULL) when the first stage is the widest (c(1) ≥ every
 *    other c) and the overall conversion is below fat_top_conversion. The overall
 *    conversion is, of the opportunities that entered the first working stage by stage
 *    history, the share that afterwards entered a won stage (a group where none entered
 *    the first stage does not match).
 * 6. `healthy` (stage NULL) when every c(S) ≤ c(S−1).
 * 7. Otherwise `bottleneck` at the first working stage whose count exceeds the previous
 *    stage's (a rise too small for rule 4, but opportunities still pile up there).
 *
 * Columns after the group columns:
 * - `code` (TEXT): healthy, thin_top, bottleneck, fat_top_thin_bottom or bottom_heavy.
 * - `stage` (TEXT): key of the bottleneck stage; NULL for the other codes.
 * - `remedy_zh` (TEXT), `remedy_en` (TEXT): the management answer of the manual, exactly:
 *   - healthy: "保持" / "Keep the rhythm."
 *   - thin_top: "增加前端商机：网格化营销、市场活动、电话营销、老客户二次销售" /
 *     "More opportunities: grid marketing, market activities, telemarketing, resale to
 *     existing customers."
 *   - bottleneck: "疏通该阶段：流程、资源、辅导" / "Unblock this stage: process, resources,
 *     coaching."
 *   - fat_top_thin_bottom: "提高转化：商机质量、销售技能" / "Improve conversion: opportunity
 *     qualification, selling skills."
 *   - bottom_heavy: "本季度尚可、下季度将不足，需补充前端商机" / "This quarter is fine, next
 *     quarters will fall short: fill the top of the funnel now."
 * - `open_count` (INT): T.
 * - `conversion` (RATE): the overall conversion of rule 5 (NULL when none entered the
 *   first stage).
 * - `count_<stage key>` (INT), one per working stage in order: c(S).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_funnel_diagnosis(kiscrm_table **out, kiscrm_db *db,
					      const kiscrm_report_options *opts);

/**
 * Qualification rate (商机合格率) of the open opportunities, per group. An open
 * opportunity is valid when it has a customer, a contact, an amount > 0, an expected close
 * date that is not before `as_of`, and a last activity no more than `activity_days`
 * (analysis.yaml) days before `as_of`. The window is not used: this is a snapshot as of
 * `as_of`.
 *
 * Columns after the group columns:
 * - `open_count` (INT): open opportunities.
 * - `valid_count` (INT): the valid ones among them.
 * - `rate` (RATE): `valid_count` ÷ `open_count` (NULL when there is no open opportunity).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_qualification(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Lists the invalid open opportunities of kiscrm_report_qualification() with the reasons,
 * in id order (`group_by` is ignored).
 *
 * Columns:
 * - `id` (INT): the opportunity.
 * - `name` (TEXT): its name.
 * - `owner` (TEXT): the owner's name.
 * - `stage` (TEXT): its current stage key.
 * - `amount` (MONEY): its amount (NULL when unset).
 * - `reasons` (TEXT): comma-separated codes, in this order: `no_customer`, `no_contact`,
 *   `no_amount` (NULL or ≤ 0), `no_expected_close`, `no_recent_activity` (no last activity,
 *   or older than `activity_days` before `as_of`), `overdue` (expected close before
 *   `as_of`).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_invalid_opportunities(kiscrm_table **out, kiscrm_db *db,
						   const kiscrm_report_options *opts);

/**
 * Pipeline structure (商机结构/构成): the open opportunities split by the requested groups
 * (group by ::KISCRM_GROUP_SIZE_CLASS for the large/medium/small mix), then a TOTAL row
 * (::KISCRM_ROW_TOTAL, group columns NULL). A snapshot: the window is not used.
 *
 * Columns after the group columns:
 * - `count` (INT): open opportunities.
 * - `amount` (MONEY): their amount.
 * - `share` (RATE): `amount` ÷ the total open amount (NULL when the total is 0).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_report_structure(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * STQC — total quality control of sales (销售全面质量控制): every open opportunity with the
 * role that must review it according to its size class (analysis.yaml supervision.large,
 * supervision.medium, supervision.small), in id order (`group_by` is ignored). When the stored
 * size class is NULL it is derived from the amount with the configured thresholds
 * (an opportunity without amount is small).
 *
 * Columns:
 * - `id` (INT), `name` (TEXT), `owner` (TEXT: the owner's name), `stage` (TEXT: stage key),
 *   `amount` (MONEY).
 * - `size_class` (TEXT): large, medium or small.
 * - `review_role` (TEXT): key of the reviewing role.
 * - `review_role_zh` (TEXT): that role's Chinese name (NULL when the role is not in
 *   roles.yaml).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_stqc(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Closed opportunities that still lack their analysis (100% 商机分析): won or lost ones
 * closed in the window whose `reason` or `reason_category` is NULL or empty, in id order
 * (`group_by` is ignored).
 *
 * Columns:
 * - `id` (INT), `name` (TEXT), `owner` (TEXT: the owner's name).
 * - `status` (TEXT): won, lost or abandoned.
 * - `closed` (DATE): when it was won or lost.
 * - `missing` (TEXT): `reason`, `reason_category` or `reason,reason_category`.
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_missing_analysis(kiscrm_table **out, kiscrm_db *db,
					      const kiscrm_report_options *opts);

/**
 * Win/loss analysis (输赢单分析): the closes in the window counted and summed per outcome,
 * reason category and reason, within each group. Rows are sorted by the group columns,
 * then won before lost, then the categories in their configured order (unknown keys after
 * them by key, NULL last), then reason (byte order, NULL last).
 *
 * Columns after the group columns:
 * - `outcome` (TEXT): won or lost (abandoned counts as lost).
 * - `reason_category` (TEXT): the category key (NULL when not given).
 * - `category_name` (TEXT): its display name in `opts->lang` (NULL for unknown keys and
 *   NULL categories).
 * - `reason` (TEXT): the reason as entered (NULL when not given).
 * - `count` (INT): number of opportunities.
 * - `amount` (MONEY): their amount.
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_report_win_loss(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Win rate (赢单率) per group: of the closes in the window, won ÷ (won + lost). Every
 * group that has an opportunity created before `to` (when bounded) gets a row, so an owner
 * with open opportunities only shows 0 won, 0 lost and a NULL rate.
 *
 * Columns after the group columns:
 * - `won_count` (INT), `lost_count` (INT): closes in the window (abandoned counts as lost).
 * - `won_amount` (MONEY): amount of the won ones.
 * - `win_rate` (RATE): `won_count` ÷ (`won_count` + `lost_count`), NULL when both are 0.
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_report_win_rate(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The top customers (大客户排名): customers ranked by the value of the opportunities won
 * from them in the window (by `closed` date), then by their number, then by customer id.
 * Columns: `rank` INT (1 first), `customer_id` INT, `customer` TEXT, `won_count` INT,
 * `won_amount` MONEY (a NULL amount counts 0), `share` RATE (of all the won value listed;
 * NULL when it is 0). A listing report: `group_by` is ignored; `owner_id`,
 * `department_id` and `pipeline` (NULL: every pipeline) select the opportunities.
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: the defaults — no window limit)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_top_customers(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The customer lifecycle (客户生命周期) as of `as_of`, one row per customer, derived from
 * its contracts (rejected ones excluded) by the rules of analysis.yaml `lifecycle` (the
 * project's defaults in brackets): `prospect` no contract yet; `lost` no contract in the
 * last `lost_months` [18]; `new` first contract within the last `new_months` [12];
 * `growing` contract value of the last 12 months at least `growth_percent` [20] % above
 * the 12 months before; `declining` at least `decline_percent` [20] % below it; `mature`
 * otherwise. Columns: `customer_id` INT, `customer` TEXT, `stage` TEXT, `since` DATE (the
 * first day of the month in which the stage began — stages are evaluated at month ends
 * back to the first contract; NULL for a prospect), `first_contract`, `last_contract`
 * DATE (up to `as_of`). Sorted by customer id; `owner_id` and `department_id` select by
 * the customer's owner; `group_by` is ignored.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_lifecycle(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Lifecycle movements: the customers whose stage (kiscrm_report_lifecycle()) at the end of
 * the day before the window differs from the stage at the end of its last day. Columns:
 * `customer_id` INT, `customer` TEXT, `from_stage`, `to_stage` TEXT, `since` DATE (of the
 * new stage). Needs a window (`from`/`to` or `period`).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (no window), storage errors.
 */
KISCRM_API int kiscrm_report_lifecycle_movements(kiscrm_table **out, kiscrm_db *db,
						 const kiscrm_report_options *opts);

/**
 * Key-account care compliance (重点客户关怀) per account and rule over the window (from/to,
 * a period, or — neither given — the fiscal year of `as_of`), by the rules of
 * customers.yaml `care` (kiscrm/care.h). A rule is assessed in each of its periods (month,
 * quarter, year, aligned to the fiscal year) that lies wholly inside the window, for the
 * key accounts it applies to; each period requires `count` done activities of the rule's
 * types with the account by the responsible person, and surplus activities do not carry
 * over. Greetings require one done greeting activity per occasion in the window.
 * Columns: `customer_id` INT, `customer` TEXT, `rule` TEXT (a rule key, or `greetings`),
 * `rule_name` TEXT (in `lang`), `responsible_id` INT, `responsible` TEXT, `required`,
 * `done`, `missing` INT, `rate` RATE (done ÷ required); a total row ends the table. Rows
 * by customer id, then in the order of the rules, greetings last. `owner_id` and
 * `department_id` select accounts by their owner.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (a window with one end only, or longer than ten
 *         years), ::KISCRM_ECONFIG (a rule that applies names a role roles.yaml lacks or
 *         that no active staff member holds, or an unknown activity type), storage errors.
 */
KISCRM_API int kiscrm_report_care_compliance(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Key-account care compliance per responsible person and rule: the obligations of
 * kiscrm_report_care_compliance() summed by the person who answers for them (the
 * account's owner, or for a role the holder whose department is nearest above the
 * owner's, else the holder with the lowest id). Columns: `responsible_id` INT,
 * `responsible` TEXT, `rule`, `rule_name` TEXT, `accounts` INT, `required`, `done`,
 * `missing` INT, `rate` RATE; a sub-total row per person (rule empty) and a total row.
 * @param[out] out the table
 * @param db the database
 * @param opts options as kiscrm_report_care_compliance()
 * @return as kiscrm_report_care_compliance().
 */
KISCRM_API int kiscrm_report_care_people(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * What key-account care still owes as of `as_of`: the obligations of the window (as
 * kiscrm_report_care_compliance()) not yet fully done and already listed — a period from
 * its first day, a greeting from `lead_days` before its date. `status` is `overdue` once
 * a period has ended or a greeting's `grace_days` have passed before `as_of`, `due`
 * otherwise. Columns: `customer_id` INT, `customer`, `rule`, `rule_name`, `occasion` TEXT
 * (greetings: birthday, important_date, family_celebration), `contact_id` INT,
 * `period_start` DATE (rules), `due` DATE (last day of the period, or the greeting's
 * date), `responsible_id` INT, `responsible` TEXT, `required`, `done`, `missing` INT,
 * `status` TEXT. Sorted by due date, customer, rule.
 * @param[out] out the table
 * @param db the database
 * @param opts options as kiscrm_report_care_compliance()
 * @return as kiscrm_report_care_compliance().
 */
KISCRM_API int kiscrm_report_care_due(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Customer value (客户价值分析) over the window (required): the customers that signed a
 * contract by its end, ranked by the value score of customers.yaml `value` (kiscrm/value.h)
 * with their A/B/C class. Columns: `rank` INT (ties share it), `customer_id` INT,
 * `customer` TEXT, `contract`, `service`, `cost` MONEY (in the window), `years` INT (of
 * relationship at the window's end), `score` MONEY, `class` TEXT. Ranks and classes are
 * relative to all customers; `owner_id` and `department_id` only select the rows shown.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (no window, or longer than ten years),
 *         ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_customer_value(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Value-class movements: customers whose class stored by kiscrm_customer_value_classify()
 * changed across the window — the latest class dated before `from` against the latest
 * dated before `to` (a customer classed for the first time has no from_class). Columns:
 * `customer_id` INT, `customer` TEXT, `from_class` TEXT, `from_as_of` DATE, `to_class`
 * TEXT, `to_as_of` DATE. Needs a window.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return as kiscrm_report_customer_value().
 */
KISCRM_API int kiscrm_report_value_movements(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The IDIC lists over the window (required), each sorted by its figure, largest first:
 * `gold` (class A; figure: the score), `cost_exceeds_value` (cost to serve above contract
 * and service revenue; figure: the excess), `lapsed_large` (among the `lapsed_top`
 * largest customers of the twelve months before the window, ties at the edge included,
 * those that signed nothing in it; figure: last year's revenue) and `cross_sell`
 * (contracts in the window covering at most `cross_sell_max_lines` product lines; figure:
 * the revenue). Customers who complained repeatedly will join when service requests exist.
 * Columns: `list`, `list_name` TEXT, `customer_id` INT, `customer` TEXT, `figure` MONEY,
 * `class` TEXT, `product_lines` TEXT (those of the window, comma-separated).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return as kiscrm_report_customer_value().
 */
KISCRM_API int kiscrm_report_idic(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Win/loss by competitor (竞争对手输赢分析): one row per competitor of the register
 * (kiscrm/market.h), in id order, over the opportunities closed in the window (by their
 * `closed` date) on which it was met. Columns: `competitor_id` INT, `competitor` TEXT,
 * `main` INT (one of the main local competitors), `met` INT (closed deals it was met on),
 * `won_count`, `lost_count` INT (ours), `lost_to` INT (deals it took: met, lost, marked
 * `won` for it), `win_rate` RATE (won ÷ (won + lost); NULL when none), `won_amount`,
 * `lost_amount` MONEY. Owner, department and pipeline select the opportunities; a deal
 * with several competitors counts for each. `group_by` is ignored.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_competitors(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The market grid (网格化营销, kiscrm/market.h) as of `as_of`: one row per cell (by region,
 * then industry; `owner_id` and `department_id` select cells by their owner), then a
 * sub-total per region and per industry, then the total. Columns: `level` TEXT (cell,
 * region, industry, total), `region`, `industry`, `owner` TEXT, `enterprises`, `top500`
 * INT, `customers` INT (customers of the cell's region and industry whose first contract
 * was signed by `as_of`), `penetration` RATE (customers ÷ enterprises; NULL without
 * enterprises), `share` RATE (of the customers in the selected cells), `thin` INT (1: no
 * customers, or penetration below customers.yaml `grid.thin_penetration`, default 5 %),
 * `empty` INT (1: no customers).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_grid(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Market-activity returns (市场活动投入产出, kiscrm/campaign.h): one row per activity starting
 * in the window (all activities when the window is unbounded) and passing the owner and
 * department filters (the activity's department, else its owner's), ordered by type (as
 * configured), start and id; a sub-total row per type; the total. Opportunities created by
 * `as_of` are attributed by the model of `attribution` (else customers.yaml). Columns:
 * `campaign_id` INT, `campaign` TEXT, `type`, `type_name` TEXT, `start`, `end` DATE,
 * `budget` MONEY, `cost` MONEY (cost items dated by `as_of`, each counted once), `invited`,
 * `confirmed` (confirmed or attended), `attended` INT, `leads` INT (distinct leads linked by
 * their campaign_id or by a touch), `opportunities` INT (distinct opportunities credited,
 * whatever their outcome), `won_count` INT, `pipeline` MONEY (credited shares of open
 * opportunities), `won` MONEY (of opportunities won by `as_of`), `cost_per_opportunity`
 * MONEY (cost ÷ opportunities, rounded; NULL without opportunities), `roi` RATE ((won −
 * cost) ÷ cost; NULL when the cost is 0). `group_by` is ignored.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown attribution model), ::KISCRM_EOVERFLOW,
 * storage errors.
 */
KISCRM_API int kiscrm_report_campaign_roi(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The credits behind the market-activity returns: for each opportunity created in the
 * window (all when unbounded) by `as_of`, passing the owner and department filters and
 * attributed to at least one activity, one row per activity credited, in opportunity id
 * order; then the total. Columns: `opportunity_id` INT, `opportunity` TEXT, `customer_id`
 * INT, `status` TEXT (open, won, lost as of `as_of`), `created` DATE, `amount` MONEY,
 * `campaign_id` INT, `campaign`, `type` TEXT, `touched` DATE (the touch credited; for
 * `even` the activity's earliest touch in the window; NULL for `primary`), `share` MONEY.
 * An opportunity's shares add up to its amount exactly.
 * @param[out] out the table
 * @param db the database
 * @param opts options (`attribution`: the model)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_attribution(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Service requests (kiscrm/service.h) not closed at the end of the `as_of` day (local
 * midnight after it on the business calendar), opened in the window (all when unbounded),
 * of the owner or department asked: the columns of kiscrm_service_sla() at that instant.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_service_sla(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The general manager's spot-check list of complaints (投诉抽查): every complaint opened in
 * the window (all when unbounded), closed or not, with the columns of kiscrm_service_sla()
 * at the end of the `as_of` day (`satisfaction` included).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_complaints(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The CSP service catalogue (标准服务, service.yaml `catalogue`), in its order: `key`,
 * `name` TEXT (in the report's language), `annual_fee` INT (1: covered by the annual
 * service fee; 0: ordered per case), `requests` INT (service requests for the product
 * opened in the window and by `as_of`).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_service_catalogue(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Satisfaction (满意度): the scores of requests (by the local day they were opened) and of
 * surveys (by their date) in the window and by `as_of`, of the engineers the owner and
 * department filters select. One row per service product (catalogue order; `key` NULL:
 * none named), one per engineer, then the total. Columns: `level` TEXT (product, engineer,
 * total), `key`, `name` TEXT, `responses` INT, `average` RATE (the mean score, 1–5),
 * `satisfied` RATE (the share of scores of 4 or 5).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_satisfaction(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Service contracts (a contract with a `tier`) whose `valid_to` lies 0 to 89 days after
 * `as_of`, in id order. Columns: `contract_id` INT, `number` TEXT, `customer_id` INT,
 * `tier` TEXT, `valid_to` DATE, `days_left` INT, `within` INT (30, 60 or 90: the first
 * bucket holding days_left), `amount` MONEY (the fee), `renewed_by` INT (the contract
 * signed by `as_of` that renews it; NULL: not yet).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_service_renewals(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The renewal rate (续费率) of the window: one total row over the service contracts whose
 * `valid_to` lies in the window. Columns: `due` INT, `renewed` INT (renewed by a contract
 * signed by `as_of`), `rate` RATE (renewed ÷ due; NULL when none were due), `due_amount`,
 * `renewed_amount` MONEY.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_renewal_rate(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The presales queue (kiscrm/presales.h): the open (submitted or assigned) support
 * requests ranked by weight coefficient, then wanted start (unset last), then id; the
 * owner and department filters apply to the engineer. Columns: `rank` INT, `request_id`,
 * `opportunity_id` INT, `opportunity`, `help`, `stage`, `urgency` TEXT, `amount` MONEY (the
 * opportunity's), `weight` RATE (the coefficient, 1.00 … 5.00), `status`, `engineer` TEXT,
 * `engineer_load` INT (the engineer's open requests).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_presales_queue(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The presales project list (售前支持项目总表): the support requests asked for (`requested`)
 * in the window (all when unbounded), by engineer (unassigned last) in queue order, a
 * sub-total per engineer and the total. Columns as kiscrm_report_presales_queue() without
 * `rank` and `engineer_load`, then on the sub-total and total rows `requests`, `open`,
 * `done` and `confirmed` INT.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_presales_projects(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Implementation milestones (实施里程碑, kiscrm/delivery.h) planned in the window (all when
 * unbounded) of the contracts the owner and department filters select, in id order.
 * Columns: `milestone_id`, `contract_id` INT, `number` TEXT, `customer_id` INT, `type` TEXT,
 * `planned`, `actual` DATE, `overdue` INT (not reached and planned before `as_of`),
 * `days_late` INT (actual − planned, or as_of − planned while overdue; 0 otherwise),
 * `owner` TEXT, `instalments` INT and `due_amount` MONEY (the collection instalments that
 * fall due on it), `crisis` INT, `escalate_to_id` INT (the general manager, for a crisis
 * not yet past).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_milestones(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Second-tier partners (kiscrm/channel.h) against their own targets, in id order, then the
 * total; the owner and department filters apply to the partner's manager. Columns:
 * `partner_id` INT, `partner`, `level` TEXT, `contract_target` MONEY (partner targets of
 * metric contract_amount lying wholly in the window), `contracts` MONEY (signed in the
 * window by `as_of`, rejected ones left out), `contract_completion` RATE (NULL without
 * target), `collection_target`, `collected` MONEY, `collection_completion` RATE.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_partner_results(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The partner layout (渠道布局): partners by region (none last) and name, a sub-total per
 * region, then the total. Columns: `region` TEXT, `partner_id` INT, `partner`, `level`,
 * `status`, `industries`, `product_lines` TEXT, `partners` INT (1, or the count on
 * sub-total and total rows), `revenue` MONEY (contracts signed in the window), `open` INT
 * and `pipeline` MONEY (open opportunities through the partner), `support` INT (presales
 * requests for it asked in the window), `registrations` INT (submitted or valid as of
 * `as_of`).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EOVERFLOW, storage errors.
 */
KISCRM_API int kiscrm_report_partner_layout(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Project registrations (项目报备) by state as of `as_of`: draft, submitted, approved,
 * expired (approved, past its last valid day), rejected, withdrawn, converted; by id within
 * a state, a sub-total per state. Columns: `state` TEXT, `registration_id`, `partner_id`
 * INT, `customer`, `product_line` TEXT, `amount` MONEY, `valid_until` DATE, `days_left`
 * INT (valid ones), `conflicts_with` INT (the earlier valid registration of another
 * partner it conflicts with), `registrations` INT (on sub-total rows).
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_registrations(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The valid registrations whose last valid day is fewer than customers.yaml
 * `partners.registration.expiring_days` after `as_of`, in id order; columns as
 * kiscrm_report_registrations().
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_registrations_expiring(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Registration conflicts as of `as_of`: for each claim (normalised customer name and
 * product line) with a valid registration, the earliest submitted valid one wins; each
 * submitted or valid registration of another partner for the claim, and each open direct
 * opportunity (no partner) of a customer of that name and that product line, is a row.
 * Columns: `customer`, `product_line` TEXT, `registration_id`, `partner_id` INT (the
 * winner), `valid_until` DATE, `conflict` TEXT (registration or opportunity),
 * `conflict_id`, `conflict_partner_id` INT.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_registration_conflicts(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The key-project drill-down for the penetration meeting (重点项目穿透分析): every
 * opportunity with `key_project` = 1 that is open or was closed in the window (any when
 * the window is unbounded), in id order, each with its events in date order — created,
 * stage moves, expected collections, contracts, their instalments and collections.
 * Columns: `opportunity_id` INT, `opportunity`, `owner` TEXT, `date` DATE, `kind` TEXT
 * (opportunity, stage_move, collection_plan, contract, collection), `id` INT (of the
 * event's record), `what`, `status` TEXT, `amount` MONEY. Owner, department and pipeline
 * select the projects.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_key_projects(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The SWOT strategies (kiscrm/routines.h), in id order: `strategy_id` INT, `type` TEXT (SO,
 * ST, WO, WT), `strategy` TEXT, `internal` and `external` TEXT (the two entries' texts),
 * `department`, `product_line` TEXT (the internal entry's scope; both NULL: the
 * company), `work_items` INT (work items carrying it out) and `open_items` INT (of them,
 * still open or in progress). `department_id` selects strategies by their internal
 * entry's department; the other options are not used.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_swot(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The monthly review list (月度检查, kiscrm/routines.h): every work item still open or in
 * progress, whatever its list, as of `as_of`. Columns: `id` INT, `list` TEXT (annual,
 * resource, problem), `title` TEXT, `owner` TEXT, `due` DATE, `status` TEXT, `overdue` INT
 * (1 when due before `as_of`), `days_overdue` INT, `measures` INT and `last_measure` DATE
 * (the work-log entries dated up to `as_of`). Sorted by due date, then id. `owner_id` and
 * `department_id` select by the item's owner; the window and `group_by` are not used.
 * @param[out] out the table
 * @param db the database
 * @param opts options
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_report_work_review(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Observed win rate per working stage of one pipeline, next to the configured stage
 * probability: of the opportunities closed in the window that entered the stage (by stage
 * history; an opportunity that skipped the stage did not), the share that were won. One
 * row per working stage, in order, within each group.
 *
 * Columns after the group columns:
 * - `stage` (TEXT): stage key.
 * - `stage_name` (TEXT): its display name in `opts->lang`.
 * - `probability` (INT): the configured probability of the stage, percent.
 * - `reached` (INT): closes in the window that entered the stage.
 * - `won` (INT): those of them that were won.
 * - `win_rate` (RATE): `won` ÷ `reached` (NULL when `reached` is 0).
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (unknown pipeline),
 *         ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_stage_win_rates(kiscrm_table **out, kiscrm_db *db,
					     const kiscrm_report_options *opts);

/* ---- Predictive probability (terms in kiscrm/predict.h) ---- */

/**
 * Report "probability": every open opportunity (not on a won or lost stage) of the
 * report's pipeline with its configured, current and predicted probability. The model is
 * built with the configured start date and fields (analysis.yaml). Respects the owner and
 * department filters; when a period or from/to window is given, only opportunities whose
 * expected close date falls in it are listed. Rows are sorted by the group columns, then
 * by opportunity id.
 *
 * Columns after the group columns:
 * - `opportunity_id` INT, `opportunity` TEXT (its name), `department_name` TEXT
 *   (its department's name, NULL without department), `stage` TEXT (stage key), `amount` MONEY (NULL when
 *   unset);
 * - `stage_probability` INT: the stage's configured probability (percent);
 * - `probability` INT: the opportunity's current probability (percent, NULL when unset);
 * - `manual` INT: 1 when that probability was set by hand (kept, never replaced);
 * - `predicted` RATE: the predicted probability in percent (0.01..99.99, 2 decimals), or
 *   the stage probability when there is no estimate;
 * - `basis` TEXT: `department`, `all` or `stage` (see kiscrm_predict_explain()).
 *
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param opts report options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION, ::KISCRM_ENOTFOUND (unknown
 *         pipeline), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_probability(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/* ---- Gap, sufficiency and forecasts (terms in kiscrm/forecast.h) ---- */

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
 * - `collection_gap` MONEY: collection_target − collected (NULL without target);
 * - `visits_target`, `visits`, `visits_gap` INT and `new_customers_target`,
 *   `new_customers`, `new_customers_gap` INT: the count targets of the group (resolved
 *   like the contract target), what was achieved in the window — measured by the KPI
 *   metrics `visits` and `new_customers` of the registry for the company (no grouping),
 *   the person (by owner) or the department (by department); NULL for other groupings —
 *   and target − achieved. NULL without a target;
 * - `accelerable_count` INT, `accelerable` MONEY: open opportunities expected within as
 *   many days after the window as it lasts — deals that could be pulled in (加快);
 * - `heads` INT and `collected_per_head` MONEY (人均收款, truncated to the minor unit):
 *   one for a person, the active staff of a department (its own) or of the company; NULL
 *   for other groupings;
 * - `levers` TEXT: the make-up levers (业绩补差) for a gap, comma-separated: the strategy's
 *   (more_opportunities, process_resources, partner_support, staffing) and
 *   `acceleration` when there is a gap and accelerable pipeline; NULL when on track.
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
 *   `resale`; an opportunity flagged `resale` counts as resale whatever its source) that
 *   contributes no open pipeline in the window, or `staff_ability` when
 *   every one of them does (the channels work, the conversion into pipeline does not).
 *   Once the market grid has cells (kiscrm_report_grid()), `grid_coverage` comes from the
 *   grid instead of the source tag: it is a cause when the group — the company, or the
 *   person or department grouped by, through the cells they own — has no cell or a thin
 *   or empty one (other groupings keep the tag);
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

/* ---- Receivables (terms in kiscrm/money_flow.h) ---- */

/**
 * Receivables (应收账款) as of `opts->as_of`: per counted contract, or per group of
 * contracts when `opts->group_by` is given, then a grand total row (::KISCRM_ROW_TOTAL,
 * its group / identity columns NULL).
 *
 * Contracts considered: counted contracts (not rejected) signed on or before `as_of`, in
 * the window [`from`, `to`) by signing date when the options give one, passing the
 * `owner_id` / `department_id` filters. Collections count when received on or before
 * `as_of`. Contracts with nothing receivable are listed too.
 *
 * Without grouping, one row per contract in ascending id order, with the columns
 * - `contract_id` (INT), `number` (TEXT), `customer` (TEXT: customer name),
 *   `owner` (TEXT: staff name), `department` (TEXT: department name), `signed` (DATE),
 *
 * with grouping, the group columns (kiscrm/report.h; size_class by the contract amount
 * and the configured size thresholds) and
 * - `contracts` (INT): number of contracts in the group,
 *
 * then in both cases
 * - `amount` (MONEY): sum of contract amounts;
 * - `collected` (MONEY): sum of collections received on or before `as_of`;
 * - `receivable` (MONEY): `amount` − `collected`;
 * - `overdue` (MONEY): unpaid parts of instalments due on or before `as_of` (FIFO rule);
 * - `not_due` (MONEY): `receivable` − `overdue`: receivable not yet due (including any
 *   amount without a plan entry).
 *
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param opts options, NULL for the defaults (as of today)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, bad options),
 *         ::KISCRM_EVERSION, ::KISCRM_ENOTFOUND (unknown department filter),
 *         ::KISCRM_EOVERFLOW, ::KISCRM_ENOMEM, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_report_receivables(kiscrm_table **out, kiscrm_db *db,
					 const kiscrm_report_options *opts);

/**
 * Ageing of receivables (账龄分析) as of `opts->as_of`: the overdue amounts of the FIFO rule
 * spread over the configured ageing buckets by days past due.
 *
 * Contracts considered as in kiscrm_report_receivables(), but only those with a non-zero
 * receivable. Without grouping, one row per contract in ascending id order with
 * `contract_id` (INT), `number` (TEXT), `customer` (TEXT), `owner` (TEXT), `department`
 * (TEXT), `signed` (DATE); with grouping, the group columns and `contracts` (INT: contracts
 * with a non-zero receivable in the group). Then
 * - `receivable` (MONEY): contract amount − collected as of `as_of`;
 * - `not_due` (MONEY): the part of `receivable` not past due (instalments due after
 *   `as_of` and any amount without a plan entry; negative for an allowed over-collection);
 * - one MONEY column per ageing bucket, named `0-30`, `31-60`, `61-90`, `91-180`, `>180`
 *   with the default bounds: unpaid parts of instalments past due by that many days;
 * - `overdue` (MONEY): sum of the bucket columns.
 *
 * `receivable` = `not_due` + `overdue` on every row. A grand total row
 * (::KISCRM_ROW_TOTAL) ends the table.
 *
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param opts options, NULL for the defaults (as of today)
 * @return as kiscrm_report_receivables().
 */
KISCRM_API int kiscrm_report_ageing(kiscrm_table **out, kiscrm_db *db,
				    const kiscrm_report_options *opts);

/* ---- The eight-week rolling budget (terms in kiscrm/budget.h) ---- */

/**
 * The eight-week rolling budget (八周滚动预算) of the week containing `opts->as_of` (see
 * the file comment for weeks and which projects are rows).
 *
 * Columns, after one TEXT column per group-by dimension:
 * - `kind` TEXT: "opportunity" or "contract";
 * - `opportunity_id` INT (NULL for a contract without opportunity), `contract_id` INT (NULL
 *   for an opportunity);
 * - `project` TEXT: opportunity name or contract number;
 * - `customer`, `owner`, `department` TEXT: names; `business_line`, `product_line` TEXT keys;
 * - `stage` TEXT: the opportunity's stage key (NULL for a contract);
 * - `expected_close` DATE: expected contract date (opportunity) or signing date (contract);
 * - `probability` INT percent (NULL for a contract);
 * - `pw_contract_plan` MONEY: contract amount the snapshot of week W−1 expected in week
 *   W−1 (its `w1`); NULL when no snapshot of W−1 exists, 0 when it exists without a line;
 * - `pw_contract_actual` MONEY: amount of the project's contracts signed in W−1;
 * - `pw_contract_rate` RATE: actual ÷ plan, NULL when the plan is NULL or 0;
 * - `pw_collection_plan`, `pw_collection_actual`, `pw_collection_rate`: the same for
 *   collections (actual = collections received in W−1);
 * - for k = 1 … 8 (week W+k−1): `wk_contract` MONEY (expected contract amount, full),
 *   `wk_weighted` MONEY (weighted by probability), `wk_collection` MONEY (expected
 *   collection: an open opportunity's collection plans due that week, and a contract's
 *   unpaid plan rests after FIFO) — e.g. `w1_contract`, `w8_collection`;
 * - `total_contract`, `total_weighted`, `total_collection` MONEY: sums over the 8 weeks.
 *
 * Rows: detail rows per project (owner/department filters apply), sorted by group, then
 * opportunities before contracts, then id. With group-by, each group ends with a
 * ::KISCRM_ROW_SUBTOTAL row (text columns NULL except the group columns); the table ends
 * with one ::KISCRM_ROW_TOTAL row. In sub-total and total rows money cells are sums and
 * rates are recomputed from the sums. The comparison with targets is a separate report,
 * kiscrm_report_rolling_gap().
 *
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options (as_of, group_by, owner_id, department_id, lang); NULL: defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_rolling_budget(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * The eight-week rolling budget without its project rows: the same columns as
 * kiscrm_report_rolling_budget(), one ::KISCRM_ROW_SUBTOTAL row per group of
 * `opts->group_by` and the ::KISCRM_ROW_TOTAL row — the summary a general manager reads
 * first (by department, by person), at a fraction of the cost on large databases.
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param opts report options, as for kiscrm_report_rolling_budget()
 * @return as kiscrm_report_rolling_budget().
 */
KISCRM_API int kiscrm_report_rolling_summary(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Gap of the rolling budget to the decomposed weekly targets: per group (the report's
 * group_by, limited to business_line, product_line, department and owner) and for the
 * whole company, per metric and per week W … W+7.
 *
 * Targets are the targets of period ::KISCRM_PERIOD_WEEK starting that week, set at
 * exactly the level of the grouping (e.g. grouping by owner reads the per-person weekly
 * targets; the company rows read the company-level weekly targets).
 *
 * Columns, after the group columns:
 * - `metric` TEXT: "contract_amount" or "collection_amount";
 * - `week` INT 1 … 8, `week_start` DATE;
 * - `target` MONEY: the week's target, NULL when no target is set;
 * - `expected` MONEY: expected amount that week (full contract amount, or expected collection);
 * - `weighted` MONEY: weighted contract amount (collections: equal to `expected`);
 * - `gap` MONEY: target − expected (positive: still missing), NULL without target;
 * - `weighted_gap` MONEY: target − weighted, NULL without target;
 * - `cum_target`, `cum_expected`, `cum_gap` MONEY: the same summed over weeks 1 … k
 *   (weeks without a target count 0; NULL while no week so far had a target).
 *
 * Rows: for each group (sorted) the 16 detail rows (contract weeks 1–8, then collection
 * weeks 1–8), then 16 ::KISCRM_ROW_TOTAL rows for the company. Only groups that have a
 * project in the rolling table appear.
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options as for kiscrm_report_rolling_budget()
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (also: grouping by region, industry, size class, customer or manager,
 *         which have no targets), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_rolling_gap(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Compares the rolling budget of the week containing `opts->as_of` ("new") with the
 * snapshot of the week before ("old"), project by project (a won opportunity and its
 * contract are one project). The new side is that week's snapshot; while the week is not
 * saved yet (the weekly routine compares before saving), it is the live table as of
 * `opts->as_of` — what kiscrm_budget_snapshot() would save now — and the table carries a
 * note saying so (kiscrm_table_note()). Without a snapshot of the week before there is
 * nothing to compare: the table has no rows and a note naming that week.
 * One row per changed project; unchanged projects are left out.
 *
 * Column `change` TEXT, the first that applies:
 * - `new`: only on the new side;
 * - `won`: an open opportunity in the old one, a contract or a won opportunity now (or,
 *   absent from the new side, its opportunity is won now or has a contract);
 * - `lost`: its opportunity is lost or abandoned now;
 * - `settled` (已结清): a contract that now expects nothing more: all its collection plans
 *   are paid by the new side's as_of, some of it since the old snapshot's as_of. Reported
 *   once, in the week it settled (the week after, leaving the table is no change);
 * - `slipped` (延期): an expected date moved later — for an opportunity its expected
 *   contract date (also when it left the eight weeks and is still open); for a contract
 *   an expected collection: the old snapshot's expected collections, less what was
 *   collected since it was computed (oldest week first, as instalments are paid), are
 *   compared week by week with the new side's, so an instalment paid on time is not a
 *   slip, and an unpaid one (still expected, now in the current week) is;
 * - `pulled_in`: that date moved earlier (for a contract: money the old side expected
 *   later is expected earlier; newly planned money is not a pull-in);
 * - `amount_changed`: same dates, different amount (opportunity amount or contract amount);
 * - `removed`: only in the old snapshot, and none of the above (deleted, or no longer
 *   expected).
 *
 * Other columns after the group columns: `kind` TEXT (of the newer side), `opportunity_id`
 * INT, `contract_id` INT, `owner` TEXT name (grouped by owner: the group column),
 * `old_stage`, `new_stage` TEXT, `old_date`, `new_date` DATE (an opportunity's expected
 * contract date; for a contract the week its moved collection was expected in and the week
 * it is expected in now, or — when no week moved — the first week each side expects a
 * collection), `old_amount`, `new_amount`, `amount_delta` MONEY (new − old; a missing side
 * counts 0), `old_contract`, `new_contract`, `old_collection`, `new_collection` MONEY (the
 * project's expected contract and collection over each side's eight weeks).
 * Rows are sorted by group, then change (in the order above), then project.
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (as_of, group_by, owner_id, department_id, lang: of the notes)
 * @return ::KISCRM_OK (also without snapshots, see above); ::KISCRM_EINVALID,
 *         ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM, ::KISCRM_EOVERFLOW.
 */
KISCRM_API int kiscrm_report_snapshot_diff(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Forecast accuracy (预测准确率) per person — or per the report's group_by (e.g.
 * department) — from snapshots against what happened.
 *
 * Weeks measured: every week P before the week containing `opts->as_of` for which a
 * snapshot of week P exists (the table made during P, whose `w1` is P — the same plan the
 * next table shows as "planned for the past week"); with `from`/`to` or `period` set, only
 * weeks starting in that window.
 * For a group g and week P: forecast F = the contract amounts the snapshot of P expected in
 * week P for g's projects (full, not weighted); actual A = amount of the contracts of g
 * signed in week P. The week's accuracy is
 *
 *     acc(P) = 1 − |A − F| ÷ max(F, A)     (1 when F = A = 0; so always within 0 … 1)
 *
 * and the group's accuracy is the plain average of acc(P) over the measured weeks. The
 * same for collections (F from the snapshot's expected collections, A = collections
 * received in P, attributed by their contract's owner and dimensions).
 *
 * Columns: group columns (default grouping: owner), `weeks` INT (weeks measured),
 * `contract_forecast`, `contract_actual` MONEY (sums over the weeks), `contract_accuracy`
 * RATE, `collection_forecast`, `collection_actual` MONEY, `collection_accuracy` RATE.
 * Groups are those with a forecast or an actual in a measured week; a final
 * ::KISCRM_ROW_TOTAL row measures the whole company the same way (per-week totals, then
 * averaged). Accuracy is NULL only when no week was measured.
 *
 * @param[out] out the table
 * @param db the database
 * @param opts options (as_of, from/to/period, group_by, owner_id, department_id)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_forecast_accuracy(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/* ---- Targets (terms in kiscrm/target.h) ---- */

/**
 * Report "targets": the targets whose period starts in the report window (from/to or
 * period of @p opts; all targets when unbounded), with the owner and department filters
 * of @p opts applied to the targets' own owner and department (a filter therefore hides
 * company-level targets). `group_by` is not used. Rows are sorted by metric, start,
 * period (coarsest first), business line, product line, department, owner, id.
 *
 * Columns:
 * - `id` INT: the target's id;
 * - `parent_id` INT: the target it decomposes, NULL for a top-level target;
 * - `metric` TEXT: metric key;
 * - `period` TEXT: week, month, quarter or year;
 * - `start` DATE: first day of the period;
 * - `end` DATE: last day of the period (inclusive);
 * - `business_line` TEXT, `product_line` TEXT: keys, NULL when not set;
 * - `department` TEXT, `owner` TEXT: names, NULL when not set;
 * - `amount` MONEY: the target of a money metric (NULL for count metrics);
 * - `count` INT: the target of a count metric (NULL for money metrics);
 * - `actual_amount` MONEY / `actual_count` INT: what was achieved in the target's period,
 *   measured by the KPI metric registered for the target's key (contract_amount,
 *   collection_amount, new_opportunities for opportunities_created, visits,
 *   new_customers; kiscrm/sys/kpi_metric.h) for the target's owner, department (with
 *   the departments below it) or the company; NULL for targets by business or product
 *   line (the gap report measures those);
 * - `gap_amount` MONEY / `gap_count` INT: target − actual (negative: a surplus);
 * - `completion` RATE: actual ÷ target (NULL when the target is 0).
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_targets(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Report "target_check": where children do not add up to their parent. The children of
 * each target are grouped by decomposition — their period and their set of dimensions —
 * and each group's sum is compared with the parent's value; one row per group whose sum
 * differs (an empty table means every decomposition adds up). Parents are selected by
 * the window of @p opts (their start) and by its owner and department filters (on the
 * parent's own owner and department). `group_by` is not used. Rows are sorted by metric,
 * parent start, parent period (coarsest first), parent id, child period (coarsest
 * first), child level.
 *
 * Columns:
 * - `parent_id` INT: the parent target;
 * - `metric` TEXT: metric key;
 * - `period` TEXT, `start` DATE: the parent's period kind and first day;
 * - `business_line` TEXT, `product_line` TEXT, `department` TEXT, `owner` TEXT: the
 *   parent's dimensions (keys and names, NULL when not set);
 * - `child_period` TEXT: period kind of the children of the group;
 * - `child_level` TEXT: their dimensions joined by '+' in the order business_line,
 *   product_line, department, owner ("company" when none);
 * - `children` INT: number of children in the group;
 * - `parent_amount` MONEY, `children_amount` MONEY, `difference_amount` MONEY: for money
 *   metrics the parent's amount, the children's sum and parent − children (NULL for
 *   count metrics);
 * - `parent_count` INT, `children_count` INT, `difference_count` INT: the same for count
 *   metrics (NULL for money metrics).
 * @param[out] out the table, owned by the caller
 * @param db the database
 * @param opts options, NULL for the defaults
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_EVERSION, ::KISCRM_EOVERFLOW,
 *         ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_target_check(kiscrm_table **out, kiscrm_db *db,
					  const kiscrm_report_options *opts);

/* ---- KPI (terms in kiscrm/kpi.h) ---- */

/**
 * Report "kpi" by name: kiscrm_kpi_score() with the built-in default scheme.
 * @param[out] out the table
 * @param db the database
 * @param opts options as kiscrm_kpi_score()
 * @return as kiscrm_kpi_score().
 */
KISCRM_API int kiscrm_report_kpi(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/* ---- Qualification standards (terms in kiscrm/qualification.h) ---- */

/**
 * Report "qualification-assessment" by name: kiscrm_qualification_assess() of the person
 * `opts->owner_id` against the built-in default standard for the person's role (the first
 * whose `role` is the person's: `marketing_l2` for `sales_rep`, `sales_manager` for
 * `sales_manager`), else the first (`marketing_l2`), as of `opts->as_of`, in `opts->lang`.
 * @param[out] out the table
 * @param db the database
 * @param opts options; `owner_id` is required
 * @return as kiscrm_qualification_assess(); ::KISCRM_EINVALID when `owner_id` is 0.
 */
KISCRM_API int kiscrm_report_qualification_assessment(kiscrm_table **out, kiscrm_db *db,
							const kiscrm_report_options *opts);

KISCRM_END_DECL

#endif

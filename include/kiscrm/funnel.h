/**
 * @file kiscrm/funnel.h
 * @brief Pipeline health: the sales funnel (销售漏斗) and its shape diagnosis, the
 *        qualification rate (商机合格率), pipeline structure (商机结构), STQC (销售全面质量控制)
 *        and win/loss analysis (输赢单分析).
 *
 * Every function here is a report: it returns a ::kiscrm_table owned by the caller
 * (kiscrm_table_free()) and takes ::kiscrm_report_options (NULL: the defaults). Reports
 * that group add one TEXT column per ::kiscrm_group of `group_by` in front of the figures
 * and sort their rows by those columns; listing reports ignore `group_by`. The `owner_id`
 * and `department_id` filters apply to every report.
 *
 * Terms used below:
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
#ifndef KISCRM_FUNNEL_H
#define KISCRM_FUNNEL_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

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

KISCRM_END_DECL

#endif

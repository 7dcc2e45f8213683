/**
 * @file kiscrm/budget.h
 * @brief The eight-week rolling budget (八周滚动预算): the weekly table of projects with
 *        last week's plan against execution and the next eight weeks' expectations, its
 *        gap to the weekly targets, weekly snapshots, their comparison, and each person's
 *        forecast accuracy.
 *
 * **Weeks.** Weeks start on kiscrm_config_week_start(). W is the week containing the
 * report's `as_of`. The table covers:
 * - the **past week** (上周) W−1, `pw_*` columns: what was planned for it and what happened;
 * - the **eight weeks** `w1` … `w8` = W, W+1, …, W+7. Week `w1` is the current week: at the
 *   weekly meeting (周例会) it is still to be played, and it is exactly what the next
 *   week's table reads back as "planned for the past week". So every future date lands in
 *   some column and a week's plan is always the table made during that week.
 *
 * **Projects (rows).** A project is an opportunity or a contract; a won opportunity and
 * its contract are ONE project (matched by the contract's `opportunity_id`; when several
 * contracts point at one opportunity the figures are added and the lowest contract id is
 * shown). A project is a row when at least one of these holds:
 * - an **open opportunity** whose expected contract date is before W+8 (W+8 = 56 days after
 *   W). Its full amount lands in the week of its expected contract date; an **overdue**
 *   one (expected before W, still open) lands in `w1`, the current week, because it is
 *   still expected now. Open opportunities without an expected contract date, or expected
 *   later, are not rows (their collection plans are ignored too);
 * - a **contract with open collections**: after the contract's collections received up to
 *   `as_of` are applied to its collection plans in due-date order (FIFO), some plan due
 *   before W+8 still has an unpaid rest (an overdue rest lands in `w1`);
 * - a contract **signed in the past week**, or with **collections received** in it;
 * - a project the **previous snapshot** (the snapshot of week W−1) planned for the past
 *   week — so a slipped or lost project still shows its unfulfilled plan. When such a
 *   project is neither open before W+8 nor closed (won/lost, by its `closed` date) since
 *   W−1 — deleted, or slipped beyond W+8 — its row shows the facts of the snapshot line.
 * Contracts signed after `as_of` and collections received after `as_of` are ignored.
 *
 * **Weighted amounts** are kiscrm_money_scale(amount, probability, 100): rounded half
 * away from zero per opportunity, then added.
 */
#ifndef KISCRM_BUDGET_H
#define KISCRM_BUDGET_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Number of future weeks of the rolling budget. */
#define KISCRM_BUDGET_WEEKS 8

/** Fields of a snapshot (a saved weekly rolling budget): one per week. */
typedef enum kiscrm_snapshot_field {
	KISCRM_SNAPSHOT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT, 0),    /**< INT id. */
	KISCRM_SNAPSHOT_WEEK = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT, 1),  /**< DATE, required: first day of the week it is the table of. */
	KISCRM_SNAPSHOT_TAKEN = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT, 2), /**< TIME it was (last) saved: 00:00 UTC of the business date (kiscrm_db_today()), or of `as_of` when none is set (the library has no clock). */
	KISCRM_SNAPSHOT_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT, 3), /**< INT → staff: the actor of kiscrm_db_set_actor() (NULL: system). */
	KISCRM_SNAPSHOT_AS_OF = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT, 4)  /**< DATE: the as-of date it was computed for. */
} kiscrm_snapshot_field;

/**
 * Fields of a snapshot line: one project and one week with a non-zero expectation. A
 * project of the table without any expectation in the eight weeks (e.g. a contract signed
 * last week and fully collected) keeps one line with `week` NULL and zero amounts, so that
 * a comparison still sees it. Ids are plain numbers (no references): a snapshot survives
 * the deletion of what it describes.
 */
typedef enum kiscrm_snapshot_line_field {
	KISCRM_SNAPSHOT_LINE_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 0),                /**< INT id. */
	KISCRM_SNAPSHOT_LINE_SNAPSHOT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 1),       /**< INT → snapshot (owned). */
	KISCRM_SNAPSHOT_LINE_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 2),    /**< INT: the opportunity (also set on a won opportunity's contract). */
	KISCRM_SNAPSHOT_LINE_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 3),       /**< INT: the contract, NULL for an opportunity. */
	KISCRM_SNAPSHOT_LINE_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 4),       /**< INT: the customer. */
	KISCRM_SNAPSHOT_LINE_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 5),          /**< INT: the owner (staff). */
	KISCRM_SNAPSHOT_LINE_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 6),     /**< INT: the department. */
	KISCRM_SNAPSHOT_LINE_BUSINESS_LINE = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 7),     /**< TEXT business-line key. */
	KISCRM_SNAPSHOT_LINE_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 8),      /**< TEXT product-line key. */
	KISCRM_SNAPSHOT_LINE_STAGE = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 9),             /**< TEXT stage key (NULL for a contract). */
	KISCRM_SNAPSHOT_LINE_WEEK = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 10),             /**< DATE: first day of the week (W … W+7), NULL: see above. */
	KISCRM_SNAPSHOT_LINE_CONTRACT_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 11),  /**< MONEY: expected contract amount that week (full). */
	KISCRM_SNAPSHOT_LINE_WEIGHTED_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 12),  /**< MONEY: the same weighted by probability. */
	KISCRM_SNAPSHOT_LINE_COLLECTION_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 13),/**< MONEY: expected collection that week. */
	KISCRM_SNAPSHOT_LINE_EXPECTED_CLOSE = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 14),   /**< DATE: expected contract date (opportunity) or signing date (contract). */
	KISCRM_SNAPSHOT_LINE_PROBABILITY = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 15),      /**< INT percent (opportunities). */
	KISCRM_SNAPSHOT_LINE_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 16),           /**< MONEY: opportunity amount or contract amount. */
	KISCRM_SNAPSHOT_LINE_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_SNAPSHOT_LINE, 17)            /**< TEXT: the opportunity's status (open, won, lost, abandoned) or "contract". */
} kiscrm_snapshot_line_field;

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
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (also: grouping by region, industry or size class,
 *         which have no targets), ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_report_rolling_gap(kiscrm_table **out, kiscrm_db *db, const kiscrm_report_options *opts);

/**
 * Saves the rolling budget of the week containing @p as_of as that week's snapshot.
 * There is one snapshot per week: saving again replaces the week's snapshot (same id,
 * new lines) in one transaction. Lines: see ::kiscrm_snapshot_line_field. The snapshot
 * covers every project (no filters).
 * @param[out] out the snapshot's id, may be NULL
 * @param db the database
 * @param as_of the date (::KISCRM_DATE_NONE: the business date, kiscrm_db_set_today())
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_budget_snapshot(kiscrm_id *out, kiscrm_db *db, kiscrm_date as_of);

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

KISCRM_END_DECL

#endif

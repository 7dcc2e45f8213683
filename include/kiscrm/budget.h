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

KISCRM_END_DECL

#endif

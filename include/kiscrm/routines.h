/**
 * @file kiscrm/routines.h
 * @brief Management routines (管理例行工作, manual 4.3.3 and 5.4): SWOT entries and the
 *        strategies derived from them, and the work lists with their dated measures.
 *
 * A **SWOT entry** (::KISCRM_KIND_SWOT_ENTRY) is a strength, weakness, opportunity or
 * threat of the company, a department or a product line. A **SWOT strategy**
 * (::KISCRM_KIND_SWOT_STRATEGY) pairs an internal entry with an external one: `SO` a
 * strength with an opportunity, `ST` a strength with a threat, `WO` a weakness with an
 * opportunity, `WT` a weakness with a threat (a pair of the wrong quadrants is refused).
 *
 * The **work lists** (::KISCRM_KIND_WORK_ITEM): the annual main-work list (`annual`), the
 * resource list (`resource`) and the problem list with improvement plans (`problem`); each
 * item has an owner, a due date, a status (open, in_progress, done, dropped) and may come
 * from a SWOT strategy (`strategy_id`: the strategy becomes an action). Measures taken are
 * dated entries of ::KISCRM_KIND_WORK_LOG. kiscrm_report_work_review() (kiscrm/report.h)
 * is the monthly review list: the items still open as of a date, overdue ones marked.
 */
#ifndef KISCRM_ROUTINES_H
#define KISCRM_ROUTINES_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_SWOT_ENTRY. */
typedef enum kiscrm_swot_entry_field {
	KISCRM_SWOT_ENTRY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 0),            /**< INT id. */
	KISCRM_SWOT_ENTRY_QUADRANT = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 1),      /**< TEXT, required: strength, weakness, opportunity or threat. */
	KISCRM_SWOT_ENTRY_TEXT = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 2),          /**< TEXT, required: the entry. */
	KISCRM_SWOT_ENTRY_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 3), /**< INT → department (NULL with no product line: the company). */
	KISCRM_SWOT_ENTRY_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 4),  /**< TEXT product-line key, for a product line's SWOT. */
	KISCRM_SWOT_ENTRY_DATE = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_ENTRY, 5)           /**< DATE of the analysis. */
} kiscrm_swot_entry_field;

/** Fields of ::KISCRM_KIND_SWOT_STRATEGY. */
typedef enum kiscrm_swot_strategy_field {
	KISCRM_SWOT_STRATEGY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_STRATEGY, 0),       /**< INT id. */
	KISCRM_SWOT_STRATEGY_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_STRATEGY, 1),     /**< TEXT, required: SO, ST, WO or WT. */
	KISCRM_SWOT_STRATEGY_INTERNAL = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_STRATEGY, 2), /**< INT → swot_entry, required: the strength (S…) or weakness (W…). */
	KISCRM_SWOT_STRATEGY_EXTERNAL = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_STRATEGY, 3), /**< INT → swot_entry, required: the opportunity (…O) or threat (…T). */
	KISCRM_SWOT_STRATEGY_TEXT = KISCRM_FIELD_ID(KISCRM_KIND_SWOT_STRATEGY, 4)      /**< TEXT, required: the strategy. */
} kiscrm_swot_strategy_field;

/** Fields of ::KISCRM_KIND_WORK_ITEM. */
typedef enum kiscrm_work_item_field {
	KISCRM_WORK_ITEM_ID = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 0),          /**< INT id. */
	KISCRM_WORK_ITEM_LIST = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 1),        /**< TEXT, required: annual, resource or problem. */
	KISCRM_WORK_ITEM_TITLE = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 2),       /**< TEXT, required. */
	KISCRM_WORK_ITEM_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 3),    /**< INT → staff, required: who answers for it. */
	KISCRM_WORK_ITEM_DUE = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 4),         /**< DATE, required. */
	KISCRM_WORK_ITEM_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 5),      /**< TEXT open (default), in_progress, done or dropped. */
	KISCRM_WORK_ITEM_DONE_ON = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 6),     /**< DATE it was done (a done item has one: the due date when not given). */
	KISCRM_WORK_ITEM_IMPROVEMENT = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 7), /**< TEXT: the improvement plan (problem list). */
	KISCRM_WORK_ITEM_STRATEGY_ID = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 8), /**< INT → swot_strategy it carries out. */
	KISCRM_WORK_ITEM_SOURCE = KISCRM_FIELD_ID(KISCRM_KIND_WORK_ITEM, 9)       /**< TEXT: where it came from (a meeting, …). */
} kiscrm_work_item_field;

/** Fields of ::KISCRM_KIND_WORK_LOG: a measure taken on a work item. */
typedef enum kiscrm_work_log_field {
	KISCRM_WORK_LOG_ID = KISCRM_FIELD_ID(KISCRM_KIND_WORK_LOG, 0),           /**< INT id. */
	KISCRM_WORK_LOG_WORK_ITEM_ID = KISCRM_FIELD_ID(KISCRM_KIND_WORK_LOG, 1), /**< INT → work_item, required, owned. */
	KISCRM_WORK_LOG_DATE = KISCRM_FIELD_ID(KISCRM_KIND_WORK_LOG, 2),         /**< DATE, required. */
	KISCRM_WORK_LOG_MEASURE = KISCRM_FIELD_ID(KISCRM_KIND_WORK_LOG, 3)       /**< TEXT, required: what was done. */
} kiscrm_work_log_field;

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/delivery.h
 * @brief Implementation milestones (实施里程碑) of contracts.
 *
 * A contract's implementation is followed by **milestones** (::KISCRM_KIND_MILESTONE) of
 * the types of service.yaml `milestones` — by default site survey, delivery, installation,
 * initial acceptance and final acceptance — each with a planned and an actual date. A
 * collection instalment may fall due on a milestone (`collection_plan.milestone_id`): its
 * due date is then the milestone's actual date once reached, its planned date before, and
 * follows every change of either. A milestone not reached by its planned date is overdue;
 * one flagged `crisis` (重大危机) is escalated to the general manager, who leads the response
 * (manual 4.4.4). kiscrm_report_milestones() (kiscrm/report.h) lists them.
 */
#ifndef KISCRM_DELIVERY_H
#define KISCRM_DELIVERY_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_MILESTONE. */
typedef enum kiscrm_milestone_field {
	KISCRM_MILESTONE_ID = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 0),          /**< INT id. */
	KISCRM_MILESTONE_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 1), /**< INT → contract, required, owned. */
	KISCRM_MILESTONE_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 2),        /**< TEXT, required: a type of service.yaml `milestones`; once per contract. */
	KISCRM_MILESTONE_PLANNED = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 3),     /**< DATE: planned. */
	KISCRM_MILESTONE_ACTUAL = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 4),      /**< DATE: reached. */
	KISCRM_MILESTONE_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 5),    /**< INT → staff (the implementation consultant). */
	KISCRM_MILESTONE_CRISIS = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 6),      /**< INT 0/1: a major crisis (重大危机): the general manager leads. */
	KISCRM_MILESTONE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 7),         /**< TEXT. */
	KISCRM_MILESTONE_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_MILESTONE, 8) /**< INT → partner (kiscrm/channel.h), derived: its contract's. */
} kiscrm_milestone_field;

KISCRM_END_DECL

#endif

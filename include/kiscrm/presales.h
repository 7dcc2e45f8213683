/**
 * @file kiscrm/presales.h
 * @brief Presales support (售前支持): requests ranked by weight and engineers assigned in
 * that order.
 *
 * A **support request** (售前支持申请, ::KISCRM_KIND_PRESALES_REQUEST) names the
 * opportunity, the kind of help (service.yaml `presales.help`), the stage checkpoint (a
 * stage of the opportunity's pipeline; by default its current stage), who asks — own
 * staff or a partner — the wanted dates and the urgency. Its **weight coefficient** (项目
 * 权重系数) is the weighted sum of four points of 1–5 (service.yaml `presales`): the band
 * of the opportunity's amount, the urgency, and the influence of the customer's industry
 * and region — 1.00 … 5.00. The queue is ranked by weight (then the wanted start, then the
 * id); kiscrm_presales_assign() gives each unassigned request, in that order, to the active
 * presales engineer (role `presales`) with the fewest open requests. The completion record
 * (工作成果确认单) is `completed` and `outcome`, confirmed by the requester (`confirmed`).
 * `status` follows: submitted → assigned → done → confirmed, or cancelled.
 */
#ifndef KISCRM_PRESALES_H
#define KISCRM_PRESALES_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_PRESALES_REQUEST. */
typedef enum kiscrm_presales_request_field {
	KISCRM_PRESALES_REQUEST_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 0),             /**< INT id. */
	KISCRM_PRESALES_REQUEST_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 1), /**< INT → opportunity, required, owned. */
	KISCRM_PRESALES_REQUEST_HELP = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 2),           /**< TEXT, required: a kind of help of service.yaml `presales.help`. */
	KISCRM_PRESALES_REQUEST_STAGE = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 3),          /**< TEXT: the stage checkpoint, a stage of the opportunity's pipeline (NULL: its current stage, filled on store). */
	KISCRM_PRESALES_REQUEST_REQUESTED_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 4), /**< INT → staff who asks. */
	KISCRM_PRESALES_REQUEST_PARTNER = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 5),        /**< TEXT: the partner who asks, when not own staff. */
	KISCRM_PRESALES_REQUEST_URGENCY = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 6),        /**< TEXT: an urgency of service.yaml (NULL: the first). */
	KISCRM_PRESALES_REQUEST_WANTED_FROM = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 7),    /**< DATE: wanted from. */
	KISCRM_PRESALES_REQUEST_WANTED_TO = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 8),      /**< DATE: wanted until (not before wanted_from). */
	KISCRM_PRESALES_REQUEST_REQUESTED = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 9),      /**< DATE, required: when it was asked for. */
	KISCRM_PRESALES_REQUEST_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 10),        /**< TEXT, derived: submitted, assigned, done, confirmed; or cancelled when set so. */
	KISCRM_PRESALES_REQUEST_ENGINEER_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 11),   /**< INT → the presales engineer assigned. */
	KISCRM_PRESALES_REQUEST_COMPLETED = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 12),     /**< DATE: the work was done (needs an engineer). */
	KISCRM_PRESALES_REQUEST_CONFIRMED = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 13),     /**< DATE: the requester confirmed the completion record (not before completed). */
	KISCRM_PRESALES_REQUEST_OUTCOME = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 14),       /**< TEXT: the completion record (工作成果). */
	KISCRM_PRESALES_REQUEST_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRESALES_REQUEST, 15)     /**< INT → the partner supported (kiscrm/channel.h): support given to the channel. */
} kiscrm_presales_request_field;

/**
 * Assigns the open requests without an engineer, in queue order (weight, wanted start,
 * id), each to the active staff member of role `presales` with the fewest open requests
 * (ties: the smaller id) — the one just given a request counts it. One transaction.
 * @param db the database
 * @param[out] assigned how many were assigned (may be NULL)
 * @return ::KISCRM_OK (nothing to do, or no engineer: 0 assigned), storage errors.
 */
KISCRM_API int kiscrm_presales_assign(kiscrm_db *db, size_t *assigned);

KISCRM_END_DECL

#endif

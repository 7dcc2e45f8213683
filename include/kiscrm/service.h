/**
 * @file kiscrm/service.h
 * @brief Service (服务): requests and complaints with SLAs on a business calendar,
 * escalation, satisfaction, and service contracts.
 *
 * A **service request** (服务请求, ::KISCRM_KIND_SERVICE_REQUEST) — or a complaint (投诉,
 * `complaint` = 1, always served at the most urgent priority) — is opened at an instant
 * for a customer, a product of the CSP catalogue (service.yaml `catalogue`) and a
 * priority. What happens to it is a list of **events** (::KISCRM_KIND_SERVICE_EVENT), in
 * time order: `responded`, `waiting` (for the customer: the resolution clock pauses),
 * `resumed`, `resolved`, `reopened`, `closed`. The request's `status` follows them. A
 * closed request is reopened only by kiscrm_service_request_reopen().
 *
 * The **SLA policy** of a request is service.yaml `sla` for its tier (the tier of the
 * service contract it names, when that contract is valid on the day it was opened; else
 * `tiers.default_tier`) and priority: limits in business minutes of the **business
 * calendar** (service.yaml `calendar`: weekly hours with a lunch break, public holidays,
 * make-up working days 调休, a UTC offset). Deadlines and the minutes used are computed on
 * read from the events, never stored: kiscrm_service_sla(). A request **escalates** to its
 * owner at the policy's warning percentage, to the owner's manager at
 * `escalation.manager` (100 %) and to the general manager at `escalation.general_manager`
 * (150 %). Satisfaction (1–5) is kept per request and in **surveys**
 * (::KISCRM_KIND_SATISFACTION_SURVEY).
 */
#ifndef KISCRM_SERVICE_H
#define KISCRM_SERVICE_H

#include "common.h"
#include "table.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_SERVICE_REQUEST. */
typedef enum kiscrm_service_request_field {
	KISCRM_SERVICE_REQUEST_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 0),           /**< INT id. */
	KISCRM_SERVICE_REQUEST_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 1),  /**< INT → customer, required. */
	KISCRM_SERVICE_REQUEST_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 2),  /**< INT → the service contract (its tier sets the SLA). */
	KISCRM_SERVICE_REQUEST_PRODUCT = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 3),      /**< TEXT: a service product key of service.yaml `catalogue`. */
	KISCRM_SERVICE_REQUEST_CHANNEL = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 4),      /**< TEXT: phone, remote, onsite, email, web or wechat. */
	KISCRM_SERVICE_REQUEST_PRIORITY = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 5),     /**< TEXT: a priority key of service.yaml (NULL: the least urgent); a complaint is served at the most urgent. */
	KISCRM_SERVICE_REQUEST_COMPLAINT = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 6),    /**< INT 0/1: a complaint (投诉). */
	KISCRM_SERVICE_REQUEST_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 7),      /**< TEXT, required. */
	KISCRM_SERVICE_REQUEST_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 8),     /**< INT → staff who handles it. */
	KISCRM_SERVICE_REQUEST_OPENED = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 9),       /**< TIME, required: when it came in. */
	KISCRM_SERVICE_REQUEST_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 10),      /**< TEXT, derived from the events: open, waiting, resolved, closed. */
	KISCRM_SERVICE_REQUEST_SATISFACTION = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 11), /**< INT 1–5: the customer's rating. */
	KISCRM_SERVICE_REQUEST_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 12),   /**< INT → contact who asked (of the customer). */
	KISCRM_SERVICE_REQUEST_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_REQUEST, 13) /**< INT → partner (kiscrm/channel.h), derived: its customer's. */
} kiscrm_service_request_field;

/** Fields of ::KISCRM_KIND_SERVICE_EVENT (append-only). */
typedef enum kiscrm_service_event_field {
	KISCRM_SERVICE_EVENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 0),         /**< INT id. */
	KISCRM_SERVICE_EVENT_REQUEST_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 1), /**< INT → service request, required, owned. */
	KISCRM_SERVICE_EVENT_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 2),       /**< TEXT, required: responded, waiting, resumed, resolved, reopened, closed. */
	KISCRM_SERVICE_EVENT_AT = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 3),         /**< TIME, required: not before the request was opened nor before its latest event. */
	KISCRM_SERVICE_EVENT_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 4),      /**< INT → staff. */
	KISCRM_SERVICE_EVENT_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 5),        /**< TEXT. */
	KISCRM_SERVICE_EVENT_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SERVICE_EVENT, 6) /**< INT → partner (kiscrm/channel.h), derived: its request's. */
} kiscrm_service_event_field;

/** Fields of ::KISCRM_KIND_SATISFACTION_SURVEY. */
typedef enum kiscrm_satisfaction_survey_field {
	KISCRM_SATISFACTION_SURVEY_ID = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 0),          /**< INT id. */
	KISCRM_SATISFACTION_SURVEY_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 1), /**< INT → customer, required. */
	KISCRM_SATISFACTION_SURVEY_DATE = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 2),        /**< DATE, required. */
	KISCRM_SATISFACTION_SURVEY_SCORE = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 3),       /**< INT 1–5, required. */
	KISCRM_SATISFACTION_SURVEY_PRODUCT = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 4),     /**< TEXT: a service product key. */
	KISCRM_SATISFACTION_SURVEY_ENGINEER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 5), /**< INT → staff rated. */
	KISCRM_SATISFACTION_SURVEY_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 6),         /**< TEXT. */
	KISCRM_SATISFACTION_SURVEY_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_SATISFACTION_SURVEY, 7) /**< INT → partner (kiscrm/channel.h), derived: its customer's. */
} kiscrm_satisfaction_survey_field;

/**
 * Reopens a request: appends a `reopened` event at @p at. The only way to reopen a
 * `closed` request (a `reopened` event inserted directly is refused after `closed`); a
 * resolved request may also be reopened so.
 * @param db the database
 * @param request_id the request
 * @param at when (not before its latest event)
 * @param by_id staff who reopens it (0: none)
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_ECONFLICT (not resolved or closed),
 * ::KISCRM_EINVALID (out of order), storage errors.
 */
KISCRM_API int kiscrm_service_request_reopen(kiscrm_db *db, kiscrm_id request_id, kiscrm_time at, kiscrm_id by_id);

/**
 * The SLA of service requests at an instant: one row per request (@p request_id, or —
 * with 0 — every request opened by @p at and not closed by then), in id order. Columns:
 * `request_id` INT, `customer_id` INT, `subject` TEXT, `complaint` INT, `tier`, `priority`,
 * `status` TEXT (as of @p at), `opened` TIME, `first_response_due` TIME, `first_response`
 * TIME (NULL: none yet), `first_response_minutes` INT (business minutes from opening to
 * the response, or to @p at), `resolution_due` TIME (paused time extends it; while
 * waiting, the deadline if the clock resumed at @p at), `resolved` TIME, `resolution_minutes`
 * INT (business minutes the resolution clock ran), `paused_minutes` INT (business minutes
 * spent waiting for the customer), `used` RATE (the larger share of a running limit used;
 * of the resolution limit once responded), `first_response_breached`,
 * `resolution_breached` INT, `escalation` TEXT (NULL, `owner`, `manager`,
 * `general_manager`), `escalate_to_id` INT (the staff member to alert), `satisfaction` INT.
 * @param[out] out the table
 * @param db the database
 * @param at the instant
 * @param request_id one request, or 0
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID, storage errors.
 */
KISCRM_API int kiscrm_service_sla(kiscrm_table **out, kiscrm_db *db, kiscrm_time at, kiscrm_id request_id);

KISCRM_END_DECL

#endif

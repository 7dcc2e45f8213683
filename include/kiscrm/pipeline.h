/**
 * @file kiscrm/pipeline.h
 * @brief Leads, opportunities, configurable pipelines and stage moves with history.
 *
 * Pipelines are configuration (`pipelines.yaml`): ordered stages with a probability, a
 * forecast category, a terminal flag (won / lost) and exit criteria. Opportunities move
 * between stages with kiscrm_opportunity_move(); every move is appended to the stage
 * history, from which funnel conversion, stage ageing and velocity are computed.
 */
#ifndef KISCRM_PIPELINE_H
#define KISCRM_PIPELINE_H

#include "common.h"
#include "types.h"
#include "config.h"

KISCRM_BEGIN_DECL

/** Fields of a lead (线索). */
typedef enum kiscrm_lead_field {
	KISCRM_LEAD_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 0),             /**< INT id. */
	KISCRM_LEAD_NAME = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 1),           /**< TEXT, required: what the interest is. */
	KISCRM_LEAD_COMPANY = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 2),        /**< TEXT: company name as given. */
	KISCRM_LEAD_CONTACT_NAME = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 3),   /**< TEXT: person to talk to. */
	KISCRM_LEAD_PHONE = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 4),          /**< TEXT. */
	KISCRM_LEAD_EMAIL = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 5),          /**< TEXT. */
	KISCRM_LEAD_SOURCE = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 6),         /**< TEXT: grid, market_activity, telemarketing, resale, partner, referral, inbound. */
	KISCRM_LEAD_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 7),       /**< INT → staff. */
	KISCRM_LEAD_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 8),  /**< INT → department. */
	KISCRM_LEAD_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 9),         /**< TEXT: new, working, qualified, disqualified (NULL reads as new). */
	KISCRM_LEAD_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 10),   /**< INT → customer, set when qualified. */
	KISCRM_LEAD_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 11),/**< INT → opportunity, set when qualified. */
	KISCRM_LEAD_CREATED = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 12),       /**< DATE. */
	KISCRM_LEAD_REGION = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 13),        /**< TEXT region key. */
	KISCRM_LEAD_INDUSTRY = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 14),      /**< TEXT industry key. */
	KISCRM_LEAD_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 15),  /**< TEXT product-line key. */
	KISCRM_LEAD_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 16),        /**< MONEY: first estimate. */
	KISCRM_LEAD_CAMPAIGN = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 17),      /**< TEXT: market activity that produced it, as given (free text; the link is campaign_id). */
	KISCRM_LEAD_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 18),   /**< INT → campaign that produced it (kiscrm/campaign.h); qualifying the lead passes it to the opportunity. */
	KISCRM_LEAD_OPT_OUT = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 19),        /**< INT 0/1: the person asked not to be mailed or invited (kiscrm_campaign_mailing_list()). */
	KISCRM_LEAD_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_LEAD, 20) /**< INT → partner (kiscrm/channel.h), the second-tier partner that owns the lead; NULL: the company's. */
} kiscrm_lead_field;

/** Fields of an opportunity (商机 / 项目). */
typedef enum kiscrm_opportunity_field {
	KISCRM_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 0),               /**< INT id. */
	KISCRM_OPPORTUNITY_NAME = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 1),             /**< TEXT, required. */
	KISCRM_OPPORTUNITY_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 2),      /**< INT → customer (owned: deleted with it on cascade). */
	KISCRM_OPPORTUNITY_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 3),       /**< INT → contact: the main contact. */
	KISCRM_OPPORTUNITY_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 4),         /**< INT → staff, required. */
	KISCRM_OPPORTUNITY_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 5),    /**< INT → department (NULL: the owner's, filled on store). */
	KISCRM_OPPORTUNITY_BUSINESS_LINE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 6),    /**< TEXT business-line key. */
	KISCRM_OPPORTUNITY_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 7),     /**< TEXT product-line key. */
	KISCRM_OPPORTUNITY_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 8),           /**< MONEY: expected contract value. */
	KISCRM_OPPORTUNITY_EXPECTED_CLOSE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 9),   /**< DATE: expected contract date. */
	KISCRM_OPPORTUNITY_PIPELINE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 10),        /**< TEXT pipeline key (NULL: the default pipeline). */
	KISCRM_OPPORTUNITY_STAGE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 11),           /**< TEXT stage key, required; change it with kiscrm_opportunity_move(). */
	KISCRM_OPPORTUNITY_PROBABILITY = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 12),     /**< INT percent 0..100; follows the stage unless set by hand. */
	KISCRM_OPPORTUNITY_PROBABILITY_MANUAL = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 13), /**< INT 0/1: probability was set by hand (an override kept across moves). */
	KISCRM_OPPORTUNITY_FORECAST_CATEGORY = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 14),  /**< TEXT, derived from the stage: pipeline, best_case, commit, closed, omitted. */
	KISCRM_OPPORTUNITY_SOURCE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 15),          /**< TEXT: grid, market_activity, telemarketing, resale, partner, referral, inbound. */
	KISCRM_OPPORTUNITY_SIZE_CLASS = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 16),      /**< TEXT, derived from the amount: large, medium, small. */
	KISCRM_OPPORTUNITY_PARTNER = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 17),         /**< TEXT: second-tier partner that brought it. */
	KISCRM_OPPORTUNITY_COMPETITORS = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 18),     /**< TEXT: competitors met, comma-separated. */
	KISCRM_OPPORTUNITY_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 19),          /**< TEXT, derived from the stage: open, won, lost (or abandoned, set by hand on a lost stage). */
	KISCRM_OPPORTUNITY_REASON = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 20),          /**< TEXT: why it was won or lost. */
	KISCRM_OPPORTUNITY_REASON_CATEGORY = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 21), /**< TEXT: sales_process, resource_organisation, product_fit, project_staff, customer_feedback. */
	KISCRM_OPPORTUNITY_CREATED = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 22),         /**< DATE: created on. */
	KISCRM_OPPORTUNITY_CLOSED = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 23),          /**< DATE: won or lost on (set by the move). */
	KISCRM_OPPORTUNITY_LAST_ACTIVITY = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 24),   /**< DATE: day of the latest done activity on the opportunity (derived from activities, kiscrm/activity.h; imports may set it for history kept elsewhere). */
	KISCRM_OPPORTUNITY_LEAD_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 25),         /**< INT → lead it came from. */
	KISCRM_OPPORTUNITY_EXTERNAL_REF = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 26),    /**< TEXT: id in another system (imports). */
	KISCRM_OPPORTUNITY_TAGS = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 27),            /**< TEXT: comma-separated tags. */
	KISCRM_OPPORTUNITY_KEY_PROJECT = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 28),     /**< INT 0/1: a key project (重点项目), drilled down in kiscrm_report_key_projects(). */
	KISCRM_OPPORTUNITY_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 29),     /**< INT → its primary market activity (kiscrm/campaign.h): credited 100 % by the `primary` attribution model. */
	KISCRM_OPPORTUNITY_RESALE = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 30),          /**< INT 0/1, derived on every store: the customer had signed a contract before the opportunity was created (老客户二次销售); the sufficiency report counts it as resale whatever its source. */
	KISCRM_OPPORTUNITY_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_OPPORTUNITY, 31)       /**< INT → the second-tier partner it came through (kiscrm/channel.h); NULL: a direct opportunity. */
} kiscrm_opportunity_field;

/** Fields of a stage-history entry (append-only). */
typedef enum kiscrm_stage_history_field {
	KISCRM_STAGE_HISTORY_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 0),             /**< INT id. */
	KISCRM_STAGE_HISTORY_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 1), /**< INT → opportunity (owned). */
	KISCRM_STAGE_HISTORY_FROM_STAGE = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 2),     /**< TEXT stage left (NULL: the opportunity was created). */
	KISCRM_STAGE_HISTORY_TO_STAGE = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 3),       /**< TEXT stage entered, required. */
	KISCRM_STAGE_HISTORY_AT = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 4),             /**< TIME of the move, required. */
	KISCRM_STAGE_HISTORY_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 5),          /**< INT → staff who moved it (NULL: system). */
	KISCRM_STAGE_HISTORY_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 6),         /**< MONEY: the opportunity's amount at the move. */
	KISCRM_STAGE_HISTORY_PIPELINE = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 7),        /**< TEXT pipeline key. */
	KISCRM_STAGE_HISTORY_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAGE_HISTORY, 8) /**< INT → partner (kiscrm/channel.h), derived: its opportunity's. */
} kiscrm_stage_history_field;

/** Flag of kiscrm_opportunity_move(): allow leaving a won or lost stage (re-opening). */
#define KISCRM_MOVE_REOPEN 0x1u
/** Flag of kiscrm_opportunity_move(): a move to a won stage also creates the contract —
 *  customer, owner, department, business and product line and amount of the opportunity,
 *  signed on the move's day, approval draft — unless a contract already refers to the
 *  opportunity; storing it moves the opportunity's collection plan to it. All in the
 *  move's transaction: a contract that cannot be stored (no customer, no amount) leaves
 *  the opportunity unmoved. */
#define KISCRM_MOVE_CREATE_CONTRACT 0x2u

/**
 * Moves an opportunity to another stage of its pipeline and appends the move to the stage
 * history, in one transaction. Moving forward may skip stages; moving backwards is allowed
 * and recorded. A forward move (to a later working stage or to won) requires the exit
 * criteria (fields that must be set) of the stage left and of every stage skipped; moving
 * backwards or to a lost stage requires none, so a deal can always be marked lost.
 * Leaving a won or lost stage requires ::KISCRM_MOVE_REOPEN. Status, closed date,
 * forecast category and — unless set by hand — probability follow the new stage.
 * The opportunity is read inside the move's transaction, so of two concurrent moves out
 * of one stage into won and lost only the first succeeds. A move may not be dated before
 * the opportunity's created date or before its previous move (the same second is fine).
 * @param db the database
 * @param opportunity_id the opportunity
 * @param stage key of the target stage
 * @param at time of the move
 * @param flags 0, ::KISCRM_MOVE_REOPEN, ::KISCRM_MOVE_CREATE_CONTRACT
 * @return ::KISCRM_OK; ::KISCRM_ENOTFOUND (opportunity or stage); ::KISCRM_EINVALID
 *         (exit criteria not met: the message names every missing field; or @p at before
 *         the created date or the previous move: the message names both); ::KISCRM_ECONFLICT
 *         (re-opening without the flag — "opportunity N is already won" —, or moving to the
 *         current stage); ::KISCRM_ESTORAGE; ::KISCRM_EBUSY (retryable, nothing stored).
 *         The actor of kiscrm_db_set_actor() is recorded as `by_id`.
 */
KISCRM_API int kiscrm_opportunity_move(kiscrm_db *db, kiscrm_id opportunity_id, const char *stage,
				       kiscrm_time at, unsigned int flags);

/**
 * Sets an opportunity's probability by hand (kept across later moves), or returns it to
 * following the stage.
 * @param db the database
 * @param opportunity_id the opportunity
 * @param percent 0..100, or -1 to follow the stage again
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID.
 */
KISCRM_API int kiscrm_opportunity_set_probability(kiscrm_db *db, kiscrm_id opportunity_id, int percent);

/**
 * Appends a stage-history entry as it happened elsewhere (imports): no exit criteria are
 * checked and the opportunity itself is not changed. Use inside a transaction for bulk loads.
 * @param db the database
 * @param opportunity_id the opportunity
 * @param from_stage stage left, NULL for the creation entry
 * @param to_stage stage entered
 * @param at when
 * @param by_id staff who moved it, 0 for unknown
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (opportunity, stage), ::KISCRM_EINVALID, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_stage_history_append(kiscrm_db *db, kiscrm_id opportunity_id, const char *from_stage,
					   const char *to_stage, kiscrm_time at, kiscrm_id by_id);

/**
 * Qualifies a lead (线索转化): links it to an existing customer, or creates the customer
 * from the lead's company when @p customer_id is 0 — refusing with ::KISCRM_EEXISTS when a
 * customer with the same normalised name exists (the message names it; pass its id to link);
 * then creates an opportunity in the first stage of the default pipeline and marks the lead
 * qualified. All in one transaction.
 * @param[out] opportunity_id the new opportunity, may be NULL
 * @param db the database
 * @param lead_id the lead
 * @param customer_id existing customer to link, or 0 to create one
 * @param at time of qualification (the opportunity's creation move)
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EEXISTS (probable duplicate customer),
 *         ::KISCRM_ECONFLICT (lead already qualified or disqualified), ::KISCRM_EINVALID
 *         (no company name to create a customer from), ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_lead_qualify(kiscrm_id *opportunity_id, kiscrm_db *db, kiscrm_id lead_id,
				   kiscrm_id customer_id, kiscrm_time at);

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/campaign.h
 * @brief Market activities (市场活动): costs, invitees, touches, attribution and the
 * invitation list.
 *
 * A **market activity** (::KISCRM_KIND_CAMPAIGN) has a type from customers.yaml
 * `campaigns.types` — by default the manual's five (信息化管理论坛 `forum`, 小型行业促进会
 * `promotion`, 产品专项推介会 `launch`, 集中打单主题交流会 `closing`, 重要行业研讨沙龙
 * `salon`) plus `telemarketing` and `media` — dates, a budget and an owner.
 *
 * - Its **cost items** (::KISCRM_KIND_CAMPAIGN_COST) are dated amounts. The ROI report sums
 *   them once per activity, however many opportunities the activity produced.
 * - Its **members** (::KISCRM_KIND_CAMPAIGN_MEMBER) are the people invited, with their
 *   registration confirmed and their attendance: a contact, a lead or a name.
 * - Its **touches** (::KISCRM_KIND_CAMPAIGN_TOUCH) link it, on a date, to a customer, a
 *   contact (whose customer is then implied) or a lead. An attending member counts as a
 *   touch on the activity's start day.
 *
 * **Attribution** credits an opportunity's amount to activities by a model (customers.yaml
 * `campaigns.attribution.model`, or ::kiscrm_report_options `attribution`):
 * - `primary`: 100 % to the opportunity's `campaign_id`;
 * - `first` / `last`: 100 % to the activity of the earliest / latest touch;
 * - `even`: equal shares to each activity touched.
 *
 * The touches counted are those of the opportunity's customer or lead dated within
 * `window_days` (default 180) before the opportunity's `created` day, that day included.
 * Shares are integer minor units split by largest remainder, so an opportunity's shares
 * add up to its amount exactly. Reports: kiscrm_report_campaign_roi(),
 * kiscrm_report_attribution() (kiscrm/report.h); the invitation list:
 * kiscrm_campaign_mailing_list().
 */
#ifndef KISCRM_CAMPAIGN_H
#define KISCRM_CAMPAIGN_H

#include "common.h"
#include "table.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_CAMPAIGN: a market activity (市场活动). */
typedef enum kiscrm_campaign_field {
	KISCRM_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 0),            /**< INT id. */
	KISCRM_CAMPAIGN_NAME = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 1),          /**< TEXT, required. */
	KISCRM_CAMPAIGN_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 2),          /**< TEXT, required: a type key of customers.yaml `campaigns.types`. */
	KISCRM_CAMPAIGN_START = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 3),         /**< DATE, required: first day. */
	KISCRM_CAMPAIGN_END = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 4),           /**< DATE: last day (not before the start; NULL: one day). */
	KISCRM_CAMPAIGN_BUDGET = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 5),        /**< MONEY: planned cost (≥ 0). */
	KISCRM_CAMPAIGN_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 6),      /**< INT → staff who runs it. */
	KISCRM_CAMPAIGN_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 7), /**< INT → department (NULL: the owner's). */
	KISCRM_CAMPAIGN_REGION = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 8),        /**< TEXT region key: where it is held. */
	KISCRM_CAMPAIGN_INDUSTRY = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 9),      /**< TEXT industry key: whom it addresses. */
	KISCRM_CAMPAIGN_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN, 10)          /**< TEXT. */
} kiscrm_campaign_field;

/** Fields of ::KISCRM_KIND_CAMPAIGN_COST: a dated cost item of an activity. */
typedef enum kiscrm_campaign_cost_field {
	KISCRM_CAMPAIGN_COST_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_COST, 0),          /**< INT id. */
	KISCRM_CAMPAIGN_COST_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_COST, 1), /**< INT → campaign, required, owned. */
	KISCRM_CAMPAIGN_COST_DATE = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_COST, 2),        /**< DATE, required: when it was spent. */
	KISCRM_CAMPAIGN_COST_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_COST, 3),      /**< MONEY, required, ≥ 0. */
	KISCRM_CAMPAIGN_COST_ITEM = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_COST, 4)         /**< TEXT: venue, catering, gifts, media … */
} kiscrm_campaign_cost_field;

/** Fields of ::KISCRM_KIND_CAMPAIGN_MEMBER: a person invited to an activity. */
typedef enum kiscrm_campaign_member_field {
	KISCRM_CAMPAIGN_MEMBER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 0),          /**< INT id. */
	KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 1), /**< INT → campaign, required, owned. */
	KISCRM_CAMPAIGN_MEMBER_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 2),  /**< INT → contact (once per activity). */
	KISCRM_CAMPAIGN_MEMBER_LEAD_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 3),     /**< INT → lead (once per activity). */
	KISCRM_CAMPAIGN_MEMBER_NAME = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 4),        /**< TEXT: the person, when neither contact nor lead (a walk-in). */
	KISCRM_CAMPAIGN_MEMBER_PHONE = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 5),       /**< TEXT. */
	KISCRM_CAMPAIGN_MEMBER_EMAIL = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 6),       /**< TEXT. */
	KISCRM_CAMPAIGN_MEMBER_COMPANY = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 7),     /**< TEXT: the person's company as given. */
	KISCRM_CAMPAIGN_MEMBER_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 8),      /**< TEXT: invited (NULL reads so), registered, confirmed (registration confirmed), attended, absent, declined. */
	KISCRM_CAMPAIGN_MEMBER_CONFIRMED = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_MEMBER, 9)    /**< DATE: day the registration was confirmed. */
} kiscrm_campaign_member_field;

/** Fields of ::KISCRM_KIND_CAMPAIGN_TOUCH: an activity reaching a customer, contact or lead. */
typedef enum kiscrm_campaign_touch_field {
	KISCRM_CAMPAIGN_TOUCH_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 0),          /**< INT id. */
	KISCRM_CAMPAIGN_TOUCH_CAMPAIGN_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 1), /**< INT → campaign, required, owned. */
	KISCRM_CAMPAIGN_TOUCH_DATE = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 2),        /**< DATE, required. */
	KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 3), /**< INT → customer (set from the contact when NULL). */
	KISCRM_CAMPAIGN_TOUCH_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 4),  /**< INT → contact, of the customer when both are given. */
	KISCRM_CAMPAIGN_TOUCH_LEAD_ID = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 5),     /**< INT → lead. One of customer, contact and lead is required. */
	KISCRM_CAMPAIGN_TOUCH_CHANNEL = KISCRM_FIELD_ID(KISCRM_KIND_CAMPAIGN_TOUCH, 6)      /**< TEXT: how (call, mail, visit at the booth …). */
} kiscrm_campaign_touch_field;

/** Options of kiscrm_campaign_mailing_list(). */
typedef struct kiscrm_mailing_options {
	unsigned int version;  /**< ::KISCRM_MAILING_OPTIONS_VERSION. */
	kiscrm_id campaign_id; /**< > 0: the members of this activity (not declined); 0: the
	                            contacts of customers (and open leads, see `leads`). */
	const char *region;    /**< With campaign_id 0: customers and leads of this region key only; NULL: all. */
	const char *industry;  /**< With campaign_id 0: of this industry key only; NULL: all. */
	int leads;             /**< With campaign_id 0: 1 adds the leads not yet qualified or disqualified. */
} kiscrm_mailing_options;

/** Current version of ::kiscrm_mailing_options. */
#define KISCRM_MAILING_OPTIONS_VERSION 1
/** Initialiser with the defaults: everyone's contacts, no leads. */
#define KISCRM_MAILING_OPTIONS_INIT { KISCRM_MAILING_OPTIONS_VERSION, 0, NULL, NULL, 0 }

/**
 * The mailing or invitation list (邀请名单): each person once, found by the normalised name
 * (spaces removed, full-width letters and digits folded, Latin letters lower-cased) with
 * the normalised phone (digits only, a leading +86/0086 dropped) — or with the e-mail
 * when there is no phone, or with the company when there is neither. A person with any
 * record whose `opt_out` is 1 (a contact, or a lead) is left out altogether, so an opt-out
 * recorded once is honoured everywhere.
 *
 * Columns: `name`, `phone`, `email`, `company` TEXT (from the person's first record, in
 * the order contacts by id, then leads by id, then other members by id), `customer_id`,
 * `contact_id`, `lead_id` INT (the first record of each kind), `records` INT (how many
 * records were merged into the row).
 * @param[out] out the table
 * @param db the database
 * @param opts options (NULL: the defaults)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (unknown version), ::KISCRM_ENOTFOUND (no such
 * activity), storage errors.
 */
KISCRM_API int kiscrm_campaign_mailing_list(kiscrm_table **out, kiscrm_db *db, const kiscrm_mailing_options *opts);

KISCRM_END_DECL

#endif

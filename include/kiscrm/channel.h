/**
 * @file kiscrm/channel.h
 * @brief The channel (渠道): second-tier partners, their targets and their project
 * registrations.
 *
 * A **second-tier partner** (二级渠道伙伴, ::KISCRM_KIND_PARTNER) works a region, industries
 * and product lines at a level (customers.yaml `partners.levels`). Opportunities, contracts
 * and presales requests name the partner they came through (`partner_id`); a collection
 * takes its contract's. A partner's **targets** (::KISCRM_KIND_PARTNER_TARGET) are kept
 * apart from the company's decomposed targets, so that they never add into them.
 *
 * A **project registration** (项目报备, ::KISCRM_KIND_REGISTRATION) claims a customer — by
 * name, compared normalised (kiscrm_customer_normalize_name()), so a customer not yet in
 * the database can be registered — and a product line for a partner. Approved, it is valid
 * from the day it was decided for customers.yaml `partners.registration.validity_days`,
 * plus `extension_days` per extension (at most `max_extensions`); after that, as of a
 * later date, it is expired. A **conflict** is a registration of the same customer and
 * product line by another partner, or an open direct opportunity (one without a partner)
 * for the customer and product line, while an earlier submitted registration is valid:
 * the earliest submitted valid registration wins.
 */
#ifndef KISCRM_CHANNEL_H
#define KISCRM_CHANNEL_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_PARTNER. */
typedef enum kiscrm_partner_field {
	KISCRM_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 0),            /**< INT id. */
	KISCRM_PARTNER_NAME = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 1),          /**< TEXT, required. */
	KISCRM_PARTNER_REGION = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 2),        /**< TEXT region key. */
	KISCRM_PARTNER_INDUSTRIES = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 3),    /**< TEXT: industry keys, comma-separated. */
	KISCRM_PARTNER_PRODUCT_LINES = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 4), /**< TEXT: product-line keys, comma-separated. */
	KISCRM_PARTNER_LEVEL = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 5),         /**< TEXT: a level of customers.yaml `partners.levels`. */
	KISCRM_PARTNER_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 6),        /**< TEXT: active (NULL reads so), suspended, terminated. */
	KISCRM_PARTNER_MANAGER_ID = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER, 7)     /**< INT → staff who manages the partner. */
} kiscrm_partner_field;

/** Fields of ::KISCRM_KIND_PARTNER_TARGET. */
typedef enum kiscrm_partner_target_field {
	KISCRM_PARTNER_TARGET_ID = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 0),         /**< INT id. */
	KISCRM_PARTNER_TARGET_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 1), /**< INT → partner, required, owned. */
	KISCRM_PARTNER_TARGET_METRIC = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 2),     /**< TEXT, required: contract_amount or collection_amount. */
	KISCRM_PARTNER_TARGET_START = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 3),      /**< DATE, required: first day. */
	KISCRM_PARTNER_TARGET_END = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 4),        /**< DATE, required: day after the last (after start). */
	KISCRM_PARTNER_TARGET_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_PARTNER_TARGET, 5)      /**< MONEY, required, ≥ 0. */
} kiscrm_partner_target_field;

/** Fields of ::KISCRM_KIND_REGISTRATION. */
typedef enum kiscrm_registration_field {
	KISCRM_REGISTRATION_ID = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 0),             /**< INT id. */
	KISCRM_REGISTRATION_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 1),     /**< INT → partner, required, owned. */
	KISCRM_REGISTRATION_CUSTOMER_NAME = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 2),  /**< TEXT, required: the customer as the partner names it. */
	KISCRM_REGISTRATION_CUSTOMER_KEY = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 3),   /**< TEXT, derived: the normalised name. */
	KISCRM_REGISTRATION_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 4),    /**< INT → customer, when known. */
	KISCRM_REGISTRATION_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 5),   /**< TEXT, required: a product-line key of dimensions.yaml. */
	KISCRM_REGISTRATION_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 6), /**< INT → the opportunity it became. */
	KISCRM_REGISTRATION_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 7),         /**< MONEY: expected amount. */
	KISCRM_REGISTRATION_EXPECTED_CLOSE = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 8), /**< DATE. */
	KISCRM_REGISTRATION_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 9),         /**< TEXT: draft (NULL reads so), submitted, approved, rejected, withdrawn, converted; `expired` is computed as of a date. */
	KISCRM_REGISTRATION_SUBMITTED = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 10),     /**< TIME: when submitted (required from submitted on). */
	KISCRM_REGISTRATION_SUBMITTED_BY = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 11),  /**< TEXT: who submitted it (the partner's person). */
	KISCRM_REGISTRATION_DECIDED = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 12),       /**< TIME: when approved or rejected (required then; not before submitted). */
	KISCRM_REGISTRATION_DECIDED_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 13), /**< INT → staff who decided. */
	KISCRM_REGISTRATION_EXTENSIONS = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 14),    /**< INT: extensions granted (0 … max_extensions). */
	KISCRM_REGISTRATION_VALID_UNTIL = KISCRM_FIELD_ID(KISCRM_KIND_REGISTRATION, 15)    /**< DATE, derived: last valid day of an approved (or converted) registration. */
} kiscrm_registration_field;

KISCRM_END_DECL

#endif

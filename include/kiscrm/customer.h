/**
 * @file kiscrm/customer.h
 * @brief Customers, their custom attributes and contacts; duplicate detection and merge.
 */
#ifndef KISCRM_CUSTOMER_H
#define KISCRM_CUSTOMER_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of a customer (客户). */
typedef enum kiscrm_customer_field {
	KISCRM_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 0),            /**< INT id. */
	KISCRM_CUSTOMER_NAME = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 1),          /**< TEXT, required: full company name. */
	KISCRM_CUSTOMER_SHORT_NAME = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 2),    /**< TEXT. */
	KISCRM_CUSTOMER_NAME_KEY = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 3),      /**< TEXT, derived on store: normalised name (kiscrm_customer_normalize_name()). */
	KISCRM_CUSTOMER_INDUSTRY = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 4),      /**< TEXT: industry key (dimensions.yaml). */
	KISCRM_CUSTOMER_REGION = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 5),        /**< TEXT: region key (dimensions.yaml). */
	KISCRM_CUSTOMER_EMPLOYEES = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 6),     /**< INT: number of employees. */
	KISCRM_CUSTOMER_REVENUE_BAND = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 7),  /**< TEXT: annual revenue band. */
	KISCRM_CUSTOMER_GRID_CELL = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 8),     /**< TEXT: market grid cell (网格). */
	KISCRM_CUSTOMER_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 9),      /**< INT: owning staff member. */
	KISCRM_CUSTOMER_SOURCE = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 10),       /**< TEXT: how we met them. */
	KISCRM_CUSTOMER_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 11),       /**< TEXT: free status, e.g. active. */
	KISCRM_CUSTOMER_KEY_ACCOUNT = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 12),  /**< INT 0/1: key account (重点客户). */
	KISCRM_CUSTOMER_VALUE_CLASS = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 13),  /**< TEXT: A, B or C. */
	KISCRM_CUSTOMER_LIFECYCLE = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 14),    /**< TEXT: prospect, new, growing, mature, declining, lost. */
	KISCRM_CUSTOMER_FIRST_CONTRACT = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 15), /**< DATE: first contract signed (derived). */
	KISCRM_CUSTOMER_CREATED = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 16),      /**< DATE: entered on. */
	KISCRM_CUSTOMER_LAST_ACTIVITY = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 17), /**< DATE: day of the latest done activity with the customer (derived from activities, kiscrm/activity.h). */
	KISCRM_CUSTOMER_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER, 18) /**< INT → partner (kiscrm/channel.h), the second-tier partner that serves the customer; NULL: a direct customer. */
} kiscrm_customer_field;

/** Fields of a customer's custom attribute (key/value, unique key per customer). */
typedef enum kiscrm_customer_attr_field {
	KISCRM_CUSTOMER_ATTR_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER_ATTR, 0),          /**< INT id. */
	KISCRM_CUSTOMER_ATTR_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER_ATTR, 1), /**< INT, required, owned by the customer. */
	KISCRM_CUSTOMER_ATTR_KEY = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER_ATTR, 2),         /**< TEXT, required. */
	KISCRM_CUSTOMER_ATTR_VALUE = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER_ATTR, 3),        /**< TEXT. */
	KISCRM_CUSTOMER_ATTR_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CUSTOMER_ATTR, 4) /**< INT → partner (kiscrm/channel.h), derived: its customer's. */
} kiscrm_customer_attr_field;

/** Fields of a contact (联系人). */
typedef enum kiscrm_contact_field {
	KISCRM_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 0),          /**< INT id. */
	KISCRM_CONTACT_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 1), /**< INT, required, owned by the customer. */
	KISCRM_CONTACT_NAME = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 2),        /**< TEXT, required. */
	KISCRM_CONTACT_TITLE = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 3),       /**< TEXT: job title. */
	KISCRM_CONTACT_DEPARTMENT = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 4),  /**< TEXT: department at the customer. */
	KISCRM_CONTACT_PHONE = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 5),       /**< TEXT. */
	KISCRM_CONTACT_EMAIL = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 6),       /**< TEXT. */
	KISCRM_CONTACT_BIRTHDAY = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 7),    /**< DATE. */
	KISCRM_CONTACT_CHAIN_ROLE = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 8),  /**< TEXT: decision_maker, influencer, user,
	                                     technical_evaluator, gatekeeper or coach (决策链). */
	KISCRM_CONTACT_REPORTS_TO = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 9),  /**< INT: contact of the same customer; no cycles. */
	KISCRM_CONTACT_ATTITUDE = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 10),   /**< TEXT: supporter, neutral or opponent. */
	KISCRM_CONTACT_OPT_OUT = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 11),     /**< INT 0/1: asked not to be mailed or invited (kiscrm_campaign_mailing_list()). */
	KISCRM_CONTACT_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTACT, 12) /**< INT → partner (kiscrm/channel.h), derived: its customer's. */
} kiscrm_contact_field;

/**
 * Normalises a company name for duplicate detection: full-width ASCII and the
 * ideographic space become half-width, letters are lower-cased, spaces and punctuation
 * are dropped, and trailing legal-form suffixes (有限公司, 有限责任公司, 股份有限公司,
 * 集团, "Co., Ltd.", "Inc." …) are removed.
 * "北京 金蝶软件有限公司" and "北京金蝶软件（有限公司）"… normalise to "北京金蝶软件".
 * @param[out] out buffer the key is appended to
 * @param name UTF-8 company name
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL or invalid UTF-8), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_customer_normalize_name(kiscrm_buf *out, const char *name);

/**
 * Finds customers whose normalised names are equal.
 * @param[out] out table with columns `group` (INT, 1-based), `customer_id` (INT),
 *             `name` (TEXT) and `name_key` (TEXT); one row per customer that has at least
 *             one duplicate, groups in order of their lowest id. Owned by the caller.
 * @param db the database
 * @return ::KISCRM_OK, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_customer_duplicates(kiscrm_table **out, kiscrm_db *db);

/**
 * Merges customer @p duplicate_id into @p keep_id: every record referring to the
 * duplicate (contacts, attributes, and later opportunities, contracts …) is moved to the
 * surviving customer, fields empty in the survivor are filled from the duplicate, and the
 * duplicate is deleted — in one transaction.
 * @param db the database
 * @param keep_id surviving customer
 * @param duplicate_id customer merged away
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_EINVALID (same id), ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_customer_merge(kiscrm_db *db, kiscrm_id keep_id, kiscrm_id duplicate_id);

/**
 * Sets (inserts or replaces) a custom attribute of a customer.
 * @param db the database
 * @param customer_id the customer
 * @param key attribute key (UTF-8, non-empty)
 * @param value value, NULL deletes the attribute
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (no such customer), ::KISCRM_EINVALID, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_customer_attr_set(kiscrm_db *db, kiscrm_id customer_id, const char *key, const char *value);

/**
 * Reads a custom attribute.
 * @param[out] out buffer the value is appended to
 * @param db the database
 * @param customer_id the customer
 * @param key attribute key
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (no such attribute), ::KISCRM_EINVALID, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_customer_attr_get(kiscrm_buf *out, kiscrm_db *db, kiscrm_id customer_id, const char *key);

/**
 * The 360° view of a customer (客户全景): one dated timeline of its contacts (undated,
 * first), opportunities (by `created`), their stage moves (by day), contracts (by
 * `signed`), the contracts' instalments (by `due`) and collections (by `received`), and
 * its activities (by start). Columns: `date` DATE (NULL for contacts), `kind` TEXT
 * (contact, opportunity, stage_move, contract, collection_plan, collection, activity), `id`
 * INT (of that record), `what` TEXT (name, number, subject or the move "from → to"),
 * `status` TEXT (stage, approval, due/received, activity status; a contact's title),
 * `amount` MONEY (NULL when the kind has none). Sorted by date, then in the order of the
 * kinds above, then by id.
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param customer_id the customer
 * @return ::KISCRM_OK, ::KISCRM_EINVALID, ::KISCRM_ENOTFOUND (no such customer), storage errors.
 */
KISCRM_API int kiscrm_customer_timeline(kiscrm_table **out, kiscrm_db *db, kiscrm_id customer_id);

KISCRM_END_DECL

#endif

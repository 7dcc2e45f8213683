/**
 * @file kiscrm/pricing.h
 * @brief The price list (价目表), quotes (报价单) and approvals (审批): price approval
 * (价格审批) per product line and contract approval (合同审批) within each role's limits.
 *
 * A **product** (::KISCRM_KIND_PRODUCT) has a code, a name, a product line (a key of
 * dimensions.yaml `product_lines`, always checked) and a list price in minor units.
 * A **quote** (::KISCRM_KIND_QUOTE) offers products to a customer in **quote lines**
 * (::KISCRM_KIND_QUOTE_LINE): product, quantity, list price (the product's unless given)
 * and a discount in integer **basis points** (0 … 10000; 1 % = 100 bp).
 *
 * **Amounts.** A line's gross amount is list price × quantity; its net amount is
 * gross × (10000 − discount_bp) / 10000 rounded to the minor unit, half away from zero
 * (kiscrm_money_scale()). The quote's totals are the sums of its lines' rounded amounts.
 * All arithmetic is 64-bit integer and checked; a line whose gross amount exceeds
 * ::KISCRM_MONEY_MAX is refused.
 *
 * **Authority** (roles.yaml). A role covers a discount d on product line L when its limit
 * on L (`max_discount_by_line`, else `max_discount`) is unlimited or is not 0 and ≥ d — a
 * role whose limit is 0 approves no discount, not even 0 %. It covers a contract amount A
 * when its `max_contract` is unlimited or not 0 and ≥ A. Roles rank by `max_discount`
 * (for quotes) or `max_contract` (for contracts), unlimited highest, ties in file order.
 * A quote's **required role** is the lowest-ranked role covering every line; a contract's
 * is the lowest-ranked role covering its amount. The approval records the rule in force as
 * text, e.g. `new_products 15.00% <= supervisor 15.00%`.
 *
 * **Approvals** (::KISCRM_KIND_APPROVAL) are made by kiscrm_quote_submit() and
 * kiscrm_contract_submit() (status pending, with a snapshot of the guarded values) and
 * decided by kiscrm_approval_decide(): the approver is the handle's actor
 * (kiscrm_db_set_actor()), acting in the role of their staff record, which must cover the
 * subject; a contract is approved only with the six points of the manual's checklist
 * checked. While an approval is pending the **guarded fields** — a quote's lines
 * (product, quantity, list price, discount; adding or deleting lines), a contract's
 * `amount` and `payment_terms` — are locked (::KISCRM_ECONFLICT naming the field). A
 * later change of a guarded field of an approved subject supersedes its approval and puts
 * the subject back to draft. A contract's `approval` becomes pending or approved only
 * through these functions; a contract may be *first stored* with any approval state (an
 * approval given before it reached this database: imports, migrations).
 */
#ifndef KISCRM_PRICING_H
#define KISCRM_PRICING_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_PRODUCT. */
typedef enum kiscrm_product_field {
	KISCRM_PRODUCT_ID = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 0),           /**< INT id. */
	KISCRM_PRODUCT_CODE = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 1),         /**< TEXT, required, unique: the product code. */
	KISCRM_PRODUCT_NAME = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 2),         /**< TEXT, required: the name (产品名称). */
	KISCRM_PRODUCT_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 3), /**< TEXT, required: a product-line key of dimensions.yaml. */
	KISCRM_PRODUCT_LIST_PRICE = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 4),   /**< MONEY, required: list price per unit, ≥ 0. */
	KISCRM_PRODUCT_UNIT = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 5),         /**< TEXT: the unit priced (套, 用户 …). */
	KISCRM_PRODUCT_ACTIVE = KISCRM_FIELD_ID(KISCRM_KIND_PRODUCT, 6)        /**< INT: 1 on sale (NULL is stored as 1), 0 withdrawn (no new quote lines). */
} kiscrm_product_field;

/** Fields of ::KISCRM_KIND_QUOTE. */
typedef enum kiscrm_quote_field {
	KISCRM_QUOTE_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 0),               /**< INT id. */
	KISCRM_QUOTE_NUMBER = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 1),           /**< TEXT: the quote number. */
	KISCRM_QUOTE_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 2),      /**< INT → customer, required. */
	KISCRM_QUOTE_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 3),   /**< INT → opportunity (optional; the same customer's). */
	KISCRM_QUOTE_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 4),         /**< INT → staff, required: who quotes. */
	KISCRM_QUOTE_DATE = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 5),             /**< DATE, required: the quote's date. */
	KISCRM_QUOTE_VALID_UNTIL = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 6),      /**< DATE: last day the offer holds (not before the date). */
	KISCRM_QUOTE_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 7),           /**< TEXT, workflow: draft (NULL is stored so), pending, approved, rejected; changed by submit and decide only. */
	KISCRM_QUOTE_LIST_TOTAL = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 8),       /**< MONEY, derived: sum of the lines' gross amounts. */
	KISCRM_QUOTE_NET_TOTAL = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 9),        /**< MONEY, derived: sum of the lines' net amounts. */
	KISCRM_QUOTE_MAX_DISCOUNT_BP = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 10), /**< INT, derived: the largest line discount, basis points. */
	KISCRM_QUOTE_REQUIRED_ROLE = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 11),   /**< TEXT, derived: the lowest role covering every line (NULL: no line, or no role can). */
	KISCRM_QUOTE_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE, 12)             /**< TEXT. */
} kiscrm_quote_field;

/** Fields of ::KISCRM_KIND_QUOTE_LINE. */
typedef enum kiscrm_quote_line_field {
	KISCRM_QUOTE_LINE_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 0),           /**< INT id. */
	KISCRM_QUOTE_LINE_QUOTE_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 1),     /**< INT → quote, required, owned. */
	KISCRM_QUOTE_LINE_PRODUCT_ID = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 2),   /**< INT → product, required (an active one for a new line). */
	KISCRM_QUOTE_LINE_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 3), /**< TEXT, derived: the product's product line. */
	KISCRM_QUOTE_LINE_QUANTITY = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 4),     /**< INT, required: ≥ 1. */
	KISCRM_QUOTE_LINE_LIST_PRICE = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 5),   /**< MONEY: unit list price, ≥ 0 (NULL: the product's, filled on store). */
	KISCRM_QUOTE_LINE_DISCOUNT_BP = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 6),  /**< INT: discount off list price, 0 … 10000 basis points (NULL is stored as 0). */
	KISCRM_QUOTE_LINE_NET_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_QUOTE_LINE, 7)    /**< MONEY, derived: list price × quantity less the discount, rounded half away from zero. */
} kiscrm_quote_line_field;

/** Fields of ::KISCRM_KIND_APPROVAL. */
typedef enum kiscrm_approval_field {
	KISCRM_APPROVAL_ID = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 0),              /**< INT id. */
	KISCRM_APPROVAL_SUBJECT = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 1),         /**< TEXT, required: quote or contract. */
	KISCRM_APPROVAL_QUOTE_ID = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 2),        /**< INT → quote, owned (set exactly when the subject is a quote). */
	KISCRM_APPROVAL_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 3),     /**< INT → contract, owned (set exactly when the subject is a contract). */
	KISCRM_APPROVAL_STATUS = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 4),          /**< TEXT, required: pending, approved, rejected, superseded (a later change of a guarded field). */
	KISCRM_APPROVAL_REQUIRED_ROLE = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 5),   /**< TEXT: the lowest role covering the subject when submitted. */
	KISCRM_APPROVAL_RULE = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 6),            /**< TEXT: the rule in force, e.g. `contract 500000.00 <= department_manager 500000.00`. */
	KISCRM_APPROVAL_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 7),          /**< MONEY: snapshot of the quote's net total or the contract's amount. */
	KISCRM_APPROVAL_MAX_DISCOUNT_BP = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 8), /**< INT: snapshot of a quote's largest line discount. */
	KISCRM_APPROVAL_TERMS = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 9),           /**< TEXT: snapshot of a contract's payment terms. */
	KISCRM_APPROVAL_SUBMITTED = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 10),      /**< TIME, required: when submitted. */
	KISCRM_APPROVAL_SUBMITTED_BY_ID = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 11), /**< INT → staff who submitted (NULL: the system). */
	KISCRM_APPROVAL_APPROVER_ID = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 12),    /**< INT → staff who decided. */
	KISCRM_APPROVAL_APPROVER_ROLE = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 13),  /**< TEXT: the role the approver decided in. */
	KISCRM_APPROVAL_DECIDED = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 14),        /**< TIME: when decided (not before submitted). */
	KISCRM_APPROVAL_COMMENT = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 15),        /**< TEXT: the approver's comment. */
	KISCRM_APPROVAL_CHECKLIST = KISCRM_FIELD_ID(KISCRM_KIND_APPROVAL, 16)       /**< TEXT: contract checklist items checked, comma-separated (see kiscrm_approval_decide()). */
} kiscrm_approval_field;

/**
 * Submits a quote for price approval: stores a pending approval with the quote's required
 * role, the rule in force and a snapshot of its net total and largest discount, and sets
 * the quote pending. One transaction; the submitter is the handle's actor (may be 0).
 * @param[out] approval_id the new approval's id (may be NULL)
 * @param db the database
 * @param quote_id the quote, draft or rejected, with at least one line
 * @param at when it is submitted (the library reads no clock); not 0
 * @return ::KISCRM_OK; ::KISCRM_ENOTFOUND (no such quote); ::KISCRM_ECONFLICT (already
 *         pending or approved); ::KISCRM_EINVALID (no lines, no role covers the
 *         discounts, @p at is 0); storage errors. Nothing is written on error.
 */
KISCRM_API int kiscrm_quote_submit(kiscrm_id *approval_id, kiscrm_db *db, kiscrm_id quote_id, kiscrm_time at);

/**
 * Submits a contract for contract approval: stores a pending approval with the lowest role
 * whose `max_contract` covers the amount, the rule in force and a snapshot of the amount
 * and payment terms, and sets the contract's `approval` to pending. One transaction.
 * @param[out] approval_id the new approval's id (may be NULL)
 * @param db the database
 * @param contract_id the contract, its approval draft or rejected
 * @param at when it is submitted; not 0
 * @return ::KISCRM_OK; ::KISCRM_ENOTFOUND; ::KISCRM_ECONFLICT (already pending or
 *         approved); ::KISCRM_EINVALID (no role may sign the amount, @p at is 0); storage
 *         errors. Nothing is written on error.
 */
KISCRM_API int kiscrm_contract_submit(kiscrm_id *approval_id, kiscrm_db *db, kiscrm_id contract_id, kiscrm_time at);

/**
 * Decides a pending approval as the handle's actor (kiscrm_db_set_actor()), acting in the
 * role of their staff record. The role must cover the subject as it stands: every quote
 * line's discount within its limit on the line's product line, or the contract amount
 * within its `max_contract` — for approving and for rejecting alike. Approving a contract
 * also needs all six points of the manual's checklist (合同审批: 范围 scope, 项目风险 risk,
 * 资源 resources, 法律条款 legal, 交付周期 delivery, 关键点 key_points). The approval
 * records approver, role, time, decision, comment and checklist; the subject becomes
 * approved or rejected. One transaction.
 * @param db the database
 * @param approval_id a pending approval
 * @param decision "approved" or "rejected"
 * @param comment the approver's comment (may be NULL; UTF-8, stored as given)
 * @param checklist checklist items checked, comma-separated keys from scope, risk,
 *        resources, legal, delivery, key_points (may be NULL; needed complete only to
 *        approve a contract)
 * @param at when decided; not 0 and not before the submission
 * @return ::KISCRM_OK; ::KISCRM_ENOTFOUND (no such approval); ::KISCRM_ECONFLICT (not
 *         pending); ::KISCRM_EINVALID (no actor, the actor's staff record has no
 *         configured role, the role does not cover the subject, an unknown decision or
 *         checklist item, an incomplete contract checklist, a bad time — the error names
 *         the field); storage errors. Nothing is written on error.
 */
KISCRM_API int kiscrm_approval_decide(kiscrm_db *db, kiscrm_id approval_id, const char *decision,
				      const char *comment, const char *checklist, kiscrm_time at);

KISCRM_END_DECL

#endif

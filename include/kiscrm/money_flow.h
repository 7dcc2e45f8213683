/**
 * @file kiscrm/money_flow.h
 * @brief Contracts (合同), collection plans (收款计划), collections (回款), receivables
 *        (应收账款) and their ageing (账龄).
 *
 * Contracts, collection plans and collections are records (kiscrm/record.h) of kinds
 * ::KISCRM_KIND_CONTRACT, ::KISCRM_KIND_COLLECTION_PLAN and ::KISCRM_KIND_COLLECTION,
 * stored with kiscrm_record_insert() / kiscrm_record_update().
 *
 * **Rules checked on every insert and update** (errors name the field and the value):
 * - contract: `amount` ≥ 0; `approval` is draft, pending, approved or rejected (NULL is
 *   stored as draft; once stored, pending and approved come only from contract approval,
 *   and `amount` and `payment_terms` are guarded — see kiscrm/pricing.h); `allow_over_collection` is 0 or 1; a linked opportunity belongs to
 *   the contract's customer (::KISCRM_EINVALID otherwise); on update the amount may not drop
 *   below what was already collected (::KISCRM_ECONFLICT) unless `allow_over_collection`
 *   is 1. Derived when NULL: `department_id` from the owner, `business_line` and
 *   `product_line` from the linked opportunity. Storing a contract sets the customer's
 *   derived `first_contract` date to the contract's `signed` date when that is NULL or later.
 * - collection plan: exactly one of `contract_id` / `opportunity_id` is set; `amount` > 0;
 *   an opportunity's plan only while the opportunity is open (status NULL or open;
 *   ::KISCRM_ECONFLICT for won, lost or abandoned ones).
 * - collection: `amount` > 0; **over-collection** — the contract's collections, this one
 *   included (on update: with its new amount instead of the old), adding up to more than
 *   the contract amount — is refused with ::KISCRM_ECONFLICT, the message naming the
 *   contract, the amounts and the excess, unless the contract's `allow_over_collection`
 *   is 1. Nothing is stored when a rule fails.
 *
 * **Terms used by the functions and reports below.**
 * - **Collected** of a contract: the sum of its collections (as of a date: those received
 *   on or before it). **Receivable**: contract amount − collected; negative when an
 *   over-collection was allowed (a credit owed to the customer).
 * - **Counted contracts**: every contract except those whose approval is `rejected` (a
 *   rejected contract binds nobody). Per-contract functions work on any contract.
 * - **FIFO rule for past-due amounts.** A contract's instalments (its collection-plan
 *   entries) are put in order of due date (ties: lower id first). An instalment counts
 *   only up to what is left of the contract amount after the instalments before it (plans
 *   adding up to more than the contract never make more than the contract due). The
 *   collected amount is applied to the instalments in that order, oldest first, each
 *   instalment being paid in full before the next one receives anything, whatever the
 *   dates of the collections. The **unpaid part** of an instalment is what is left of it.
 *   As of a date D (the end of that day), an instalment with due date ≤ D is **past due**
 *   by D − due days (0 when it falls due on D itself) and its unpaid part is **overdue**.
 *   Example: instalments 30000.00 due 31 Jan, 40000.00 due 30 Apr, 30000.00 due 31 Jul;
 *   collected 50000.00 → unpaid parts 0, 20000.00, 30000.00; as of 10 May the overdue
 *   amount is 20000.00, 10 days past due.
 * - **Ageing buckets** come from the configured bounds of `analysis.yaml`
 *   (`ageing_bounds`, ascending, default 30, 60, 90, 180): bucket 1 holds 0 … b1 days past
 *   due, bucket k holds b(k−1)+1 … bk days, and a last open bucket holds more than the last
 *   bound. The columns are named after them: `0-30`, `31-60`, `61-90`, `91-180`, `>180`.
 *   So 30 days past due is in `0-30` and 31 days in `31-60`.
 * - Money columns are in minor units of the configured currency.
 */
#ifndef KISCRM_MONEY_FLOW_H
#define KISCRM_MONEY_FLOW_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Fields of a contract (合同). */
typedef enum kiscrm_contract_field {
	KISCRM_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 0),                    /**< INT id. */
	KISCRM_CONTRACT_NUMBER = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 1),                /**< TEXT: contract number as printed on it. */
	KISCRM_CONTRACT_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 2),           /**< INT → customer, required. */
	KISCRM_CONTRACT_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 3),        /**< INT → opportunity it came from (optional; must be the same customer's). */
	KISCRM_CONTRACT_SIGNED = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 4),                /**< DATE, required: signing date. */
	KISCRM_CONTRACT_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 5),                /**< MONEY, required: contract amount, ≥ 0. */
	KISCRM_CONTRACT_OWNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 6),              /**< INT → staff, required: the responsible salesperson. */
	KISCRM_CONTRACT_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 7),         /**< INT → department (NULL: the owner's, filled on store). */
	KISCRM_CONTRACT_BUSINESS_LINE = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 8),         /**< TEXT business-line key (NULL: the linked opportunity's, filled on store). */
	KISCRM_CONTRACT_PRODUCT_LINE = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 9),          /**< TEXT product-line key (NULL: the linked opportunity's, filled on store). */
	KISCRM_CONTRACT_APPROVAL = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 10),             /**< TEXT: draft, pending, approved, rejected (NULL: stored as draft). */
	KISCRM_CONTRACT_PAYMENT_TERMS = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 11),        /**< TEXT: payment terms as agreed, free text. */
	KISCRM_CONTRACT_ALLOW_OVER_COLLECTION = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 12), /**< INT 0/1: 1 allows collections above the contract amount. */
	KISCRM_CONTRACT_TIER = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 13),                 /**< TEXT: a service tier of service.yaml — set, the contract is a service contract (kiscrm/service.h). */
	KISCRM_CONTRACT_VALID_FROM = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 14),           /**< DATE: first day of service. */
	KISCRM_CONTRACT_VALID_TO = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 15),             /**< DATE: last day of service (not before valid_from); renewal falls due then. */
	KISCRM_CONTRACT_COVERED = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 16),              /**< TEXT: service product keys covered, comma-separated (NULL: those of the annual fee). */
	KISCRM_CONTRACT_RENEWS_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 17),            /**< INT → the service contract this one renews. */
	KISCRM_CONTRACT_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_CONTRACT, 18)            /**< INT → the second-tier partner (kiscrm/channel.h); NULL: its opportunity's, filled on store. */
} kiscrm_contract_field;

/** Fields of a collection-plan entry (收款计划: one instalment). */
typedef enum kiscrm_collection_plan_field {
	KISCRM_COLLECTION_PLAN_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 0),             /**< INT id. */
	KISCRM_COLLECTION_PLAN_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 1),    /**< INT → contract (owned); exactly one of contract / opportunity. */
	KISCRM_COLLECTION_PLAN_OPPORTUNITY_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 2), /**< INT → open opportunity (owned): expected collections before signing. */
	KISCRM_COLLECTION_PLAN_DUE = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 3),            /**< DATE, required: due date. */
	KISCRM_COLLECTION_PLAN_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 4),         /**< MONEY, required: amount due, > 0. */
	KISCRM_COLLECTION_PLAN_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 5),           /**< TEXT: e.g. "advance", "on acceptance". */
	KISCRM_COLLECTION_PLAN_MILESTONE_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 6),    /**< INT → a milestone of the same contract the instalment falls due on: `due` follows its actual date, else its planned one (kiscrm/delivery.h). */
	KISCRM_COLLECTION_PLAN_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION_PLAN, 7) /**< INT → partner (kiscrm/channel.h), derived: its contract's (or opportunity's). */
} kiscrm_collection_plan_field;

/** Fields of a collection (收款 / 回款: money received). */
typedef enum kiscrm_collection_field {
	KISCRM_COLLECTION_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 0),          /**< INT id. */
	KISCRM_COLLECTION_CONTRACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 1), /**< INT → contract, required. */
	KISCRM_COLLECTION_RECEIVED = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 2),    /**< DATE, required: day the money was received. */
	KISCRM_COLLECTION_AMOUNT = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 3),      /**< MONEY, required: amount received, > 0. */
	KISCRM_COLLECTION_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 4),        /**< TEXT: free text (bank reference …). */
	KISCRM_COLLECTION_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_COLLECTION, 5)   /**< INT → partner, derived: its contract's. */
} kiscrm_collection_field;

/**
 * Sum of all collections recorded on a contract.
 * @param[out] out the sum in minor units (0 when there is none)
 * @param db the database
 * @param contract_id the contract
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments), ::KISCRM_ENOTFOUND (no such
 *         contract), ::KISCRM_EOVERFLOW, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_contract_collected(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id);

/**
 * Receivable of a contract: its amount − all collections recorded on it (negative when an
 * over-collection was allowed).
 * @param[out] out the receivable in minor units
 * @param db the database
 * @param contract_id the contract
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments), ::KISCRM_ENOTFOUND,
 *         ::KISCRM_EOVERFLOW, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_contract_receivable(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id);

/**
 * Overdue amount of a contract as of a date, by the FIFO rule of this header: the unpaid
 * parts of the instalments due on or before @p as_of, with the collections received on or
 * before @p as_of applied to the instalments oldest first.
 * @param[out] out the overdue amount in minor units (≥ 0)
 * @param db the database
 * @param contract_id the contract
 * @param as_of the reference day (a valid date)
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments, ::KISCRM_DATE_NONE),
 *         ::KISCRM_ENOTFOUND, ::KISCRM_EOVERFLOW, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_contract_overdue(kiscrm_money *out, kiscrm_db *db, kiscrm_id contract_id,
				       kiscrm_date as_of);

/**
 * Receivable of a customer: the sum of the receivables of the customer's counted
 * contracts (all but the rejected ones), with all collections recorded.
 * @param[out] out the receivable in minor units (0 for a customer without contracts)
 * @param db the database
 * @param customer_id the customer
 * @return ::KISCRM_OK, ::KISCRM_EINVALID (NULL arguments), ::KISCRM_ENOTFOUND (no such
 *         customer), ::KISCRM_EOVERFLOW, ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_customer_receivable(kiscrm_money *out, kiscrm_db *db, kiscrm_id customer_id);

/** Flag of kiscrm_contract_plan_instalments(): the instalments may add up to less than
 *  the contract amount (the rest is not planned yet). */
#define KISCRM_PLAN_ALLOW_LESS 0x1u

/**
 * Replaces the collection plan of a contract by @p n instalments, atomically: the old plan
 * entries are deleted and the new ones inserted in one transaction, or nothing changes.
 * The instalments must add up to exactly the contract amount — or, with
 * ::KISCRM_PLAN_ALLOW_LESS, to at most the contract amount (then @p n may be 0, which
 * clears the plan). Each instalment follows the collection-plan rules (amount > 0).
 * @param db the database
 * @param contract_id the contract
 * @param due @p n due dates (any order; valid dates)
 * @param amounts @p n amounts in minor units
 * @param n number of instalments
 * @param flags 0 or ::KISCRM_PLAN_ALLOW_LESS
 * @return ::KISCRM_OK; ::KISCRM_EINVALID (NULL arguments with @p n > 0, unknown flags, a
 *         ::KISCRM_DATE_NONE due date or an amount ≤ 0 — the message names the instalment
 *         and its value — or amounts not adding up to the contract amount: the message
 *         gives both sums); ::KISCRM_ENOTFOUND (no such contract); ::KISCRM_EOVERFLOW;
 *         ::KISCRM_ESTORAGE.
 */
KISCRM_API int kiscrm_contract_plan_instalments(kiscrm_db *db, kiscrm_id contract_id,
						const kiscrm_date *due, const kiscrm_money *amounts,
						size_t n, unsigned int flags);

/**
 * Replaces the collection plan of an open opportunity (its expected payments before the
 * contract exists) by @p n instalments, atomically, with the rules of
 * kiscrm_contract_plan_instalments() against the opportunity's amount. When the
 * opportunity is won and its contract stored (see ::KISCRM_MOVE_CREATE_CONTRACT), the
 * plan moves to the contract.
 * @param db the database
 * @param opportunity_id the opportunity
 * @param due @p n due dates
 * @param amounts @p n amounts in minor units
 * @param n number of instalments
 * @param flags 0 or ::KISCRM_PLAN_ALLOW_LESS
 * @return as kiscrm_contract_plan_instalments(); ::KISCRM_ECONFLICT when the opportunity
 *         is not open; ::KISCRM_EINVALID when it has no amount.
 */
KISCRM_API int kiscrm_opportunity_plan_instalments(kiscrm_db *db, kiscrm_id opportunity_id,
						   const kiscrm_date *due, const kiscrm_money *amounts,
						   size_t n, unsigned int flags);

KISCRM_END_DECL

#endif

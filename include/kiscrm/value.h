/**
 * @file kiscrm/value.h
 * @brief Customer value (客户价值分析): the value score, A/B/C classes stored with the date
 *        they were computed, and the IDIC lists.
 *
 * The **value score** of a customer over a window is configured in customers.yaml
 * (`value`): contract revenue, service revenue (contracts of the service business line)
 * and the cost to serve (done activities with the customer, priced per type), each
 * weighted, plus an amount per whole year of relationship (since the first contract).
 * Customers that have signed a contract by the window's end are ranked by score and
 * classed **A / B / C** by their share of customers ranked above them (default: 5 % A,
 * the next 15 % B); a score of 0 or less is always C, and ties share the better class.
 * doc/customers.md works an example through.
 *
 * kiscrm_report_customer_value() computes the ranking without storing anything;
 * kiscrm_customer_value_classify() stores the classes as ::KISCRM_KIND_VALUE_CLASS
 * records dated as of the window's end (and the customer's `value_class`), so that
 * kiscrm_report_value_movements() can report who moved between classes.
 * kiscrm_report_idic() gives the IDIC lists (kiscrm/report.h).
 */
#ifndef KISCRM_VALUE_H
#define KISCRM_VALUE_H

#include "common.h"
#include "types.h"
#include "report.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_VALUE_CLASS: one customer's class as computed on a date. */
typedef enum kiscrm_value_class_field {
	KISCRM_VALUE_CLASS_ID = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 0),          /**< INT id. */
	KISCRM_VALUE_CLASS_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 1), /**< INT → customer, required, owned. */
	KISCRM_VALUE_CLASS_AS_OF = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 2),       /**< DATE, required: the day the classes were computed for (last day of the window). */
	KISCRM_VALUE_CLASS_CLASS = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 3),       /**< TEXT, required: A, B or C. */
	KISCRM_VALUE_CLASS_SCORE = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 4),       /**< MONEY: the value score. */
	KISCRM_VALUE_CLASS_RANK = KISCRM_FIELD_ID(KISCRM_KIND_VALUE_CLASS, 5)         /**< INT: the rank (1 = best; ties share a rank). */
} kiscrm_value_class_field;

/**
 * Computes the classes of kiscrm_report_customer_value() for the window of @p opts and
 * stores them, in one transaction: one ::KISCRM_KIND_VALUE_CLASS record per ranked
 * customer dated the window's last day (replacing those of an earlier run for the same
 * day), and each customer's `value_class`. Owner and department filters are refused:
 * classes are relative to all customers.
 * @param db the database
 * @param opts the window (from/to, or a period with as_of); required
 * @param[out] nclassified number of customers classed (may be NULL)
 * @return ::KISCRM_OK; ::KISCRM_EINVALID (no window, a filter given), errors of the store.
 */
KISCRM_API int kiscrm_customer_value_classify(kiscrm_db *db, const kiscrm_report_options *opts,
					      size_t *nclassified);

KISCRM_END_DECL

#endif

/**
 * @file kiscrm/care.h
 * @brief Key-account care (重点客户关怀): the key-account archive and the care rules whose
 *        compliance and due list the reports compute.
 *
 * A **key account** is a customer with `key_account` = 1 (kiscrm/customer.h). The
 * **key-account archive** records dated events of a customer (::KISCRM_KIND_KEY_ACCOUNT_EVENT):
 * `gained` and `lost` (becoming and ceasing to be a key account: the latest of them, by
 * date, sets the customer's `key_account` in the same transaction), `executive_change`,
 * `major_event`, and the dates greetings are due on: `important_date` (the customer's
 * holidays and anniversaries, every year on that day) and `family_celebration` (of a
 * contact, once).
 *
 * The **care rules** are configured in customers.yaml (`care`; the defaults are the
 * manual's, 4.7.2): each asks for a number of done activities of some types with every key
 * account per month, quarter or year, by a responsible person — a role of roles.yaml (the
 * activity's owner or a participant holds it) or the account's owner — optionally only
 * for accounts whose first contract is at least some years old. Greetings are due on key
 * contacts' birthdays and on the archive's dates. doc/customers.md explains them with an
 * example.
 *
 * Reports (kiscrm/report.h): kiscrm_report_care_compliance() per account and rule,
 * kiscrm_report_care_people() per responsible person, kiscrm_report_care_due() the due
 * and overdue list as of a date. The KPI metric `care_compliance` scores a person's or a
 * department's compliance (kiscrm/sys/kpi_metric.h).
 */
#ifndef KISCRM_CARE_H
#define KISCRM_CARE_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of ::KISCRM_KIND_KEY_ACCOUNT_EVENT. */
typedef enum kiscrm_key_account_event_field {
	KISCRM_KEY_ACCOUNT_EVENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 0),          /**< INT id. */
	KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 1), /**< INT → customer, required, owned (deleted with it). */
	KISCRM_KEY_ACCOUNT_EVENT_DATE = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 2),        /**< DATE, required: when it happened (or the date greeted). */
	KISCRM_KEY_ACCOUNT_EVENT_TYPE = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 3),        /**< TEXT, required: gained, lost, executive_change, major_event, important_date or family_celebration. */
	KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 4),  /**< INT → contact of the same customer (e.g. whose family celebrates). */
	KISCRM_KEY_ACCOUNT_EVENT_TITLE = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 5),       /**< TEXT: what (e.g. 公司成立纪念日). */
	KISCRM_KEY_ACCOUNT_EVENT_NOTE = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 6),         /**< TEXT: details. */
	KISCRM_KEY_ACCOUNT_EVENT_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_KEY_ACCOUNT_EVENT, 7) /**< INT → partner (kiscrm/channel.h), derived: its customer's. */
} kiscrm_key_account_event_field;

KISCRM_END_DECL

#endif

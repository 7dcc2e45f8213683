/**
 * @file kiscrm/audit.h
 * @brief The audit log (审计日志): who changed which record, when, and how.
 *
 * Every insert, update and delete of every kind — through the record functions, the
 * library's own derived updates, cascades, imports and merges — writes one
 * ::KISCRM_KIND_AUDIT_ENTRY in the same transaction as the change, so a change and its
 * entry are stored together or not at all. An entry names the actor (the principal's
 * staff member, or the actor of kiscrm_db_set_actor(); 0 for the system), the named job
 * when the library ran one (`import`, `predict`, `presales_assign`, `value_classify`,
 * `snapshot`, `merge`), the handle's business date and the time of the change when the
 * caller gave one (stage moves, approvals), the kind and the record.
 *
 * `changes` is a JSON object of the changed fields, each with its old and new value as
 * text (money with the currency's decimals, dates ISO 8601, NULL as null):
 * `{"stage":["opportunity","diagnosis"],"amount":["100000.00","120000.00"]}`. An update
 * records the fields it changed (an update that changes nothing writes no entry); a delete
 * records every value it removed; an insert records none — the row as inserted is the
 * stored row with the later updates undone, so copying it would only double what a bulk
 * load writes. A merge records `{"merged_into":[duplicate,kept]}` on the duplicate.
 *
 * Consecutive inserts of one kind in one transaction, with the same actor, job, date,
 * time and partner, share one entry whose `record_id` … `last_id` is the run of ids (at
 * most ::KISCRM_AUDIT_RUN_MAX): a bulk import of 100,000 opportunities writes a few dozen
 * entries, not 100,000. kiscrm_audit_history() finds a record inside a run.
 *
 * Entries cannot be inserted, changed or deleted through the API (::KISCRM_EINVALID,
 * nothing written), and they refer to no record, so deleting a record, a person or a
 * partner neither cascades into the log nor is refused because of it. A partner's
 * principal (kiscrm_db_set_principal()) sees the entries of its own rows only.
 */
#ifndef KISCRM_AUDIT_H
#define KISCRM_AUDIT_H

#include "common.h"
#include "table.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** The most ids one insert entry of the audit log covers (`record_id` … `last_id`). */
#define KISCRM_AUDIT_RUN_MAX 4096

/** Fields of ::KISCRM_KIND_AUDIT_ENTRY. */
typedef enum kiscrm_audit_entry_field {
	KISCRM_AUDIT_ENTRY_ID = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 0),         /**< INT id: entries are numbered in the order written. */
	KISCRM_AUDIT_ENTRY_DAY = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 1),        /**< DATE: the handle's business date (kiscrm_db_set_today()), NULL when none. */
	KISCRM_AUDIT_ENTRY_AT = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 2),         /**< TIME of the change when the caller gave one (a stage move), else NULL. */
	KISCRM_AUDIT_ENTRY_ACTOR_ID = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 3),   /**< INT: the staff member who acted; NULL: the system. Not a reference (see above). */
	KISCRM_AUDIT_ENTRY_JOB = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 4),        /**< TEXT: the library job that made the change (import, predict …), NULL for a direct call. */
	KISCRM_AUDIT_ENTRY_ACTION = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 5),     /**< TEXT: insert, update, delete or merge. */
	KISCRM_AUDIT_ENTRY_KIND = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 6),       /**< TEXT: the record's kind name (kiscrm_kind_name()). */
	KISCRM_AUDIT_ENTRY_RECORD_ID = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 7),  /**< INT: the record's id (the first of a run of inserts). */
	KISCRM_AUDIT_ENTRY_LAST_ID = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 8),    /**< INT: a run of inserts: the last id of the run (see above); NULL: one record. */
	KISCRM_AUDIT_ENTRY_CHANGES = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 9),    /**< TEXT: JSON of the changed fields' old and new values (see above). */
	KISCRM_AUDIT_ENTRY_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_AUDIT_ENTRY, 10) /**< INT: the record's partner, so that a partner sees its rows' entries. */
} kiscrm_audit_entry_field;

/**
 * The history of one record (`kiscrm history KIND ID`): its audit entries in the order
 * written, with columns `entry`, `day`, `at`, `actor_id`, `actor` (the staff member's
 * name), `job`, `action` and `changes`.
 * @param[out] out the table, owned by the caller (kiscrm_table_free())
 * @param db the database
 * @param kind the record's kind
 * @param id the record's id (a deleted record's history remains)
 * @return ::KISCRM_OK (an empty table when the log holds nothing for it);
 *   ::KISCRM_EINVALID (NULL argument, unknown kind); ::KISCRM_ESTORAGE; ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_audit_history(kiscrm_table **out, kiscrm_db *db, kiscrm_kind kind, kiscrm_id id);

KISCRM_END_DECL

#endif

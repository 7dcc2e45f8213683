/**
 * @file kiscrm/org.h
 * @brief The organisation: departments (a tree) and staff (with reporting lines).
 *
 * Departments and staff are records (kiscrm/record.h) of kinds ::KISCRM_KIND_DEPARTMENT
 * and ::KISCRM_KIND_STAFF; the enums below give their field indices.
 */
#ifndef KISCRM_ORG_H
#define KISCRM_ORG_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Fields of a department (部门). */
typedef enum kiscrm_department_field {
	KISCRM_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 0),        /**< INT id. */
	KISCRM_DEPARTMENT_NAME = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 1),      /**< TEXT, required. */
	KISCRM_DEPARTMENT_PARENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 2), /**< INT, parent department (NULL: top level); no cycles. */
	KISCRM_DEPARTMENT_MANAGER_ID = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 3),/**< INT, staff heading the department. */
	KISCRM_DEPARTMENT_CODE = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 4),       /**< TEXT, short code. */
	KISCRM_DEPARTMENT_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_DEPARTMENT, 5) /**< INT → partner (kiscrm/channel.h), derived from its parent department; NULL: the company's own. */
} kiscrm_department_field;

/** Fields of a staff member (员工). */
typedef enum kiscrm_staff_field {
	KISCRM_STAFF_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 0),               /**< INT id. */
	KISCRM_STAFF_NAME = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 1),             /**< TEXT, required. */
	KISCRM_STAFF_DEPARTMENT_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 2),    /**< INT, required: the department. */
	KISCRM_STAFF_ROLE = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 3),             /**< TEXT, required: a role key of roles.yaml. */
	KISCRM_STAFF_MANAGER_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 4),       /**< INT, reporting line; no cycles. */
	KISCRM_STAFF_ACTIVE = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 5),           /**< INT 0/1 (NULL reads as 1). */
	KISCRM_STAFF_HIRE_DATE = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 6),        /**< DATE. */
	KISCRM_STAFF_EDUCATION = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 7),        /**< TEXT: e.g. college, bachelor, master. */
	KISCRM_STAFF_SALES_YEARS = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 8),      /**< RATE: years of sales experience. */
	KISCRM_STAFF_INDUSTRY_YEARS = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 9),   /**< RATE: years in the industry. */
	KISCRM_STAFF_MANAGEMENT_YEARS = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 10),/**< RATE: years of management. */
	KISCRM_STAFF_EMAIL = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 11),           /**< TEXT. */
	KISCRM_STAFF_PHONE = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 12),            /**< TEXT. */
	KISCRM_STAFF_PARTNER_ID = KISCRM_FIELD_ID(KISCRM_KIND_STAFF, 13) /**< INT → partner (kiscrm/channel.h), derived from the department: the partner this person works for; NULL: the company. */
} kiscrm_staff_field;

/**
 * Lists a department and all departments below it.
 * @param[out] ids array of ids, allocated by the library; free with kiscrm_ids_free()
 * @param[out] count number of ids
 * @param db the database
 * @param department_id the root department
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND, ::KISCRM_ESTORAGE, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_department_subtree(kiscrm_id **ids, size_t *count, kiscrm_db *db, kiscrm_id department_id);

KISCRM_END_DECL

#endif

/* The fields of the kinds this area owns (departments, staff, customers, their attributes and contacts).
 * Pure data, read by the store and the configuration alike. Field order matches the
 * public field enums; fields are only appended. */
#include "entities/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def department_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("parent_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("manager_id", INT, 0, KISCRM_KIND_STAFF),
	F("code", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def staff_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ | IDX, 0),
	F("department_id", INT, REQ | IDX, KISCRM_KIND_DEPARTMENT),
	F("role", TEXT, REQ, 0),
	F("manager_id", INT, IDX, KISCRM_KIND_STAFF),
	F("active", INT, 0, 0),
	F("hire_date", DATE, 0, 0),
	F("education", TEXT, 0, 0),
	F("sales_years", RATE, 0, 0),
	F("industry_years", RATE, 0, 0),
	F("management_years", RATE, 0, 0),
	F("email", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def customer_fields[] = {
	F("id", INT, 0, 0),
	F("name", TEXT, REQ, 0),
	F("short_name", TEXT, 0, 0),
	F("name_key", TEXT, IDX, 0),
	F("industry", TEXT, IDX, 0),
	F("region", TEXT, IDX, 0),
	F("employees", INT, 0, 0),
	F("revenue_band", TEXT, 0, 0),
	F("grid_cell", TEXT, 0, 0),
	F("owner_id", INT, IDX, KISCRM_KIND_STAFF),
	F("source", TEXT, 0, 0),
	F("status", TEXT, 0, 0),
	F("key_account", INT, 0, 0),
	F("value_class", TEXT, 0, 0),
	F("lifecycle", TEXT, 0, 0),
	F("first_contract", DATE, 0, 0),
	F("created", DATE, 0, 0),
	F("last_activity", DATE, 0, 0),
	F("partner_id", INT, IDX, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def customer_attr_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("key", TEXT, REQ, 0),
	F("value", TEXT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

static const kiscrm_field_def contact_fields[] = {
	F("id", INT, 0, 0),
	F("customer_id", INT, REQ | IDX | OWN, KISCRM_KIND_CUSTOMER),
	F("name", TEXT, REQ, 0),
	F("title", TEXT, 0, 0),
	F("department", TEXT, 0, 0),
	F("phone", TEXT, 0, 0),
	F("email", TEXT, 0, 0),
	F("birthday", DATE, 0, 0),
	F("chain_role", TEXT, 0, 0),
	F("reports_to", INT, IDX, KISCRM_KIND_CONTACT),
	F("attitude", TEXT, 0, 0),
	F("opt_out", INT, 0, 0),
	F("partner_id", INT, 0, KISCRM_KIND_PARTNER),
};

const kiscrm_kind_def kc_department_def = { KISCRM_KIND_DEPARTMENT, "department", KC_FIELDS(department_fields) };
const kiscrm_kind_def kc_staff_def = { KISCRM_KIND_STAFF, "staff", KC_FIELDS(staff_fields) };
const kiscrm_kind_def kc_customer_def = { KISCRM_KIND_CUSTOMER, "customer", KC_FIELDS(customer_fields) };
const kiscrm_kind_def kc_customer_attr_def = { KISCRM_KIND_CUSTOMER_ATTR, "customer_attr", KC_FIELDS(customer_attr_fields) };
const kiscrm_kind_def kc_contact_def = { KISCRM_KIND_CONTACT, "contact", KC_FIELDS(contact_fields) };

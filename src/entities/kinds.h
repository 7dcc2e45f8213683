/* The kinds of record this area owns (departments, staff, customers, their attributes and contacts):
 * their definitions (fields.c) and descriptors (kinds.c). */
#ifndef KC_ENTITIES_KINDS_H
#define KC_ENTITIES_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_department_def;
extern const kc_kind kc_department_kind;
extern const kiscrm_kind_def kc_staff_def;
extern const kc_kind kc_staff_kind;
extern const kiscrm_kind_def kc_customer_def;
extern const kc_kind kc_customer_kind;
extern const kiscrm_kind_def kc_customer_attr_def;
extern const kc_kind kc_customer_attr_kind;
extern const kiscrm_kind_def kc_contact_def;
extern const kc_kind kc_contact_kind;

#endif

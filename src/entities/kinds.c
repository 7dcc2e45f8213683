/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "entities/kinds.h"
#include "entities/entity.h"
#include "kiscrm/customer.h"
#include "kiscrm/org.h"

const kc_kind kc_department_kind = { &kc_department_def, kc_department_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_DEPARTMENT_PARTNER_ID, KC_FI(KISCRM_DEPARTMENT_PARENT_ID)) };
const kc_kind kc_staff_kind = { &kc_staff_def, kc_staff_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_STAFF_PARTNER_ID, KC_FI(KISCRM_STAFF_DEPARTMENT_ID)) };
const kc_kind kc_customer_kind = { &kc_customer_def, kc_customer_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_CUSTOMER_PARTNER_ID, 0) };
const kc_kind kc_customer_attr_kind = { &kc_customer_attr_def, kc_customer_attr_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_CUSTOMER_ATTR_PARTNER_ID, KC_FI(KISCRM_CUSTOMER_ATTR_CUSTOMER_ID)) };
const kc_kind kc_contact_kind = { &kc_contact_def, kc_contact_prepare, NULL, NULL,
	KC_SCOPE_BY(KISCRM_CONTACT_PARTNER_ID, KC_FI(KISCRM_CONTACT_CUSTOMER_ID)) };

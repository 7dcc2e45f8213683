/* Descriptors of the kinds this area owns: each kind's definition (fields.c), its
 * flags and the hooks the store calls. */
#include "entities/kinds.h"
#include "entities/entity.h"

const kc_kind kc_department_kind = { &kc_department_def, kc_department_prepare, NULL, NULL };
const kc_kind kc_staff_kind = { &kc_staff_def, kc_staff_prepare, NULL, NULL };
const kc_kind kc_customer_kind = { &kc_customer_def, kc_customer_prepare, NULL, NULL };
const kc_kind kc_customer_attr_kind = { &kc_customer_attr_def, kc_customer_attr_prepare, NULL, NULL };
const kc_kind kc_contact_kind = { &kc_contact_def, kc_contact_prepare, NULL, NULL };

/* Descriptors of the kinds this area owns: definitions (fields.c) and the hooks the store
 * calls (rules.c, approval_rules.c). The price list, quotes and approvals are the
 * company's own: a partner's principal sees none of them. */
#include "pricing/kinds.h"

const kc_kind kc_product_kind = { &kc_product_def, kc_product_prepare, NULL, NULL, KC_SCOPE_COMPANY };
const kc_kind kc_quote_kind = { &kc_quote_def, kc_quote_prepare, NULL, kc_quote_before_delete, KC_SCOPE_COMPANY };
const kc_kind kc_quote_line_kind = { &kc_quote_line_def, kc_quote_line_prepare, NULL, kc_quote_line_before_delete,
				     KC_SCOPE_COMPANY };
const kc_kind kc_approval_kind = { &kc_approval_def, kc_approval_prepare, NULL, kc_approval_before_delete,
				   KC_SCOPE_COMPANY };

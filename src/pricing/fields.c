/* The fields of the pricing kinds. Pure data; field order matches the public field enums
 * of kiscrm/pricing.h, only appended. */
#include "pricing/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def product_fields[] = {
	F("id", INT, 0, 0),
	F("code", TEXT, REQ | IDX, 0),
	F("name", TEXT, REQ, 0),
	F("product_line", TEXT, REQ, 0),
	F("list_price", MONEY, REQ, 0),
	F("unit", TEXT, 0, 0),
	F("active", INT, 0, 0),
};

static const kiscrm_field_def quote_fields[] = {
	F("id", INT, 0, 0),
	F("number", TEXT, IDX, 0),
	F("customer_id", INT, REQ | IDX, KISCRM_KIND_CUSTOMER),
	F("opportunity_id", INT, IDX, KISCRM_KIND_OPPORTUNITY),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("date", DATE, REQ, 0),
	F("valid_until", DATE, 0, 0),
	F("status", TEXT, 0, 0),
	F("list_total", MONEY, 0, 0),
	F("net_total", MONEY, 0, 0),
	F("max_discount_bp", INT, 0, 0),
	F("required_role", TEXT, 0, 0),
	F("note", TEXT, 0, 0),
};

static const kiscrm_field_def quote_line_fields[] = {
	F("id", INT, 0, 0),
	F("quote_id", INT, REQ | IDX | OWN, KISCRM_KIND_QUOTE),
	F("product_id", INT, REQ | IDX, KISCRM_KIND_PRODUCT),
	F("product_line", TEXT, 0, 0),
	F("quantity", INT, REQ, 0),
	F("list_price", MONEY, 0, 0),
	F("discount_bp", INT, 0, 0),
	F("net_amount", MONEY, 0, 0),
};

static const kiscrm_field_def approval_fields[] = {
	F("id", INT, 0, 0),
	F("subject", TEXT, REQ, 0),
	F("quote_id", INT, IDX | OWN, KISCRM_KIND_QUOTE),
	F("contract_id", INT, IDX | OWN, KISCRM_KIND_CONTRACT),
	F("status", TEXT, REQ, 0),
	F("required_role", TEXT, 0, 0),
	F("rule", TEXT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("max_discount_bp", INT, 0, 0),
	F("terms", TEXT, 0, 0),
	F("submitted", TIME, REQ, 0),
	F("submitted_by_id", INT, 0, KISCRM_KIND_STAFF),
	F("approver_id", INT, 0, KISCRM_KIND_STAFF),
	F("approver_role", TEXT, 0, 0),
	F("decided", TIME, 0, 0),
	F("comment", TEXT, 0, 0),
	F("checklist", TEXT, 0, 0),
};

const kiscrm_kind_def kc_product_def = { KISCRM_KIND_PRODUCT, "product", KC_FIELDS(product_fields) };
const kiscrm_kind_def kc_quote_def = { KISCRM_KIND_QUOTE, "quote", KC_FIELDS(quote_fields) };
const kiscrm_kind_def kc_quote_line_def = { KISCRM_KIND_QUOTE_LINE, "quote_line", KC_FIELDS(quote_line_fields) };
const kiscrm_kind_def kc_approval_def = { KISCRM_KIND_APPROVAL, "approval", KC_FIELDS(approval_fields) };

const char *const kc_approval_statuses[] = { "pending", "approved", "rejected", "superseded", NULL };
const char *const kc_quote_statuses[] = { "draft", "pending", "approved", "rejected", NULL };

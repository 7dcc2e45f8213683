/* Who may approve what (roles.yaml): whether a role covers a discount on a product line or
 * a contract amount, the lowest role that does, and the rule in force as text. Pure
 * functions of the configuration. */
#ifndef KC_PRICING_AUTHORITY_H
#define KC_PRICING_AUTHORITY_H

#include "kiscrm/types.h"
#include "kiscrm/config.h"

#include <stddef.h>

/* A quote line as authority sees it: its product line and discount. */
typedef struct kc_price_line {
	const char *product_line;
	int discount_bp;
} kc_price_line;

/* 1 if role @r's limit on @line is unlimited, or not 0 and at least @bp. */
int kc_role_covers_discount(const kiscrm_config *cfg, size_t r, const char *line, int bp);
/* 1 if every line is covered by role @r. */
int kc_role_covers_lines(const kiscrm_config *cfg, size_t r, const kc_price_line *lines, size_t n);
/* 1 if role @r's max_contract is unlimited, or not 0 and at least @amount. */
int kc_role_covers_amount(const kiscrm_config *cfg, size_t r, kiscrm_money amount);

/* The lowest role covering every line, ranked by max_discount (unlimited highest, ties in
 * file order); -1 when none does. */
int kc_quote_required_role(const kiscrm_config *cfg, const kc_price_line *lines, size_t n);
/* The lowest role covering @amount, ranked by max_contract; -1 when none does. */
int kc_contract_required_role(const kiscrm_config *cfg, kiscrm_money amount);

/* The rule in force for role @r: per product line (in order of first appearance) the
 * largest discount and the role's limit, "new_products 15.00% <= supervisor 15.00%; …". */
int kc_quote_rule(kiscrm_buf *out, const kiscrm_config *cfg, int r, const kc_price_line *lines, size_t n);
/* "contract 500000.00 <= department_manager 500000.00". */
int kc_contract_rule(kiscrm_buf *out, const kiscrm_config *cfg, int r, kiscrm_money amount);

/* Basis points as a percentage with two decimals ("15.00%"; "unlimited" for -1). */
const char *kc_bp_text(char buf[24], int bp);

#endif

/* Authority limits of roles.yaml applied to quotes and contracts. Limits are integers
 * (basis points, minor units); -1 is unlimited and 0 grants nothing, so a role with limit
 * 0 is never the one that approves, not even a quote without discount. */
#include "pricing/authority.h"
#include "core/buf.h"
#include "kiscrm/money.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int kc_role_covers_discount(const kiscrm_config *cfg, size_t r, const char *line, int bp)
{
	int limit = kiscrm_config_role_max_discount_line_bp(cfg, r, line);
	return limit < 0 || (limit > 0 && bp <= limit);
}

int kc_role_covers_lines(const kiscrm_config *cfg, size_t r, const kc_price_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!kc_role_covers_discount(cfg, r, lines[i].product_line, lines[i].discount_bp))
			return 0;
	return 1;
}

int kc_role_covers_amount(const kiscrm_config *cfg, size_t r, kiscrm_money amount)
{
	kiscrm_money limit = kiscrm_config_role_max_contract(cfg, r);
	return limit < 0 || (limit > 0 && amount <= limit);
}

/* Rank of a limit: unlimited (-1) above every number. */
static int64_t rank(int64_t limit)
{
	return limit < 0 ? INT64_MAX : limit;
}

int kc_quote_required_role(const kiscrm_config *cfg, const kc_price_line *lines, size_t n)
{
	int best = -1;
	for (size_t r = 0; r < kiscrm_config_role_count(cfg); r++)
		if (kc_role_covers_lines(cfg, r, lines, n) &&
		    (best < 0 || rank(kiscrm_config_role_max_discount_bp(cfg, r)) <
					 rank(kiscrm_config_role_max_discount_bp(cfg, (size_t)best))))
			best = (int)r;
	return best;
}

int kc_contract_required_role(const kiscrm_config *cfg, kiscrm_money amount)
{
	int best = -1;
	for (size_t r = 0; r < kiscrm_config_role_count(cfg); r++)
		if (kc_role_covers_amount(cfg, r, amount) &&
		    (best < 0 || rank(kiscrm_config_role_max_contract(cfg, r)) <
					 rank(kiscrm_config_role_max_contract(cfg, (size_t)best))))
			best = (int)r;
	return best;
}

const char *kc_bp_text(char buf[24], int bp)
{
	if (bp < 0)
		return strcpy(buf, "unlimited");
	snprintf(buf, 24, "%d.%02d%%", bp / 100, bp % 100);
	return buf;
}

int kc_quote_rule(kiscrm_buf *out, const kiscrm_config *cfg, int r, const kc_price_line *lines, size_t n)
{
	const char *role = kiscrm_config_role_key(cfg, (size_t)r);
	int rc = KISCRM_OK;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const char *line = lines[i].product_line ? lines[i].product_line : "";
		int seen = 0, max = lines[i].discount_bp;
		for (size_t j = 0; j < n; j++) {
			const char *other = lines[j].product_line ? lines[j].product_line : "";
			if (strcmp(other, line) != 0)
				continue;
			if (j < i)
				seen = 1;
			if (lines[j].discount_bp > max)
				max = lines[j].discount_bp;
		}
		if (seen)
			continue; /* the line's product line was written with its first line */
		char d[24], l[24];
		rc = kc_buf_printf(out, "%s%s %s <= %s %s", out->size ? "; " : "", line, kc_bp_text(d, max), role,
				   kc_bp_text(l, kiscrm_config_role_max_discount_line_bp(cfg, (size_t)r, line)));
	}
	return rc;
}

static const char *money_text(char buf[32], const kiscrm_config *cfg, kiscrm_money v)
{
	if (v < 0)
		return strcpy(buf, "unlimited");
	if (kiscrm_money_format(buf, 32, v, kiscrm_config_currency_decimals(cfg), 0) < 0)
		snprintf(buf, 32, "%lld", (long long)v);
	return buf;
}

int kc_contract_rule(kiscrm_buf *out, const kiscrm_config *cfg, int r, kiscrm_money amount)
{
	char a[32], l[32];
	return kc_buf_printf(out, "contract %s <= %s %s", money_text(a, cfg, amount), kiscrm_config_role_key(cfg, (size_t)r),
			     money_text(l, cfg, kiscrm_config_role_max_contract(cfg, (size_t)r)));
}

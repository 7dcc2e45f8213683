/* Reading the loaded configuration (settings, dimensions, roles). */
#include "config/config_internal.h"
#include "config/field_values.h"

#include <string.h>

#include "core/error.h"

const char *const kc_dim_file_keys[] = {
	NULL, "business_lines", "product_lines", "regions", "industries", NULL
};

/* ------------------------------------------------------------------------------------ */
/* Accessors. A NULL configuration reads as the defaults, so that callers never crash on
 * a missing handle. */

int kiscrm_config_week_start(const kiscrm_config *cfg)
{
	return cfg ? cfg->week_start : DEFAULT_WEEK_START;
}

int kiscrm_config_fiscal_year_start(const kiscrm_config *cfg)
{
	return cfg ? cfg->fiscal_year_start : DEFAULT_FISCAL_START;
}

const char *kiscrm_config_currency(const kiscrm_config *cfg)
{
	return cfg ? cfg->currency : DEFAULT_CURRENCY;
}

int kiscrm_config_currency_decimals(const kiscrm_config *cfg)
{
	return cfg ? cfg->currency_decimals : DEFAULT_DECIMALS;
}

const kc_config_dim *kc_config_get_dim(const kiscrm_config *cfg, int dim)
{
	if (!cfg || dim < 1 || dim > KC_DIM_LAST)
		return NULL;
	return &cfg->dims[dim];
}

const kc_config_role *kc_config_get_role(const kiscrm_config *cfg, size_t i)
{
	return cfg && i < cfg->role_count ? &cfg->roles[i] : NULL;
}

static const char *pick_name(const kc_config_entry *e, const char *lang)
{
	return lang && strcmp(lang, "zh") == 0 ? e->zh : e->en;
}

size_t kiscrm_config_dim_count(const kiscrm_config *cfg, int dim)
{
	const kc_config_dim *d = kc_config_get_dim(cfg, dim);
	return d ? d->count : 0;
}

const char *kiscrm_config_dim_key(const kiscrm_config *cfg, int dim, size_t i)
{
	const kc_config_dim *d = kc_config_get_dim(cfg, dim);
	return d && i < d->count ? d->items[i].key : NULL;
}

const char *kiscrm_config_dim_name(const kiscrm_config *cfg, int dim, size_t i, const char *lang)
{
	const kc_config_dim *d = kc_config_get_dim(cfg, dim);
	return d && i < d->count ? pick_name(&d->items[i], lang) : NULL;
}

int kiscrm_config_dim_find(const kiscrm_config *cfg, int dim, const char *key)
{
	const kc_config_dim *d;

	if (!cfg || !key)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_dim_find: NULL argument");
	d = kc_config_get_dim(cfg, dim);
	if (!d)
		return kc_error_set(KISCRM_ENOTFOUND, "unknown dimension %d", dim);
	for (size_t i = 0; i < d->count; i++)
		if (strcmp(d->items[i].key, key) == 0)
			return (int)i;
	return kc_error_set(KISCRM_ENOTFOUND, "no entry '%s' in %s", key, kc_dim_file_keys[dim]);
}

/* Text fields whose values come from a configured dimension list, by name in every kind
 * (the store's check and the CSV importer's translation of display names). */
int kc_config_field_dim(const char *field)
{
	static const struct {
		const char *field;
		int dim;
	} fields[] = {
		{ "business_line", KISCRM_DIM_BUSINESS_LINE },
		{ "product_line", KISCRM_DIM_PRODUCT_LINE },
		{ "region", KISCRM_DIM_REGION },
		{ "industry", KISCRM_DIM_INDUSTRY },
	};
	for (size_t i = 0; field && i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(field, fields[i].field) == 0)
			return fields[i].dim;
	return 0;
}

/* Keys first: a key that equals another entry's display name means the key. */
const char *kc_config_dim_named(const kiscrm_config *cfg, int dim, const char *text)
{
	size_t n = kiscrm_config_dim_count(cfg, dim);
	for (size_t i = 0; i < n; i++)
		if (strcmp(kiscrm_config_dim_key(cfg, dim, i), text) == 0)
			return kiscrm_config_dim_key(cfg, dim, i);
	for (size_t i = 0; i < n; i++)
		if (kc_config_name_is(kiscrm_config_dim_name(cfg, dim, i, "zh"), text, 0) ||
		    kc_config_name_is(kiscrm_config_dim_name(cfg, dim, i, "en"), text, 1))
			return kiscrm_config_dim_key(cfg, dim, i);
	return NULL;
}


int kiscrm_config_dim_strict(const kiscrm_config *cfg, int dim)
{
	const kc_config_dim *d = kc_config_get_dim(cfg, dim);
	return d && d->strict ? 1 : 0;
}

size_t kiscrm_config_role_count(const kiscrm_config *cfg)
{
	return cfg ? cfg->role_count : 0;
}

const char *kiscrm_config_role_key(const kiscrm_config *cfg, size_t i)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	return r ? r->names.key : NULL;
}

const char *kiscrm_config_role_name(const kiscrm_config *cfg, size_t i, const char *lang)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	return r ? pick_name(&r->names, lang) : NULL;
}

int kiscrm_config_role_find(const kiscrm_config *cfg, const char *key)
{
	if (!cfg || !key)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_role_find: NULL argument");
	for (size_t i = 0; i < cfg->role_count; i++)
		if (strcmp(cfg->roles[i].names.key, key) == 0)
			return (int)i;
	return kc_error_set(KISCRM_ENOTFOUND, "no role '%s'", key);
}

/* Out-of-range roles have no authority at all. */
int kiscrm_config_role_max_discount_bp(const kiscrm_config *cfg, size_t i)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	return r ? r->max_discount_bp : 0;
}

int kiscrm_config_role_max_discount_line_bp(const kiscrm_config *cfg, size_t i, const char *product_line)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	if (!r)
		return 0;
	/* looked up here, not with kiscrm_config_dim_find: an unknown line is no error */
	const kc_config_dim *lines = kc_config_get_dim(cfg, KISCRM_DIM_PRODUCT_LINE);
	for (size_t k = 0; product_line && k < r->nline_limits; k++)
		if (strcmp(lines->items[r->line_limits[k].line].key, product_line) == 0)
			return r->line_limits[k].bp;
	return r->max_discount_bp;
}

kiscrm_money kiscrm_config_role_max_contract(const kiscrm_config *cfg, size_t i)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	return r ? r->max_contract : 0;
}

int kiscrm_config_role_approves_budget(const kiscrm_config *cfg, size_t i)
{
	const kc_config_role *r = kc_config_get_role(cfg, i);
	return r ? r->approves_budget : 0;
}

const char *kiscrm_config_dir(const kiscrm_config *cfg)
{
	return cfg ? cfg->dir : NULL;
}

/* customers.yaml → kc_customers_config: the care rules, the greetings, the value, grid and
 * market-activity settings. The user's file replaces the default section by section, so
 * the defaults live in data/customers.yaml only. Every role and activity type named is
 * checked against roles.yaml and analysis.yaml here, with file and line. */
#include "config/customers_config.h"
#include "config/config_internal.h"
#include "core/error.h"
#include "kiscrm/date.h"
#include "kiscrm/money.h"

#include <stdlib.h>
#include <string.h>

/* `strict`: the section is the user's, so the roles, activity types and business line it
 * names are checked here; a default section is checked when a report reads it (a user's
 * roles.yaml or analysis.yaml may lack what the defaults name). */
static int key_list(kc_key_list *out, const kiscrm_config *cfg, const kc_yaml_node *map, const char *key,
		    int activity_types, int strict)
{
	const kc_yaml_node *seq = NULL;
	int rc = kc_yaml_get_seq(&seq, map, key, KC_YAML_REQUIRED);
	if (rc < 0)
		return rc;
	size_t n = kc_yaml_count(seq);
	if (activity_types && n == 0)
		return kc_yaml_error(seq, "name at least one activity type");
	out->keys = calloc(n ? n : 1, sizeof(*out->keys));
	if (!out->keys)
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(seq, i);
		const char *k;
		if ((rc = kc_yaml_ident(&k, item)) < 0)
			return rc;
		if (strict && activity_types && kiscrm_config_activity_type_find(cfg, k) < 0)
			return kc_yaml_error(item, "'%s' is not an activity type of analysis.yaml activity_types", k);
		if (kc_key_list_has(out, k))
			return kc_yaml_error(item, "'%s' is listed twice", k);
		out->keys[out->n++] = k;
	}
	return KISCRM_OK;
}

/* `responsible`: a role key of roles.yaml, or `owner` (stored as NULL). */
static int responsible(const char **out, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	const kc_yaml_node *node = NULL;
	const char *k;
	int rc;
	if ((rc = kc_yaml_get_node(&node, map, "responsible", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_ident(&k, node)) < 0)
		return rc;
	if (strcmp(k, "owner") == 0) {
		*out = KC_OWNER_ROLE;
		return KISCRM_OK;
	}
	if (strict && kiscrm_config_role_find(cfg, k) < 0)
		return kc_yaml_error(node, "'%s' is neither `owner` nor a role of roles.yaml", k);
	*out = k;
	return KISCRM_OK;
}

static int read_rule(kc_care_rule *r, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	static const char *const keys[] = { "key", "zh", "en", "activity_types", "responsible", "period",
					     "count", "min_years", NULL };
	static const char *const periods[] = { "month", "quarter", "year", NULL };
	static const int period_of[] = { KISCRM_PERIOD_MONTH, KISCRM_PERIOD_QUARTER, KISCRM_PERIOD_YEAR };
	int64_t count = 0, years = 0;
	int p = 0, rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_ident(&r->key, map, "key", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&r->zh, map, "zh", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&r->en, map, "en", KC_YAML_REQUIRED)) < 0 ||
	    (rc = key_list(&r->types, cfg, map, "activity_types", 1, strict)) < 0 ||
	    (rc = responsible(&r->role, cfg, map, strict)) < 0 ||
	    (rc = kc_yaml_get_enum(&p, map, "period", KC_YAML_REQUIRED, periods)) < 0 ||
	    (rc = kc_yaml_get_int(&count, map, "count", KC_YAML_REQUIRED, 1, 1000)) < 0 ||
	    (rc = kc_yaml_get_int(&years, map, "min_years", KC_YAML_OPTIONAL, 0, 100)) < 0)
		return rc;
	r->period = period_of[p];
	r->count = (int)count;
	r->min_years = (int)years;
	return KISCRM_OK;
}

static int read_greetings(kc_care_greetings *g, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	static const char *const keys[] = { "zh", "en", "activity_types", "responsible", "contact_roles",
					     "lead_days", "grace_days", NULL };
	int64_t lead = 0, grace = 0;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_text(&g->zh, map, "zh", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&g->en, map, "en", KC_YAML_REQUIRED)) < 0 ||
	    (rc = key_list(&g->types, cfg, map, "activity_types", 1, strict)) < 0 ||
	    (rc = responsible(&g->role, cfg, map, strict)) < 0 ||
	    (rc = key_list(&g->contact_roles, cfg, map, "contact_roles", 0, strict)) < 0 ||
	    (rc = kc_yaml_get_int(&lead, map, "lead_days", KC_YAML_REQUIRED, 0, 60)) < 0 ||
	    (rc = kc_yaml_get_int(&grace, map, "grace_days", KC_YAML_REQUIRED, 0, 60)) < 0)
		return rc;
	g->lead_days = (int)lead;
	g->grace_days = (int)grace;
	return KISCRM_OK;
}

static int read_care(kc_customers_config *c, const kiscrm_config *cfg, const kc_yaml_node *care, int strict)
{
	static const char *const keys[] = { "rules", "greetings", NULL };
	const kc_yaml_node *rules = NULL, *greetings = NULL;
	int rc;
	if ((rc = kc_yaml_map_check(care, keys)) < 0 || (rc = kc_yaml_get_seq(&rules, care, "rules", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_map(&greetings, care, "greetings", KC_YAML_REQUIRED)) < 0)
		return rc;
	size_t n = kc_yaml_count(rules);
	if (!(c->rules = calloc(n + 1, sizeof(*c->rules)))) /* + 1: see kc_customers_config_free */
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(rules, i);
		if ((rc = read_rule(&c->rules[i], cfg, item, strict)) < 0)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->rules[j].key, c->rules[i].key) == 0)
				return kc_yaml_error_ex(item, "key", c->rules[i].key, "care rule '%s' is defined twice",
							c->rules[i].key);
		c->nrules = i + 1;
	}
	return read_greetings(&c->greetings, cfg, greetings, strict);
}

static int read_costs(kc_value_settings *v, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	size_t n = kc_yaml_count(map);
	int decimals = kiscrm_config_currency_decimals(cfg), rc;
	if (!(v->costs = calloc(n ? n : 1, sizeof(*v->costs))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const char *type;
		if ((rc = kc_yaml_ident(&type, map->keys[i])) < 0)
			return rc;
		if (strict && kiscrm_config_activity_type_find(cfg, type) < 0)
			return kc_yaml_error(map->keys[i], "'%s' is not an activity type of analysis.yaml activity_types", type);
		v->costs[i].type = type;
		if ((rc = kc_yaml_money(&v->costs[i].cost, kc_yaml_item(map, i), decimals, 0, KISCRM_MONEY_MAX)) < 0)
			return rc;
		v->ncosts = i + 1;
	}
	return KISCRM_OK;
}

static int read_value(kc_value_settings *v, const kiscrm_config *cfg, const kc_yaml_node *map, int strict)
{
	static const char *const keys[] = { "contract_weight", "service_weight", "cost_weight", "per_year",
					     "service_business_line", "activity_costs", "a_share", "b_share",
					     "lapsed_top", "cross_sell_max_lines", NULL };
	const kc_yaml_node *costs = NULL, *line = NULL;
	int64_t top = 0, lines = 0;
	int decimals = kiscrm_config_currency_decimals(cfg), rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&v->contract_bp, map, "contract_weight", KC_YAML_REQUIRED, 0, 100000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&v->service_bp, map, "service_weight", KC_YAML_REQUIRED, 0, 100000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&v->cost_bp, map, "cost_weight", KC_YAML_REQUIRED, 0, 100000)) < 0 ||
	    (rc = kc_yaml_get_money(&v->per_year, map, "per_year", KC_YAML_REQUIRED, decimals, 0, KISCRM_MONEY_MAX / 100)) < 0 ||
	    (rc = kc_yaml_get_node(&line, map, "service_business_line", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_ident(&v->service_line, line)) < 0 ||
	    (rc = kc_yaml_get_map(&costs, map, "activity_costs", KC_YAML_REQUIRED)) < 0 ||
	    (rc = read_costs(v, cfg, costs, strict)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&v->a_bp, map, "a_share", KC_YAML_REQUIRED, 0, 10000)) < 0 ||
	    (rc = kc_yaml_get_percent_bp(&v->b_bp, map, "b_share", KC_YAML_REQUIRED, 0, 10000)) < 0 ||
	    (rc = kc_yaml_get_int(&top, map, "lapsed_top", KC_YAML_REQUIRED, 1, 100000)) < 0 ||
	    (rc = kc_yaml_get_int(&lines, map, "cross_sell_max_lines", KC_YAML_REQUIRED, 1, 100)) < 0)
		return rc;
	if (strict && kiscrm_config_dim_find(cfg, KISCRM_DIM_BUSINESS_LINE, v->service_line) < 0)
		return kc_yaml_error(line, "'%s' is not a business line of dimensions.yaml", v->service_line);
	if (v->a_bp + v->b_bp > 10000)
		return kc_yaml_error(kc_yaml_map_get(map, "b_share"), "a_share + b_share exceed 100%%");
	v->lapsed_top = (int)top;
	v->cross_sell_max_lines = (int)lines;
	return KISCRM_OK;
}

const char *const kc_attribution_models[] = { "primary", "first", "last", "even", NULL };

static int read_partners(kc_partner_settings *p, const kc_yaml_node *map)
{
	static const char *const keys[] = { "levels", "registration", NULL };
	static const char *const reg_keys[] = { "validity_days", "extension_days", "max_extensions", "expiring_days", NULL };
	const kc_yaml_node *levels = NULL, *reg = NULL;
	int64_t v[4];
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_seq(&levels, map, "levels", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_named_read(&p->levels, &p->nlevels, levels, "partner level")) < 0 ||
	    (rc = kc_yaml_get_map(&reg, map, "registration", KC_YAML_REQUIRED)) < 0 || (rc = kc_yaml_map_check(reg, reg_keys)) < 0 ||
	    (rc = kc_yaml_get_int(&v[0], reg, "validity_days", KC_YAML_REQUIRED, 1, 3660)) < 0 ||
	    (rc = kc_yaml_get_int(&v[1], reg, "extension_days", KC_YAML_REQUIRED, 1, 3660)) < 0 ||
	    (rc = kc_yaml_get_int(&v[2], reg, "max_extensions", KC_YAML_REQUIRED, 0, 100)) < 0 ||
	    (rc = kc_yaml_get_int(&v[3], reg, "expiring_days", KC_YAML_REQUIRED, 0, 3660)) < 0)
		return rc;
	p->validity_days = (int)v[0];
	p->extension_days = (int)v[1];
	p->max_extensions = (int)v[2];
	p->expiring_days = (int)v[3];
	return KISCRM_OK;
}

static int read_campaigns(kc_campaign_settings *c, const kc_yaml_node *map)
{
	static const char *const keys[] = { "types", "attribution", NULL };
	static const char *const attribution_keys[] = { "model", "window_days", NULL };
	const kc_yaml_node *types = NULL, *attribution = NULL;
	int64_t window = 0;
	int rc;
	if ((rc = kc_yaml_map_check(map, keys)) < 0 || (rc = kc_yaml_get_seq(&types, map, "types", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_map(&attribution, map, "attribution", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_map_check(attribution, attribution_keys)) < 0 ||
	    (rc = kc_yaml_get_enum(&c->model, attribution, "model", KC_YAML_REQUIRED, kc_attribution_models)) < 0 ||
	    (rc = kc_yaml_get_int(&window, attribution, "window_days", KC_YAML_REQUIRED, 1, 3660)) < 0)
		return rc;
	c->window_days = (int)window;
	return kc_named_read(&c->types, &c->ntypes, types, "market-activity type");
}

int kc_campaign_type_find(const kiscrm_config *cfg, const char *key)
{
	const kc_customers_config *c = kc_config_customers(cfg);
	return c ? kc_named_find(c->campaigns.types, c->campaigns.ntypes, key) : -1;
}

/* The section @key of the user's document when it has one (*strict = 1), else of the
 * default. A default document is named by its bare file name (files.c). */
static const kc_yaml_node *section(const kc_customers_config *c, const char *key, int *strict)
{
	const kc_yaml_node *n = kc_yaml_map_get(c->docs[0]->root, key);
	*strict = n && strcmp(c->docs[0]->file, "customers.yaml") != 0;
	return n ? n : kc_yaml_map_get(c->docs[1]->root, key);
}

int kc_customers_config_load(kiscrm_config *cfg, const char *dir)
{
	static const char *const top[] = { "care", "value", "grid", "campaigns", "partners", NULL };
	kc_customers_config *c = calloc(1, sizeof(*c));
	int rc;
	if (!c)
		return kc_error_oom();
	cfg->customers = c; /* on failure the caller frees cfg, and c with it */
	if ((rc = kc_config_load_file_or_default(NULL, "customers.yaml", &c->docs[1])) < 0)
		return rc;
	if ((rc = kc_config_load_file_or_default(dir, "customers.yaml", &c->docs[0])) < 0 ||
	    (rc = kc_yaml_map_check(c->docs[0]->root, top)) < 0)
		return rc;
	int strict;
	const kc_yaml_node *care = section(c, "care", &strict);
	if ((rc = read_care(c, cfg, care, strict)) < 0)
		return rc;
	const kc_yaml_node *value = section(c, "value", &strict);
	if ((rc = read_value(&c->value, cfg, value, strict)) < 0)
		return rc;
	const kc_yaml_node *grid = section(c, "grid", &strict);
	static const char *const grid_keys[] = { "thin_penetration", NULL };
	if ((rc = kc_yaml_map_check(grid, grid_keys)) < 0)
		return rc;
	if ((rc = kc_yaml_get_percent_bp(&c->grid.thin_bp, grid, "thin_penetration", KC_YAML_REQUIRED, 0, 10000)) < 0)
		return rc;
	if ((rc = read_campaigns(&c->campaigns, section(c, "campaigns", &strict))) < 0)
		return rc;
	return read_partners(&c->partners, section(c, "partners", &strict));
}

void kc_customers_config_free(kiscrm_config *cfg)
{
	kc_customers_config *c = cfg->customers;
	if (!c)
		return;
	/* rules[nrules] is the rule a failed load stopped in (or zeroed): its list is owned too */
	for (size_t i = 0; c->rules && i <= c->nrules; i++)
		free(c->rules[i].types.keys);
	free(c->rules);
	free(c->greetings.types.keys);
	free(c->greetings.contact_roles.keys);
	free(c->value.costs);
	free(c->campaigns.types);
	free(c->partners.levels);
	kc_yaml_doc_free(c->docs[0]);
	kc_yaml_doc_free(c->docs[1]);
	free(c);
	cfg->customers = NULL;
}

const kc_customers_config *kc_config_customers(const kiscrm_config *cfg)
{
	return cfg ? cfg->customers : NULL;
}

int kc_key_list_has(const kc_key_list *list, const char *key)
{
	for (size_t i = 0; key && i < list->n; i++)
		if (strcmp(list->keys[i], key) == 0)
			return 1;
	return 0;
}

/* Configuration: settings.yaml, dimensions.yaml and roles.yaml, each read from the
 * configuration directory when present there and from the compiled-in default otherwise,
 * and validated completely before the configuration is handed out. */
#include "config/config_internal.h"
#include "config/pipeline_config.h"
#include "config/labels_config.h"
#include "config/customers_config.h"
#include "config/service_config.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/str.h"
#include "kiscrm/money.h"

/* The word that lifts a role limit, stored as -1. */
#define UNLIMITED "unlimited"

/* ------------------------------------------------------------------------------------ */
/* Shared pieces                                                                         */

static void entry_free(kc_config_entry *e)
{
	free(e->key);
	free(e->zh);
	free(e->en);
}

/*
 * Reads key, zh and en of @item into @e (copies). The caller has checked the mapping's
 * keys. Keys must be unique within @list: an entry repeating the key of an earlier item
 * (whose key was read into @seen[0..n)) is an error at the repeated key.
 */
static int read_names(kc_config_entry *e, const kc_yaml_node *item, const char *const *seen,
		      size_t n)
{
	const char *key = NULL, *zh = NULL, *en = NULL;
	int rc;

	if ((rc = kc_yaml_get_ident(&key, item, "key", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_text(&en, item, "en", KC_YAML_REQUIRED)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(seen[i], key) == 0)
			return kc_yaml_error(kc_yaml_map_get(item, "key"),
					     "duplicate key '%s' (already used by item %zu)", key, i);
	}
	e->key = kc_strdup(key);
	e->zh = kc_strdup(zh);
	e->en = kc_strdup(en);
	if (!e->key || !e->zh || !e->en)
		return kc_error_oom();
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* settings.yaml                                                                         */

static const char *const weekdays[] = {
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", NULL
};

/* week_start: a weekday name or its number 1 (Monday) … 7 (Sunday). */
static int read_week_start(int *out, const kc_yaml_node *cal)
{
	const kc_yaml_node *n;
	int rc, idx;

	if ((rc = kc_yaml_get_node(&n, cal, "week_start", KC_YAML_OPTIONAL)) < 0 || !n)
		return rc;
	if (n->kind == KC_YAML_SCALAR && n->len > 0 && n->text[0] >= '0' && n->text[0] <= '9') {
		int64_t v;
		if ((rc = kc_yaml_int(&v, n, 1, 7)) < 0)
			return rc;
		*out = (int)v;
		return KISCRM_OK;
	}
	if (n->kind != KC_YAML_SCALAR)
		return kc_yaml_expect(n, KC_YAML_SCALAR);
	if (kc_yaml_enum(&idx, n, weekdays) < 0)
		return kc_yaml_error(n, "'%s' is not a weekday (monday … sunday, or 1 … 7)",
				     n->text);
	*out = idx + 1;
	return KISCRM_OK;
}

static int read_currency(kiscrm_config *cfg, const kc_yaml_node *cur)
{
	static const char *const keys[] = { "code", "decimals", NULL };
	const kc_yaml_node *code;
	int64_t decimals = cfg->currency_decimals;
	int rc;

	if ((rc = kc_yaml_map_check(cur, keys)) < 0 ||
	    (rc = kc_yaml_get_node(&code, cur, "code", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_int(&decimals, cur, "decimals", KC_YAML_OPTIONAL, 0, 6)) < 0)
		return rc;
	if (code) {
		const char *s;
		if ((rc = kc_yaml_str(&s, code)) < 0)
			return rc;
		if (strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' ||
		    s[2] < 'A' || s[2] > 'Z')
			return kc_yaml_error(code,
					     "'%s' is not a currency code (three capital letters, e.g. CNY)",
					     s);
		memcpy(cfg->currency, s, 4);
	}
	cfg->currency_decimals = (int)decimals;
	return KISCRM_OK;
}

static int read_settings(kiscrm_config *cfg, const kc_yaml_doc *doc)
{
	static const char *const top[] = { "calendar", "currency", NULL };
	static const char *const cal_keys[] = { "week_start", "fiscal_year_start_month", NULL };
	const kc_yaml_node *cal, *cur;
	int64_t fiscal = cfg->fiscal_year_start;
	int rc;

	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = kc_yaml_get_map(&cal, doc->root, "calendar", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_map(&cur, doc->root, "currency", KC_YAML_OPTIONAL)) < 0)
		return rc;
	if (cal) {
		if ((rc = kc_yaml_map_check(cal, cal_keys)) < 0 ||
		    (rc = read_week_start(&cfg->week_start, cal)) < 0 ||
		    (rc = kc_yaml_get_int(&fiscal, cal, "fiscal_year_start_month",
					  KC_YAML_OPTIONAL, 1, 12)) < 0)
			return rc;
		cfg->fiscal_year_start = (int)fiscal;
	}
	if (cur && (rc = read_currency(cfg, cur)) < 0)
		return rc;
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* dimensions.yaml                                                                       */


static int read_dim(kc_config_dim *dim, const kc_yaml_node *list)
{
	static const char *const list_keys[] = { "strict", "items", NULL };
	static const char *const item_keys[] = { "key", "zh", "en", NULL };
	const kc_yaml_node *items;
	const char **seen;
	size_t n;
	int rc = KISCRM_OK;

	if ((rc = kc_yaml_map_check(list, list_keys)) < 0 ||
	    (rc = kc_yaml_get_bool(&dim->strict, list, "strict", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_seq(&items, list, "items", KC_YAML_REQUIRED)) < 0)
		return rc;
	n = kc_yaml_count(items);
	if (n == 0)
		return KISCRM_OK;
	dim->items = calloc(n, sizeof(*dim->items));
	seen = calloc(n, sizeof(*seen));
	if (!dim->items || !seen) {
		free(seen);
		return kc_error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(items, i);
		/* Count the entry before reading it so that kiscrm_config_free() frees a
		 * half-read one too. */
		dim->count = i + 1;
		if ((rc = kc_yaml_map_check(item, item_keys)) < 0 ||
		    (rc = read_names(&dim->items[i], item, seen, i)) < 0)
			break;
		seen[i] = dim->items[i].key;
	}
	free(seen);
	return rc;
}

static int read_dimensions(kiscrm_config *cfg, const kc_yaml_doc *doc)
{
	int rc;

	if ((rc = kc_yaml_map_check(doc->root, kc_dim_file_keys + 1)) < 0)
		return rc;
	for (int d = 1; d <= KC_DIM_LAST; d++) {
		const kc_yaml_node *list;
		if ((rc = kc_yaml_get_map(&list, doc->root, kc_dim_file_keys[d], KC_YAML_REQUIRED)) < 0 ||
		    (rc = read_dim(&cfg->dims[d], list)) < 0)
			return rc;
	}
	return KISCRM_OK;
}

/* ------------------------------------------------------------------------------------ */
/* roles.yaml                                                                            */

/* A discount limit: a percentage (basis points, 0 … 100 %) or "unlimited" (-1). */
static int read_discount(int *bp, const kc_yaml_node *node)
{
	if (kc_yaml_scalar_is(node, UNLIMITED)) {
		*bp = -1;
		return KISCRM_OK;
	}
	return kc_yaml_percent_bp(bp, node, 0, 10000);
}

/* max_discount_by_line: product-line key of dimensions.yaml → discount limit on that line,
 * in place of max_discount (price approval is per product line, manual 4.4.1 价格审批). */
static int read_line_limits(kc_config_role *role, const kiscrm_config *cfg, const kc_yaml_node *item)
{
	const kc_yaml_node *map;
	int rc = kc_yaml_get_map(&map, item, "max_discount_by_line", KC_YAML_OPTIONAL);
	size_t n = kc_yaml_count(map);
	if (rc < 0 || n == 0)
		return rc;
	if (!(role->line_limits = calloc(n, sizeof(*role->line_limits))))
		return kc_error_oom();
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *key = map->keys[i], *value = map->items[i];
		int line = kiscrm_config_dim_find(cfg, KISCRM_DIM_PRODUCT_LINE, key->text);
		if (line < 0)
			return kc_yaml_error_ex(key, key->path, key->text,
						"'%s' is not a product line of dimensions.yaml", key->text);
		role->line_limits[i].line = line;
		if ((rc = read_discount(&role->line_limits[i].bp, value)) < 0)
			return rc;
		role->nline_limits = i + 1;
	}
	return KISCRM_OK;
}

static int read_role_limits(kc_config_role *role, const kc_yaml_node *item, int decimals)
{
	const kc_yaml_node *disc, *contract;
	int rc;

	/* A limit that is not given grants nothing: least privilege. */
	role->max_discount_bp = 0;
	role->max_contract = 0;
	role->approves_budget = 0;
	if ((rc = kc_yaml_get_node(&disc, item, "max_discount", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_node(&contract, item, "max_contract", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_bool(&role->approves_budget, item, "approves_budget",
				   KC_YAML_OPTIONAL)) < 0)
		return rc;
	if (disc && (rc = read_discount(&role->max_discount_bp, disc)) < 0)
		return rc;
	if (kc_yaml_scalar_is(contract, UNLIMITED))
		role->max_contract = -1;
	else if (contract &&
		 (rc = kc_yaml_money(&role->max_contract, contract, decimals, 0, INT64_MAX)) < 0)
		return rc;
	return KISCRM_OK;
}

static int read_roles(kiscrm_config *cfg, const kc_yaml_doc *doc)
{
	static const char *const top[] = { "roles", NULL };
	static const char *const role_keys[] = {
		"key", "zh", "en", "max_discount", "max_discount_by_line", "max_contract",
		"approves_budget", NULL
	};
	const kc_yaml_node *roles;
	const char **seen;
	size_t n;
	int rc = KISCRM_OK;

	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = kc_yaml_get_seq(&roles, doc->root, "roles", KC_YAML_REQUIRED)) < 0)
		return rc;
	n = kc_yaml_count(roles);
	if (n == 0)
		return KISCRM_OK;
	cfg->roles = calloc(n, sizeof(*cfg->roles));
	seen = calloc(n, sizeof(*seen));
	if (!cfg->roles || !seen) {
		free(seen);
		return kc_error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		const kc_yaml_node *item = kc_yaml_item(roles, i);
		kc_config_role *role = &cfg->roles[i];
		/* Count the role before reading it so that kiscrm_config_free() frees a
		 * half-read one too. */
		cfg->role_count = i + 1;
		if ((rc = kc_yaml_map_check(item, role_keys)) < 0 ||
		    (rc = read_names(&role->names, item, seen, i)) < 0 ||
		    (rc = read_role_limits(role, item, cfg->currency_decimals)) < 0 ||
		    (rc = read_line_limits(role, cfg, item)) < 0)
			break;
		seen[i] = role->names.key;
	}
	free(seen);
	return rc;
}

/* ------------------------------------------------------------------------------------ */
/* Loading                                                                               */

typedef int (*file_reader)(kiscrm_config *cfg, const kc_yaml_doc *doc);

static int load_one(kiscrm_config *cfg, const char *dir, const char *name, file_reader read)
{
	kc_yaml_doc *doc;
	int rc = kc_config_load_file_or_default(dir, name, &doc);

	if (rc < 0)
		return rc;
	rc = read(cfg, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

/* Settings come first: roles need the currency's decimals. Later loaders add their
 * files here. */
static int load_all(kiscrm_config **out, const char *dir)
{
	kiscrm_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	if (!cfg)
		return kc_error_oom();
	cfg->week_start = DEFAULT_WEEK_START;
	cfg->fiscal_year_start = DEFAULT_FISCAL_START;
	memcpy(cfg->currency, DEFAULT_CURRENCY, sizeof(DEFAULT_CURRENCY));
	cfg->currency_decimals = DEFAULT_DECIMALS;

	if ((rc = load_one(cfg, dir, "settings.yaml", read_settings)) < 0 ||
	    (rc = load_one(cfg, dir, "dimensions.yaml", read_dimensions)) < 0 ||
	    (rc = load_one(cfg, dir, "roles.yaml", read_roles)) < 0 ||
	    (rc = kc_pipeline_config_load(cfg, dir)) < 0 ||
	    (rc = kc_labels_config_load(cfg, dir)) < 0 ||
	    (rc = kc_customers_config_load(cfg, dir)) < 0 ||
	    (rc = kc_service_config_load(cfg, dir)) < 0 ||
	    (dir && !(cfg->dir = strdup(dir)) && (rc = kc_error_oom()) < 0)) {
		kiscrm_config_free(cfg);
		return rc;
	}
	*out = cfg;
	return KISCRM_OK;
}

int kiscrm_config_load_default(kiscrm_config **out)
{
	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_load_default: out is NULL");
	*out = NULL;
	return load_all(out, NULL);
}

int kiscrm_config_load(kiscrm_config **out, const char *dir)
{
	int rc;

	if (!out)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_load: out is NULL");
	*out = NULL;
	if (!dir)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_config_load: dir is NULL");
	if ((rc = kc_config_check_dir(dir)) < 0)
		return rc;
	return load_all(out, dir);
}

void kiscrm_config_free(kiscrm_config *cfg)
{
	if (!cfg)
		return;
	kc_pipeline_config_free(cfg);
	kc_labels_config_free(cfg);
	kc_customers_config_free(cfg);
	kc_service_config_free(cfg);
	free(cfg->dir);
	for (int d = 1; d <= KC_DIM_LAST; d++) {
		for (size_t i = 0; i < cfg->dims[d].count; i++)
			entry_free(&cfg->dims[d].items[i]);
		free(cfg->dims[d].items);
	}
	for (size_t i = 0; i < cfg->role_count; i++) {
		entry_free(&cfg->roles[i].names);
		free(cfg->roles[i].line_limits);
	}
	free(cfg->roles);
	free(cfg);
}

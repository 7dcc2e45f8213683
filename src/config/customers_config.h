/* customers.yaml: the key-account care rules, the customer value, grid and market-activity settings, validated
 * against the roles (roles.yaml) and activity types (analysis.yaml) when the
 * configuration loads. Texts are borrowed from the parsed documents, which the
 * configuration keeps. Read by src/care and src/value. */
#ifndef KC_CUSTOMERS_CONFIG_H
#define KC_CUSTOMERS_CONFIG_H

#include "config/named.h"
#include "kiscrm/config.h"

#include <stddef.h>

#define KC_OWNER_ROLE NULL /* responsible: owner */

typedef struct kc_key_list {
	const char **keys;
	size_t n;
} kc_key_list;

/* One care rule: `count` done activities of `types` per `period`, by `role` (NULL: the
 * account owner), for key accounts of at least `min_years`. */
typedef struct kc_care_rule {
	const char *key, *zh, *en;
	kc_key_list types;
	const char *role;
	int period; /* KISCRM_PERIOD_MONTH, _QUARTER or _YEAR */
	int count;
	int min_years;
} kc_care_rule;

typedef struct kc_care_greetings {
	const char *zh, *en;
	kc_key_list types, contact_roles;
	const char *role; /* NULL: the account owner */
	int lead_days, grace_days;
} kc_care_greetings;

typedef struct kc_activity_cost {
	const char *type;
	kiscrm_money cost;
} kc_activity_cost;

typedef struct kc_value_settings {
	int contract_bp, service_bp, cost_bp; /* weights in basis points (100 % = 10000) */
	kiscrm_money per_year;
	const char *service_line;
	kc_activity_cost *costs;
	size_t ncosts;
	int a_bp, b_bp; /* class shares in basis points */
	int lapsed_top, cross_sell_max_lines;
} kc_value_settings;

typedef struct kc_grid_settings {
	int thin_bp; /* penetration below this (basis points) is thin */
} kc_grid_settings;


enum { KC_ATTR_PRIMARY, KC_ATTR_FIRST, KC_ATTR_LAST, KC_ATTR_EVEN };
/* The attribution model keys, in KC_ATTR_* order, NULL-terminated. */
extern const char *const kc_attribution_models[];

typedef struct kc_campaign_settings {
	kc_named *types;
	size_t ntypes;
	int model;       /* KC_ATTR_* */
	int window_days; /* ≥ 1 */
} kc_campaign_settings;

typedef struct kc_partner_settings {
	kc_named *levels;
	size_t nlevels;
	int validity_days, extension_days, max_extensions, expiring_days;
} kc_partner_settings;

typedef struct kc_customers_config {
	kc_care_rule *rules;
	size_t nrules;
	kc_care_greetings greetings;
	kc_value_settings value;
	kc_grid_settings grid;
	kc_campaign_settings campaigns;
	kc_partner_settings partners;
	struct kc_yaml_doc *docs[2]; /* the user's file and the default: own the texts */
} kc_customers_config;

/* Loader called from config.c's load_all(), after roles and analysis.yaml. */
int kc_customers_config_load(kiscrm_config *cfg, const char *dir);
void kc_customers_config_free(kiscrm_config *cfg);

/* The configuration's settings (the defaults for a NULL configuration). */
const kc_customers_config *kc_config_customers(const kiscrm_config *cfg);

/* Index of market-activity type @key in the configuration, or -1. */
int kc_campaign_type_find(const kiscrm_config *cfg, const char *key);

/* 1 when @key is in @list. */
int kc_key_list_has(const kc_key_list *list, const char *key);

#endif

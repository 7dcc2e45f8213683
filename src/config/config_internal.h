/* The configuration object and the helpers other configuration loaders share.
 *
 * struct kiscrm_config is defined here, not in config.c, so that later loaders
 * (pipelines.yaml, KPI schemes, qualification standards, rules …) can add their members:
 * append a member below, load it from kiscrm_config_load()'s load_all() in config.c with
 * kc_config_load_file_or_default() and the kc_yaml_* helpers of yaml_tree.h, and free it
 * in kiscrm_config_free(). A loader must validate everything before the configuration is
 * handed out; nothing outside src/config/ reads the YAML tree.
 */
#ifndef KC_CONFIG_INTERNAL_H
#define KC_CONFIG_INTERNAL_H

#include <stddef.h>

#include "kiscrm/config.h"
#include "config/yaml_tree.h"

/* Settings when no configuration (NULL) is given. */
#define DEFAULT_WEEK_START 1
#define DEFAULT_FISCAL_START 1
#define DEFAULT_CURRENCY "CNY"
#define DEFAULT_DECIMALS 2

/* Dimension indexes run 1..KC_DIM_LAST (see kiscrm_dimension). */
#define KC_DIM_LAST KISCRM_DIM_INDUSTRY

/* Currency codes are three upper-case letters (ISO 4217). */
#define KC_CURRENCY_MAX 8

/* One entry of a dimension list. Strings are owned by the configuration. */
typedef struct kc_config_entry {
	char *key; /* [a-z0-9_]+, unique within its list */
	char *zh;  /* Chinese display name */
	char *en;  /* English display name */
} kc_config_entry;

typedef struct kc_config_dim {
	int strict;              /* values must be one of the keys */
	size_t count;
	kc_config_entry *items;
} kc_config_dim;

/* A role's discount limit on one product line (roles.yaml max_discount_by_line). */
typedef struct kc_config_line_limit {
	int line;                /* index of the product-line key in dimensions.yaml */
	int bp;                  /* basis points, -1 = unlimited */
} kc_config_line_limit;

typedef struct kc_config_role {
	kc_config_entry names;   /* key, zh, en */
	int max_discount_bp;     /* basis points, -1 = unlimited */
	kiscrm_money max_contract; /* minor units, -1 = unlimited */
	int approves_budget;     /* 0 or 1 */
	size_t nline_limits;     /* overrides of max_discount per product line */
	kc_config_line_limit *line_limits;
} kc_config_role;

struct kiscrm_config {
	/* settings.yaml */
	int week_start;          /* 1 = Monday … 7 = Sunday */
	int fiscal_year_start;   /* month 1..12 */
	char currency[KC_CURRENCY_MAX];
	int currency_decimals;   /* 0..6 */

	/* dimensions.yaml; dims[0] is unused so that a kiscrm_dimension indexes directly */
	kc_config_dim dims[KC_DIM_LAST + 1];

	/* roles.yaml */
	size_t role_count;
	kc_config_role *roles;

	/* the directory the configuration was read from (NULL: built-in defaults only) */
	char *dir;

	/* pipelines.yaml and analysis.yaml (src/config/pipeline_config.c); opaque here so that
	 * this header does not depend on theirs. */
	struct kc_pipeline_set *pipelines;

	/* labels.yaml (src/config/labels_config.c): display names of report columns */
	struct kc_labels *labels;

	/* customers.yaml (src/config/customers_config.c): care rules and value settings */
	struct kc_customers_config *customers;

	/* service.yaml (src/config/service_config.c): catalogue, tiers, SLAs, calendar */
	struct kc_service_config *service;

	/* Later loaders (KPI schemes, …) append their members here. */
};

/*
 * Reads and parses configuration file @name (a base name such as "pipelines.yaml"): from
 * @dir if the file exists there, otherwise the compiled-in default of the same name
 * (from data/). @dir may be NULL for the defaults only. Errors in the document name the
 * file as "<dir>/<name>" or, for a default, "<name>".
 * Returns KISCRM_OK with *out owned by the caller (kc_yaml_doc_free()),
 * KISCRM_ENOTFOUND when neither the file nor a default exists, KISCRM_ECONFIG when the
 * file cannot be read or is not valid YAML (with line and column), KISCRM_EINVALID for
 * NULL arguments, KISCRM_ENOMEM.
 */
int kc_config_load_file_or_default(const char *dir, const char *name, kc_yaml_doc **out);

/*
 * Checks that @dir exists and is a directory: KISCRM_OK or KISCRM_ENOTFOUND (the message
 * names the path).
 */
int kc_config_check_dir(const char *dir);

/* The compiled-in default file @name, or NULL (then *len is 0). */
const char *kc_config_default_data(const char *name, size_t *len);

/* The entries of dimension @dim, or NULL for an unknown dimension or NULL @cfg. */
const kc_config_dim *kc_config_get_dim(const kiscrm_config *cfg, int dim);

/* The role @i, or NULL if out of range. */
const kc_config_role *kc_config_get_role(const kiscrm_config *cfg, size_t i);

/* The keys of dimensions.yaml, indexed by dimension (0 and the end are NULL). */
extern const char *const kc_dim_file_keys[];

#endif

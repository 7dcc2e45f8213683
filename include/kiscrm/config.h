/**
 * @file kiscrm/config.h
 * @brief Configuration: calendar, currency, dimension lists and roles, read from YAML.
 *
 * A configuration directory holds YAML files; each file that is present replaces the
 * built-in default of the same name (the defaults are the files of the project's `data/`
 * directory, compiled into the library):
 *
 * - `settings.yaml`: calendar (week start, fiscal-year start month) and currency;
 * - `dimensions.yaml`: business lines, product lines, regions, industries;
 * - `roles.yaml`: roles with their authority limits;
 * - `pipelines.yaml`: pipelines and their stages (kiscrm/pipeline.h);
 * - `analysis.yaml`: size classes, supervision tiers, thresholds of the analyses;
 * - `kpi.yaml` and `qualification.yaml`: read on demand by kiscrm/kpi.h.
 *
 * Everything is validated before use; an error names file, line, column, key and value
 * through kiscrm_error_last().
 */
#ifndef KISCRM_CONFIG_H
#define KISCRM_CONFIG_H

#include "common.h"
#include "types.h"

KISCRM_BEGIN_DECL

/** Configured dimension lists. Values are only ever appended. */
typedef enum kiscrm_dimension {
	KISCRM_DIM_BUSINESS_LINE = 1, /**< 业务线: direct, distribution, service … */
	KISCRM_DIM_PRODUCT_LINE = 2,  /**< 产品线 */
	KISCRM_DIM_REGION = 3,        /**< 地区 */
	KISCRM_DIM_INDUSTRY = 4       /**< 行业 */
} kiscrm_dimension;

/**
 * Loads the built-in default configuration.
 * @param[out] out new configuration owned by the caller (kiscrm_config_free())
 * @return ::KISCRM_OK, ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_config_load_default(kiscrm_config **out);

/**
 * Loads a configuration directory; files that are absent keep their built-in default.
 * @param[out] out new configuration owned by the caller
 * @param dir directory path
 * @return ::KISCRM_OK, ::KISCRM_ENOTFOUND (directory missing), ::KISCRM_ECONFIG (invalid
 *         file: kiscrm_error_last() has file, line, column, field and value), ::KISCRM_ENOMEM.
 */
KISCRM_API int kiscrm_config_load(kiscrm_config **out, const char *dir);

/**
 * @return the directory the configuration was loaded from (borrowed), or NULL when it is
 *         the built-in default. Loaders of other files (KPI schemes …) read it to find
 *         their file beside the others.
 * @param cfg the configuration
 */
KISCRM_API const char *kiscrm_config_dir(const kiscrm_config *cfg);

/** Frees a configuration. @param cfg may be NULL. */
KISCRM_API void kiscrm_config_free(kiscrm_config *cfg);

/**
 * @return weekday weeks start on, 1 (Monday, default) … 7.
 * @param cfg the configuration
 */
KISCRM_API int kiscrm_config_week_start(const kiscrm_config *cfg);
/**
 * @return month the fiscal year starts in, 1..12 (default 1).
 * @param cfg the configuration
 */
KISCRM_API int kiscrm_config_fiscal_year_start(const kiscrm_config *cfg);
/**
 * @return currency code, e.g. "CNY" (borrowed).
 * @param cfg the configuration
 */
KISCRM_API const char *kiscrm_config_currency(const kiscrm_config *cfg);
/**
 * @return minor-unit digits of the currency, 0..6 (default 2).
 * @param cfg the configuration
 */
KISCRM_API int kiscrm_config_currency_decimals(const kiscrm_config *cfg);

/**
 * @return number of entries of a dimension list (0 for an unknown dimension).
 * @param cfg the configuration
 * @param dim a ::kiscrm_dimension
 */
KISCRM_API size_t kiscrm_config_dim_count(const kiscrm_config *cfg, int dim);
/**
 * @return key of entry @p i (borrowed), NULL if out of range.
 * @param cfg the configuration
 * @param dim a ::kiscrm_dimension
 * @param i index
 */
KISCRM_API const char *kiscrm_config_dim_key(const kiscrm_config *cfg, int dim, size_t i);
/**
 * Display name of entry @p i (borrowed), NULL if out of range.
 * @param cfg the configuration
 * @param dim a ::kiscrm_dimension
 * @param i index
 * @param lang "zh" or "en" (anything else gives "en")
 * @return the name, borrowed from the configuration.
 */
KISCRM_API const char *kiscrm_config_dim_name(const kiscrm_config *cfg, int dim, size_t i, const char *lang);
/**
 * Finds an entry by key.
 * @param cfg the configuration
 * @param dim a ::kiscrm_dimension
 * @param key the key
 * @return its index (≥ 0) or ::KISCRM_ENOTFOUND.
 */
KISCRM_API int kiscrm_config_dim_find(const kiscrm_config *cfg, int dim, const char *key);
/**
 * Whether values of this dimension must be one of the configured keys (`strict: true` in
 * the file). Non-strict lists are suggestions and any text is accepted.
 * @param cfg the configuration
 * @param dim a ::kiscrm_dimension
 * @return 1 or 0.
 */
KISCRM_API int kiscrm_config_dim_strict(const kiscrm_config *cfg, int dim);

/**
 * @return number of roles.
 * @param cfg the configuration
 */
KISCRM_API size_t kiscrm_config_role_count(const kiscrm_config *cfg);
/**
 * @return key of role @p i (borrowed), NULL if out of range.
 * @param cfg the configuration
 * @param i index
 */
KISCRM_API const char *kiscrm_config_role_key(const kiscrm_config *cfg, size_t i);
/**
 * @return display name of role @p i (borrowed).
 * @param cfg the configuration
 * @param i index
 * @param lang "zh" or "en"
 */
KISCRM_API const char *kiscrm_config_role_name(const kiscrm_config *cfg, size_t i, const char *lang);
/**
 * @return finds a role by key: its index or ::KISCRM_ENOTFOUND.
 * @param cfg the configuration
 * @param key the key
 */
KISCRM_API int kiscrm_config_role_find(const kiscrm_config *cfg, const char *key);
/**
 * Highest discount role @p i may approve, in basis points (500 = 5 %); -1 when unlimited.
 * @param cfg the configuration
 * @param i role index
 * @return basis points, or -1.
 */
KISCRM_API int kiscrm_config_role_max_discount_bp(const kiscrm_config *cfg, size_t i);
/**
 * Highest discount role @p i may approve on product line @p product_line, in basis points:
 * the role's `max_discount_by_line` entry for that line when it has one, else its
 * `max_discount` (kiscrm_config_role_max_discount_bp()). Price approval (价格审批) compares
 * each quote line's discount with this limit.
 * @param cfg the configuration
 * @param i role index
 * @param product_line a product-line key of dimensions.yaml; NULL or an unknown key gives
 *        the role's general limit
 * @return basis points, -1 when unlimited, 0 for an out-of-range role.
 */
KISCRM_API int kiscrm_config_role_max_discount_line_bp(const kiscrm_config *cfg, size_t i,
							const char *product_line);
/**
 * Highest contract amount role @p i may sign, in minor units; -1 when unlimited.
 * @param cfg the configuration
 * @param i role index
 * @return the limit in minor units, or -1.
 */
KISCRM_API kiscrm_money kiscrm_config_role_max_contract(const kiscrm_config *cfg, size_t i);
/**
 * @return 1 if role @p i approves budgets, else 0.
 * @param cfg the configuration
 * @param i role index
 */
KISCRM_API int kiscrm_config_role_approves_budget(const kiscrm_config *cfg, size_t i);

/* ---- Pipelines, stages and win/loss reason categories ---- */

/** Terminal kinds of a stage. */
typedef enum kiscrm_stage_terminal {
	KISCRM_STAGE_OPEN = 0, /**< A working stage. */
	KISCRM_STAGE_WON = 1,  /**< Won: contract signed. */
	KISCRM_STAGE_LOST = 2  /**< Lost or abandoned. */
} kiscrm_stage_terminal;

/**
 * @return number of configured pipelines (at least 1).
 * @param cfg the configuration
 */
KISCRM_API size_t kiscrm_config_pipeline_count(const kiscrm_config *cfg);
/**
 * @return key of pipeline @p p (borrowed), NULL if out of range; pipeline 0 is the default.
 * @param cfg the configuration
 * @param p index
 */
KISCRM_API const char *kiscrm_config_pipeline_key(const kiscrm_config *cfg, size_t p);
/**
 * @return index of the pipeline with this key, or ::KISCRM_ENOTFOUND; NULL finds the default (0).
 * @param cfg the configuration
 * @param key key or NULL
 */
KISCRM_API int kiscrm_config_pipeline_find(const kiscrm_config *cfg, const char *key);
/**
 * @return number of stages of pipeline @p p (0 if out of range).
 * @param cfg the configuration
 * @param p pipeline index
 */
KISCRM_API size_t kiscrm_config_stage_count(const kiscrm_config *cfg, size_t p);
/**
 * @return key of stage @p s of pipeline @p p (borrowed), NULL if out of range.
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage (in order)
 */
KISCRM_API const char *kiscrm_config_stage_key(const kiscrm_config *cfg, size_t p, size_t s);
/**
 * @return display name of a stage (borrowed).
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 * @param lang "zh" or "en"
 */
KISCRM_API const char *kiscrm_config_stage_name(const kiscrm_config *cfg, size_t p, size_t s, const char *lang);
/**
 * @return default probability of a stage, percent 0..100 (-1 if out of range).
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 */
KISCRM_API int kiscrm_config_stage_probability(const kiscrm_config *cfg, size_t p, size_t s);
/**
 * @return forecast category of a stage (borrowed): pipeline, best_case, commit, closed or omitted.
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 */
KISCRM_API const char *kiscrm_config_stage_forecast_category(const kiscrm_config *cfg, size_t p, size_t s);
/**
 * @return terminal kind of a stage (::kiscrm_stage_terminal).
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 */
KISCRM_API int kiscrm_config_stage_terminal(const kiscrm_config *cfg, size_t p, size_t s);
/**
 * @return index of the stage with this key in pipeline @p p, or ::KISCRM_ENOTFOUND.
 * @param cfg the configuration
 * @param p pipeline
 * @param key stage key
 */
KISCRM_API int kiscrm_config_stage_find(const kiscrm_config *cfg, size_t p, const char *key);
/**
 * @return number of exit criteria (fields required before leaving) of a stage.
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 */
KISCRM_API size_t kiscrm_config_stage_exit_count(const kiscrm_config *cfg, size_t p, size_t s);
/**
 * @return field name of exit criterion @p i (borrowed, an opportunity field name).
 * @param cfg the configuration
 * @param p pipeline
 * @param s stage
 * @param i index
 */
KISCRM_API const char *kiscrm_config_stage_exit_field(const kiscrm_config *cfg, size_t p, size_t s, size_t i);

/**
 * @return number of win/loss reason categories (analysis.yaml `reason_categories`).
 * @param cfg the configuration
 */
KISCRM_API size_t kiscrm_config_reason_category_count(const kiscrm_config *cfg);
/**
 * @return key of reason category @p i (borrowed), NULL if out of range.
 * @param cfg the configuration
 * @param i index
 */
KISCRM_API const char *kiscrm_config_reason_category_key(const kiscrm_config *cfg, size_t i);
/**
 * @return display name of reason category @p i in @p lang ("zh", else English), NULL if
 *         out of range.
 * @param cfg the configuration
 * @param i index
 * @param lang "zh" or "en"
 */
KISCRM_API const char *kiscrm_config_reason_category_name(const kiscrm_config *cfg, size_t i, const char *lang);
/**
 * @return index of the reason category with this key, ::KISCRM_EINVALID (NULL argument)
 *         or ::KISCRM_ENOTFOUND (the message names the key).
 * @param cfg the configuration
 * @param key category key, e.g. "sales_process"
 */
KISCRM_API int kiscrm_config_reason_category_find(const kiscrm_config *cfg, const char *key);

/* ---- Activity types ---- */

/**
 * @return number of configured activity types (analysis.yaml `activity_types`).
 * @param cfg the configuration
 */
KISCRM_API size_t kiscrm_config_activity_type_count(const kiscrm_config *cfg);
/**
 * @return key of activity type @p i (borrowed), e.g. "visit"; NULL if out of range.
 * @param cfg the configuration
 * @param i index
 */
KISCRM_API const char *kiscrm_config_activity_type_key(const kiscrm_config *cfg, size_t i);
/**
 * @return display name of activity type @p i (borrowed), e.g. 现场拜访; NULL if out of range.
 * @param cfg the configuration
 * @param i index
 * @param lang "zh" or "en"
 */
KISCRM_API const char *kiscrm_config_activity_type_name(const kiscrm_config *cfg, size_t i, const char *lang);
/**
 * @return index of the activity type with this key, or ::KISCRM_ENOTFOUND (::KISCRM_EINVALID for NULL).
 * @param cfg the configuration
 * @param key the key
 */
KISCRM_API int kiscrm_config_activity_type_find(const kiscrm_config *cfg, const char *key);

KISCRM_END_DECL

#endif

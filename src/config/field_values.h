/* What the configuration says about the fields of records, for the CSV importer and the
 * store's checks: which text fields take their values from a dimension list, and the
 * display names of fields (labels.yaml `fields:`), by which a spreadsheet's header may
 * name them. */
#ifndef KC_FIELD_VALUES_H
#define KC_FIELD_VALUES_H

#include "kiscrm/config.h"

#include <string.h>
#include <strings.h>

/* The ::kiscrm_dimension whose keys a text field named @field holds (region,
 * industry, business_line, product_line, in every kind), or 0. */
int kc_config_field_dim(const char *field);

/* Whether display name @name is @text: Chinese exactly, English in any case. */
static inline int kc_config_name_is(const char *name, const char *text, int ignore_case)
{
	return name && (ignore_case ? strcasecmp(name, text) : strcmp(name, text)) == 0;
}

/* The key an entry of a configured list is given by in a spreadsheet: its key, or its
 * Chinese name, or its English name (in any case) — the key, or NULL / -1 when none. */
const char *kc_config_dim_named(const kiscrm_config *cfg, int dim, const char *text);
int kc_config_pipeline_named(const kiscrm_config *cfg, const char *text);
const char *kc_config_stage_named(const kiscrm_config *cfg, size_t pipeline, const char *text);

/* The display name of column @column of kind @kind_name in @lang ("zh", else English):
 * the kind's own label (labels.yaml `fields:`), else the general column label
 * (`columns:`); NULL when there is none. @column is a field name or the natural-key
 * column of a reference (`owner` for owner_id). Borrowed from the configuration. */
const char *kc_config_field_label(const kiscrm_config *cfg, const char *kind_name,
				  const char *column, const char *lang);

#endif

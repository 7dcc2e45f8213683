/* What the configuration says about the fields of records, for the CSV importer and the
 * store's checks: which text fields take their values from a dimension list, and the
 * display names of fields (labels.yaml `fields:`), by which a spreadsheet's header may
 * name them. */
#ifndef KC_FIELD_VALUES_H
#define KC_FIELD_VALUES_H

#include "kiscrm/config.h"

/* The ::kiscrm_dimension whose keys a text field named @field holds (region,
 * industry, business_line, product_line, in every kind), or 0. */
int kc_config_field_dim(const char *field);

/* The display name of column @column of kind @kind_name in @lang ("zh", else English):
 * the kind's own label (labels.yaml `fields:`), else the general column label
 * (`columns:`); NULL when there is none. @column is a field name or the natural-key
 * column of a reference (`owner` for owner_id). Borrowed from the configuration. */
const char *kc_config_field_label(const kiscrm_config *cfg, const char *kind_name,
				  const char *column, const char *lang);

#endif

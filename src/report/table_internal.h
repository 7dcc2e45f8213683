/* Internal entry points of the report table. */
#ifndef KC_TABLE_INTERNAL_H
#define KC_TABLE_INTERNAL_H

#include "kiscrm/table.h"

/* kiscrm_table_set_text without the UTF-8 check, for text that comes from stored records
 * (validated when they were stored) or from the configuration (validated on load):
 * re-checking every cell of a report of 300,000 rows was a measurable share of its time. */
int kc_table_set_text_trusted(kiscrm_table *table, size_t row, size_t col, const char *value);

#endif

/* A catalogue of display names of report columns in Chinese and English: column name →
 * {zh, en}, with overrides for one report (table name + column name). Built once by the
 * configuration (data/labels.yaml), then immutable and shared: every report table holds a
 * reference, so a table keeps its labels after the database that made it is closed. */
#ifndef KC_LABELS_H
#define KC_LABELS_H

typedef struct kc_labels kc_labels;

/* A new empty catalogue with one reference. KISCRM_OK or KISCRM_ENOMEM. */
int kc_labels_new(kc_labels **out);

/* Adds the labels of @column (of every table when @table is NULL, else of that table
 * only); strings are copied. KISCRM_OK, KISCRM_EEXISTS (already given), KISCRM_ENOMEM. */
int kc_labels_add(kc_labels *l, const char *table, const char *column, const char *zh,
		  const char *en);

/* The label of @column in table @table ("zh": Chinese, anything else English): the
 * table's own label first, then the general one; NULL when there is none. */
const char *kc_labels_get(const kc_labels *l, const char *table, const char *column,
			  const char *lang);

/* Takes one more reference (returns @l; NULL stays NULL). Thread-safe. */
kc_labels *kc_labels_retain(kc_labels *l);
/* Drops a reference; the last one frees the catalogue. @l may be NULL. Thread-safe. */
void kc_labels_release(kc_labels *l);

#endif

/* labels.yaml → the column-label catalogue. Every label needs both languages, so that a
 * report never shows a raw column name in one language and a label in the other:
 *
 *   columns:                       # by column name, in every report
 *     owner: { zh: 负责人, en: Owner }
 *   reports:                       # by report (table) name, before the general ones
 *     funnel:
 *       amount: { zh: 在途金额, en: Open amount } */
#include "config/labels_config.h"
#include "config/config_internal.h"
#include "core/error.h"

/* Reads one mapping of column → {zh, en} into the catalogue (table NULL: general). */
static int read_columns(kc_labels *l, const kc_yaml_node *map, const char *table)
{
	static const char *const keys[] = { "zh", "en", NULL };
	int rc;
	if ((rc = kc_yaml_expect(map, KC_YAML_MAPPING)) < 0)
		return rc;
	for (size_t i = 0; i < kc_yaml_count(map); i++) {
		const kc_yaml_node *key = map->keys[i], *item = kc_yaml_item(map, i);
		const char *column, *zh, *en;
		if ((rc = kc_yaml_text(&column, key)) < 0 || (rc = kc_yaml_map_check(item, keys)) < 0 ||
		    (rc = kc_yaml_get_text(&zh, item, "zh", KC_YAML_REQUIRED)) < 0 ||
		    (rc = kc_yaml_get_text(&en, item, "en", KC_YAML_REQUIRED)) < 0)
			return rc;
		if ((rc = kc_labels_add(l, table, column, zh, en)) < 0)
			return rc == KISCRM_EEXISTS ? kc_yaml_error(key, "column '%s' is labelled twice", column) : rc;
	}
	return KISCRM_OK;
}

static int read_labels(kc_labels *l, const kc_yaml_doc *doc)
{
	static const char *const top[] = { "columns", "reports", NULL };
	const kc_yaml_node *columns, *reports;
	int rc;
	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = kc_yaml_get_map(&columns, doc->root, "columns", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_map(&reports, doc->root, "reports", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = read_columns(l, columns, NULL)) < 0)
		return rc;
	for (size_t i = 0; reports && i < kc_yaml_count(reports); i++) {
		const char *table;
		if ((rc = kc_yaml_text(&table, reports->keys[i])) < 0 ||
		    (rc = read_columns(l, kc_yaml_item(reports, i), table)) < 0)
			return rc;
	}
	return KISCRM_OK;
}

int kc_labels_config_load(kiscrm_config *cfg, const char *dir)
{
	kc_yaml_doc *doc;
	int rc = kc_config_load_file_or_default(dir, "labels.yaml", &doc);
	if (rc < 0)
		return rc;
	if ((rc = kc_labels_new(&cfg->labels)) == 0)
		rc = read_labels(cfg->labels, doc);
	kc_yaml_doc_free(doc);
	return rc;
}

void kc_labels_config_free(kiscrm_config *cfg)
{
	kc_labels_release(cfg->labels);
	cfg->labels = NULL;
}

kc_labels *kc_config_labels(const kiscrm_config *cfg)
{
	return cfg ? cfg->labels : NULL;
}

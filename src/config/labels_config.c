/* labels.yaml → the column-label catalogue. Every label needs both languages, so that a
 * report never shows a raw column name in one language and a label in the other:
 *
 *   columns:                       # by column name, in every report
 *     owner: { zh: 负责人, en: Owner }
 *   reports:                       # by report (table) name, before the general ones
 *     funnel:
 *       amount: { zh: 在途金额, en: Open amount }
 *   fields:                        # by kind, the fields of records (CSV headers)
 *     customer:
 *       name: { zh: 客户名称, en: Customer name }
 *
 * Field labels live in the same catalogue under the table name "field:KIND", which no
 * report table can have (report names have no colon), so that a field without a label
 * of its own falls back on the general column label as report columns do. The kind and
 * field names are not checked here — the configuration knows no kinds — but by
 * tests/unit/test_labels.c for the built-in file; a label naming no field is never
 * matched. */
#include "config/labels_config.h"
#include "config/config_internal.h"
#include "config/field_values.h"
#include "core/error.h"

#include <stdio.h>
#include <string.h>

#define FIELD_TABLE "field:"

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
	static const char *const top[] = { "columns", "reports", "fields", NULL };
	const kc_yaml_node *columns, *reports, *fields;
	int rc;
	if ((rc = kc_yaml_map_check(doc->root, top)) < 0 ||
	    (rc = kc_yaml_get_map(&columns, doc->root, "columns", KC_YAML_REQUIRED)) < 0 ||
	    (rc = kc_yaml_get_map(&reports, doc->root, "reports", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = kc_yaml_get_map(&fields, doc->root, "fields", KC_YAML_OPTIONAL)) < 0 ||
	    (rc = read_columns(l, columns, NULL)) < 0)
		return rc;
	for (size_t i = 0; reports && i < kc_yaml_count(reports); i++) {
		const char *table;
		if ((rc = kc_yaml_text(&table, reports->keys[i])) < 0 ||
		    (rc = read_columns(l, kc_yaml_item(reports, i), table)) < 0)
			return rc;
	}
	for (size_t i = 0; fields && i < kc_yaml_count(fields); i++) {
		const char *kind;
		char table[96];
		if ((rc = kc_yaml_text(&kind, fields->keys[i])) < 0)
			return rc;
		if (strlen(kind) + sizeof(FIELD_TABLE) > sizeof(table))
			return kc_yaml_error(fields->keys[i], "'%s' is not a kind of record", kind);
		snprintf(table, sizeof(table), FIELD_TABLE "%s", kind);
		if ((rc = read_columns(l, kc_yaml_item(fields, i), table)) < 0)
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

const char *kc_config_field_label(const kiscrm_config *cfg, const char *kind_name,
				  const char *column, const char *lang)
{
	char table[96];
	if (!cfg || !kind_name || strlen(kind_name) + sizeof(FIELD_TABLE) > sizeof(table))
		return NULL;
	snprintf(table, sizeof(table), FIELD_TABLE "%s", kind_name);
	return kc_labels_get(cfg->labels, table, column, lang);
}

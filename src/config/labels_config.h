/* labels.yaml: the display names of report columns in Chinese and English, loaded into a
 * shared catalogue (core/labels.h) that report tables reference. */
#ifndef KC_LABELS_CONFIG_H
#define KC_LABELS_CONFIG_H

#include "kiscrm/config.h"
#include "core/labels.h"

/* Loader called from config.c's load_all(): reads labels.yaml from dir (NULL: default). */
int kc_labels_config_load(kiscrm_config *cfg, const char *dir);
void kc_labels_config_free(kiscrm_config *cfg);

/* The configuration's catalogue (NULL for a NULL configuration). */
kc_labels *kc_config_labels(const kiscrm_config *cfg);

#endif

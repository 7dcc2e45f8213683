/* placeholder: being written */
#include "config/config_internal.h"
#include "config/pipeline_config.h"

int kc_pipeline_config_load(kiscrm_config *cfg, const char *dir) { (void)cfg; (void)dir; return 0; }
void kc_pipeline_config_free(kiscrm_config *cfg) { (void)cfg; }
int kiscrm_config_pipeline_find(const kiscrm_config *cfg, const char *key) { (void)cfg; (void)key; return 0; }

/* placeholder: being written */
#include "entities/entity.h"
int kc_opportunity_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old) { (void)db; (void)rec; (void)old; return 0; }
int kc_stage_history_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old) { (void)db; (void)rec; (void)old; return 0; }
int kc_opportunity_after_insert(kiscrm_db *db, const kiscrm_record *rec) { (void)db; (void)rec; return 0; }

/* placeholder: being written */
#include "entities/entity.h"
int kc_lead_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old) { (void)db; (void)rec; (void)old; return 0; }

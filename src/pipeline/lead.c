/* placeholder while being written */
#include "pipeline/pipeline_internal.h"
#include "entities/entity.h"
const char *const kc_pipeline_sources[] = {
	"grid", "market_activity", "telemarketing", "resale", "partner", "referral", "inbound", NULL
};
int kc_lead_prepare(kiscrm_db *db, kiscrm_record *rec, const kiscrm_record *old) { (void)db; (void)rec; (void)old; return 0; }

/* Resale (老客户二次销售) is derived, not declared: an opportunity whose customer had signed a
 * contract before the day it was created is marked `resale` on every store, so that the
 * sufficiency report's "resale" cause counts what the channel actually produced even when
 * the source says how the lead came in (a market activity, a referral). */
#include "pipeline/pipeline_internal.h"
#include "core/field.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pipeline.h"
#include "storage/record.h"

typedef struct earlier {
	kiscrm_date created;
	int found;
} earlier;

static int signed_cb(void *payload, const kiscrm_value *row)
{
	earlier *e = payload;
	kiscrm_date d = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_SIGNED)]);
	e->found |= d != KISCRM_DATE_NONE && d < e->created;
	return 0;
}

int kc_opportunity_derive_resale(kiscrm_db *db, kiscrm_record *rec)
{
	earlier e = { 0, 0 };
	if (!kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID) &&
	    !kiscrm_record_is_null(rec, KISCRM_OPPORTUNITY_CREATED)) {
		kiscrm_id customer = kiscrm_record_int(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID);
		kiscrm_cond c = { KISCRM_CONTRACT_CUSTOMER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = customer } } };
		kiscrm_query q = { 1, &c, 1u | KC_BIT(KISCRM_CONTRACT_SIGNED) }; /* the one column it needs */
		e.created = (kiscrm_date)kiscrm_record_int(rec, KISCRM_OPPORTUNITY_CREATED);
		int rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), &q, signed_cb, &e);
		if (rc)
			return rc;
	}
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_RESALE, e.found);
	return KISCRM_OK;
}

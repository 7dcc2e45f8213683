/* Resale (老客户二次销售) is derived, not declared: an opportunity whose customer had signed a
 * contract before the day it was created is marked `resale` on every store, so that the
 * sufficiency report's "resale" cause counts what the channel actually produced even when
 * the source says how the lead came in (a market activity, a referral). */
#include "pipeline/pipeline_internal.h"
#include "core/field.h"
#include "kiscrm/money_flow.h"
#include "kiscrm/pipeline.h"
#include "storage/record.h"

#include <stdint.h>

/* A customer's earliest contract signing date; INT64_MAX when it has signed none. */
static int signed_cb(void *payload, const kiscrm_value *row)
{
	int64_t *first = payload;
	kiscrm_date d = kc_val_date(&row[KC_FI(KISCRM_CONTRACT_SIGNED)]);
	if (d != KISCRM_DATE_NONE && d < *first)
		*first = d;
	return 0;
}

enum { ONE_FOUND = 1 }; /* stops the scan */

static int stop_cb(void *payload, const kiscrm_value *row)
{
	(void)payload, (void)row;
	return ONE_FOUND;
}

/* Whether the handle sees any contract: 1 or 0, < 0 on error. Asked once a transaction
 * has read many customers' first contracts: a load of opportunities into a database
 * without contracts yet (a migration brings the deals before the contracts that refer to
 * them) then asks nothing more per customer, and a single insert asks nothing extra. */
static int any_contract(kiscrm_db *db)
{
	int64_t any;
	if (kc_db_memo_get(db, KC_MEMO_ANY_CONTRACT, KISCRM_KIND_CONTRACT, 0, &any))
		return any != 0;
	kiscrm_query q = { 0, NULL, 1u }; /* the first row's id */
	int rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), &q, stop_cb, NULL);
	if (rc < 0)
		return rc;
	kc_db_memo_put(db, KC_MEMO_ANY_CONTRACT, KISCRM_KIND_CONTRACT, 0, rc == ONE_FOUND);
	return rc == ONE_FOUND;
}

/* Read once per customer in a transaction that writes no contract (a bulk load of
 * opportunities asks for the same customers over and over): remembered until a contract
 * is written (kc_db_memo_get). */
static int first_signed(kiscrm_db *db, kiscrm_id customer, int64_t *first)
{
	if (kc_db_memo_get(db, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, customer, first))
		return KISCRM_OK;
	if (kc_db_memo_missed(db, KC_MEMO_FIRST_SIGNED) > KC_SWEEP_AFTER) {
		int any = any_contract(db);
		if (any <= 0) {
			*first = INT64_MAX;
			return any;
		}
	}
	kiscrm_cond c = { KISCRM_CONTRACT_CUSTOMER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = customer } } };
	kiscrm_query q = { 1, &c, 1u | KC_BIT(KISCRM_CONTRACT_SIGNED) }; /* the one column it needs */
	*first = INT64_MAX;
	int rc = kc_db_scan(db, kc_db_def(db, KISCRM_KIND_CONTRACT), &q, signed_cb, first);
	if (rc == KISCRM_OK)
		kc_db_memo_put(db, KC_MEMO_FIRST_SIGNED, KISCRM_KIND_CONTRACT, customer, *first);
	return rc;
}

int kc_opportunity_derive_resale(kiscrm_db *db, kiscrm_record *rec)
{
	int resale = 0;
	if (!kc_record_null(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID) &&
	    !kc_record_null(rec, KISCRM_OPPORTUNITY_CREATED)) {
		int64_t first;
		int rc = first_signed(db, kc_record_num(rec, KISCRM_OPPORTUNITY_CUSTOMER_ID), &first);
		if (rc)
			return rc;
		resale = first < kc_record_num(rec, KISCRM_OPPORTUNITY_CREATED);
	}
	kc_record_put_int(rec, KISCRM_OPPORTUNITY_RESALE, resale);
	return KISCRM_OK;
}

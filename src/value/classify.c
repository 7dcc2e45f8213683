/* Storing the value classes: kiscrm_customer_value_classify() computes them from the data
 * read inside its own transaction and writes them through the store (dated records and
 * each customer's value_class). */
#include "value/value_internal.h"
#include "value/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "core/idvec.h"
#include "kiscrm/customer.h"
#include "kiscrm/money.h"
#include "kiscrm/record.h"
#include "kiscrm/value.h"
#include "storage/db.h"

#include <string.h>

/* Removes the classes stored earlier for day @as_of. */
static int drop_day(kiscrm_db *db, kiscrm_date as_of)
{
	kc_idvec ids = KC_IDVEC_INIT;
	kiscrm_cond c = { KISCRM_VALUE_CLASS_AS_OF, KISCRM_OP_EQ, { KISCRM_TYPE_DATE, { .i = as_of } } };
	kiscrm_query q = { 1, &c, KC_BIT(0) };
	int rc = kc_db_scan(db, &kc_value_class_def, &q, kc_idvec_collect, &ids);
	for (size_t i = 0; rc == 0 && i < ids.n; i++)
		rc = kiscrm_record_delete(db, KISCRM_KIND_VALUE_CLASS, ids.ids[i], 0);
	kc_idvec_free(&ids);
	return rc;
}

static int store_one(kiscrm_db *db, const kc_value_customer *c, kiscrm_date as_of)
{
	char cls[2] = { c->cls, '\0' };
	kiscrm_record *r = NULL;
	if (c->score > KISCRM_MONEY_MAX || c->score < KISCRM_MONEY_MIN)
		return kc_error_set_at(KISCRM_EOVERFLOW, NULL, 0, 0, "score", NULL,
				       "customer %lld: its value score is beyond the money a record stores "
				       "(±KISCRM_MONEY_MAX)", (long long)c->id);
	int rc = kiscrm_record_new(&r, KISCRM_KIND_VALUE_CLASS);
	if (rc == 0 && (rc = kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_CUSTOMER_ID, c->id)) == 0 &&
	    (rc = kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_AS_OF, as_of)) == 0 &&
	    (rc = kiscrm_record_set_text(r, KISCRM_VALUE_CLASS_CLASS, cls)) == 0 &&
	    (rc = kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_SCORE, c->score)) == 0 &&
	    (rc = kiscrm_record_set_int(r, KISCRM_VALUE_CLASS_RANK, c->rank)) == 0)
		rc = kiscrm_record_insert(db, r);
	kiscrm_record_free(r);
	r = NULL;
	if (rc == 0 && (rc = kiscrm_record_get(&r, db, KISCRM_KIND_CUSTOMER, c->id)) == 0) {
		const char *now = kiscrm_record_text(r, KISCRM_CUSTOMER_VALUE_CLASS);
		if (!now || strcmp(now, cls) != 0) {
			if ((rc = kiscrm_record_set_text(r, KISCRM_CUSTOMER_VALUE_CLASS, cls)) == 0)
				rc = kiscrm_record_update(db, r);
		}
	}
	kiscrm_record_free(r);
	return rc;
}

static int classify_locked(kiscrm_db *db, const kiscrm_report_options *opts, size_t *n)
{
	kc_value v;
	int rc = kc_value_run(&v, db, opts);
	kiscrm_date as_of = rc == 0 ? v.r.to - 1 : KISCRM_DATE_NONE; /* to is NONE when the run failed */
	if (rc == 0)
		rc = drop_day(db, as_of);
	for (size_t k = 0; rc == 0 && k < v.nranked; k++)
		rc = store_one(db, &v.cust[v.order[k]], as_of);
	if (rc == 0)
		*n = v.nranked;
	kc_value_end(&v);
	return rc;
}

int kiscrm_customer_value_classify(kiscrm_db *db, const kiscrm_report_options *opts, size_t *nclassified)
{
	size_t n = 0;
	int rc = kc_check_db(db);
	if (rc)
		return rc;
	if (!opts)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_customer_value_classify: options with a window are required");
	if (opts->owner_id || opts->department_id)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_customer_value_classify: classes are relative to all "
						     "customers; owner and department filters are refused");
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	const char *job = kc_db_job(db, "value_classify");
	rc = kc_tx_end(db, classify_locked(db, opts, &n));
	kc_db_job(db, job);
	if (rc == 0 && nclassified)
		*nclassified = n;
	return rc;
}

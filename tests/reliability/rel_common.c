/* Helpers shared by the reliability programs; see rel_common.h. */
#include "rel_common.h"

#include <stdio.h>

int rel_report(const char *what, int rc)
{
	fprintf(stderr, "%s: %d (%s) %s\n", what, rc, kiscrm_strerror(rc),
		kiscrm_error_last()->message);
	return rc;
}

int rel_open(kiscrm_db **out, const char *path, int busy_timeout_ms)
{
	kiscrm_db_options o = KISCRM_DB_OPTIONS_INIT;

	o.backend = "sqlite";
	o.path = path;
	o.busy_timeout_ms = busy_timeout_ms;
	int rc = kiscrm_db_open(out, &o);
	/* the library keeps no clock: the business date of every reliability database */
	return rc ? rc : kiscrm_db_set_today(*out, REL_TODAY);
}

static int insert_free(kiscrm_id *id, kiscrm_db *db, kiscrm_record *r)
{
	int rc = kiscrm_record_insert(db, r);

	if (rc == KISCRM_OK && id)
		*id = kiscrm_record_id(r);
	kiscrm_record_free(r);
	return rc;
}

static int fixture_records(rel_fixture *fx, kiscrm_db *db)
{
	kiscrm_record *r = NULL;
	int rc;

	if ((rc = kiscrm_record_new(&r, KISCRM_KIND_DEPARTMENT)) < 0)
		return rc;
	kiscrm_record_set_text(r, KISCRM_DEPARTMENT_NAME, "Reliability");
	if ((rc = insert_free(&fx->department, db, r)) < 0)
		return rc;
	if ((rc = kiscrm_record_new(&r, KISCRM_KIND_STAFF)) < 0)
		return rc;
	kiscrm_record_set_text(r, KISCRM_STAFF_NAME, "Rel Rep");
	kiscrm_record_set_int(r, KISCRM_STAFF_DEPARTMENT_ID, fx->department);
	kiscrm_record_set_text(r, KISCRM_STAFF_ROLE, "sales_rep");
	if ((rc = insert_free(&fx->staff, db, r)) < 0)
		return rc;
	if ((rc = kiscrm_record_new(&r, KISCRM_KIND_CUSTOMER)) < 0)
		return rc;
	kiscrm_record_set_text(r, KISCRM_CUSTOMER_NAME, "Reliability Customer Ltd");
	return insert_free(&fx->customer, db, r);
}

int rel_fixture_create(rel_fixture *fx, kiscrm_db *db)
{
	int rc;

	if ((rc = kiscrm_db_begin(db)) < 0)
		return rc;
	if ((rc = fixture_records(fx, db)) < 0) {
		kiscrm_db_rollback(db);
		return rc;
	}
	return kiscrm_db_commit(db);
}

static int first_id(kiscrm_id *id, kiscrm_db *db, int kind)
{
	kiscrm_iter *it = NULL;
	const kiscrm_record *r;
	int rc;

	if ((rc = kiscrm_iter_new(&it, db, kind, NULL)) < 0)
		return rc;
	rc = kiscrm_iter_next(&r, it);
	if (rc == KISCRM_OK)
		*id = kiscrm_record_id(r);
	kiscrm_iter_free(it);
	return rc == KISCRM_ITEROVER ? KISCRM_ENOTFOUND : rc;
}

int rel_fixture_find(rel_fixture *fx, kiscrm_db *db)
{
	int rc;

	if ((rc = first_id(&fx->department, db, KISCRM_KIND_DEPARTMENT)) < 0 ||
	    (rc = first_id(&fx->staff, db, KISCRM_KIND_STAFF)) < 0 ||
	    (rc = first_id(&fx->customer, db, KISCRM_KIND_CUSTOMER)) < 0)
		return rc;
	return KISCRM_OK;
}

int rel_insert_opportunity(kiscrm_id *id, kiscrm_db *db, const rel_fixture *fx, const char *name,
			   kiscrm_money amount, kiscrm_date expected_close, const char *external_ref)
{
	kiscrm_record *r = NULL;
	int rc;

	if ((rc = kiscrm_record_new(&r, KISCRM_KIND_OPPORTUNITY)) < 0)
		return rc;
	if ((rc = kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_NAME, name)) < 0 ||
	    (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_OWNER_ID, fx->staff)) < 0 ||
	    (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_CUSTOMER_ID, fx->customer)) < 0 ||
	    (rc = kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_STAGE, "opportunity")) < 0 ||
	    (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_AMOUNT, amount)) < 0 ||
	    (expected_close != KISCRM_DATE_NONE &&
	     (rc = kiscrm_record_set_int(r, KISCRM_OPPORTUNITY_EXPECTED_CLOSE, expected_close)) < 0) ||
	    (external_ref &&
	     (rc = kiscrm_record_set_text(r, KISCRM_OPPORTUNITY_EXTERNAL_REF, external_ref)) < 0)) {
		kiscrm_record_free(r);
		return rc;
	}
	return insert_free(id, db, r);
}

/* Leads (线索) and their qualification (线索转化) into a customer and an opportunity. */
#include "pipeline/pipeline_internal.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "pipeline/kinds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/pipeline_config.h"
#include "core/error.h"
#include "storage/checks.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "storage/record.h"


static const char *const lead_statuses[] = { "new", "working", "qualified", "disqualified", NULL };

int kc_lead_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	kiscrm_db *db = ctx->db;
	int rc;

	(void)db;
	(void)old;
	if ((rc = kc_check_enum(rec, KISCRM_LEAD_STATUS, lead_statuses)) < 0 ||
	    (rc = kc_check_enum(rec, KISCRM_LEAD_SOURCE, kc_pipeline_sources)) < 0)
		return rc;
	if (!kiscrm_record_is_null(rec, KISCRM_LEAD_AMOUNT) &&
	    kiscrm_record_int(rec, KISCRM_LEAD_AMOUNT) < 0) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", (long long)kiscrm_record_int(rec, KISCRM_LEAD_AMOUNT));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", v,
				       "lead.amount must not be negative (%s minor units)", v);
	}
	return KISCRM_OK;
}

/* --- qualification ------------------------------------------------------------------- */

typedef struct {
	kiscrm_id id;
	char name[256];
} found_customer;

static int first_customer_cb(void *payload, const kiscrm_value *row)
{
	found_customer *c = payload;
	const kiscrm_value *name = &row[KC_FI(KISCRM_CUSTOMER_NAME)];

	c->id = row[0].u.i;
	snprintf(c->name, sizeof(c->name), "%s", name->type == KISCRM_TYPE_TEXT ? name->u.s : "");
	return 1; /* the first (lowest id) is enough */
}

/* Refuses with KISCRM_EEXISTS when a customer has the normalised name of @company. */
static int check_duplicate(kiscrm_db *db, kiscrm_id lead_id, const char *company)
{
	kiscrm_buf key = KISCRM_BUF_INIT;
	found_customer c = { 0, "" };
	int rc = kiscrm_customer_normalize_name(&key, company);

	if (rc == 0 && key.size > 0) {
		kiscrm_cond cond = { KISCRM_CUSTOMER_NAME_KEY, KISCRM_OP_EQ,
				     { KISCRM_TYPE_TEXT, { .s = key.ptr } } };
		kiscrm_query q = { 1, &cond, KC_BIT(KISCRM_CUSTOMER_NAME) | 1u };
		rc = kc_db_scan(db, &kc_customer_def, &q, first_customer_cb, &c);
		if (rc == 1)
			rc = 0;
	}
	kiscrm_buf_dispose(&key);
	if (rc == 0 && c.id)
		rc = kc_error_set_at(KISCRM_EEXISTS, NULL, 0, 0, "company", company,
				     "lead %lld: customer %lld '%s' has the same name as the company '%s'; "
				     "pass its id to link the lead to it",
				     (long long)lead_id, (long long)c.id, c.name, company);
	return rc;
}

static int copy_text(kiscrm_record *to, int to_field, const kiscrm_record *from, int from_field)
{
	return kc_record_put_text(to, to_field, kiscrm_record_text(from, from_field));
}

static void copy_int(kiscrm_record *to, int to_field, const kiscrm_record *from, int from_field)
{
	if (!kiscrm_record_is_null(from, from_field))
		kc_record_put_int(to, to_field, kiscrm_record_int(from, from_field));
}

static int create_customer(kiscrm_id *out, kiscrm_db *db, const kiscrm_record *lead,
			   kiscrm_id owner, kiscrm_time at)
{
	kiscrm_record *c;
	int rc = kc_record_new(&c, &kc_customer_def);

	if (rc)
		return rc;
	kc_record_put_int(c, KISCRM_CUSTOMER_OWNER_ID, owner);
	kc_record_put_int(c, KISCRM_CUSTOMER_CREATED, kiscrm_time_date(at));
	if ((rc = copy_text(c, KISCRM_CUSTOMER_NAME, lead, KISCRM_LEAD_COMPANY)) == 0 &&
	    (rc = copy_text(c, KISCRM_CUSTOMER_REGION, lead, KISCRM_LEAD_REGION)) == 0 &&
	    (rc = copy_text(c, KISCRM_CUSTOMER_INDUSTRY, lead, KISCRM_LEAD_INDUSTRY)) == 0 &&
	    (rc = copy_text(c, KISCRM_CUSTOMER_SOURCE, lead, KISCRM_LEAD_SOURCE)) == 0 &&
	    (rc = kiscrm_record_insert(db, c)) == 0)
		*out = kiscrm_record_id(c);
	kiscrm_record_free(c);
	return rc;
}

/* The lead's contact person becomes a contact of the customer (0: there is none). */
static int create_contact(kiscrm_id *out, kiscrm_db *db, const kiscrm_record *lead,
			  kiscrm_id customer)
{
	kiscrm_record *c;
	int rc;

	*out = 0;
	if (!kiscrm_record_text(lead, KISCRM_LEAD_CONTACT_NAME))
		return KISCRM_OK;
	if ((rc = kc_record_new(&c, &kc_contact_def)) != 0)
		return rc;
	kc_record_put_int(c, KISCRM_CONTACT_CUSTOMER_ID, customer);
	if ((rc = copy_text(c, KISCRM_CONTACT_NAME, lead, KISCRM_LEAD_CONTACT_NAME)) == 0 &&
	    (rc = copy_text(c, KISCRM_CONTACT_PHONE, lead, KISCRM_LEAD_PHONE)) == 0 &&
	    (rc = copy_text(c, KISCRM_CONTACT_EMAIL, lead, KISCRM_LEAD_EMAIL)) == 0 &&
	    (rc = kiscrm_record_insert(db, c)) == 0)
		*out = kiscrm_record_id(c);
	kiscrm_record_free(c);
	return rc;
}

static int create_opportunity(kiscrm_id *out, kiscrm_db *db, const kiscrm_record *lead,
			      kiscrm_id customer, kiscrm_id contact, kiscrm_id owner, kiscrm_time at)
{
	const kc_pipeline *pl = kc_config_pipeline(db->config, 0);
	kiscrm_record *o;
	int rc;

	if (!pl || pl->nstages == 0)
		return kc_error_set(KISCRM_ECONFIG, "no default pipeline is configured");
	if ((rc = kc_record_new(&o, &kc_opportunity_def)) != 0)
		return rc;
	kc_record_put_int(o, KISCRM_OPPORTUNITY_CUSTOMER_ID, customer);
	kc_record_put_int(o, KISCRM_OPPORTUNITY_OWNER_ID, owner);
	kc_record_put_int(o, KISCRM_OPPORTUNITY_LEAD_ID, kiscrm_record_id(lead));
	kc_record_put_int(o, KISCRM_OPPORTUNITY_CREATED, kiscrm_time_date(at));
	if (contact)
		kc_record_put_int(o, KISCRM_OPPORTUNITY_CONTACT_ID, contact);
	copy_int(o, KISCRM_OPPORTUNITY_DEPARTMENT_ID, lead, KISCRM_LEAD_DEPARTMENT_ID);
	copy_int(o, KISCRM_OPPORTUNITY_AMOUNT, lead, KISCRM_LEAD_AMOUNT);
	copy_int(o, KISCRM_OPPORTUNITY_CAMPAIGN_ID, lead, KISCRM_LEAD_CAMPAIGN_ID);
	if ((rc = copy_text(o, KISCRM_OPPORTUNITY_NAME, lead, KISCRM_LEAD_NAME)) == 0 &&
	    (rc = copy_text(o, KISCRM_OPPORTUNITY_PRODUCT_LINE, lead, KISCRM_LEAD_PRODUCT_LINE)) == 0 &&
	    (rc = copy_text(o, KISCRM_OPPORTUNITY_SOURCE, lead, KISCRM_LEAD_SOURCE)) == 0 &&
	    (rc = kc_record_put_text(o, KISCRM_OPPORTUNITY_PIPELINE, pl->key)) == 0 &&
	    (rc = kc_record_put_text(o, KISCRM_OPPORTUNITY_STAGE, pl->stages[0].key)) == 0 &&
	    (rc = kc_opportunity_insert_at(db, o, at)) == 0)
		*out = kiscrm_record_id(o);
	kiscrm_record_free(o);
	return rc;
}

/* Refuses leads that cannot be qualified; fills *owner. */
static int check_lead(kiscrm_db *db, const kiscrm_record *lead, kiscrm_id customer_id,
		      kiscrm_id *owner)
{
	kiscrm_id id = kiscrm_record_id(lead);
	const char *status = kiscrm_record_text(lead, KISCRM_LEAD_STATUS);
	const char *company = kiscrm_record_text(lead, KISCRM_LEAD_COMPANY);
	int rc;

	if (status && (strcmp(status, "qualified") == 0 || strcmp(status, "disqualified") == 0))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "status", status,
				       "lead %lld is already %s", (long long)id, status);
	*owner = kiscrm_record_is_null(lead, KISCRM_LEAD_OWNER_ID)
			 ? db->actor
			 : kiscrm_record_int(lead, KISCRM_LEAD_OWNER_ID);
	if (*owner <= 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "owner_id", NULL,
				       "lead %lld has no owner (and no actor is set) to own the "
				       "opportunity", (long long)id);
	if (customer_id > 0) {
		if ((rc = kc_db_exists(db, &kc_customer_def, customer_id)) < 0)
			return rc;
		if (rc == 0) {
			char v[32];
			snprintf(v, sizeof(v), "%lld", (long long)customer_id);
			return kc_error_set_at(KISCRM_ENOTFOUND, NULL, 0, 0, "customer_id", v,
					       "customer %s does not exist", v);
		}
		return KISCRM_OK;
	}
	if (!company || !*company)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "company", NULL,
				       "lead %lld has no company name to create a customer from",
				       (long long)id);
	return check_duplicate(db, id, company);
}

/* kiscrm_lead_qualify() inside its transaction: the lead's status, the duplicate-name
 * check and the customer are read where the customer, contact and opportunity are
 * written, so two concurrent qualifications of one lead cannot both succeed. */
static int qualify_locked(kiscrm_id *opp, kiscrm_db *db, kiscrm_id lead_id, kiscrm_id customer_id,
			  kiscrm_time at)
{
	kiscrm_record *lead = NULL;
	kiscrm_id owner = 0, contact = 0;
	int rc = kiscrm_record_get(&lead, db, KISCRM_KIND_LEAD, lead_id);

	if (rc)
		return rc;
	if ((rc = check_lead(db, lead, customer_id, &owner)) == 0 && customer_id == 0)
		rc = create_customer(&customer_id, db, lead, owner, at);
	if (rc == 0)
		rc = create_contact(&contact, db, lead, customer_id);
	if (rc == 0)
		rc = create_opportunity(opp, db, lead, customer_id, contact, owner, at);
	if (rc == 0) {
		kc_record_put_int(lead, KISCRM_LEAD_CUSTOMER_ID, customer_id);
		kc_record_put_int(lead, KISCRM_LEAD_OPPORTUNITY_ID, *opp);
		if ((rc = kc_record_put_text(lead, KISCRM_LEAD_STATUS, "qualified")) == 0)
			rc = kiscrm_record_update(db, lead);
	}
	kiscrm_record_free(lead);
	return rc;
}

int kiscrm_lead_qualify(kiscrm_id *opportunity_id, kiscrm_db *db, kiscrm_id lead_id,
			kiscrm_id customer_id, kiscrm_time at)
{
	kiscrm_id opp = 0;
	int rc = kc_check_db(db);

	if (rc)
		return rc;
	if (opportunity_id)
		*opportunity_id = 0;
	if (customer_id < 0)
		return kc_error_set(KISCRM_EINVALID, "kiscrm_lead_qualify: customer id %lld is negative",
				    (long long)customer_id);
	if ((rc = kc_tx_begin(db)) != 0)
		return rc;
	rc = kc_tx_end(db, qualify_locked(&opp, db, lead_id, customer_id, at));
	if (rc == 0 && opportunity_id)
		*opportunity_id = opp;
	return rc;
}

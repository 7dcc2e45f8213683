/* The rules of the market-activity kinds, run by the store inside the write's
 * transaction: a configured type and sensible dates and amounts; a member who is someone
 * (a contact, a lead or a name), once per activity; a touch that reaches someone, its
 * customer implied by its contact. The store itself refuses a cost item, member or touch
 * without an existing activity (campaign_id is a required reference). */
#include "campaigns/kinds.h"
#include "config/customers_config.h"
#include "core/error.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kiscrm/campaign.h"
#include "kiscrm/customer.h"
#include "kiscrm/date.h"
#include "storage/checks.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

static int id_error(int code, const char *kind, const char *field, kiscrm_id id, const char *what)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)id);
	return kc_error_set_at(code, NULL, 0, 0, field, text, "%s.%s: %s %s", kind, field, text, what);
}

static int not_negative(const kiscrm_record *rec, kiscrm_field field, const char *kind, const char *name)
{
	if (kiscrm_record_is_null(rec, field) || kiscrm_record_int(rec, field) >= 0)
		return KISCRM_OK;
	char text[32];
	snprintf(text, sizeof(text), "%lld", (long long)kiscrm_record_int(rec, field));
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, text, "%s.%s: %s minor units is negative", kind,
			       name, text);
}

int kc_campaign_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const char *type = kiscrm_record_text(rec, KISCRM_CAMPAIGN_TYPE);
	if (type && kc_campaign_type_find(ctx->db->config, type) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "type", type,
				       "campaign.type: '%s' is not a type of customers.yaml campaigns.types", type);
	if (!kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_START) && !kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_END) &&
	    kiscrm_record_int(rec, KISCRM_CAMPAIGN_END) < kiscrm_record_int(rec, KISCRM_CAMPAIGN_START)) {
		char text[16];
		kiscrm_date_format(text, sizeof(text), (kiscrm_date)kiscrm_record_int(rec, KISCRM_CAMPAIGN_END));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "end", text,
				       "campaign.end: %s is before the activity's start", text);
	}
	return not_negative(rec, KISCRM_CAMPAIGN_BUDGET, "campaign", "budget");
}

int kc_campaign_cost_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)ctx;
	(void)old;
	return not_negative(rec, KISCRM_CAMPAIGN_COST_AMOUNT, "campaign_cost", "amount");
}

/* ---- members ---- */

typedef struct {
	kiscrm_id self, contact, lead, found;
	const char *field;
} member_twin;

static int twin_cb(void *payload, const kiscrm_value *row)
{
	member_twin *t = payload;
	if (row[0].u.i == t->self || t->found)
		return 0;
	if (t->contact && kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_CONTACT_ID)], 0) == t->contact) {
		t->found = row[0].u.i;
		t->field = "contact_id";
	} else if (t->lead && kc_val_int(&row[KC_FI(KISCRM_CAMPAIGN_MEMBER_LEAD_ID)], 0) == t->lead) {
		t->found = row[0].u.i;
		t->field = "lead_id";
	}
	return 0;
}

int kc_campaign_member_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	int rc = kc_check_enum(rec, KISCRM_CAMPAIGN_MEMBER_STATUS, kc_campaign_member_statuses);
	if (rc)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_MEMBER_STATUS) &&
	    (rc = kc_record_put_text(rec, KISCRM_CAMPAIGN_MEMBER_STATUS, kc_campaign_member_statuses[0])) != 0)
		return rc;
	member_twin t = { kiscrm_record_id(rec), 0, 0, 0, NULL };
	if (!kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_MEMBER_CONTACT_ID))
		t.contact = kiscrm_record_int(rec, KISCRM_CAMPAIGN_MEMBER_CONTACT_ID);
	if (!kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_MEMBER_LEAD_ID))
		t.lead = kiscrm_record_int(rec, KISCRM_CAMPAIGN_MEMBER_LEAD_ID);
	const char *name = kiscrm_record_text(rec, KISCRM_CAMPAIGN_MEMBER_NAME);
	if (!t.contact && !t.lead && (!name || !*name))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "name", "",
				       "campaign_member: give a contact_id, a lead_id or the person's name");
	if ((!t.contact && !t.lead) || kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID))
		return KISCRM_OK;
	kiscrm_id campaign = kiscrm_record_int(rec, KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID);
	kiscrm_cond c = { KISCRM_CAMPAIGN_MEMBER_CAMPAIGN_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = campaign } } };
	kiscrm_query q = { 1, &c, 0 };
	if ((rc = kc_db_scan(ctx->db, &kc_campaign_member_def, &q, twin_cb, &t)) != 0)
		return rc;
	if (t.found) {
		char what[96];
		snprintf(what, sizeof(what), "is already invited to campaign %lld (member %lld)", (long long)campaign,
			 (long long)t.found);
		int contact = strcmp(t.field, "contact_id") == 0;
		return id_error(KISCRM_EEXISTS, "campaign_member", t.field, contact ? t.contact : t.lead, what);
	}
	return KISCRM_OK;
}

/* ---- touches ---- */

static int customer_of_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = kc_val_int(&row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)], 0);
	return 0;
}

int kc_campaign_touch_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	int has_customer = !kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID);
	int has_contact = !kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_TOUCH_CONTACT_ID);
	if (!has_customer && !has_contact && kiscrm_record_is_null(rec, KISCRM_CAMPAIGN_TOUCH_LEAD_ID))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "customer_id", "",
				       "campaign_touch: give the customer_id, contact_id or lead_id it reached");
	if (!has_contact)
		return KISCRM_OK;
	kiscrm_id contact = kiscrm_record_int(rec, KISCRM_CAMPAIGN_TOUCH_CONTACT_ID), customer = 0;
	int rc = kc_db_get(ctx->db, &kc_contact_def, contact, customer_of_cb, &customer);
	if (rc == KISCRM_ENOTFOUND)
		return id_error(rc, "campaign_touch", "contact_id", contact, "does not exist");
	if (rc)
		return rc;
	if (!has_customer) {
		kc_record_put_int(rec, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID, customer);
		return KISCRM_OK;
	}
	if (kiscrm_record_int(rec, KISCRM_CAMPAIGN_TOUCH_CUSTOMER_ID) != customer)
		return id_error(KISCRM_ECONFLICT, "campaign_touch", "contact_id", contact,
				"is not a contact of the touch's customer");
	return KISCRM_OK;
}

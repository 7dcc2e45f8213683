/* The rules of a key-account archive event, run by the store inside the write's
 * transaction: a known type, a contact of the same customer, and — for `gained` and
 * `lost` — the customer's key_account flag set by the latest of them. */
#include "care/care_internal.h"
#include "care/kinds.h"
#include "core/error.h"
#include "core/field.h"
#include "entities/kinds.h"
#include "kiscrm/care.h"
#include "kiscrm/customer.h"
#include "storage/checks.h"
#include "storage/db.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

static const char *const types[] = { "gained", "lost", "executive_change", "major_event", "important_date",
				     "family_celebration", NULL };

static int customer_of_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = row[KC_FI(KISCRM_CONTACT_CUSTOMER_ID)].u.i;
	return 0;
}

static int check_contact(kiscrm_db *db, const kiscrm_record *rec)
{
	if (kiscrm_record_is_null(rec, KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID))
		return KISCRM_OK;
	kiscrm_id contact = kiscrm_record_int(rec, KISCRM_KEY_ACCOUNT_EVENT_CONTACT_ID), owner = 0;
	kiscrm_id customer = kiscrm_record_int(rec, KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID);
	int rc = kc_db_get(db, &kc_contact_def, contact, customer_of_cb, &owner);
	if (rc == KISCRM_ENOTFOUND || (rc == 0 && owner != customer)) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)contact);
		return kc_error_set_at(rc ? rc : KISCRM_ECONFLICT, NULL, 0, 0, "contact_id", text,
				       rc ? "key_account_event.contact_id: contact %s does not exist"
					  : "key_account_event.contact_id: contact %s is not a contact of the event's customer",
				       text);
	}
	return rc;
}

/* The latest gained/lost event of a customer other than @self, by date then id. */
typedef struct {
	kiscrm_id self, id;
	kiscrm_date date;
	int found, gained;
} latest;

static int latest_cb(void *payload, const kiscrm_value *row)
{
	latest *l = payload;
	const char *type = kc_val_text(&row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_TYPE)]);
	kiscrm_date d = (kiscrm_date)row[KC_FI(KISCRM_KEY_ACCOUNT_EVENT_DATE)].u.i;
	kiscrm_id id = row[0].u.i;
	if (id == l->self || !type || (strcmp(type, "gained") != 0 && strcmp(type, "lost") != 0))
		return 0;
	if (!l->found || d > l->date || (d == l->date && id > l->id)) {
		l->found = 1;
		l->id = id;
		l->date = d;
		l->gained = strcmp(type, "gained") == 0;
	}
	return 0;
}

/* Sets customer.key_account from the latest gained/lost event, this one included when
 * it is one (an event being inserted has no id yet and counts as the newest of its day). */
static int set_flag(kiscrm_db *db, const kiscrm_record *rec, kiscrm_id customer)
{
	kiscrm_cond c = { KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID, KISCRM_OP_EQ, { KISCRM_TYPE_INT, { .i = customer } } };
	kiscrm_query q = { 1, &c, 0 };
	latest l = { kiscrm_record_id(rec), 0, KISCRM_DATE_NONE, 0, 0 };
	int rc = kc_db_scan(db, &kc_key_account_event_def, &q, latest_cb, &l);
	if (rc)
		return rc;
	const char *type = kiscrm_record_text(rec, KISCRM_KEY_ACCOUNT_EVENT_TYPE);
	kiscrm_date d = (kiscrm_date)kiscrm_record_int(rec, KISCRM_KEY_ACCOUNT_EVENT_DATE);
	kiscrm_id id = kiscrm_record_id(rec);
	if (strcmp(type, "gained") == 0 || strcmp(type, "lost") == 0) {
		if (!l.found || d > l.date || (d == l.date && (id == 0 || id > l.id))) {
			l.found = 1;
			l.gained = strcmp(type, "gained") == 0;
		}
	}
	if (!l.found)
		return KISCRM_OK; /* no gained/lost event: the flag stays as it was set */
	kiscrm_record *cust = NULL;
	if ((rc = kiscrm_record_get(&cust, db, KISCRM_KIND_CUSTOMER, customer)) != 0)
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc; /* the store reports the reference */
	if (kiscrm_record_is_null(cust, KISCRM_CUSTOMER_KEY_ACCOUNT) ||
	    kiscrm_record_int(cust, KISCRM_CUSTOMER_KEY_ACCOUNT) != l.gained) {
		kc_record_put_int(cust, KISCRM_CUSTOMER_KEY_ACCOUNT, l.gained);
		rc = kc_db_update(db, cust->def, cust->vals);
	}
	kiscrm_record_free(cust);
	return rc;
}

int kc_key_account_event_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	int rc;
	if ((rc = kc_check_enum(rec, KISCRM_KEY_ACCOUNT_EVENT_TYPE, types)) != 0 || (rc = check_contact(ctx->db, rec)) != 0)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_KEY_ACCOUNT_EVENT_TYPE) ||
	    kiscrm_record_is_null(rec, KISCRM_KEY_ACCOUNT_EVENT_DATE) ||
	    kiscrm_record_is_null(rec, KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID))
		return KISCRM_OK; /* the store reports the missing required field */
	return set_flag(ctx->db, rec, kiscrm_record_int(rec, KISCRM_KEY_ACCOUNT_EVENT_CUSTOMER_ID));
}

/* The rules of the channel's kinds, run by the store inside the write's transaction: a
 * partner's level, status and keys as configured; a partner target of a known metric over
 * a real window; a registration of a configured product line whose customer key, dates
 * and validity follow from what was recorded. */
#include "channel/kinds.h"
#include "config/customers_config.h"
#include "config/service_config.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/str.h"
#include "entities/normalize.h"
#include "kiscrm/channel.h"
#include "kiscrm/config.h"
#include "kiscrm/date.h"
#include "storage/checks.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

static const char *const partner_statuses[] = { "active", "suspended", "terminated", NULL };
static const char *const target_metrics[] = { "contract_amount", "collection_amount", NULL };

/* Comma-separated keys of dimension @dim, each configured. */
static int check_keys(kiscrm_db *db, const kiscrm_record *rec, kiscrm_field field, int dim, const char *name)
{
	const char *list = kiscrm_record_text(rec, field), *cur = list, *item;
	size_t len;
	while (kc_next_item(&cur, &item, &len)) {
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(len < sizeof(key) ? len : sizeof(key) - 1), item);
		if (kiscrm_config_dim_find(db->config, dim, key) < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, list,
					       "partner.%s: '%s' is not a configured key", name, key);
	}
	return KISCRM_OK;
}

int kc_partner_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	const kc_partner_settings *p = &kc_config_customers(ctx->db->config)->partners;
	const char *level = kiscrm_record_text(rec, KISCRM_PARTNER_LEVEL);
	int rc;
	if (level && kc_named_find(p->levels, p->nlevels, level) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "level", level,
				       "partner.level: '%s' is not a level of customers.yaml partners", level);
	if ((rc = kc_check_enum(rec, KISCRM_PARTNER_STATUS, partner_statuses)) != 0 ||
	    (rc = check_keys(ctx->db, rec, KISCRM_PARTNER_INDUSTRIES, KISCRM_DIM_INDUSTRY, "industries")) != 0 ||
	    (rc = check_keys(ctx->db, rec, KISCRM_PARTNER_PRODUCT_LINES, KISCRM_DIM_PRODUCT_LINE, "product_lines")) != 0)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_PARTNER_STATUS))
		return kc_record_put_text(rec, KISCRM_PARTNER_STATUS, partner_statuses[0]);
	return KISCRM_OK;
}

int kc_partner_target_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)ctx;
	(void)old;
	int rc = kc_check_enum(rec, KISCRM_PARTNER_TARGET_METRIC, target_metrics);
	if (rc)
		return rc;
	if (!kiscrm_record_is_null(rec, KISCRM_PARTNER_TARGET_START) && !kiscrm_record_is_null(rec, KISCRM_PARTNER_TARGET_END) &&
	    kiscrm_record_int(rec, KISCRM_PARTNER_TARGET_END) <= kiscrm_record_int(rec, KISCRM_PARTNER_TARGET_START)) {
		char text[16];
		kiscrm_date_format(text, sizeof(text), (kiscrm_date)kiscrm_record_int(rec, KISCRM_PARTNER_TARGET_END));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "end", text,
				       "partner_target.end: %s is not after the start (end is the day after the last)", text);
	}
	if (!kiscrm_record_is_null(rec, KISCRM_PARTNER_TARGET_AMOUNT) && kiscrm_record_int(rec, KISCRM_PARTNER_TARGET_AMOUNT) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "amount", NULL, "partner_target.amount is negative");
	return KISCRM_OK;
}

/* ---- registrations ---- */

static int is(const char *status, const char *what)
{
	return status && strcmp(status, what) == 0;
}

static int require_time(const kiscrm_record *rec, kiscrm_field field, const char *name, const char *status)
{
	if (!kiscrm_record_is_null(rec, field))
		return KISCRM_OK;
	return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, name, NULL,
			       "registration.%s: a %s registration records when it was %s", name, status ? status : "",
			       strcmp(name, "submitted") == 0 ? "submitted" : "decided");
}

static int derive_key(kiscrm_record *rec)
{
	kiscrm_buf key = KISCRM_BUF_INIT;
	const char *name = kiscrm_record_text(rec, KISCRM_REGISTRATION_CUSTOMER_NAME);
	int rc = name ? kc_normalize_company_name(name, &key) : KISCRM_OK;
	if (rc == 0 && name)
		rc = kc_record_put_text(rec, KISCRM_REGISTRATION_CUSTOMER_KEY, key.ptr ? key.ptr : "");
	kiscrm_buf_dispose(&key);
	return rc;
}

/* The last valid day of an approved registration: validity_days from the (local) day it
 * was approved, that day counted, plus extension_days per extension. */
static int derive_validity(kiscrm_db *db, kiscrm_record *rec, const char *status)
{
	const kc_partner_settings *p = &kc_config_customers(db->config)->partners;
	int64_t ext = kiscrm_record_is_null(rec, KISCRM_REGISTRATION_EXTENSIONS)
			      ? 0 : kiscrm_record_int(rec, KISCRM_REGISTRATION_EXTENSIONS);
	if (ext < 0 || ext > p->max_extensions) {
		char text[24];
		snprintf(text, sizeof(text), "%lld", (long long)ext);
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "extensions", text,
				       "registration.extensions: %s is not 0 … %d (customers.yaml max_extensions)", text,
				       p->max_extensions);
	}
	if (!(is(status, "approved") || is(status, "converted")) || kiscrm_record_is_null(rec, KISCRM_REGISTRATION_DECIDED)) {
		kiscrm_record_set_null(rec, KISCRM_REGISTRATION_VALID_UNTIL);
		return KISCRM_OK;
	}
	kiscrm_date day = kc_biz_local_day(&kc_config_service(db->config)->calendar,
					   kiscrm_record_int(rec, KISCRM_REGISTRATION_DECIDED));
	kc_record_put_int(rec, KISCRM_REGISTRATION_VALID_UNTIL, day + p->validity_days - 1 + ext * p->extension_days);
	return KISCRM_OK;
}

int kc_registration_prepare(const kc_write_ctx *ctx, kiscrm_record *rec, const kiscrm_record *old)
{
	(void)old;
	kiscrm_db *db = ctx->db;
	const char *line = kiscrm_record_text(rec, KISCRM_REGISTRATION_PRODUCT_LINE);
	int rc;
	if (line && kiscrm_config_dim_find(db->config, KISCRM_DIM_PRODUCT_LINE, line) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "product_line", line,
				       "registration.product_line: '%s' is not a product line of dimensions.yaml", line);
	if ((rc = kc_check_enum(rec, KISCRM_REGISTRATION_STATUS, kc_registration_statuses)) != 0)
		return rc;
	if (kiscrm_record_is_null(rec, KISCRM_REGISTRATION_STATUS) &&
	    (rc = kc_record_put_text(rec, KISCRM_REGISTRATION_STATUS, kc_registration_statuses[0])) != 0)
		return rc;
	const char *status = kiscrm_record_text(rec, KISCRM_REGISTRATION_STATUS);
	if (!is(status, "draft") && (rc = require_time(rec, KISCRM_REGISTRATION_SUBMITTED, "submitted", status)) != 0)
		return rc;
	if ((is(status, "approved") || is(status, "rejected") || is(status, "converted")) &&
	    (rc = require_time(rec, KISCRM_REGISTRATION_DECIDED, "decided", status)) != 0)
		return rc;
	if (!kiscrm_record_is_null(rec, KISCRM_REGISTRATION_DECIDED) &&
	    !kiscrm_record_is_null(rec, KISCRM_REGISTRATION_SUBMITTED) &&
	    kiscrm_record_int(rec, KISCRM_REGISTRATION_DECIDED) < kiscrm_record_int(rec, KISCRM_REGISTRATION_SUBMITTED))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "decided", NULL,
				       "registration.decided: before the registration was submitted");
	if ((rc = derive_key(rec)) != 0)
		return rc;
	return derive_validity(db, rec, status);
}

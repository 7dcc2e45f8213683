/* The service terms of a contract (service contracts are contracts with a tier): checked
 * against service.yaml so that the SLA, renewal and catalogue figures never meet a tier or
 * product they cannot place. */
#include "service/contract_rules.h"
#include "config/service_config.h"
#include "core/error.h"
#include "core/field.h"
#include "core/str.h"
#include "kiscrm/date.h"
#include "kiscrm/money_flow.h"
#include "storage/record.h"

#include <stdio.h>
#include <string.h>

/* `covered`: catalogue keys separated by commas (spaces around them allowed), each once. */
static int check_covered(const kc_service_config *s, const char *covered)
{
	int seen[64] = { 0 }; /* by catalogue index; the catalogue is small */
	const char *cur = covered, *item;
	size_t len;
	while (kc_next_item(&cur, &item, &len)) {
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(len < sizeof(key) ? len : sizeof(key) - 1), item);
		int i = kc_service_product_find(s, key);
		if (i < 0)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "covered", covered,
					       "contract.covered: '%s' is not a product of service.yaml catalogue", key);
		if (i < 64 && seen[i]++)
			return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "covered", covered,
					       "contract.covered: '%s' is listed twice", key);
	}
	return KISCRM_OK;
}

static int customer_cb(void *payload, const kiscrm_value *row)
{
	*(kiscrm_id *)payload = kc_val_int(&row[KC_FI(KISCRM_CONTRACT_CUSTOMER_ID)], 0);
	return 0;
}

int kc_service_contract_check(kiscrm_db *db, const kiscrm_record *rec)
{
	const kc_service_config *s = kc_config_service(db->config);
	const char *tier = kiscrm_record_text(rec, KISCRM_CONTRACT_TIER);
	int rc;
	if (tier && kc_named_find(s->tiers, s->ntiers, tier) < 0)
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "tier", tier,
				       "contract.tier: '%s' is not a tier of service.yaml", tier);
	if (!kiscrm_record_is_null(rec, KISCRM_CONTRACT_VALID_FROM) && !kiscrm_record_is_null(rec, KISCRM_CONTRACT_VALID_TO) &&
	    kiscrm_record_int(rec, KISCRM_CONTRACT_VALID_TO) < kiscrm_record_int(rec, KISCRM_CONTRACT_VALID_FROM)) {
		char text[16];
		kiscrm_date_format(text, sizeof(text), (kiscrm_date)kiscrm_record_int(rec, KISCRM_CONTRACT_VALID_TO));
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "valid_to", text,
				       "contract.valid_to: %s is before valid_from", text);
	}
	if ((rc = check_covered(s, kiscrm_record_text(rec, KISCRM_CONTRACT_COVERED))) != 0 ||
	    kiscrm_record_is_null(rec, KISCRM_CONTRACT_RENEWS_ID))
		return rc;
	kiscrm_id renews = kiscrm_record_int(rec, KISCRM_CONTRACT_RENEWS_ID), customer = 0;
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)renews);
	if (renews == kiscrm_record_id(rec))
		return kc_error_set_at(KISCRM_EINVALID, NULL, 0, 0, "renews_id", text,
				       "contract.renews_id: a contract cannot renew itself");
	rc = kc_db_get(db, rec->def, renews, customer_cb, &customer);
	if (rc)
		return rc == KISCRM_ENOTFOUND ? KISCRM_OK : rc; /* the store reports the reference */
	if (customer != kiscrm_record_int(rec, KISCRM_CONTRACT_CUSTOMER_ID))
		return kc_error_set_at(KISCRM_ECONFLICT, NULL, 0, 0, "renews_id", text,
				       "contract.renews_id: contract %s is another customer's", text);
	return KISCRM_OK;
}

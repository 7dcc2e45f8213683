/* The service terms of a contract (contract_rules.c), checked by the contract's rules. */
#ifndef KC_SERVICE_CONTRACT_RULES_H
#define KC_SERVICE_CONTRACT_RULES_H

#include "storage/db.h"

/* A contract's service terms: a configured tier; valid_to not before valid_from; covered
 * products of the catalogue, each once; renews_id another contract of the same customer.
 * KISCRM_OK, or an error naming the field and value. */
int kc_service_contract_check(kiscrm_db *db, const kiscrm_record *rec);

#endif

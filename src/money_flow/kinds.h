/* The kinds of record this area owns (contracts, collection plans and collections):
 * their definitions (fields.c) and descriptors (kinds.c). */
#ifndef KC_MONEY_FLOW_KINDS_H
#define KC_MONEY_FLOW_KINDS_H

#include "storage/kind.h"

extern const kiscrm_kind_def kc_contract_def;
extern const kc_kind kc_contract_kind;
extern const kiscrm_kind_def kc_collection_plan_def;
extern const kc_kind kc_collection_plan_kind;
extern const kiscrm_kind_def kc_collection_def;
extern const kc_kind kc_collection_kind;

#endif

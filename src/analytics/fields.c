/* The fields of the kinds this area owns (saved weekly rolling budgets (snapshots) and their lines).
 * Pure data, read by the store and the configuration alike. Field order matches the
 * public field enums; fields are only appended. */
#include "analytics/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def snapshot_fields[] = {
	F("id", INT, 0, 0),
	F("week", DATE, REQ | IDX, 0),
	F("taken", TIME, 0, 0),
	F("by_id", INT, 0, KISCRM_KIND_STAFF),
	F("as_of", DATE, 0, 0),
};

/* Snapshot lines keep plain ids (no references): a snapshot is history and must survive
 * the deletion of the opportunity or contract it describes. */
static const kiscrm_field_def snapshot_line_fields[] = {
	F("id", INT, 0, 0),
	F("snapshot_id", INT, REQ | IDX | OWN, KISCRM_KIND_SNAPSHOT),
	F("opportunity_id", INT, IDX, 0),
	F("contract_id", INT, IDX, 0),
	F("customer_id", INT, 0, 0),
	F("owner_id", INT, 0, 0),
	F("department_id", INT, 0, 0),
	F("business_line", TEXT, 0, 0),
	F("product_line", TEXT, 0, 0),
	F("stage", TEXT, 0, 0),
	F("week", DATE, IDX, 0),
	F("contract_amount", MONEY, 0, 0),
	F("weighted_amount", MONEY, 0, 0),
	F("collection_amount", MONEY, 0, 0),
	F("expected_close", DATE, 0, 0),
	F("probability", INT, 0, 0),
	F("amount", MONEY, 0, 0),
	F("status", TEXT, 0, 0),
};

const kiscrm_kind_def kc_snapshot_def = { KISCRM_KIND_SNAPSHOT, "snapshot", KC_FIELDS(snapshot_fields) };
const kiscrm_kind_def kc_snapshot_line_def = { KISCRM_KIND_SNAPSHOT_LINE, "snapshot_line", KC_FIELDS(snapshot_line_fields) };

/* The fields of the kinds this area owns. Pure data; field order matches the public
 * field enums of kiscrm/routines.h, only appended. */
#include "routines/kinds.h"
#include "storage/kind_fields.h"

static const kiscrm_field_def entry_fields[] = {
	F("id", INT, 0, 0),
	F("quadrant", TEXT, REQ, 0),
	F("text", TEXT, REQ, 0),
	F("department_id", INT, IDX, KISCRM_KIND_DEPARTMENT),
	F("product_line", TEXT, 0, 0),
	F("date", DATE, 0, 0),
};

static const kiscrm_field_def strategy_fields[] = {
	F("id", INT, 0, 0),
	F("type", TEXT, REQ, 0),
	F("internal_id", INT, REQ | IDX, KISCRM_KIND_SWOT_ENTRY),
	F("external_id", INT, REQ | IDX, KISCRM_KIND_SWOT_ENTRY),
	F("text", TEXT, REQ, 0),
};

static const kiscrm_field_def item_fields[] = {
	F("id", INT, 0, 0),
	F("list", TEXT, REQ, 0),
	F("title", TEXT, REQ, 0),
	F("owner_id", INT, REQ | IDX, KISCRM_KIND_STAFF),
	F("due", DATE, REQ | IDX, 0),
	F("status", TEXT, 0, 0),
	F("done_on", DATE, 0, 0),
	F("improvement", TEXT, 0, 0),
	F("strategy_id", INT, IDX, KISCRM_KIND_SWOT_STRATEGY),
	F("source", TEXT, 0, 0),
};

static const kiscrm_field_def log_fields[] = {
	F("id", INT, 0, 0),
	F("work_item_id", INT, REQ | IDX | OWN, KISCRM_KIND_WORK_ITEM),
	F("date", DATE, REQ, 0),
	F("measure", TEXT, REQ, 0),
};

const kiscrm_kind_def kc_swot_entry_def = { KISCRM_KIND_SWOT_ENTRY, "swot_entry", KC_FIELDS(entry_fields) };
const kiscrm_kind_def kc_swot_strategy_def = { KISCRM_KIND_SWOT_STRATEGY, "swot_strategy", KC_FIELDS(strategy_fields) };
const kiscrm_kind_def kc_work_item_def = { KISCRM_KIND_WORK_ITEM, "work_item", KC_FIELDS(item_fields) };
const kiscrm_kind_def kc_work_log_def = { KISCRM_KIND_WORK_LOG, "work_log", KC_FIELDS(log_fields) };
